#!/bin/bash
# One map's udev processing hangs; every other map's dm work goes on.
# A udev rule of the test's own (placed before 95-dm-notify, so the
# cookie is signalled only after it) sleeps 45 s on map X's change uevent,
# standing in for any rule that blocks, e.g. blkid reading a map that
# queues (the 20:33 CI run: 181 s). While X's create waits for udev, the
# operator fails and reinstates a path of map Y: both must reach the kernel
# in seconds, not after X's wait. Then X's create completes with its node.
# Second round, the start-up batch: both maps removed, the daemon
# restarted, so X and Y are created together; Y's path must again be
# failed and reinstated while X is still held in udev.
# vm-timeout: 420
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
SLOW_RULE=/etc/udev/rules.d/94-mpd-test-slow.rules
cleanup() { rm -f "$SLOW_RULE"; udev_reload; }
trap cleanup EXIT
mpctl_sdebug_setup 'polling_interval 2'
x=$m
y=$(mpd_sdebug_maps | grep -vx "$x" | head -n1)
[ -n "$y" ] || fail "no second scsi_debug map"
wx=$(ctl --json show topology "$x" | jq -r '.[0].wwid')
dy=$(ctl --json show topology "$y" | jq -r '.[0].groups[0].paths[0].dev')
[ -n "$wx" ] && [ -n "$dy" ] || fail "topology: wwid of $x '$wx', a path of $y '$dy'"
ty=$(devnum_of "$dy")
say "slow map $x (wwid $wx), other map $y, its path $dy ($ty)"

# fail_reinstate_y LABEL T0: Y's path failed and reinstated by the operator
# within 10 s each, all before X's 45 s in udev are over
fail_reinstate_y() {
	local t
	t=$(now)
	ctl fail path "$dy" >/tmp/fail.out 2>&1 || { say "$(cat /tmp/fail.out)"; fail "$1: fail path $dy refused"; }
	must 10 "$1: $dy failed in $y while $x waits for udev" eval '[ "$(mpath_path_state '"$y"' '"$ty"')" = F ]'
	figure "mpd-udev-slow-$1-fail-seconds" "$(elapsed "$t")"
	t=$(now)
	ctl reinstate path "$dy" >/tmp/rein.out 2>&1 || { say "$(cat /tmp/rein.out)"; fail "$1: reinstate path $dy refused"; }
	must 10 "$1: $dy reinstated in $y while $x waits for udev" eval '[ "$(mpath_path_state '"$y"' '"$ty"')" = A ]'
	figure "mpd-udev-slow-$1-reinstate-seconds" "$(elapsed "$t")"
	[ "$(elapsed "$2" | cut -d. -f1)" -lt 45 ] || fail "$1: the checks took past the 45 s rule: they prove nothing"
}

expect_rc 0 ctl del map "$x"
must 15 "$x removed" eval '! dmsetup info '"$x"' >/dev/null 2>&1'
mkdir -p /etc/udev/rules.d
printf '%s\n' 'SUBSYSTEM=="block", KERNEL=="dm-*", ACTION=="change", ENV{DM_UUID}=="mpath-'"$wx"'", PROGRAM="/bin/sleep 45"' >"$SLOW_RULE"
udev_reload

t0=$(now)
ctl add map "$wx" >/tmp/add.out 2>&1 &
addpid=$!
# the create is in the kernel and its udev wait has begun
must 20 "$x created in the kernel" dmsetup info "$x"
wait_ok=$(elapsed "$t0")
say "$x in the kernel after ${wait_ok} s; udev holds its cookie for 45 s"

fail_reinstate_y add-map "$t0"

must 90 "$x back with 2 active paths and its node" eval '[ -e /dev/mapper/'"$x"' ] && [ "$(mpath_active_paths '"$x"')" = 2 ]'
figure mpd-udev-slow-create-seconds "$(elapsed "$t0")"
wait "$addpid" || say "add map: $(cat /tmp/add.out)"
ctl --json status >/tmp/out 2>&1 || fail "daemon does not answer after the slow create: $(cat /tmp/out)"

mpd_stop
dmsetup remove "$x" && dmsetup remove "$y" || fail "cannot remove $x and $y after the daemon stopped"
t0=$(now)
mpd_start || fail "daemon did not restart"
must 30 "$y created at start-up with 2 active paths" eval '[ "$(mpath_active_paths '"$y"')" = 2 ]'
say "$y active $(elapsed "$t0") s after the restart; $x in udev: $( [ -e /dev/mapper/"$x" ] && echo no || echo yes)"
fail_reinstate_y startup "$t0"
must 90 "$x created at start-up with its node" eval '[ -e /dev/mapper/'"$x"' ] && [ "$(mpath_active_paths '"$x"')" = 2 ]'
figure mpd-udev-slow-startup-create-seconds "$(elapsed "$t0")"
mpd_stop
