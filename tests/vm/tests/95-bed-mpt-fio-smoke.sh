#!/bin/bash
# Smoke test of the bed with the reference: multipath-tools assembles the
# two-path virtio disk into one map; fio writes and verifies through it while
# one path is pulled (device_del) and plugged back; no I/O error, and the
# replugged path is reinstated in the kernel map.
# vm-timeout: 480
. "$VM_LIB/guest.sh"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
udev_settle 60
daemon_use multipath-tools || fail "no multipath-tools adapter"
adapter_available >/dev/null || fail "$(adapter_available)"
t=$(now)
daemon_start || fail "multipathd did not start"
must 60 "a map with 2 active paths" eval '[ "$(mpath_maps | awk '\''$2 == 2 && $3 == 2'\'' | wc -l)" -ge 1 ]'
figure mpt-assemble-virtio-seconds "$(elapsed "$t")"
say "udev rules active: $(udev_mpath_rules)"
map=$(mpath_maps | awk '$3 == 2 { print $1; exit }')
wwid=$(dmsetup info -c --noheadings -o uuid "$map")
case $wwid in *"${VM_VDISK_WWN#0x}"*) ;; *) fail "map $map ($wwid) is not the virtio disk" ;; esac
out=$VM_RESULTS/tests/fio-smoke
fio --name=smoke --filename="/dev/mapper/$map" --direct=1 --ioengine=libaio \
	--rw=randwrite --bs=4k --iodepth=4 --size=32m --time_based --runtime=40 \
	--verify=crc32c --verify_fatal=1 --do_verify=1 --verify_backlog=64 \
	--output-format=terse --terse-version=3 >"$out.terse" 2>"$out.err" &
fpid=$!
sleep 8
path_fail unplug 1 || fail "unplug failed"
must 30 "map down to 1 path" eval '[ "$(mpath_maps | awk -v m='"$map"' '\''$1 == m { print $3 }'\'')" = 1 ]'
sleep 8
t=$(now)
path_restore unplug 1 || fail "plug failed"
must 60 "replugged path reinstated" eval '[ "$(mpath_active_paths '"$map"')" = 2 ]'
figure mpt-virtio-reinstate-seconds "$(elapsed "$t")"
wait_for 90 eval '! kill -0 '"$fpid"' 2>/dev/null' || { kill "$fpid"; fail "fio did not finish"; }
wait "$fpid"; rc=$?
[ "$rc" = 0 ] || fail "fio exited $rc: $(head -c 300 "$out.err")"
errs=$(awk -F';' '{ print $5 }' "$out.terse")
wr=$(awk -F';' '{ print $47 }' "$out.terse")
say "fio: terse error field=$errs, write KiB=$wr"
[ "${errs:-1}" = 0 ] || fail "fio reported error $errs"
daemon_stop
