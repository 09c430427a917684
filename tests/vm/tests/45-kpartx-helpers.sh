#!/bin/bash
# vm-timeout: 900
# kpartx-helpers against the real kernel: a dm-multipath map over two
# scsi_debug paths to one LUN, partitioned with sfdisk through the map.
#   add: MBR with an extended partition and logicals -> NAME-partN maps with
#        the right sizes, uuids, linear tables; data written through a
#        partition reads back through the parent at the partition's offset;
#        a second add changes nothing.
#   update: grown/added/removed partitions reconciled; an open partition that
#        vanished is refused (exit 4) and kept; MBR -> GPT switch.
#   GPT: primary header destroyed -> backup used (warning), maps unchanged.
#   resize: map grown, backup GPT relocated, a partition added in the new
#        space, update creates it.
#   corrupt: hand-made overlapping MBR -> exit 3, message names the map and
#        the problem, no maps; delete removes all maps.
#   daemon + udev: our daemon's map gets its partition map from
#        57-mp-map.rules; `mpctl resize map` after the LUN grew keeps it;
#        growing the partition in the table makes it follow (inotify change
#        event, no manual trigger); `mpctl del map` is refused while the
#        partition map is open and otherwise removes it with the map.
#   4Kn: scsi_debug with 4096-byte sectors: GPT partition maps in 512-byte
#        dm sectors at the right offset, data lands there.
# Prints "PASS: <check>" per check; ends with "PASS" or "FAIL: <reason>".
set -u
. "${VM_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)}/guest.sh"
: "${VM_TEST_NAME:=kpartx-helpers}"

KP=$VM_BUILD/kpartx-helpers
MAP=mpkp
tmp=$(mktemp -d)

pass() { say "PASS: $*"; }
kp() { # runs kpartx-helpers; RC, OUT and ERR hold the outcome
	RC=0
	OUT=$("$KP" "$@" 2>"$tmp/err") || RC=$?
	ERR=$(cat "$tmp/err")
	say "kpartx-helpers $* -> $RC ${ERR:+(stderr: $ERR)}"
}
expect_kp() { # WANT-RC DESC ARGS...
	local want=$1 desc=$2
	shift 2
	kp "$@"
	[ "$RC" -eq "$want" ] || fail "$desc: exit $RC, expected $want: $ERR"
	pass "$desc"
}
parts() { dmsetup ls 2>/dev/null | awk -v m="$MAP-part" 'index($1, m) == 1 { print $1 }' | sort -V | tr '\n' ' '; }
expect_parts() { # "LIST" DESC
	local got
	udev_settle 30
	got=$(parts)
	[ "$got" = "$1" ] || fail "$2: maps '$got', expected '$1'"
	pass "$2"
}
getsz() { blockdev --getsz "/dev/mapper/$1"; }
expect_size() { # PART SECTORS
	[ -b "/dev/mapper/$MAP-part$1" ] || fail "/dev/mapper/$MAP-part$1 missing"
	[ "$(getsz "$MAP-part$1")" = "$2" ] || fail "$MAP-part$1 is $(getsz "$MAP-part$1") sectors, expected $2"
}
expect_table() { # PART START(512-byte sectors)
	local t
	t=$(dmsetup table "$MAP-part$1")
	[ "${t% }" = "0 $(getsz "$MAP-part$1") linear $mapdev $2" ] ||
		fail "$MAP-part$1 table '$t', expected linear $mapdev $2"
}
# Writes 4 KiB of random data through partition N and compares it with the
# parent at the partition's start (in 512-byte sectors).
check_contents() { # PART START
	dd if=/dev/urandom of="$tmp/blk" bs=4096 count=1 status=none
	dd if="$tmp/blk" of="/dev/mapper/$MAP-part$1" bs=4096 count=1 oflag=direct status=none ||
		fail "write through $MAP-part$1 failed"
	# one 4 KiB block, not 8 x 512: O_DIRECT needs whole logical blocks
	# on a 4Kn map (every START used here is a multiple of 8)
	dd if="/dev/mapper/$MAP" of="$tmp/back" bs=4096 skip=$(($2 / 8)) count=1 iflag=direct status=none ||
		fail "read of $MAP at sector $2 failed"
	cmp -s "$tmp/blk" "$tmp/back" || fail "data written via $MAP-part$1 not at sector $2 of $MAP"
}
sfd() { sfdisk -q --no-reread --no-tell-kernel "$@" "/dev/mapper/$MAP" >"$tmp/sfdisk.log" 2>&1 ||
	fail "sfdisk $*: $(tail -n 3 "$tmp/sfdisk.log")"; }
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
mbr_slot() { # SLOT TYPE START COUNT: raw MBR entry on the map, signature too
	printf "\\x00\\x00\\x00\\x00\\x$(printf %02x "$2")\\x00\\x00\\x00$(le32 "$3")$(le32 "$4")" |
		dd of="/dev/mapper/$MAP" bs=1 seek=$((446 + 16 * $1)) conv=notrunc status=none
	printf '\x55\xaa' | dd of="/dev/mapper/$MAP" bs=1 seek=510 conv=notrunc status=none
}
make_map() { # SIZE: multipath map over the two paths
	dmsetup create "$MAP" -u "mpath-$wwid" \
		--table "0 $1 multipath 0 0 1 1 service-time 0 2 2 $a 1 1 $b 1 1" ||
		fail "dmsetup create $MAP"
	udev_settle 30
	mapdev=$(dmsetup info -c --noheadings -o major,minor "$MAP" | tr -d ' ')
}
lun_up() { # [scsi_debug options]
	# scsi_debug derives each port's ALUA state from its host number, so
	# one of the two may be standby; with scsi_dh_alua attached (an earlier
	# test may have loaded it) the map's path-group activation then fails
	# all I/O. Partition maps are about tables, not ALUA: detach it.
	modprobe -r scsi_dh_alua 2>/dev/null
	SDEBUG_MB=64 sdebug_up 1 2 "$@" || fail "scsi_debug did not give 1 LUN x 2 paths"
	udev_settle 60
	local x d
	all_have_wwid() { for x in $(sdebug_devs); do [ -n "$(wwid_of "$x")" ] || return 1; done; }
	wait_for 60 all_have_wwid || fail "paths without wwid"
	read -r wwid _ d1 d2 <<<"$(wwid_groups $(sdebug_devs) | awk '$2 == 2' | head -n 1)"
	[ -n "${d2:-}" ] || fail "no WWID with two paths"
	a=$(devnum_of "$d1") b=$(devnum_of "$d2")
	size=$(blockdev --getsz "/dev/$d1")
	say "LUN $wwid: $d1=$a $d2=$b, $size sectors, $(blockdev --getss "/dev/$d1")-byte blocks"
}
cleanup() {
	exec 3<&- 2>/dev/null
	# a failure in the daemon section leaves the daemon and our rule behind
	declare -F adapter_stop >/dev/null && adapter_stop
	rm -f /etc/udev/rules.d/57-mp-map.rules
	for m in $(parts) "$MAP"; do dmsetup remove --retry "$m" >/dev/null 2>&1; done
	sdebug_down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$KP" ] || fail "$KP not built (make all)"
command -v sfdisk >/dev/null || fail "sfdisk missing (Debian package fdisk)"
udev_start 60 || fail "udev did not start"
modprobe -a dm-multipath dm-service-time || fail "cannot load dm-multipath"
lun_up
make_map "$size"

# ---- add: MBR, extended, logicals -----------------------------------------------
sfd <<'T'
label: dos
start=2048, size=20480, type=83
start=24576, size=65536, type=5
start=26624, size=8192, type=83
start=36864, size=8192, type=83
start=47104, size=16384, type=82
T
expect_kp 0 "list shows the planned maps" list "/dev/mapper/$MAP"
[ "$(echo "$OUT" | awk '{ print $1 }' | tr '\n' ' ')" = "$MAP-part1 $MAP-part5 $MAP-part6 $MAP-part7 " ] ||
	fail "list output: $OUT"
expect_parts "" "list created nothing"
expect_kp 0 "add on /dev/mapper/$MAP" add "/dev/mapper/$MAP"
expect_parts "$MAP-part1 $MAP-part5 $MAP-part6 $MAP-part7 " "add made part1 and logicals 5-7 (no map for the container)"
expect_size 1 20480; expect_size 5 8192; expect_size 6 8192; expect_size 7 16384
expect_table 1 2048; expect_table 5 26624; expect_table 7 47104
pass "sizes (blockdev --getsz) and linear tables match the MBR"
[ "$(dmsetup info -c --noheadings -o uuid "$MAP-part5")" = "part5-mpath-$wwid" ] ||
	fail "uuid of $MAP-part5: $(dmsetup info -c --noheadings -o uuid "$MAP-part5")"
pass "uuids are partN-mpath-WWID"
check_contents 1 2048; check_contents 6 36864
pass "data written through partitions lands at their offsets in $MAP"
t0=$(dmsetup info -c --noheadings -o events "$MAP-part1")
expect_kp 0 "second add (by /dev/dm-N)" add "/dev/$(basename "$(readlink -f "/dev/mapper/$MAP")")"
[ "$(dmsetup info -c --noheadings -o events "$MAP-part1")" = "$t0" ] || fail "second add reloaded part1"
expect_parts "$MAP-part1 $MAP-part5 $MAP-part6 $MAP-part7 " "second add changed nothing"

# ---- update: grow 1, add 2, drop 6 and 7; an open vanished one is kept --------------
sfd <<'T'
label: dos
start=2048, size=22528, type=83
start=24576, size=65536, type=5
start=92160, size=10240, type=83
start=26624, size=8192, type=83
T
exec 3<"/dev/mapper/$MAP-part7"
expect_kp 4 "update refuses to remove open $MAP-part7" update "/dev/mapper/$MAP"
echo "$ERR" | grep -q "$MAP-part7 is in use" || fail "no clear in-use message: $ERR"
expect_parts "$MAP-part1 $MAP-part3 $MAP-part5 $MAP-part7 " "update: part1 grown, part3 added, part6 removed, open part7 kept"
expect_size 1 22528; expect_size 3 10240; expect_table 3 92160
exec 3<&-
udev_settle 30
expect_kp 0 "update after close" update "/dev/mapper/$MAP"
expect_parts "$MAP-part1 $MAP-part3 $MAP-part5 " "update removed part7 once closed"

# ---- GPT: switch labels, then lose the primary header ----------------------------------
sfd --wipe always <<'T'
label: gpt
start=2048, size=16384
start=18432, size=32768
start=51200, size=8192
T
expect_kp 0 "update to GPT" update "/dev/mapper/$MAP"
expect_parts "$MAP-part1 $MAP-part2 $MAP-part3 " "GPT partitions replace the MBR ones"
expect_size 1 16384; expect_size 2 32768; expect_size 3 8192; expect_table 2 18432
check_contents 3 51200
dd if=/dev/zero of="/dev/mapper/$MAP" bs=512 seek=1 count=1 oflag=direct conv=notrunc status=none
expect_kp 0 "update with the primary GPT header zeroed" update "/dev/mapper/$MAP"
echo "$ERR" | grep -q "using the backup" || fail "no warning about the backup: $ERR"
expect_parts "$MAP-part1 $MAP-part2 $MAP-part3 " "backup GPT keeps the same maps"

# ---- resize: grow the map, relocate the backup, add a partition in the new space --------
for m in $(parts); do dmsetup remove --retry "$m"; done
dmsetup remove --retry "$MAP"
make_map $((size / 2))
sfd --wipe always <<'T'
label: gpt
start=2048, size=16384
T
expect_kp 0 "add on the half-size map" add "/dev/mapper/$MAP"
expect_parts "$MAP-part1 " "one partition on the half-size map"
dmsetup reload "$MAP" --table "0 $size multipath 0 0 1 1 service-time 0 2 2 $a 1 1 $b 1 1" &&
	dmsetup resume "$MAP" || fail "cannot grow $MAP"
[ "$(getsz "$MAP")" = "$size" ] || fail "map not grown"
expect_kp 0 "update after the grow, backup not yet moved" update "/dev/mapper/$MAP"
expect_parts "$MAP-part1 " "grown map: same maps while the backup GPT is mid-disk"
sfdisk -q --no-reread --no-tell-kernel --relocate gpt-bak-std "/dev/mapper/$MAP" >/dev/null 2>&1 ||
	fail "sfdisk --relocate"
echo "start=$((size / 2 + 2048)), size=8192" | sfd --append
expect_kp 0 "update after adding a partition past the old end" update "/dev/mapper/$MAP"
expect_parts "$MAP-part1 $MAP-part2 " "partition in the grown space mapped"
expect_table 2 $((size / 2 + 2048))

# ---- corrupt table: error, no maps; delete --------------------------------------------------
expect_kp 0 "delete" delete "/dev/mapper/$MAP"
expect_parts "" "delete removed every partition map"
dd if=/dev/zero of="/dev/mapper/$MAP" bs=1M count=1 oflag=direct conv=notrunc status=none
mbr_slot 0 131 2048 20480
mbr_slot 1 131 20000 4096
expect_kp 3 "overlapping MBR refused" add "/dev/mapper/$MAP"
echo "$ERR" | grep -q "^$MAP: invalid partition table: partitions 1 .* and 2 .* overlap" ||
	fail "message does not name the map and the overlap: $ERR"
expect_parts "" "no maps for a corrupt table"
mbr_slot 1 131 200000000 4096
expect_kp 3 "partition past the end refused" add "/dev/mapper/$MAP"
expect_parts "" "no maps for a partition past the disk's end"
dd if=/dev/zero of="/dev/mapper/$MAP" bs=512 count=1 oflag=direct conv=notrunc status=none
expect_kp 0 "no partition table is not an error" add "/dev/mapper/$MAP"
expect_kp 2 "a plain sd path (not a dm map) is refused" add "/dev/$d1"
dmsetup remove --retry "$MAP"
sdebug_down || fail "cannot unload scsi_debug"

# ---- through the daemon and 57-mp-map.rules: a resize, and the map's removal --------------
# Nothing calls kpartx-helpers by hand here: udev runs it from
# 57-mp-map.rules (installed with install-extra, calling this build's
# binary) on the map's change events, i.e. the daemon's create and reload
# (mpctl resize map) and the inotify watch after sfdisk writes the table.
# scsi_debug grows by its virtual_gb parameter (the store stays 64 MiB and
# wraps; only sector 0 and the partition's first 4 KiB are written).
. "$VM_BED/tests/mpd-lib.bash"
lun_up
inst=$tmp/inst
DESTDIR=$inst SBINDIR=$VM_BUILD "$VM_CHECKOUT/scripts/install-extra" >/dev/null ||
	fail "install-extra into $inst failed"
mkdir -p /etc/udev/rules.d
cp "$inst/lib/udev/rules.d/57-mp-map.rules" /etc/udev/rules.d/ && udev_reload
grep -q "$VM_BUILD/kpartx-helpers" /etc/udev/rules.d/57-mp-map.rules || fail "57-mp-map.rules does not call the build's kpartx-helpers"
echo 'start=2048, size=20480, type=83' | sfdisk -q --no-reread --no-tell-kernel "/dev/$d1" ||
	fail "sfdisk on $d1"
# the bed's virtio disk stays out of the daemon's way
bl=""
for i in 0 1; do x=$(vdisk_path_of $i 2>/dev/null); [ -n "$x" ] && bl="$bl${bl:+|}$x"; done
MPD_EXTRA_CONF=${bl:+$'blacklist {\n\tdevnode "^('"$bl"$')$"\n}'} mpd_setup_conf 'polling_interval 2'
mpd_start || fail "daemon did not start"
must 60 "daemon's map over $d1 $d2" eval '[ -n "$(mpath_maps_of "$d1")" ]'
MAP=$(mpath_maps_of "$d1" | head -n 1)
CTL="$VM_BUILD/mpctl --socket $MPD_SOCK"
must 60 "$MAP-part1 made by 57-mp-map.rules at the create" test -b "/dev/mapper/$MAP-part1"
mapdev=$(dmsetup info -c --noheadings -o major,minor "$MAP" | tr -d ' ')
expect_size 1 20480; expect_table 1 2048
check_contents 1 2048
pass "daemon's create: $MAP-part1 from udev, size and offset as the MBR says"

echo 1 >/sys/bus/pseudo/drivers/scsi_debug/virtual_gb || fail "scsi_debug virtual_gb"
for x in "$d1" "$d2"; do echo 1 >"/sys/block/$x/device/rescan"; done
grown=$((1024 * 1024 * 1024 / 512))
must 30 "both paths at $grown sectors" eval '[ "$(blockdev --getsz /dev/'"$d1"')" = '"$grown"' ] && [ "$(blockdev --getsz /dev/'"$d2"')" = '"$grown"' ]'
# (the daemon may have grown the map already on the paths' resize events:
# mpctl then answers "ok (size unchanged)")
rsz=$(timeout 30 $CTL resize map "$MAP" 2>&1) || fail "mpctl resize map $MAP: $rsz"
must 30 "$MAP at $grown sectors" eval '[ "$(getsz "$MAP")" = '"$grown"' ]'
udev_settle 30
expect_parts "$MAP-part1 " "resized map: the partition map stays"
expect_size 1 20480; expect_table 1 2048
pass "LUN grown, mpctl resize map ($rsz): $MAP at $grown sectors, $MAP-part1 unchanged"
# the partition takes the new space: the watch's change event, no trigger
echo ', +' | sfdisk -q --no-reread --no-tell-kernel -N 1 "/dev/mapper/$MAP" >"$tmp/sfdisk.log" 2>&1 ||
	fail "sfdisk -N 1 on $MAP: $(tail -n 3 "$tmp/sfdisk.log")"
# the size sfdisk chose (its end alignment), which must reach past the old end
want=$(sfdisk -d "/dev/mapper/$MAP" 2>/dev/null | sed -n 's/.*start= *2048, *size= *\([0-9]*\).*/\1/p')
[ -n "$want" ] && [ "$want" -gt "$size" ] || fail "partition 1 not grown past the old end: $(sfdisk -d "/dev/mapper/$MAP" 2>&1 | tail -n 2)"
t=$(ms_now)
must 60 "$MAP-part1 follows the grown partition" eval '[ "$(getsz "$MAP-part1")" = '"$want"' ]'
figure resize-follow-ms $(($(ms_now) - t))
expect_table 1 2048
check_contents 1 2048
pass "partition grown into the new space: $MAP-part1 at $want sectors, same start, data in place"

# the map goes, and its partition maps with it; an open one keeps both
exec 3<"/dev/mapper/$MAP-part1"
rc=0; out=$(timeout 30 $CTL del map "$MAP" 2>&1) || rc=$?
[ "$rc" = 1 ] && echo "$out" | grep -q "partition map $MAP-part1 is open" ||
	fail "del map with $MAP-part1 open: exit $rc: $out"
exec 3<&-
[ -b "/dev/mapper/$MAP-part1" ] && [ -b "/dev/mapper/$MAP" ] || fail "refused del map removed something"
pass "del map refused while $MAP-part1 is open ($out)"
timeout 30 $CTL del map "$MAP" || fail "mpctl del map $MAP"
must 30 "$MAP and its partition maps gone" eval '[ -z "$(parts)" ] && ! dmsetup info "$MAP" >/dev/null 2>&1'
pass "del map: $MAP-part1 went with $MAP"
mpd_stop
rm -f /etc/udev/rules.d/57-mp-map.rules; udev_reload
MAP=mpkp
sdebug_down || fail "cannot unload scsi_debug"

# ---- 4Kn -----------------------------------------------------------------------------------
# scsi_debug reports an optimal transfer of opt_blks (default 1024) logical
# blocks: 4 MiB with 4096-byte sectors, and libfdisk aligns to the larger of
# 1 MiB and the optimal I/O size, so sfdisk's GPT starts its usable area at
# LBA 1024 there (LBA 256 only on a disk whose optimal I/O is at most 1 MiB:
# "Sector 256 already used" otherwise). The partitions start at multiples
# of 1024 4 KiB blocks, which suit either grain.
lun_up sector_size=4096
[ "$(blockdev --getss "/dev/$d1")" = 4096 ] || fail "scsi_debug did not give 4096-byte sectors"
make_map "$size"
say "4Kn map: logical $(blockdev --getss "/dev/mapper/$MAP"), physical $(blockdev --getpbsz "/dev/mapper/$MAP"), optimal I/O $(blockdev --getioopt "/dev/mapper/$MAP") bytes"
sfd <<'T'
label: gpt
start=1024, size=2560
start=4096, size=1024
T
sfdisk -d "/dev/mapper/$MAP" 2>/dev/null | grep -E 'first-lba|sector-size|start=' | tr '\n' ';' >"$tmp/dump"
say "sfdisk -d: $(cat "$tmp/dump")"
expect_kp 0 "add on a 4Kn map" add "/dev/mapper/$MAP"
expect_parts "$MAP-part1 $MAP-part2 " "4Kn GPT partitions mapped"
expect_size 1 20480; expect_size 2 8192; expect_table 1 8192; expect_table 2 32768
check_contents 1 8192; check_contents 2 32768
pass "4Kn: sizes and offsets in 512-byte dm sectors"
expect_kp 0 "delete on 4Kn" delete "/dev/mapper/$MAP"
expect_parts "" "4Kn maps deleted"
say "PASS"
