# nagare: one non-recursive Makefile.  Each folder adds its sources in a
# *.mk fragment; everything is built under build/.
#
#   make            build/nagare.img (UEFI disk image) and build/kernel.elf
#   make run        boot the image in QEMU, console on this terminal
#                   (BOOT=pvh: direct kernel boot; SCRIPT=FILE: type FILE's lines)
#   make check      host unit tests, lwIP's suite, the glue layer and the fuzz
#                   corpora on the host, then integration tests in QEMU
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS (tests/fuzz)
#   make deps       install Debian packages, fetch lwIP (run by run/check)
#   make docs       regenerate docs/tuning.md from the sysctl table

.DEFAULT_GOAL := all
SHELL := /bin/bash
B := build
CC := gcc
LD := ld
PYTHON := /usr/bin/python3
QEMU := qemu-system-x86_64
OVMF := /usr/share/ovmf/OVMF.fd

LWIP := third_party/lwip
LWIP_STAMP := $(LWIP)/.fetched
LWIP_PATCHES := $(sort $(wildcard net/lwip/patches/*.patch))

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
GCC_INC := $(shell $(CC) -print-file-name=include)

# The kernel: freestanding, position-independent (kernel/reloc.c), no SSE
# (interrupts save no FPU state), frame pointers for stack traces.
KCFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdinc -isystem kernel/libc/include \
	-isystem $(GCC_INC) -isystem $(B)/sysinc -I. -Inet/lwip -I$(LWIP)/src/include \
	-fpie -fvisibility=hidden -mno-red-zone -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-fno-strict-aliasing -fcf-protection=none -MMD -MP
OWN_WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
LWIP_WARN := -Wall -Wno-address
KLDFLAGS := -nostdlib -static -pie --no-dynamic-linker -z text -z noexecstack \
	-z max-page-size=4096 --build-id=none -T linker.ld

KERNEL_SRCS :=
LWIP_SRCS :=
HOST_TEST_SRCS :=

include boot/boot.mk
include kernel/kernel.mk
include drivers/drivers.mk
include net/net.mk
include tests/tests.mk
include tests/glue/glue.mk
include tests/fuzz/fuzz.mk
include bench/rxpath/rxpath.mk
include bench/route/route.mk

KOBJS := $(patsubst %,$(B)/k/%.o,$(basename $(KERNEL_SRCS)))
LWIP_OBJS := $(patsubst $(LWIP)/%.c,$(B)/lwip/%.o,$(LWIP_SRCS))

.PHONY: all run check deps lwip docs clean distclean
all: $(B)/nagare.img $(B)/kernel.elf

# --- dependencies -----------------------------------------------------------
DEBIAN_PACKAGES := build-essential gnu-efi ovmf qemu-system-x86 mtools dosfstools gdisk \
	linux-libc-dev check pkg-config python3 python3-pytest python3-scapy wrk hping3 \
	iperf fping iputils-ping curl tshark iproute2 nftables xz-utils patch apt dpkg-dev valgrind \
	clang libclang-rt-14-dev llvm gnuplot-nox

deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "deps: missing packages (run make deps as root): $$missing" >&2; exit 1; fi; \
		echo "deps: installing $$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null; \
	fi
	@$(MAKE) --no-print-directory lwip

# After the packages: the fetch needs apt-get, tar with xz, and patch.
# The tree is fetched again when the patch set changes, by content, so a
# patch removed or put back with an old date counts too.
LWIP_SUM := third_party/lwip-patches.sha256
$(LWIP_SUM): FORCE
	@mkdir -p third_party
	@sha256sum net/lwip/fetch.sh $(LWIP_PATCHES) > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
lwip: $(LWIP_STAMP)
$(LWIP_STAMP): $(LWIP_SUM)
	@command -v apt-get >/dev/null || { echo "lwip: apt-get is needed to fetch lwIP" >&2; exit 1; }
	@net/lwip/fetch.sh $(LWIP)
	@touch $@

# --- kernel -----------------------------------------------------------------
# The virtio spec headers (linux-libc-dev) without the rest of /usr/include:
# build/sysinc holds only linux/, asm/ and asm-generic/.
SYSINC := $(B)/sysinc/.done
$(SYSINC):
	@mkdir -p $(B)/sysinc
	ln -sfn /usr/include/linux $(B)/sysinc/linux
	ln -sfn /usr/include/asm-generic $(B)/sysinc/asm-generic
	ln -sfn /usr/include/$$($(CC) -print-multiarch)/asm $(B)/sysinc/asm
	@touch $@

$(B)/k/%.o: %.c | $(LWIP_STAMP) $(SYSINC)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(OWN_WARN) -c $< -o $@

# The version the banner prints, in a header rewritten only when it changes,
# so a new commit rebuilds kernel/main.c and nothing else.
$(B)/version.h: FORCE
	@mkdir -p $(B)
	@echo '#define NAGARE_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(B)/k/kernel/main.o: $(B)/version.h
$(B)/k/kernel/main.o: KCFLAGS += -include $(B)/version.h
.PHONY: FORCE
FORCE:

$(B)/k/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(B)/lwip/%.o: $(LWIP)/%.c | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(LWIP_WARN) -c $< -o $@

$(LWIP_SRCS): $(LWIP_STAMP)

# Two links: the first gives the symbol table that the second embeds for
# stack traces (.ksyms sits after .rodata, so no code address moves; the
# recipe checks that).  Only R_X86_64_RELATIVE relocations may remain.
$(B)/ksyms0.S:
	@mkdir -p $(B)
	printf '\t.section .ksyms,"a"\n\t.globl ksyms_count, ksyms_off, ksyms_name, ksyms_str\n\t.balign 4\nksyms_count: .long 0\nksyms_off:\nksyms_name:\nksyms_str: .byte 0\n' > $@

$(B)/kernel.pass1.elf: $(KOBJS) $(LWIP_OBJS) $(B)/k/ksyms0.o linker.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(LWIP_OBJS) $(B)/k/ksyms0.o

$(B)/k/ksyms0.o: $(B)/ksyms0.S
	$(CC) -c $< -o $@

$(B)/ksyms.S: $(B)/kernel.pass1.elf
	nm -n --radix=d --defined-only $< | awk -f kernel/ksyms.awk > $@

$(B)/k/ksyms.o: $(B)/ksyms.S
	$(CC) -c $< -o $@

$(B)/kernel.elf: $(KOBJS) $(LWIP_OBJS) $(B)/k/ksyms.o linker.ld
	$(LD) $(KLDFLAGS) -o $@.tmp $(KOBJS) $(LWIP_OBJS) $(B)/k/ksyms.o
	@diff <(nm -n $(B)/kernel.pass1.elf | grep ' [tT] ') <(nm -n $@.tmp | grep ' [tT] ') >/dev/null \
		|| { echo "kernel.elf: code moved between the two links" >&2; exit 1; }
	@if readelf -rW $@.tmp | awk 'NR > 3 && NF >= 3 && $$3 != "R_X86_64_RELATIVE" && $$3 ~ /^R_/' | grep -q .; then \
		echo "kernel.elf: relocations other than R_X86_64_RELATIVE:" >&2; readelf -rW $@.tmp | head >&2; exit 1; fi
	@# kernel/reloc.c applies __rela_start..__rela_end: it must be all of .rela.dyn.
	@size=$$(( 0x$$(readelf -SW $@.tmp | awk '$$2 == ".rela.dyn" { print $$6 }') )); \
	start=$$(( 0x$$(nm $@.tmp | awk '$$3 == "__rela_start" { print $$1 }') )); \
	end=$$(( 0x$$(nm $@.tmp | awk '$$3 == "__rela_end" { print $$1 }') )); \
	[ $$((end - start)) = $$size ] || { echo "kernel.elf: __rela_start..__rela_end covers $$((end - start)) of .rela.dyn's $$size bytes" >&2; exit 1; }
	mv $@.tmp $(B)/kernel.debug.elf
	strip --strip-debug -o $@ $(B)/kernel.debug.elf
	@echo "kernel.elf: $$(stat -c %s $@) bytes (with debug info: build/kernel.debug.elf)"

# --- disk image: GPT with one FAT32 EFI system partition --------------------
ESP_MB := 34
$(B)/esp.img: $(B)/BOOTX64.EFI $(B)/kernel.elf kernel/nagare.rc
	rm -f $@ && truncate -s $(ESP_MB)M $@
	mformat -i $@ -F -v NAGARE ::
	mmd -i $@ ::/EFI ::/EFI/BOOT
	mcopy -i $@ $(B)/BOOTX64.EFI ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i $@ $(B)/kernel.elf ::/kernel.elf
	mcopy -i $@ kernel/nagare.rc ::/nagare.rc

$(B)/nagare.img: $(B)/esp.img
	rm -f $@.tmp && truncate -s $$(( $(ESP_MB) + 2 ))M $@.tmp
	sgdisk -n 1:2048:+$(ESP_MB)M -t 1:ef00 -c 1:"EFI system partition" $@.tmp >/dev/null
	dd if=$< of=$@.tmp bs=1M seek=1 conv=notrunc,sparse status=none
	mv $@.tmp $@

# --- run --------------------------------------------------------------------
BOOT ?= uefi
ACCEL ?= tcg
MEM ?= 256
run: deps all
ifdef SCRIPT
	$(PYTHON) tests/nagare.py --boot $(BOOT) --accel $(ACCEL) --mem $(MEM) --user-net --script $(SCRIPT)
else
	$(PYTHON) tests/nagare.py --boot $(BOOT) --accel $(ACCEL) --mem $(MEM) --user-net --interactive
endif

# --- tests ------------------------------------------------------------------
# deps first (it installs the compilers), then in order: build, unit
# (sanitized), lwIP's suite, the glue on the host (sanitized), the fuzz
# corpora, QEMU.
.PHONY: check-integration
check: deps
	$(MAKE) all
	$(MAKE) check-unit
	$(MAKE) check-lwip
	$(MAKE) check-glue
	$(MAKE) check-fuzz
	$(MAKE) check-integration

check-integration: all
	$(PYTHON) -m pytest -p no:cacheprovider -q -rs tests/integration

# --- docs -------------------------------------------------------------------
docs: $(B)/host/tuning_gen
	$(B)/host/tuning_gen > docs/tuning.md

clean:
	rm -rf $(B)

distclean: clean
	rm -rf third_party

-include $(KOBJS:.o=.d) $(LWIP_OBJS:.o=.d)
