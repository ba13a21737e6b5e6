/*
 * IOAPICs from the MADT (Intel 82093AA data sheet: IOREGSEL/IOWIN,
 * redirection entries at 0x10 + 2n).  Everything starts masked; ISA IRQs
 * are routed through the MADT's interrupt source overrides (ACPI 6.4
 * 5.2.12.5), whose flags give polarity and trigger mode.
 */
#include <errno.h>
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/param.h"
#include "kernel/printk.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

#define REDIR_MASKED (1u << 16)
#define REDIR_LEVEL (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)

static uintptr_t mmio[ACPI_MAX_IOAPIC];
static uint32_t nredir[ACPI_MAX_IOAPIC];

static uint32_t rd(int i, uint32_t reg)
{
	mmio_write32(mmio[i], reg);
	return mmio_read32(mmio[i] + 0x10);
}

static void wr(int i, uint32_t reg, uint32_t v)
{
	mmio_write32(mmio[i], reg);
	mmio_write32(mmio[i] + 0x10, v);
}

void ioapic_init(void)
{
	for (int i = 0; i < acpi.nioapic; i++) {
		mmio[i] = vm_map_mmio(acpi.ioapic[i].addr, PAGE_SIZE);
		nredir[i] = ((rd(i, 1) >> 16) & 0xff) + 1;
		for (uint32_t n = 0; n < nredir[i]; n++) {
			wr(i, 0x10 + 2 * n, REDIR_MASKED);
			wr(i, 0x11 + 2 * n, 0);
		}
	}
}

static int find(uint32_t gsi, uint32_t *pin)
{
	for (int i = 0; i < acpi.nioapic; i++) {
		uint32_t b = acpi.ioapic[i].gsi_base;
		if (gsi >= b && gsi < b + nredir[i]) {
			*pin = gsi - b;
			return i;
		}
	}
	return -ENODEV;
}

int ioapic_route_isa(int isa_irq, int vec)
{
	uint32_t gsi = isa_irq, low = 0, flags = 0;
	for (int i = 0; i < acpi.niso; i++) {
		if (acpi.iso[i].source == isa_irq) {
			gsi = acpi.iso[i].gsi;
			flags = acpi.iso[i].flags;
		}
	}
	/* ISA defaults: active high, edge; "11" in either field overrides. */
	if ((flags & 3) == 3)
		low |= REDIR_ACTIVE_LOW;
	if (((flags >> 2) & 3) == 3)
		low |= REDIR_LEVEL;
	uint32_t pin;
	int i = find(gsi, &pin);
	if (i < 0) {
		printk("IOAPIC: no IOAPIC serves GSI %u (ISA IRQ %d)\n", gsi, isa_irq);
		return i;
	}
	wr(i, 0x11 + 2 * pin, lapic_id() << 24);
	wr(i, 0x10 + 2 * pin, low | (uint32_t)vec);
	return 0;
}

int ioapic_mask_gsi(uint32_t gsi, int masked)
{
	uint32_t pin;
	int i = find(gsi, &pin);
	if (i < 0)
		return i;
	uint32_t v = rd(i, 0x10 + 2 * pin);
	wr(i, 0x10 + 2 * pin, masked ? v | REDIR_MASKED : v & ~REDIR_MASKED);
	return 0;
}
