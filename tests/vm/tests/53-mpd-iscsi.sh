#!/bin/bash
# Our daemon on iSCSI, one LUN through two portals: portal 0's link down
# fails its path in the kernel (NOP-out 1 s, recovery 2 s); link up
# reinstates it. Figures: time to F and back to A.
# vm-timeout: 540
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
mpd_setup_conf 'polling_interval 2' 'max_polling_interval 4'
iscsi_up 1 || fail "iSCSI bring-up failed"
d=$(iscsi_devs_on 0); o=$(iscsi_devs_on 1)
[ -n "$d" ] && [ -n "$o" ] || fail "no path per portal ($d/$o)"
mpd_start || fail "daemon did not start"
imap() { dmsetup ls --target multipath | awk '{ print $1 }' | while read -r n; do
	dmsetup table "$n" | grep -qw "$(devnum_of "$d")" && echo "$n"; done; }
must 60 "iSCSI map with 2 active paths" eval '[ -n "$(imap)" ] && [ "$(mpath_active_paths "$(imap)")" = 2 ]'
m=$(imap); dt=$(devnum_of "$d")
t=$(now)
path_fail linkdown 0 || fail "cannot take portal 0 down"
must 60 "$d failed in $m" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = F ]'
figure mpd-iscsi-linkdown-to-F-seconds "$(elapsed "$t")"
read_ok "mapper/$m" 20 || fail "$m: I/O fails with portal 1 up"
t=$(now)
path_restore linkdown 0 || fail "cannot bring portal 0 up"
must 90 "$d reinstated in $m" eval '[ "$(mpath_path_state '"$m"' '"$dt"')" = A ]'
figure mpd-iscsi-linkup-to-A-seconds "$(elapsed "$t")"
mpd_stop
iscsi_down || fail "iSCSI teardown failed"
