#!/bin/bash
# Slow-path ("gray failure") demotion and staged re-admission through our
# daemon on the byte-share selector: one iSCSI LUN through two portals,
# fio random reads (64k, iodepth 16) all along, slow_path_factor 2 over a
# 6 s window, samples every 2 s (the unit replays in
# tests/unit/test-policy-slow.c use the same settings):
#   - healthy for 10 s: no slow-path verdict;
#   - portal 1 delayed SLOW_DELAY (100 ms) by netem: its path is demoted
#     (an event with both latencies and the healthy reference) and carries
#     the floor share (50 permille) in the table;
#   - delay kept for SLOW_HOLD s: the path is never re-admitted (at the
#     floor it can match or beat its loaded sibling per I/O; the policy
#     judges it against its own healthy baseline, and a probe at its full
#     share against its siblings — libmp/core/policy-slow.c);
#   - delay removed: it is probed and re-admitted within 90 s, and the
#     table has the configured share again;
#   - the map switched to service-time (reconfigure) and the delay back:
#     the path is demoted again, as relative_throughput 5 against 100.
# Why 100 ms and not the 20 ms of bench-share: on a shared host (TCG
# guests at load ~13) a healthy path's request took 37-370 ms, so a 20 ms
# delay sat inside the noise (git log of tests/vm/pending/README.md); 100 ms is
# still slow-but-alive (TUR up, every request served).
# A trace of both paths every 2 s goes to slowpath-trace.txt in the results.
# Figures: mpd-slowpath-{demote,readmit}-seconds, mpd-slowpath-probes-while-delayed,
# mpd-slowpath-st-demote-seconds.
# vm-timeout: 420
set -u
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
HOLD=${SLOW_HOLD:-45} DELAY=${SLOW_DELAY:-100ms}
fpid="" tpid=""
cleanup() {
	local rc=$?
	# on a failure: every slow-path verdict, and the daemon's log
	[ "$rc" = 0 ] || { events; cp "$MPD_LOG" "$VM_RESULTS/slowpath-mpd.log"; } 2>/dev/null
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	[ -n "$tpid" ] && kill "$tpid" 2>/dev/null && wait "$tpid" 2>/dev/null
	mpd_stop >/dev/null 2>&1
	iscsi_down >/dev/null 2>&1
	return 0
}
trap cleanup EXIT

MPD_EXTRA_CONF='overrides {
	path_selector "byte-share 0"
	path_grouping_policy multibus
	no_path_retry fail
	share_interval 2
	slow_path_factor 2
	slow_path_window 6
}'
mpd_setup_conf "polling_interval 2"
mpd_byteshare_iscsi_map
shares() { dmsetup table "$m" | sed -n 's/.* byte-share 0 [0-9]* [0-9]* //p'; }
must 10 "$m on byte-share" eval '[ -n "$(shares)" ]'
say "map $m: fast $fast, slow-to-be $slow; table shares: $(shares)"

# slow_count TO: slow-path verdicts that moved the delayed path to TO
slow_count() {
	local ev
	ev=$(mpd_ctl show events) && [ -n "$ev" ] || { echo -1; return; }
	echo "$ev" | jq --arg d "$slow" --arg to "$1" \
		'[.data.events[] | select(.cause == "slow-path" and .dev == $d and .to == $to)] | length'
}
any_slow_event() {
	mpd_ctl show events | jq '[.data.events[] | select(.cause == "slow-path")] | length'
}
events() {
	mpd_ctl show events | jq -r '.data.events[] | select(.cause == "slow-path") |
		"event: \(.time) \(.dev) \(.from) -> \(.to): \(.detail)"' |
		while read -r l; do say "$l"; done
}
# slow_word N [FORM]: the Nth word after the slow path's device in the
# table (byte-share's share: 1; a weighted service-time table's
# relative_throughput: 2), when the table matches the awk pattern FORM
slow_word() {
	dmsetup table "$m" | awk -v d="$(devnum_of "$slow")" -v n="$1" "${2:-//}"' {
		for (i = 1; i < NF; i++) if ($i == d) print $(i + n) }'
}
slow_share() { slow_word 1; }

# A trace for the record (and for the policy's design): every 2 s, per
# path, the requests completed, their mean latency, the mean number in
# flight (time_in_queue / interval) and the busy fraction (io_ticks).
TRACE=$VM_RESULTS/slowpath-trace.txt
trace() {
	local t0 tp tc prev cur
	t0=$(ms_now) tp=$t0
	prev="$(cat /sys/block/"$fast"/stat) $(cat /sys/block/"$slow"/stat)"
	while sleep 2; do
		cur="$(cat /sys/block/"$fast"/stat) $(cat /sys/block/"$slow"/stat)"
		tc=$(ms_now)
		echo "$((tc - t0)) $((tc - tp)) $prev $cur" | awk '{
			printf "%6.1f", $1 / 1000
			dt = $2; $1 = ""; $2 = ""; $0 = $0
			for (k = 0; k < 2; k++) {
				o = k * 17; n = 34 + k * 17
				ios = $(n + 1) + $(n + 5) - $(o + 1) - $(o + 5)
				tk = $(n + 4) + $(n + 8) - $(o + 4) - $(o + 8)
				printf "  %s ios %4d lat %6.1f ms inflight %5.2f busy %4.2f", k ? "slow" : "fast",
					ios, ios ? tk / ios : 0, ($(n + 11) - $(o + 11)) / dt,
					($(n + 10) - $(o + 10)) / dt
			}
			printf "\n" }' >>"$TRACE"
		prev=$cur tp=$tc
	done
}
echo "# $fast fast, $slow slowed; t from the start of fio (s)" >"$TRACE"
trace &
tpid=$!
fio --name=slowpath --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --bs=64k \
	--iodepth=16 --rw=randread --size=60m --time_based --runtime=900 --output=/dev/null &
fpid=$!
sleep 10
[ "$(any_slow_event)" = 0 ] || { events; fail "a slow-path verdict while both paths were healthy"; }

NETEM_DELAY=$DELAY path_fail delay 1 || fail "netem delay on portal 1"
t_delay=$(now)
echo "# delay on" >>"$TRACE"
say "portal 1 ($slow) delayed by $DELAY"
wait_for 60 eval '[ "$(slow_count demoted)" -ge 1 ]' || { events; fail "$slow not demoted within 60 s"; }
figure mpd-slowpath-demote-seconds "$(elapsed "$t_delay")"
events
must 15 "$slow at the floor share (50) in the table" eval '[ "$(slow_share)" = 50 ]'
say "demoted: table shares $(shares)"
echo "# demoted" >>"$TRACE"

# Held delayed: never re-admitted (probes may come, and must fail).
t_hold=$(now)
# (elapsed prints seconds with decimals)
while awk -v e="$(elapsed "$t_hold")" -v h="$HOLD" 'BEGIN { exit !(e < h) }'; do
	n=$(slow_count in-service)
	[ "$n" = 0 ] || { events; fail "$slow re-admitted while still delayed ($(elapsed "$t_hold") s into the hold)"; }
	sleep 2
done
probes=$(slow_count probing)
figure mpd-slowpath-probes-while-delayed "$probes"
say "held delayed $(elapsed "$t_hold") s: 0 re-admissions, $probes probe(s); table shares $(shares)"
[ "$(slow_share)" = 50 ] || say "note: slow path's share is $(slow_share) at the end of the hold (probing)"

path_restore delay 1 || fail "cannot remove the delay"
t_heal=$(now)
echo "# delay off" >>"$TRACE"
say "delay removed"
wait_for 90 eval '[ "$(slow_count in-service)" -ge 1 ]' || { events; fail "$slow not re-admitted within 90 s of the delay's removal"; }
figure mpd-slowpath-readmit-seconds "$(elapsed "$t_heal")"
[ "$(slow_count probing)" -gt "$probes" ] || fail "re-admitted without a probe"
must 15 "configured share (100) back in the table" eval '[ "$(slow_share)" = 100 ]'
events
say "re-admitted: table shares $(shares)"

# The same policy on service-time: the demoted share becomes the path's
# relative_throughput (50 permille against 950: 5 against 100).
slow_rt() { slow_word 2 '/ service-time 0 2 2 /'; }
sed -i 's/path_selector "byte-share 0"/path_selector "service-time 0"/' "$MPD_TEST_DIR/multipath.conf" ||
	fail "cannot edit the config"
kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
must 30 "$m on service-time weighted by shares" eval '[ "$(slow_rt)" = 100 ]'
say "service-time: $(dmsetup table "$m")"
n_dem=$(slow_count demoted)
NETEM_DELAY=$DELAY path_fail delay 1 || fail "netem delay on portal 1 (service-time)"
t_delay=$(now)
echo "# service-time, delay on" >>"$TRACE"
wait_for 60 eval '[ "$(slow_count demoted)" -gt "$n_dem" ]' ||
	{ events; fail "$slow not demoted on service-time within 60 s"; }
figure mpd-slowpath-st-demote-seconds "$(elapsed "$t_delay")"
must 15 "$slow at relative_throughput 5 in the service-time table" eval '[ "$(slow_rt)" = 5 ]'
say "PASS: demoted on service-time after $(elapsed "$t_delay") s: $(dmsetup table "$m")"
path_restore delay 1 || fail "cannot remove the delay"
kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null; fpid=""
kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null; tpid=""
say "PASS"
