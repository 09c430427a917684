#!/bin/bash
# Share tuning on the real kernel, for correctness (bench-share measures
# what it gains): one iSCSI LUN through two portals on byte-share with
# share_tuning yes and equal starting shares, portal 1 delayed TUNE_DELAY
# (100 ms: clearly slow even on a loaded host, as in 65-mpd-slowpath),
# fio random reads (64k, iodepth 16) throughout:
#   - within 90 s a tuning reload moves load off the delayed path (its
#     share in the table falls below the healthy one's, with a "tuning" map
#     event naming the costs);
#   - the search judged on the map's own counters (tuning_cost_source
#     "map": /sys/block/dm-N/stat of a request-based dm-multipath map has
#     request time and bytes, read by the daemon);
#   - every reload is a table swap under I/O: fio ends without an error;
#   - the map moved to round-robin and back to tuned byte-share starts
#     from path_shares (equal), not from the weights it was tuned to
#     before: the move ended that search.
# Figures: mpd-tuning-first-move-seconds, mpd-tuning-reloads.
# vm-timeout: 300
set -u
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
DELAY=${TUNE_DELAY:-100ms}
fpid=""
cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
	mpd_stop >/dev/null 2>&1
	iscsi_down >/dev/null 2>&1
	return 0
}
trap cleanup EXIT

MPD_EXTRA_CONF='overrides {
	path_selector "byte-share 0"
	path_grouping_policy multibus
	no_path_retry fail
	share_interval 1
	share_tuning yes
}'
mpd_setup_conf "polling_interval 2"
mpd_byteshare_iscsi_map
share_of() { # DEV: its share word in the table
	dmsetup table "$m" | awk -v d="$(devnum_of "$1")" '{ for (i = 1; i < NF; i++) if ($i == d) print $(i + 1) }'
}
bsj() { mpd_ctl show topology | jq -c --arg m "$m" '.data[] | select(.name == $m) | .byte_share'; }
say "map $m: fast $fast, delayed-to-be $slow; shares $(share_of "$fast")/$(share_of "$slow")"
[ "$(share_of "$fast")" = "$(share_of "$slow")" ] || fail "shares not equal at the start"

NETEM_DELAY=$DELAY path_fail delay 1 || fail "netem delay on portal 1"
fio --name=tuning --filename="/dev/mapper/$m" --direct=1 --ioengine=libaio --bs=64k \
	--iodepth=16 --rw=randread --size=60m --time_based --runtime=60 \
	--output="$VM_RESULTS/tuning-fio.txt" &
fpid=$!
t0=$(now)
read_share() { local w; w=$(share_of "$1"); echo "${w%%/*}"; }  # rw mode: <read>/<write>
moved() { [ "$(read_share "$slow")" -lt "$(read_share "$fast")" ] 2>/dev/null; }
wait_for 90 moved || fail "no tuning move off the delayed path within 90 s (shares $(share_of "$fast")/$(share_of "$slow"), $(bsj))"
figure mpd-tuning-first-move-seconds "$(elapsed "$t0")"
say "moved off $slow after $(elapsed "$t0") s: shares $(share_of "$fast")/$(share_of "$slow")"
ev=$(mpd_ctl show events | jq -r '[.data.events[] | select(.cause == "tuning")] | length')
[ "${ev:-0}" -ge 1 ] || fail "a tuning reload without a tuning event"
mpd_ctl show events | jq -r '.data.events[] | select(.cause == "tuning") | "event: \(.time) \(.map) \(.detail)"' |
	head -n 3 | while read -r l; do say "$l"; done
j=$(bsj)
say "byte_share: $j"
dm=$(basename "$(readlink -f "/dev/mapper/$m")")
[ "$(echo "$j" | jq -r '.tuning_cost_source')" = map ] ||
	fail "tuning did not judge on the map's own counters (/sys/block/$dm/stat: $(cat "/sys/block/$dm/stat"))"
wait "$fpid"
rc=$? fpid=""
[ "$rc" = 0 ] || fail "fio failed ($rc) while tuning reloaded the table: $(tail -n 5 "$VM_RESULTS/tuning-fio.txt")"
grep -q 'err= 0' "$VM_RESULTS/tuning-fio.txt" || fail "fio reported errors: $(grep -m1 'err=' "$VM_RESULTS/tuning-fio.txt")"
r=$(bsj | jq -r '.tuning_reloads')
figure mpd-tuning-reloads "$r"
say "fio done, no errors; $r tuning reloads, state $(bsj | jq -r '.tuning_state'), shares $(share_of "$fast")/$(share_of "$slow")"
path_restore delay 1 || fail "cannot remove the delay"

# ---- round-robin and back: the old search's weights do not return ------------
tuned="$(share_of "$fast")/$(share_of "$slow")"
[ "$(share_of "$fast")" != "$(share_of "$slow")" ] || fail "tuning ended at equal shares ($tuned) under a $DELAY delay"
reconf() { # SELECTOR: the same overrides on that selector
	want=${1%% *}
	sed -i "s|path_selector \".*\"|path_selector \"$1\"|" "$MPD_TEST_DIR/multipath.conf"
	kill -HUP "$(daemon_pid)" || fail "cannot signal the daemon"
	must 30 "$m on $want" eval 'dmsetup table "$m" | grep -q " $want "'
}
reconf "round-robin 0"
say "round-robin: $(dmsetup table "$m")"
reconf "byte-share 0"
t=$(dmsetup table "$m")
say "back on byte-share, tuned before at $tuned: $t"
[ "$(share_of "$fast")" = "$(share_of "$slow")" ] ||
	fail "back on byte-share with the old search's shares $(share_of "$fast")/$(share_of "$slow"), not path_shares"
say "PASS"
