/*
 * The kernel's own console commands and /proc files: dmesg, uptime, free,
 * sysctl, interrupts, reboot, poweroff, and the hidden panic-test.
 * Output shapes follow util-linux dmesg, procps-ng uptime/free and Linux's
 * /proc/uptime, /proc/loadavg, /proc/meminfo, /proc/interrupts.
 */
#include <stdint.h>
#include <string.h>

#include "boot/bootinfo.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/heap.h"
#include "kernel/irq.h"
#include "kernel/loop.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "net/core/net.h"

#define LOAD_INT(x) ((x) >> 11)
#define LOAD_FRAC(x) LOAD_INT(((x) & ((1UL << 11) - 1)) * 100)

static int no_args(int argc, char **argv)
{
	if (argc > 1) {
		con_printf("%s: unexpected argument '%s'\n", argv[0], argv[1]);
		return 1;
	}
	return 0;
}

static void write_chunk(const char *s, size_t n)
{
	con_write(s, n);
}

static int cmd_dmesg(int argc, char **argv)
{
	if (no_args(argc, argv))
		return 1;
	printk_dump(write_chunk);
	return 0;
}
CONSOLE_CMD(dmesg, "dmesg", cmd_dmesg, "dmesg", "print the kernel message buffer");

static int cmd_uptime(int argc, char **argv)
{
	if (no_args(argc, argv))
		return 1;
	uint64_t up = time_ns() / 1000000000ULL, now = time_wall();
	unsigned long avg[3];
	loop_loadavg(avg);
	con_printf(" %02lu:%02lu:%02lu up ", (unsigned long)(now / 3600 % 24),
		   (unsigned long)(now / 60 % 60), (unsigned long)(now % 60));
	uint64_t days = up / 86400, hours = up / 3600 % 24, mins = up / 60 % 60;
	if (days)
		con_printf("%lu day%s, ", (unsigned long)days, days == 1 ? "" : "s");
	if (hours)
		con_printf("%2lu:%02lu, ", (unsigned long)hours, (unsigned long)mins);
	else
		con_printf("%lu min, ", (unsigned long)mins);
	con_printf(" 1 user,  load average: %lu.%02lu, %lu.%02lu, %lu.%02lu\n", LOAD_INT(avg[0]),
		   LOAD_FRAC(avg[0]), LOAD_INT(avg[1]), LOAD_FRAC(avg[1]), LOAD_INT(avg[2]),
		   LOAD_FRAC(avg[2]));
	return 0;
}
CONSOLE_CMD(uptime, "uptime", cmd_uptime, "uptime", "time since boot and load average");

static void proc_uptime(void)
{
	uint64_t up = time_ns() / 10000000ULL, idle = loop_idle_ns() / 10000000ULL;
	con_printf("%lu.%02lu %lu.%02lu\n", (unsigned long)(up / 100), (unsigned long)(up % 100),
		   (unsigned long)(idle / 100), (unsigned long)(idle % 100));
}
PROC_FILE(uptime, "/proc/uptime", proc_uptime);

static void proc_loadavg(void)
{
	unsigned long a[3];
	loop_loadavg(a);
	con_printf("%lu.%02lu %lu.%02lu %lu.%02lu 1/1 1\n", LOAD_INT(a[0]), LOAD_FRAC(a[0]),
		   LOAD_INT(a[1]), LOAD_FRAC(a[1]), LOAD_INT(a[2]), LOAD_FRAC(a[2]));
}
PROC_FILE(loadavg, "/proc/loadavg", proc_loadavg);

static int cmd_free(int argc, char **argv)
{
	if (no_args(argc, argv))
		return 1;
	struct pmm_stats p;
	struct heap_stats h;
	pmm_stats(&p);
	heap_stats(&h);
	uint64_t total = p.total * 4, avail = p.free * 4;
	con_printf("%-7s %11s %11s %11s %11s %11s %11s\n", "", "total", "used", "free", "shared",
		   "buff/cache", "available");
	con_printf("%-7s %11lu %11lu %11lu %11u %11u %11lu\n", "Mem:", total, total - avail, avail, 0, 0,
		   avail);
	con_printf("%-7s %11u %11u %11u\n", "Swap:", 0, 0, 0);
	con_printf("Pages:  %lu total, %lu used, %lu free (4 KiB; kernel image %lu)\n", p.total,
		   p.total - p.free, p.free, p.kernel);
	con_printf("Heap:   %lu bytes in %lu blocks, %lu pages held, %lu failed allocations\n", h.bytes,
		   h.blocks, h.pages, h.failures);
	net_meminfo();
	return 0;
}
CONSOLE_CMD(free, "free", cmd_free, "free", "memory: pages and heap in use (KiB)");

static void proc_meminfo(void)
{
	struct pmm_stats p;
	struct heap_stats h;
	pmm_stats(&p);
	heap_stats(&h);
	con_printf("MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
		   "Slab:           %8lu kB\n",
		   p.total * 4, p.free * 4, p.free * 4, h.pages * 4);
}
PROC_FILE(meminfo, "/proc/meminfo", proc_meminfo);

static void show_irq(int vec, const char *name, uint64_t count)
{
	con_printf("%4d: %10lu  %s\n", vec, (unsigned long)count, name);
}

static void proc_interrupts(void)
{
	con_printf("       CPU0\n");
	irq_foreach(show_irq);
}
PROC_FILE(interrupts, "/proc/interrupts", proc_interrupts);

static void proc_cmdline(void)
{
	con_printf("%s\n", boot_info()->cmdline);
}
PROC_FILE(cmdline, "/proc/cmdline", proc_cmdline);

CONSOLE_CMD(sysctl, "sysctl", sysctl_main, "sysctl [-anNqe] [-w] NAME[=VALUE]... | -p [FILE]",
	    "read and set kernel tunables");

static int cmd_poweroff(int argc, char **argv)
{
	if (no_args(argc, argv))
		return 1;
	power_off();
}
CONSOLE_CMD(poweroff, "poweroff", cmd_poweroff, "poweroff", "power the machine off (ACPI S5)");

static int cmd_reboot(int argc, char **argv)
{
	if (no_args(argc, argv))
		return 1;
	power_reboot();
}
CONSOLE_CMD(reboot, "reboot", cmd_reboot, "reboot", "reset the machine");

/* Deliberate faults, for testing the fault path. */
static int cmd_panic_test(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "pf";
	if (!strcmp(what, "pf")) {
		volatile int *volatile bad = (volatile int *)8;
		return *bad;
	}
	if (!strcmp(what, "ud"))
		__asm__ volatile("ud2");
	if (!strcmp(what, "panic"))
		panic("panic-test requested a panic");
	con_printf("panic-test: unknown fault '%s' (pf, ud, panic)\n", what);
	return 1;
}
CONSOLE_CMD(panic_test, "panic-test", cmd_panic_test, "panic-test [pf|ud|panic]",
	    "crash on purpose (tests)", 1);
