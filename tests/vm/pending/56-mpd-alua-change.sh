#!/bin/bash
# The alua prioritizer follows a port group state change made on the target,
# although a healthy path is no longer asked by RTPG after every check
# (libmp's mp_policy_alua_refresh). One iSCSI LUN through two portals, both
# in LIO's default port group; configfs alua_access_state makes an implicit
# transition, which raises ASYMMETRIC ACCESS STATE CHANGED on every I_T
# nexus: scsi_dh_alua takes it from the next command and re-reads
# access_state, and the daemon, seeing the kernel's view differ from its
# own, asks RTPG at its next check.
#  - steady state (checks backed off to 8 s): at most one RTPG in 4 checks,
#    and at least one (the periodic ask);
#  - active/optimized -> active/non-optimized -> active/optimized: both
#    paths' alua_state in `show paths` follows within 20 s each time (the
#    periodic ask alone could take 32 s), and the log says the kernel's
#    view started it at least once.
# vm-timeout: 300
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
modprobe scsi_dh_alua || fail "no scsi_dh_alua module"
# LIO supports explicit ALUA too: a non-optimized group would be switched
# back to optimized by scsi_dh_alua's SET TARGET PORT GROUPS at the first
# path activation (the reload that follows our prio change; seen in the
# first run: back to optimized 1.3 s later). optimize_stpg (taken when the
# port group is first seen, at login) keeps a non-optimized group as it is.
stpg=/sys/module/scsi_dh_alua/parameters/optimize_stpg
[ -w "$stpg" ] || fail "cannot set scsi_dh_alua optimize_stpg"
echo 1 >"$stpg"
trap 'echo 0 >"$stpg" 2>/dev/null' EXIT
mpd_setup_conf 'polling_interval 2' 'max_polling_interval 8'
iscsi_up 1 || fail "iSCSI bring-up failed"
d=$(iscsi_devs_on 0); o=$(iscsi_devs_on 1)
[ -n "$d" ] && [ -n "$o" ] || fail "no path per portal ($d/$o)"
for x in $d $o; do
	[ -r "/sys/block/$x/device/access_state" ] || fail "$x: no access_state (scsi_dh_alua not attached)"
done
gp=$(ls -d "$ISCSI_CFG"/core/*/mpvm0/alua/default_tg_pt_gp 2>/dev/null | head -n 1)
[ -n "$gp" ] && [ -w "$gp/alua_access_state" ] || fail "no LIO port group state under $ISCSI_CFG/core"
say "port group: type $(cat "$gp/alua_access_type"), state $(cat "$gp/alua_access_state"); access_state $(cat "/sys/block/$d/device/access_state")"
daemon_use mpd || fail "no mpd adapter"
l0=$(($(cat "$MPD_LOG" 2>/dev/null | wc -l) + 1))	# this test's part of the log
mpd_start || fail "daemon did not start"
pj() { mpd_ctl show paths | jq -r --arg d "$1" ".data[] | select(.dev == \$d) | $2"; }
both() { [ "$(pj "$d" "$1")" = "$2" ] && [ "$(pj "$o" "$1")" = "$2" ]; }
must 60 "$d and $o up, ALUA state from RTPG" eval 'both .checker_state up && both .alua_source rtpg'
sleep 20	# back off: 2, 4, 8 s
c0=$(pj "$d" .checks); r0=$(pj "$d" .rtpgs)
sleep 48
c1=$(pj "$d" .checks); r1=$(pj "$d" .rtpgs)
dc=$((c1 - c0)); dr=$((r1 - r0))
say "$d in 48 s: $dc checks, $dr RTPGs"
figure mpd-alua-steady-checks "$dc"
figure mpd-alua-steady-rtpgs "$dr"
[ "$dc" -ge 4 ] || fail "$d: only $dc checks in 48 s"
[ $((dr * 4)) -le $((dc + 3)) ] || fail "$d: $dr RTPGs in $dc checks: more than one in 4"
[ "$dr" -ge 1 ] || fail "$d: no RTPG in $dc checks (the periodic ask is missing)"
n=0
for st in 1:active/non-optimized 0:active/optimized; do
	n=$((n + 1))
	t=$(now)
	echo "${st%%:*}" >"$gp/alua_access_state" || fail "cannot set the port group to ${st#*:}"
	must 20 "both paths report ${st#*:}" both .alua_state "${st#*:}"
	figure "mpd-alua-change-$n-seconds" "$(elapsed "$t")"
	say "kernel: $(cat "/sys/block/$d/device/access_state") / $(cat "/sys/block/$o/device/access_state")"
done
tail -n +"$l0" "$MPD_LOG" | grep "alua: " | tail -n 8 >&2
tail -n +"$l0" "$MPD_LOG" | grep -q "alua: kernel says" || fail "no RTPG was started by the kernel's view (log)"
mpd_stop
iscsi_down || fail "iSCSI teardown failed"
