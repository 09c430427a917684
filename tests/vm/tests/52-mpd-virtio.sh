#!/bin/bash
# Our daemon on the two-controller virtio-scsi disk: one map with 2 paths;
# unplugging a path removes it from the table, plugging it back adds it
# and it is active again.
# vm-timeout: 300
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
[ "${VM_VDISK:-0}" = 1 ] || fail "guest started without the virtio disk"
mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4'
mpd_start || fail "daemon did not start"
vmap() { dmsetup info -c --noheadings -o name,uuid 2>/dev/null | awk -F: -v w="${VM_VDISK_WWN#0x}" 'index($2, w) { print $1 }'; }
must 60 "virtio map with 2 active paths" eval '[ -n "$(vmap)" ] && [ "$(mpath_active_paths "$(vmap)")" = 2 ]'
m=$(vmap)
t=$(now)
path_fail unplug 1 || fail "unplug failed"
must 30 "$m down to 1 path" eval '[ "$(mpath_maps | awk -v m='"$m"' '\''$1 == m { print $3 }'\'')" = 1 ]'
figure mpd-virtio-unplug-reload-seconds "$(elapsed "$t")"
read_ok "mapper/$m" 10 || fail "$m: I/O fails with one path"
t=$(now)
path_restore unplug 1 || fail "plug failed"
must 60 "replugged path active in $m" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
figure mpd-virtio-plug-reinstate-seconds "$(elapsed "$t")"
mpd_stop
