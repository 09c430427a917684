# Helpers for the mpd guest tests (sourced after guest.sh; not a test: the
# runner picks *.sh only, hence .bash). Our daemon runs with a config and bindings
# under /run/mpd-test so every test starts from fresh names.
MPD_TEST_DIR=/run/mpd-test
MPD_BIN=${MPD_BIN:-$VM_BUILD/multipathd}
MPD_SOCK=$MPD_TEST_DIR/mpd.sock
export MPD_ARGS="--foreground -v 3 --config $MPD_TEST_DIR/multipath.conf --bindings-dir $MPD_TEST_DIR --socket $MPD_SOCK"

# mpd_setup_conf 'keyword value' ...: defaults section lines.
mpd_setup_conf() {
	local l
	rm -rf "$MPD_TEST_DIR" && mkdir -p "$MPD_TEST_DIR"
	{
		echo "defaults {"
		echo "	user_friendly_names yes"
		echo "	find_multipaths off"
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
