# Helpers for the mpd guest tests (sourced after guest.sh; not a test: the
# runner picks *.sh only, hence .bash). Our daemon runs with a config and bindings
# under /run/mpd-test so every test starts from fresh names.
MPD_TEST_DIR=/run/mpd-test
MPD_BIN=${MPD_BIN:-$VM_BUILD/multipathd}
MPD_SOCK=$MPD_TEST_DIR/mpd.sock
export MPD_ARGS="--foreground -v 3 --config $MPD_TEST_DIR/multipath.conf --bindings-dir $MPD_TEST_DIR --socket $MPD_SOCK"

# mpd_setup_conf 'keyword value' ...: defaults section lines
# (find_multipaths from MPD_FIND_MULTIPATHS, off unless set).
mpd_setup_conf() {
	local l
	rm -rf "$MPD_TEST_DIR" && mkdir -p "$MPD_TEST_DIR"
	{
		echo "defaults {"
		echo "	user_friendly_names yes"
		echo "	find_multipaths ${MPD_FIND_MULTIPATHS:-off}"
		for l in "$@"; do echo "	$l"; done
		echo "}"
		echo "${MPD_EXTRA_CONF:-}"
	} >"$MPD_TEST_DIR/multipath.conf"
	local r
	r=$(udev_mpath_rules)
	say "udev multipath rules active: ${r:-none}"
}
mpd_start() {
	daemon_use mpd || return 1
	daemon_start || return 1
	wait_for 20 mpd_ctl show status
}
mpd_stop() { adapter_stop; }
# The byte-share tests' bed, after mpd_setup_conf: dm-multipath and
# dm-byte-share (make kmod) loaded, one iSCSI LUN through two portals, our
# daemon started and its map up with both paths. Sets fast and slow (the
# sd of portal 0 and of portal 1, the one the tests delay) and m (the map).
mpd_byteshare_iscsi_map() {
	local ko=$VM_BUILD/kernel/dm-byte-share/dm-byte-share.ko
	[ -r "$ko" ] || fail "$ko not built (make kmod)"
	modprobe dm-multipath || fail "cannot load dm-multipath"
	lsmod | grep -q '^dm_byte_share ' || insmod "$ko" || fail "insmod $ko"
	iscsi_up 1 64 || fail "iSCSI bring-up failed"
	fast=$(iscsi_devs_on 0) slow=$(iscsi_devs_on 1)
	[ -n "$fast" ] && [ -n "$slow" ] || fail "no path per portal ($fast/$slow)"
	mpd_start || fail "daemon did not start"
	# shellcheck disable=SC2016 # evaluated by must
	must 60 "iSCSI map with 2 paths" eval \
		'm=$(mpath_maps_of "$fast" | head -n1); [ -n "$m" ] && [ "$(mpath_active_paths "$m")" = 2 ]'
	m=$(mpath_maps_of "$fast" | head -n1)
}
# One request on the control socket; prints the JSON reply (the protocol
# itself, not the incumbent-style client mode of the binary).
mpd_ctl() { printf '%s\n' "$*" | timeout 10 socat -t 5 - "UNIX-CONNECT:$MPD_SOCK" | grep .; }
# Names of maps whose paths are scsi_debug devices (one dmsetup call: under
# a loaded emulator each process costs a second or more).
# sdebug_devs in one process: /sys/block/sdX links into the scsi_debug
# adapter's tree.
mpd_sdebug_devs() { find /sys/block -maxdepth 1 -name 'sd*' -lname '*/pseudo_0/adapter*' -printf '%f\n'; }
mpd_sdebug_maps() { mpath_maps_of $(mpd_sdebug_devs) | sort -u; }
# N maps over the scsi_debug devices, each with P paths, all active.
mpd_sdebug_maps_ready() { mpath_all_active "$1" "$2" $(mpd_sdebug_devs); }

# ---- the mpctl tests (55-mpctl-*, 58-mpctl-*) ----------------------------------
CTL="$VM_BUILD/mpctl --socket $MPD_SOCK"
ctl() { timeout 20 $CTL "$@"; }
# expect_rc RC CMD...: CMD exits RC; its stdout in /tmp/out, stderr in /tmp/err.
expect_rc() {
	local want=$1 rc
	shift
	"$@" >/tmp/out 2>/tmp/err; rc=$?
	[ "$rc" = "$want" ] || { say "out: $(head -c 600 /tmp/out)"; say "err: $(cat /tmp/err)"; fail "$* exited $rc, wanted $want"; }
}
# jq_ok FILTER: /tmp/out is one JSON document and FILTER holds on it.
jq_ok() { jq -e "$1" /tmp/out >/dev/null || { say "$(head -c 800 /tmp/out)"; fail "json: $1"; }; }
# mpctl_sdebug_setup CONF...: the daemon with those defaults lines on
# scsi_debug's 2 LUNs x 2 paths, both maps assembled; m is the first map.
mpctl_sdebug_setup() {
	mpd_setup_conf "$@"
	sdebug_up 2 2 || fail "scsi_debug did not give 4 sd devices"
	mpd_start || fail "daemon did not start"
	must 60 "2 scsi_debug maps with 2 active paths" mpd_sdebug_maps_ready 2 2
	m=$(mpd_sdebug_maps | head -n1)
}
# After mpctl_soft_fail a failed check is recorded and the test goes on, so
# one guest run reports every failure, not only the first;
# mpctl_soft_fail_end then fails the test with all of them.
mpctl_soft_fail() {
	eval "fatal_$(declare -f fail)"
	FAILED=""
	fail() { say "FAIL: $*"; FAILED="${FAILED:+$FAILED; }$*"; }
}
mpctl_soft_fail_end() { [ -z "$FAILED" ] || fatal_fail "$FAILED"; }

