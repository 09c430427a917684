#!/bin/bash
# mpctl against our daemon on scsi_debug (2 LUNs x 2 paths): status, show
# topology/maps/paths (text and JSON, validated by jq), format fields,
# actions (fail/reinstate path, switch group, queueing, resize, del/add
# map, del/add path, reconfigure), events with causes, metrics, wait,
# watch; exit codes (2 usage, 3 no daemon, 1 refused); a non-root caller
# refused; malformed, oversized and half-sent requests answered while the
# daemon keeps serving; the read-only fallback without a daemon; the
# `multipathd <verbs>` and `multipath` compat front-ends.
# vm-timeout: 300
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
CTL="$VM_BUILD/mpctl --socket $MPD_SOCK"
ctl() { timeout 20 $CTL "$@"; }
expect_rc() { # RC CMD...
	local want=$1 rc
	shift
	"$@" >/tmp/out 2>/tmp/err; rc=$?
	[ "$rc" = "$want" ] || { say "out: $(head -c 600 /tmp/out)"; say "err: $(cat /tmp/err)"; fail "$* exited $rc, wanted $want"; }
}
mpd_setup_conf 'polling_interval 2' 'no_path_retry queue'
sdebug_up 2 2 || fail "scsi_debug did not give 4 sd devices"
mpd_start || fail "daemon did not start"
must 60 "2 scsi_debug maps with 2 active paths" mpd_sdebug_maps_ready 2 2
m=$(mpd_sdebug_maps | head -n1)

expect_rc 0 ctl status; cat /tmp/out >&2
grep -q "$m" /tmp/out || fail "status does not list $m"
expect_rc 0 ctl --json status; jq -e '.maps | length >= 2' /tmp/out >/dev/null || fail "status --json"
expect_rc 0 ctl show topology; cat /tmp/out >&2
grep -q "^$m " /tmp/out || fail "topology does not show $m"
expect_rc 0 ctl show topology "$m" --ll; cat /tmp/out >&2
grep -qE "^size=.* features='.*' hwhandler='.*' wp=rw" /tmp/out || fail "-ll layout: no size line"
grep -qE "^[|\`]-\+- policy='.*' prio=[0-9]+ status=(active|enabled)" /tmp/out || fail "-ll layout: no group line"
expect_rc 0 ctl --json show topology; jq -e '.[0].groups[0].paths[0].dev' /tmp/out >/dev/null || fail "topology json"
expect_rc 0 ctl show maps; cat /tmp/out >&2
expect_rc 0 ctl show paths -o '%d %D %t %T %m'; cat /tmp/out >&2
grep -qE '^sd[a-z]+ +[0-9]+:[0-9]+ +active +up +mpath' /tmp/out || fail "paths format fields"
expect_rc 2 ctl show paths -o '%d %Z'
expect_rc 0 ctl show config --effective "$m"; cat /tmp/out >&2
grep -q 'no_path_retry' /tmp/out || fail "effective config lacks no_path_retry"
expect_rc 1 ctl show topology nosuchmap

# actions
d=$(ctl --json show topology "$m" | jq -r '.[0].groups[0].paths[0].dev')
dt=$(devnum_of "$d")
expect_rc 0 ctl fail path "$d"
must 10 "$d failed by the operator" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
expect_rc 0 ctl reinstate path "$d"
must 15 "$d reinstated" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
expect_rc 0 ctl events; cat /tmp/out >&2
grep -q "operator" /tmp/out || fail "events do not show the operator's fail"
expect_rc 0 ctl --json events; jq -e '.events | map(select(.cause == "operator")) | length > 0' /tmp/out >/dev/null || fail "events json"
expect_rc 1 ctl fail path sdzz
expect_rc 2 ctl fail path
expect_rc 0 ctl switch group "$m" 1
expect_rc 0 ctl queueing disable "$m"
must 10 "queueing off in $m" eval '! dmsetup table '"$m"' | grep -q queue_if_no_path || dmsetup status '"$m"' | grep -q "^.* 0 0 "'
expect_rc 0 ctl queueing restore --all
expect_rc 0 ctl resize map "$m"
expect_rc 0 ctl reconfigure
expect_rc 0 ctl metrics; grep -E '^mpd_map_paths\{map="'"$m"'".*state="up"\} 2' /tmp/out >/dev/null || { cat /tmp/out >&2; fail "metrics"; }
expect_rc 0 ctl wait map "$m" --paths 2 --timeout 10
expect_rc 1 ctl wait map nosuch --timeout 1
expect_rc 0 ctl watch --count 1
# del map refused while open, then done
exec 7<"/dev/mapper/$m"
expect_rc 1 ctl del map "$m"; grep -q 'in use' /tmp/err || fail "del map of an open map: $(cat /tmp/err)"
exec 7<&-
sleep 1
expect_rc 0 ctl del map "$m"
must 15 "$m removed" eval '! dmsetup info '"$m"' >/dev/null 2>&1'
w=$(wwid_of "$d")
expect_rc 0 ctl add map "$w"
must 20 "map of $w back" eval '[ -n "$(mpd_sdebug_maps | head -n2 | wc -l)" ] && dmsetup ls --target multipath | grep -q mpath'
# del/add path
m=$(mpd_sdebug_maps | head -n1)
d=$(ctl --json show topology "$m" | jq -r '.[0].groups | map(.paths[]) | .[0].dev')
expect_rc 0 ctl del path "$d"
must 15 "$d out of $m" eval '[ "$(mpath_active_paths '"$m"')" = 1 ]'
expect_rc 0 ctl add path "$d"
must 15 "$d back in $m" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'

# protocol abuse: daemon keeps serving
python3 - "$MPD_SOCK" <<'PY' || fail "protocol abuse"
import socket, sys, json
p = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX); s.settimeout(10); s.connect(p); return s
def reply(s):
    b = b""
    while not b.endswith(b"\n"):
        c = s.recv(65536)
        if not c: break
        b += c
    return json.loads(b)
half = conn(); half.sendall(b"show sta")         # half-sent, left open
big = conn(); big.sendall(b"x" * 5000)
r = reply(big); assert r["ok"] is False and "longer" in r["error"], r
bad = conn(); bad.sendall(b"\x00\xff garbage %s %n\n")
r = reply(bad); assert r["ok"] is False, r
ok = conn(); ok.sendall(b"show status\n"); r = reply(ok); assert r["ok"] is True, r
half.sendall(b"tus\n"); r = reply(half); assert r["ok"] is True, r
PY
# non-root refused
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $VM_BUILD/mpctl --socket "$MPD_SOCK" show maps 2>&1); rc=$?
say "nobody: rc=$rc $out"
[ "$rc" != 0 ] || fail "non-root caller was served"
echo "$out" | grep -qiE 'permission|denied' || fail "non-root refusal unclear: $out"

# compat front-ends
mpd_cmp() { timeout 10 "$MPD_BIN" --socket "$MPD_SOCK" "$@"; }
mpd_cmp show status >&2 || fail "multipathd show status"
mpd_cmp show maps | tee /dev/stderr | head -n1 | grep -qE '^name +sysfs +uuid' || fail "multipathd show maps header"
mpd_cmp show paths format "%d %t %T" | tee /dev/stderr | grep -qE '^sd[a-z]+ +active +ready' || fail "multipathd show paths format"
mpd_cmp show maps raw format "%n %w" | grep -q "^$m " || fail "show maps raw format"
[ "$(mpd_cmp reconfigure)" = ok ] || fail "multipathd reconfigure reply"
[ "$(mpd_cmp fail path sdzz)" = fail ] || fail "multipathd fail path of nothing"
[ "$(mpd_cmp resize map "$m")" = ok ] || fail "multipathd resize map"
MP="$VM_BUILD/multipath"
ln -sf mpctl "$MP"
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll | tee /dev/stderr | grep -qE "^$m \(" || fail "multipath -ll"
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll "$m" >/dev/null || fail "multipath -ll MAP"

# fallback: no daemon
mpd_stop
expect_rc 3 ctl fail path "$d"; grep -q "$MPD_SOCK" /tmp/err || fail "unreachable message without the socket path"
expect_rc 0 ctl show topology; cat /tmp/out >&2; grep -q "^$m " /tmp/out || fail "fallback topology"
expect_rc 0 ctl show paths; grep -q "$d" /tmp/out || fail "fallback paths"
expect_rc 0 ctl --json show topology; jq -e 'length >= 2' /tmp/out >/dev/null || fail "fallback json"
expect_rc 0 ctl status
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll | grep -qE "^$m \(" || fail "multipath -ll without daemon"
sdebug_down || fail "scsi_debug would not unload"
