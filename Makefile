# Top-level build of the multipath stack: libmp (shared + static), the
# daemon, the CLI, the partition helper, unit tests, fuzzers and the VM bed.
#
#   make            build everything (gcc, -Werror) into build/
#   make check      deps, build, layering lint, unit tests under ASan+UBSan,
#                   short fuzz runs, then the integration tests in a qemu guest
#   make demo       the product on the built-in test SAN (qemu guest)
#   make bench      side-by-side figures against multipath-tools (qemu guest)
#   make install    honours DESTDIR and PREFIX

PREFIX    ?= /usr
SBINDIR   ?= /sbin
LIBDIR    ?= $(PREFIX)/lib/x86_64-linux-gnu
INCDIR    ?= $(PREFIX)/include
MANDIR    ?= $(PREFIX)/share/man
UDEVDIR   ?= /lib/udev
SYSTEMDDIR ?= /lib/systemd/system
DESTDIR   ?=

ifeq ($(origin CC),default)
CC := gcc
endif

BUILD ?= build
SAN   ?= 0

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wpointer-arith -Wvla -Wundef -Wcast-align \
	-Wno-unused-parameter
CFLAGS   ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS) -fPIC -D_GNU_SOURCE \
	-Iinclude -Ilibmp -MMD -MP
LDLIBS_SYS := $(shell pkg-config --libs libudev devmapper libsystemd json-c 2>/dev/null) \
	-laio -lsgutils2 -lpthread

ifeq ($(SAN),1)
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
SAN_LDFLAGS := -fsanitize=address,undefined
endif

LIBMP_SRCS := $(sort $(wildcard libmp/util/*.c libmp/core/*.c libmp/sys/*.c))
LIBMP_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LIBMP_SRCS))
LIBMP_SONAME := libmp.so.0

# Each program folder builds one binary named after the folder, from all of
# its .c files, linked against the static libmp (one binary, no rpath games).
PROG_DIRS := $(foreach d,multipathd mpctl kpartx-helpers,$(if $(wildcard $(d)/*.c),$(d)))
PROGS := $(patsubst %,$(BUILD)/%,$(PROG_DIRS))

# Small programs the VM integration tests run inside the guest to drive
# libmp's OS edges against the real kernel (tests/vm/progs/NAME.c).
VMPROG_SRCS := $(sort $(wildcard tests/vm/progs/*.c))
VMPROGS := $(patsubst tests/vm/progs/%.c,$(BUILD)/vmprogs/%,$(VMPROG_SRCS))

UNIT_SRCS := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all libs progs unit-tests deps check check-unit check-fuzz check-vm check-boot check-dracut kmod kmod-install kmod-dkms \
	lint demo bench install clean
all: libs progs $(VMPROGS)

libs: $(BUILD)/libmp.a $(BUILD)/$(LIBMP_SONAME)
progs: $(PROGS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libmp.a: $(LIBMP_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/$(LIBMP_SONAME): $(LIBMP_OBJS) libmp/libmp.map
	$(CC) -shared -Wl,-soname,$(LIBMP_SONAME) -Wl,--version-script=libmp/libmp.map \
		$(SAN_LDFLAGS) -o $@ $(LIBMP_OBJS) $(LDLIBS_SYS)
	ln -sf $(LIBMP_SONAME) $(BUILD)/libmp.so

define prog_rule
$(BUILD)/$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(1)/*.c)) $(BUILD)/libmp.a
	$$(CC) $$(SAN_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(BUILD)/libmp.a $$(LDLIBS_SYS) -lm
endef
$(foreach d,$(PROG_DIRS),$(eval $(call prog_rule,$(d))))

# Unit tests: one binary per module, each test-X.c plus the shared runner.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/main.o $(BUILD)/libmp.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_LDFLAGS) -o $@ $< $(BUILD)/obj/tests/unit/main.o $(BUILD)/libmp.a \
		$(LDLIBS_SYS) -lcunit -lm

unit-tests: $(UNIT_BINS)

$(BUILD)/vmprogs/%: $(BUILD)/obj/tests/vm/progs/%.o $(BUILD)/libmp.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_LDFLAGS) -o $@ $< $(BUILD)/libmp.a $(LDLIBS_SYS) -lm

deps:
	@scripts/install-deps
	@if [ -x tests/vm/fetch-debs ]; then tests/vm/fetch-debs; fi

# core/ is pure: no OS headers that do I/O, no clock reads. This keeps it
# unit-testable without a kernel; the sys/ adapters are the only way out.
lint:
	@scripts/check-layering

check: deps
	@scripts/check

check-unit: lint
	$(MAKE) SAN=1 BUILD=build/san unit-tests
	@scripts/run-unit build/san/tests

check-fuzz:
	@scripts/run-fuzz

check-vm: all kmod
	tests/vm/run-tests

check-boot: all
	tests/vm/boot/run-boot-test

# Boot through a dracut-built initramfs (unpacked dracut-core, 90mp), with
# dracut's shell init and with systemd in the initrd; not in `make check`:
# the dracut build alone takes 1-4 min on this host.
check-dracut: all
	tests/vm/boot/run-dracut-boot
	DRACUT_INIT=systemd tests/vm/boot/run-dracut-boot

# The byte-share path selector and the patched dm-multipath, out of tree
# against Debian's headers, into build/kernel/ (kernel/dm-byte-share/README.md).
kmod:
	KBUILD_OUT=$(abspath $(BUILD))/kernel kernel/build all

kmod-install:
	DESTDIR=$(DESTDIR) kernel/build install

kmod-dkms:
	DESTDIR=$(DESTDIR) kernel/build dkms-tree

demo: deps all
	tests/vm/demo

bench: deps all
	tests/vm/bench

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/mp $(DESTDIR)$(SBINDIR)
	install -m 0644 $(BUILD)/libmp.a $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(BUILD)/$(LIBMP_SONAME) $(DESTDIR)$(LIBDIR)/
	ln -sf $(LIBMP_SONAME) $(DESTDIR)$(LIBDIR)/libmp.so
	install -m 0644 include/mp/*.h $(DESTDIR)$(INCDIR)/mp/
	for p in $(PROGS); do install -m 0755 $$p $(DESTDIR)$(SBINDIR)/; done
	@if [ -f scripts/install-extra ]; then DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SBINDIR="$(SBINDIR)" \
		UDEVDIR="$(UDEVDIR)" SYSTEMDDIR="$(SYSTEMDDIR)" MANDIR="$(MANDIR)" \
		scripts/install-extra; fi

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
