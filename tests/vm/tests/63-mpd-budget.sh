#!/bin/bash
# failover_budget 10 on iSCSI, sessions logged in with open-iscsi's default
# timers (NOP-Out every 5 s, 5 s to answer, replacement_timeout 120 s): the
# daemon derives its timers (NOP 3+3 s, recovery_tmo 3 s, SCSI timeout 10 s),
# puts them in the kernel (recovery_tmo through sysfs, the NOP timers over
# NETLINK_ISCSI), shows them with their origin, and a silently dead portal
# (netem loss 100% both ways) stalls fio I/O for at most about the budget. After the
# portal comes back (iscsid logs in again with its own NOP timers), the
# daemon puts its timers back. Figure: the longest I/O completion latency.
# vm-timeout: 330
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
ISCSI_NOOP=5 ISCSI_RECOVERY=120
BUDGET_MAX_STALL=${BUDGET_MAX_STALL:-11.5}	# the budget plus TCG's scheduling slack
# Both paths carry I/O (overrides: above any hardware-table entry), so the
# dead one surely has reads in flight. The budget is for iSCSI paths only:
# the bed's virtio disks keep their timers for the tests that follow.
MPD_EXTRA_CONF='overrides {
	path_grouping_policy multibus
	path_selector "round-robin 0"
	rr_min_io_rq 1
	protocol {
		type scsi:iscsi
		failover_budget 10
	}
}'
mpd_setup_conf
iscsi_up 1 || fail "iSCSI bring-up failed"
d=$(iscsi_devs_on 0); o=$(iscsi_devs_on 1)
[ -n "$d" ] && [ -n "$o" ] || fail "no path per portal ($d/$o)"
dead_link_both_ways() { ip netns exec "$ISCSI_NS" tc qdisc replace dev "${ISCSI_PEER[$1]}" root netem loss 100%; }
link_back() { ip netns exec "$ISCSI_NS" tc qdisc del dev "${ISCSI_PEER[$1]}" root; }
sess_of() { readlink -f "/sys/block/$1/device" | grep -o 'session[0-9]*' | head -n1; }
conn_attr() { cat /sys/class/iscsi_connection/connection"$(sess_of "$1" | tr -dc 0-9)":0/"$2"; }
say "before: $d recv_tmo $(conn_attr "$d" recv_tmo) ping_tmo $(conn_attr "$d" ping_tmo)" \
	"recovery_tmo $(cat /sys/class/iscsi_session/"$(sess_of "$d")"/recovery_tmo)" \
	"timeout $(cat /sys/block/"$d"/device/timeout)"
[ "$(conn_attr "$d" recv_tmo)" = 5 ] || fail "the bed did not log in with NOP-Out 5 s"

mpd_start || fail "daemon did not start"
imap() { dmsetup ls --target multipath | awk '{ print $1 }' | while read -r n; do
	dmsetup table "$n" | grep -qw "$(devnum_of "$d")" && echo "$n"; done; }
must 60 "iSCSI map with 2 active paths" eval '[ -n "$(imap)" ] && [ "$(mpath_active_paths "$(imap)")" = 2 ]'
m=$(imap); dt=$(devnum_of "$d")

timers_ok() { # DEV: the derived timers are in force
	[ "$(conn_attr "$1" recv_tmo)" = 3 ] && [ "$(conn_attr "$1" ping_tmo)" = 3 ] &&
		[ "$(cat /sys/class/iscsi_session/"$(sess_of "$1")"/recovery_tmo)" = 3 ] &&
		[ "$(cat /sys/block/"$1"/device/timeout)" = 10 ]
}
for p in $d $o; do
	must 10 "$p: NOP 3+3, recovery_tmo 3, SCSI timeout 10" timers_ok "$p"
done
grep 'failover_budget' /run/mpd.log | head -n 4

# What the operator sees: every timer with where it came from and why.
eff=$("$VM_BUILD/mpctl" --socket "$MPD_SOCK" show config --effective "$d") ||
	fail "mpctl show config --effective $d failed"
echo "$eff"
echo "$eff" | grep -Eq '^ *recovery_tmo +3 +\(derived from failover_budget 10: ' ||
	fail "show config --effective does not show recovery_tmo derived from the budget"
echo "$eff" | grep -Eq '^ *noop_out_interval +3 +\(derived from failover_budget 10' ||
	fail "show config --effective does not show noop_out_interval"
echo "$eff" | grep -Eq '^ *checker_timeout +3 +\(derived from failover_budget 10' ||
	fail "show config --effective does not show checker_timeout derived"

# The stall: random reads through both paths, portal 0 silently dead at 8 s.
out=/tmp/budget-fio.json
fio --name=stall --filename="/dev/mapper/$m" --rw=randread --bs=4k --direct=1 \
	--ioengine=libaio --iodepth=4 --time_based --runtime=36 \
	--output-format=json --output="$out" >/dev/null 2>&1 &
fpid=$!
sleep 8
t=$(now)
# Both directions, as on a dead link: with loss on the initiator's side only,
# the target's own NOP-Ins still arrive and restart the initiator's NOP clock.
path_fail loss 0 && dead_link_both_ways 0 || fail "cannot drop portal 0's traffic"
must 30 "$d failed in $m" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
figure mpd-budget10-loss-to-F-seconds "$(elapsed "$t")"
wait_for 60 eval '! kill -0 '"$fpid"' 2>/dev/null' || { kill "$fpid"; fail "fio did not finish"; }
wait "$fpid" || fail "fio saw I/O errors: $(head -c 400 "$out")"
stall=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1]))["jobs"][0]["read"]
print("%.2f %d %d" % (j["clat_ns"]["max"] / 1e9, j["total_ios"], j.get("short_ios", 0)))' "$out") ||
	fail "no fio result"
set -- $stall
figure mpd-budget10-iscsi-loss-max-io-stall-seconds "$1"
say "fio: $2 reads, longest completion $1 s (budget 10 s)"
awk -v s="$1" -v m="$BUDGET_MAX_STALL" 'BEGIN { exit !(s <= m) }' ||
	fail "I/O stalled $1 s, more than the budget allows ($BUDGET_MAX_STALL s)"

# Back: iscsid logs in again with its own 5 s NOP timers; the daemon re-applies.
t=$(now)
path_restore loss 0 && link_back 0 || fail "cannot restore portal 0"
must 120 "$d reinstated in $m" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
figure mpd-budget10-back-to-A-seconds "$(elapsed "$t")"
must 15 "$d: derived timers back after the re-login" timers_ok "$d"
say "timeline: fault at $t"
grep -E "$d|failover_budget" /run/mpd.log | tail -n 12
dmesg | grep -iE 'connection[0-9:]+|session[0-9]+' | tail -n 8
for v in /sys/block/sd*; do	# nothing outside iSCSI was touched
	case $(readlink -f "$v/device") in */session*) continue ;; esac
	[ "$(cat "$v/device/timeout")" = 30 ] || fail "$(basename "$v"): SCSI timeout changed outside iSCSI"
done
mpd_stop
iscsi_down || fail "iSCSI teardown failed"
