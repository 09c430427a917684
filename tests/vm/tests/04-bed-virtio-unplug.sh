#!/bin/bash
# virtio-scsi fault: device_del of one path removes its sd device (a pulled
# cable), the other path keeps serving I/O; device_add brings back a path
# with the same WWID that serves I/O.
# vm-timeout: 240
. "$VM_LIB/guest.sh"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
for i in 1 0; do
	d=$(vdisk_path_of "$i"); o=$(vdisk_path_of $((1 - i)))
	[ -n "$d" ] && [ -n "$o" ] || fail "virtio paths missing before unplug"
	read_ok "$d" 10 || fail "$d: direct read fails before the unplug"
	t=$(now)
	path_fail unplug "$i" || fail "unplug of vpath$i failed"
	figure virtio-unplug-seconds "$(elapsed "$t")"
	[ ! -e "/sys/block/$d" ] || fail "$d still present after unplug"
	! read_ok "$d" 5 || fail "$d: I/O still works after unplug"
	read_ok "$o" 10 || fail "$o: the other path fails while vpath$i is out"
	t=$(now)
	path_restore unplug "$i" || fail "plug of vpath$i failed"
	figure virtio-plug-seconds "$(elapsed "$t")"
	n=$(vdisk_path_of "$i")
	[ "$(wwid_of "$n")" = "$(wwid_of "$o")" ] || fail "replugged $n has another WWID"
	must 20 "$n: I/O after plug" read_ok "$n" 10
	say "vpath$i: unplug removed $d, plug brought $n"
done
