/*
 * PCI: enumeration, configuration space, BARs, capabilities, MSI-X.
 * Drivers register with PCI_DRIVER (a linker set); pci_init() probes them.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdint.h>

#define PCI_MAX_DEVICES 64
#define PCI_CAP_MSIX 0x11
#define PCI_CAP_VENDOR 0x09

struct pci_bar {
	uint64_t addr;   /* bus address as firmware assigned it */
	uint64_t size;   /* bytes; 0: not implemented */
	int io, is64, prefetch;
	uintptr_t virt;  /* mapped address, 0 until pci_map_bar */
};

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device, subsys_vendor, subsys;
	uint8_t class, subclass, progif, rev;
	struct pci_bar bar[6];  /* read through pci_map_bar or after pci_enable */
	uint8_t msix_cap;       /* config offset of the MSI-X capability, 0 if none */
	uint16_t msix_entries;
	uintptr_t msix_table;   /* mapped MSI-X table, 0 until enabled */
	const char *driver;     /* name of the driver that took it */
	int bars_sized;         /* bar[] sizes known (sized on first use) */
};

struct pci_driver {
	const char *name;
	uint16_t vendor;
	const uint16_t *devices; /* zero-terminated */
	int (*probe)(struct pci_dev *d);
};

#define PCI_DRIVER(id, ...)                                                          \
	static const struct pci_driver pci_driver_##id                              \
		__attribute__((used, section("pci_drivers"), aligned(8))) = { __VA_ARGS__ }

/* Finds every function (ECAM from the MCFG table, else ports 0xcf8/0xcfc)
 * and offers each to the drivers. */
void pci_init(void);
int pci_count(void);
struct pci_dev *pci_get(int i);

uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);

/* Offset of the first capability with this id at or after `from`
 * (0: from the start), or 0. */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t from);
/* Maps a memory BAR uncached; returns its virtual address or 0. */
uintptr_t pci_map_bar(struct pci_dev *d, int bar);
/* A driver's first step: sizes the BARs if not yet, then memory decoding,
 * bus mastering on and INTx off in one command write (Linux's
 * pci_enable_device() and pci_set_master() together). */
void pci_enable(struct pci_dev *d);
void pci_enable_master(const struct pci_dev *d);
/* Bus mastering off: the function can no longer write to memory. */
void pci_disable_master(const struct pci_dev *d);
/* MSI-X: map the table, mask every entry, enable the function.  Returns
 * the number of entries, or -ENODEV (none, or a table outside its BAR). */
int pci_msix_enable(struct pci_dev *d);
/* Masks every entry and turns MSI-X off again. */
void pci_msix_disable(struct pci_dev *d);
/* Points entry at vector vec on this CPU; the entry stays masked until
 * pci_msix_mask(d, entry, 0). */
int pci_msix_route(struct pci_dev *d, int entry, int vec);
void pci_msix_mask(struct pci_dev *d, int entry, int masked);

#endif
