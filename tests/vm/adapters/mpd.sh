# Adapter: this project's daemon (build/multipathd). Same interface as
# adapters/multipath-tools.sh (see there). Its udev rules are not used: the
# bed runs it with no multipath-related rule active.
#
# MPD_BIN overrides the binary, MPD_ARGS the arguments that keep it in the
# foreground with logs on stderr, MPD_CTL the control client (build/mpctl).

MPD_BIN=${MPD_BIN:-$VM_BUILD/multipathd}
MPD_CTL=${MPD_CTL:-$VM_BUILD/mpctl}
MPD_LOG=/run/mpd.log

adapter_name() { echo "mpd (this project)"; }

adapter_available() {
	[ -x "$MPD_BIN" ] && return 0
	echo "our daemon is missing: $MPD_BIN not built yet"
	return 1
}

adapter_install() {
	adapter_available >&2 || return 1
	# No multipath-tools in this guest, and none of its udev rules.
	if [ -n "$(udev_mpath_rules)" ]; then
		say "multipath udev rules are active: $(udev_mpath_rules)"
		return 1
	fi
}

adapter_start() {
	adapter_install || return 1
	"$MPD_BIN" ${MPD_ARGS:---foreground} >>"$MPD_LOG" 2>&1 &
	MPD_PID=$!
	wait_for 20 kill -0 "$MPD_PID" || return 1
	sleep 0.5
	kill -0 "$MPD_PID" 2>/dev/null || { say "$MPD_BIN exited at once: $(tail -n 3 "$MPD_LOG")"; return 1; }
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

# Until the control client has a stable listing, the kernel's view.
adapter_maps() { mpath_maps; }
