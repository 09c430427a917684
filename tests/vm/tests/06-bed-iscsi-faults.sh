#!/bin/bash
# iSCSI faults on portal 0: link down and 100% loss stall then fail direct
# I/O on that path (NOP-out 1 s, recovery 2 s) while portal 1 keeps working;
# a 500 ms netem delay slows each I/O by at least that much. Each restore
# brings the path back.
# vm-timeout: 300
. "$VM_LIB/guest.sh"
iscsi_up 1 || fail "iSCSI bring-up failed"
d=$(iscsi_devs_on 0); o=$(iscsi_devs_on 1)
[ -n "$d" ] && [ -n "$o" ] || fail "no path per portal ($d/$o)"
read_ok "$d" 10 || fail "$d: direct read fails before any fault"
for kind in linkdown loss; do
	path_fail "$kind" 0 || fail "$kind: cannot inject"
	t=$(now)
	if read_ok "$d" 25 1; then
		fail "$kind: direct read on $d succeeded with the path down"
	fi
	figure "iscsi-$kind-io-fail-seconds" "$(elapsed "$t")"
	read_ok "$o" 10 || fail "$kind: the other path $o fails too"
	path_restore "$kind" 0 || fail "$kind: cannot restore"
	t=$(now)
	must 60 "$kind: $d serves I/O again after restore" read_ok "$d" 10
	figure "iscsi-$kind-recover-seconds" "$(elapsed "$t")"
	say "$kind: I/O on $d failed, then recovered"
done
path_fail delay 0 || fail "delay: cannot inject"
s=$(read_time "$d" 30 2) || fail "delay: direct read on $d failed"
figure iscsi-delay-read-seconds "$s"
awk -v s="$s" 'BEGIN { exit !(s >= 0.5) }' || fail "delay: read took ${s}s, less than the 0.5s delay"
path_restore delay 0 || fail "delay: cannot restore"
s=$(read_time "$d" 30 3) || fail "delay: read fails after restore"
awk -v s="$s" 'BEGIN { exit !(s < 0.5) }' || fail "delay: read still takes ${s}s after restore"
iscsi_down || fail "iSCSI teardown failed"
