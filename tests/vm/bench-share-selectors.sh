#!/bin/bash
# Guest side of tests/vm/bench-share: one iSCSI LUN through two portals,
# portal 1's link delayed by netem (BS_DELAY, default 20ms), our daemon with
# each path selector in turn on the same map (SIGHUP after a config change
# reloads the table), fio through the map (64k, iodepth 16, BS_SECS seconds
# each): random reads, random writes and a 70/30 random mix; per selector and
# workload: MiB/s, IOPS, and the split of bytes between the fast and the
# slow path (/sys/block/sdX/stat).
#   round-robin, service-time, byte-share equal shares, byte-share with
#   share_tuning, service-time with share_tuning (the shares become its
#   relative_throughput; BS_TUNED_WITH says which of the two tuned runs
#   happen), then service-time and round-robin again (A-B-A: drift in
#   the host's load shows as a gap between the two rounds, and the tuned
#   runs are compared with the mean of both). Tuning is measured converged,
#   per workload: that workload runs until the search holds (tuning_state
#   "holding", at most BS_WARM_MAX s; the figure says whether it got
#   there), then its measured run; the table's shares are logged every 5 s
#   from the switch to the end of the measured runs, and reloads during
#   each measured run are counted;
#   Reference points for the ceiling (after the tuned runs, before the
#   second round): byte-share with static shares (BS_SWEEP, fast path's
#   permille; workloads BS_SWEEP_WORKLOADS, the mix unless told), then the fast path alone (the delayed path
#   offline, failed in the map) for all three workloads: what one path
#   carries without the slow one, against which 2x round-robin is judged.
#   Every selector and static split gets the same BS_PREWARM s of the mix
#   before its measured runs (tuning gets its own, longer warm-up), so the
#   first selector does not run on a cold bed. Per run, each path's
#   requests per second and ms per request are logged (the slow path's
#   figures say what a 20 ms path adds at iodepth 16), with the mean number
#   of requests in flight on each sd and in the map (/sys/block/*/inflight,
#   every 0.2 s: where fio's 16 wait) and how busy the guest's CPUs were
#   (a bed limited by its emulated CPUs ranks selectors by CPU per byte,
#   not by latency).
#   Paired rounds (BS_PAIRS, default 4; BS_PAIR_SECS s a run): the table
#   each tuned search held at, per workload, pinned as static path_shares
#   with tuning off, alternated with plain service-time, BS_PAIRS rounds,
#   the order reversed every other round. Each round's ratio is tuned
#   over the service-time run beside it, so drift in the host's load,
#   which moves one selector's rounds by up to a quarter, cancels instead
#   of deciding the comparison; the figures are the mean ratio and its
#   spread (a table held at service-time's own weights reads 1.00 within
#   that spread: the bed's noise floor).
#   BS_TUNED=0 leaves the tuned runs out (a sweep of static splits alone).
#   then gray failure: slow_path_factor 2, window BS_SLOW_WINDOW s, no
#   tuning: the delayed path is demoted (event), carries its floor, and is
#   re-admitted once the delay is removed.
# Figures: bench-share-<selector>-<read|write|mix>-{mbps,iops,fastpct}
# (selectors round-robin, service-time, byte-share-equal, byte-share-tuned,
# service-time-tuned,
# static-<permille> (mix only), fast-alone, service-time-2, round-robin-2,
# byte-share-slowpath), bench-share-<selector>-<workload>-{fast,slow}-{iops,ms},
# bench-share-<selector>-<workload>-{inflight-fast,inflight-slow,inflight-map,cpu-busy},
# bench-share-<selector>-tuned-<workload>-{converge-seconds,converged,reloads-measured},
# bench-share-<selector>-tuned-reloads,
# bench-share-{demote,readmit}-seconds,
# bench-share-pair<i>-<service-time|SELECTOR-tuned>-<workload>-* (each
# paired run), bench-share-pair-<SELECTOR>-tuned-<workload>-{ratio-mean,
# ratio-min,ratio-max,mbps-mean,st-mbps-mean}.
# vm-timeout: 3500
set -u
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
# the host's BS_* settings, when it gave any (tests/vm/bench-share)
[ -r "$(dirname "$0")/bs.env" ] && . "$(dirname "$0")/bs.env"
: "${BS_SECS:=20}" "${BS_WARM_MAX:=240}" "${BS_DELAY:=20ms}" "${BS_SLOW_WINDOW:=6}"
: "${BS_PREWARM:=10}" "${BS_SWEEP:=900 950 990}" "${BS_SWEEP_WORKLOADS:=mix}" "${BS_TUNED:=1}"
: "${BS_TUNED_WITH:=byte-share service-time}" "${BS_PAIRS:=4}" "${BS_PAIR_SECS:=15}"
# the table each tuned search held at: frozen[<selector>/<workload>] =
# "<fast path's share> <slow path's share>" as the table carried them
declare -A frozen

# conf SELECTOR [EXTRA LINES]: rewrites the config file only (mpd_setup_conf
# would remove the directory, the daemon's socket and bindings with it)
conf() {
	local sel=$1 l
	shift
	{
		printf 'defaults {\n\tuser_friendly_names yes\n\tfind_multipaths off\n\tpolling_interval 2\n}\n'
		printf 'overrides {\n\tpath_selector "%s"\n\tpath_grouping_policy multibus\n' "$sel"
		printf '\tno_path_retry fail\n\tshare_interval 2\n'
		for l in "$@"; do printf '\t%s\n' "$l"; done
		printf '}\n'
	} >"$MPD_TEST_DIR/multipath.conf.new" && mv "$MPD_TEST_DIR/multipath.conf.new" "$MPD_TEST_DIR/multipath.conf"
}
mpd_setup_conf
conf "round-robin 0"
mpd_byteshare_iscsi_map	# sets fast, slow and m
NETEM_DELAY=$BS_DELAY path_fail delay 1 || fail "netem delay on portal 1"
say "portal 1 ($slow) delayed by $BS_DELAY; fast path $fast; map $m"

# in flight on each sd and in the map, sampled every 0.2 s while fio runs
dm_of_map=$(basename "$(readlink -f "/dev/mapper/$m")")
qd_fast=$(cat "/sys/block/$fast/device/queue_depth") qd_slow=$(cat "/sys/block/$slow/device/queue_depth")
say "queue_depth $fast $qd_fast, $slow $qd_slow; map $m is $dm_of_map" \
	"(nr_requests $(cat "/sys/block/$dm_of_map/queue/nr_requests"), scheduler $(cat "/sys/block/$dm_of_map/queue/scheduler"))"
sp_file=$MPD_TEST_DIR/inflight.samples
inflight_sampler() {
	: >"$sp_file"
	while :; do
		awk '{ printf "%d ", $1 + $2 } END { print "" }' "/sys/block/$fast/inflight" \
			"/sys/block/$slow/inflight" "/sys/block/$dm_of_map/inflight" >>"$sp_file"
		sleep 0.2
	done
}
# busy and total ticks of all guest CPUs (/proc/stat; idle and iowait are idle)
cpu_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
# per path (fast, then slow): sectors, requests, request ms
stat2() { awk '{ printf "%s %s %s ", $3 + $7, $1 + $5, $4 + $8 } END { print "" }' \
	"/sys/block/$fast/stat" "/sys/block/$slow/stat"; }
# shares: "<dev> <share> ..." from the table: byte-share's shares, or a
# weighted service-time table's relative_throughput
shares() {
	local t
	t=$(dmsetup table "$m")
	case $t in
	*" byte-share "*) echo "$t" | sed -n 's/.* byte-share 0 [0-9]* [0-9]* //p' ;;
	*" service-time "*) echo "$t" | sed -n 's/.* service-time 0 [0-9]* 2 //p' |
		awk '{ for (i = 1; i < NF; i += 3) printf "%s %s ", $i, $(i + 2); print "" }' ;;
	esac
}
# run NAME WORKLOAD SECS: WORKLOAD read, write or mix (70 % reads)
run() {
	local s0 s1 out bw iops pct rw
	case $2 in
	read) rw="--rw=randread" ;;
	write) rw="--rw=randwrite" ;;
	mix) rw="--rw=randrw --rwmixread=70" ;;
	esac
	s0=$(stat2) t0=$(now) c0=$(cpu_ticks)
	inflight_sampler &
	sp=$!
	# shellcheck disable=SC2086 # rw is two words for the mix
	out=$(fio --name=bs --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --bs=64k \
		--iodepth=16 $rw --size=60m --time_based --runtime="$3" \
		--output-format=json 2>&1) || fail "fio ($1 $2): $out"
	s1=$(stat2) el=$(elapsed "$t0") c1=$(cpu_ticks)
	kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
	# where fio's 16 requests were: started on each sd, started in the
	# map, the rest above it; and whether the guest's CPUs were the limit
	read -r q_fast q_slow q_map n_q <<<"$(awk '{ for (i = 1; i <= 3; i++) t[i] += $i; n++ }
		END { if (n) printf "%.1f %.1f %.1f %d", t[1] / n, t[2] / n, t[3] / n, n; else print "nan nan nan 0" }' "$sp_file")"
	busy=$(awk -v a="$c0" -v b="$c1" 'BEGIN { split(a, x); split(b, y)
		printf "%.0f", (y[2] - x[2]) ? 100 * (y[1] - x[1]) / (y[2] - x[2]) : 0 }')
	say "$1 $2: in flight (mean of $n_q samples) fast sd $q_fast, slow sd $q_slow, map $q_map" \
		"(queue_depth $qd_fast/$qd_slow); guest CPU busy $busy%"
	figure "bench-share-$1-$2-inflight-fast" "$q_fast"
	figure "bench-share-$1-$2-inflight-slow" "$q_slow"
	figure "bench-share-$1-$2-inflight-map" "$q_map"
	figure "bench-share-$1-$2-cpu-busy" "$busy"
	# fio's bw is KiB/s; reads and writes add up for the mix
	bw=$(echo "$out" | jq -r '.jobs[0] | (.read.bw + .write.bw) / 1024 | . * 10 | round / 10') ||
		fail "fio output ($1 $2)"
	iops=$(echo "$out" | jq -r '.jobs[0] | .read.iops + .write.iops | round')
	pct=$(awk -v a="$s0" -v b="$s1" 'BEGIN { split(a, x); split(b, y); f = y[1] - x[1]; s = y[4] - x[4]
		if (f + s == 0) print "nan"; else printf "%.1f", 100 * f / (f + s) }')
	# per path: requests per second and ms per request over the run
	pp=$(awk -v a="$s0" -v b="$s1" -v t="$el" 'BEGIN { split(a, x); split(b, y)
		for (k = 0; k < 2; k++) { n = y[3 * k + 2] - x[3 * k + 2]; ms = y[3 * k + 3] - x[3 * k + 3]
			printf "%.1f %s ", n / t, n ? sprintf("%.1f", ms / n) : "nan" } }')
	read -r f_rq f_ms s_rq s_ms <<<"$pp"
	say "$1 $2: $bw MiB/s, $iops IOPS, fast path carried $pct% of the bytes;" \
		"fast $f_rq req/s at $f_ms ms, slow $s_rq req/s at $s_ms ms"
	figure "bench-share-$1-$2-mbps" "$bw"
	last_mbps=$bw
	figure "bench-share-$1-$2-iops" "$iops"
	figure "bench-share-$1-$2-fastpct" "$pct"
	figure "bench-share-$1-$2-fast-iops" "$f_rq"
	figure "bench-share-$1-$2-fast-ms" "$f_ms"
	figure "bench-share-$1-$2-slow-iops" "$s_rq"
	figure "bench-share-$1-$2-slow-ms" "$s_ms"
}
prewarm() { # the same unmeasured mix before every selector's runs
	fio --name=prewarm --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --bs=64k \
		--iodepth=16 --rw=randrw --rwmixread=70 --size=60m --time_based --runtime="$BS_PREWARM" \
		--output=/dev/null || fail "prewarm fio"
}
runs() { # NAME: the three workloads, after the same warm-up
	local w
	prewarm
	for w in read write mix; do run "$1" "$w" "$BS_SECS"; done
}
switch() { # NAME SELECTOR [EXTRA]
	local name=$1 sel=$2
	shift 2
	conf "$sel" "$@"
	kill -HUP "$(daemon_pid)"
	must 30 "$m on ${sel%% *}" eval 'dmsetup table "$m" | grep -q " ${sel%% *} "'
	say "$name table: $(dmsetup table "$m")"
}
runs round-robin
switch service-time "service-time 0"
runs service-time
switch byte-share-equal "byte-share 0"
runs byte-share-equal
share_of() { # DEV: its share (or relative_throughput) in the table
	shares | awk -v d="$(devnum_of "$1")" '{ for (i = 1; i < NF; i += 2) if ($i == d) print $(i + 1) }'
}
bsj() { # the map's share object from show topology
	mpd_ctl show topology | jq -c --arg m "$m" '.data[] | select(.name == $m) | .byte_share'
}
# per workload: fio in the background until the search holds (tuning_state
# "holding"; at most BS_WARM_MAX s), then the measured run of that workload
rwof() { case $1 in read) echo "--rw=randread" ;; write) echo "--rw=randwrite" ;;
	mix) echo "--rw=randrw --rwmixread=70" ;; esac; }
warm() { # WORKLOAD: the warm-up fio in the background, its pid in fpid
	# shellcheck disable=SC2046 # rwof gives one or two words
	fio --name=warm --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --bs=64k --iodepth=16 \
		$(rwof "$1") --size=60m --time_based --runtime="$BS_WARM_MAX" --output=/dev/null &
	fpid=$!
}
converge() { # NAME WORKLOAD
	local t0 st r
	t0=$(now)
	warm "$2"
	converged=0
	# a workload change is noticed after two windows (up to 30 s with
	# their alignment): give it those first
	sleep 32
	while awk -v e="$(elapsed "$t0")" -v h="$BS_WARM_MAX" 'BEGIN { exit !(e < h) }'; do
		sleep 2
		# an I/O error (every path down at once: the iSCSI sessions of a
		# starved guest time out) ends fio; without I/O nothing is judged
		kill -0 "$fpid" 2>/dev/null || { say "warm-up fio ended at +$(elapsed "$t0") s; again"; warm "$2"; }
		j=$(bsj) || continue
		st=$(echo "$j" | jq -r '.tuning_state // ""')
		[ "$st" = holding ] && { converged=1; break; }
	done
	kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
	r=$(bsj | jq -r '.tuning_reloads // 0')
	say "$1 $2: warm-up $(elapsed "$t0") s, state $(bsj | jq -r '.tuning_state'), $r reloads so far, probes $(bsj | jq -r '.tuning_probes'), moves kept $(bsj | jq -r '.tuning_moves_kept'), cost from $(bsj | jq -r '.tuning_cost_source'); shares $(shares)"
	figure "bench-share-$1-$2-converge-seconds" "$(elapsed "$t0")"
	figure "bench-share-$1-$2-converged" "$converged"
}
tuned_runs() { # NAME SELECTOR: share_tuning on that selector, per workload
	local name=$1 w r0 r1 logger t_tune topo
	switch "$name" "$2" "share_tuning yes"
	# the shares over time, every 5 s, until the tuned runs end
	t_tune=$(now)
	( while :; do say "$name shares at +$(elapsed "$t_tune") s: $(shares)"; sleep 5; done ) &
	logger=$!
	prewarm
	for w in read write mix; do
		converge "$name" "$w"
		frozen[${2%% *}/$w]="$(share_of "$fast") $(share_of "$slow")"
		r0=$(bsj | jq -r '.tuning_reloads // 0')
		run "$name" "$w" "$BS_SECS"
		r1=$(bsj | jq -r '.tuning_reloads // 0')
		figure "bench-share-$name-$w-reloads-measured" "$((r1 - r0))"
		say "$name: tuning reloads during the measured $w run: $((r1 - r0))"
	done
	kill "$logger" 2>/dev/null; wait "$logger" 2>/dev/null
	say "$name table after: $(dmsetup table "$m")"
	topo=$(mpd_ctl show topology | jq -c --arg m "$m" '.data[] | select(.name == $m)')
	say "$name topology: $(echo "$topo" | jq -c '{byte_share, paths: [.groups[].paths[] | {dev, share, relative_throughput, bytes, latency_us, cost_ms_per_mib}]}')"
	figure "bench-share-$name-reloads" "$(echo "$topo" | jq -r '.byte_share.tuning_reloads // "nan"')"
}
has_shares() { # SELECTOR FAST SLOW: the table is that selector's with those shares
	dmsetup table "$m" | grep -q " $1 " && [ "$(share_of "$fast")" = "$2" ] && [ "$(share_of "$slow")" = "$3" ]
}
pin() { # SELECTOR [FAST SLOW]: that selector, with those shares as path_shares
	local sel=$1
	if [ $# = 1 ]; then
		conf "$sel 0"
		set -- "$sel" 1 1	# what the kernel shows for service-time without weights
	else
		conf "$sel 0" "path_shares \"$fast=$2 $slow=$3\""
	fi
	kill -HUP "$(daemon_pid)"
	must 30 "$m on $*" has_shares "$@"
}
# paired rounds: each frozen tuned table against plain service-time, the
# order reversed every other round (ABC, CBA, ...) so that a steady drift
# favours neither side
paired() {
	local w i lab order sel ratios
	declare -A pr pt
	for w in read write mix; do
		prewarm
		for i in $(seq 1 "$BS_PAIRS"); do
			order="service-time"
			for sel in $BS_TUNED_WITH; do order="$order $sel-tuned"; done
			[ $((i % 2)) = 0 ] && order=$(echo "$order" | tr ' ' '\n' | tac | tr '\n' ' ')
			for lab in $order; do
				if [ "$lab" = service-time ]; then
					pin service-time
				else
					sel=${lab%-tuned}
					# shellcheck disable=SC2086 # two words: fast's and slow's share
					pin "$sel" ${frozen[$sel/$w]}
				fi
				run "pair$i-$lab" "$w" "$BS_PAIR_SECS"
				pt[$lab]=$last_mbps
			done
			for sel in $BS_TUNED_WITH; do
				pr[$sel]="${pr[$sel]:-} ${pt[$sel-tuned]}/${pt[service-time]}"
			done
		done
		for sel in $BS_TUNED_WITH; do
			ratios=${pr[$sel]}
			pr[$sel]=
			read -r mean lo hi tm sm <<<"$(echo "$ratios" | tr ' ' '\n' | awk -F/ 'NF == 2 && $2 > 0 {
				r = $1 / $2; s += r; n++; t += $1; u += $2
				if (n == 1 || r < lo) lo = r; if (n == 1 || r > hi) hi = r }
				END { if (n) printf "%.3f %.3f %.3f %.1f %.1f", s / n, lo, hi, t / n, u / n; else print "nan nan nan nan nan" }')"
			say "paired $w: $sel tuned (frozen at ${frozen[$sel/$w]}) over service-time, per round:$ratios;" \
				"mean ratio $mean (min $lo, max $hi), mean $tm against $sm MiB/s"
			figure "bench-share-pair-$sel-tuned-$w-ratio-mean" "$mean"
			figure "bench-share-pair-$sel-tuned-$w-ratio-min" "$lo"
			figure "bench-share-pair-$sel-tuned-$w-ratio-max" "$hi"
			figure "bench-share-pair-$sel-tuned-$w-mbps-mean" "$tm"
			figure "bench-share-pair-$sel-tuned-$w-st-mbps-mean" "$sm"
		done
	done
}
if [ "$BS_TUNED" != 0 ]; then
	# byte-share, then service-time with its relative_throughput tuned
	for sel in $BS_TUNED_WITH; do tuned_runs "$sel-tuned" "$sel 0"; done
	[ "$BS_PAIRS" -gt 0 ] && paired
fi
# reference points for the ceiling: static splits (the mix), then the fast
# path alone; no tuning, no slow-path policy
for p in $BS_SWEEP; do
	conf "byte-share 0" "path_shares \"$fast=$p $slow=$((1000 - p))\""
	kill -HUP "$(daemon_pid)"
	must 30 "$m at $p/$((1000 - p))" has_shares byte-share "$p" "$((1000 - p))"
	say "static-$p table: $(dmsetup table "$m")"
	prewarm
	for w in $BS_SWEEP_WORKLOADS; do run "static-$p" "$w" "$BS_SECS"; done
done
path_fail offline "$slow" || fail "offline $slow"
must 30 "$slow failed in $m" eval '[ "$(mpath_path_state "$m" "$(devnum_of "$slow")")" = F ]'
say "fast-alone: $slow offline; status $(dmsetup status "$m")"
runs fast-alone
path_restore offline "$slow" || fail "running $slow"
must 60 "$slow back in $m" eval '[ "$(mpath_active_paths "$m")" = 2 ]'
# the second round, in reverse order
switch service-time-2 "service-time 0"
runs service-time-2
switch round-robin-2 "round-robin 0"
runs round-robin-2

# the events so far (tuning reloads, slow-path verdicts), also on failure
events() {
	mpd_ctl show events | jq -r '.data.events[] | select(.cause == "slow-path" or .cause == "tuning") |
		"event: \(.time) \(.dev // .map) \(.from) -> \(.to) (\(.cause)): \(.detail)"' |
		while read -r l; do say "$l"; done
}
trap events EXIT
# gray failure: no tuning, equal shares, slow_path_factor 2 over 6 s (3 was
# not reached in a loaded guest: queueing on the fast path narrows the gap)
switch byte-share-slowpath "byte-share 0" "slow_path_factor 2" "slow_path_window $BS_SLOW_WINDOW"
# slow_count TO: how many slow-path verdicts moved the delayed path to TO
slow_count() {
	local ev
	ev=$(mpd_ctl show events) && [ -n "$ev" ] || { echo -1; return; }
	echo "$ev" | jq --arg d "$slow" --arg to "$1" \
		'[.data.events[] | select(.cause == "slow-path" and .dev == $d and .to == $to)] | length'
}
# slow_event TO [AFTER]: a verdict to TO beyond the first AFTER ones
slow_event() { local c; c=$(slow_count "$1"); [ "$c" -gt "${2:-0}" ]; }
fio --name=warm --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --bs=64k --iodepth=16 \
	--rw=randread --size=60m --time_based --runtime=60 --output=/dev/null &
fpid=$!
t=$(now)
if wait_for 60 slow_event demoted; then
	figure bench-share-demote-seconds "$(elapsed "$t")"
else
	say "$slow not demoted within 60 s"
fi
kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
# the reload that carries the demotion follows the event
at_floor() { shares | awk '{ for (i = 2; i <= NF; i += 2) if ($i == 50) f = 1 } END { exit !f }'; }
wait_for 10 at_floor || say "table not at the floor yet"
say "demoted: $(dmsetup table "$m")"
run byte-share-slowpath read "$BS_SECS"
n_in=$(slow_count in-service)
demoted_now=$(mpd_ctl show topology | jq -r --arg m "$m" --arg d "$slow" \
	'.data[] | select(.name == $m) | .groups[].paths[] | select(.dev == $d) | .share_demoted')
say "while delayed: $(slow_count demoted) demotion(s), $n_in re-admission(s); demoted now: $demoted_now"
path_restore delay 1
t_healed=$(now)
say "delay removed"
fio --name=warm --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --bs=64k --iodepth=16 \
	--rw=randread --size=60m --time_based --runtime=60 --output=/dev/null &
fpid=$!
t=$(now)
if wait_for 60 slow_event in-service "$n_in"; then
	figure bench-share-readmit-seconds "$(elapsed "$t_healed")"
else
	say "$slow not re-admitted within 60 s"
fi
kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null
say "re-admitted: $(dmsetup table "$m")"
trap - EXIT
events
mpd_stop
say "PASS"
