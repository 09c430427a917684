#!/bin/bash
# scsi_debug fault: a path set offline fails direct I/O at once; set running
# again, the same path serves I/O.
# vm-timeout: 180
. "$VM_LIB/guest.sh"
sdebug_up 1 2 || fail "scsi_debug did not come up"
for d in $(sdebug_devs); do
	read_ok "$d" 10 || fail "$d: direct read fails before any fault"
	path_fail offline "$d" || fail "$d: cannot set offline"
	! read_ok "$d" 10 || fail "$d: direct read still succeeds while offline"
	write_ok "$d" 10 && fail "$d: direct write still succeeds while offline"
	path_restore offline "$d" || fail "$d: cannot set running"
	read_ok "$d" 10 || fail "$d: direct read fails after restore"
	say "$d: offline fails I/O, running restores it"
done
sdebug_down || fail "scsi_debug would not unload"
