#!/bin/bash
# vm-timeout: 600
# Our udev rules in a bed guest with udevd: install 56-mp-path.rules and
# 57-mp-map.rules (scripts/install-extra into a DESTDIR, rules copied into
# the guest overlay's /etc/udev/rules.d, calling the build's binaries),
# then check what every other storage consumer sees.
#   virtio disk (two paths, one WWID, an MBR with an ext4 partition):
#     find_multipaths on  -> both paths and their partitions carry
#       DM_MULTIPATH_DEVICE_PATH=1, SYSTEMD_READY=0, ID_FS_TYPE=mpath_member;
#       no /dev/disk/by-uuid link to a path; blkid's udev view has no fs;
#       lvm (when installed) does not list the paths.
#     find_multipaths strict, empty wwids -> not claimed (not-in-wwids);
#       the WWID added to the wwids file -> claimed (in-wwids).
#   scsi_debug single path, find_multipaths on -> not claimed; smart ->
#     "maybe" with a deadline, released by the re-ask after the hold-back.
#   our daemon assembles the map -> /dev/mapper/mpatha, by-id dm-uuid-mpath-
#     and dm-name- links (device-mapper's rules), mpatha-part1 created by
#     57-mp-map.rules through kpartx-helpers, by-uuid now on the dm partition.
# Figures: mpctl claim run time (ms) per call.
set -u
. "$VM_LIB/guest.sh"
: "${VM_TEST_NAME:=udev-claim}"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
for b in mpctl kpartx-helpers multipathd; do
	[ -x "$VM_BUILD/$b" ] || fail "$VM_BUILD/$b not built"
done
pass() { say "PASS: $*"; }
prop() { udevadm info -q property -n "/dev/$1" 2>/dev/null | sed -n "s/^$2=//p"; }

udev_start || fail "udevd did not start"
p0=$(vdisk_path_of 0); p1=$(vdisk_path_of 1)
[ -n "$p0" ] && [ -n "$p1" ] || fail "virtio paths missing"
wwid=$(sed -n 's/^MP_WWID=//p' < <("$VM_BUILD/mpctl" claim --udev --config /nonexistent.conf "$p0"))
[ -n "$wwid" ] || fail "mpctl claim gives no WWID for $p0"

# An MBR with one ext4 partition, written through one path before any of
# our rules exist: without them, udev links the filesystem to the path.
echo 'start=2048, type=83' | sfdisk -q "/dev/$p0" || fail "sfdisk on $p0"
blockdev --rereadpt "/dev/$p1" 2>/dev/null; partprobe 2>/dev/null
udev_settle
mkfs.ext4 -q -F -L mpudev "/dev/${p0}1" || fail "mkfs on ${p0}1"
uuid=$(blkid -s UUID -o value "/dev/${p0}1")
blockdev --rereadpt "/dev/$p1" 2>/dev/null
udevadm trigger --action=change --subsystem-match=block; udev_settle
[ "$(prop "${p0}1" ID_FS_TYPE)" = ext4 ] || fail "baseline: ${p0}1 not seen as ext4"
say "baseline: /dev/disk/by-uuid/$uuid -> $(readlink "/dev/disk/by-uuid/$uuid")"

# ---- install our rules into the guest overlay --------------------------------
inst=$(mktemp -d)
mp_rules_install "$inst"
grep -q "$VM_BUILD/mpctl claim" /etc/udev/rules.d/56-mp-path.rules || fail "rules do not call the build's mpctl"
retrigger() {
	udev_reload
	udevadm trigger --action=change --subsystem-match=block --sysname-match='sd*'
	udev_settle
}

claimed() { # DEV REASON
	local d=$1 why=$2 v
	for v in DM_MULTIPATH_DEVICE_PATH=1 SYSTEMD_READY=0 ID_FS_TYPE=mpath_member; do
		[ "$(prop "$d" "${v%%=*}")" = "${v#*=}" ] ||
			fail "$d: ${v%%=*}=$(prop "$d" "${v%%=*}"), want ${v#*=} ($why)"
	done
	[ -z "$why" ] || [ "$(prop "$d" MP_CLAIM_REASON)" = "$why" ] || [ "${d%[0-9]}" != "$d" ] ||
		fail "$d: reason $(prop "$d" MP_CLAIM_REASON), want $why"
}
unclaimed() { # DEV REASON
	[ "$(prop "$1" DM_MULTIPATH_DEVICE_PATH)" != 1 ] || fail "$1 claimed, want not ($2)"
	[ "$(prop "$1" SYSTEMD_READY)" != 0 ] || fail "$1: SYSTEMD_READY=0 while not claimed"
	[ -z "$2" ] || [ "$(prop "$1" MP_CLAIM_REASON)" = "$2" ] ||
		fail "$1: reason $(prop "$1" MP_CLAIM_REASON), want $2"
}

# ---- find_multipaths on: two paths -> claimed ----------------------------------
mp_conf on; retrigger
for d in "$p0" "$p1"; do claimed "$d" other-path; claimed "${d}1" ""; done
l=$(readlink -f "/dev/disk/by-uuid/$uuid" 2>/dev/null)
case $l in /dev/sd*) fail "by-uuid/$uuid still points to the path $l" ;; esac
[ "$(prop "${p0}1" ID_FS_TYPE)" = mpath_member ] || fail "${p0}1: blkid view not hidden"
pass "on: $p0 $p1 and partitions claimed (other-path), no by-uuid link to a path"
if command -v pvs >/dev/null; then
	pvs 2>/dev/null | grep -q "$p0\|$p1" && fail "lvm lists a path"
	pass "lvm ignores the paths"
else
	say "note: lvm2 is not installed in the bed; LVM relies on DM_MULTIPATH_DEVICE_PATH and mpath_member"
fi
t=$(ms_now); for i in 1 2 3 4 5 6 7 8 9 10; do "$VM_BUILD/mpctl" claim --udev "$p0" >/dev/null; done
figure mpctl-claim-ms $(( ($(ms_now) - t) / 10 ))

# ---- strict: wwids file decides ---------------------------------------------------
mp_conf strict; retrigger
# sticky: a claim made before survives a change event...
claimed "$p0" sticky
# (also over a coldplug "add", which keeps the db: the real root's trigger
# must not release the paths the initramfs claimed)...
udevadm trigger --action=add --subsystem-match=block --sysname-match='sd*'; udev_settle
claimed "$p0" sticky
# ...until a blacklist excludes the device; then strict decides afresh.
printf 'defaults {\n\tfind_multipaths strict\n}\nblacklist {\n\twwid "^%s$"\n}\n' "$wwid" >/etc/multipath.conf
retrigger
unclaimed "$p0" blacklisted
mp_conf strict; retrigger
unclaimed "$p0" not-in-wwids
echo "/$wwid/" >/etc/multipath/wwids; retrigger
claimed "$p0" in-wwids; claimed "$p1" in-wwids
pass "strict: claims sticky over change and coldplug add; blacklist releases; not-in-wwids -> unclaimed; in wwids -> claimed"

# ---- single scsi_debug path: on -> no; smart -> maybe, then released ------------
mp_conf on; : >/etc/multipath/wwids
sdebug_up 1 1 || fail "scsi_debug did not come up"
sd=$(sdebug_devs | head -n1)
udevadm trigger --action=add --sysname-match="$sd"; udev_settle
unclaimed "$sd" single-path
mp_conf smart
udevadm trigger --action=add --sysname-match="$sd"; udev_settle
[ "$(prop "$sd" MP_CLAIM)" = maybe ] || fail "$sd: smart gives $(prop "$sd" MP_CLAIM), want maybe"
[ "$(prop "$sd" SYSTEMD_READY)" = 0 ] || fail "$sd: held back but SYSTEMD_READY=$(prop "$sd" SYSTEMD_READY)"
to=$(prop "$sd" MP_CLAIM_TIMEOUT)
# find_multipaths_timeout's default -10 holds a device the hardware table
# knows (scsi_debug is in it) for 10 s; unknown ones for 1 s (unit test).
[ "$to" = 10 ] || fail "$sd: default hold-back for a known device is ${to}s, want 10"
# No systemd in the bed guest to schedule the re-ask: do what the timer would.
sleep $((to + 1))
udevadm trigger --action=change --sysname-match="$sd"; udev_settle
unclaimed "$sd" smart-expired
# Expired stays expired for this device (its udev db keeps the deadline),
# so the configured hold-back is checked on the helper itself, as udev
# would run it for a device with no history.
printf 'defaults {\n\tfind_multipaths smart\n\tfind_multipaths_timeout 3\n}\n' >/etc/multipath.conf
out=$(env -u MP_CLAIM -u MP_CLAIM_DEADLINE "$VM_BUILD/mpctl" claim --udev "$sd")
to3=$(printf '%s\n' "$out" | sed -n 's/^MP_CLAIM_TIMEOUT=//p')
printf '%s\n' "$out" | grep -qx 'MP_CLAIM=maybe' || fail "$sd: smart (3 s), no history: $out"
[ "$to3" = 3 ] || fail "$sd: find_multipaths_timeout 3 gives a ${to3}s hold-back"
pass "single path: on -> not claimed; smart -> maybe for ${to}s (default, unknown device), ${to3}s with find_multipaths_timeout 3, then released"
sdebug_down

# ---- the daemon: map, links, partition map from 57-mp-map.rules -------------------
mp_conf on; retrigger
daemon_use mpd || fail "no mpd adapter"
MPD_ARGS="--foreground -v 3" daemon_start || fail "our daemon did not start"
must 60 "map mpatha" test -e /dev/mapper/mpatha
must 60 "partition map mpatha-part1 (57-mp-map.rules -> kpartx-helpers)" test -e /dev/mapper/mpatha-part1
udev_settle
for l in "disk/by-id/dm-uuid-mpath-$wwid" disk/by-id/dm-name-mpatha "disk/by-uuid/$uuid"; do
	[ -e "/dev/$l" ] || fail "/dev/$l missing"
	say "/dev/$l -> $(readlink -f "/dev/$l")"
done
case $(readlink -f "/dev/disk/by-uuid/$uuid") in /dev/dm-*) ;; *) fail "by-uuid not on the dm partition" ;; esac
dm=$(basename "$(readlink -f /dev/mapper/mpatha)")
[ "$(prop "$dm" DM_MULTIPATH_DEVICE_PATH)" != 1 ] || fail "the map itself is marked as a path"
claimed "$p0" ""; claimed "$p1" ""
# No event reaches the paths when the map is built; the next one (here a
# change trigger) finds them held by their map.
retrigger
[ "$(prop "$p0" MP_CLAIM_REASON)" = in-map ] || fail "$p0: reason $(prop "$p0" MP_CLAIM_REASON) with the map up"
pass "daemon: mpatha and mpatha-part1, dm-uuid/dm-name links, by-uuid on the map's partition, paths in-map"
daemon_stop
mp_rules_remove
say "PASS"
