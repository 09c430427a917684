#!/bin/bash
# scsi_debug: 4 LUNs x 2 paths give 8 sd devices, 4 WWIDs with 2 paths each.
# vm-timeout: 240
. "$VM_LIB/guest.sh"
sdebug_up 4 2 || fail "scsi_debug did not give 8 sd devices"
figure sdebug-4x2-create-seconds "$SDEBUG_UP_SECONDS"
assert_wwid_groups 4 2 $(sdebug_devs)
# ALUA state per path (scsi_debug derives it from the host number).
for d in $(sdebug_devs); do
	say "$d host $(readlink -f /sys/block/$d/device | sed 's|.*/host\([0-9]*\)/.*|\1|') access_state $(cat /sys/block/$d/device/access_state 2>/dev/null || echo n/a)"
done
sdebug_down || fail "scsi_debug would not unload"
