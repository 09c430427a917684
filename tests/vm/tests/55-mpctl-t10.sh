#!/bin/bash
# add map with a t10. WWID, on a real device: scsi_debug with uuid_ctl=1
# puts a UUID designator in place of its logical unit's NAA one; neither
# the kernel nor the daemon takes a UUID, so both fall back to the T10
# vendor id (sysfs "t10.Linux   scsi_debug      NNNN", with blanks). 1 LUN x
# 2 paths: the map is made under the T10 WWID; del map, then add map with
# the sysfs form as one argument brings it back. Then the same sysfs form
# through the compat clients, quoted and split over words by the shell (as
# a script's unquoted $wwid does): multipathd del map / add map / resize
# map, one quoted command word, multipath -w / -a (the daemon's wwids file gets the WWID
# form, and -a prints it), multipath -f, and mpctl add map split; words
# that are not one t10. WWID are refused by each.
# vm-timeout: 180
. "$VM_LIB/guest.sh"
. "$VM_BED/tests/mpd-lib.bash"
t0=$(now)
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

# the compat clients with the sysfs form (t10. with blanks)
mpctl_soft_fail
mpd_cmp() { timeout 20 "$MPD_BIN" --socket "$MPD_SOCK" "$@"; }
MP=/tmp/mpbin/multipath
mkdir -p /tmp/mpbin && ln -sf "$VM_BUILD/mpctl" "$MP"
mp() { MPCTL_SOCKET=$MPD_SOCK timeout 30 "$MP" "$@"; }
gone() { must 15 "$m removed ($1)" eval '! dmsetup info '"$m"' >/dev/null 2>&1'; }
back() { must 20 "$m back with 2 active paths ($1)" eval '[ "$(mpath_active_paths '"$m"')" = 2 ]'; }
# shellcheck disable=SC2086 # split on purpose, as an unquoted $wwid is
r=$(mpd_cmp del map $sw); [ "$r" = ok ] || fail "multipathd del map, t10 split: '$r'"
gone "multipathd del map split"
r=$(mpd_cmp "add map $sw"); [ "$r" = ok ] || fail "multipathd 'add map t10...' as one word: '$r'"
back "multipathd add map, one command word"
# on the map present, add map answers ok only for a WWID it resolves (the
# daemon refuses the t10. words as they are: too many, or blanks)
r=$(mpd_cmp add map $sw); [ "$r" = ok ] || fail "multipathd add map, t10 split: '$r'"
r=$(mpd_cmp add map "$sw"); [ "$r" = ok ] || fail "multipathd add map, t10 quoted: '$r'"
r=$(mpd_cmp resize map "$sw"); [ "$r" = ok ] || fail "multipathd resize map, t10 quoted: '$r'"
r=$(mpd_cmp add map nosuch words 2>/tmp/err); rc=$?
[ "$r" = fail ] && [ "$rc" = 1 ] || fail "multipathd add map of two words: '$r' rc $rc"
say "multipathd add map nosuch words: $r / $(cat /tmp/err)"
WF=$MPD_TEST_DIR/wwids
grep -q "^/$w/\$" "$WF" || fail "the daemon did not record $w in $WF"
r=$(mp -w $sw); [ "$r" = "wwid '$w' removed" ] || fail "multipath -w, t10 split: '$r'"
grep -q "$w" "$WF" && fail "multipath -w left $w in $WF"
r=$(mp -a "$sw"); [ "$r" = "wwid '$w' added" ] || fail "multipath -a, t10 quoted: '$r'"
grep -q "^/$w/\$" "$WF" || fail "multipath -a did not write /$w/ to $WF"
grep -q "t10\." "$WF" && fail "multipath -a wrote the sysfs form to $WF"
mp -a nosuch words 2>/tmp/err && fail "multipath -a of two words that are not a t10. WWID succeeded"
say "multipath -a nosuch words: $(cat /tmp/err)"
mp -f $sw 2>/tmp/err || fail "multipath -f, t10 split: $(cat /tmp/err)"
gone "multipath -f split"
expect_rc 0 ctl add map $sw
back "mpctl add map split"
expect_rc 2 ctl add map nosuch words
mp -ll "$sw" | grep -qE "^$m \($w\) " || fail "multipath -ll with the t10 form quoted"
figure mpctl_t10_seconds "$(elapsed "$t0")"
mpctl_soft_fail_end
