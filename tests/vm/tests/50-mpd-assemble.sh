#!/bin/bash
# Our daemon on scsi_debug, 4 LUNs x 2 paths: it assembles 4 maps named
# mpatha.. (user_friendly_names, fresh bindings), each table with 2 paths;
# `show maps` over the control socket agrees with the kernel. Restarted, it
# adopts the maps: tables and event counters unchanged. A path set offline
# is failed in the kernel within one polling interval (+ check time), and
# reinstated once running again.
# vm-timeout: 540
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4'
sdebug_up 4 2 || fail "scsi_debug did not give 8 sd devices"
t=$(now)
mpd_start || fail "daemon did not start"
must 60 "4 scsi_debug maps with 2 active paths" mpd_sdebug_maps_ready 4 2
figure mpd-assemble-4x2-seconds "$(elapsed "$t")"
say "maps: $(mpath_maps | tr '\n' ';')"
mpd_ctl show status | jq -c .data >&2
for m in $(mpd_sdebug_maps); do
	case $m in mpath[a-z]*) ;; *) fail "map $m has no friendly name" ;; esac
	tbl=$(dmsetup table "$m")
	say "$m: $tbl"
	[ "$(echo "$tbl" | grep -o ' [0-9]*:[0-9]* ' | wc -l)" -ge 2 ] || fail "$m: table has fewer than 2 paths"
done
# every created map's WWID is in the daemon's wwids file (one rewrite per
# batch of created maps, not one per map)
for w in $(mpd_ctl show maps | jq -r '.data[] | select(.in_kernel) | .wwid'); do
	grep -qx "/$w/" "$MPD_TEST_DIR/wwids" || fail "wwid $w of a created map is not in $MPD_TEST_DIR/wwids"
done
n=$(mpd_ctl show maps | jq '[.data[] | select(.in_kernel)] | length')
[ "$n" -ge 4 ] || fail "show maps lists $n maps in the kernel"
mpd_ctl show topology | jq -c '.data[0]' >&2
mpd_ctl bogus command | jq -e '.ok == false and (.error | test("unknown command"))' >/dev/null ||
	fail "unknown command not refused clearly"

# adoption: restart, nothing reloaded
# event counter and table of every scsi_debug map, in two dmsetup calls
snapshot() {
	local maps
	maps=" $(mpd_sdebug_maps | tr '\n' ' ')"
	{ dmsetup info -c --noheadings --separator ' ' -o name,events; dmsetup table --target multipath; } |
		sed 's/^\([^ :]*\):\{0,1\} /\1 /' | awk -v s="$maps" 'index(s, " " $1 " ")' | sort
}
before=$(snapshot)
[ -n "$before" ] || fail "no scsi_debug map to compare"
mpd_stop
t=$(now)
mpd_start || fail "daemon did not restart"
must 30 "daemon answers after restart" mpd_ctl show status
sleep 3
after=$(snapshot)
[ "$before" = "$after" ] || { say "before: $before"; say "after: $after"; fail "restart changed tables or event counters"; }
r=$(mpd_ctl show status | jq .data.reloads)
[ "$r" = 0 ] || fail "restart reloaded $r maps"
say "adopted unchanged after restart"

# offline -> F, running -> A
m=$(mpd_sdebug_maps | head -n1)
d=$(mpd_ctl show topology | jq -r --arg m "$m" '.data[] | select(.name == $m) | .groups[0].paths[0].dev')
dt=$(devnum_of "$d")
[ -n "$d" ] && [ "$(mpath_path_state "$m" "$dt")" = A ] || fail "$m: path $d not active before the fault"
t=$(now)
path_fail offline "$d"
must 10 "$d failed in $m" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
figure mpd-offline-to-F-seconds "$(elapsed "$t")"
t=$(now)
path_restore offline "$d"
must 15 "$d reinstated in $m" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
figure mpd-running-to-A-seconds "$(elapsed "$t")"
mpd_ctl show paths | jq -c --arg d "$d" '.data[] | select(.dev == $d)' >&2
mpd_stop
sdebug_down || fail "scsi_debug would not unload"
