#!/bin/bash
# Our daemon, one scsi_debug LUN x 2 paths, no_path_retry queue:
#  - kill -9 while fio writes and verifies (direct, randwrite, crc32c):
#    restarted, the daemon adopts the map: fio sees no error, the table is
#    the same, the new daemon created and reloaded nothing, and it reports
#    both paths up;
#  - all paths offline: a direct write waits, nothing errors; paths back:
#    it completes;
#  - SIGHUP with a changed config (round-robin, no_path_retry 2): the
#    table is reloaded; a broken config is refused; all paths offline: the
#    write fails after ~2 polling intervals;
#  - the kernel's queue_if_no_path_timeout_secs, set by the daemon from
#    no_path_retry 2: with the daemon killed, a write with every path
#    offline fails after that timeout instead of hanging.
# scsi_dh_alua is unloaded first: scsi_debug derives each port's ALUA state
# from its host number, so which port is standby depends on how many hosts
# earlier tests created, and with the handler attached the kernel itself
# fails I/O sent to a standby port. Without it both ports take I/O and the
# map is one group of two paths whatever the numbering.
# vm-timeout: 420
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
modprobe -r scsi_dh_alua 2>/dev/null
lsmod | grep -q '^scsi_dh_alua' && say "scsi_dh_alua stays loaded: $(lsmod | grep '^scsi_dh_alua')"
# no_path_retry in overrides: the built-in device entry for scsi_debug says
# no_path_retry 12, which beats the defaults section
MPD_EXTRA_CONF=$'overrides {\n\tno_path_retry queue\n}' \
	mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4'
SDEBUG_MB=32 sdebug_up 1 2 || fail "scsi_debug did not come up"
mpd_start || fail "daemon did not start"
must 60 "1 map with 2 active paths" mpd_sdebug_maps_ready 1 2
m=$(mpd_sdebug_maps)
tb=$(dmsetup table "$m")
say "$m: $tb"
echo "$tb" | grep -q queue_if_no_path || fail "$m: no queue_if_no_path with no_path_retry queue"

# kill -9 during fio
out=$VM_RESULTS/tests/51-fio
fio --name=kill9 --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --rw=randwrite \
	--bs=4k --iodepth=4 --size=16m --time_based --runtime=25 --verify=crc32c --do_verify=1 \
	--verify_backlog=64 --verify_fatal=1 --output-format=json --output="$out.json" 2>"$out.err" &
fpid=$!
sleep 5
kill -0 "$fpid" 2>/dev/null || fail "fio ended early: $(head -c 300 "$out.err")"
ev=$(dmsetup info -c --noheadings -o events "$m")
kill -9 "$(adapter_pid)" || fail "no daemon to kill"
sleep 1
t=$(now)
mpd_start || fail "daemon did not restart after kill -9"
figure mpd-restart-after-kill9-seconds "$(elapsed "$t")"
wait_for 90 eval '! kill -0 '"$fpid"' 2>/dev/null' || { kill "$fpid"; fail "fio did not finish"; }
wait "$fpid"; rc=$?
err=$(jq '[.jobs[].error] | add' "$out.json" 2>/dev/null)
wkib=$(jq '[.jobs[].write.io_kbytes] | add' "$out.json" 2>/dev/null)
rkib=$(jq '[.jobs[].read.io_kbytes] | add' "$out.json" 2>/dev/null)
say "fio across kill -9: exit $rc, error ${err:-?}, wrote ${wkib:-?} KiB, verified ${rkib:-?} KiB"
[ "$rc" = 0 ] && [ "${err:-1}" = 0 ] || fail "fio failed across kill -9 (exit $rc, error ${err:-?}): $(head -c 300 "$out.err")"
figure mpd-kill9-fio-write-kib "$wkib"
sleep 3
[ "$(dmsetup table "$m")" = "$tb" ] || fail "table changed across restart: $(dmsetup table "$m")"
st=$(mpd_ctl show status | jq -c '.data | {creates, reloads, messages}')
say "restarted daemon: $st; event counter $ev -> $(dmsetup info -c --noheadings -o events "$m")"
[ "$(jq .reloads <<<"$st")" = 0 ] && [ "$(jq .creates <<<"$st")" = 0 ] ||
	fail "restart created or reloaded maps: $st"
n=$(mpd_ctl show topology | jq --arg m "$m" '[.data[] | select(.name == $m and .in_kernel) | .groups[].paths[] | select(.dm_state == "A")] | length')
[ "$n" = 2 ] || fail "restarted daemon sees $n active paths in $m"
[ "$(mpath_active_paths "$m")" = 2 ] || fail "$m: not both paths active after restart"
say "kill -9 during fio: no error, map adopted unchanged"

# all paths down, queueing
devs=$(sdebug_devs)
for d in $devs; do path_fail offline "$d"; done
must 15 "$m: no active path" eval '[ "$(mpath_active_paths '"$m"')" = 0 ]'
dd if=/dev/zero of="/dev/mapper/$m" bs=4k count=1 seek=100 oflag=direct status=none 2>/run/dd2.err &
ddp=$!
sleep 8
kill -0 "$ddp" 2>/dev/null || fail "write did not wait with no_path_retry queue: $(cat /run/dd2.err)"
t=$(now)
for d in $devs; do path_restore offline "$d"; done
must 30 "queued write completes once paths return" eval '! kill -0 '"$ddp"' 2>/dev/null'
wait "$ddp" || fail "queued write failed: $(cat /run/dd2.err)"
figure mpd-queued-write-complete-seconds "$(elapsed "$t")"
must 20 "$m: both paths active again" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'

# SIGHUP with a changed config
sed -i 's/no_path_retry queue/no_path_retry 2\n\tpath_selector "round-robin 0"/' "$MPD_TEST_DIR/multipath.conf"
kill -HUP "$(adapter_pid)"
must 30 "$m reloaded with round-robin after SIGHUP" eval 'dmsetup table '"$m"' | grep -q round-robin'
echo "defaults { polling_interval }" >"$MPD_TEST_DIR/bad.conf"
cp "$MPD_TEST_DIR/multipath.conf" "$MPD_TEST_DIR/good.conf"
echo "defaults { bogus_keyword 1 " >>"$MPD_TEST_DIR/multipath.conf"
mpd_ctl reconfigure | jq -e '.ok == false' >/dev/null || fail "a broken config was accepted"
dmsetup table "$m" | grep -q round-robin || fail "broken config changed the map"
cp "$MPD_TEST_DIR/good.conf" "$MPD_TEST_DIR/multipath.conf"
mpd_ctl show status >/dev/null || fail "daemon gone after a bad reconfigure"

# no_path_retry 2: fails after ~2 intervals
for d in $devs; do path_fail offline "$d"; done
t=$(now)
if timeout 60 dd if=/dev/zero of="/dev/mapper/$m" bs=4k count=1 seek=200 oflag=direct status=none 2>/run/dd3.err; then
	fail "write succeeded with every path offline"
fi
s=$(elapsed "$t")
figure mpd-no-path-retry-2-fail-seconds "$s"
say "daemon: $(grep -E 'no_path_retry|fail_if_no_path' /run/mpd.log | tail -n 3 | tr '\n' ';')"
# 2 intervals of 2 s after the daemon saw no usable path (detection takes
# up to max_polling_interval plus the check): neither at once nor forever
awk -v s="$s" 'BEGIN { exit !(s >= 2 && s < 30) }' || fail "write took ${s}s to fail with no_path_retry 2"
for d in $devs; do path_restore offline "$d"; done
must 20 "$m: paths back" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'

# the kernel's safety net: with no_path_retry 2 every 2 s the daemon sets
# queue_if_no_path_timeout_secs to 2 * 2 + 2 + 5; killed, it leaves it
# behind, and I/O queued without any path then fails after that long
qt=/sys/module/dm_multipath/parameters/queue_if_no_path_timeout_secs
[ "$(cat "$qt")" = 11 ] || fail "queue_if_no_path_timeout_secs is $(cat "$qt"), not 11"
kill -9 "$(adapter_pid)"
for d in $devs; do path_fail offline "$d"; done
t=$(now)
if timeout 60 dd if=/dev/zero of="/dev/mapper/$m" bs=4k count=1 seek=300 oflag=direct status=none 2>/run/dd4.err; then
	fail "write succeeded with every path offline and no daemon"
fi
s=$(elapsed "$t")
figure mpd-kernel-queue-timeout-11-fail-seconds "$s"
awk -v s="$s" 'BEGIN { exit !(s >= 9 && s < 30) }' || fail "without the daemon the write took ${s}s to fail (timeout 11 s)"
for d in $devs; do path_restore offline "$d"; done
mpd_start || fail "daemon did not restart"
must 30 "$m: paths reinstated by the restarted daemon" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
mpd_stop
sdebug_down || fail "scsi_debug would not unload"
