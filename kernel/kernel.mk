# kernel/: entry, traps, memory, time, interrupt controllers, ACPI,
# sysctl, console, event loop.
KERNEL_SRCS += kernel/entry.S kernel/trap_entry.S kernel/rc_blob.S \
	kernel/reloc.c kernel/main.c kernel/pvh.c kernel/gdt.c kernel/trap.c kernel/panic.c \
	kernel/irq.c kernel/printk.c kernel/vm.c kernel/pmm.c kernel/heap.c kernel/acpi.c \
	kernel/pic.c kernel/lapic.c kernel/ioapic.c kernel/time.c kernel/tsc.c kernel/boottime.c kernel/loop.c kernel/power.c \
	kernel/console.c kernel/ledit.c kernel/cmdline.c kernel/cmds.c kernel/sysctl.c \
	kernel/sysctl_table.c kernel/fault.c kernel/bootfile.c kernel/cpio.c kernel/random.c \
	kernel/libc/string.c kernel/libc/strtol.c kernel/libc/printf.c

# rc_blob.S embeds kernel/nagare.rc.
$(B)/k/kernel/rc_blob.o: kernel/nagare.rc

# Pure files (no hardware): tests/unit builds them with the host compiler.
HOST_TEST_SRCS += kernel/sysctl.c kernel/sysctl_table.c kernel/fault.c kernel/ledit.c kernel/cmdline.c kernel/cpio.c kernel/boottime.c kernel/tsc.c
# The heap as kheap_* beside glibc's, over tests/unit/fakes.c's pages; its
# panic() is tests/unit/test_heap.c's, which checks a bad free is caught.
HOST_TEST_SRCS += kernel/heap.c
$(B)/host/pure/kernel/heap.o: HOST_CFLAGS += -iquote tests/unit/shim -Dmalloc=kheap_malloc -Dcalloc=kheap_calloc \
	-Drealloc=kheap_realloc -Dfree=kheap_free -Dabort=kheap_abort -Dpanic=kheap_test_panic
