#!/bin/bash
# Our daemon on the two-controller virtio-scsi disk with no_path_retry
# queue (bench scenario f): fio writes and verifies through the map; both
# paths are unplugged (QMP device_del) for over 10 s: I/O waits, nothing
# errors; both are plugged back (they return as new sd devices, new dev_t):
# I/O resumes within 60 s, fio sees no error, the map's table lists the new
# devices, both active, and the daemon is still up.
# Snapshots of the dm tables/status, the daemon's view and its threads'
# kernel stacks go to /results/tests/57-mpd-replug.snap every few seconds
# from the unplug on, so a hang leaves its evidence.
# vm-timeout: 600
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
MPD_ARGS=${MPD_ARGS/-v 3/-v ${MPD_VERBOSITY:-5}}
export MPD_ARGS
# no_path_retry in overrides: a built-in device entry would beat defaults.
# The scsi_debug disks below only take the freed sd numbers: blacklisted,
# so no map of theirs shares the daemon's dm work with the one under test
# (a map over a lone ALUA-standby scsi_debug port queues udev's probe and
# held the dm adapter for its create's udev wait: the CI run of 20:33).
MPD_EXTRA_CONF=$'overrides {\n\tno_path_retry queue\n}\nblacklist {\n\tdevice {\n\t\tvendor "Linux"\n\t\tproduct "scsi_debug"\n\t}\n}' \
	mpd_setup_conf 'no_path_retry queue' 'polling_interval 5'
mpd_start || fail "daemon did not start"
vmap() { dmsetup info -c --noheadings -o name,uuid 2>/dev/null | awk -F: -v w="${VM_VDISK_WWN#0x}" 'index($2, w) { print $1 }'; }
must 90 "virtio map with 2 active paths" eval '[ -n "$(vmap)" ] && [ "$(mpath_active_paths "$(vmap)")" = 2 ]'
m=$(vmap)
dmsetup table "$m" | grep -q queue_if_no_path || fail "$m: no queue_if_no_path: $(dmsetup table "$m")"
pid=$(adapter_pid)

snapf=$VM_RESULTS/tests/$VM_TEST_NAME.snap
: >"$snapf"
snap() {
	local t
	{
		echo "=== $(now) $*"
		timeout 10 dmsetup info -c -o name,attr,open,events 2>&1
		timeout 10 dmsetup table 2>&1
		timeout 10 dmsetup status 2>&1
		ls /sys/block | tr '\n' ' '; echo
		mpd_ctl show topology | jq -c '.data[]? | {name, event_nr, queueing, usable_paths,
			paths: [.groups[].paths[] | {dev, dev_t, dm_state, checker_state}]}' 2>&1
		mpd_ctl show status | jq -c .data 2>&1
		for t in /proc/"$pid"/task/*; do
			echo "task ${t##*/} $(cat "$t/comm") $(cat "$t/wchan" 2>/dev/null)"
			sed 's/^/    /' "$t/stack" 2>/dev/null
		done
		ps -eo pid,stat,wchan:32,args | awk '$2 ~ /D/'
		udevadm settle --timeout=0 >/dev/null 2>&1 && echo "udev queue empty" || echo "udev queue busy"
	} >>"$snapf" 2>&1
}
snap_loop() { while :; do snap periodic; sleep 4; done; }

out=$VM_RESULTS/tests/$VM_TEST_NAME-fio
fio --name=replug --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --rw=randwrite \
	--bs=4k --iodepth=4 --size=32m --time_based --runtime=900 --verify=crc32c \
	--do_verify=1 --verify_backlog=64 --verify_fatal=1 \
	--output-format=json --output="$out.json" 2>"$out.err" &
fpid=$!
sleep 8
kill -0 "$fpid" 2>/dev/null || fail "fio ended early: $(head -c 300 "$out.err")"

old="$(devnum_of "$(vdisk_path_of 0)") $(devnum_of "$(vdisk_path_of 1)")"
say "$m over $old: $(dmsetup table "$m")"
snap before-unplug
snap_loop &
spid=$!
trap 'kill $spid 2>/dev/null' EXIT
path_fail unplug 0 || fail "unplug of path 0 failed"
path_fail unplug 1 || fail "unplug of path 1 failed"
t_down=$(now)
say "both paths unplugged"
# A write issued with no path: it must wait (queued), not fail.
rm -f /run/57-dd.rc
# It records its exit status and when it ended (uptime), so the resume
# time does not depend on how long the plugs and snapshots took.
{ dd if=/dev/zero of="/dev/mapper/$m" bs=4k count=1 seek=4096 oflag=direct status=none 2>/run/57-dd.err; echo "$? $(now)" >/run/57-dd.tmp; mv /run/57-dd.tmp /run/57-dd.rc; } &
sleep 12
[ ! -e /run/57-dd.rc ] || fail "write with no path did not queue: rc $(cat /run/57-dd.rc): $(cat /run/57-dd.err)"
kill -0 "$fpid" 2>/dev/null || fail "fio ended while the paths were out: $(head -c 300 "$out.err")"
figure mpd-replug-down-seconds "$(elapsed "$t_down")"
# scsi_debug takes the freed sd indexes (the lowest free ones), so the
# plugged paths come back under new names and device numbers: the daemon
# must follow new devices, not find the old ones again.
SDEBUG_TIMEOUT=60 sdebug_up 1 2 || fail "scsi_debug did not come up (to take the freed sd numbers)"
snap before-plug

t_plug=$(now)
path_restore unplug 0 || fail "plug of path 0 failed"
path_restore unplug 1 || fail "plug of path 1 failed"
figure mpd-replug-plug-seconds "$(elapsed "$t_plug")"
new="$(devnum_of "$(vdisk_path_of 0)") $(devnum_of "$(vdisk_path_of 1)")"
say "replugged as $(vdisk_path_of 0) $(vdisk_path_of 1) ($new)"
for n in $new; do
	case " $old " in *" $n "*) fail "path came back with its old dev_t $n (old: $old): the new-device case was not exercised" ;; esac
done
snap after-plug
if ! wait_for 60 test -e /run/57-dd.rc; then
	snap hang
	kill -0 "$pid" 2>/dev/null || say "daemon is gone"
	cp /run/mpd.log "$VM_RESULTS/tests/$VM_TEST_NAME-mpd.log" 2>/dev/null
	fail "queued write did not complete within 60 s of the plug (map $m: $(dmsetup table "$m" | head -c 200))"
fi
read -r rc t_done </run/57-dd.rc
resume=$(awk -v a="$t_plug" -v b="$t_done" 'BEGIN { printf "%.2f", b - a }')
figure mpd-replug-resume-seconds "$resume"
[ "$rc" = 0 ] || fail "queued write failed after the plug: $(cat /run/57-dd.err)"
awk -v r="$resume" 'BEGIN { exit !(r <= 60) }' || fail "I/O resumed only $resume s after the first plug request (bound 60 s)"
must 60 "$m: both new paths active" eval '[ "$(mpath_maps | awk -v m='"$m"' '\''$1 == m { print $2 "/" $3 }'\'')" = 2/2 ]'
tb=$(dmsetup table "$m")
for n in $new; do
	echo "$tb" | grep -qw "$n" || fail "$m: new device $n not in the table: $tb"
done
sleep 5
kill "$spid" 2>/dev/null
snap end
kill -INT "$fpid" 2>/dev/null
wait_for 120 eval '! kill -0 '"$fpid"' 2>/dev/null' || fail "fio did not stop"
wait "$fpid"
# SIGINT makes fio print "terminating on signal 2" before the JSON
j=$(sed -n '/^{/,$p' "$out.json")
err=$(jq '[.jobs[].error] | add' <<<"$j" 2>/dev/null)
wkib=$(jq '[.jobs[].write.io_kbytes] | add' <<<"$j" 2>/dev/null)
rkib=$(jq '[.jobs[].read.io_kbytes] | add' <<<"$j" 2>/dev/null)
wmax=$(jq '[.jobs[].write.lat_ns.max] | max / 1e9' <<<"$j" 2>/dev/null)
rmax=$(jq '[.jobs[].read.lat_ns.max] | max / 1e9' <<<"$j" 2>/dev/null)
say "fio: error ${err:-?}, wrote ${wkib:-?} KiB, verified ${rkib:-?} KiB, longest write ${wmax:-?} s, longest verify read ${rmax:-?} s"
[ "${err:-1}" = 0 ] || fail "fio error ${err:-?}: $(head -c 300 "$out.err")"
[ "${wkib:-0}" -gt 0 ] && [ "${rkib:-0}" -gt 0 ] || fail "fio wrote ${wkib:-?} KiB and verified ${rkib:-?} KiB"
grep -qi 'verify' "$out.err" && fail "fio verify complaint: $(grep -i verify "$out.err" | head -c 300)"
figure mpd-replug-fio-longest-write-seconds "$wmax"
figure mpd-replug-fio-longest-read-seconds "$rmax"
kill -0 "$pid" 2>/dev/null || fail "daemon died"
mpd_ctl show status >/dev/null || fail "daemon does not answer"
cp /run/mpd.log "$VM_RESULTS/tests/$VM_TEST_NAME-mpd.log" 2>/dev/null
mpd_stop
