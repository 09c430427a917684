#!/bin/bash
# qemu virtio-scsi: one image on two controllers gives 2 sd devices, 1 WWID.
# vm-timeout: 120
. "$VM_LIB/guest.sh"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
must 30 "two virtio-scsi paths" eval '[ "$(vdisk_paths | wc -l)" -eq 2 ]'
assert_wwid_groups 1 2 $(vdisk_paths)
[ "$(wwid_of "$(vdisk_path_of 0)")" = "naa.${VM_VDISK_WWN#0x}" ] ||
	fail "WWID $(wwid_of "$(vdisk_path_of 0)") is not naa.${VM_VDISK_WWN#0x}"
