#!/bin/bash
# Soak: fio writes and verifies (direct, libaio, randwrite, crc32c with a
# verify backlog) through a map of our daemon over one scsi_debug LUN x 2
# paths for SOAK_SECONDS (default 100) while a seeded random injector sets
# paths offline and back. Mostly one path at a time, the next fault only
# once both paths are active in the kernel again; one fault in three takes
# both paths at once for a few seconds, which the map survives because it
# queues (no_path_retry queue). Passes with zero fio errors, zero verify
# failures, the same daemon process still answering, both paths active in
# the kernel and up in the daemon at the end.
#
# The seed is printed; SOAK_SEED replays a fault sequence. Longer runs by
# hand: the guest gets no environment from the host, so put the variables
# in the results folder and give the test a longer limit:
#   mkdir -p /tmp/soak && echo 'SOAK_SECONDS=1800 SOAK_SEED=42' >/tmp/soak/soak.conf
#   sed 's/^# vm-timeout: .*/# vm-timeout: 2100/' tests/vm/tests/54-mpd-soak.sh >/tmp/soak/54-mpd-soak.sh
#   guest-slot tests/vm/launch -d -t 2200 -o /tmp/soak tests/vm/lib/suite-job /tmp/soak/54-mpd-soak.sh
# vm-timeout: 260
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
if [ -r "$VM_RESULTS/soak.conf" ]; then
	read -r -a kv <"$VM_RESULTS/soak.conf"
	for a in "${kv[@]}"; do
		case $a in SOAK_SECONDS=[0-9]* | SOAK_SEED=[0-9]*) declare "$a" ;; esac
	done
fi
soak=${SOAK_SECONDS:-100}
seed=${SOAK_SEED:-$(($(date +%s%N) / 1000 % 32768))}
RANDOM=$seed
say "soak: ${soak}s of fio, fault seed $seed (SOAK_SEED=$seed replays the sequence)"

# Same reason as 51-mpd-queueing: scsi_debug's ALUA states follow host
# numbers; without scsi_dh_alua both ports take I/O. The daemon still reads
# the ports' ALUA states (INQUIRY TPGS, RTPG over sg), so where this test
# falls in the suite one port may report standby and alua grouping would
# split the map: multibus with a constant priority keeps one group of two.
modprobe -r scsi_dh_alua 2>/dev/null
# polling 1 s (the floor): a returned path is reinstated sooner, so more
# faults fit into the soak
MPD_EXTRA_CONF=$'overrides {\n\tno_path_retry queue\n\tpath_grouping_policy multibus\n\tprio const\n\tdetect_prio no\n}' \
	mpd_setup_conf 'polling_interval 1' 'max_polling_interval 2'
SDEBUG_MB=64 sdebug_up 1 2 || fail "scsi_debug did not come up"
mpd_start || fail "daemon did not start"
must 60 "1 map with 2 active paths" mpd_sdebug_maps_ready 1 2
m=$(mpd_sdebug_maps)
pid=$(adapter_pid)
devs=($(sdebug_devs))
[ "${#devs[@]}" = 2 ] || fail "expected 2 scsi_debug paths, got ${devs[*]}"
tb=$(dmsetup table "$m")
say "$m over ${devs[*]}: $tb"
# one group of two paths, or a standby port (scsi_dh_alua still attached)
# would make the faults a test of ALUA activation instead
[ "$(awk '{ for (i = 1; i < NF; i++) if ($i == "service-time") n++ } END { print n + 0 }' <<<"$tb")" = 1 ] ||
	fail "$m is not one group of two paths: $tb"

out=$VM_RESULTS/tests/54-fio
fio --name=soak --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --rw=randwrite \
	--bs=4k --iodepth=8 --size=48m --time_based --runtime="$soak" --verify=crc32c \
	--do_verify=1 --verify_backlog=256 --verify_fatal=1 \
	--output-format=json --output="$out.json" 2>"$out.err" &
fpid=$!
sleep 3
kill -0 "$fpid" 2>/dev/null || fail "fio ended early: $(head -c 300 "$out.err")"

# tenths of a second, from the seeded sequence
pause() { local t=$(($1 + RANDOM % $2)); sleep "$((t / 10)).$((t % 10))"; }
faults=0 both=0 maxback=0
t0=$(now)
# stop faulting ~10 s before fio ends so that it finishes on healthy paths
while kill -0 "$fpid" 2>/dev/null &&
	awk -v a="$(elapsed "$t0")" -v l="$((soak - 13))" 'BEGIN { exit !(a < l) }'; do
	if [ $((RANDOM % 3)) = 0 ]; then
		hit=("${devs[@]}")
		both=$((both + 1))
	else
		hit=("${devs[$((RANDOM % 2))]}")
	fi
	for d in "${hit[@]}"; do path_fail offline "$d"; done
	faults=$((faults + 1))
	pause 5 40
	for d in "${hit[@]}"; do path_restore offline "$d"; done
	t=$(now)
	must 30 "fault $faults (${hit[*]}): both paths active again" \
		eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
	back=$(elapsed "$t")
	say "fault $faults: ${hit[*]} offline, back in ${back}s"
	maxback=$(awk -v a="$maxback" -v b="$back" 'BEGIN { print (b > a ? b : a) }')
	pause 0 25
done
say "injected $faults faults ($both with both paths down) in $(elapsed "$t0")s"
wait_for $((soak + 60)) eval '! kill -0 '"$fpid"' 2>/dev/null' || { kill "$fpid"; fail "fio did not finish"; }
wait "$fpid"; rc=$?
err=$(jq '[.jobs[].error] | add' "$out.json" 2>/dev/null)
wkib=$(jq '[.jobs[].write.io_kbytes] | add' "$out.json" 2>/dev/null)
rkib=$(jq '[.jobs[].read.io_kbytes] | add' "$out.json" 2>/dev/null)
maxlat=$(jq '[.jobs[].write.clat_ns.max] | max / 1e6 | floor' "$out.json" 2>/dev/null)
say "fio: exit $rc, error ${err:-?}, wrote ${wkib:-?} KiB, verified ${rkib:-?} KiB, longest write ${maxlat:-?} ms"
figure soak-seed "$seed"
figure soak-faults "$faults"
figure soak-faults-both-paths "$both"
figure soak-fio-write-kib "${wkib:-0}"
figure soak-fio-verify-kib "${rkib:-0}"
figure soak-longest-write-ms "${maxlat:-0}"
figure soak-slowest-reinstate-seconds "$maxback"
grep -i 'verify' "$out.err" | head -n 3 >&2
[ "$rc" = 0 ] && [ "${err:-1}" = 0 ] || fail "fio failed (exit $rc, error ${err:-?}): $(head -c 300 "$out.err")"
[ "${rkib:-0}" -gt 0 ] || fail "fio verified nothing"
[ "$faults" -ge 4 ] || fail "only $faults faults injected"

kill -0 "$pid" 2>/dev/null && [ "$(adapter_pid)" = "$pid" ] || fail "the daemon (pid $pid) is gone"
mpd_ctl show status | jq -c '.data | {checks, reloads, messages}' >&2 || fail "the daemon does not answer"
[ "$(mpath_active_paths "$m")" = 2 ] || fail "$m: not both paths active at the end"
up=$(mpd_ctl show paths | jq --arg m "$m" '[.data[] | select(.map == $m and .dm_state == "A" and .checker_state == "up")] | length')
[ "$up" = 2 ] || fail "daemon reports $up of 2 paths up and active"
mpd_stop
sdebug_down || fail "scsi_debug would not unload"
