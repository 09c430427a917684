#!/bin/bash
# path_latency priorities on iSCSI, one LUN through two portals, grouped by
# priority: a 300 ms netem delay on portal 1 gives its path a lower
# priority (base 10: a TUR round trip of 300+ ms is level 5; the healthy
# path's, a few ms even under emulation, level 3 or 4), so it leaves the
# active group; without the delay it comes back to the top group.
# Figures: priorities seen, seconds to regroup each way.
# vm-timeout: 540
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
# overrides: the hardware table's LIO-ORG entry sets prio alua, which wins
# over the defaults section
MPD_EXTRA_CONF='overrides {
	prio path_latency
	prio_args "io_num=5 base_num=10"
	path_grouping_policy group_by_prio
	detect_prio no
	failback immediate
}' mpd_setup_conf 'polling_interval 1' 'max_polling_interval 1'
iscsi_up 1 || fail "iSCSI bring-up failed"
d=$(iscsi_devs_on 0); o=$(iscsi_devs_on 1)
[ -n "$d" ] && [ -n "$o" ] || fail "no path per portal ($d/$o)"
mpd_start || fail "daemon did not start"
CTL="$VM_BUILD/mpctl --socket $MPD_SOCK"
imap() { dmsetup ls --target multipath | awk '{ print $1 }' | while read -r n; do
	dmsetup table "$n" | grep -qw "$(devnum_of "$d")" && echo "$n"; done; }
must 60 "iSCSI map with 2 active paths" eval '[ -n "$(imap)" ] && [ "$(mpath_active_paths "$(imap)")" = 2 ]'
m=$(imap)
prio_of() { $CTL --json show paths | jq -r --arg d "$1" '.[] | select(.dev == $d) | .prio'; }
# dm table: "... <n groups> <first group> <selector> ..." after features and hwhandler
ngroups() { dmsetup table "$1" | awk '{ i = 4; i += $i + 1; i += $i + 1; print $i }'; }

must 30 "both paths measured" eval '[ "$(prio_of '"$d"')" -gt 1 ] && [ "$(prio_of '"$o"')" -gt 1 ] && grep -q "path_latency: prio" /run/mpd.log'
p0=$(prio_of "$d"); p1=$(prio_of "$o")
say "healthy: $d prio $p0, $o prio $p1; table: $(dmsetup table "$m")"
figure latency-prio-healthy "$p0/$p1"

NETEM_DELAY=300ms path_fail delay 1 || fail "cannot delay portal 1"
t=$(now)
must 60 "$o demoted to its own group" eval '[ "$(ngroups '"$m"')" = 2 ] && [ "$(prio_of '"$o"')" -lt "$(prio_of '"$d"')" ]'
figure latency-prio-demote-seconds "$(elapsed "$t")"
figure latency-prio-delayed "$(prio_of "$o")"
say "delayed: $d prio $(prio_of "$d"), $o prio $(prio_of "$o"); table: $(dmsetup table "$m")"
# the undelayed path's group is the one the kernel uses
dmsetup status "$m" >&2
read_ok "mapper/$m" 20 || fail "$m: I/O fails while one path is slow"

path_restore delay 1 || fail "cannot remove the delay"
t=$(now)
must 60 "$o back in the top group" eval '[ "$(prio_of '"$o"')" -ge "$(prio_of '"$d"')" ]'
figure latency-prio-restore-seconds "$(elapsed "$t")"
n=$(grep "path_latency: prio" /run/mpd.log | grep -cE "($d|$o) \[")
say "path_latency level changes logged: $n"
# hysteresis: a handful of changes per path and fault, not one per check
[ "$n" -le 16 ] || fail "path_latency flapped: $n level changes"
mpd_stop
iscsi_down || fail "iSCSI teardown failed"
