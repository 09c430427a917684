#!/bin/sh
# dracut pre-trigger hook (initrd without systemd): start multipathd before
# udev's coldplug so that the paths are claimed and assembled as they come.
type getargbool >/dev/null 2>&1 || . /lib/dracut-lib.sh
getargbool 1 rd.mp || return 0
modprobe -abq sg dm-multipath dm-round-robin dm-service-time scsi_dh_alua
mkdir -p /run/multipathd
/sbin/multipathd -d </dev/null >>/run/multipathd/initrd.log 2>&1 &
