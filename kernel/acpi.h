/*
 * What the kernel takes from the ACPI tables (ACPI 6.4: RSDP 5.2.5,
 * XSDT 5.2.8, FADT 5.2.9, MADT 5.2.12, MCFG per PCI Firmware 3.2 4.1.2).
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <stdint.h>

#define ACPI_MAX_IOAPIC 8
#define ACPI_MAX_ISO 16

struct acpi_ioapic {
	uint8_t id;
	uint64_t addr;     /* physical MMIO base */
	uint32_t gsi_base;
};

struct acpi_iso {          /* interrupt source override */
	uint8_t source;    /* ISA IRQ */
	uint32_t gsi;
	uint16_t flags;    /* MPS INTI flags: polarity bits 0-1, trigger bits 2-3 */
};

struct acpi_info {
	uint64_t lapic_addr;
	int nioapic, niso;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPIC];
	struct acpi_iso iso[ACPI_MAX_ISO];
	int ncpu;
	/* FADT */
	uint16_t pm_timer_port; /* 0: none */
	int pm_timer_32bit;
	uint16_t pm1a_cnt, pm1b_cnt;
	uint64_t dsdt;          /* physical address, 0 if none */
	int s5_valid;           /* slp_typ* below: set by acpi_s5() */
	uint16_t slp_typa, slp_typb;
	uint8_t reset_space;    /* generic address: 0 memory, 1 I/O */
	uint64_t reset_addr;
	uint8_t reset_value;
	int reset_valid;
	/* MCFG: the first ECAM window */
	uint64_t ecam_base;
	uint16_t ecam_segment;
	uint8_t ecam_bus_start, ecam_bus_end;
	char oem[7];
};

extern struct acpi_info acpi;

/* Parses the tables behind rsdp; returns 0 or -ENOENT/-EINVAL. */
int acpi_init(uint64_t rsdp);
/* Reads \_S5 from the DSDT (the first call); nonzero if slp_typa/b are valid. */
int acpi_s5(void);

#endif
