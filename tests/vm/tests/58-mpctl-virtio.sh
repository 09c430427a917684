#!/bin/bash
# mpctl and the compat front-ends against our daemon on virtio-scsi (one
# disk on two controllers; overrides path_grouping_policy failover,
# failback manual, so there are 2 groups and a switched one stays);
# 55-mpctl-* cover scsi_debug, 58-mpctl-iscsi iSCSI.
# show topology/paths in text and --json (jq-validated), fail/reinstate
# path, wait map --paths 2 (and its timeout while a path is failed), switch
# group; the same through multipathd (show paths format, show topology,
# fail/reinstate path, switchgroup) and multipath -l/-c; then
# mpctl_common_checks variant 1 (lib/mpctl-checks.bash: every
# transport-blind mpctl command and compat verb, docs/mpctl-coverage.md);
# the daemon stopped with `multipathd shutdown` (the map stays); with no
# daemon, the read-only views from the kernel and `multipath -F`.
# vm-timeout: 540
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
. "$VM_LIB/mpctl-checks.bash"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
mpd_cmp() { timeout 20 "$MPD_BIN" --socket "$MPD_SOCK" "$@"; }
MP=/tmp/mpbin/multipath
mkdir -p /tmp/mpbin && ln -sf "$VM_BUILD/mpctl" "$MP"
mp() { MPCTL_SOCKET=$MPD_SOCK timeout 30 "$MP" "$@"; }
# Index (1-based) of the group the kernel has active in MAP, "" if none.
active_group() {
	dmsetup status "$1" 2>/dev/null | awk '{
		i = 4; i += $i + 1; i += $i + 1     # features, hardware handler
		npg = $i; i += 2
		for (g = 1; g <= npg; g++) {
			if ($i == "A") { print g; exit }
			i++; i += $i + 1                # selector status args
			np = $i; nia = $(i + 1); i += 2 + np * (3 + nia)
		}
	}'
}

# ---- virtio-scsi --------------------------------------------------------------
t0=$(now)
# overrides: the built-in hardware table's QEMU entry says multibus
MPD_EXTRA_CONF=$'overrides {\n\tpath_grouping_policy failover\n\tfailback manual\n}' \
	mpd_setup_conf 'polling_interval 2'
mpd_start || fail "daemon did not start"
vmap() { dmsetup info -c --noheadings -o name,uuid 2>/dev/null | awk -F: -v w="${VM_VDISK_WWN#0x}" 'index($2, w) { print $1 }'; }
must 60 "virtio map with 2 active paths" eval '[ -n "$(vmap)" ] && [ "$(mpath_active_paths "$(vmap)")" = 2 ]'
m=$(vmap)
mpctl_soft_fail

expect_rc 0 ctl show topology "$m"; cat /tmp/out >&2
grep -q "^$m " /tmp/out || fail "virtio: topology does not show $m"
expect_rc 0 ctl --json show topology "$m"
jq_ok '.[0].name == "'"$m"'" and (.[0].groups | length) == 2 and ([.[0].groups[].paths[]] | length) == 2'
must 20 "virtio: both paths checked up" eval 'ctl --json show topology "$m" | jq -e "[.[0].groups[].paths[] | select(.checker_state == \"up\" and .dm_state == \"A\")] | length == 2" >/dev/null'
expect_rc 0 ctl show paths; cat /tmp/out >&2
expect_rc 0 ctl --json show paths; jq_ok 'map(select(.map == "'"$m"'")) | length == 2'
d=$(jq -r 'map(select(.map == "'"$m"'"))[0].dev' /tmp/out)
dt=$(devnum_of "$d")
expect_rc 0 ctl show paths -o '%d %D %t %T %m'
grep -qE "^$d +$dt +active +up +$m" /tmp/out || { cat /tmp/out >&2; fail "virtio: paths format fields"; }
expect_rc 0 ctl wait map "$m" --paths 2 --timeout 20
expect_rc 0 ctl wait map "$d" --paths 2 --timeout 20

expect_rc 0 ctl fail path "$d"
must 15 "virtio: $d failed by the operator" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
expect_rc 0 ctl --json show paths; jq_ok 'map(select(.dev == "'"$d"'"))[0].dm_state == "F"'
expect_rc 1 ctl wait map "$m" --paths 2 --timeout 2
expect_rc 0 ctl reinstate path "$d"
must 20 "virtio: $d reinstated" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
expect_rc 0 ctl wait map "$m" --paths 2 --timeout 20
# the compat clients on virtio
mpd_cmp show paths format "%d %t %T" | grep -qE "^$d +active +ready" || fail "virtio: multipathd show paths format"
mpd_cmp show topology | grep -qE "^$m \(" || fail "virtio: multipathd show topology"
[ "$(mpd_cmp fail path "$d")" = ok ] || fail "virtio: multipathd fail path $d"
must 15 "virtio: $d failed (multipathd)" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
[ "$(mpd_cmp reinstate path "$d")" = ok ] || fail "virtio: multipathd reinstate path $d"
must 20 "virtio: $d reinstated (multipathd)" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
mp -l "$m" | grep -qE "^$m \(" || fail "virtio: multipath -l $m"
mp -c "/dev/$d" >/dev/null || fail "virtio: multipath -c /dev/$d"

# switch group: the kernel takes the new group on the next I/O
g0=$(active_group "$m"); [ -n "$g0" ] || { read_ok "mapper/$m" 10; g0=$(active_group "$m"); }
g1=$((g0 == 1 ? 2 : 1))
say "virtio: group $g0 active, switching to $g1"
expect_rc 0 ctl switch group "$m" "$g1"
must 15 "virtio: group $g1 active in $m" eval 'read_ok "mapper/'"$m"'" 5 && [ "$(active_group '"$m"')" = '"$g1"' ]'
expect_rc 1 ctl switch group "$m" 3
[ "$(mpd_cmp switchgroup map "$m" group "$g0")" = ok ] || fail "virtio: multipathd switchgroup map $m group $g0"
must 15 "virtio: group $g0 active again in $m" eval 'read_ok "mapper/'"$m"'" 5 && [ "$(active_group '"$m"')" = '"$g0"' ]'
figure mpctl_virtio_own_seconds "$(elapsed "$t0")"
# every transport-blind command and compat verb on the virtio map
mpctl_common_checks 1 vs "$m" $(ctl --json show paths | jq -r 'map(select(.map == "'"$m"'"))[].dev')
# multipathd shutdown: the daemon goes, the map stays
p=$(daemon_pid)
[ "$(mpd_cmp shutdown)" = ok ] || fail "virtio: multipathd shutdown"
must 20 "the daemon ($p) gone after multipathd shutdown" eval '! kill -0 '"$p"' 2>/dev/null'
dmsetup info "$m" >/dev/null 2>&1 || fail "virtio: $m gone with the daemon"
# no daemon: the read-only views come from the kernel (as in an initramfs
# or after a crash), the actions say the daemon is unreachable
mpd_stop
expect_rc 3 ctl fail path "$d"
expect_rc 0 ctl show topology "$m"; cat /tmp/out >&2
grep -q "^$m " /tmp/out || fail "virtio fallback: topology does not show $m"
expect_rc 0 ctl --json show topology "$m"
jq_ok '.[0].name == "'"$m"'" and ([.[0].groups[].paths[]] | length) == 2'
expect_rc 0 ctl --json status; jq_ok '.source == "kernel" and .daemon == null'
mp -ll "$m" | grep -qE "^$m \(" || fail "virtio fallback: multipath -ll $m"
# multipath -F without a daemon: no multipath map left
mp -F || fail "virtio: multipath -F without a daemon exited $?"
[ -z "$(dmsetup ls --target multipath | grep -v '^No devices')" ] || fail "virtio: maps left after multipath -F: $(dmsetup ls --target multipath)"
figure mpctl_virtio_seconds "$(elapsed "$t0")"
mpctl_soft_fail_end
