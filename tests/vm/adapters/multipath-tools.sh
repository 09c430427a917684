# Adapter: Debian's multipath-tools, the reference implementation.
# Sourced in the guest by daemon_use (lib/guest.sh). Interface, shared by
# every adapter:
#   adapter_name       a label for tables
#   adapter_available  0, or prints why it cannot run and returns 1
#   adapter_install    puts the implementation in place in this guest
#   adapter_start      starts the daemon (returns once it runs)
#   adapter_stop       stops it (maps stay; daemon_stop flushes them)
#   adapter_pid        the daemon's pid
#   adapter_maps       NAME ACTIVE TOTAL per map, as the daemon reports it
#
# The .debs come from build/vm/debs (tests/vm/fetch-debs) and are unpacked on
# the guest's overlay root only. With MPT_UDEV_RULES=0 the package's udev
# rules are left out (never needed to assemble maps, and they must not be
# active when another daemon is under test).

MPT_DEBS=${MPT_DEBS:-$VM_BUILD/vm/debs}
MPT_LOG=/run/multipathd.log

adapter_name() { echo "multipath-tools $(cat /run/mpt-version 2>/dev/null)"; }

adapter_available() {
	ls "$MPT_DEBS"/multipath-tools_*.deb >/dev/null 2>&1 && return 0
	echo "no multipath-tools .deb in $MPT_DEBS (run tests/vm/fetch-debs)"
	return 1
}

adapter_install() {
	local d stage=/run/mpt-stage
	[ -e /run/mpt-installed ] && return 0
	adapter_available >&2 || return 1
	rm -rf "$stage" && mkdir -p "$stage"
	for d in "$MPT_DEBS"/*.deb; do dpkg-deb -x "$d" "$stage" || return 1; done
	if [ "${MPT_UDEV_RULES:-1}" = 0 ]; then
		rm -f "$stage"/lib/udev/rules.d/*.rules "$stage"/usr/lib/udev/rules.d/*.rules
	fi
	# Keep /lib, /sbin ... as the merged-/usr symlinks they are.
	tar -C "$stage" -cf - . | tar -C / -xf - --keep-directory-symlink || return 1
	ldconfig
	basename "$(ls "$MPT_DEBS"/multipath-tools_*.deb)" | cut -d_ -f2 >/run/mpt-version
	mkdir -p /etc/multipath
	# A caller (bench, demo) may have written its own configuration already.
	[ -e /etc/multipath.conf ] || cat >/etc/multipath.conf <<-'EOF'
	defaults {
		find_multipaths off
		user_friendly_names yes
	}
	EOF
	udev_reload
	touch /run/mpt-installed
}

adapter_start() {
	adapter_install || return 1
	/sbin/multipathd -d -s ${MPT_ARGS:-} >>"$MPT_LOG" 2>&1 &
	MPT_PID=$!
	# With 1024 paths under emulation it answers only once its first
	# configure is through: 20 s was not enough at 256x4.
	wait_for "${MPT_START_TIMEOUT:-300}" /sbin/multipathd show daemon || { say "multipathd does not answer"; return 1; }
}

adapter_pid() { pidof multipathd | awk '{ print $1 }'; }

adapter_stop() {
	local p
	p=$(adapter_pid)
	[ -n "$p" ] || return 0
	timeout 20 /sbin/multipathd shutdown >/dev/null 2>&1 || kill "$p"
	wait_for 20 eval '! kill -0 '"$p"' 2>/dev/null' || kill -9 "$p"
}

adapter_maps() {
	timeout 20 /sbin/multipathd show paths raw format "%m %t" 2>/dev/null |
		awk 'NF == 2 && $1 != "[orphan]" { t[$1]++; if ($2 == "active") a[$1]++ }
		END { for (m in t) print m, a[m] + 0, t[m] }' | sort
}
