#!/bin/bash
# add map with a t10. WWID, on a real device: scsi_debug with uuid_ctl=1
# puts a UUID designator in place of its logical unit's NAA one; neither
# the kernel nor the daemon takes a UUID, so both fall back to the T10
# vendor id (sysfs "t10.Linux   scsi_debug      NNNN", with blanks). 1 LUN x
# 2 paths: the map is made under the T10 WWID; del map, then add map with
# the sysfs form as one argument brings it back.
# vm-timeout: 150
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
mpd_setup_conf 'polling_interval 2'
sdebug_up 1 2 uuid_ctl=1 || fail "scsi_debug did not give 2 sd devices"
d=$(mpd_sdebug_devs | head -n1)
sw=$(sed 's/[[:space:]]*$//' "/sys/block/$d/device/wwid")
say "sysfs wwid of $d: '$sw'"
case $sw in t10.*) ;; *) fail "scsi_debug uuid_ctl=1 gave '$sw', not a t10. designator" ;; esac
mpd_start || fail "daemon did not start"
must 60 "1 scsi_debug map with 2 active paths" mpd_sdebug_maps_ready 1 2
m=$(mpd_sdebug_maps | head -n1)
expect_rc 0 ctl --json show topology "$m"
w=$(jq -r '.[0].wwid' /tmp/out)
say "map $m, WWID $w"
[ "${w:0:1}" = 1 ] || fail "map WWID $w is not of the T10 form (1...)"
expect_rc 0 ctl del map "$m"
must 15 "$m removed" eval '! dmsetup info '"$m"' >/dev/null 2>&1'
expect_rc 0 ctl add map "$sw"
must 20 "$m back with 2 active paths" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'
[ "$(dmsetup info -c --noheadings -o uuid "$m")" = "mpath-$w" ] || fail "$m came back with another uuid"
