#!/bin/bash
# The sg/sense/sysfs adapters against the real kernel, through mp-sgtool:
#   - async TUR on every scsi_debug path (submit all, poll, collect) is UP;
#   - a path set offline is DOWN within a second; back to running, UP again;
#   - sysfs identity: both paths of a LUN share a WWID, and it equals the
#     VPD 0x83 decode of an INQUIRY sent through sg;
#   - RTPG through sg decodes, and the path's own group matches sysfs'
#     access_state (scsi_dh_alua);
#   - scsi_debug error injection (opts/every_nth) gives a non-UP verdict;
#   - figure: 1000 async TURs over 8 paths.
# Needs: scsi_debug, sg, scsi_dh_alua. Tool: $MP_SGTOOL or the build's.
. "${VM_LIB:-$(dirname "$0")/../lib}/guest.sh"

tool=${MP_SGTOOL:-$VM_BUILD/vmprogs/mp-sgtool}
[ -x "$tool" ] || fail "no $tool (make all)"
sgt() { "$tool" -t "${SGT_TIMEOUT:-3000}" "$@"; }

verdict_of() { # DEV OUTPUT -> verdict word
	awk -v d="$1" '$1 == d { for (i = 2; i <= NF; i++) if ($i ~ /^verdict=/) { sub(/verdict=/, "", $i); print $i } }' <<<"$2"
}

modprobe scsi_dh_alua 2>/dev/null
sdebug_up 4 2 || fail "scsi_debug did not come up"
devs=$(sdebug_devs | sort -V | tr '\n' ' ')
ndev=$(echo $devs | wc -w)
say "scsi_debug paths: $devs"

# ---- 1. async TUR, all UP -------------------------------------------------------
out=$(sgt tur $devs) || fail "tur failed: $out"
echo "$out" >&2
for d in $devs; do
	[ "$(verdict_of "$d" "$out")" = up ] || fail "$d not up: $(grep "^$d " <<<"$out")"
done
figure sg_tur_all_up_paths "$ndev"

# ---- 2. offline -> DOWN quickly, running -> UP ------------------------------------
victim=${devs%% *}
path_fail offline "$victim"
out=$(sgt tur $devs) || fail "tur (offline) failed: $out"
echo "$out" >&2
# The tool's own clock: process start-up under TCG takes longer than this.
dt=$(( $(sed -n 's/.*elapsed_us=\([0-9]*\).*/\1/p' <<<"$out") / 1000 ))
v=$(verdict_of "$victim" "$out")
[ "$v" = down ] || fail "$victim offline but verdict $v"
for d in $devs; do
	[ "$d" = "$victim" ] || [ "$(verdict_of "$d" "$out")" = up ] || fail "$d not up while $victim offline"
done
[ "$dt" -lt 1000 ] || fail "offline verdict took ${dt} ms"
figure sg_offline_verdict_ms "$dt"
sync_out=$(sgt tur-sync "$victim")
echo "$sync_out" >&2
[ "$(verdict_of "$victim" "$sync_out")" = down ] || fail "SG_IO TUR on offline $victim: $sync_out"
path_restore offline "$victim"
out=$(sgt tur "$victim")
[ "$(verdict_of "$victim" "$out")" = up ] || fail "$victim back to running but: $out"

# ---- 3. identity: sysfs vs INQUIRY through sg ----------------------------------------
declare -A wwid_paths
for d in $devs; do
	id=$(sgt ident "$d") || fail "ident $d failed"
	echo "$id" >&2
	w=$(awk '$2 ~ /^wwid=/ { sub(/wwid=/, "", $2); print $2 }' <<<"$id")
	[ -n "$w" ] || fail "$d: no wwid from sysfs"
	v83=$(sgt vpd83 "$d") || fail "vpd83 $d failed: $v83"
	echo "$v83" >&2
	w83=$(awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^wwid=/) { sub(/wwid=/, "", $i); print $i } }' <<<"$v83")
	[ "$w" = "$w83" ] || fail "$d: sysfs wwid $w != INQUIRY 0x83 wwid $w83"
	wwid_paths[$w]="${wwid_paths[$w]} $d"
done
[ "${#wwid_paths[@]}" -eq 4 ] || fail "expected 4 WWIDs, got ${#wwid_paths[@]}"
for w in "${!wwid_paths[@]}"; do
	[ "$(echo ${wwid_paths[$w]} | wc -w)" -eq 2 ] || fail "WWID $w has paths:${wwid_paths[$w]}"
done

# ---- 4. ALUA: RTPG through sg ----------------------------------------------------------
for d in $devs; do
	out=$(sgt rtpg "$d") || fail "rtpg $d failed: $out"
	echo "$out" >&2
	grep -q "^$d rtpg group=" <<<"$out" || fail "$d: RTPG decoded no group"
	mine=$(grep "^$d rtpg mine=" <<<"$out") || fail "$d: own group not in RTPG"
	st=$(sed -n 's/.* state=\([^ ]*\).*/\1/p' <<<"$mine")
	as=$(sed -n 's/.*sysfs_access_state=\([^ ]*\).*/\1/p' <<<"$mine")
	if [ "$as" != unknown ] && [ "$as" != "$st" ]; then
		fail "$d: RTPG says $st, sysfs access_state $as"
	fi
done

# ---- 5. error injection -> not UP ----------------------------------------------------
p=/sys/bus/pseudo/drivers/scsi_debug
inject() { # OPTS EVERY_NTH
	echo "$2" >"$p/every_nth"; echo "$1" >"$p/opts"
}
# opts 0x4: every nth command is dropped, so the kernel's timeout fires.
inject 4 1
out=$(SGT_TIMEOUT=1500 sgt tur "$victim")
inject 0 0
echo "$out" >&2
dt=$(( $(sed -n 's/.*elapsed_us=\([0-9]*\).*/\1/p' <<<"$out") / 1000 ))
v=$(verdict_of "$victim" "$out")
[ -n "$v" ] && [ "$v" != up ] || fail "injected timeout gave verdict '$v'"
figure sg_injected_timeout_verdict "$v"
figure sg_injected_timeout_ms "$dt"
# Let the error handler finish before timing the fast path.
wait_for 30 eval '[ "$(cat /sys/block/'"$victim"'/device/state)" = running ] || { echo running >/sys/block/'"$victim"'/device/state; false; }'
must 20 "$victim answers again after injection" eval "$tool tur $victim | grep -q verdict=up"

# ---- 6. figure: 1000 async TURs over 8 paths ----------------------------------------
out=$(sgt bench 1000 $devs) || fail "bench failed: $out"
echo "$out" >&2
sum=$(grep '^summary ' <<<"$out")
cmds=$(sed -n 's/.*commands=\([0-9]*\).*/\1/p' <<<"$sum")
us=$(sed -n 's/.*elapsed_us=\([0-9]*\).*/\1/p' <<<"$sum")
[ "$cmds" -ge 1000 ] || fail "bench ran $cmds commands"
for d in $devs; do
	[ "$(verdict_of "$d" "$out")" = up ] || fail "$d not up during bench"
done
figure sg_tur_1000_over_8_paths_ms "$((us / 1000))"
figure sg_tur_per_second "$(sed -n 's/.*per_second=\([0-9]*\).*/\1/p' <<<"$sum")"

sdebug_down
say "sg checker: all passed"
