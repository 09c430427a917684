#!/bin/bash
# mpctl's views and actions against our daemon on scsi_debug (2 LUNs x 2
# paths): status, show topology/maps/paths (text, -o format fields, the
# -ll layout), show config --effective, fail/reinstate path with events
# (and events --follow catching them), switch group, queueing
# disable/restore/force (and multipathd disablequeueing/restorequeueing),
# suspend/resume map (mpctl and multipathd), resize, reconfigure, metrics
# (every sample line parsed as Prometheus text), wait map, wait startup,
# watch, raw, show config, config check (a good file, a bad one with
# file:line); numeric options refusing words strtol/strtod would take;
# every --json document validated by jq; exit codes 0/1/2. 55-mpctl-maps.sh covers the map/path changes, the
# protocol abuse, the compat front-ends and the fallback without a daemon.
# vm-timeout: 300
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
mpctl_sdebug_setup 'polling_interval 2' 'no_path_retry queue'
t0=$(now)
mpctl_soft_fail

# views
expect_rc 0 ctl status; cat /tmp/out >&2
grep -q "$m" /tmp/out || fail "status does not list $m"
expect_rc 0 ctl --json status; jq_ok '.maps | length >= 2'
expect_rc 0 ctl show topology; cat /tmp/out >&2
grep -q "^$m " /tmp/out || fail "topology does not show $m"
expect_rc 0 ctl show topology "$m" --ll; cat /tmp/out >&2
grep -qE "^size=.* features='.*' hwhandler='.*' wp=rw" /tmp/out || fail "-ll layout: no size line"
grep -qE "^[|\`]-\+- policy='.*' prio=[0-9]+ status=(active|enabled)" /tmp/out || fail "-ll layout: no group line"
expect_rc 0 ctl --json show topology; jq_ok '.[0].groups[0].paths[0].dev'
expect_rc 0 ctl show maps; cat /tmp/out >&2
expect_rc 0 ctl --json show maps; jq_ok 'map(.name) | index("'"$m"'") != null'
expect_rc 0 ctl show maps -o '%n %w %d'
grep -qE "^$m +[0-9a-f]+ +dm-[0-9]+" /tmp/out || { cat /tmp/out >&2; fail "maps format fields"; }
expect_rc 0 ctl show paths -o '%d %D %t %T %m'; cat /tmp/out >&2
grep -qE '^sd[a-z]+ +[0-9]+:[0-9]+ +active +up +mpath' /tmp/out || fail "paths format fields"
expect_rc 0 ctl --json show paths; jq_ok 'map(select(.map == "'"$m"'")) | length == 2'
expect_rc 2 ctl show paths -o '%d %Z'
grep -q "%Z" /tmp/err || fail "unknown field not named: $(cat /tmp/err)"
expect_rc 0 ctl show config --effective "$m"; cat /tmp/out >&2
grep -qE '^ *no_path_retry +[^ ]+ +\((defaults|hwtable|default|devices|overrides|multipaths)\)' /tmp/out ||
	fail "effective config lacks no_path_retry with its origin"
expect_rc 0 ctl --json show config --effective "$m"
jq_ok '.settings | map(select(.keyword == "polling_interval" and .value == "2" and .origin == "defaults")) | length == 1'
expect_rc 1 ctl show topology nosuchmap
expect_rc 2 ctl frobnicate
expect_rc 2 ctl show
figure mpctl_views_seconds "$(elapsed "$t0")"

# fail/reinstate with events, events --follow streaming them
d=$(ctl --json show topology "$m" | jq -r '.[0].groups[0].paths[0].dev')
dt=$(devnum_of "$d")
timeout 30 $CTL events --follow >/tmp/follow 2>&1 &
fpid=$!
sleep 1
expect_rc 0 ctl fail path "$d"
must 10 "$d failed by the operator" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
expect_rc 0 ctl reinstate path "$d"
must 15 "$d reinstated" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
must 5 "events --follow printed the operator's fail" grep -qE "$d .*up -> down +\(operator" /tmp/follow
kill "$fpid"; wait "$fpid" 2>/dev/null
cat /tmp/follow >&2
expect_rc 0 ctl events; cat /tmp/out >&2
grep -qE "$d .*down -> up +\(operator" /tmp/out || fail "events do not show the operator's reinstate"
expect_rc 0 ctl --json events
jq_ok '.events | map(select(.cause == "operator" and .dev == "'"$d"'")) | length >= 2'
expect_rc 0 ctl events -n 1; [ "$(wc -l </tmp/out)" = 1 ] || fail "events -n 1 printed $(wc -l </tmp/out) lines"
expect_rc 1 ctl fail path sdzz
grep -q sdzz /tmp/err || fail "fail path of nothing: $(cat /tmp/err)"
expect_rc 2 ctl fail path

# group, queueing, resize, reconfigure
expect_rc 0 ctl switch group "$m" 1
expect_rc 1 ctl switch group "$m" 9
expect_rc 2 ctl switch group "$m" 0x1
expect_rc 0 ctl queueing disable "$m"
must 10 "queueing off in $m" eval '! dmsetup table '"$m"' | grep -q queue_if_no_path'
expect_rc 0 ctl --json show maps; jq_ok 'map(select(.name == "'"$m"'"))[0].queueing == false'
expect_rc 0 ctl queueing force "$m"
must 10 "queueing forced on in $m" eval 'dmsetup table '"$m"' | grep -q queue_if_no_path'
expect_rc 0 ctl queueing restore --all
must 10 "queueing back on in $m" eval 'dmsetup table '"$m"' | grep -q queue_if_no_path'
mpd_cmp() { timeout 20 "$MPD_BIN" --socket "$MPD_SOCK" "$@"; }
r=$(mpd_cmp disablequeueing map "$m"); [ "$r" = ok ] || fail "multipathd disablequeueing map: '$r'"
must 10 "queueing off in $m (multipathd)" eval '! dmsetup table '"$m"' | grep -q queue_if_no_path'
r=$(mpd_cmp restorequeueing map "$m"); [ "$r" = ok ] || fail "multipathd restorequeueing map: '$r'"
must 10 "queueing back on in $m (multipathd)" eval 'dmsetup table '"$m"' | grep -q queue_if_no_path'
# suspend/resume: the kernel's state follows
expect_rc 0 ctl suspend map "$m"
must 10 "$m suspended" eval 'dmsetup info '"$m"' | grep -q "State: *SUSPENDED"'
expect_rc 0 ctl resume map "$m"
must 10 "$m resumed" eval 'dmsetup info '"$m"' | grep -q "State: *ACTIVE"'
r=$(mpd_cmp suspend map "$m"); [ "$r" = ok ] || fail "multipathd suspend map: '$r'"
must 10 "$m suspended (multipathd)" eval 'dmsetup info '"$m"' | grep -q "State: *SUSPENDED"'
r=$(mpd_cmp resume map "$m"); [ "$r" = ok ] || fail "multipathd resume map: '$r'"
must 10 "$m resumed (multipathd)" eval 'dmsetup info '"$m"' | grep -q "State: *ACTIVE"'
expect_rc 1 ctl suspend map nosuchmap
expect_rc 0 ctl resize map "$m"
expect_rc 1 ctl resize map nosuchmap
expect_rc 0 ctl reconfigure
must 20 "maps back after reconfigure" mpd_sdebug_maps_ready 2 2

# metrics: Prometheus text, every sample parses
expect_rc 0 ctl metrics
grep -E '^mpd_map_paths\{map="'"$m"'".*state="up"\} 2$' /tmp/out >/dev/null || { cat /tmp/out >&2; fail "metrics: no up paths of $m"; }
bad=$(grep -vE '^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)$' /tmp/out)
[ -z "$bad" ] || fail "metrics lines that do not parse: $bad"
grep -qE '^mpd_path_check_duration_seconds\{path="sd[a-z]+",map="[^"]*"\} [0-9.]+$' /tmp/out || fail "metrics: no checker latency"
say "metrics: $(grep -vc '^#' /tmp/out) samples"

# wait and watch
expect_rc 0 ctl wait map "$m" --paths 2 --timeout 10
t1=$(now)
expect_rc 1 ctl wait map nosuch --timeout 2
awk -v e="$(elapsed "$t1")" 'BEGIN { exit !(e <= 6) }' || fail "wait --timeout 2 took $(elapsed "$t1") s"
expect_rc 1 ctl wait map "$m" --paths 3 --timeout 1
expect_rc 0 ctl watch --count 1
grep -q "$m" /tmp/out || fail "watch shows no $m"
expect_rc 0 ctl wait startup --timeout 10
# every numeric option refuses what strtol/strtod alone would take
# (the unit test test-mpctl-args has the whole list)
for bad in two ' 5' 1e3; do
	expect_rc 2 ctl --timeout "$bad" status
	expect_rc 2 ctl wait map "$m" --timeout "$bad"
	expect_rc 2 ctl wait map "$m" --paths "$bad"
	expect_rc 2 ctl events -n "$bad"
	expect_rc 2 ctl watch -n "$bad" --count 1
	expect_rc 2 ctl watch --count "$bad"
done
expect_rc 2 ctl --timeout 0 status
expect_rc 0 ctl --timeout 5.5 status
expect_rc 0 ctl wait map "$m" --paths 2 --timeout 5.5

# raw, show config, config check
expect_rc 0 ctl raw show status; jq_ok '.paths >= 4'
expect_rc 1 ctl raw no such request
expect_rc 0 ctl show config
grep -qE '^[[:space:]]*polling_interval 2$' /tmp/out || fail "show config lacks polling_interval 2"
expect_rc 0 ctl config check --no-config-dir "$MPD_TEST_DIR/multipath.conf"
printf 'defaults {\n\tpolling_interval 3\n\tno_such_keyword 1\n}\n' >/tmp/bad.conf
expect_rc 1 ctl config check --no-config-dir /tmp/bad.conf
grep -q '^/tmp/bad.conf:3: error' /tmp/out /tmp/err || fail "config check: no /tmp/bad.conf:3 error: $(cat /tmp/out /tmp/err)"
figure mpctl_basic_seconds "$(elapsed "$t0")"
# the daemon holds the paths open: stop it before unloading scsi_debug
mpd_stop
sdebug_down || fail "scsi_debug would not unload"
mpctl_soft_fail_end
