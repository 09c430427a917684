#!/bin/bash
# A LUN unmapped on the array: iSCSI, two LUNs through two portals; LUN 1
# is removed from the initiator's ACL on the LIO target, so both its
# paths still answer but with ILLEGAL REQUEST 25/00 (logical unit not
# supported). The daemon must purge those paths (why: "LUN gone") and,
# nothing holding it open, remove LUN 1's map, instead of keeping them as
# failed paths; LUN 0's map keeps both paths active and serves I/O.
# Figures: seconds from the unmapping to the map's removal.
# vm-timeout: 480
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4' 'flush_on_last_del always'
iscsi_up 2 || fail "iSCSI bring-up failed"
mpd_start || fail "daemon did not start"
CTL="$VM_BUILD/mpctl --socket $MPD_SOCK"
# the sd devices of LUN N (H:C:T:N) and the map holding them
lun_devs() { for s in /sys/class/iscsi_session/session*/device/target*/*:"$1"/block/*; do
	[ -e "$s" ] && basename "$s"; done; }
g=$(lun_devs 1 | tr '\n' ' '); k=$(lun_devs 0 | tr '\n' ' ')
[ "$(echo $g | wc -w)" = 2 ] && [ "$(echo $k | wc -w)" = 2 ] || fail "want 2 paths per LUN: LUN0 [$k] LUN1 [$g]"
must 60 "both maps with 2 active paths" eval '[ "$(mpath_maps_of $g | sort -u | wc -l)" = 1 ] && [ "$(mpath_maps_of $k | sort -u | wc -l)" = 1 ] && mpath_all_active 2 2 $g $k'
mg=$(mpath_maps_of $g | head -n1); mk=$(mpath_maps_of $k | head -n1)
say "LUN 0: $mk ($k); LUN 1: $mg ($g)"

tpg=$ISCSI_CFG/iscsi/$ISCSI_IQN/tpgt_1
t=$(now)
find "$tpg/acls/$ISCSI_INIT/lun_1" -maxdepth 1 -type l -exec rm -f {} + &&
	rmdir "$tpg/acls/$ISCSI_INIT/lun_1" || fail "cannot unmap LUN 1 from the ACL"
must 60 "$mg removed" eval '! dmsetup info "$mg" >/dev/null 2>&1'
figure lun-gone-to-map-removed-seconds "$(elapsed "$t")"
for dv in $g; do
	[ -e "/sys/block/$dv" ] || fail "$dv vanished: the test needs the device to stay (it answers)"
	$CTL --json show paths >/tmp/paths.json || fail "show paths"
	why=$(jq -r --arg d "$dv" '.[] | select(.dev == $d) | .why_not // .why // ""' /tmp/paths.json)
	case $why in *"LUN gone"*) ;; *) say "$(cat /tmp/paths.json)"; fail "$dv: why not in a map is '$why', want LUN gone" ;; esac
done
grep -q "LUN gone" /run/mpd.log || fail "daemon did not log the LUN as gone"
mpath_all_active 1 2 $k || fail "$mk lost paths: $(dmsetup status "$mk")"
read_ok "mapper/$mk" 20 || fail "$mk: I/O fails"
mpd_stop
iscsi_down || fail "iSCSI teardown failed"
