/*
 * panic() and machine_halt().  Prints like Linux ("Kernel panic - not
 * syncing: ..."), then a stack trace, then stops.  QEMU's isa-debug-exit
 * device (iobase 0xf4) turns a write into an exit status for tests.
 */
#include <stdarg.h>
#include <stdio.h>

#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define ISA_DEBUG_EXIT 0xf4

void machine_halt(int qemu_code)
{
	cli();
	con_flush();
	outl(ISA_DEBUG_EXIT, qemu_code);
	for (;;)
		__asm__ volatile("hlt");
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	cli();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("Kernel panic - not syncing: %s\n", buf);
	uint64_t rbp;
	__asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
	trap_backtrace((uint64_t)__builtin_return_address(0), rbp);
	printk("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	machine_halt(PANIC_EXIT_CODE);
}
