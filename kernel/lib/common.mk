# Shared by the standalone Makefiles (DKMS trees and by-hand builds).
# KVER defaults to the running kernel, else the newest kernel with a build
# tree (this host runs a kernel without one; the guests run Debian's).
KVER ?= $(shell k=$$(uname -r); if [ -d /lib/modules/$$k/build ]; then echo $$k; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1 | cut -d/ -f4; fi)
KDIR ?= /lib/modules/$(KVER)/build
LIB  := $(firstword $(wildcard $(CURDIR)/lib $(CURDIR)/../lib))
