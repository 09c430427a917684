#!/bin/bash
# Our daemon with the byte-share selector (kernel/dm-byte-share on stock
# dm-multipath, single mode), one scsi_debug LUN x 2 paths (A, B):
#   - multipath.conf says path_selector "byte-share 0" and path_shares
#     keyed by SCSI host ("H:*=70 H':*=30"): the daemon's table carries
#     "byte-share 0 2 1 <A> 70 <B> 30";
#   - show topology (JSON) gives each path's share and, once the status
#     was read, the bytes the selector started on it, and the map's mode;
#   - fio random reads and writes through the daemon's map: path A's part
#     of the bytes (sysfs sector deltas) is 70 within 3 points;
#   - mpctl's topology text shows the shares; mpctl metrics gives the
#     shares per direction and the selector's bytes (Prometheus text);
#   - a reconfigure with other shares (50/50) reloads the table;
#   - path_selector "service-time 0" with path_shares 80/20: the table
#     carries relative_throughput 100/25, show topology says selector
#     service-time, mode weighted, and each path's weight; without
#     path_shares the table goes back to plain service-time (1/1);
#   - dm-byte-share unloaded, byte-share 70/30 asked (reconfigure): the
#     table becomes service-time 100/43, show topology's byte_share.mode
#     is "service-time-fallback", the log has the warning; the module
#     back and a reconfigure: byte-share 70/30 again.
# The config is rewritten in place after the start (write_conf), so the
# daemon, its socket and bindings stay: no restart.
# vm-timeout: 420
set -u
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
. "$VM_CHECKOUT/tests/kernel/vm-byteshare-lib.sh"

cleanup() {
	mpd_stop >/dev/null 2>&1
	mpath_flush >/dev/null 2>&1
	sdebug_down >/dev/null 2>&1
	bs_unload_all >/dev/null 2>&1
	return 0
}
trap cleanup EXIT

[ -r "$BS_KO" ] || fail "$BS_KO not built (make kmod)"
udev_settle 60
lsmod | grep -q '^dm_multipath ' && [ -z "$(dmsetup ls --target multipath | awk '$1 != "No"')" ] && bs_unload_all
modprobe dm-multipath || fail "cannot load dm-multipath"
lsmod | grep -q '^dm_byte_share ' || insmod "$BS_KO" || fail "insmod $BS_KO"
bs_paths_up
host_of() { basename "$(readlink -f "/sys/block/$1/device")" | cut -d: -f1; }
HA=$(host_of "$BS_A") HB=$(host_of "$BS_B")
say "path A $BS_A on host $HA, path B $BS_B on host $HB"

# write_conf SHARES [SELECTOR]: multipath.conf rewritten in place (the
# daemon's socket and bindings beside it stay; mpd_setup_conf made the
# directory afresh once)
write_conf() {
	printf '%s\n' "defaults {" "	user_friendly_names yes" "	find_multipaths off" \
		"	polling_interval 2" "	max_polling_interval 4" "}" "overrides {" \
		"	path_selector \"${2:-byte-share 0}\"" "	path_grouping_policy multibus" \
		"	path_shares \"$1\"" "	share_interval 2" "	no_path_retry fail" "}" \
		>"$MPD_TEST_DIR/multipath.conf.new" &&
		mv "$MPD_TEST_DIR/multipath.conf.new" "$MPD_TEST_DIR/multipath.conf"
}
mpd_setup_conf
write_conf "$HA:*=70 $HB:*=30"
cat "$MPD_TEST_DIR/multipath.conf" >&2
mpd_start || fail "daemon did not start"
map_of_a() { mpath_maps_of "$BS_A" | head -n1; }
must 60 "a map over $BS_A" eval '[ -n "$(map_of_a)" ]'
MAP=$(map_of_a)
must 30 "both paths active in $MAP" mpath_all_active 1 2 "$BS_A" "$BS_B"
tbl=$(dmsetup table "$MAP")
say "$MAP: $tbl"
# has_shares SHARE-A SHARE-B: the live table gives A and B those shares
has_shares() {
	local t
	t=$(dmsetup table "$MAP")
	echo "$t" | grep -q "byte-share 0 2 1 " && echo "$t" | grep -q " $BS_DA $1\( \|$\)" &&
		echo "$t" | grep -q " $BS_DB $2\( \|$\)"
}
has_shares 70 30 || fail "table is not byte-share 70/30 over $BS_DA $BS_DB: $tbl"
say "PASS: the daemon's table carries the configured shares"

# ---- shares through fio ---------------------------------------------------
BS_MAP=$MAP
bs_check_split mpd-randread-70-30 randread 8 70 read
bs_check_split mpd-randwrite-70-30 randwrite 8 70 write

# ---- what show says --------------------------------------------------------
bytes_known() {
	mpd_ctl show topology | jq -e --arg m "$MAP" \
		'.data[] | select(.name == $m) | [.groups[].paths[] | .bytes // 0] | min > 0' >/dev/null
}
must 15 "show topology reports bytes per path" bytes_known
topo=$(mpd_ctl show topology | jq -c --arg m "$MAP" '.data[] | select(.name == $m)')
say "topology: $(echo "$topo" | jq -c '{byte_share, paths: [.groups[].paths[] | {dev, share, share_configured, bytes, latency_us}]}')"
[ "$(echo "$topo" | jq -r '.byte_share.mode')" = single ] || fail "byte_share.mode is not single"
[ "$(echo "$topo" | jq -r --arg d "$BS_A" '.groups[].paths[] | select(.dev == $d) | .share')" = 70 ] ||
	fail "show topology: share of $BS_A is not 70"
[ "$(echo "$topo" | jq -r --arg d "$BS_B" '.groups[].paths[] | select(.dev == $d) | .share')" = 30 ] ||
	fail "show topology: share of $BS_B is not 30"
# the selector's own byte counts agree with the split (since the load)
ba=$(echo "$topo" | jq -r --arg d "$BS_A" '.groups[].paths[] | select(.dev == $d) | .bytes')
bb=$(echo "$topo" | jq -r --arg d "$BS_B" '.groups[].paths[] | select(.dev == $d) | .bytes')
pa=$(bs_pct "$ba" "$bb")
say "selector bytes since load: A $ba, B $bb -> A $pa%"
figure mpd-status-bytes-pathA-pct "$pa"
bs_within "$pa" 70 || fail "status bytes: A $pa%, want 70"
say "PASS: show topology: mode single, shares 70/30, selector bytes A $pa%"
if [ -x "$VM_BUILD/mpctl" ]; then
	txt=$("$VM_BUILD/mpctl" --socket "$MPD_SOCK" show topology 2>&1 || true)
	echo "$txt" >&2
	echo "$txt" | grep -q "share=70" || fail "mpctl show topology does not show share=70"
	say "PASS: mpctl show topology shows the shares"
fi

# ---- metrics: the shares, the selector's bytes, the latency -----------------------
met=$("$VM_BUILD/mpctl" --socket "$MPD_SOCK" metrics) || fail "mpctl metrics failed"
echo "$met" | grep -qE "^mpd_path_share\{path=\"$BS_A\",map=\"$MAP\",dir=\"read\"\} 70$" ||
	fail "metrics: no read share 70 for $BS_A: $(echo "$met" | grep mpd_path_share)"
echo "$met" | grep -qE "^mpd_path_share\{path=\"$BS_B\",map=\"$MAP\",dir=\"write\"\} 30$" ||
	fail "metrics: no write share 30 for $BS_B"
echo "$met" | grep -qE "^mpd_path_share_bytes_total\{path=\"$BS_A\",map=\"$MAP\"\} [1-9][0-9]*$" ||
	fail "metrics: no selector bytes for $BS_A: $(echo "$met" | grep mpd_path_share_bytes)"
bad=$(echo "$met" | grep -vE '^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$')
[ -z "$bad" ] || fail "metrics lines that do not parse: $bad"
say "PASS: metrics: $(echo "$met" | grep -E '^mpd_path_(share|latency)' | tr '\n' ' ')"

# ---- reconfigure: new shares reload the table ---------------------------------
write_conf "$HA:*=50 $HB:*=50"
kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
must 30 "table reloaded with 50/50" has_shares 50 50
bs_check_split mpd-randread-50-50 randread 6 50 read
say "PASS: reconfigure reloaded the shares"

# ---- service-time weighted by path_shares; the fallback without the module ---
# has_st RT-A RT-B: service-time with those relative_throughput words (the
# shares scaled so that the largest is 100)
has_st() {
	local t
	t=$(dmsetup table "$MAP")
	echo "$t" | grep -q "service-time 0 2 2 " && echo "$t" | grep -q " $BS_DA 1 $1\( \|$\)" &&
		echo "$t" | grep -q " $BS_DB 1 $2\( \|$\)"
}
write_conf "$HA:*=80 $HB:*=20" "service-time 0"
kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
must 30 "service-time table with relative_throughput 100/25" has_st 100 25
say "PASS: service-time takes path_shares as relative_throughput: $(dmsetup table "$MAP")"
# show says so: the shares' selector and mode, each path's weight
st=$(mpd_ctl show topology | jq -c --arg m "$MAP" --arg a "$BS_A" --arg b "$BS_B" '.data[] |
	select(.name == $m) | [.byte_share.selector, .byte_share.mode,
	(.groups[].paths[] | select(.dev == $a) | .relative_throughput),
	(.groups[].paths[] | select(.dev == $b) | .relative_throughput)]')
[ "$st" = '["service-time","weighted",100,25]' ] ||
	fail "show topology of a weighted service-time map: $st (selector, mode, rt A, rt B)"
txt=$("$VM_BUILD/mpctl" --socket "$MPD_SOCK" show topology 2>&1 || true)
echo "$txt" | grep -q "service-time mode=weighted" && echo "$txt" | grep -q "share=[0-9/]* rt=25 " ||
	fail "mpctl show topology of the weighted map: $txt"
say "PASS: show topology: $st"
# shares gone from the config: plain service-time, whose table must lose
# the weights too (the kernel prints its default relative_throughput, 1)
write_conf "" "service-time 0"
kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
must 30 "plain service-time again (relative_throughput 1/1)" has_st 1 1
say "PASS: without shares: $(dmsetup table "$MAP")"
# no table uses byte-share now (the overrides cover every map): unload it,
# then ask for byte-share 70/30; the table can only become service-time
# 100/43 through the fallback
rmmod dm_byte_share || fail "cannot unload dm_byte_share"
n0=$(wc -l <"$MPD_LOG")
write_conf "$HA:*=70 $HB:*=30"
kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
must 30 "without dm-byte-share: service-time 100/43" has_st 100 43
! lsmod | grep -q '^dm_byte_share ' || fail "dm_byte_share is loaded again"
mode=$(mpd_ctl show topology | jq -r --arg m "$MAP" '.data[] | select(.name == $m) | .byte_share.mode')
[ "$mode" = service-time-fallback ] || fail "byte_share.mode without the module is '$mode'"
warn=$(tail -n +"$((n0 + 1))" "$MPD_LOG" | grep -m1 -E "$MAP \([^)]*\): byte-share selector not available") ||
	fail "no fallback warning for $MAP in the log: $(tail -n +"$((n0 + 1))" "$MPD_LOG" | head -n 20)"
say "PASS: without the module: $(dmsetup table "$MAP"); mode $mode; log: $warn"
insmod "$BS_KO" || fail "insmod $BS_KO again"
n0=$(wc -l <"$MPD_LOG")
kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
must 30 "module back, reconfigure: byte-share 70/30" has_shares 70 30
tail -n +"$((n0 + 1))" "$MPD_LOG" | grep -qE "$MAP \([^)]*\): byte-share selector available again" ||
	fail "no 'available again' for $MAP in the log"
say "PASS: module back, reconfigure: byte-share 70/30 again"
mpd_stop
say "PASS"
