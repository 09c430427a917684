#!/bin/bash
# vm-timeout: 540
# Our udev rules (56-mp-path, 57-mp-map, installed on the guest overlay as
# in 60-udev-claim) beside lvm2's own (56-lvm, 69-lvm from the host's lvm2)
# and device-mapper's.
#   no usable path: a queue_if_no_path map over two scsi_debug paths, an
#     MBR with an ext4 partition. Control first: without 57-mp-map.rules a
#     change event on the partition map (page cache dropped) leaves udev
#     unsettled (blkid blocked on the map) until a path returns. With it:
#     the last path failing marks the map MP_MAP_ACTIVE_PATHS=0, DM_NOSCAN=1
#     and keeps the last probe's ID_FS_*/by-uuid link; change events on the
#     map and its partition map settle at once; kpartx-helpers refuses to
#     read; with the partition map removed and a change seen while no
#     path works, none is made, and the kernel's PATH_REINSTATED event
#     alone makes it (the initramfs case: a map before its paths are
#     reinstated); a path back and the map is probed and read again.
#   LVM on the map's partition (virtio disk, two paths, our daemon): the
#     kernel has sdX1 on both paths with the same PV label; pvs lists the
#     PV once, on /dev/mapper/NAME-part1, with no duplicate warnings, with
#     lvm.conf's own multipath detection and with external_device_info_source
#     "udev" (our marks); a control with both off does see the paths.
#     Paths and their partitions: DM_MULTIPATH_DEVICE_PATH=1, SYSTEMD_READY=0,
#     ID_FS_TYPE=mpath_member, no lvm-pv-uuid link. Path 0 pulled (QMP):
#     the LV stays readable and writable; plugged back: the new sd device
#     is claimed, the map regains it, pvs still shows the one PV.
# Figures: settle time of a change on a pathless map with our rules (ms);
# time from reinstate_path to the partition map (ms).
set -u
. "$VM_LIB/guest.sh"
: "${VM_TEST_NAME:=udev-lvm}"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
for b in mpctl kpartx-helpers multipathd; do
	[ -x "$VM_BUILD/$b" ] || fail "$VM_BUILD/$b not built"
done
for b in pvcreate vgcreate lvcreate pvs; do
	command -v "$b" >/dev/null || fail "$b missing: lvm2 is not installed on the host (scripts/deps-vm.txt)"
done
pass() { say "PASS: $*"; }
prop() { udevadm info -q property -n "$1" 2>/dev/null | sed -n "s/^$2=//p"; }
tmp=$(mktemp -d)
KP=$VM_BUILD/kpartx-helpers
VG=mpvg64
export LVM_SUPPRESS_FD_WARNINGS=1

cleanup() {
	vgchange -an "$VG" >/dev/null 2>&1
	vgremove -ff -y "$VG" >/dev/null 2>&1
	[ -n "${map:-}" ] && {
		pvremove -ff -y "/dev/mapper/$map-part1" >/dev/null 2>&1
		dd if=/dev/zero of="/dev/mapper/$map" bs=1M count=2 oflag=direct status=none 2>/dev/null
		"$KP" delete "/dev/mapper/$map" >/dev/null 2>&1
	}
	for m in mpnoio-part1 mpnoio; do
		dmsetup message "$m" 0 fail_if_no_path >/dev/null 2>&1
		dmsetup remove --retry "$m" >/dev/null 2>&1
	done
	daemon_stop >/dev/null 2>&1
	mp_rules_remove
	rm -rf "$tmp"
}
trap cleanup EXIT

udev_start || fail "udevd did not start"
inst=$tmp/inst
mp_conf on
mp_rules_install "$inst"
say "udev rules: ours $(ls /etc/udev/rules.d | grep -c 'mp-'), lvm2 $(ls /lib/udev/rules.d | grep -c lvm), multipath-tools: $(udev_mpath_rules)"

# ---- no usable path: no probe may block ------------------------------------------
modprobe -r scsi_dh_alua 2>/dev/null # see 45-kpartx-helpers: a standby port
modprobe -a dm-multipath dm-service-time || fail "cannot load dm-multipath"
SDEBUG_MB=32 sdebug_up 1 2 || fail "scsi_debug did not give 1 LUN x 2 paths"
udev_settle 60
read -r wwid _ d1 d2 <<<"$(wwid_groups $(sdebug_devs) | awk '$2 == 2' | head -n 1)"
[ -n "${d2:-}" ] || fail "no WWID with two scsi_debug paths"
a=$(devnum_of "$d1") b=$(devnum_of "$d2")
size=$(blockdev --getsz "/dev/$d1")
dmsetup create mpnoio -u "mpath-$wwid" \
	--table "0 $size multipath 1 queue_if_no_path 0 1 1 service-time 0 2 2 $a 1 1 $b 1 1" ||
	fail "dmsetup create mpnoio"
udev_settle 30
nd=$(readlink -f /dev/mapper/mpnoio)
echo 'start=2048, type=83' | sfdisk -q --no-reread --no-tell-kernel /dev/mapper/mpnoio ||
	fail "sfdisk on mpnoio"
udevadm trigger --action=change "$nd"; udev_settle 30
must 30 "mpnoio-part1 from 57-mp-map.rules" test -b /dev/mapper/mpnoio-part1
mkfs.ext4 -q -F -L mpnoio /dev/mapper/mpnoio-part1 || fail "mkfs on mpnoio-part1"
udevadm trigger --action=change /dev/mapper/mpnoio-part1; udev_settle 30
pd=$(readlink -f /dev/mapper/mpnoio-part1)
fsuuid=$(prop "$pd" ID_FS_UUID)
[ -n "$fsuuid" ] && [ "$(prop "$pd" ID_FS_TYPE)" = ext4 ] || fail "mpnoio-part1 not probed as ext4"
[ "$(prop "$nd" MP_MAP_ACTIVE_PATHS)" = 2 ] || fail "mpnoio: MP_MAP_ACTIVE_PATHS=$(prop "$nd" MP_MAP_ACTIVE_PATHS), want 2"
pass "map with two paths: probed (ext4 on part1, by-uuid), MP_MAP_ACTIVE_PATHS=2"

# Control: without 57-mp-map.rules, blkid on the partition map blocks.
rm -f /etc/udev/rules.d/57-mp-map.rules; udev_reload
dmsetup message mpnoio 0 fail_path "$a" && dmsetup message mpnoio 0 fail_path "$b" ||
	fail "fail_path on mpnoio"
# (no sync here: with no path, writing anything back would block)
echo 3 >/proc/sys/vm/drop_caches
udevadm trigger --action=change "$pd"
if udevadm settle --timeout=8; then
	ctl="settled (the probe did not block)"
else
	ctl="not settled after 8 s (blkid blocked on the queueing map)"
fi
dmsetup message mpnoio 0 reinstate_path "$a" || fail "reinstate_path"
udev_settle 30 || fail "udev did not settle after a path returned"
say "control without 57-mp-map.rules: $ctl; settled once a path returned"

# With our rules: the last path fails.
mp_rules_copy "$inst"
dmsetup message mpnoio 0 fail_path "$a" || fail "fail_path $a"
udev_settle 30 || fail "udev did not settle after the last path failed"
[ "$(prop "$nd" MP_MAP_ACTIVE_PATHS)" = 0 ] || fail "mpnoio: MP_MAP_ACTIVE_PATHS=$(prop "$nd" MP_MAP_ACTIVE_PATHS) with no path"
[ "$(prop "$nd" DM_NOSCAN)" = 1 ] || fail "mpnoio: DM_NOSCAN not set with no path"
[ "$(prop "$nd" ID_PART_TABLE_TYPE)" = dos ] || fail "mpnoio: partition table type lost"
echo 3 >/proc/sys/vm/drop_caches
t=$(ms_now)
udevadm trigger --action=change "$nd" "$pd"
udev_settle 30 || fail "udev did not settle: a change on the pathless map blocked"
figure noio-settle-ms $(($(ms_now) - t))
for v in DM_NOSCAN=1 MP_MAP_ACTIVE_PATHS=0 ID_FS_TYPE=ext4 "ID_FS_UUID=$fsuuid"; do
	[ "$(prop "$pd" "${v%%=*}")" = "${v#*=}" ] || fail "mpnoio-part1: ${v%%=*}=$(prop "$pd" "${v%%=*}"), want ${v#*=}"
done
[ "$(readlink -f "/dev/disk/by-uuid/$fsuuid")" = "$pd" ] || fail "by-uuid link lost while no path"
[ "$(prop "$pd" SYSTEMD_READY)" != 0 ] || fail "mpnoio-part1: SYSTEMD_READY=0 (systemd would unmount it)"
kprc=0; kperr=$(timeout 20 "$KP" update /dev/mapper/mpnoio 2>&1) || kprc=$?
[ "$kprc" = 2 ] && echo "$kperr" | grep -q "no active path" ||
	fail "kpartx-helpers update on a pathless map: exit $kprc: $kperr"
pass "no path: DM_NOSCAN=1, MP_MAP_ACTIVE_PATHS=0, ext4/by-uuid kept, changes settled, kpartx-helpers refuses (exit 2)"

# A map looked at while no path works (as in an initramfs, where the map
# can come before its paths are reinstated) gets no partition map then;
# the kernel's PATH_REINSTATED event alone must bring it, with no trigger.
dmsetup remove mpnoio-part1 || fail "cannot remove mpnoio-part1 while no path works"
udevadm trigger --action=change "$nd"
udev_settle 30 || fail "udev did not settle after a change on the pathless map"
[ -e /dev/mapper/mpnoio-part1 ] && fail "mpnoio-part1 made while no path works"
[ "$(prop "$nd" MP_MAP_UNREAD)" = 1 ] || fail "mpnoio: MP_MAP_UNREAD=$(prop "$nd" MP_MAP_UNREAD) after a change with no path"
dmsetup message mpnoio 0 reinstate_path "$b" || fail "reinstate_path $b"
t=$(ms_now)
must 30 "mpnoio-part1 made on the path's return (PATH_REINSTATED event only)" test -b /dev/mapper/mpnoio-part1
figure reinstate-partmap-ms $(($(ms_now) - t))
pd=$(readlink -f /dev/mapper/mpnoio-part1)
pass "no partition map while no path works; the path's return made it"
udev_settle 30
[ "$(prop "$nd" MP_MAP_UNREAD)" = "" ] || fail "mpnoio: still MP_MAP_UNREAD after a path returned"
[ "$(prop "$nd" DM_NOSCAN)" != 1 ] || fail "mpnoio: DM_NOSCAN stays after a path returned"
udevadm trigger --action=change "$pd"; udev_settle 30
[ "$(prop "$pd" DM_NOSCAN)" != 1 ] && [ "$(prop "$pd" ID_FS_TYPE)" = ext4 ] ||
	fail "mpnoio-part1 not probed again with a path back"
pass "path back: the map is looked at again (DM_NOSCAN cleared, MP_MAP_UNREAD cleared, part1 probed)"
for m in mpnoio-part1 mpnoio; do dmsetup remove --retry "$m" || fail "cannot remove $m"; done
sdebug_down || fail "cannot unload scsi_debug"

# ---- LVM on the map's partition ---------------------------------------------------
p0=$(vdisk_path_of 0); p1=$(vdisk_path_of 1)
[ -n "$p0" ] && [ -n "$p1" ] || fail "virtio paths missing"
# The table written through a path and re-read on both: the kernel has
# sdX1 on each path, each will show the PV label.
dd if=/dev/zero of="/dev/$p0" bs=1M count=4 oflag=direct status=none
echo 'start=2048, type=8e' | sfdisk -q "/dev/$p0" || fail "sfdisk on $p0"
blockdev --rereadpt "/dev/$p1" 2>/dev/null
udev_settle
[ -b "/dev/${p0}1" ] && [ -b "/dev/${p1}1" ] || fail "kernel partitions ${p0}1 ${p1}1 missing"
daemon_use mpd || fail "no mpd adapter"
MPD_ARGS="--foreground -v 3" daemon_start || fail "our daemon did not start"
must 60 "map over $p0 $p1" eval '[ -n "$(mpath_maps_of "$p0")" ]'
map=$(mpath_maps_of "$p0" | head -n 1)
must 60 "partition map $map-part1" test -b "/dev/mapper/$map-part1"
udev_settle
pvcreate -ff -y "/dev/mapper/$map-part1" >"$tmp/lvm.log" 2>&1 || fail "pvcreate: $(tail -n 2 "$tmp/lvm.log")"
vgcreate "$VG" "/dev/mapper/$map-part1" >>"$tmp/lvm.log" 2>&1 || fail "vgcreate: $(tail -n 2 "$tmp/lvm.log")"
lvcreate -y -n lv0 -L 16M "$VG" >>"$tmp/lvm.log" 2>&1 || fail "lvcreate: $(tail -n 2 "$tmp/lvm.log")"
udev_settle
lv=/dev/$VG/lv0
must 30 "$lv" test -b "$lv"
# Everything has seen the PV label by now: make udev look at the paths again.
udevadm trigger --action=change --subsystem-match=block --sysname-match='sd*'
udevadm trigger --action=change "/dev/mapper/$map-part1"; udev_settle

# pvs: the PV once, on the map's partition, no duplicates.
check_pvs() { # DESC [lvm --config STRING]
	local desc=$1 out err
	shift
	out=$(pvs --noheadings -o pv_name,vg_name "$@" 2>"$tmp/pvs.err")
	err=$(cat "$tmp/pvs.err")
	say "pvs ($desc): $(echo $out) ${err:+(stderr: $(echo $err))}"
	echo "$err" | grep -qiE 'duplicate|not using device|prefers device' && fail "pvs ($desc) warns: $err"
	[ "$(echo "$out" | grep -c "$VG")" = 1 ] || fail "pvs ($desc): $VG on $(echo "$out" | grep -c "$VG") devices: $out"
	[ "$(readlink -f "$(echo "$out" | awk -v v="$VG" '$2 == v { print $1 }')")" = "$(readlink -f "/dev/mapper/$map-part1")" ] ||
		fail "pvs ($desc): PV not on /dev/mapper/$map-part1: $out"
	case $out in *"/dev/sd"*) fail "pvs ($desc) lists a path: $out" ;; esac
}
check_pvs "lvm.conf defaults"
check_pvs "external_device_info_source=udev" --config 'devices { external_device_info_source="udev" }'
ctl=$(pvs --noheadings -o pv_name --config 'devices { multipath_component_detection=0 }' 2>&1 | tr '\n' ' ')
say "control, lvm multipath_component_detection=0: $ctl"
echo "$ctl" | grep -qE "/dev/sd|uplicate|Not using" ||
	say "note: the control did not show the paths (lvm may still prefer the dm device silently)"
pass "pvs: $VG once, on /dev/mapper/$map-part1, no duplicate warnings (defaults and udev source)"

claimed() { # DEV
	local v
	for v in DM_MULTIPATH_DEVICE_PATH=1 SYSTEMD_READY=0 ID_FS_TYPE=mpath_member; do
		[ "$(prop "/dev/$1" "${v%%=*}")" = "${v#*=}" ] ||
			fail "$1: ${v%%=*}=$(prop "/dev/$1" "${v%%=*}"), want ${v#*=}"
	done
}
for d in "$p0" "$p1" "${p0}1" "${p1}1"; do claimed "$d"; done
for l in /dev/disk/by-id/lvm-pv-uuid-*; do
	[ -e "$l" ] || fail "no lvm-pv-uuid link at all (69-lvm.rules did not see the PV on the map)"
	case $(readlink -f "$l") in /dev/sd*) fail "$l points to a path: $(readlink -f "$l")" ;; esac
	say "$l -> $(readlink -f "$l")"
done
pass "paths and their partitions: DM_MULTIPATH_DEVICE_PATH=1 SYSTEMD_READY=0 ID_FS_TYPE=mpath_member; lvm-pv-uuid link on the map"

# I/O on the LV across a path pull and return.
lv_io() { # TAG: write 1 MiB, read it back
	dd if=/dev/urandom of="$tmp/w.$1" bs=1M count=1 status=none
	timeout 60 dd if="$tmp/w.$1" of="$lv" bs=1M count=1 seek="$2" oflag=direct conv=fsync,notrunc status=none ||
		fail "write to $lv ($1) failed"
	timeout 60 dd if="$lv" of="$tmp/r.$1" bs=1M count=1 skip="$2" iflag=direct status=none ||
		fail "read from $lv ($1) failed"
	cmp -s "$tmp/w.$1" "$tmp/r.$1" || fail "data read back from $lv ($1) differs"
}
lv_io before 0
path_fail unplug 0 || fail "could not unplug path 0"
must 60 "$map down to one path" eval '[ "$(mpath_active_paths "$map")" = 1 ]'
lv_io pulled 2
timeout 60 dd if="$lv" of="$tmp/r.before" bs=1M count=1 iflag=direct status=none &&
	cmp -s "$tmp/w.before" "$tmp/r.before" || fail "data written before the pull unreadable"
pass "path 0 pulled: $lv readable and writable ($(mpath_maps | awk -v m="$map" '$1 == m { print $2 "/" $3 }') paths)"
path_restore unplug 0 || fail "could not plug path 0 back"
must 90 "$map back to two active paths" eval '[ "$(mpath_active_paths "$map")" = 2 ]'
udev_settle
n0=$(vdisk_path_of 0)
[ -b "/dev/${n0}1" ] || blockdev --rereadpt "/dev/$n0" 2>/dev/null
udev_settle
claimed "$n0"
[ -b "/dev/${n0}1" ] && claimed "${n0}1"
check_pvs "after the path returned as $n0"
lv_io returned 4
pass "path 0 back as $n0: claimed, in $map, pvs unchanged, $lv readable and writable"
say "PASS"
