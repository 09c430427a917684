#!/bin/bash
# udev after a no-path table: scsi_debug, one LUN through two paths, our
# daemon with no_path_retry queue. Both paths offline, then the operator
# removes one (`mpctl del path`): the daemon reloads a table whose only
# path is down, with the cookie flags that keep udev from probing it (a
# probe would hang on the queueing map), and the generic dm rules drop
# /dev/disk/by-id/dm-uuid-mpath-WWID. The kernel's own PATH_REINSTATED
# event carries no cookie and so inherits those flags from udev's
# database: the daemon must reload once a path serves I/O again, so the
# link (which os-brick and CSI drivers open) comes back.
# vm-timeout: 420
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
MPD_EXTRA_CONF='overrides {
	path_grouping_policy multibus
	prio const
	detect_prio no
	no_path_retry queue
}' mpd_setup_conf 'polling_interval 1' 'max_polling_interval 2'
udev_start || fail "udevd did not start"
sdebug_up 1 2 || fail "scsi_debug did not give 2 sd devices"
mpd_start || fail "daemon did not start"
CTL="$VM_BUILD/mpctl --socket $MPD_SOCK"
must 60 "a scsi_debug map with 2 active paths" mpd_sdebug_maps_ready 1 2
m=$(mpd_sdebug_maps); set -- $(mpd_sdebug_devs); a=$1; b=$2
uuid=$(dmsetup info -c --noheadings -o uuid "$m")
link=/dev/disk/by-id/dm-uuid-$uuid
udev_settle 30
must 30 "$link present" test -e "$link"
say "map $m ($a $b), $link"

path_fail offline "$a"; path_fail offline "$b"
must 30 "both paths failed in $m" eval '[ "$(mpath_active_paths '"$m"')" = 0 ]'
$CTL del path "$b" || fail "mpctl del path $b"
must 30 "the daemon reloaded $m with no usable path" grep -q "$m.*no path serves I/O" /run/mpd.log
udev_settle 30
must 30 "$link dropped by the rules after the no-path reload" eval '! test -e '"$link"
t=$(now)
path_restore offline "$a"
must 30 "$a reinstated in $m" eval '[ "$(mpath_active_paths '"$m"')" = 1 ]'
must 30 "$link back once a path serves I/O" test -e "$link"
figure udev-flags-link-back-seconds "$(elapsed "$t")"
grep -q "reloading so that udev's rules run on the map again" /run/mpd.log ||
	fail "the link came back without the daemon's reload (test does not show the fix)"
read_ok "mapper/$m" 20 || fail "$m: I/O fails with $a back"
path_restore offline "$b"
mpd_stop
mpath_flush
sdebug_down || fail "scsi_debug would not unload"
