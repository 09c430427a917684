#!/bin/bash
# Separate read and write shares: the stock dm-multipath is replaced by the
# out-of-tree build with kernel/patches/0001-*.patch (build/kernel/
# dm-multipath/dm-multipath.ko, insmod), then:
#   - the distribution's round-robin and service-time selectors still load
#     against it and carry I/O (same CRCs, unchanged selector API);
#   - dm-byte-share finds the direction entry point: status mode "rw", two
#     words (read bytes, write bytes) per path;
#   - one 50/50 mixed fio job over A 80/20, B 20/80 (<read>/<write>): reads
#     split 80/20 and writes 20/80, each within 3 points;
#   - a plain <share> still applies to both directions (70/30 mixed).
# At the end the patched stack is unloaded so later tests get the stock one.
# Prints "PASS: <check>" per check; ends with PASS or FAIL: <reason>.
# vm-timeout: 300
set -u
. "${VM_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../lib" && pwd)}/guest.sh"
. "$VM_CHECKOUT/tests/kernel/vm-byteshare-lib.sh"
: "${VM_TEST_NAME:=byteshare-rw}"
trap bs_cleanup EXIT

[ -r "$BS_KO" ] || fail "$BS_KO not built (kernel/build)"
[ -r "$BS_DM_KO" ] || fail "$BS_DM_KO not built (kernel/build)"
udev_settle 60
[ -z "$(dmsetup ls --target multipath | awk '$1 != "No"')" ] || fail "multipath maps left over: cannot swap dm-multipath"
bs_unload_all || fail "cannot unload the stock dm-multipath stack"
modprobe dm-mod >/dev/null 2>&1
insmod "$BS_DM_KO" || fail "insmod patched $BS_DM_KO"
pass "patched dm-multipath loaded ($(dmsetup targets | awk '$1 == "multipath" { print $2 }'))"
bs_paths_up

# Stock selectors from /lib/modules against the patched module.
modprobe -a dm-round-robin dm-service-time || fail "stock selectors do not load against the patched dm-multipath"
for sel in "round-robin 0 2 1 $BS_DA 1 $BS_DB 1" "service-time 0 2 2 $BS_DA 1 1 $BS_DB 1 1"; do
	dmsetup create "$BS_MAP" --table "0 $BS_SIZE multipath 0 0 1 1 $sel" || fail "map with $sel"
	udev_settle 30
	bs_both_active "${sel%% *}"
	s0=$(bs_sectors)
	bs_fio randread 2
	d=$(bs_delta "$s0" "$(bs_sectors)")
	read -r ra _ rb _ <<<"$d"
	[ "$ra" -gt 0 ] && [ "$rb" -gt 0 ] || fail "${sel%% *}: I/O not spread (A $ra, B $rb sectors)"
	dmsetup remove --retry "$BS_MAP" || fail "remove ${sel%% *} map"
	pass "stock ${sel%% *} loads and carries I/O on the patched module (A $ra, B $rb sectors)"
done

insmod "$BS_KO" || fail "insmod $BS_KO"
dmesg | grep -q 'byte-share: version .* rw mode' || fail "byte-share not in rw mode: $(dmesg | grep byte-share | tail -n 1)"
bs_create 0 80/20 20/80
want=$(bs_table 0 80/20 20/80)
[ "$(bs_table_now)" = "$want" ] || fail "table round trip: got '$(bs_table_now)', want '$want'"
[ "$(bs_status_group)" = "rw 1000" ] || fail "group status '$(bs_status_group)', want 'rw 1000'"
pass "rw mode: table round trip and status '$(bs_status_group)'"

bs_both_active "mixed rw job"
s0=$(bs_sectors)
st0=$(bs_status_words "$BS_DA" 2)
bs_fio randrw 10 --rwmixread=50
s1=$(bs_sectors)
st1=$(bs_status_words "$BS_DA" 2)
d=$(bs_delta "$s0" "$s1")
read -r ra wa rb wb <<<"$d"
rp=$(bs_pct "$ra" "$rb") wp=$(bs_pct "$wa" "$wb")
say "mixed job over 80/20 20/80: sectors rA wA rB wB = $d; A reads $rp%, A writes $wp%"
figure mixed-rw-pathA-read-pct "$rp"
figure mixed-rw-pathA-write-pct "$wp"
bs_within "$rp" 80 || fail "reads: path A carried $rp%, want 80 +-$BS_TOL"
bs_within "$wp" 20 || fail "writes: path A carried $wp%, want 20 +-$BS_TOL"
pass "one mixed job: reads A $rp% (want 80), writes A $wp% (want 20)"
read -r r0 w0 <<<"$st0"
read -r r1 w1 <<<"$st1"
awk -v r=$((r1 - r0)) -v w=$((w1 - w0)) -v kr=$((ra * 512)) -v kw=$((wa * 512)) \
	'BEGIN { exit !(kr > 0 && kw > 0 && r >= 0.99 * kr && r <= 1.01 * kr && w >= 0.99 * kw && w <= 1.01 * kw) }' ||
	fail "status read/write bytes of A ($((r1 - r0)) / $((w1 - w0))) differ from sysfs ($((ra * 512)) / $((wa * 512)))"
pass "status shows read and write bytes per path, matching sysfs"

bs_reload 0 70 30 || fail "reload 70/30"
bs_check_split rw-mode-plain-share-mixed randrw 6 70 all --rwmixread=50
say "status: $(dmsetup status "$BS_MAP")"
pass "byte-share rw mode"
