#!/bin/bash
# vm-timeout: 360
# Partition maps of a map loaded with no usable path, and when the last
# path goes. scsi_debug, one LUN through two paths, an MBR with one
# partition; our rules (56-mp-path, 57-mp-map) installed as in
# 60-udev-claim.
#   no-path create: the map made through libmp's dm adapter with the
#   daemon's no-path udev flags (mp-dmtool create ... flags=4, i.e.
#   MP_DM_UDEV_NO_PATHS: DM_SUBSYSTEM_UDEV_FLAG2 and the generic
#   DISABLE_DISK/OTHER_RULES flags), then its paths failed one by one as
#   the daemon does after such a create: no partition map, the disk rules
#   off in the db. One path reinstated: the kernel's PATH_REINSTATED event
#   carries no cookie, so 55-dm.rules gives it those flags back from the
#   db; 57-mp-map.rules must clear them once a path works: NAME-part1
#   appears with no trigger and the map is probed again.
#   last path gone (our daemon, flush_on_last_del always): both sd devices
#   deleted (SCSI remove, as when a LUN goes) while NAME-part1 is held
#   open: the daemon's remove is refused (the partition map holds the
#   map), both stay; the holder closes: both go at a later polling
#   interval.
# Figures: time from reinstate_path to NAME-part1 (ms); from the holder's
# close to the map's removal (s).
set -u
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
: "${VM_TEST_NAME:=mpd-nopath-partmap}"
for b in mpctl kpartx-helpers multipathd; do
	[ -x "$VM_BUILD/$b" ] || fail "$VM_BUILD/$b not built"
done
pass() { say "PASS: $*"; }
prop() { udevadm info -q property -n "$1" 2>/dev/null | sed -n "s/^$2=//p"; }
LOG=/run/mpd.log
inst=$(mktemp -d)

cleanup() {
	exec 3<&- 2>/dev/null
	for x in mpnp-part1 mpnp; do
		dmsetup message "$x" 0 fail_if_no_path >/dev/null 2>&1
		dmsetup remove --retry "$x" >/dev/null 2>&1
	done
	mpd_stop >/dev/null 2>&1
	mp_rules_remove
	rm -rf "$inst"
}
trap cleanup EXIT

udev_start || fail "udevd did not start"
mp_conf off
mp_rules_install "$inst"

modprobe -r scsi_dh_alua 2>/dev/null # see 45-kpartx-helpers: a standby port
SDEBUG_MB=16 sdebug_up 1 2 || fail "scsi_debug did not give 1 LUN x 2 paths"
udev_settle 60
set -- $(mpd_sdebug_devs); a=${1:-}; b=${2:-}
[ -n "$b" ] || fail "no two scsi_debug paths"
echo 'start=2048, type=83' | sfdisk -q "/dev/$a" || fail "sfdisk on $a"
blockdev --rereadpt "/dev/$b" 2>/dev/null
udev_settle 30

# ---- no-path create: the inherited flags ------------------------------------------
wwid=$(wwid_of "$a"); da=$(devnum_of "$a"); db=$(devnum_of "$b")
size=$(blockdev --getsz "/dev/$a")
[ -n "$wwid" ] && [ "$(wwid_of "$b")" = "$wwid" ] || fail "$a and $b do not share a WWID"
"$VM_BUILD/vmprogs/mp-dmtool" create mpnp "mpath-$wwid" "$size" multipath \
	"1 queue_if_no_path 0 1 1 service-time 0 2 1 $da 1 $db 1" flags=4 >/dev/null ||
	fail "mp-dmtool create mpnp flags=4"
dmsetup message mpnp 0 fail_path "$da" && dmsetup message mpnp 0 fail_path "$db" ||
	fail "fail_path on mpnp"
udev_settle 30 || fail "udev did not settle after a no-path create"
[ "$(mpath_active_paths mpnp)" = 0 ] || fail "mpnp: $(mpath_active_paths mpnp) active paths, want 0"
nd=$(readlink -f /dev/mapper/mpnp)
[ -e /dev/mapper/mpnp-part1 ] && fail "mpnp-part1 made on a no-path create"
[ "$(prop "$nd" DM_UDEV_DISABLE_DISK_RULES_FLAG)" = 1 ] ||
	fail "mpnp: DM_UDEV_DISABLE_DISK_RULES_FLAG=$(prop "$nd" DM_UDEV_DISABLE_DISK_RULES_FLAG) after a no-path create"
pass "no-path create: disk rules off in the db, no partition map"
t=$(ms_now)
dmsetup message mpnp 0 reinstate_path "$da" || fail "reinstate_path $da on mpnp"
must 30 "mpnp-part1 made on the path's return (PATH_REINSTATED event only)" test -b /dev/mapper/mpnp-part1
figure nopath-create-partmap-ms $(($(ms_now) - t))
udev_settle 30
for v in DM_UDEV_DISABLE_DISK_RULES_FLAG DM_UDEV_DISABLE_OTHER_RULES_FLAG MP_MAP_UNREAD; do
	[ -z "$(prop "$nd" "$v")" ] || fail "mpnp: $v=$(prop "$nd" "$v") with a path back"
done
[ "$(prop "$nd" ID_PART_TABLE_TYPE)" = dos ] ||
	fail "mpnp not probed with a path back (ID_PART_TABLE_TYPE=$(prop "$nd" ID_PART_TABLE_TYPE))"
read_ok mapper/mpnp-part1 20 || fail "mpnp-part1: read fails with $a back"
pass "path back: flags cleared, mpnp probed (dos), mpnp-part1 made and readable"
dmsetup message mpnp 0 reinstate_path "$db"
for x in mpnp-part1 mpnp; do dmsetup remove --retry "$x" || fail "cannot remove $x"; done
udev_settle 30

MPD_EXTRA_CONF='overrides {
	path_grouping_policy multibus
	prio const
	detect_prio no
	no_path_retry queue
}' mpd_setup_conf 'polling_interval 1' 'max_polling_interval 2' 'flush_on_last_del always'
mpd_start || fail "daemon did not start"
must 60 "a map over $a $b with 2 active paths" mpd_sdebug_maps_ready 1 2
m=$(mpd_sdebug_maps)
must 30 "$m-part1 made by 57-mp-map.rules" test -b "/dev/mapper/$m-part1"
udev_settle 30
pass "daemon: $m and $m-part1 with both paths up"

# ---- last path gone: the partition map goes with the map -------------------------
exec 3<"/dev/mapper/$m-part1" || fail "cannot open $m-part1"
echo 1 >"/sys/block/$a/device/delete" || fail "cannot delete $a"
must 30 "$m down to one path" eval '[ "$(dmsetup table "$m" | grep -o "[0-9]*:[0-9]*" | wc -l)" = 1 ]'
[ -b "/dev/mapper/$m-part1" ] || fail "$m-part1 gone with one path left"
echo 1 >"/sys/block/$b/device/delete" || fail "cannot delete $b"
must 30 "the daemon tried to remove $m" grep -q "$m ([^)]*): last path gone; removing the map" "$LOG"
sleep 4 # a few polling intervals: the remove is retried each one
dmsetup info "$m" >/dev/null 2>&1 && [ -b "/dev/mapper/$m-part1" ] ||
	fail "$m or $m-part1 removed while $m-part1 was open"
pass "last path gone with $m-part1 open: both kept"
t=$(now)
exec 3<&-
must 30 "$m removed once $m-part1 closed" eval '! dmsetup info "$m" >/dev/null 2>&1'
figure last-del-partmap-seconds "$(elapsed "$t")"
dmsetup info "$m-part1" >/dev/null 2>&1 && fail "$m-part1 left behind"
udev_settle 30
[ -e "/dev/mapper/$m-part1" ] && fail "/dev/mapper/$m-part1 link left behind"
[ -e "/dev/mapper/$m" ] && fail "/dev/mapper/$m link left behind"
pass "holder closed: $m-part1 and $m removed (flush_on_last_del always)"
mpd_stop
sdebug_down || fail "scsi_debug would not unload"
say "PASS"
