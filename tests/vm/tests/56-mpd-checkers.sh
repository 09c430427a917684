#!/bin/bash
# The directio checker (an O_DIRECT read through libaio, its eventfd in the
# daemon's loop) and the alua prioritizer (REPORT TARGET PORT GROUPS over
# sg) on scsi_debug, 1 LUN x 2 paths, beside the virtio-scsi disk's 2 paths:
#  - every path is checked by directio; each scsi_debug path's ALUA state
#    comes from RTPG and matches the kernel's access_state (scsi_debug's
#    state follows the host number), and its prio follows from it;
#  - a path set offline is failed within a polling interval (+ slack) and
#    reinstated once running again;
#  - scsi_debug made slow (every command takes 8 s, its `delay` knob): the
#    reads pass checker_timeout (2 s) and the active scsi_debug paths are
#    failed "timeout", while the virtio paths go on being checked every
#    interval and the control socket answers; with the delay gone the
#    paths come back.
# vm-timeout: 360
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
SD=/sys/bus/pseudo/drivers/scsi_debug
# overrides: the built-in device entries for scsi_debug and QEMU say tur
MPD_EXTRA_CONF=$'overrides {\n\tpath_checker directio\n\tprio alua\n}'
mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4' 'checker_timeout 2'
cat "$MPD_TEST_DIR/multipath.conf" >&2
# the alua device handler gives access_state, the reference for RTPG
modprobe scsi_dh_alua 2>/dev/null
sdebug_up 1 2 || fail "scsi_debug did not give 2 sd devices"
mpd_start || fail "daemon did not start"
must 60 "scsi_debug map with 2 paths" eval '[ "$(mpd_sdebug_maps | wc -l)" = 1 ]'
sm=$(mpd_sdebug_maps)
vmap() { dmsetup info -c --noheadings -o name,uuid 2>/dev/null | awk -F: -v w="${VM_VDISK_WWN#0x}" 'index($2, w) { print $1 }'; }
must 60 "virtio map with 2 active paths" eval '[ -n "$(vmap)" ] && [ "$(mpath_active_paths "$(vmap)")" = 2 ]'
vm=$(vmap)
# pj DEV JQ-EXPR: one field of `show paths` for DEV
pj() { mpd_ctl show paths | jq -r --arg d "$1" ".data[] | select(.dev == \$d) | $2"; }
mpd_ctl show paths | jq -c '.data[] | {dev, map, dm_state, checker, last_check, checks, alua_state, alua_source, prio}' >&2

# ---- directio everywhere, ALUA from RTPG = access_state -----------------------------
for d in $(mpd_sdebug_devs) $(vdisk_paths); do
	[ "$(pj "$d" .checker)" = directio ] || fail "$d: checker $(pj "$d" .checker), not directio"
	must 20 "$d checked by directio" eval '[ "$(pj '"$d"' .checks)" -ge 1 ]'
done
ok=0
for d in $(mpd_sdebug_devs); do
	[ -r "/sys/block/$d/device/access_state" ] || fail "$d: no access_state (scsi_dh_alua not attached)"
	must 20 "$d: ALUA state from RTPG" eval '[ "$(pj '"$d"' .alua_source)" = rtpg ]'
	want=$(cat "/sys/block/$d/device/access_state")
	got=$(pj "$d" .alua_state)
	say "$d: RTPG $got, access_state $want, prio $(pj "$d" .prio)"
	[ "$got" = "$want" ] || fail "$d: RTPG says $got, sysfs access_state $want"
	case $want in
	active/optimized) wp=50 ;; active/non-optimized) wp=10 ;; standby) wp=1 ;; *) wp=0 ;;
	esac
	[ "$(cat "/sys/block/$d/device/preferred_path" 2>/dev/null)" = 1 ] && wp=$((wp + 80))
	[ "$(pj "$d" .prio)" = "$wp" ] || fail "$d: prio $(pj "$d" .prio), expected $wp for $want"
	ok=$((ok + 1))
done
figure mpd-rtpg-paths-matching-sysfs "$ok"

# ---- offline -> F within a polling interval, running -> A ----------------------------
d=
for x in $(mpd_sdebug_devs); do
	case $(cat "/sys/block/$x/device/access_state") in active*) d=$x; break ;; esac
done
[ -n "$d" ] || fail "no active scsi_debug path"
dt=$(devnum_of "$d")
must 30 "$d active in $sm" eval '[ "$(mpath_path_state '"$sm"' '"$dt"')" = A ]'
t=$(now)
path_fail offline "$d"
must 10 "$d failed in $sm" eval '[ "$(mpath_path_state '"$sm"' '"$dt"')" = F ]'
figure mpd-dio-offline-to-F-seconds "$(elapsed "$t")"
t=$(now)
path_restore offline "$d"
must 20 "$d reinstated in $sm" eval '[ "$(mpath_path_state '"$sm"' '"$dt"')" = A ]'
figure mpd-dio-running-to-A-seconds "$(elapsed "$t")"
[ "$(pj "$d" .last_check)" = up ] || fail "$d: last check $(pj "$d" .last_check) after reinstate"

# ---- a slow device: checker_timeout bounds it, the other paths go on ------------------
# delay is in jiffies; scsi_debug refuses a change (EBUSY) while commands
# are queued, so keep trying in a tight loop (the daemon's reads leave gaps)
hz=$(sed -n 's/^CONFIG_HZ=//p' "/boot/config-$(uname -r)" 2>/dev/null)
sdebug_delay() {
	local i
	for i in $(seq 600); do
		echo "$1" 2>/dev/null >"$SD/delay" && return 0
		sleep 0.05
	done
	return 1
}
declare -A c0
for v in $(vdisk_paths); do c0[$v]=$(pj "$v" .checks); done
t=$(now)
sdebug_delay $((8 * ${hz:-250})) || fail "scsi_debug delay could not be set"
ts=$(now)
must 20 "$d failed in $sm while slow" eval '[ "$(mpath_path_state '"$sm"' '"$dt"')" = F ]'
figure mpd-dio-stall-to-F-seconds "$(elapsed "$t")"
[ "$(pj "$d" .last_check)" = timeout ] || fail "$d: last check $(pj "$d" .last_check), not timeout"
# keep the stall for 10 s, then see what the rest of the daemon did meanwhile
wait_for 15 eval 'awk -v a='"$ts"' -v b="$(now)" "BEGIN { exit !(b - a >= 10) }"'
t1=$(now)
mpd_ctl show status >/dev/null || fail "control socket did not answer during the stall"
figure mpd-ctl-answer-during-stall-seconds "$(elapsed "$t1")"
for v in $(vdisk_paths); do
	n=$(( $(pj "$v" .checks) - ${c0[$v]} ))
	say "$v: $n checks during the stall, last $(pj "$v" .last_check)"
	[ "$n" -ge 2 ] || fail "$v: only $n checks while scsi_debug was slow"
	[ "$(mpath_path_state "$vm" "$(devnum_of "$v")")" = A ] || fail "$v: not active during the stall"
done
figure mpd-dio-virtio-checks-during-stall "$n"
grep -c 'no answer within checker_timeout' /run/mpd.log | sed 's/^/timeouts logged: /' >&2
# The daemon keeps reads (and RTPGs on the standby port) queued in
# scsi_debug, so clearing the delay needs a quiet moment: offline both
# paths (no new commands; the queued ones end within 8 s), clear, resume.
for x in $(mpd_sdebug_devs); do path_fail offline "$x"; done
sdebug_delay 0 || fail "scsi_debug delay could not be cleared"
t=$(now)
for x in $(mpd_sdebug_devs); do path_restore offline "$x"; done
must 40 "$d reinstated after the stall" eval '[ "$(mpath_path_state '"$sm"' '"$dt"')" = A ]'
figure mpd-dio-stall-end-to-A-seconds "$(elapsed "$t")"
grep -m3 'directio: a read given up on completed' /run/mpd.log >&2
mpd_stop
sdebug_down || fail "scsi_debug would not unload"
