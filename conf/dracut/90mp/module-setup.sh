#!/bin/bash
# dracut module for mp (RHEL, Fedora, SUSE): the multipath stack in the
# initramfs, so that a root filesystem on a multipath device is assembled
# at boot. Installed as /usr/lib/dracut/modules.d/90mp/.
#
# Carries multipathd, mpctl (the udev claim helper), kpartx-helpers, our
# udev rules, /etc/multipath.conf with its config_dir, the bindings and
# wwids files, and the dm-multipath modules. With systemd in the initrd it
# runs multipathd.service there (mp-initrd.service, same daemon); without
# it, a pre-trigger hook starts the daemon.
#
# Hand-over: systemd stops initrd services and kills what is left before
# switch-root, so the initrd daemon ends there (maps stay in the kernel,
# which keeps failing over on its own) and the real root's
# multipathd.service starts after udev's coldplug, a gap of a few seconds
# in which no path is reinstated or added. (With initramfs-tools the daemon
# lives through switch_root instead; see conf/initramfs-tools.)
#
# Included when the root device sits on a multipath map (hostonly) or
# always in a generic image, and only if multipathd is installed.
#
# MP_INITRAMFS_ROOT (default empty, i.e. /) is where our files are taken
# from, as in the initramfs-tools hook: image builders and tests point it
# at a DESTDIR install.
src=${MP_INITRAMFS_ROOT:-}

check() {
	[[ -x $src/sbin/multipathd && -x $src/sbin/mpctl ]] || return 1
	if [[ $hostonly ]]; then
		local dev
		for dev in "${!host_fs_types[@]}"; do
			[[ $(cat "/sys/dev/block/$(get_maj_min "$dev")/dm/uuid" 2>/dev/null) == mpath-* ]] &&
				return 0
		done
		return 255
	fi
	return 0
}

depends() {
	echo rootfs-block dm
	return 0
}

installkernel() {
	hostonly='' instmods sg dm-multipath dm-round-robin dm-service-time dm-queue-length \
		scsi_dh_alua scsi_dh_emc scsi_dh_rdac
}

install() {
	local f
	for f in multipathd mpctl kpartx-helpers; do
		[[ -x $src/sbin/$f ]] && inst_binary "$src/sbin/$f" "/sbin/$f"
	done
	for f in 56-mp-path.rules 57-mp-map.rules; do
		[[ -e $src/lib/udev/rules.d/$f ]] && inst_simple "$src/lib/udev/rules.d/$f" "/lib/udev/rules.d/$f"
	done
	for f in /etc/multipath.conf /etc/multipath/bindings /etc/multipath/wwids \
		 "$src"/etc/multipath/conf.d/*.conf; do
		f=${f#"$src"}
		[[ -e $src$f ]] && inst_simple "$src$f" "$f"
	done
	if dracut_module_included "systemd"; then
		inst_simple "$moddir/mp-initrd.service" "$systemdsystemunitdir/mp-initrd.service"
		$SYSTEMCTL -q --root "$initdir" add-wants sysinit.target mp-initrd.service
	else
		inst_hook pre-trigger 02 "$moddir/mp-start.sh"
	fi
}
