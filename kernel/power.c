/*
 * poweroff: ACPI S5 (ACPI 6.4 7.4.2 \_S5, 4.8.3.2.1 PM1 control: SLP_TYP
 * bits 10-12, SLP_EN bit 13), then QEMU's isa-debug-exit, then halt.
 * reboot: the FADT reset register, then port 0xcf9, then the keyboard
 * controller, then a triple fault.
 */
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/panic.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

static void settle(void)
{
	for (volatile int i = 0; i < 1000000; i++)
		cpu_relax();
}

void power_off(void)
{
	printk("reboot: Power down\n");
	cli();
	con_flush();
	if (acpi_s5() && acpi.pm1a_cnt) {
		outw(acpi.pm1a_cnt, (inw(acpi.pm1a_cnt) & ~(7u << 10)) | (acpi.slp_typa << 10) | (1u << 13));
		if (acpi.pm1b_cnt)
			outw(acpi.pm1b_cnt, (inw(acpi.pm1b_cnt) & ~(7u << 10)) | (acpi.slp_typb << 10) | (1u << 13));
		settle();
	}
	printk("reboot: ACPI S5 did not power off; trying isa-debug-exit\n");
	machine_halt(POWEROFF_EXIT_CODE);
}

void power_reboot(void)
{
	printk("reboot: Restarting system\n");
	cli();
	con_flush();
	if (acpi.reset_valid) {
		if (acpi.reset_space == 1)
			outb(acpi.reset_addr, acpi.reset_value);
		else
			*(volatile uint8_t *)acpi.reset_addr = acpi.reset_value;
		settle();
	}
	outb(0xcf9, 0x02);
	outb(0xcf9, 0x06); /* full reset */
	settle();
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		cpu_relax();
	outb(0x64, 0xfe);
	settle();
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		__asm__ volatile("hlt");
}
