#!/bin/bash
# iSCSI faults on portal 0: link down and 100% loss stall then fail direct
# I/O on that path (NOP-out 2 s, recovery 5 s) while portal 1 keeps working;
# a 500 ms netem delay slows each I/O by about that much. Each restore
# brings the path back.
# vm-timeout: 300
. "$VM_LIB/guest.sh"
# NOP-out 2 s, recovery 5 s: a dead link stalls I/O about 9 s; 1 s pings
# flap on a busy host.
ISCSI_NOOP=2 ISCSI_RECOVERY=5 iscsi_up 1 || fail "iSCSI bring-up failed"
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
# Five reads in a row: each waits out the 500 ms delay once.
base=$(read_time "$d" 30 5 16) || fail "delay: reads fail before the delay"
path_fail delay 0 || fail "delay: cannot inject"
s=$(read_time "$d" 60 5 32) || fail "delay: direct reads on $d failed"
figure iscsi-delay-5reads-seconds "$s"
figure iscsi-nodelay-5reads-seconds "$base"
awk -v s="$s" -v b="$base" 'BEGIN { exit !(s - b >= 2.0) }' ||
	fail "delay: 5 reads took ${s}s against ${base}s without delay (expected +2.5s)"
path_restore delay 0 || fail "delay: cannot restore"
a=$(read_time "$d" 30 5 48) || fail "delay: reads fail after restore"
awk -v s="$s" -v a="$a" 'BEGIN { exit !(s - a >= 2.0) }' ||
	fail "delay: 5 reads still take ${a}s after restore (${s}s with delay)"
iscsi_down || fail "iSCSI teardown failed"
