#!/bin/bash
# mpctl changing maps and paths against our daemon on scsi_debug (2 LUNs x
# 2 paths): del map refused while open then done, held across reconfigure,
# add map by the sysfs (naa.) WWID, del/add path;
# malformed, oversized, non-UTF-8 and half-sent requests answered with an
# error while the daemon keeps serving; a non-root caller refused (by the
# socket's mode, and by the daemon's peer check); the `multipathd <verbs>`
# front-end (show status/daemon/config/maps/paths/topology, fail/reinstate
# path, switchgroup, del/add map, resize, reconfigure) and the `multipath`
# one (-ll, -l, -c/-C/-u, -t/-T, -r, -a/-w/-W on the daemon's wwids file);
# mpctl shutdown leaving the maps in place; exit code 3 naming the socket,
# the read-only fallback, and multipath -F flushing every map without a
# daemon.
# vm-timeout: 300
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
mpctl_sdebug_setup 'polling_interval 2'
t0=$(now)
mpctl_soft_fail

# del map: refused while open, then done; add map brings it back
d=$(ctl --json show topology "$m" | jq -r '.[0].groups[0].paths[0].dev')
w=$(ctl --json show topology "$m" | jq -r '.[0].wwid')
exec 7<"/dev/mapper/$m"
expect_rc 1 ctl del map "$m"; grep -q 'in use' /tmp/err || fail "del map of an open map: $(cat /tmp/err)"
exec 7<&-
expect_rc 0 ctl del map "$m"
must 15 "$m removed" eval '! dmsetup info '"$m"' >/dev/null 2>&1'
sleep 3
dmsetup info "$m" >/dev/null 2>&1 && fail "$m came back by itself after del map"
expect_rc 0 ctl --json show maps; jq_ok 'map(select(.name == "'"$m"'"))[0] | .held == true and .in_kernel == false'
# the removal sticks across reconfigure (the daemon still has the paths)
expect_rc 0 ctl reconfigure
sleep 3
dmsetup info "$m" >/dev/null 2>&1 && fail "$m came back on reconfigure after del map"
# add map with the WWID as sysfs prints it (naa.…), not as the map carries it
sw=$(tr -d ' \n' <"/sys/block/$d/device/wwid")
say "sysfs wwid of $d: $sw (map wwid $w)"
expect_rc 0 ctl add map "$sw"
must 20 "$m back with 2 active paths" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
expect_rc 0 ctl --json show maps; jq_ok 'map(select(.name == "'"$m"'"))[0] | .held == false and .in_kernel == true'
expect_rc 0 ctl add map "$w"
expect_rc 1 ctl add map 3600nosuchwwid
expect_rc 0 ctl --json events
jq_ok '[.events[] | select(.object == "map" and .map == "'"$m"'") | .to] | (index("removed") // 1e9) < (rindex("created") // -1)'
expect_rc 1 ctl del map nosuchmap

# del/add path
expect_rc 0 ctl del path "$d"
must 15 "$d out of $m" eval '[ "$(mpath_active_paths '"$m"')" = 1 ]'
expect_rc 0 ctl --json show paths; jq_ok 'map(select(.dev == "'"$d"'")) | length == 0'
expect_rc 0 ctl add path "$d"
must 15 "$d back in $m" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
expect_rc 1 ctl add path ../../etc
figure mpctl_changes_seconds "$(elapsed "$t0")"

# protocol abuse: each answered with an error, the daemon keeps serving
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
bad.sendall(b"\xff\xfe%n%s bogus words\n")
r = reply(bad); assert r["ok"] is False and "unknown" in r["error"], r
bad.sendall(b"a b c d e f g h i j\n")
r = reply(bad); assert r["ok"] is False, r
bad.sendall(b"fail path\n")
r = reply(bad); assert r["ok"] is False, r
ok = conn(); ok.sendall(b"show status\n"); r = reply(ok); assert r["ok"] is True, r
half.sendall(b"tus\n"); r = reply(half); assert r["ok"] is True, r
print("abuse: all answered", file=sys.stderr)
PY
expect_rc 0 ctl status

# non-root refused: by the socket's mode (0600)...
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $VM_BUILD/mpctl --socket "$MPD_SOCK" show maps 2>&1); rc=$?
say "nobody: rc=$rc $out"
[ "$rc" = 3 ] || fail "non-root caller: exit $rc, wanted 3"
echo "$out" | grep -q "$MPD_SOCK" && echo "$out" | grep -qiE 'permission denied' || fail "non-root refusal unclear: $out"
# ...and by the daemon's own peer check when the mode would let it in
chmod 0666 "$MPD_SOCK"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups $VM_BUILD/mpctl --socket "$MPD_SOCK" show maps 2>&1); rc=$?
chmod 0600 "$MPD_SOCK"
say "nobody, socket 0666: rc=$rc $out"
[ "$rc" = 1 ] || fail "non-root caller past the mode: exit $rc, wanted 1"
echo "$out" | grep -q 'uid 65534 is not root' || fail "daemon's refusal unclear: $out"
expect_rc 0 ctl show maps

# compat front-ends
mpd_cmp() { timeout 10 "$MPD_BIN" --socket "$MPD_SOCK" "$@"; }
mpd_cmp show status >&2 || fail "multipathd show status"
mpd_cmp show maps | tee -a /tmp/compat.out | head -n1 | grep -qE '^name +sysfs +uuid' || fail "multipathd show maps header"
mpd_cmp show paths format "%d %t %T" | tee -a /tmp/compat.out | grep -qE '^sd[a-z]+ +active +ready' || fail "multipathd show paths format"
mpd_cmp show maps raw format "%n %w" | grep -q "^$m $w\$" || fail "show maps raw format"
mpd_cmp show topology | grep -qE "^$m \($w\)" || fail "multipathd show topology"
mpd_cmp show map "$m" topology >/tmp/one.out || fail "multipathd show map MAP topology exited $?"
grep -qE "^$m \($w\)" /tmp/one.out && [ "$(grep -cE '^mpath' /tmp/one.out)" = 1 ] ||
	fail "multipathd show map $m topology: not $m alone: $(head -c 300 /tmp/one.out)"
[ "$(mpd_cmp list maps raw format '%n %w')" = "$(mpd_cmp show maps raw format '%n %w')" ] ||
	fail "multipathd list maps differs from show maps"
# a command longer than the daemon takes: refused whole, not cut to fit
long=$(printf 'x%.0s' $(seq 5000))
mpd_cmp show maps raw format "%n $long" >/tmp/out 2>/tmp/err; rc=$?
[ "$rc" = 1 ] && [ ! -s /tmp/out ] && grep -q 'command too long' /tmp/err || fail "too long a command: rc $rc $(head -c 200 /tmp/err)"
mpd_cmp "show maps raw format %n $(printf 'x %.0s' $(seq 20))" >/tmp/out; rc=$?
[ "$rc" = 0 ] && grep -qx "$m" /tmp/out || fail "one-word command of 25 words: rc $rc $(head -c 200 /tmp/out)"
[ "$(mpd_cmp reconfigure)" = ok ] || fail "multipathd reconfigure reply"
must 20 "maps back after reconfigure" mpd_sdebug_maps_ready 2 2
[ "$(mpd_cmp fail path sdzz)" = fail ] || fail "multipathd fail path of nothing"
[ "$(mpd_cmp resize map "$m")" = ok ] || fail "multipathd resize map"
[ "$(mpd_cmp resize map "$w")" = ok ] || fail "multipathd resize map WWID"
mpd_cmp show config >/tmp/sc.conf
grep -qE '^[[:space:]]*polling_interval 2$' /tmp/sc.conf || fail "multipathd show config: not the running config"
# as the incumbent: every default in force and the built-in hardware table
grep -qE '^[[:space:]]*max_polling_interval [0-9]+$' /tmp/sc.conf && grep -q '"scsi_debug"' /tmp/sc.conf ||
	fail "multipathd show config: no unset default or no hardware table"
[ "$(grep -c '^defaults {' /tmp/sc.conf)" = 1 ] || fail "multipathd show config: not one defaults section"
mpd_cmp show daemon | grep -qE '^pid [0-9]+ running$' || fail "multipathd show daemon"
dt=$(devnum_of "$d")
[ "$(mpd_cmp fail path "$d")" = ok ] || fail "multipathd fail path $d"
must 10 "$d failed (multipathd)" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
[ "$(mpd_cmp reinstate path "$d")" = ok ] || fail "multipathd reinstate path $d"
must 15 "$d reinstated (multipathd)" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
[ "$(mpd_cmp switchgroup map "$m" group 1)" = ok ] || fail "multipathd switchgroup map $m group 1"
[ "$(mpd_cmp switchgroup map "$m" group 9)" = fail ] || fail "multipathd switchgroup to a group that is not there"
[ "$(mpd_cmp del map "$m")" = ok ] || fail "multipathd del map $m"
must 15 "$m removed (multipathd del map)" eval '! dmsetup info '"$m"' >/dev/null 2>&1'
[ "$(mpd_cmp add map "$w")" = ok ] || fail "multipathd add map $w"
must 20 "$m back (multipathd add map)" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
[ "$(mpd_cmp del map nosuchmap)" = fail ] || fail "multipathd del map of nothing"
MP=/tmp/mpbin/multipath
mkdir -p /tmp/mpbin && ln -sf "$VM_BUILD/mpctl" "$MP"
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll | tee -a /tmp/compat.out | grep -qE "^$m \($w\) dm-[0-9]+ " || fail "multipath -ll"
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll "$m" | grep -qE "^[| \`]+- [0-9]+:[0-9]+:[0-9]+:[0-9]+ +sd[a-z]+ +[0-9]+:[0-9]+ +active +ready +running" ||
	fail "multipath -ll: no path line with checker state ready"
MPCTL_SOCKET=$MPD_SOCK "$MP" -l "$m" | tee /tmp/l.out | grep -qE "^[| \`]+- [0-9]+:[0-9]+:[0-9]+:[0-9]+ +sd[a-z]+ +[0-9]+:[0-9]+ +active +undef " ||
	fail "multipath -l: no path line with checker state undef: $(cat /tmp/l.out)"
dm=$(basename "$(readlink -f "/dev/mapper/$m")")
for o in -c -C; do
	r=$(MPCTL_SOCKET=$MPD_SOCK "$MP" $o "/dev/$d"); rc=$?
	[ "$rc" = 0 ] && [ "$r" = "/dev/$d is a valid multipath device path" ] || fail "multipath $o /dev/$d: rc $rc '$r'"
	r=$(MPCTL_SOCKET=$MPD_SOCK "$MP" $o "$dm" 2>/dev/null); rc=$?
	[ "$rc" = 1 ] && [ "$r" = "$dm is not a valid multipath device path" ] || fail "multipath $o $dm: rc $rc '$r'"
done
MPCTL_SOCKET=$MPD_SOCK "$MP" -u "$d" | grep -qx 'DM_MULTIPATH_DEVICE_PATH=1' || fail "multipath -u $d"
MPCTL_SOCKET=$MPD_SOCK "$MP" -t >/tmp/t.conf || fail "multipath -t exited $?"
grep -qE '^[[:space:]]*find_multipaths ' /tmp/t.conf && grep -qE '^[[:space:]]*device \{' /tmp/t.conf ||
	fail "multipath -t: no find_multipaths default or no hardware table"
expect_rc 0 ctl config check --no-config-dir /tmp/t.conf
MPCTL_SOCKET=$MPD_SOCK "$MP" -T >/tmp/T.conf || fail "multipath -T exited $?"
grep -qE '^[[:space:]]*polling_interval 2$' /tmp/T.conf || fail "multipath -T: not the running config"
grep -qE '^[[:space:]]*find_multipaths ' /tmp/T.conf || fail "multipath -T: no find_multipaths default"
n0=$(grep -c 'reconfigure: reading' "$MPD_LOG")
MPCTL_SOCKET=$MPD_SOCK "$MP" -r || fail "multipath -r exited $?"
must 10 "the daemon re-read its config (multipath -r)" eval '[ "$(grep -c "reconfigure: reading" "$MPD_LOG")" -gt '"$n0"' ]'
must 20 "maps back after multipath -r" mpd_sdebug_maps_ready 2 2
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll "$m" | grep -qE "^size=" || fail "multipath -ll MAP"
# bare multipath: the daemon reconfigures, the topology is printed
n0=$(grep -c 'reconfigure: reading' "$MPD_LOG")
MPCTL_SOCKET=$MPD_SOCK "$MP" >/tmp/bare.out || fail "bare multipath exited $?"
grep -qE "^$m \($w\)" /tmp/bare.out || fail "bare multipath: no topology of $m"
must 15 "the daemon re-read its config for bare multipath" eval '[ "$(grep -c "reconfigure: reading" "$MPD_LOG")" -gt '"$n0"' ]'
must 20 "maps back after bare multipath" mpd_sdebug_maps_ready 2 2
cat /tmp/compat.out >&2
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll nosuchmap; rc=$?
say "multipath -ll nosuchmap: rc=$rc"

# multipath -a/-w/-W: the daemon's wwids file, edited under its lock
WF=$MPD_TEST_DIR/wwids
etc_before=$(md5sum /etc/multipath/wwids 2>/dev/null)
grep -q "^/$w/\$" "$WF" || fail "the daemon did not record $w in $WF"
x=3600aaaabbbbcccc0001
[ "$(MPCTL_SOCKET=$MPD_SOCK "$MP" -a $x)" = "wwid '$x' added" ] || fail "multipath -a"
grep -q "^/$x/\$" "$WF" || fail "multipath -a did not write $WF"
[ "$(MPCTL_SOCKET=$MPD_SOCK "$MP" -w $x)" = "wwid '$x' removed" ] || fail "multipath -w"
grep -q "$x" "$WF" && fail "multipath -w left $x in $WF"
MPCTL_SOCKET=$MPD_SOCK "$MP" -a ${x%1}2 >/dev/null || fail "multipath -a ${x%1}2"
[ "$(MPCTL_SOCKET=$MPD_SOCK "$MP" -W)" = "successfully reset wwids" ] || fail "multipath -W"
cat "$WF" >&2
[ "$(grep -c '^/' "$WF")" = "$(dmsetup ls --target multipath | wc -l)" ] || fail "-W did not leave one line per map"
grep -q "${x%1}2" "$WF" && fail "-W kept a WWID with no map"
MPCTL_SOCKET=$MPD_SOCK "$MP" -a 'bad wwid' && fail "multipath -a of an invalid WWID succeeded"
[ "$(md5sum /etc/multipath/wwids 2>/dev/null)" = "$etc_before" ] || fail "/etc/multipath/wwids was edited"

# a path the kernel takes away: its uevent is in the event ring
m2=$(mpd_sdebug_maps | grep -vx "$m" | head -n1)
d2=$(ctl --json show topology "$m2" | jq -r '.[0].groups[0].paths[0].dev')
echo 1 >"/sys/block/$d2/device/delete" || fail "cannot delete $d2"
must 15 "the removal of $d2 in the events" eval 'ctl --json events | jq -e "[.events[] | select(.dev == \"'"$d2"'\" and .cause == \"uevent\" and .to == \"removed\")] | length == 1" >/dev/null'
must 15 "$m2 down to 1 path" eval '[ "$(mpath_active_paths '"$m2"')" = 1 ]'

# mpctl shutdown: the daemon goes, the maps stay
p=$(daemon_pid)
expect_rc 0 ctl shutdown
must 20 "the daemon ($p) gone after mpctl shutdown" eval '! kill -0 '"$p"' 2>/dev/null'
dmsetup info "$m" >/dev/null 2>&1 || fail "$m gone with the daemon"
# no daemon: exit 3 with the socket path for actions, the kernel's view for shows
mpd_stop
expect_rc 3 ctl fail path "$d"; grep -q "$MPD_SOCK" /tmp/err || fail "unreachable message without the socket path"
expect_rc 3 ctl reconfigure
expect_rc 0 ctl show topology; cat /tmp/out >&2; grep -q "^$m " /tmp/out || fail "fallback topology"
expect_rc 0 ctl show paths; grep -q "$d" /tmp/out || fail "fallback paths"
expect_rc 0 ctl --json show topology; jq_ok 'length >= 2'
expect_rc 0 ctl status; cat /tmp/out /tmp/err >&2
expect_rc 0 ctl --json status; jq_ok '.source == "kernel" and .daemon == null and (.maps | length >= 2)'
MPCTL_SOCKET=$MPD_SOCK "$MP" -ll | grep -qE "^$m \(" || fail "multipath -ll without daemon"
MPCTL_SOCKET=$MPD_SOCK "$MP" -F || fail "multipath -F without daemon exited $?"
[ -z "$(dmsetup ls --target multipath | grep -v 'No devices')" ] || fail "maps left after multipath -F: $(dmsetup ls --target multipath)"
figure mpctl_maps_seconds "$(elapsed "$t0")"
sdebug_down || fail "scsi_debug would not unload"
mpctl_soft_fail_end
