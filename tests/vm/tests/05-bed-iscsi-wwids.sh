#!/bin/bash
# iSCSI: an LIO target in its own network namespace, two portals on two veth
# links, 2 LUNs: 4 sd devices, 2 WWIDs with one path per portal each.
# vm-timeout: 360
. "$VM_LIB/guest.sh"
t=$(now)
# Identity only: relaxed NOP-out and recovery times, no failover wanted.
ISCSI_NOOP=5 ISCSI_RECOVERY=10 iscsi_up 2 || fail "iSCSI bring-up failed"
figure iscsi-2x2-up-seconds "$(elapsed "$t")"
assert_wwid_groups 2 2 $(iscsi_devs)
for i in 0 1; do
	[ "$(iscsi_devs_on "$i" | wc -l)" -eq 2 ] || fail "portal ${ISCSI_TADDR[$i]} has $(iscsi_devs_on "$i" | wc -l) devices, not 2"
done
iscsi_down || fail "iSCSI teardown failed"
[ "$(iscsi_devs | wc -l)" -eq 0 ] || fail "iSCSI devices left after teardown"
