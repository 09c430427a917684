#!/bin/bash
# mpctl's manners (issue 5), against a running daemon on scsi_debug
# (2 LUNs x 2 paths): --help of every command exits 0 with its usage; the
# usual views stay within 80 columns after path and map events of both
# kinds; colour only on a terminal (script(1) gives one), never with
# NO_COLOR, --json, --no-color or into a pipe; the shipped bash completion
# offers commands, map names and path names.
# vm-timeout: 240
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
mpctl_sdebug_setup 'polling_interval 2'
p=$(ctl --json show topology "$m" | jq -r '.[0].groups[0].paths[0].dev')
[ -n "$p" ] && [ "$p" != null ] || fail "no path of $m in show topology"
say "map $m, path $p"

for c in status "show topology" "show maps" "show paths" "show config" events watch metrics \
	"wait map" "wait startup" "fail path" "reinstate path" "switch group" "add path" "add map" \
	"del path" "del map" "resize map" "suspend map" "resume map" queueing reconfigure \
	"reload wwids" shutdown "config check" claim raw; do
	out=$(ctl $c --help 2>&1) || fail "mpctl $c --help exited non-zero: $(printf '%s' "$out" | head -n 2)"
	printf '%s\n' "$out" | grep -q '^usage:' && printf '%s\n' "$out" | grep -qF "${c%% *}" ||
		fail "mpctl $c --help: no usage line naming it: $(printf '%s' "$out" | head -n 2)"
done
ctl --help | grep -q '^usage: mpctl' || fail "mpctl --help"
# a two-form command shows the form asked for
ctl wait startup --help | grep -q 'wait map' && fail "mpctl wait startup --help shows the map form"
ctl wait map --help | grep -q 'wait startup' && fail "mpctl wait map --help shows the startup form"

# events of both kinds: a path failed and reinstated, a map removed and added
dt=$(devnum_of "$p")
w=$(ctl --json show topology "$m" | jq -r '.[0].wwid')
expect_rc 0 ctl fail path "$p"
must 10 "$p failed" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
expect_rc 0 ctl reinstate path "$p"
must 15 "$p reinstated" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
expect_rc 0 ctl del map "$m"
must 15 "$m removed" eval '! dmsetup info '"$m"' >/dev/null 2>&1'
expect_rc 0 ctl add map "$w"
must 30 "$m back with 2 active paths" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
for c in status "show maps" "show paths" "show topology" "events -n 20"; do
	ctl $c >/tmp/out || fail "mpctl $c exited non-zero"
	cat /tmp/out >&2
	awk -v c="$c" 'length > 80 { print "mpctl " c ", " length " columns: " $0; bad = 1 } END { exit bad }' /tmp/out >&2 ||
		fail "mpctl $c: lines over 80 columns"
done
grep -q "(operator: del map)" <(ctl events -n 20) || fail "events do not show the del map's cause"

# colour: ESC[ on a terminal only
env -u NO_COLOR TERM=xterm script -qec "$CTL show topology $m" /dev/null >/tmp/out </dev/null
grep -q $'\e\[' /tmp/out || fail "no colour on a terminal: $(head -c 200 /tmp/out)"
NO_COLOR=1 TERM=xterm script -qec "$CTL show topology $m" /dev/null >/tmp/out </dev/null
grep -q "^$m " <(tr -d '\r' </tmp/out) && ! grep -q $'\e\[' /tmp/out ||
	fail "colour with NO_COLOR: $(head -c 200 /tmp/out | cat -v)"
env -u NO_COLOR TERM=xterm script -qec "$CTL --json show topology $m" /dev/null >/tmp/out </dev/null
grep -q '"name"' /tmp/out && ! grep -q $'\e\[' /tmp/out || fail "colour with --json: $(head -c 200 /tmp/out | cat -v)"
env -u NO_COLOR TERM=xterm script -qec "$CTL --no-color show topology $m" /dev/null >/tmp/out </dev/null
grep -q "^$m " <(tr -d '\r' </tmp/out) && ! grep -q $'\e\[' /tmp/out || fail "colour with --no-color"
! env -u NO_COLOR TERM=xterm $CTL show topology "$m" | grep -q $'\e\[' || fail "colour into a pipe"

# bash completion: the shipped script, with mpctl and multipath on PATH as installed
mkdir -p /tmp/mpbin && ln -sf "$VM_BUILD/mpctl" /tmp/mpbin/mpctl && ln -sf "$VM_BUILD/mpctl" /tmp/mpbin/multipath
export PATH=/tmp/mpbin:$PATH MPCTL_SOCKET=$MPD_SOCK
. "$VM_CHECKOUT/conf/bash-completion/mpctl"
comp() { # FUNCTION WORDS...: the completions offered for the last word
	local f=$1
	shift
	COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
	"$f" >/dev/null 2>&1
	printf '%s\n' "${COMPREPLY[@]}"
}
comp _mpctl mpctl "" | grep -qx status && comp _mpctl mpctl "" | grep -qx queueing ||
	fail "completion: commands: $(comp _mpctl mpctl "" | tr '\n' ' ')"
comp _mpctl mpctl del map "" | grep -qx "$m" || fail "completion: map names: $(comp _mpctl mpctl del map "" | tr '\n' ' ')"
comp _mpctl mpctl fail path "" | grep -qx "$p" || fail "completion: path names: $(comp _mpctl mpctl fail path "" | tr '\n' ' ')"
comp _mpctl mpctl show topology "${m:0:3}" | grep -qx "$m" || fail "completion: a map name from its start"
comp _multipath multipath -ll "" | grep -qx "$m" || fail "completion: multipath -ll map names"
say "manners: help, 80 columns, colour, completion all as expected"
