#!/bin/bash
# One map's udev processing hangs; every other map's dm work goes on.
# A udev rule of the test's own (placed before 95-dm-notify, so the
# cookie is signalled only after it) sleeps 45 s on map X's change uevent,
# standing in for any rule that blocks, e.g. blkid reading a map that
# queues (the 20:33 CI run: 181 s). While X's create waits for udev, the
# operator fails and reinstates a path of map Y: both must reach the kernel
# in seconds, not after X's wait. Then X's create completes with its node.
# vm-timeout: 300
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

t=$(now)
ctl fail path "$dy" >/tmp/fail.out 2>&1 || { say "$(cat /tmp/fail.out)"; fail "fail path $dy refused"; }
must 10 "$dy failed in $y while $x waits for udev" eval '[ "$(mpath_path_state '"$y"' '"$ty"')" = F ]'
figure mpd-udev-slow-other-map-fail-seconds "$(elapsed "$t")"
t=$(now)
ctl reinstate path "$dy" >/tmp/rein.out 2>&1 || { say "$(cat /tmp/rein.out)"; fail "reinstate path $dy refused"; }
must 10 "$dy reinstated in $y while $x waits for udev" eval '[ "$(mpath_path_state '"$y"' '"$ty"')" = A ]'
figure mpd-udev-slow-other-map-reinstate-seconds "$(elapsed "$t")"
# the test is only meaningful if X was still waiting for udev all along
[ "$(elapsed "$t0" | cut -d. -f1)" -lt 45 ] || fail "the checks took past the 45 s rule: they prove nothing"

must 90 "$x back with 2 active paths and its node" eval '[ -e /dev/mapper/'"$x"' ] && [ "$(mpath_active_paths '"$x"')" = 2 ]'
figure mpd-udev-slow-create-seconds "$(elapsed "$t0")"
wait "$addpid" || say "add map: $(cat /tmp/add.out)"
ctl --json show status >/tmp/out 2>&1 || fail "daemon does not answer after the slow create"
mpd_stop
