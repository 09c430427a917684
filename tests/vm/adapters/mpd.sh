# Adapter: this project's daemon (build/multipathd). Same interface as
# adapters/multipath-tools.sh (see there). Its udev rules are not used: the
# bed runs it with no multipath-related rule active.
#
# MPD_BIN overrides the binary, MPD_ARGS the arguments that keep it in the
# foreground with logs on stderr, MPD_SOCK the control socket (spoken to
# with socat: one line in, one JSON document out; docs/design-daemon.md).

MPD_BIN=${MPD_BIN:-$VM_BUILD/multipathd}
MPD_SOCK=${MPD_SOCK:-/run/multipathd/mpd.sock}
MPD_LOG=/run/mpd.log

adapter_name() { echo "mpd (this project)"; }

adapter_available() {
	[ -x "$MPD_BIN" ] && return 0
	echo "our daemon is missing: $MPD_BIN not built yet"
	return 1
}

adapter_install() {
	adapter_available >&2 || return 1
	# None of multipath-tools' udev rules may run beside our daemon: a
	# guest that unpacked the reference earlier gets them masked, and the
	# results say which.
	local masked
	masked=$(udev_mask_mpath_rules)
	[ -n "$masked" ] && say "masked multipath-tools udev rules for our daemon: $masked"
	if [ -n "$(udev_mpath_rules)" ]; then
		say "multipath udev rules are active: $(udev_mpath_rules)"
		return 1
	fi
	# The same settings the reference gets (guest overlay /etc only), unless
	# a test brought its own config with --config.
	if [ ! -e /etc/multipath.conf ]; then
		printf 'defaults {\n\tfind_multipaths off\n\tuser_friendly_names yes\n}\n' >/etc/multipath.conf
	fi
}

adapter_start() {
	adapter_install || return 1
	"$MPD_BIN" ${MPD_ARGS:---foreground} >>"$MPD_LOG" 2>&1 &
	MPD_PID=$!
	wait_for 20 kill -0 "$MPD_PID" || return 1
	# The socket answers from the first second (`show status` says
	# "starting" while paths are read); up, as before, once it says
	# "running": the first assembly is queued (a daemon without the field
	# counts as running). MPD_START_TIMEOUT as the reference's adapter
	# (1024 paths under emulation take a while).
	local t0 mpd_q='echo show status | timeout 30 socat -t 20 - "UNIX-CONNECT:$MPD_SOCK"'
	t0=$(now)
	# The first answer gets the same bound as the reference's first
	# answer (adapters/multipath-tools.sh), each probe 30 s (was 5): in a
	# guest starved by udev's work on new maps a process takes seconds to
	# start, and 60 s passed without an answer while the daemon ran (bench
	# 64x2, 2026-11-27 01:47 UTC; its log: running 12.9 s after its start).
	if ! wait_for "${MPD_START_TIMEOUT:-300}" eval "$mpd_q"' | grep -q "\"ok\":true"'; then
		say "$MPD_BIN does not answer on $MPD_SOCK: $(tail -n 3 "$MPD_LOG")"
		return 1
	fi
	say "mpd: socket answered $(elapsed "$t0") s after the start"
	if ! wait_for "${MPD_START_TIMEOUT:-300}" eval "$mpd_q"' | grep "\"ok\":true" | grep -vq "\"state\":\"starting\""'; then
		say "$MPD_BIN not running on $MPD_SOCK: $(tail -n 3 "$MPD_LOG")"
		return 1
	fi
	say "mpd: running $(elapsed "$t0") s after the start"
}

adapter_pid() { [ -n "${MPD_PID:-}" ] && echo "$MPD_PID" || pidof multipathd | awk '{ print $1 }'; }

adapter_stop() {
	local p
	p=$(adapter_pid)
	[ -n "$p" ] || return 0
	kill "$p" 2>/dev/null
	wait_for 20 eval '! kill -0 '"$p"' 2>/dev/null' || kill -9 "$p"
	MPD_PID=""
}

# NAME ACTIVE TOTAL per map, as the daemon reports it (kernel A/F per path).
adapter_maps() {
	echo show topology | timeout 20 socat -t 10 - "UNIX-CONNECT:$MPD_SOCK" 2>/dev/null |
		jq -r '.data[]? | [.name, ([.groups[].paths[] | select(.dm_state == "A")] | length),
			([.groups[].paths[]] | length)] | @tsv' | tr '\t' ' ' | sort
}
