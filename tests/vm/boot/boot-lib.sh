# shellcheck shell=bash
# Shared half of the boot tests (sourced by run-boot-test and
# run-dracut-boot; host-side, bash): PASS/FAIL bookkeeping, the DESTDIR
# install with the test's config, the two-path disk image with root-init,
# the qemu guest with its QMP path pulls, and the checks made on what
# root-init reported and on the image afterwards. Each test builds its own
# initramfs and calls these in order:
#
#   boot_setup W TOOL...      work dir W (emptied), temporary dir $tw
#   boot_install              make install DESTDIR=$tw/destdir (+ config) -> $d
#   (build the initramfs)     into $initrd
#   boot_image                $w/disk.img
#   boot_run "KERNEL ARGS"    boot, pull and replug each path, power off
#   boot_checks               handover, udev, failover steps, data
#   finish
#
# Variables the caller reads: here, root, build, kver, wwid, w, tw, d,
# initrd, img, con (console log).

here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${MPVM_BUILD:-$root/build}
kver=${MPVM_KVER:-$(uname -r)}
[ -r "/boot/vmlinuz-$kver" ] || kver=$(ls -1 /lib/modules | sort -rV | head -n1)
wwn=0x5000c0de00000001
wwid=35000c0de00000001
limit=${MPBOOT_TIMEOUT:-400}

pass=0 failn=0
ok() { echo "PASS $*"; pass=$((pass + 1)); }
ko() { echo "FAIL $*"; failn=$((failn + 1)); }
check() { # NAME REASON CMD...
	local n=$1 why=$2
	shift 2
	if "$@"; then ok "$n"; else ko "$n: $why"; fi
}
finish() { echo "$pass passed, $failn failed"; [ "$failn" = 0 ]; exit $?; }
abort() { ko "$1"; finish; }
el() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# boot_setup W TOOL...: root, the tools, an empty W, and $tw, a temporary
# directory outside build/ (its rules.d/conf.d directories would end up in
# the Makefile's `find build -name '*.d'`), removed at exit.
boot_setup() {
	local t
	w=$1
	shift
	[ "$(id -u)" = 0 ] || abort "setup: needs root (make install into a DESTDIR, initramfs, qemu)"
	for t in "$@" qemu-system-x86_64 sfdisk mke2fs debugfs socat busybox; do
		command -v "$t" >/dev/null || abort "setup: $t missing (see scripts/deps-boot.txt)"
	done
	rm -rf "$w"
	mkdir -p "$w"
	tw=$(mktemp -d "${TMPDIR:-/tmp}/mpboot.XXXXXX")
	trap 'rm -rf "$tw"' EXIT
	initrd=$w/initrd.img
	img=$w/disk.img
	con=$w/console.log
}

# boot_install: our binaries, rules and boot pieces into $d, with the
# test's multipath.conf, bindings (mpatha) and wwids.
boot_install() {
	d=$tw/destdir
	if ! make -s -C "$root" install DESTDIR="$d" >"$w/install.log" 2>&1; then
		tail -n 5 "$w/install.log"
		abort "install: make install DESTDIR failed (see $w/install.log)"
	fi
	mkdir -p "$d/etc/multipath"
	cat >"$d/etc/multipath.conf" <<EOC
defaults {
	user_friendly_names	yes
	find_multipaths		strict
	polling_interval	2
	no_path_retry		fail
}
EOC
	echo "mpatha $wwid" >"$d/etc/multipath/bindings"
	echo "/$wwid/" >"$d/etc/multipath/wwids"
}

# boot_image: a 256 MiB raw image, MBR with one ext4 partition made without
# loop or mount (sfdisk on the file, mke2fs -d into a side file, dd into
# place), holding busybox, udevd, dmsetup, our binaries (with their
# libraries) and root-init as /sbin/init.
boot_image() {
	local r=$tw/rootfs p f a
	mkdir -p "$r"/{bin,sbin,etc/multipath,lib/udev/rules.d,lib/systemd,usr/lib/mp,usr/bin,proc,sys,dev,run,tmp}
	cp /bin/busybox "$r/bin/busybox"
	for a in $(busybox --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
	for p in multipathd mpctl kpartx-helpers; do boot_copy_bin "$r" "$d/sbin/$p" "/sbin/$p"; done
	boot_copy_bin "$r" /lib/systemd/systemd-udevd /lib/systemd/systemd-udevd
	boot_copy_bin "$r" /bin/udevadm /bin/udevadm
	boot_copy_bin "$r" /sbin/dmsetup /sbin/dmsetup
	boot_copy_bin "$r" /usr/bin/flock /usr/bin/flock
	boot_copy_bin "$r" /lib/udev/scsi_id /lib/udev/scsi_id
	cp "$d/usr/lib/mp/mp-handover" "$r/usr/lib/mp/"
	sed -i '1s|.*|#!/bin/sh|' "$r/usr/lib/mp/mp-handover"
	for f in 50-udev-default.rules 55-dm.rules 60-persistent-storage.rules \
		60-persistent-storage-dm.rules 95-dm-notify.rules 99-systemd.rules; do
		cp "/lib/udev/rules.d/$f" "$r/lib/udev/rules.d/"
	done
	cp "$d"/lib/udev/rules.d/5[67]-mp-*.rules "$r/lib/udev/rules.d/"
	cp "$d/etc/multipath.conf" "$r/etc/"
	cp "$d/etc/multipath/bindings" "$d/etc/multipath/wwids" "$r/etc/multipath/"
	# systemd's switch-root (systemd in a dracut initrd) refuses a root
	# without os-release when no init= is given.
	printf 'ID=mpboot\nNAME="mp boot test"\n' >"$r/etc/os-release"
	echo 'root:x:0:0:root:/:/bin/sh' >"$r/etc/passwd"
	echo 'root:x:0:' >"$r/etc/group"
	: >"$r/data.txt"
	cp "$here/root-init" "$r/sbin/init"
	chmod 755 "$r/sbin/init"
	truncate -s 256M "$img"
	echo 'start=2048, type=83' | sfdisk -q "$img" >"$w/sfdisk.log" 2>&1 || abort "image: sfdisk failed"
	rm -f "$w/part.img"
	mke2fs -q -t ext4 -L mproot -d "$r" "$w/part.img" 261120k >"$w/mke2fs.log" 2>&1 ||
		abort "image: mke2fs -d failed (see $w/mke2fs.log)"
	dd if="$w/part.img" of="$img" bs=1M seek=1 conv=notrunc status=none
	rm -f "$w/part.img"
}

boot_copy_bin() { # ROOT SRC DST: a binary and the libraries ldd names
	local r=$1 l
	mkdir -p "$r$(dirname "$3")"
	cp -L "$2" "$r$3"
	for l in $(ldd "$2" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
		[ -e "$r$l" ] || { mkdir -p "$r$(dirname "$l")"; cp -L "$l" "$r$l"; }
	done
}

# ---- the guest -----------------------------------------------------------------------
qmp() { # JSON
	{ echo '{"execute":"qmp_capabilities"}'; echo "$1"; sleep 0.3; } |
		timeout 10 socat -t 2 - "UNIX-CONNECT:$w/qmp.sock" 2>&1 | tr -d '\r' |
		grep -v -e '"QMP"' -e '"event"' | tail -n 1
}
vpath_add() {
	qmp "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"scsi-hd\",\"id\":\"vpath$1\",\"bus\":\"vs$1.0\",\"drive\":\"vd$1\",\"wwn\":\"$wwn\",\"serial\":\"MPBOOT01\",\"share-rw\":true}}"
}
vpath_del() { qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"vpath$1\"}}"; }
line() { grep -a -m1 "^MPBOOT $1" "$con" | tr -d '\r'; }
# wait_line PATTERN SECS: until the console shows it (or qemu ended).
wait_line() {
	local i=0
	while [ $i -lt $(($2 * 5)) ]; do
		[ -n "$(line "$1")" ] && return 0
		kill -0 "$qpid" 2>/dev/null || { [ -n "$(line "$1")" ]; return; }
		sleep 0.2; i=$((i + 1))
	done
	return 1
}

# boot_run "KERNEL ARGS": qemu with two virtio-scsi controllers (pinned
# addresses, so vpathN is on vsN) on the same image, the initramfs $initrd,
# root=/dev/mapper/mpatha-part1 plus ARGS; waits for root-init's report,
# pulls and replugs each path over QMP as root-init goes, and waits for
# the guest to power off (killed after ~10 s more). Sets boot_t0.
boot_run() {
	local args i s ta rt rl
	local actions=("vpath_del 0" "vpath_add 0" "vpath_del 1" "vpath_add 1")
	args=(
		-name mpboot -machine q35 -accel tcg -cpu max -smp 2 -m 1G
		-nic none -display none -no-reboot -monitor none
		-serial "file:$con" -qmp "unix:$w/qmp.sock,server=on,wait=off"
		-kernel "/boot/vmlinuz-$kver" -initrd "$initrd"
		-append "console=ttyS0 root=/dev/mapper/mpatha-part1 rw panic=-1 loglevel=4 no_timer_check $1"
	)
	for i in 0 1; do
		args+=(
			-device "virtio-scsi-pci,id=vs$i,addr=0x$((8 + i))"
			-blockdev "driver=raw,node-name=vd$i,file.driver=file,file.filename=$img,file.locking=off"
			-device "scsi-hd,bus=vs$i.0,drive=vd$i,id=vpath$i,wwn=$wwn,serial=MPBOOT01,share-rw=on"
		)
	done
	printf "%q " qemu-system-x86_64 "${args[@]}" >"$w/qemu.log"; echo >>"$w/qemu.log"
	: >"$con"
	boot_t0=$(date +%s.%N)
	qemu-system-x86_64 "${args[@]}" >>"$w/qemu.log" 2>&1 &
	qpid=$!
	trap 'kill $qpid 2>/dev/null; rm -rf "$tw"' EXIT
	if wait_line "root " "$limit"; then
		rt=$(el "$boot_t0")
		rl=$(line "root ")
		case $rl in
		"MPBOOT root /dev/mapper/mpatha-part1"*|"MPBOOT root /dev/dm-"*) ok "boot: root mounted from ${rl#MPBOOT root } (host ${rt}s after qemu start)" ;;
		*) ko "boot: root is not on the map: $rl" ;;
		esac
		wait_line "ready" 240
		for s in 1 2 3 4; do
			# the step before is done (or we are at ready): act
			[ "$s" = 1 ] || wait_line "step $((s - 1)) done" 180
			ta=$(date +%s.%N)
			${actions[$((s - 1))]} >>"$w/qmp.log"
			echo "$(date +%T) ${actions[$((s - 1))]}" >>"$w/qmp.log"
			wait_line "step $s done" 180
			echo "step $s: $(el "$ta")s" >>"$w/qmp.log"
		done
		wait_line "end" 120
	else
		ko "boot: no root within ${limit}s"
	fi
}

# boot_stop: give the guest 10 s to power off, then end it.
boot_stop() {
	local i
	for i in $(seq 1 50); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.2; done
	kill "$qpid" 2>/dev/null
	wait "$qpid" 2>/dev/null
	trap 'rm -rf "$tw"' EXIT
	echo "boot test: guest ran $(el "$boot_t0")s" >&2
}

# boot_checks: what root-init reported (the initramfs daemon through
# switch_root, the hand-over, udev's marks and links, each failover step)
# and, after poweroff, the data on the image (debugfs).
boot_checks() {
	local l s n what data
	l=$(line "initramfs-daemon ")
	if [ "${boot_handover_expect:-alive}" = gone ]; then
		# The drop-in's line proves mp-initrd.service ran and was stopped
		# (a daemon that never started would be "gone" as well).
		s=$(line "initrd-stopped ")
		n=no
		grep -q "gone" <<<"$l" && [ -n "$s" ] && n=yes
		check "handover: mp-initrd.service ran and systemd stopped it before switch-root" \
			"${l:-no initramfs-daemon line}; ${s:-no initrd-stopped line (ExecStopPost did not run)}" [ "$n" = yes ]
		l=$s
		s=$(line "answering-at ")
		if [ -n "$l" ] && [ -n "$s" ]; then
			echo "handover gap: initrd daemon stopped at uptime ${l##* }s, real root's daemon answering at ${s##* }s:" \
				"$(awk -v a="${l##* }" -v b="${s##* }" 'BEGIN { printf "%.2f", b - a }')s without a daemon"
		else
			echo "handover gap: not measured (${l:-no initrd-stopped line}, ${s:-no answering-at line})"
		fi
	else
		check "handover: the initramfs daemon lived through switch_root" "${l:-no report}" \
			grep -q "alive" <<<"$l"
	fi
	l=$(line "handover ")
	check "handover: mp-handover stopped it and the real root's daemon answers (${l#MPBOOT handover })" \
		"${l:-no report}" grep -qE 'rc 0 .*answering-after [0-9.]+s old-alive no' <<<"$l"
	l=$(grep -a '^MPBOOT path ' "$con" | tr -d '\r')
	check "udev: both paths marked DM_MULTIPATH_DEVICE_PATH=1 SYSTEMD_READY=0 ID_FS_TYPE=mpath_member" \
		"${l:-no path lines}" test "$(grep -c 'DM_MULTIPATH_DEVICE_PATH=1.*SYSTEMD_READY=0.*\|SYSTEMD_READY=0.*DM_MULTIPATH_DEVICE_PATH=1' <<<"$l")" -eq 2 -a \
		"$(grep -c 'ID_FS_TYPE=mpath_member' <<<"$l")" -eq 2
	l=$(line "links ")
	check "udev: /dev/disk/by-id/dm-uuid-mpath-$wwid and dm-name-mpatha" "${l:-no report}" \
		grep -q "dm-name-mpatha .*dm-uuid-mpath-$wwid\|dm-uuid-mpath-$wwid.*dm-name-mpatha" <<<"$l"
	for s in 1 2 3 4; do
		case $s in 1) what="vpath0 pulled: map down to 1 path" ; n=1 ;;
		2) what="vpath0 back: map has 2 paths again" ; n=2 ;;
		3) what="vpath1 pulled: map down to 1 path" ; n=1 ;;
		4) what="vpath1 back: map has 2 paths again" ; n=2 ;; esac
		l=$(line "step $s slaves")
		check "failover step $s: $what, root writable (fsync)" "${l:-no report} $(line "write step$s")" \
			grep -q "step $s slaves $n " <<<"$l"
		l=$(line "write step$s")
		[ "$l" = "MPBOOT write step$s ok" ] || ko "failover step $s: write failed: ${l:-no report}"
	done
	dd if="$img" of="$w/part.img" bs=1M skip=1 status=none
	data=$(debugfs -R "cat /data.txt" "$w/part.img" 2>/dev/null)
	rm -f "$w/part.img"
	check "data: the writes of every step are on the image after poweroff (debugfs)" \
		"data.txt: $(echo "$data" | tr '\n' '|')" grep -q '^step4 ' <<<"$data"
}
