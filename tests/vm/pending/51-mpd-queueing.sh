#!/bin/bash
# Our daemon, one scsi_debug LUN x 2 paths, no_path_retry queue:
#  - kill -9 during direct writes, restart: no I/O error, map adopted
#    (table and event counter unchanged, no reload);
#  - all paths offline: a direct write waits, nothing errors; paths back:
#    it completes;
#  - SIGHUP with a changed config (round-robin, no_path_retry 2): the
#    table is reloaded; all paths offline: the write fails after ~2
#    polling intervals.
# vm-timeout: 480
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
# no_path_retry in overrides: the built-in device entry for scsi_debug says
# no_path_retry 12, which beats the defaults section
MPD_EXTRA_CONF=$'overrides {\n\tno_path_retry queue\n}' \
	mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4'
sdebug_up 1 2 || fail "scsi_debug did not come up"
mpd_start || fail "daemon did not start"
must 60 "1 map with 2 active paths" mpd_sdebug_maps_ready 1 2
m=$(mpd_sdebug_maps)
dmsetup table "$m" | grep -q queue_if_no_path || fail "$m: no queue_if_no_path with no_path_retry queue"

# kill -9 during I/O
dd if=/dev/zero of="/dev/mapper/$m" bs=64k count=200 oflag=direct status=none 2>/run/dd1.err &
ddp=$!
sleep 1
ev=$(dmsetup info -c --noheadings -o events "$m"); tb=$(dmsetup table "$m")
kill -9 "$(adapter_pid)"
sleep 1
mpd_start || fail "daemon did not restart after kill -9"
wait "$ddp" || fail "dd failed across kill -9: $(cat /run/dd1.err)"
sleep 2
[ "$(dmsetup info -c --noheadings -o events "$m")" = "$ev" ] || fail "event counter moved across restart"
[ "$(dmsetup table "$m")" = "$tb" ] || fail "table changed across restart"
[ "$(mpd_ctl show status | jq .data.reloads)" = 0 ] || fail "restart reloaded the map"
say "kill -9 during I/O: no error, map adopted unchanged"

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
figure mpd-no-path-retry-2-fail-seconds "$(elapsed "$t")"
awk -v s="$(elapsed "$t")" 'BEGIN { exit !(s < 40) }' || fail "write took $(elapsed "$t")s to fail"
for d in $devs; do path_restore offline "$d"; done
must 20 "$m: paths back" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
mpd_stop
sdebug_down || fail "scsi_debug would not unload"
