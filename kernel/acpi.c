/*
 * ACPI table walk: RSDP -> XSDT (or RSDT) -> MADT, FADT, MCFG; the DSDT
 * for \_S5 only when poweroff needs it.  Tables are in RAM below 4 GiB,
 * identity-mapped by vm_init().
 * A table with a bad checksum is reported and ignored.
 * Spec: ACPI 6.4 chapter 5; \_S5 package: ACPI 6.4 7.4.2 and the AML
 * encoding of 20.2 (NameOp 0x08, PackageOp 0x12, BytePrefix 0x0a).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kernel/acpi.h"
#include "kernel/printk.h"

struct acpi_info acpi;

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct rsdp {
	char sig[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t xchecksum, rsv[3];
} __attribute__((packed));

struct gas {
	uint8_t space, width, offset, size;
	uint64_t addr;
} __attribute__((packed));

static int checksum_ok(const void *p, uint32_t len)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct sdt_header *table_at(uint64_t addr)
{
	const struct sdt_header *h = (const struct sdt_header *)addr;
	if (!addr || h->length < sizeof(*h) || h->length > (1u << 20))
		return 0;
	if (!checksum_ok(h, h->length)) {
		printk("ACPI: %.4s at 0x%lx: bad checksum, ignored\n", h->sig, addr);
		return 0;
	}
	return h;
}

static void parse_madt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h;
	acpi.lapic_addr = *(const uint32_t *)(p + 36);
	for (uint32_t off = 44; off + 2 <= h->length;) {
		uint8_t type = p[off], len = p[off + 1];
		if (len < 2 || off + len > h->length)
			break;
		const uint8_t *e = p + off;
		if (type == 0 && len >= 8 && (*(const uint32_t *)(e + 4) & 1)) {
			acpi.ncpu++;
		} else if (type == 1 && len >= 12 && acpi.nioapic < ACPI_MAX_IOAPIC) {
			struct acpi_ioapic *io = &acpi.ioapic[acpi.nioapic++];
			io->id = e[2];
			io->addr = *(const uint32_t *)(e + 4);
			io->gsi_base = *(const uint32_t *)(e + 8);
		} else if (type == 2 && len >= 10 && acpi.niso < ACPI_MAX_ISO) {
			struct acpi_iso *iso = &acpi.iso[acpi.niso++];
			iso->source = e[3];
			iso->gsi = *(const uint32_t *)(e + 4);
			iso->flags = *(const uint16_t *)(e + 8);
		} else if (type == 5 && len >= 12) {
			acpi.lapic_addr = *(const uint64_t *)(e + 4);
		}
		off += len;
	}
}

/* One AML data object of the \_S5 package: ZeroOp, OneOp or BytePrefix n. */
static int aml_small_int(const uint8_t **pp, const uint8_t *end, uint16_t *v)
{
	const uint8_t *p = *pp;
	if (p >= end)
		return -1;
	if (*p == 0x00 || *p == 0x01) {
		*v = *p;
		*pp = p + 1;
		return 0;
	}
	if (*p == 0x0a && p + 1 < end) {
		*v = p[1];
		*pp = p + 2;
		return 0;
	}
	return -1;
}

static void parse_s5(const struct sdt_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt + sizeof(*dsdt);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;
	for (; p + 8 < end; p++) {
		if (p[0] != '_' || memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		if (p[-1] != 0x08 && !(p[-1] == '\\' && p[-2] == 0x08))
			continue;
		const uint8_t *q = p + 5;
		q += (*q >> 6) + 1; /* PkgLength */
		q++;                /* NumElements */
		if (aml_small_int(&q, end, &acpi.slp_typa) == 0 &&
		    aml_small_int(&q, end, &acpi.slp_typb) == 0)
			acpi.s5_valid = 1;
		return;
	}
}

static void parse_fadt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h;
	uint32_t len = h->length;
	uint64_t dsdt = *(const uint32_t *)(p + 40);
	acpi.pm1a_cnt = *(const uint32_t *)(p + 64);
	acpi.pm1b_cnt = *(const uint32_t *)(p + 68);
	acpi.pm_timer_port = *(const uint32_t *)(p + 76);
	uint32_t flags = len >= 116 ? *(const uint32_t *)(p + 112) : 0;
	acpi.pm_timer_32bit = !!(flags & (1u << 8)); /* TMR_VAL_EXT */
	if (len >= 129 && (flags & (1u << 10))) {    /* RESET_REG_SUP */
		const struct gas *g = (const struct gas *)(p + 116);
		acpi.reset_space = g->space;
		acpi.reset_addr = g->addr;
		acpi.reset_value = p[128];
		acpi.reset_valid = g->space <= 1 && g->addr;
	}
	if (len >= 148 && *(const uint64_t *)(p + 140))
		dsdt = *(const uint64_t *)(p + 140); /* X_DSDT */
	acpi.dsdt = dsdt;
}

/* The DSDT (tens of KiB: its checksum and the scan cost a boot under TCG
 * about 0.3 ms) is read the first time poweroff asks. */
int acpi_s5(void)
{
	static int done;
	if (!done) {
		done = 1;
		const struct sdt_header *d = table_at(acpi.dsdt);
		if (d && !memcmp(d->sig, "DSDT", 4))
			parse_s5(d);
	}
	return acpi.s5_valid;
}

static void parse_mcfg(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h;
	if (h->length < 44 + 16)
		return;
	acpi.ecam_base = *(const uint64_t *)(p + 44);
	acpi.ecam_segment = *(const uint16_t *)(p + 52);
	acpi.ecam_bus_start = p[54];
	acpi.ecam_bus_end = p[55];
}

int acpi_init(uint64_t rsdp_addr)
{
	const struct rsdp *r = (const struct rsdp *)rsdp_addr;
	if (!rsdp_addr || memcmp(r->sig, "RSD PTR ", 8) || !checksum_ok(r, 20)) {
		printk("ACPI: no valid RSDP\n");
		return -ENOENT;
	}
	memcpy(acpi.oem, r->oem, 6);
	int xsdt = r->revision >= 2 && r->xsdt && checksum_ok(r, r->length);
	const struct sdt_header *root = table_at(xsdt ? r->xsdt : r->rsdt);
	if (!root)
		return -EINVAL;
	int width = xsdt ? 8 : 4;
	int n = (root->length - sizeof(*root)) / width;
	const uint8_t *ent = (const uint8_t *)root + sizeof(*root);
	for (int i = 0; i < n; i++) {
		uint64_t a = width == 8 ? *(const uint64_t *)(ent + 8 * i) : *(const uint32_t *)(ent + 4 * i);
		const struct sdt_header *h = table_at(a);
		if (!h)
			continue;
		if (!memcmp(h->sig, "APIC", 4))
			parse_madt(h);
		else if (!memcmp(h->sig, "FACP", 4))
			parse_fadt(h);
		else if (!memcmp(h->sig, "MCFG", 4))
			parse_mcfg(h);
	}
	printk("ACPI: %s %.6s, %d CPU(s), %d IOAPIC(s), %d override(s), PM timer %s0x%x, DSDT 0x%lx\n",
	       xsdt ? "XSDT" : "RSDT", acpi.oem, acpi.ncpu, acpi.nioapic, acpi.niso,
	       acpi.pm_timer_32bit ? "32-bit " : "", acpi.pm_timer_port, acpi.dsdt);
	return 0;
}
