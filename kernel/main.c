/*
 * boot_main(): the boot sequence, shared by the UEFI and PVH entries.
 * Order matters: the boot info is copied before anything can reuse
 * firmware memory; our GDT, IDT and page tables are in place before the
 * page allocator hands out boot-services pages (which held firmware's);
 * ACPI comes before the interrupt controllers, they before the clock.
 * Then sysctl defaults, lwIP, PCI drivers (which register network
 * devices with lwIP), secrets, sysctl.conf, nagare.rc, the prompt, the loop.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "boot/bootinfo.h"
#include "drivers/pci.h"
#include "drivers/uart16550.h"
#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/boot.h"
#include "kernel/bootfile.h"
#include "kernel/boottime.h"
#include "kernel/console.h"
#include "kernel/loop.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/vm.h"
#include "kernel/x86.h"
#include "net/core/net.h"
#include "net/http/http.h"

#ifndef NAGARE_VERSION
#define NAGARE_VERSION "0.0.0-unknown"
#endif

static struct bootinfo bi;
static uint64_t prompt_ns;
static struct boottime timeline;

extern char __image_start[], __image_end[];

const struct bootinfo *boot_info(void)
{
	return &bi;
}

uint64_t boot_prompt_ns(void)
{
	return prompt_ns;
}

void boot_stage(const char *fmt, ...)
{
	char name[BOOTTIME_NAME_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	boottime_add(&timeline, name, rdtsc());
}

static void proc_boottime(void)
{
	char line[96];
	for (int i = -1; i < timeline.n; i++) {
		boottime_line(&timeline, i, time_tsc_hz(), line, sizeof(line));
		con_puts(line);
	}
	if (timeline.dropped)
		con_printf("(%lu more stages not recorded)\n", timeline.dropped);
}
PROC_FILE(boottime, "/proc/boottime", proc_boottime);

/* The first 2xx response the HTTP server sent, stamped in the loop round
 * after it: watched from here, as net/http keeps the count (one compare a
 * round); a boot_stage() call in net/http would stamp it exactly. */
static int first_2xx_poll(void)
{
	static int seen;
	if (!seen && http_stats.responses[2]) {
		seen = 1;
		boot_stage("first HTTP 2xx");
	}
	return 0;
}

/* Console output is background work: a chunk in each round the loop has
 * nothing else to do, so boot's messages do not hold up the first
 * connections; output waiting CONSOLE_OUT_MAX_WAIT_MS goes out a chunk a
 * round whatever the load.  The timeline notes when boot's is out. */
static uint64_t con_waiting_since;

static int con_out_idle(void)
{
	static int drained;
	int more = con_flush_some();
	if (!more) {
		con_waiting_since = 0;
		if (!drained && prompt_ns) {
			drained = 1;
			boot_stage("console output written");
		}
	}
	return more;
}

static int con_out_overdue(void)
{
	if (!con_pending())
		return 0;
	uint64_t now = time_ns();
	if (!con_waiting_since)
		con_waiting_since = now;
	if (now - con_waiting_since < CONSOLE_OUT_MAX_WAIT_MS * 1000000ULL)
		return 0;
	return con_out_idle();
}

/* Hooks for the kernel's own work in the event loop. */
static const struct loop_hook console_hook = { "console", console_poll, NULL };
static const struct loop_hook boottime_hook = { "boottime", first_2xx_poll, NULL };
static const struct loop_hook con_out_hook = { "console-out", con_out_overdue, NULL };
static const struct loop_hook con_idle_hook = { "console-out", con_out_idle, NULL };

static void rc_stage(const char *line)
{
	boot_stage("rc: %s", line);
}

static void run_boot_files(void)
{
	size_t len;
	const char *text = bootfile_get("sysctl.conf", &len);
	if (text) {
		printk("sysctl: applying sysctl.conf from the boot volume\n");
		sysctl_apply_text("sysctl.conf", text, len, 0);
	}
	text = bootfile_get("nagare.rc", &len);
	if (!text)
		text = bootfile_default_rc(&len);
	console_script_hook(rc_stage);
	console_run_script(text, len);
	console_script_hook(NULL);
}

void boot_main(uint64_t arg, int source)
{
	boottime_add(&timeline, "entry", time_early());
	if (source == BOOT_PVH)
		memcpy(&bi, pvh_bootinfo((uint32_t)arg), sizeof(bi));
	else
		memcpy(&bi, (const void *)arg, sizeof(bi));
	/* The loader's copy of these is exact; PVH's QEMU loaded us where linked. */
	bi.image_base = (uint64_t)__image_start;
	bi.image_size = (uint64_t)(__image_end - __image_start);

	uart_init();
	boot_stage("console");
	printk("nagare version " NAGARE_VERSION " booting via %s (%s)\n",
	       source == BOOT_PVH ? "PVH direct boot" : "UEFI", bi.loader);
	if (bi.magic != BOOTINFO_MAGIC || !bi.nmem)
		panic("boot info is missing or has no memory map (magic 0x%lx, %u entries)", bi.magic,
		      bi.nmem);
	printk("kernel image at 0x%lx, %lu KiB\n", bi.image_base, bi.image_size >> 10);

	gdt_init();
	idt_init();
	vm_init(&bi);
	pmm_init(&bi);
	vm_map_high_ram(&bi);
	bootfile_init(&bi);
	boot_stage("memory");

	acpi_init(bi.rsdp);
	time_start_reference();
	boot_stage("acpi");
	pic_disable();
	lapic_init();
	ioapic_init();
	boot_stage("interrupt controllers");
	time_init();
	boot_stage("clock");
	if (uart_irq_enable())
		printk("console: no serial interrupt, polling\n");
	sti();

	sysctl_init();
	sysctl_apply_cmdline(bi.cmdline);
	console_init();
	loop_register(&console_hook);
	loop_register(&boottime_hook);
	loop_register(&con_out_hook);
	loop_register_idle(&con_idle_hook);
	boot_stage("sysctl, console");
	net_init();
	boot_stage("lwip");
	pci_init();
	net_start();
	boot_stage("secrets");
	run_boot_files();

	boot_stage("prompt");
	prompt_ns = time_ns();
	printk("boot: kernel entry to prompt in %lu.%03lu ms\n", prompt_ns / 1000000,
	       prompt_ns / 1000 % 1000);
	console_prompt();
	loop_run();
}
