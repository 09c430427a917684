#!/bin/bash
# mpctl and the compat front-ends against our daemon on iSCSI (one LUN
# through two portals) with find_multipaths strict: os-brick's attach and
# detach through the `multipathd` and `multipath` front-ends (55-mpctl-*
# cover scsi_debug, 58-mpctl-virtio virtio-scsi):
# show status, multipath -a WWID ("wwid '…' added"), multipathd add path
# /dev/sdX for each -> the map with 2 paths, /dev/disk/by-id/dm-uuid-mpath-WWID
# and /sys/block/sdX/holders, multipathd show maps/paths format, multipath
# -c; the LUN grown on the target (iblock over a loop device), sessions
# rescanned, resize map WWID: the table and dm-N grow; del path; multipath
# -f WWID refused while open, then done, held across reconfigure and a
# daemon restart, and absent from `multipathd show maps`; add map with the
# sysfs (naa.) WWID and add path bring it back; then mpctl_common_checks
# variant 2 (lib/mpctl-checks.bash); the daemon stopped with `mpctl
# shutdown`, the kernel's view of the map; the daemon again adopts it; the
# final detach flushes with `multipath -F`.
# vm-timeout: 720
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
. "$VM_LIB/mpctl-checks.bash"
mpd_cmp() { timeout 20 "$MPD_BIN" --socket "$MPD_SOCK" "$@"; }
MP=/tmp/mpbin/multipath
mkdir -p /tmp/mpbin && ln -sf "$VM_BUILD/mpctl" "$MP"
mp() { MPCTL_SOCKET=$MPD_SOCK timeout 30 "$MP" "$@"; }
mpctl_soft_fail

# ---- iSCSI, os-brick's sequence with find_multipaths strict ----------------------
t0=$(now)
MPD_FIND_MULTIPATHS=strict mpd_setup_conf 'polling_interval 2'
mpd_start || fatal_fail "daemon (find_multipaths strict) did not start"
ISCSI_BACKSTORE=iblock iscsi_up 1 || fatal_fail "iSCSI bring-up failed"
d=$(iscsi_devs_on 0); o=$(iscsi_devs_on 1)
[ -n "$d" ] && [ -n "$o" ] || fatal_fail "no path per portal ($d/$o)"
sw=$(tr -d ' \n' <"/sys/block/$d/device/wwid")
# os-brick's WWID: the sysfs designator with naa. -> 3 (eui. -> 2, t10. -> 1)
case $sw in naa.*) W=3${sw#naa.} ;; eui.*) W=2${sw#eui.} ;; t10.*) W=1${sw#t10.} ;; *) W=$sw ;; esac
say "iSCSI paths $d $o, sysfs wwid $sw, WWID $W"
must 20 "the daemon knows $d and $o" eval 'ctl --json show paths | jq -e "[.[] | select(.dev == \"'"$d"'\" or .dev == \"'"$o"'\")] | length == 2" >/dev/null'
expect_rc 0 ctl --json show paths
jq_ok 'map(select(.dev == "'"$d"'"))[0] | .wwid == "'"$W"'" and .map == null and (.why_not | test("strict"))'
sleep 3
dmsetup info -u "mpath-$W" >/dev/null 2>&1 && fail "strict: a map for $W before multipath -a"

mpd_cmp show status >/tmp/out || fail "multipathd show status"
cat /tmp/out >&2
[ "$(mp -a "$W")" = "wwid '$W' added" ] || fail "multipath -a $W"
grep -q "^/$W/\$" "$MPD_TEST_DIR/wwids" || fail "multipath -a did not write the daemon's wwids file"
t1=$(now)
[ "$(mpd_cmp add path "/dev/$d")" = ok ] || fail "multipathd add path /dev/$d"
[ "$(mpd_cmp add path "/dev/$o")" = ok ] || fail "multipathd add path /dev/$o"
im() { dmsetup info -c --noheadings -o name -u "mpath-$W" 2>/dev/null; }
must 30 "map of $W with 2 active paths" eval '[ -n "$(im)" ] && [ "$(mpath_active_paths "$(im)")" = 2 ]'
figure mpctl_iscsi_add_path_to_map_seconds "$(elapsed "$t1")"
m=$(im)
dm=$(basename "$(readlink -f "/dev/mapper/$m")")
must 20 "/dev/disk/by-id/dm-uuid-mpath-$W" test -e "/dev/disk/by-id/dm-uuid-mpath-$W"
[ "$(basename "$(readlink -f "/dev/disk/by-id/dm-uuid-mpath-$W")")" = "$dm" ] || fail "by-id link is not $dm"
for x in "$d" "$o"; do
	[ -e "/sys/block/$x/holders/$dm" ] || fail "/sys/block/$x/holders has no $dm: $(ls "/sys/block/$x/holders")"
done
expect_rc 0 ctl wait map "$W" --paths 2 --timeout 20
expect_rc 0 ctl --json show topology "$m"; jq_ok '.[0].wwid == "'"$W"'" and ([.[0].groups[].paths[]] | length) == 2'
mp -ll "$W" | tee /tmp/out >&2
grep -qE "^$m \($W\) $dm " /tmp/out || fail "multipath -ll $W"
mpd_cmp show maps raw format "%n %w" | grep -qx "$m $W" || fail "iSCSI: multipathd show maps raw format"
mpd_cmp show paths format "%d %t %T" >/tmp/out
for x in "$d" "$o"; do
	grep -qE "^$x +active +ready" /tmp/out || fail "iSCSI: multipathd show paths format: no $x: $(cat /tmp/out)"
	mp -c "/dev/$x" >/dev/null || fail "iSCSI: multipath -c /dev/$x"
done

# extend as os-brick does: the LUN grows on the target, the sessions are
# rescanned, then resize map WWID; the table and dm-N take the new length
s0=$(cat "/sys/block/$dm/size")
iscsi_lun_grow 0 24 || fail "cannot grow the iSCSI LUN"
timeout 30 iscsiadm -m session -R >/dev/null || fail "iscsiadm -m session -R"
sz() { cat "/sys/block/$1/size"; }
must 30 "$d and $o see the grown LUN" eval '[ "$(sz '"$d"')" -gt '"$s0"' ] && [ "$(sz '"$o"')" = "$(sz '"$d"')" ]'
s1=$(sz "$d")
[ "$(mpd_cmp resize map "$W")" = ok ] || fail "multipathd resize map $W"
must 20 "$m grown from $s0 to $s1 sectors" eval '[ "$(sz '"$dm"')" = '"$s1"' ] && [ "$(dmsetup table '"$m"' | cut -d" " -f2)" = '"$s1"' ]'
say "resize: $m $s0 -> $(sz "$dm") sectors, table length $(dmsetup table "$m" | cut -d' ' -f2)"
read_ok "mapper/$m" 10 || fail "$m: I/O fails after the resize"
[ "$(mpd_cmp del path "/dev/$o")" = ok ] || fail "multipathd del path /dev/$o"
must 20 "$m down to 1 path" eval '[ "$(mpath_maps | awk -v m='"$m"' '\''$1 == m { print $3 }'\'')" = 1 ]'
read_ok "mapper/$m" 10 || fail "$m: I/O fails with one path"

# flush: refused while open, then done, and it stays away on reconfigure
exec 7<"/dev/mapper/$m"
mp -f "$W" 2>/tmp/err; rc=$?
exec 7<&-
[ "$rc" = 1 ] && grep -q 'in use' /tmp/err || fail "multipath -f of an open map: rc $rc, $(cat /tmp/err)"
dmsetup info "$m" >/dev/null 2>&1 || fail "multipath -f removed an open map"
mp -f "$W" 2>/tmp/err || fail "multipath -f $W: $(cat /tmp/err)"
dmsetup info "$m" >/dev/null 2>&1 && fail "$m still there after multipath -f"
n=$(grep -c 'reconfigure: done' "$MPD_LOG")
[ "$(mpd_cmp reconfigure)" = ok ] || fail "multipathd reconfigure"
# the daemon's own end of the reconfigure (its assembly pass), not a sleep
must 20 "the daemon logged the end of the reconfigure" eval '[ "$(grep -c "reconfigure: done" "$MPD_LOG")" -gt '"$n"' ]'
dmsetup info "$m" >/dev/null 2>&1 && fail "$m came back on reconfigure after multipath -f"
expect_rc 0 ctl --json show maps; jq_ok 'map(select(.wwid == "'"$W"'"))[0] | .held == true and .in_kernel == false'
mp -ll | grep -q "($W)" && fail "multipath -ll lists the flushed map"
# the incumbent's show maps has no row for it either (scripts would look
# for /dev/mapper/NAME)
mpd_cmp show maps raw format "%n %w" >/tmp/out || fail "multipathd show maps"
grep -q "$W" /tmp/out && fail "multipathd show maps lists the flushed map: $(cat /tmp/out)"
# the hold outlives a daemon restart (<socket dir>/held-maps); a bad line
# in that file is reported with file:line and costs only itself
H=$MPD_TEST_DIR/held-maps
grep -qx "$W" "$H" || fail "no hold of $W in $H: $(cat "$H" 2>&1)"
n=$(($(wc -l <"$H") + 1))
mpd_stop
echo 'not a wwid' >>"$H"
mpd_start || fatal_fail "daemon did not restart with a hold"
grep -q "$H:$n: not a WWID" "$MPD_LOG" || fail "bad line $n of $H not reported: $(grep held-maps "$MPD_LOG" | tail -n 3)"
# the first assembly done (every path found at start), not a sleep
expect_rc 0 ctl wait startup --timeout 30
dmsetup info "$m" >/dev/null 2>&1 && fail "$m came back after a daemon restart despite the hold"
expect_rc 0 ctl --json show maps; jq_ok 'map(select(.wwid == "'"$W"'"))[0] | .held == true and .in_kernel == false'

# back: add map with the sysfs form, then the deleted path
expect_rc 0 ctl add map "$sw"
# (the restart found $o again: the map may come back with both paths)
must 20 "$m back with $d" eval '[ "$(mpath_active_paths '"$m"')" -ge 1 ]'
grep -qx "$W" "$H" && fail "add map left the hold of $W in $H"
expect_rc 0 ctl add path "$o"
expect_rc 0 ctl wait map "$W" --paths 2 --timeout 30
expect_rc 0 ctl reload wwids
expect_rc 0 ctl --json reload wwids; jq_ok '.result == "ok" and .wwids >= 1'
figure mpctl_iscsi_own_seconds "$(elapsed "$t0")"
# every transport-blind command and compat verb on the iSCSI map
mpctl_common_checks 2 is "$m" "$d" "$o"

# no daemon (stopped with mpctl shutdown): the kernel's view of the iSCSI
# map, then the daemon again
p=$(daemon_pid)
expect_rc 0 ctl shutdown
must 20 "the daemon ($p) gone after mpctl shutdown" eval '! kill -0 '"$p"' 2>/dev/null'
dmsetup info "$m" >/dev/null 2>&1 || fail "iSCSI: $m gone with the daemon"
mpd_stop
expect_rc 0 ctl --json show topology "$m"
jq_ok '.[0].name == "'"$m"'" and ([.[0].groups[].paths[]] | length) == 2'
expect_rc 0 ctl show paths; grep -q "$d" /tmp/out || fail "iSCSI fallback: paths without $d"
mp -ll "$W" | grep -q "($W)" || fail "iSCSI fallback: multipath -ll $W"
mpd_start || fatal_fail "daemon did not restart"
expect_rc 0 ctl wait map "$W" --paths 2 --timeout 30

# detach as os-brick does: flush (here all maps, -F; -f is above), then the
# paths go
mp -F 2>/tmp/err || fail "final multipath -F: $(cat /tmp/err)"
dmsetup info "$m" >/dev/null 2>&1 && fail "$m still there after multipath -F"
[ "$(mpd_cmp del path "/dev/$d")" = ok ] || fail "multipathd del path /dev/$d"
[ "$(mpd_cmp del path "/dev/$o")" = ok ] || fail "multipathd del path /dev/$o"
figure mpctl_iscsi_seconds "$(elapsed "$t0")"
mpd_stop
iscsi_down || fail "iSCSI teardown failed"
mpctl_soft_fail_end
