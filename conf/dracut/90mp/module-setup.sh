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

check() {
	require_binaries multipathd mpctl || return 1
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
	inst_multiple multipathd mpctl
	inst_multiple -o kpartx-helpers
	inst_rules 56-mp-path.rules 57-mp-map.rules
	inst_simple /etc/multipath.conf
	inst_multiple -o /etc/multipath/bindings /etc/multipath/wwids
	local f
	for f in /etc/multipath/conf.d/*.conf; do
		[[ -e $f ]] && inst_simple "$f"
	done
	if dracut_module_included "systemd"; then
		inst_simple "$moddir/mp-initrd.service" "$systemdsystemunitdir/mp-initrd.service"
		$SYSTEMCTL -q --root "$initdir" add-wants sysinit.target mp-initrd.service
	else
		inst_hook pre-trigger 02 "$moddir/mp-start.sh"
	fi
}
