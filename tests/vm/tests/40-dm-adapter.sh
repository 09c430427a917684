#!/bin/bash
# The dm adapter (libmp/sys/dm*.c) against the guest's real dm-multipath,
# driven through build/vmprogs/mp-dmtool over two scsi_debug paths to one
# LUN: create (with udev sync: /dev/mapper/NAME exists on return), I/O,
# table/status round trip, fail/reinstate/switch_group/queueing messages,
# reload (no_flush) and resize, suspend/resume, arm-poll wakeup on a path
# failure, remove refused while open, deferred remove, and the refusals
# (EEXIST, EINVAL without leftovers, ENXIO).
#
# Run alone: tests/vm/launch -f tests/vm/tests/40-dm-adapter.sh
# Prints "PASS: <check>" per check and ends with "PASS" or "FAIL: <reason>".
set -u
. "${VM_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)}/guest.sh"
: "${VM_TEST_NAME:=dm-adapter}"

TOOL=$VM_BUILD/vmprogs/mp-dmtool
MAP=mpdmt
MAP2=mpdmt2
tmp=$(mktemp -d)

pass() { say "PASS: $*"; }
# expect_rc WANT DESC CMD...: runs CMD, fails the test unless it exits WANT.
expect_rc() {
	local want=$1 desc=$2 rc=0
	shift 2
	OUT=$("$@" 2>"$tmp/err") || rc=$?
	[ "$rc" -eq "$want" ] || fail "$desc: exit $rc, expected $want ($(cat "$tmp/err"))"
	pass "$desc"
}
dmt() { "$TOOL" "$@"; }
info_field() { dmt info "$1" | awk -F= -v k="$2" '$1 == k { print $2 }'; }
# Status fields after the target type: "#pgs next_pg" per the dm-mpath format.
status_next_pg() {
	dmt status "$1" | awk '{ i = 4; i += $i + 1; i += $i + 1; print $(i + 1) }'
}
# The table's feature args (the status line's are queue counters instead).
table_features() { dmt table "$1" | awk '{ s = ""; for (j = 5; j < 5 + $4; j++) s = s " " $j; print $4 s }'; }
path_state() { dmt status "$1" | awk -v d="$2" '{ for (i = 1; i < NF; i++) if ($i == d) { print $(i + 1); exit } }'; }
ms_since() { echo $(($(dmt now) - $1)); }

cleanup() {
	exec 3<&- 4<&- 2>/dev/null
	[ -z "${watch_pid:-}" ] || kill "$watch_pid" 2>/dev/null
	dmt remove "$MAP" retry force >/dev/null 2>&1
	dmt remove "$MAP2" retry force >/dev/null 2>&1
	sdebug_down >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$TOOL" ] || fail "$TOOL not built (make all)"
udev_start 60 || fail "udev did not start"
modprobe -a dm-multipath dm-round-robin dm-service-time || fail "cannot load dm-multipath modules"
SDEBUG_MB=16 sdebug_up 2 2 || fail "scsi_debug did not give 2 LUNs x 2 paths"
figure sdebug_up_seconds "$SDEBUG_UP_SECONDS"
udev_settle 60

# Two LUNs, each seen through two hosts: pick the paths of each WWID. The
# wwid attribute appears once the kernel has read VPD page 0x83: wait for it.
all_have_wwid() { local x; for x in $(sdebug_devs); do [ -n "$(wwid_of "$x")" ] || return 1; done; }
if ! wait_for 60 all_have_wwid; then
	for x in $(sdebug_devs); do say "$x: $(ls "/sys/block/$x/device/" | tr '\n' ' ')"; done
	fail "not every scsi_debug path has a wwid"
fi
# (no process substitution: the guest has no /dev/fd)
mapfile -t groups <<<"$(wwid_groups $(sdebug_devs) | awk '$2 == 2')"
[ "${#groups[@]}" -eq 2 ] || fail "expected 2 WWIDs with 2 paths each, got: ${groups[*]}"
read -r wwid _ da db <<<"${groups[0]}"
read -r wwid2 _ dc dd <<<"${groups[1]}"
a=$(devnum_of "$da") b=$(devnum_of "$db") c=$(devnum_of "$dc") d=$(devnum_of "$dd")
size=$(cat "/sys/block/$da/size")
say "LUN $wwid: $da=$a $db=$b, $size sectors; LUN $wwid2: $dc=$c $dd=$d"

expect_rc 0 "dm driver answers" dmt version
say "dm driver $OUT"

# ---- create with udev sync ------------------------------------------------------
# Written as the kernel prints it back (service-time keeps two per-path
# args: repeat count, relative throughput), so the round trip is exact.
params="0 0 1 1 service-time 0 2 2 $a 1 1 $b 1 1"
t0=$(dmt now)
expect_rc 0 "create $MAP" dmt create "$MAP" "mpath-$wwid" "$size" multipath "$params"
figure dm_create_ms "$(ms_since "$t0")"
# No settle: the adapter waited for udev, so the node must be there now.
[ -b "/dev/mapper/$MAP" ] || fail "/dev/mapper/$MAP missing right after create returned"
pass "/dev/mapper/$MAP exists when create returns"
[ -L "/dev/disk/by-id/dm-uuid-mpath-$wwid" ] ||
	fail "udev did not link dm-uuid-mpath-$wwid (rules not run before return?)"
pass "udev rules ran before create returned (by-id link present)"
read_ok "mapper/$MAP" 20 || fail "read from /dev/mapper/$MAP failed"
pass "dd reads /dev/mapper/$MAP"

# ---- reading ----------------------------------------------------------------------
expect_rc 0 "table $MAP" dmt table "$MAP"
OUT=${OUT% }	# dm targets end their lines with a space
[ "$OUT" = "0 $size multipath $params" ] || fail "table differs: got '$OUT', want '0 $size multipath $params'"
ref=$(dmsetup table "$MAP"); ref=${ref% }
[ "$OUT" = "$ref" ] || fail "table differs from dmsetup: '$OUT' vs '$ref'"
pass "table round-trips and equals dmsetup's"
expect_rc 0 "status $MAP" dmt status "$MAP"
ref=$(dmsetup status "$MAP")
[ "$OUT" = "$ref" ] || fail "status differs from dmsetup: '$OUT' vs '$ref'"
[ "$(path_state "$MAP" "$a")$(path_state "$MAP" "$b")" = AA ] || fail "paths not both active: $OUT"
pass "status equals dmsetup's, both paths A"
[ "$(info_field "$MAP" uuid)" = "mpath-$wwid" ] || fail "info uuid wrong"
[ "$(info_field "uuid:mpath-$wwid" name)" = "$MAP" ] || fail "info by uuid did not find $MAP"
mapdev=$(info_field "$MAP" dev)
[ "$(info_field "dev:$mapdev" name)" = "$MAP" ] || fail "info by devnum $mapdev did not find $MAP"
[ "$(info_field "$MAP" open_count)" = 0 ] || fail "open_count not 0 when idle"
pass "info by name, uuid and devnum agree"
dmt list multipath | grep -q "^$MAP mpath-$wwid $mapdev " || fail "list multipath lacks $MAP: $(dmt list multipath)"
dmt list linear | grep -q "^$MAP " && fail "list linear shows the multipath map"
pass "list filters by target type"

# ---- arm-poll wakes up on a path failure by message ------------------------------------
dmt watch 20000 "$MAP" >"$tmp/watch" 2>&1 &
watch_pid=$!
must 20 "watcher armed" grep -q '^armed' "$tmp/watch"
t0=$(dmt now)
expect_rc 0 "fail_path $b" dmt fail "$MAP" "$b"
wait "$watch_pid"; rc=$?; watch_pid=""
[ "$rc" -eq 0 ] || fail "watcher did not see $MAP change (exit $rc): $(cat "$tmp/watch")"
woke=$(awk '/^wakeup/ { sub("at_ms=", "", $3); print $3; exit }' "$tmp/watch")
grep -q "^changed $MAP " "$tmp/watch" || fail "no 'changed $MAP' line: $(cat "$tmp/watch")"
figure dm_event_wakeup_ms $((woke - t0))
pass "arm-poll fd woke up and the scan named $MAP"
[ "$(path_state "$MAP" "$b")" = F ] || fail "$b not F after fail_path: $(dmt status "$MAP")"
pass "fail_path shows F in status"
read_ok "mapper/$MAP" 20 || fail "read through the remaining path failed"
expect_rc 0 "reinstate_path $b" dmt reinstate "$MAP" "$b"
must 10 "$b active again" eval '[ "$(path_state "$MAP" "$b")" = A ]'
pass "reinstate_path shows A"

# ---- reload (no_flush) into two groups, switch_group ------------------------------------
ev0=$(info_field "$MAP" event_nr)
params2="0 0 2 1 service-time 0 1 2 $a 1 1 service-time 0 1 2 $b 1 1"
t0=$(dmt now)
expect_rc 0 "reload into two groups (noflush)" dmt reload "$MAP" "$size" multipath "$params2" noflush
figure dm_reload_ms "$(ms_since "$t0")"
tbl=$(dmt table "$MAP")
[ "${tbl% }" = "0 $size multipath $params2" ] || fail "table after reload: $(dmt table "$MAP")"
[ "$(info_field "$MAP" suspended)" = 0 ] || fail "map left suspended after reload"
[ "$(info_field "$MAP" inactive_table)" = 0 ] || fail "inactive table left after reload"
pass "reload swapped the table and resumed (event_nr $ev0 -> $(info_field "$MAP" event_nr))"
expect_rc 0 "switch_group 2" dmt switch "$MAP" 2
read_ok "mapper/$MAP" 20 || fail "read after switch_group failed"
[ "$(status_next_pg "$MAP")" = 2 ] || fail "group 2 not current after switch_group: $(dmt status "$MAP")"
pass "switch_group 2 makes group 2 current"
expect_rc 0 "switch_group 1" dmt switch "$MAP" 1
[ "$(status_next_pg "$MAP")" = 1 ] || fail "group 1 not current: $(dmt status "$MAP")"

# ---- queueing messages --------------------------------------------------------------------
expect_rc 0 "queue_if_no_path" dmt queue "$MAP" on
[ "$(table_features "$MAP")" = "1 queue_if_no_path" ] || fail "features after queue on: $(table_features "$MAP")"
expect_rc 0 "fail_if_no_path" dmt queue "$MAP" off
[ "$(table_features "$MAP")" = 0 ] || fail "features after queue off: $(table_features "$MAP")"
pass "queue_if_no_path / fail_if_no_path show in the table"

# ---- resize = reload with a new size --------------------------------------------------------
half=$((size / 2))
expect_rc 0 "resize to $half" dmt reload "$MAP" "$half" multipath "$params"
[ "$(blockdev --getsz "/dev/mapper/$MAP")" = "$half" ] || fail "size after resize: $(blockdev --getsz "/dev/mapper/$MAP")"
expect_rc 0 "resize back to $size" dmt reload "$MAP" "$size" multipath "$params"
[ "$(blockdev --getsz "/dev/mapper/$MAP")" = "$size" ] || fail "size after resize back"
pass "resize via reload seen by the block layer"

# ---- suspend / resume -------------------------------------------------------------------------
expect_rc 0 "suspend" dmt suspend "$MAP" noflush
[ "$(info_field "$MAP" suspended)" = 1 ] || fail "not suspended"
expect_rc 0 "resume" dmt resume "$MAP"
[ "$(info_field "$MAP" suspended)" = 0 ] || fail "not resumed"
pass "suspend/resume"

# ---- refusals ------------------------------------------------------------------------------------
expect_rc 17 "create of a taken name is EEXIST" dmt create "$MAP" "mpath-other" "$size" multipath "$params"
expect_rc 22 "create with a bad table is EINVAL" dmt create mpdmtbad - "$size" multipath "0 0 1 1 no-such-selector 0 1 1 $a 1"
[ -e /dev/mapper/mpdmtbad ] && fail "bad create left /dev/mapper/mpdmtbad"
expect_rc 6 "no map left behind by the bad create" dmt info mpdmtbad
expect_rc 6 "message to a missing map is ENXIO" dmt fail nosuchmap "$a"

# ---- remove: refused while open, works after; deferred --------------------------------------------
exec 3<"/dev/mapper/$MAP"
[ "$(info_field "$MAP" open_count)" -ge 1 ] || fail "open_count not raised by holder"
expect_rc 16 "remove refused while open (EBUSY)" dmt remove "$MAP"
[ -b "/dev/mapper/$MAP" ] || fail "map gone after refused remove"
exec 3<&-
udev_settle 30
t0=$(dmt now)
expect_rc 0 "remove after close" dmt remove "$MAP"
figure dm_remove_ms "$(ms_since "$t0")"
[ -e "/dev/mapper/$MAP" ] && fail "/dev/mapper/$MAP still there when remove returned"
expect_rc 6 "info after remove is ENXIO" dmt info "$MAP"

expect_rc 0 "create $MAP2" dmt create "$MAP2" "mpath-$wwid2" "$size" multipath "0 0 1 1 round-robin 0 2 1 $c 1 $d 1"
exec 4<"/dev/mapper/$MAP2"
expect_rc 0 "deferred remove while open" dmt remove "$MAP2" deferred
[ "$(info_field "$MAP2" deferred_remove)" = 1 ] || fail "deferred_remove flag not set"
exec 4<&-
must 10 "$MAP2 removed at last close" eval '! dmt info "$MAP2" >/dev/null 2>&1'
pass "deferred remove completes at last close"
[ -z "$(dmt list multipath)" ] || fail "maps left: $(dmt list multipath)"

say "PASS"
