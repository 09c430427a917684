# Guest-side helpers shared by tests/vm/tests/*-byteshare-*.sh (sourced
# after tests/vm/lib/guest.sh). One scsi_debug LUN seen through two hosts
# (paths A and B); maps built with dmsetup and a byte-share table; bytes per
# path measured from /sys/block/sdX/stat deltas (sectors read/written).

BS_KO=$VM_BUILD/kernel/dm-byte-share/dm-byte-share.ko
BS_DM_KO=$VM_BUILD/kernel/dm-multipath/dm-multipath.ko
BS_MAP=bsmap
BS_TOL=${BS_TOL:-3}        # percentage points either side of the share

pass() { say "PASS: $*"; }

# Unloads every selector and dm-multipath itself (no map may exist).
bs_unload_all() {
	local m
	for m in dm_byte_share dm_round_robin dm_queue_length dm_service_time \
		dm_historical_service_time dm_io_affinity dm_multipath; do
		if lsmod | grep -q "^$m "; then
			rmmod "$m" || { say "cannot unload $m"; return 1; }
		fi
	done
}

bs_cleanup() {
	[ -z "${BS_FIO_PID:-}" ] || kill "$BS_FIO_PID" 2>/dev/null
	dmsetup remove --retry "$BS_MAP" >/dev/null 2>&1
	sdebug_down >/dev/null 2>&1
	# Leave stock dm-multipath loadable for the tests that follow.
	bs_unload_all >/dev/null 2>&1
	return 0
}

# Sets BS_A BS_B (sd names), BS_DA BS_DB (maj:min), BS_SIZE (sectors).
bs_paths_up() {
	local groups x
	modprobe dm-mod >/dev/null 2>&1
	# scsi_debug with vpd_use_hostno=0 reports ALUA state host_no % 3 (2 is
	# standby): with scsi_dh_alua loaded, a path on such a host rejects I/O.
	# These tests are about the selector, not ALUA: keep the handler away.
	if lsmod | grep -q '^scsi_dh_alua '; then
		rmmod scsi_dh_alua 2>/dev/null ||
			say "scsi_dh_alua is loaded and in use: scsi_debug hosts 2 mod 3 will be standby"
	fi
	SDEBUG_MB=64 sdebug_up 1 2 || fail "scsi_debug did not give 1 LUN x 2 paths"
	udev_settle 60
	all_wwid() { for x in $(sdebug_devs); do [ -n "$(wwid_of "$x")" ] || return 1; done; }
	must 60 "wwid on both scsi_debug paths" all_wwid
	groups=$(wwid_groups $(sdebug_devs) | awk '$2 == 2')
	read -r _ _ BS_A BS_B <<<"$groups"
	[ -n "${BS_B:-}" ] || fail "no WWID with 2 paths: $(wwid_groups $(sdebug_devs))"
	BS_DA=$(devnum_of "$BS_A") BS_DB=$(devnum_of "$BS_B")
	BS_SIZE=$(cat "/sys/block/$BS_A/size")
	say "paths: A=$BS_A ($BS_DA) B=$BS_B ($BS_DB), $BS_SIZE sectors"
}

# bs_table SELECTOR-ARGS SHARE-A SHARE-B: the multipath table line.
bs_table() {
	echo "0 $BS_SIZE multipath 0 0 1 1 byte-share $1 2 1 $BS_DA $2 $BS_DB $3"
}
bs_create() { # SELECTOR-ARGS SHARE-A SHARE-B
	say "create: $(bs_table "$@")"
	dmsetup create "$BS_MAP" --table "$(bs_table "$@")" || fail "dmsetup create with $(bs_table "$@")"
	udev_settle 30
}
bs_reload() { # SELECTOR-ARGS SHARE-A SHARE-B
	dmsetup reload "$BS_MAP" --table "$(bs_table "$@")" && dmsetup resume "$BS_MAP"
}
bs_table_now() { dmsetup table "$BS_MAP" | sed 's/ *$//'; }

# "rA wA rB wB": sectors read/written so far on path A and B, both files
# read by one process so the two counters are taken at the same moment
# (separate forks can be a second apart in a loaded TCG guest).
bs_sectors() {
	awk '{ printf "%s %s ", $3, $7 } END { print "" }' "/sys/block/$BS_A/stat" "/sys/block/$BS_B/stat"
}
# bs_delta BEFORE AFTER -> "rA wA rB wB" deltas
bs_delta() {
	awk -v a="$1" -v b="$2" 'BEGIN { split(a, x); split(b, y)
		printf "%d %d %d %d\n", y[1]-x[1], y[2]-x[2], y[3]-x[3], y[4]-x[4] }'
}
# bs_pct PART OTHER -> PART's percentage of the two (one decimal), "nan" if none
bs_pct() { awk -v p="$1" -v q="$2" 'BEGIN { if (p + q == 0) print "nan"; else printf "%.1f\n", 100 * p / (p + q) }'; }
# bs_within VALUE WANT: |VALUE - WANT| <= BS_TOL
bs_within() { awk -v v="$1" -v w="$2" -v t="$BS_TOL" 'BEGIN { exit !(v != "nan" && v - w <= t && w - v <= t) }'; }

# bs_fio RW SECONDS [EXTRA...]: direct I/O on the map, in the foreground.
bs_fio() {
	local rw=$1 secs=$2
	shift 2
	timeout $((secs + 60)) fio --name=bs --filename="/dev/mapper/$BS_MAP" --direct=1 \
		--ioengine=libaio --bs=64k --iodepth=8 --rw="$rw" --size=60m \
		--time_based --runtime="$secs" --output=/dev/null "$@" ||
		fail "fio $rw on $BS_MAP failed"
}

# Per-path words of the selector in `dmsetup status` for device maj:min.
bs_status_words() { # MAJ:MIN N
	dmsetup status "$BS_MAP" | awk -v d="$1" -v n="$2" '{
		for (i = 1; i <= NF; i++) if ($i == d) {
			s = ""; for (j = 0; j < n; j++) s = s (j ? " " : "") $(i + 3 + j); print s; exit } }'
}
# Selector group status: "<mode> <window_ms>".
bs_status_group() {
	dmsetup status "$BS_MAP" | awk '{ for (i = 1; i <= NF; i++) if ($i == "2" && ($(i+1) == "rw" || $(i+1) == "single")) { print $(i+1), $(i+2); exit } }'
}

# Both paths active in the map, else fail naming the kernel's reason (a
# scsi_debug command timing out in an overloaded TCG guest shows up here as
# an I/O error that makes dm-multipath fail the path).
bs_both_active() { # WHAT
	local st
	for d in "$BS_DA" "$BS_DB"; do
		st=$(mpath_path_state "$BS_MAP" "$d")
		[ "$st" = A ] || fail "$1: path $d is '$st' in the map before the run: $(dmesg | grep -E 'Failing path|I/O error|timing out|unable to read' | tail -n 2 | tr '\n' ' ')"
	done
}

# bs_check_split NAME RW SECONDS WANT-A-PCT FIELD [FIO...]: runs fio, checks
# path A's share of the bytes of FIELD (read|write|all) is WANT within BS_TOL.
bs_check_split() {
	local name=$1 rw=$2 secs=$3 want=$4 field=$5 s0 s1 d pa
	shift 5
	bs_both_active "$name"
	s0=$(bs_sectors)
	bs_fio "$rw" "$secs" "$@"
	s1=$(bs_sectors)
	d=$(bs_delta "$s0" "$s1")
	case $field in
	read) pa=$(echo "$d" | awk '{ print $1, $3 }') ;;
	write) pa=$(echo "$d" | awk '{ print $2, $4 }') ;;
	all) pa=$(echo "$d" | awk '{ print $1 + $2, $3 + $4 }') ;;
	esac
	pa=$(bs_pct $pa)
	say "$name: sector deltas rA wA rB wB = $d; A carried $pa% of $field bytes (want $want)"
	figure "$name-pathA-pct" "$pa"
	bs_within "$pa" "$want" || fail "$name: path A carried $pa% of $field bytes, want $want +-$BS_TOL"
	pass "$name: A $pa% / B $(awk -v p="$pa" 'BEGIN { printf "%.1f", 100 - p }')% (want $want/$((100 - want)))"
}
