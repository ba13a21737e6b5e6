/*
 * PCI configuration access and enumeration (PCI Local Bus 3.0 chapter 6,
 * PCI Express Base 4.0 7.2 ECAM, PCI Firmware 3.2 4.1.2 MCFG), BAR sizing
 * (6.2.5.1), capability list walk (6.7) and MSI-X (6.8.2).  BARs keep the
 * addresses firmware assigned.  Callers: kernel/main.c (pci_init),
 * drivers (PCI_DRIVER probes), the lspci command.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "drivers/pci.h"
#include "kernel/acpi.h"
#include "kernel/boot.h"
#include "kernel/console.h"
#include "kernel/irq.h"
#include "kernel/param.h"
#include "kernel/printk.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

#define CMD_IO 0x1
#define CMD_MEM 0x2
#define CMD_MASTER 0x4
#define CMD_INTX_OFF 0x400
#define MSIX_ENABLE 0x8000
#define MSIX_FMASK 0x4000

static struct pci_dev devs[PCI_MAX_DEVICES];
static int ndevs;
static uintptr_t ecam; /* mapped ECAM base for bus 0, 0: port I/O */

extern const struct pci_driver __start_pci_drivers[], __stop_pci_drivers[];

static uintptr_t ecam_addr(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return ecam + (((uintptr_t)(bus - acpi.ecam_bus_start) << 20) | ((uintptr_t)dev << 15) |
		       ((uintptr_t)fn << 12) | off);
}

static uint32_t cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	if (ecam)
		return mmio_read32(ecam_addr(bus, dev, fn, off & ~3));
	outl(0xcf8, 0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (off & 0xfc));
	return inl(0xcfc);
}

static void cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	if (ecam) {
		mmio_write32(ecam_addr(bus, dev, fn, off & ~3), v);
		return;
	}
	outl(0xcf8, 0x80000000u | (bus << 16) | (dev << 11) | (fn << 8) | (off & 0xfc));
	outl(0xcfc, v);
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	return cfg_read(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	return pci_read32(d, off) >> ((off & 2) * 8);
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	return pci_read32(d, off) >> ((off & 3) * 8);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	cfg_write(d->bus, d->dev, d->fn, off, v);
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	uint32_t old = pci_read32(d, off & ~3);
	int shift = (off & 2) * 8;
	pci_write32(d, off & ~3, (old & ~(0xffffu << shift)) | ((uint32_t)v << shift));
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t from)
{
	if (!(pci_read16(d, 0x06) & 0x10)) /* status: capability list */
		return 0;
	uint8_t p = from ? pci_read8(d, from + 1) : pci_read8(d, 0x34);
	for (int n = 0; p >= 0x40 && n < 48; n++) { /* 48: no loops through bad lists */
		p &= ~3;
		if (pci_read8(d, p) == id)
			return p;
		p = pci_read8(d, p + 1);
	}
	return 0;
}

/* Size the BARs by writing all ones with decoding off (6.2.5.1), then
 * write `after` to the command register.  Only when a driver or lspci -v
 * asks: under QEMU each change of a function's decoding rebuilds the
 * guest's memory map (about 0.6 ms under TCG), so boot leaves the
 * functions no driver takes alone, and pci_enable() turns decoding back
 * on together with bus mastering, in one write. */
static void size_bars(struct pci_dev *d, uint16_t after)
{
	uint16_t cmd = pci_read16(d, 0x04);
	if (cmd & (CMD_IO | CMD_MEM))
		pci_write16(d, 0x04, cmd & ~(CMD_IO | CMD_MEM));
	for (int i = 0; i < 6; i++) {
		uint16_t off = 0x10 + 4 * i;
		uint32_t lo = pci_read32(d, off);
		struct pci_bar *b = &d->bar[i];
		pci_write32(d, off, ~0u);
		uint32_t mask = pci_read32(d, off);
		pci_write32(d, off, lo);
		if (!mask)
			continue;
		if (lo & 1) {
			b->io = 1;
			b->addr = lo & ~3u;
			b->size = (uint16_t)~(mask & ~3u) + 1;
			continue;
		}
		b->prefetch = !!(lo & 8);
		uint64_t m = mask & ~0xfull, a = lo & ~0xfull;
		if (((lo >> 1) & 3) == 2 && i < 5) {
			b->is64 = 1;
			uint32_t hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, ~0u);
			m |= (uint64_t)pci_read32(d, off + 4) << 32;
			pci_write32(d, off + 4, hi);
			a |= (uint64_t)hi << 32;
		} else {
			m |= 0xffffffff00000000ull;
		}
		b->addr = a;
		b->size = ~m + 1;
		if (b->is64)
			i++;
	}
	if (after != (cmd & ~(CMD_IO | CMD_MEM)))
		pci_write16(d, 0x04, after);
	d->bars_sized = 1;
}

static void bars_known(struct pci_dev *d)
{
	if (!d->bars_sized)
		size_bars(d, pci_read16(d, 0x04));
}


static void add_function(uint8_t bus, uint8_t dev, uint8_t fn);

static void scan_bus(uint8_t bus, int depth)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read(bus, dev, 0, 0);
		if ((id & 0xffff) == 0xffff)
			continue;
		int nfn = (cfg_read(bus, dev, 0, 0x0c) >> 16) & 0x80 ? 8 : 1;
		for (uint8_t fn = 0; fn < nfn; fn++) {
			if ((cfg_read(bus, dev, fn, 0) & 0xffff) == 0xffff)
				continue;
			add_function(bus, dev, fn);
			uint32_t hdr = (cfg_read(bus, dev, fn, 0x0c) >> 16) & 0x7f;
			uint32_t cls = cfg_read(bus, dev, fn, 0x08) >> 16;
			if (hdr == 1 && cls == 0x0604 && depth < 8) { /* PCI-to-PCI bridge */
				uint8_t secondary = cfg_read(bus, dev, fn, 0x18) >> 8;
				if (secondary > bus)
					scan_bus(secondary, depth + 1);
			}
		}
	}
}

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (ndevs == PCI_MAX_DEVICES)
		return;
	struct pci_dev *d = &devs[ndevs++];
	memset(d, 0, sizeof(*d));
	d->bus = bus, d->dev = dev, d->fn = fn;
	uint32_t id = pci_read32(d, 0), cls = pci_read32(d, 0x08);
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->rev = cls & 0xff;
	d->progif = (cls >> 8) & 0xff;
	d->subclass = (cls >> 16) & 0xff;
	d->class = cls >> 24;
	if (((pci_read32(d, 0x0c) >> 16) & 0x7f) == 0) {
		uint32_t ss = pci_read32(d, 0x2c);
		d->subsys_vendor = ss & 0xffff;
		d->subsys = ss >> 16;
	} else {
		d->bars_sized = 1; /* bridges' BARs are not used */
	}
	d->msix_cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
	if (d->msix_cap)
		d->msix_entries = (pci_read16(d, d->msix_cap + 2) & 0x7ff) + 1;
}

uintptr_t pci_map_bar(struct pci_dev *d, int bar)
{
	if (bar < 0 || bar > 5)
		return 0;
	bars_known(d);
	struct pci_bar *b = &d->bar[bar];
	if (!b->size || b->io || !b->addr)
		return 0;
	if (!b->virt)
		b->virt = vm_map_mmio(b->addr, b->size);
	return b->virt;
}

void pci_enable(struct pci_dev *d)
{
	uint16_t want = pci_read16(d, 0x04) | CMD_MEM | CMD_MASTER | CMD_INTX_OFF;
	if (!d->bars_sized)
		size_bars(d, want);
	else
		pci_write16(d, 0x04, want);
}

void pci_enable_master(const struct pci_dev *d)
{
	pci_write16(d, 0x04, pci_read16(d, 0x04) | CMD_MEM | CMD_MASTER | CMD_INTX_OFF);
}

void pci_disable_master(const struct pci_dev *d)
{
	pci_write16(d, 0x04, pci_read16(d, 0x04) & ~CMD_MASTER);
}

int pci_msix_enable(struct pci_dev *d)
{
	if (!d->msix_cap)
		return -ENODEV;
	uint32_t tab = pci_read32(d, d->msix_cap + 4);
	int bir = tab & 7;
	bars_known(d);
	/* The table (16 bytes an entry) lies inside its BAR, or we do not use it. */
	if (bir > 5 || (uint64_t)(tab & ~7u) + 16ULL * d->msix_entries > d->bar[bir].size)
		return -ENODEV;
	uintptr_t base = pci_map_bar(d, bir);
	if (!base)
		return -ENODEV;
	d->msix_table = base + (tab & ~7u);
	uint16_t ctl = pci_read16(d, d->msix_cap + 2);
	pci_write16(d, d->msix_cap + 2, ctl | MSIX_ENABLE | MSIX_FMASK);
	for (int i = 0; i < d->msix_entries; i++)
		mmio_write32(d->msix_table + 16 * i + 12, 1);
	pci_write16(d, d->msix_cap + 2, (ctl | MSIX_ENABLE) & ~MSIX_FMASK);
	return d->msix_entries;
}

int pci_msix_route(struct pci_dev *d, int entry, int vec)
{
	if (!d->msix_table || entry < 0 || entry >= d->msix_entries)
		return -EINVAL;
	uint64_t addr;
	uint32_t data;
	irq_msi_message(vec, &addr, &data);
	uintptr_t e = d->msix_table + 16 * entry;
	mmio_write32(e + 0, (uint32_t)addr);
	mmio_write32(e + 4, (uint32_t)(addr >> 32));
	mmio_write32(e + 8, data);
	return 0;
}

void pci_msix_disable(struct pci_dev *d)
{
	if (!d->msix_table)
		return;
	for (int i = 0; i < d->msix_entries; i++)
		mmio_write32(d->msix_table + 16 * i + 12, 1);
	uint16_t ctl = pci_read16(d, d->msix_cap + 2);
	pci_write16(d, d->msix_cap + 2, ctl & ~(MSIX_ENABLE | MSIX_FMASK));
	d->msix_table = 0;
}

void pci_msix_mask(struct pci_dev *d, int entry, int masked)
{
	if (d->msix_table && entry >= 0 && entry < d->msix_entries)
		mmio_write32(d->msix_table + 16 * entry + 12, masked ? 1 : 0);
}

static void probe(struct pci_dev *d)
{
	for (const struct pci_driver *drv = __start_pci_drivers; drv < __stop_pci_drivers; drv++) {
		if (drv->vendor != d->vendor)
			continue;
		for (const uint16_t *id = drv->devices; *id; id++) {
			if (*id != d->device)
				continue;
			int err = drv->probe(d);
			if (err == 0) {
				d->driver = drv->name;
				boot_stage("probe %02x:%02x.%x %s", d->bus, d->dev, d->fn, drv->name);
				return;
			}
			printk("pci %02x:%02x.%x: %s: probe failed (%d), device left alone\n", d->bus,
			       d->dev, d->fn, drv->name, err);
		}
	}
}

void pci_init(void)
{
	if (acpi.ecam_base) {
		uint64_t size = ((uint64_t)(acpi.ecam_bus_end - acpi.ecam_bus_start) + 1) << 20;
		ecam = vm_map_mmio(acpi.ecam_base, size);
	}
	scan_bus(ecam ? acpi.ecam_bus_start : 0, 0);
	printk("pci: %d functions via %s\n", ndevs, ecam ? "ECAM (MCFG)" : "ports 0xcf8/0xcfc");
	boot_stage("pci scan");
	for (int i = 0; i < ndevs; i++)
		probe(&devs[i]);
}

int pci_count(void)
{
	return ndevs;
}

struct pci_dev *pci_get(int i)
{
	return i >= 0 && i < ndevs ? &devs[i] : NULL;
}

static int cmd_lspci(int argc, char **argv)
{
	int verbose = argc > 1 && !strcmp(argv[1], "-v");
	if (argc > 1 && !verbose) {
		con_printf("lspci: invalid option '%s' (only -v)\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < ndevs; i++) {
		struct pci_dev *d = &devs[i];
		con_printf("%02x:%02x.%x %02x%02x: %04x:%04x (rev %02x)%s%s\n", d->bus, d->dev, d->fn,
			   d->class, d->subclass, d->vendor, d->device, d->rev, d->driver ? " driver " : "",
			   d->driver ? d->driver : "");
		if (!verbose)
			continue;
		bars_known(d);
		for (int b = 0; b < 6; b++) {
			struct pci_bar *bar = &d->bar[b];
			if (bar->size)
				con_printf("\tRegion %d: %s at %lx [size=%lu%s]%s\n", b,
					   bar->io ? "I/O ports" : "Memory", bar->addr,
					   bar->size >= 1024 ? bar->size >> 10 : bar->size,
					   bar->size >= 1024 ? "K" : "",
					   bar->io ? "" : bar->is64 ? " 64-bit" : " 32-bit");
		}
		if (d->msix_cap)
			con_printf("\tCapabilities: [%02x] MSI-X: Enable%c Count=%u\n", d->msix_cap,
				   d->msix_table ? '+' : '-', d->msix_entries);
	}
	return 0;
}
CONSOLE_CMD(lspci, "lspci", cmd_lspci, "lspci [-v]", "list PCI functions (-v: BARs, MSI-X)");
