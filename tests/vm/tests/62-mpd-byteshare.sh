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
#   - mpctl's topology text shows the shares;
#   - a reconfigure with other shares (50/50) reloads the table.
# vm-timeout: 300
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

write_conf() { # SHARES
	MPD_EXTRA_CONF="overrides {
	path_selector \"byte-share 0\"
	path_grouping_policy multibus
	path_shares \"$1\"
	share_interval 2
	no_path_retry fail
}" mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4'
}
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

# ---- reconfigure: new shares reload the table ---------------------------------
write_conf "$HA:*=50 $HB:*=50"
kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
must 30 "table reloaded with 50/50" has_shares 50 50
bs_check_split mpd-randread-50-50 randread 6 50 read
say "PASS: reconfigure reloaded the shares"
mpd_stop
say "PASS"
