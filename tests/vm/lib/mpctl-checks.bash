# The transport-blind part of the mpctl coverage (docs/mpctl-coverage.md):
# mpctl_common_checks runs the mpctl commands and compat verbs that act on
# the daemon's map and path records against one map, on whatever path source
# it sits on (58-mpctl-virtio calls it for the virtio-scsi map, 58-mpctl-iscsi
# for the iSCSI map), each with an assertion on its reply or on the kernel.
# Sourced after guest.sh and tests/mpd-lib.bash (ctl, MPD_*, the soft fail
# of mpctl_soft_fail); the caller runs the daemon with `polling_interval 2`.
#
# Why it is written this way: under TCG every process costs tens to hundreds
# of milliseconds (more on a loaded host), so the checks fork little: the
# clock is /proc/uptime read by a builtin, the pause between polls is a
# `read -t` on a FIFO nobody writes, replies are matched with bash regexes,
# the JSON replies of a stage go through one jq, and each poll of the
# kernel is one dmsetup. The destructive actions are chained so that each
# undoes the one before (fail/reinstate, suspend/resume, del/add); where
# two clients offer the same request, the variant (1 on one source, 2 on
# the other) picks which client does which, so each verb runs on a source
# without doubling the cycles.

# ---- plumbing ---------------------------------------------------------------
_mcc_mpd() { timeout 20 "$MPD_BIN" --socket "$MPD_SOCK" "$@"; }
_mcc_mp() { MPCTL_SOCKET=$MPD_SOCK timeout 30 /tmp/mpbin/multipath "$@"; }
# _MCC_CS: centiseconds since boot, without a fork.
_mcc_clock() { local u r; read -r u r </proc/uptime; _MCC_CS=$((10#${u/./})); }
_mcc_nap() { read -r -t 0.1 -u "$_MCC_FD" _ 2>/dev/null; }
_mcc_say() { _mcc_clock; echo "[${_MCC_CS:0:-2}.${_MCC_CS: -2}] $_MCC_TAG: $*" >&2; }
_mcc_fail() { fail "$_MCC_TAG: $*"; }
# _mcc_until SECS DESC CMD...: polls CMD (a shell function, cheap) every
# 0.1 s until it succeeds; a failure naming DESC after SECS.
_mcc_until() {
	local lim=$(($1 * 100)) d=$2 t0
	shift 2
	_mcc_clock; t0=$_MCC_CS
	until "$@"; do
		_mcc_clock
		((_MCC_CS - t0 < lim)) || { _mcc_fail "$d (not within $((lim / 100)) s)"; return 1; }
		_mcc_nap
	done
	_mcc_clock
	_mcc_say "$d ($(((_MCC_CS - t0) / 100)).$(((_MCC_CS - t0) % 100 / 10)) s)"
}
# _mcc_run CMD...: stdout in $O, stderr in $E, exit status in $R.
_mcc_run() {
	O=$("$@" 2>/tmp/mcc.err); R=$?
	E=""; read -r -d '' E </tmp/mcc.err
}
# _mcc_rc RC CMD...: _mcc_run, and CMD must exit RC.
_mcc_rc() {
	local want=$1
	shift
	_mcc_run "$@"
	[ "$R" = "$want" ] || _mcc_fail "$* exited $R, wanted $want: ${O:0:300} ${E:0:300}"
}
# _mcc_ok CMD...: CMD prints exactly "ok".
_mcc_ok() { _mcc_run "$@"; [ "$O" = ok ] || _mcc_fail "$*: '${O:0:200}' ${E:0:200}"; }
# _mcc_has DESC ERE: a line of $O matches ERE, which is anchored at the
# start of a line; a trailing $ means the end of a line and .* stays within
# one (bash matches the whole text, where ^ $ and . would not stop at lines).
_mcc_has() {
	local r=${2//.\*/[^$'\n']*} re
	[[ $r == *'$' ]] && r="${r%\$}("$'\n'"|\$)"
	re="(^|"$'\n'")$r"
	[[ $O =~ $re ]] || _mcc_fail "$1: no line like '$2' in: ${O:0:400}"
}
# _mcc_json FILTER DESC: $O is kept for one jq run over all of them (_mcc_jq).
_mcc_json() {
	printf '%s' "$O" >"/tmp/mcc.j${#_MCC_JF[@]}"
	_MCC_JF+=("$1") _MCC_JD+=("$2")
}
_mcc_jq() {
	local i prog="" args=() bad
	[ "${#_MCC_JF[@]}" -gt 0 ] || return 0
	for i in "${!_MCC_JF[@]}"; do
		args+=(--slurpfile "a$i" "/tmp/mcc.j$i")
		prog+="(if (try (\$a$i[0] | ${_MCC_JF[$i]}) catch false) then empty else $i end),"
	done
	bad=$(jq -n -r "${args[@]}" "${prog%,}" 2>&1)
	[ $? = 0 ] || _mcc_fail "jq: $bad"
	for i in $bad; do
		[[ $i =~ ^[0-9]+$ ]] || continue
		_mcc_fail "json, ${_MCC_JD[$i]}: ${_MCC_JF[$i]}: $(head -c 300 "/tmp/mcc.j$i")"
	done
	_MCC_JF=() _MCC_JD=()
}
# The kernel's view, one dmsetup each.
_mcc_state_is() { # MAJ:MIN A|F
	local s re=" $1 $2 "
	s=$(dmsetup status "$M" 2>/dev/null)
	[[ $s =~ $re ]]
}
_mcc_active_is() { # N: N paths of $M active
	local s n=0 re='[0-9]+:[0-9]+ A (.*)'
	s=$(dmsetup status "$M" 2>/dev/null) || return 1
	while [[ $s =~ $re ]]; do n=$((n + 1)); s=${BASH_REMATCH[1]}; done
	[ "$n" = "$1" ]
}
_mcc_dmstate_is() { local s; s=$(dmsetup info "$M" 2>/dev/null); [[ $s =~ State:\ *$1 ]]; }
_mcc_queue_is() { # on|off
	local s
	s=$(dmsetup table "$M" 2>/dev/null) || return 1
	if [[ $s =~ queue_if_no_path ]]; then [ "$1" = on ]; else [ "$1" = off ]; fi
}
_mcc_gone() { ! dmsetup info "$M" >/dev/null 2>&1; }
_mcc_reconfs() { grep -c 'reconfigure: reading' "$MPD_LOG"; }
_mcc_reconf_more() { [ "$(_mcc_reconfs)" -gt "$1" ]; }
# _mcc_maps_in_o: how many map header lines ("NAME (WWID) ...") $O has.
_mcc_maps_in_o() {
	local l n=0 re='^[^ |`]+ \('
	while IFS= read -r l; do [[ $l =~ $re ]] && n=$((n + 1)); done <<<"$O"
	echo "$n"
}
_mcc_follow_has() { # DEV: events --follow printed the operator's fail of DEV
	local s="" re="$1 [^"$'\n'"]*up -> down +\\(operator"
	read -r -d '' s </tmp/mcc.follow
	[[ $s =~ $re ]]
}
_mcc_held() {
	ctl --json show maps 2>/dev/null |
		jq -e 'map(select(.name == "'"$M"'"))[0] | .held == true and .in_kernel == false' >/dev/null
}
_mcc_back() { _mcc_until 30 "$1: $M back with $N active paths" _mcc_active_is "$N"; }
# _mcc_del CMD...: CMD run again (at most 10 times, 0.5 s apart) while the
# daemon answers that the map is busy with a table change, its documented
# "try again"; $O/$E/$R of the last run.
_mcc_del() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		_mcc_run "$@"
		[ "$R" = 0 ] && return 0
		[[ $E =~ busy ]] || return 1
		_mcc_say "busy, again: $*"
		read -r -t 0.5 -u "$_MCC_FD" _ 2>/dev/null
	done
	return 1
}

# ---- the checks -------------------------------------------------------------
# mpctl_common_checks VARIANT TAG MAP PATHDEV...: MAP has the PATHDEVs (all
# of its paths), all active; it has them again when this returns. VARIANT 1
# or 2 picks which client runs which destructive action (see the coverage
# table); both run every read-only view.
mpctl_common_checks() {
	local v=$1 t0 w p dt ng q0 cur n0 s f fpid step want
	_MCC_TAG=$2 M=$3 N=$(($# - 3))
	shift 3
	p=$1 dt=$(devnum_of "$1")
	_MCC_JF=() _MCC_JD=()
	[ -p /tmp/mcc.fifo ] || mkfifo /tmp/mcc.fifo
	exec {_MCC_FD}<>/tmp/mcc.fifo
	mkdir -p /tmp/mpbin && ln -sf "$VM_BUILD/mpctl" /tmp/mpbin/multipath
	_mcc_clock; t0=$_MCC_CS
	_mcc_run ctl --json show topology "$M"
	w=$(jq -r '.[0].wwid' <<<"$O")
	[ -n "$w" ] && [ "$w" != null ] || { _mcc_fail "no WWID for $M"; return; }
	_mcc_say "common checks (variant $v) on $M ($w), paths $*"
	# events --follow from the start, so it is connected before the fail below
	timeout 300 $CTL events --follow >/tmp/mcc.follow 2>&1 &
	fpid=$!

	# -- the read-only views, one after the other, the JSON ones in one jq
	_mcc_rc 0 ctl status; _mcc_has "status" ".*$M"
	_mcc_rc 0 ctl --json status
	_mcc_json '.source == "daemon" and (.maps | map(select(.name == "'"$M"'" and .wwid == "'"$w"'" and .paths == '"$N"')) | length == 1)' "status"
	_mcc_rc 0 ctl show topology "$M"; _mcc_has "show topology" "$M +"
	_mcc_rc 0 ctl show topology "$M" --ll; _mcc_has "show topology --ll" "$M \\($w\\) dm-[0-9]+ "
	_mcc_rc 0 ctl show maps -o '%n %w %d'; _mcc_has "show maps -o" "$M +$w +dm-[0-9]+"
	_mcc_rc 0 ctl --json show maps
	_mcc_json 'map(select(.name == "'"$M"'"))[0] | .wwid == "'"$w"'" and .in_kernel == true and .held == false' "show maps"
	_mcc_rc 0 ctl show paths -o '%d %D %t %m'; _mcc_has "show paths -o" "$p +$dt +active +$M"
	_mcc_rc 0 ctl show config; _mcc_has "show config" "[[:space:]]*polling_interval 2$"
	_mcc_rc 0 ctl show config --effective "$M"; _mcc_has "show config --effective" " *polling_interval +2 +\\(defaults\\)"
	_mcc_rc 0 ctl --json show config --effective "$M"
	_mcc_json '.settings | map(select(.keyword == "polling_interval" and .value == "2" and .origin == "defaults")) | length == 1' "show config --effective"
	_mcc_rc 0 ctl raw show status; _mcc_json '.paths >= '"$N" "raw show status"
	_mcc_rc 1 ctl raw no such request
	_mcc_rc 0 ctl wait startup --timeout 10
	_mcc_rc 0 ctl wait map "$w" --paths "$N" --timeout 10
	_mcc_rc 1 ctl wait map "$M" --paths $((N + 1)) --timeout 1
	_mcc_rc 0 ctl --json reload wwids; _mcc_json '.result == "ok"' "reload wwids"
	_mcc_rc 0 ctl watch --count 1; _mcc_has "watch" ".*$M"
	_mcc_rc 0 ctl metrics
	_mcc_has "metrics, $N up paths" "mpd_map_paths\\{map=\"$M\".*state=\"up\"\\} $N$"
	s=$(grep -vE '^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$' <<<"$O")
	[ -z "$s" ] || _mcc_fail "metrics lines that do not parse: ${s:0:300}"
	_mcc_rc 0 ctl claim --udev --config "$MPD_TEST_DIR/multipath.conf" --wwids "$MPD_TEST_DIR/wwids" "$p"
	_mcc_has "claim --udev $p" "DM_MULTIPATH_DEVICE_PATH=1$"; _mcc_has "claim --udev $p" "MP_WWID=$w$"
	_mcc_run _mcc_mpd show status; _mcc_has "multipathd show status" "paths: [0-9]+$"
	_mcc_run _mcc_mpd show daemon; _mcc_has "multipathd show daemon" "pid [0-9]+ running$"
	_mcc_run _mcc_mpd show config; _mcc_has "multipathd show config" "[[:space:]]*polling_interval 2$"
	_mcc_run _mcc_mpd show maps; _mcc_has "multipathd show maps" "name +sysfs +uuid"
	_mcc_has "multipathd show maps" "$M +dm-[0-9]+ +$w"
	_mcc_run _mcc_mpd show maps raw format '%n %w'; s=$O
	_mcc_run _mcc_mpd list maps raw format '%n %w'
	[ "$O" = "$s" ] || _mcc_fail "list maps differs from show maps: '$O' / '$s'"
	_mcc_has "multipathd show maps raw format" "$M $w$"
	_mcc_run _mcc_mpd show paths format '%d %t %T'; _mcc_has "multipathd show paths format" "$p +active +ready"
	_mcc_run _mcc_mpd show topology; _mcc_has "multipathd show topology" "$M \\($w\\)"
	_mcc_run _mcc_mpd show maps topology; _mcc_has "multipathd show maps topology" "$M \\($w\\)"
	_mcc_run _mcc_mpd show map "$M" topology; _mcc_has "multipathd show map $M topology" "$M \\($w\\)"
	[ "$(_mcc_maps_in_o)" = 1 ] || _mcc_fail "multipathd show map $M topology: not one map: ${O:0:300}"
	_mcc_run _mcc_mp -ll "$M"; _mcc_has "multipath -ll $M" "$M \\($w\\) dm-[0-9]+ "
	# dm state and checker; not the device state column, which an iSCSI
	# session in recovery turns to "blocked" for a while (seen under load)
	_mcc_has "multipath -ll $M" ".*$p .*active ready"
	_mcc_run _mcc_mp -l "$M"; _mcc_has "multipath -l $M" "$M \\($w\\)"; _mcc_has "multipath -l $M" ".*$p .*undef"
	_mcc_run _mcc_mp -u "$p"; _mcc_has "multipath -u $p" "DM_MULTIPATH_DEVICE_PATH=1$"
	_mcc_run _mcc_mp -c "/dev/$p"; [ "$R" = 0 ] || _mcc_fail "multipath -c /dev/$p exited $R"
	_mcc_jq
	_mcc_say "views done"

	# -- fail/reinstate (variant 1: 58 runs all four on its source already)
	_mcc_rc 0 ctl fail path "$p"
	_mcc_until 15 "$p failed (mpctl)" _mcc_state_is "$dt" F
	_mcc_ok _mcc_mpd reinstate path "$p"
	_mcc_until 20 "$p reinstated (multipathd)" _mcc_state_is "$dt" A
	if [ "$v" = 2 ]; then
		_mcc_ok _mcc_mpd fail path "$p"
		_mcc_until 15 "$p failed (multipathd)" _mcc_state_is "$dt" F
		_mcc_rc 0 ctl reinstate path "$p"
		_mcc_until 20 "$p reinstated (mpctl)" _mcc_state_is "$dt" A
	fi
	_mcc_rc 0 ctl events -n 1; s=$O
	_mcc_rc 0 ctl events -n 50
	_mcc_has "events: the operator's fail" ".*$p .*up -> down +\\(operator"
	_mcc_has "events: the operator's reinstate" ".*$p .*down -> up +\\(operator"
	# -n 1: the last event alone (a long one may wrap to two lines)
	[ -n "$s" ] && [ "${#s}" -lt "${#O}" ] && [[ $O == *"$s" ]] || _mcc_fail "events -n 1 is not the last of events -n 50: '$s'"
	_mcc_rc 0 ctl --json events
	_mcc_json '.events | map(select(.cause == "operator" and .dev == "'"$p"'")) | length >= 2' "events"
	_mcc_until 5 "events --follow printed the operator's fail" _mcc_follow_has "$p"
	kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null

	# -- switch group (variant 2: 58 switches for real on its source)
	if [ "$v" = 2 ]; then
		_mcc_run ctl --json show topology "$M"
		ng=$(jq '.[0].groups | length' <<<"$O")
		_mcc_rc 0 ctl switch group "$M" 1
		_mcc_rc 1 ctl switch group "$M" $((ng + 1))
		_mcc_ok _mcc_mpd switchgroup map "$M" group 1
		_mcc_run _mcc_mpd switchgroup map "$M" group $((ng + 1))
		[ "$O" = fail ] || _mcc_fail "multipathd switchgroup to group $((ng + 1)) of $ng: '$O'"
	fi

	# -- suspend/resume through both clients; the kernel's state follows
	_mcc_rc 0 ctl suspend map "$M"
	_mcc_until 10 "$M suspended (mpctl)" _mcc_dmstate_is SUSPENDED
	_mcc_ok _mcc_mpd resume map "$M"
	_mcc_until 10 "$M resumed (multipathd)" _mcc_dmstate_is ACTIVE
	_mcc_ok _mcc_mpd suspend map "$M"
	_mcc_until 10 "$M suspended (multipathd)" _mcc_dmstate_is SUSPENDED
	_mcc_rc 0 ctl resume map "$M"
	_mcc_until 10 "$M resumed (mpctl)" _mcc_dmstate_is ACTIVE

	# -- queueing: every verb once, each one changing queue_if_no_path (a
	# step that would not change it gets the opposite forced first), so a
	# verb that did nothing is seen; the map's own setting q0 at the end
	_mcc_queue_is on && q0=on || q0=off
	cur=$q0
	for step in "ctl queueing disable" "ctl queueing force" "ctl queueing restore" \
		"mpd disablequeueing map" "mpd restorequeueing map" \
		"mpd disablequeueing maps" "mpd restorequeueing maps"; do
		case $step in
		*disable*) want=off ;; *force*) want=on ;; *) want=$q0 ;;
		esac
		if [ "$want" = "$cur" ]; then
			[ "$cur" = on ] && _mcc_rc 0 ctl queueing disable "$M" || _mcc_rc 0 ctl queueing force "$M"
			[ "$cur" = on ] && cur=off || cur=on
			_mcc_until 10 "queueing $cur (toggle)" _mcc_queue_is "$cur"
		fi
		case $step in
		ctl*) _mcc_rc 0 ctl ${step#ctl } "$M" ;;
		*" map") _mcc_ok _mcc_mpd ${step#mpd } "$M" ;;
		*) _mcc_ok _mcc_mpd ${step#mpd } ;;
		esac
		_mcc_until 10 "queueing $want after $step" _mcc_queue_is "$want"
		cur=$want
	done
	if [ "$cur" != "$q0" ]; then
		_mcc_rc 0 ctl queueing restore "$M"
		_mcc_until 10 "queueing $q0 (restore)" _mcc_queue_is "$q0"
	fi

	# -- resize with the LUN unchanged: ok, the table as long as the path
	_mcc_rc 0 ctl resize map "$M"
	_mcc_ok _mcc_mpd resize map "$M"
	s=$(dmsetup table "$M"); read -r f </sys/block/"$p"/size
	[ "$(cut -d' ' -f2 <<<"$s")" = "$f" ] || _mcc_fail "table length after resize: $s (path $f)"

	# -- reconfigure: each of the five ways reaches the daemon (its log) and
	# the map stays (the daemon reloads no table that did not change)
	n0=$(_mcc_reconfs); _mcc_rc 0 ctl reconfigure
	_mcc_until 15 "mpctl reconfigure read the config" _mcc_reconf_more "$n0"
	n0=$(_mcc_reconfs); _mcc_ok _mcc_mpd reconfigure
	_mcc_until 15 "multipathd reconfigure read the config" _mcc_reconf_more "$n0"
	n0=$(_mcc_reconfs); _mcc_run _mcc_mp -r; [ "$R" = 0 ] || _mcc_fail "multipath -r exited $R: $E"
	_mcc_until 15 "multipath -r read the config" _mcc_reconf_more "$n0"
	n0=$(_mcc_reconfs); _mcc_run _mcc_mp; [ "$R" = 0 ] || _mcc_fail "bare multipath exited $R: $E"
	_mcc_has "bare multipath: the topology" "$M \\($w\\)"
	_mcc_until 15 "bare multipath read the config" _mcc_reconf_more "$n0"
	n0=$(_mcc_reconfs); _mcc_run _mcc_mp "/dev/$p"; [ "$R" = 0 ] || _mcc_fail "multipath /dev/$p exited $R: $E"
	_mcc_has "multipath /dev/$p" "$M \\($w\\)"
	[ "$(_mcc_maps_in_o)" = 1 ] || _mcc_fail "multipath /dev/$p: not its map alone: ${O:0:300}"
	_mcc_until 15 "multipath DEV read the config" _mcc_reconf_more "$n0"
	_mcc_back reconfigure

	# -- the wwids file: -w, -a, -W (the map's WWID is in it at the end)
	f=$MPD_TEST_DIR/wwids
	_mcc_run _mcc_mp -w "$w"; [ "$O" = "wwid '$w' removed" ] && ! grep -q "^/$w/\$" "$f" || _mcc_fail "multipath -w $w: '$O'"
	_mcc_run _mcc_mp -a "$w"; [ "$O" = "wwid '$w' added" ] && grep -q "^/$w/\$" "$f" || _mcc_fail "multipath -a $w: '$O'"
	_mcc_run _mcc_mp -a 3600aaaabbbbcccc0009; [ "$R" = 0 ] || _mcc_fail "multipath -a of a WWID with no map: $R"
	_mcc_run _mcc_mp -W; [ "$O" = "successfully reset wwids" ] || _mcc_fail "multipath -W: '$O'"
	grep -q "^/$w/\$" "$f" && ! grep -q 3600aaaabbbbcccc0009 "$f" || _mcc_fail "-W left: $(cat "$f")"

	# -- a path out and in, twice: mpctl del path / multipathd add path,
	# then multipathd del path (variant 1) or its synonym remove path
	# (variant 2) / mpctl add path
	_mcc_rc 0 ctl del path "$p"
	_mcc_until 15 "$p out of $M (mpctl del path)" _mcc_active_is $((N - 1))
	_mcc_rc 0 ctl --json show paths; _mcc_json 'map(select(.dev == "'"$p"'" and .map != null)) | length == 0' "show paths after del path"
	_mcc_ok _mcc_mpd add path "/dev/$p"
	_mcc_back "multipathd add path"
	[ "$v" = 1 ] && s=del || s=remove
	_mcc_ok _mcc_mpd $s path "/dev/$p"
	_mcc_until 15 "$p out of $M (multipathd $s path)" _mcc_active_is $((N - 1))
	_mcc_rc 0 ctl add path "$p"
	_mcc_back "mpctl add path"
	_mcc_jq

	# -- the map out and back: mpctl del map / multipathd add map, multipathd
	# del map / mpctl add map, then variant 1 multipath -f (58 has it on the
	# other source), variant 2 multipathd remove map, each / mpctl add map
	_mcc_del ctl del map "$M" || _mcc_fail "mpctl del map $M: $R $E"
	_mcc_until 15 "$M removed (mpctl del map)" _mcc_gone
	# the daemon's record follows once the remove job reports (after udev)
	_mcc_until 15 "show maps: $M held, not in the kernel" _mcc_held
	_mcc_ok _mcc_mpd add map "$w"; _mcc_back "multipathd add map"
	_mcc_del _mcc_mpd del map "$M" && [ "$O" = ok ] || _mcc_fail "multipathd del map $M: $O $E"
	_mcc_until 15 "$M removed (multipathd del map)" _mcc_gone
	_mcc_rc 0 ctl add map "$w"; _mcc_back "mpctl add map"
	if [ "$v" = 1 ]; then
		_mcc_del _mcc_mp -f "$M" || _mcc_fail "multipath -f $M: $R $E"
		_mcc_until 15 "$M removed (multipath -f)" _mcc_gone
	else
		_mcc_del _mcc_mpd remove map "$w" && [ "$O" = ok ] || _mcc_fail "multipathd remove map $w: $O $E"
		_mcc_until 15 "$M removed (multipathd remove map)" _mcc_gone
	fi
	_mcc_rc 0 ctl add map "$w"; _mcc_back "mpctl add map"
	_mcc_jq
	exec {_MCC_FD}<&-
	_mcc_clock
	printf -v s '%d.%02d' $(((_MCC_CS - t0) / 100)) $(((_MCC_CS - t0) % 100))
	figure "mpctl_common_${_MCC_TAG}_seconds" "$s"
}
