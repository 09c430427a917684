# Guest-side helpers of the VM test bed (bash; sourced by jobs and tests).
#
# Conventions: every wait is bounded and returns non-zero with a message on
# stderr when its time runs out; `fail REASON` ends a test with that reason.
# Path sources (scsi_debug, virtio, iscsi) each have an _up that leaves
# N LUNs x P paths visible as sd devices and a _down that removes them again,
# so several tests can share one boot. Nothing here writes outside the
# guest: / is a tmpfs overlay over the host's read-only root.
#
# Sources: sdebug_up/sdebug_down, vdisk_paths, iscsi_up/iscsi_down.
# Faults:  path_fail KIND DEV / path_restore KIND DEV, KIND one of
#          offline (scsi state), unplug (virtio QMP device_del/add),
#          linkdown, loss, delay (iSCSI portal link: ip link, tc netem).
# Daemons: daemon_use IMPL (adapters/IMPL.sh), daemon_start, daemon_stop.
# Kernel view of maps: mpath_maps, mpath_active_paths.

: "${VM_RESULTS:=/results}"
: "${VM_BED:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${VM_CHECKOUT:=$(cd "$VM_BED/../.." && pwd)}"
: "${VM_BUILD:=$VM_CHECKOUT/build}"

# ---- logging, assertions, time -------------------------------------------------

now() { cut -d' ' -f1 /proc/uptime; }           # seconds since boot, 1/100 s
ms_now() { local u; u=$(now); echo $(( ${u%.*} * 1000 + 10#${u#*.} * 10 )); }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
say() { echo "[$(now)] $*" >&2; }

# Ends the current test with a reason (the runner records it).
fail() {
	say "FAIL: $*"
	[ -z "${VM_TEST_REASON_FILE:-}" ] || printf '%s\n' "$*" >"$VM_TEST_REASON_FILE"
	exit 1
}

# wait_for TIMEOUT CMD [ARG...]: polls CMD every 0.2 s until it succeeds.
# Returns 1 after TIMEOUT seconds; WAITED holds the seconds it took.
wait_for() {
	local limit=$1 t0
	shift
	t0=$(now)
	while ! "$@" >/dev/null 2>&1; do
		if awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a >= l) }'; then
			WAITED=$(elapsed "$t0")
			say "timed out after ${limit}s waiting for: $*"
			return 1
		fi
		sleep 0.2
	done
	WAITED=$(elapsed "$t0")
	return 0
}

# must TIMEOUT DESCRIPTION CMD...: wait_for or fail the test.
must() {
	local limit=$1 desc=$2
	shift 2
	wait_for "$limit" "$@" || fail "$desc (not within ${limit}s)"
}

# Records a named figure (seconds, counts) in /results/figures.
figure() { echo "${VM_TEST_NAME:-job} $1 $2" >>"$VM_RESULTS/figures"; say "figure $1 = $2"; }

# ---- udev ---------------------------------------------------------------------

udev_start() {
	# The storage drivers the bed uses (udev is not asked to load drivers
	# for everything on the machine, see below).
	modprobe -a virtio_scsi sd_mod sg 2>/dev/null
	if ! pidof systemd-udevd >/dev/null; then
		/lib/systemd/systemd-udevd --daemon || return 1
		# Storage only: replaying every device's add event (and loading
		# drivers for all of them) costs minutes under emulation.
		udevadm trigger --action=add --subsystem-match=block \
			--subsystem-match=scsi --subsystem-match=scsi_device \
			--subsystem-match=scsi_generic >/dev/null 2>&1
	fi
	udevadm settle --timeout="${1:-60}"
}
udev_settle() { udevadm settle --timeout="${1:-60}"; }
udev_reload() { udevadm control --reload 2>/dev/null || true; }
# Our udev rules in the guest overlay (60-udev-claim, 64-udev-lvm, 65-*).
# mp_rules_install DIR: the build's rules and helpers installed into DIR
# (scripts/install-extra), an empty wwids file, and the rules copied into
# /etc/udev/rules.d, so they call the build's binaries.
mp_rules_install() {
	DESTDIR=$1 SBINDIR=$VM_BUILD "$VM_CHECKOUT/scripts/install-extra" >/dev/null ||
		fail "install-extra into $1 failed"
	mkdir -p /etc/udev/rules.d /etc/multipath
	: >/etc/multipath/wwids
	mp_rules_copy "$1"
}
# mp_rules_copy DIR: (again) the rules from an mp_rules_install DIR
mp_rules_copy() { cp "$1"/lib/udev/rules.d/5[67]-mp-*.rules /etc/udev/rules.d/ && udev_reload; }
# mp_conf FIND_MULTIPATHS: /etc/multipath.conf, which the rules' helper reads
mp_conf() { printf 'defaults {\n\tfind_multipaths %s\n\tuser_friendly_names yes\n}\n' "$1" >/etc/multipath.conf; }
# mp_rules_remove: undoes mp_rules_install and mp_conf
mp_rules_remove() { rm -f /etc/udev/rules.d/5[67]-mp-*.rules /etc/multipath.conf; udev_reload; }

# Lists the multipath-related udev rule files in force (multipath-tools'
# and kpartx's; the generic device-mapper rules of dmsetup are not counted).
udev_mpath_rules() {
	local d d2 f n
	for d in /etc/udev/rules.d /run/udev/rules.d /lib/udev/rules.d; do
		for f in "$d"/*multipath* "$d"/*mpath* "$d"/*kpartx* "$d"/*del-part-nodes*; do
			[ -e "$f" ] || continue
			n=$(basename "$f")
			# udev uses the first of /etc, /run, /lib; a link to
			# /dev/null there masks the rule file
			for d2 in /etc/udev/rules.d /run/udev/rules.d /lib/udev/rules.d; do
				if [ -e "$d2/$n" ] || [ -L "$d2/$n" ]; then
					[ "$(readlink "$d2/$n")" = /dev/null ] || echo "$n"
					break
				fi
			done
		done
	done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# Masks every active multipath-related rule file (links in /etc to
# /dev/null) and reloads udev: what a guest that unpacked multipath-tools
# needs before our daemon runs. Prints the names it masked.
udev_mask_mpath_rules() {
	local r masked=""
	mkdir -p /etc/udev/rules.d
	for r in $(udev_mpath_rules); do
		ln -sf /dev/null "/etc/udev/rules.d/$r" && masked="$masked $r"
	done
	[ -n "$masked" ] && udevadm control --reload >/dev/null 2>&1
	echo "${masked# }"
}

# ---- block devices and identities ---------------------------------------------

# WWID of sdX from sysfs (the kernel's own VPD 0x83 pick), lower case.
wwid_of() { tr -d ' \n' <"/sys/block/$1/device/wwid" 2>/dev/null | tr 'A-Z' 'a-z'; }

devnum_of() { cat "/sys/block/$1/dev"; }

# sd devices whose SCSI host matches a pattern in its sysfs path.
# One `ls -l` for all devices: /sys/block/sdX links to the device's path
# (../devices/.../host2/target2:0:0/2:0:0:0/block/sdX). Two processes per
# device (readlink, grep), polled every 0.2 s while 1024 devices appear,
# used to swamp the guest.
sd_matching() { # PATTERN (awk/ERE on the device's sysfs path)
	ls -l /sys/block/ 2>/dev/null | awk -v re="$1" '$(NF - 1) == "->" && $(NF - 2) ~ /^sd[a-z]+$/ && $NF ~ re { print $(NF - 2) }'
	return 0
}
sd_count() { sd_matching "$1" | wc -l; }
sd_count_is() { [ "$(sd_count "$1")" -eq "$2" ]; }

# Prints "WWID COUNT DEV..." per WWID over the given sd devices.
wwid_groups() {
	local d
	for d in "$@"; do echo "$(wwid_of "$d") $d"; done |
		awk '{ n[$1]++; d[$1] = d[$1] " " $2 } END { for (w in n) print w, n[w] d[w] }' | sort
}

# Asserts LUNS wwids with PATHS devices each over the given devices.
assert_wwid_groups() { # LUNS PATHS DEV...
	local luns=$1 paths=$2 groups bad
	shift 2
	groups=$(wwid_groups "$@")
	say "wwid groups:"; echo "$groups" | sed 's/^/    /' >&2
	[ "$(echo "$groups" | grep -c .)" -eq "$luns" ] ||
		fail "expected $luns WWIDs, got $(echo "$groups" | grep -c .)"
	bad=$(echo "$groups" | awk -v p="$paths" '$2 != p || $1 == ""')
	[ -z "$bad" ] || fail "WWIDs without exactly $paths paths: $bad"
}

# Direct read of one block from a device, bounded; 0 only if it succeeded.
read_ok() { # DEV [TIMEOUT] [OFFSET-in-4k-blocks]
	timeout "${2:-10}" dd if="/dev/$1" of=/dev/null bs=4k count=1 \
		skip="${3:-0}" iflag=direct status=none 2>/dev/null
}
write_ok() { # DEV [TIMEOUT]
	timeout "${2:-10}" dd if=/dev/zero of="/dev/$1" bs=4k count=1 \
		seek=8 oflag=direct status=none 2>/dev/null
}
# Seconds COUNT back-to-back direct 4k reads took (status 1 on failure).
# Several I/Os in one dd keep process start-up out of per-I/O figures.
read_time() { # DEV TIMEOUT [COUNT] [OFFSET]
	local t0 rc=0
	t0=$(now)
	timeout "$2" dd if="/dev/$1" of=/dev/null bs=4k count="${3:-1}" \
		skip="${4:-0}" iflag=direct status=none 2>/dev/null || rc=1
	elapsed "$t0"
	return $rc
}

# ---- source a: scsi_debug ------------------------------------------------------

SDEBUG_RE='/pseudo_0/adapter'

# sdebug_up LUNS PATHS [MODULE-OPTION...]: LUNS LUNs, each seen through PATHS
# scsi hosts (one WWID, PATHS sd devices).
sdebug_up() {
	local luns=$1 paths=$2 tgts=1 per=$1 t0
	shift 2
	if [ "$luns" -gt 256 ]; then tgts=$(( (luns + 255) / 256 )); per=256; fi
	t0=$(now)
	modprobe sd_mod && modprobe sg || return 1
	modprobe scsi_debug add_host="$paths" vpd_use_hostno=0 dev_size_mb="${SDEBUG_MB:-16}" \
		num_tgts="$tgts" max_luns="$per" "$@" || return 1
	if ! wait_for "${SDEBUG_TIMEOUT:-120}" sd_count_is "$SDEBUG_RE" $((luns * paths)); then
		say "scsi_debug: $(sd_count "$SDEBUG_RE") of $((luns * paths)) sd devices"
		return 1
	fi
	SDEBUG_UP_SECONDS=$(elapsed "$t0")
}
sdebug_devs() { sd_matching "$SDEBUG_RE"; }
sdebug_down() {
	mpath_flush
	lsmod | grep -q '^scsi_debug' || return 0
	wait_for 30 rmmod scsi_debug || { say "cannot unload scsi_debug"; return 1; }
}

# ---- source b: qemu virtio-scsi, one disk on two controllers ---------------------

VDISK_RE='/virtio[0-9]+/host'
vdisk_paths() { sd_matching "$VDISK_RE"; }
vdisk_path_of() { # INDEX -> sd device of path vpathINDEX (controller vsINDEX)
	local pci b
	# Controllers are added in order vs0, vs1: the nth virtio-scsi host.
	pci=$(for b in /sys/bus/virtio/drivers/virtio_scsi/virtio*; do basename "$b"; done |
		sort -V | sed -n "$(($1 + 1))p")
	[ -n "$pci" ] && sd_matching "/$pci/host"
}

# Asks the host (launcher) for a QMP action; waits for its answer.
qmp_request() { # del|add ID
	local id req
	id=$(date +%s%N)
	req=$VM_RESULTS/.vm/qmp/$id
	echo "$*" >"$req.tmp" && mv "$req.tmp" "$req.req"
	wait_for 20 test -e "$req.resp" || { say "host did not answer QMP request: $*"; return 1; }
	QMP_REPLY=$(cat "$req.resp")
	rm -f "$req.resp"
	case $QMP_REPLY in *'"error"'*) say "QMP $*: $QMP_REPLY"; return 1 ;; esac
	return 0
}
vdisk_unplug() { # INDEX
	[ "${VM_VDISK:-0}" = 1 ] || { say "guest has no virtio disk (launch -d)"; return 1; }
	local dev
	dev=$(vdisk_path_of "$1")
	qmp_request del "vpath$1" || return 1
	[ -z "$dev" ] || wait_for 30 test ! -e "/sys/block/$dev"
}
vdisk_plug() { # INDEX
	[ "${VM_VDISK:-0}" = 1 ] || { say "guest has no virtio disk (launch -d)"; return 1; }
	qmp_request add "vpath$1" || return 1
	wait_for 30 eval '[ -n "$(vdisk_path_of '"$1"')" ]'
}

# ---- source c: iSCSI (LIO target in a namespace, open-iscsi initiator) ----------

ISCSI_NS=mpvm-tgt
ISCSI_IQN=iqn.2003-01.org.mpvm:san
ISCSI_INIT=iqn.2003-01.org.mpvm:initiator
ISCSI_CFG=/sys/kernel/config/target
# portal index -> initiator-side link, initiator address, target address
ISCSI_LINK=(mpi0 mpi1)
ISCSI_PEER=(mpt0 mpt1)
ISCSI_IADDR=(192.0.2.1 198.51.100.1)
ISCSI_TADDR=(192.0.2.2 198.51.100.2)
ISCSI_RE='/session[0-9]+/'
: "${ISCSI_NOOP:=1}" "${ISCSI_RECOVERY:=2}"

iscsi_devs() { sd_matching "$ISCSI_RE"; }
iscsi_devs_on() { # PORTAL-INDEX -> sd devices of the session through that portal
	local s b
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s" ] || continue
		b=$(cat "$s"/device/connection*/iscsi_connection/connection*/persistent_address 2>/dev/null)
		[ "$b" = "${ISCSI_TADDR[$1]}" ] || continue
		sd_matching "/$(basename "$s")/"
	done
}

iscsi_up() { # LUNS [MB-per-LUN]
	local luns=$1 mb=${2:-16} i l ns=$ISCSI_NS tpg
	# Leftovers of an aborted test would make the logins fail.
	if [ -e "/run/netns/$ns" ] || [ -d "$ISCSI_CFG/iscsi/$ISCSI_IQN" ]; then
		iscsi_down
	fi
	modprobe -a target_core_mod iscsi_target_mod iscsi_tcp sd_mod sg || return 1
	mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	for i in 0 1; do
		ip link add "${ISCSI_LINK[$i]}" type veth peer name "${ISCSI_PEER[$i]}" netns "$ns" || return 1
		ip addr add "${ISCSI_IADDR[$i]}/30" dev "${ISCSI_LINK[$i]}"
		ip -n "$ns" addr add "${ISCSI_TADDR[$i]}/30" dev "${ISCSI_PEER[$i]}"
		ip link set "${ISCSI_LINK[$i]}" up
		ip -n "$ns" link set "${ISCSI_PEER[$i]}" up
	done
	tpg=$ISCSI_CFG/iscsi/$ISCSI_IQN/tpgt_1
	mkdir -p "$tpg" || return 1
	for ((l = 0; l < luns; l++)); do
		local bs f dev
		if [ "${ISCSI_BACKSTORE:-ramdisk}" = iblock ]; then
			# a loop device over a sparse file: it can grow (iscsi_lun_grow),
			# and LIO's iblock reports the device's size on READ CAPACITY
			f=/run/mpvm-lun$l.img
			modprobe -a loop target_core_iblock || return 1
			truncate -s "${mb}M" "$f" && dev=$(losetup -f --show "$f") || return 1
			bs=$ISCSI_CFG/core/iblock_0/mpvm$l
			mkdir -p "$bs" || return 1
			echo "udev_path=$dev" >"$bs/control"
		else
			bs=$ISCSI_CFG/core/rd_mcp_0/mpvm$l
			mkdir -p "$bs" || return 1
			echo "rd_pages=$((mb * 256))" >"$bs/control"
		fi
		echo 1 >"$bs/enable" || return 1
		# Hex serial: LIO builds the NAA WWID from its hex digits.
		printf '6d70766d%08x\n' "$l" >"$bs/wwn/vpd_unit_serial"
		mkdir "$tpg/lun/lun_$l"
		ln -s "$bs" "$tpg/lun/lun_$l/mpvm$l"
	done
	for i in 0 1; do
		nsenter --net="/run/netns/$ns" mkdir "$tpg/np/${ISCSI_TADDR[$i]}:3260" || return 1
	done
	mkdir -p "$tpg/acls/$ISCSI_INIT"
	for ((l = 0; l < luns; l++)); do
		mkdir "$tpg/acls/$ISCSI_INIT/lun_$l"
		ln -s "$tpg/lun/lun_$l" "$tpg/acls/$ISCSI_INIT/lun_$l/mpvm$l"
	done
	echo 0 >"$tpg/attrib/authentication"
	echo 1 >"$tpg/enable"

	mkdir -p /etc/iscsi /run/lock/iscsi
	echo "InitiatorName=$ISCSI_INIT" >/etc/iscsi/initiatorname.iscsi
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets
	# Its own session: on SIGTERM iscsid signals its whole process group,
	# which would otherwise be the test itself.
	pidof iscsid >/dev/null || { setsid iscsid -f >/run/iscsid.log 2>&1 </dev/null & }
	# iscsid answering = its control socket listening. (Waiting for
	# `iscsiadm -m session` to succeed cost the full 20 s: with no session
	# yet it fails, and it reads sysfs without asking iscsid anyway.)
	wait_for 20 grep -q '@ISCSIADM_ABSTRACT_NAMESPACE' /proc/net/unix ||
		say "iscsid's control socket is not listening"
	for i in 0 1; do
		local p=${ISCSI_TADDR[$i]}:3260
		timeout 30 iscsiadm -m discovery -t st -p "$p" >/dev/null || { say "discovery via $p failed"; return 1; }
	done
	for i in 0 1; do
		local p=${ISCSI_TADDR[$i]}:3260 k
		for k in "node.session.timeo.replacement_timeout=$ISCSI_RECOVERY" \
			"node.conn[0].timeo.noop_out_interval=$ISCSI_NOOP" \
			"node.conn[0].timeo.noop_out_timeout=$ISCSI_NOOP" \
			"node.session.err_timeo.abort_timeout=$ISCSI_RECOVERY" \
			"node.session.err_timeo.lu_reset_timeout=$ISCSI_RECOVERY"; do
			iscsiadm -m node -T "$ISCSI_IQN" -p "$p" -o update -n "${k%%=*}" -v "${k#*=}" >/dev/null
		done
		timeout 30 iscsiadm -m node -T "$ISCSI_IQN" -p "$p" --login >/dev/null || { say "login via $p failed"; return 1; }
	done
	wait_for 60 sd_count_is "$ISCSI_RE" $((luns * 2)) ||
		{ say "iscsi: $(sd_count "$ISCSI_RE") of $((luns * 2)) sd devices"; return 1; }
}

iscsi_down() {
	local tpg=$ISCSI_CFG/iscsi/$ISCSI_IQN/tpgt_1 a l i
	mpath_flush
	for i in 0 1; do iscsi_path_restore_all "$i" 2>/dev/null; done
	if pidof iscsid >/dev/null; then
		# By session, not by node record: the records may be gone already.
		for a in /sys/class/iscsi_session/session*; do
			[ -e "$a" ] || continue
			timeout 60 iscsiadm -m session -r "${a##*session}" -u >/dev/null 2>&1
		done
		timeout 20 iscsiadm -m node -o delete >/dev/null 2>&1
		wait_for 30 eval '! ls -d /sys/class/iscsi_session/session* >/dev/null 2>&1' ||
			say "iscsi sessions left after logout"
		kill $(pidof iscsid) 2>/dev/null
		wait_for 10 eval '[ -z "$(pidof iscsid)" ]' || kill -9 $(pidof iscsid) 2>/dev/null
	fi
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets
	if [ -d "$tpg" ]; then
		echo 0 >"$tpg/enable" 2>/dev/null
		for a in "$tpg"/acls/*/lun_*; do
			[ -d "$a" ] || continue
			find "$a" -maxdepth 1 -type l -exec rm -f {} +
			rmdir "$a"
		done
		for a in "$tpg"/acls/*; do [ -d "$a" ] && rmdir "$a"; done
		for l in "$tpg"/lun/lun_*; do
			[ -d "$l" ] || continue
			find "$l" -maxdepth 1 -type l -exec rm -f {} +
			rmdir "$l"
		done
		for a in "$tpg"/np/*; do [ -d "$a" ] && rmdir "$a"; done
		rmdir "$tpg" "$ISCSI_CFG/iscsi/$ISCSI_IQN"
	fi
	for l in "$ISCSI_CFG"/core/rd_mcp_0/mpvm*; do [ -d "$l" ] && rmdir "$l"; done
	[ -d "$ISCSI_CFG/core/rd_mcp_0" ] && rmdir "$ISCSI_CFG/core/rd_mcp_0"
	for l in "$ISCSI_CFG"/core/iblock_0/mpvm*; do [ -d "$l" ] && rmdir "$l"; done
	[ -d "$ISCSI_CFG/core/iblock_0" ] && rmdir "$ISCSI_CFG/core/iblock_0"
	for l in /run/mpvm-lun*.img; do
		[ -e "$l" ] || continue
		for i in $(losetup -n -O NAME -j "$l"); do losetup -d "$i"; done
		rm -f "$l"
	done
	for i in 0 1; do ip link del "${ISCSI_LINK[$i]}" 2>/dev/null; done
	ip netns del "$ISCSI_NS" 2>/dev/null
	return 0
}

# iscsi_lun_grow LUN MB: grows an iblock LUN (ISCSI_BACKSTORE=iblock) to MB;
# the initiator sees it after a rescan (iscsiadm -m session -R).
iscsi_lun_grow() {
	local f=/run/mpvm-lun$1.img dev
	dev=$(losetup -n -O NAME -j "$f" | head -n1)
	[ -n "$dev" ] || { say "LUN $1 has no loop device (ISCSI_BACKSTORE=iblock?)"; return 1; }
	truncate -s "$2M" "$f" && losetup -c "$dev"
}

iscsi_path_restore_all() { # PORTAL-INDEX
	ip link set "${ISCSI_LINK[$1]}" up
	ip -n "$ISCSI_NS" link set "${ISCSI_PEER[$1]}" up
	tc qdisc del dev "${ISCSI_LINK[$1]}" root 2>/dev/null
	return 0
}

# ---- path faults ---------------------------------------------------------------
# path_fail KIND TARGET / path_restore KIND TARGET
#   offline  TARGET = sdX           scsi device state offline / running
#   unplug   TARGET = virtio index  QMP device_del / device_add of vpathN
#   linkdown TARGET = portal index  target-side veth down / up
#   loss     TARGET = portal index  tc netem loss 100% / removed
#   delay    TARGET = portal index  tc netem delay ${NETEM_DELAY:-500ms} / removed

path_fail() {
	case $1 in
	offline) echo offline >"/sys/block/$2/device/state" ;;
	unplug) vdisk_unplug "$2" ;;
	linkdown) ip -n "$ISCSI_NS" link set "${ISCSI_PEER[$2]}" down ;;
	loss) tc qdisc replace dev "${ISCSI_LINK[$2]}" root netem loss 100% ;;
	delay) tc qdisc replace dev "${ISCSI_LINK[$2]}" root netem delay "${NETEM_DELAY:-500ms}" ;;
	*) say "unknown fault kind $1"; return 2 ;;
	esac
}
path_restore() {
	case $1 in
	offline) echo running >"/sys/block/$2/device/state" ;;
	unplug) vdisk_plug "$2" ;;
	linkdown) ip -n "$ISCSI_NS" link set "${ISCSI_PEER[$2]}" up ;;
	loss | delay) tc qdisc del dev "${ISCSI_LINK[$2]}" root ;;
	*) say "unknown fault kind $1"; return 2 ;;
	esac
}

# ---- multipath maps: the kernel's view ---------------------------------------------

# One line per dm-multipath map: NAME ACTIVE TOTAL (paths per dm status).
# One dmsetup call for all maps: polling must stay cheap at 256 maps.
mpath_maps() {
	dmsetup status --target multipath 2>/dev/null | awk '
	$4 == "multipath" {
		name = $1; sub(/:$/, "", name)
		i = 5; i += $i + 1          # feature args
		i += $i + 1                 # hardware handler args
		npg = $i; i += 2            # #groups, active group
		act = 0; tot = 0
		for (g = 0; g < npg; g++) {
			i++                     # group state A/E/D
			i += $i + 1             # selector group status args
			np = $i; nia = $(i + 1); i += 2
			for (p = 0; p < np; p++) {
				tot++; if ($(i + 1) == "A") act++
				i += 3 + nia
			}
		}
		print name, act, tot
	}'
}
mpath_count() { mpath_maps | grep -c .; }
# Maps whose table uses any of the given sd devices (NAME per line).
mpath_maps_of() { # DEV...
	local d nums=" "
	for d in "$@"; do nums="$nums$(devnum_of "$d") "; done
	dmsetup table --target multipath 2>/dev/null | awk -v nums="$nums" '
	{ name = $1; sub(/:$/, "", name)
	  for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+:[0-9]+$/ && index(nums, " " $i " ")) { print name; break } }'
}
# True when exactly N maps exist and every one has P active paths; with
# devices given, only the maps over those devices count.
mpath_all_active() { # N P [DEV...]
	local n=$1 p=$2 sel
	shift 2
	if [ $# -gt 0 ]; then
		sel=" $(mpath_maps_of "$@" | tr '\n' ' ')"
		[ "$(mpath_maps | awk -v p="$p" -v s="$sel" 'index(s, " " $1 " ") && $2 == p && $3 == p' | wc -l)" -eq "$n" ] &&
			[ "$(echo $sel | wc -w)" -eq "$n" ]
	else
		[ "$(mpath_maps | awk -v p="$p" '$2 == p && $3 == p' | wc -l)" -eq "$n" ]
	fi
}
mpath_active_paths() { mpath_maps | awk -v m="$1" '$1 == m { print $2 }'; }
# Path state (A/F) of device MAJ:MIN inside map NAME.
mpath_path_state() { # MAP MAJ:MIN
	dmsetup status "$1" 2>/dev/null | awk -v d="$2" '{ for (i = 1; i < NF; i++) if ($i == d) { print $(i + 1); exit } }'
}
mpath_flush() {
	local n
	# partition maps (kpartx-helpers' partN-mpath-*) first: each holds its
	# map open, and a map forced to an error table instead of removed
	# keeps its name and uuid from the next test's daemon
	for n in $(dmsetup info -c --noheadings --separator ' ' -o name,uuid 2>/dev/null |
		awk '$2 ~ /^part[0-9]+-mpath-/ { print $1 }'); do
		timeout 20 dmsetup remove --retry "$n" >/dev/null 2>&1
	done
	for n in $(dmsetup ls --target multipath 2>/dev/null | awk '$1 != "No" { print $1 }'); do
		dmsetup message "$n" 0 fail_if_no_path >/dev/null 2>&1
		timeout 20 dmsetup remove --retry "$n" >/dev/null 2>&1 ||
			timeout 20 dmsetup remove --force "$n" >/dev/null 2>&1
	done
	return 0
}

# ---- daemons through adapters -----------------------------------------------------

# daemon_use IMPL: sources adapters/IMPL.sh, which defines
#   adapter_name, adapter_available (prints why not, returns 1), adapter_install,
#   adapter_start, adapter_stop, adapter_pid
daemon_use() {
	local f=$VM_BED/adapters/$1.sh
	[ -r "$f" ] || { say "no adapter $1"; return 1; }
	. "$f"
	DAEMON_IMPL=$1
}
daemon_start() {
	modprobe -a dm_multipath dm_round_robin dm_queue_length dm_service_time || return 1
	adapter_start
}
daemon_stop() { adapter_stop; mpath_flush; }
daemon_pid() { adapter_pid; }
# CPU seconds (user+system) and RSS in kB of a process.
proc_cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat"; }
proc_rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
proc_hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
proc_threads() { awk '/^Threads/ { print $2 }' "/proc/$1/status"; }

# ---- logs ---------------------------------------------------------------------------

# collect_logs DIR-NAME: copies the guest's view into /results/logs/NAME.
collect_logs() {
	local d=$VM_RESULTS/logs/${1:-${VM_TEST_NAME:-job}}
	mkdir -p "$d"
	dmesg >"$d/dmesg.txt" 2>&1
	{ dmsetup table; echo; dmsetup status; } >"$d/dm.txt" 2>&1
	lsscsi -i >"$d/lsscsi.txt" 2>&1 || ls -l /sys/block >"$d/lsscsi.txt" 2>&1
	cp /run/*.log "$d/" 2>/dev/null
	iscsiadm -m session -P 3 >"$d/iscsi.txt" 2>&1
	return 0
}
