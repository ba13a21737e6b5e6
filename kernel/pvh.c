/*
 * PVH direct boot (xen/include/public/arch-x86/hvm/start_info.h, as QEMU's
 * -kernel implements it): turn struct hvm_start_info into the same struct
 * bootinfo the UEFI loader builds.  Version 1 carries the memory map; the
 * first module (-initrd) is a newc cpio archive of boot files or a bare
 * nagare.rc; the command line comes from -append.
 */
#include <stdint.h>
#include <string.h>

#include "boot/bootinfo.h"
#include "kernel/boot.h"
#include "kernel/cpio.h"

#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr;    /* version >= 1 */
	uint32_t memmap_entries, reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

static struct bootinfo pvh_bi;

static void add_file(struct bootinfo *bi, const char *name, size_t namelen, const void *data, size_t size)
{
	if (bi->nfile >= BOOTINFO_MAXFILE)
		return;
	struct bootinfo_file *f = &bi->file[bi->nfile++];
	while (namelen >= 2 && name[0] == '.' && name[1] == '/')
		name += 2, namelen -= 2;
	if (namelen >= sizeof(f->name))
		namelen = sizeof(f->name) - 1;
	memcpy(f->name, name, namelen);
	f->name[namelen] = 0;
	f->addr = (uint64_t)data;
	f->size = size;
}

/* The RSDP lives on a 16-byte boundary in the BIOS area (ACPI 6.4 5.2.5.1). */
static uint64_t scan_rsdp(void)
{
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16) {
		if (!memcmp((const void *)a, "RSD PTR ", 8))
			return a;
	}
	return 0;
}

struct bootinfo *pvh_bootinfo(uint32_t start_info)
{
	const struct hvm_start_info *si = (const struct hvm_start_info *)(uint64_t)start_info;
	struct bootinfo *bi = &pvh_bi;
	bi->magic = BOOTINFO_MAGIC;
	bi->source = BOOT_PVH;
	strlcpy(bi->loader, "pvh", sizeof(bi->loader));
	if (si->magic != HVM_START_MAGIC)
		return bi; /* boot_main reports the empty memory map */
	bi->rsdp = si->rsdp_paddr ? si->rsdp_paddr : scan_rsdp();
	if (si->cmdline_paddr)
		strlcpy(bi->cmdline, (const char *)si->cmdline_paddr, sizeof(bi->cmdline));
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_entry *m = (const void *)si->memmap_paddr;
		for (uint32_t i = 0; i < si->memmap_entries && bi->nmem < BOOTINFO_MAXMEM; i++) {
			uint32_t t = m[i].type;
			bi->mem[bi->nmem].base = m[i].addr;
			bi->mem[bi->nmem].len = m[i].size;
			bi->mem[bi->nmem].type = t == 1 ? BOOTMEM_USABLE : t == 3 ? BOOTMEM_ACPI
					       : t == 4 ? BOOTMEM_NVS : BOOTMEM_RESERVED;
			bi->nmem++;
		}
	}
	if (si->nr_modules && si->modlist_paddr) {
		const struct hvm_modlist_entry *mod = (const void *)si->modlist_paddr;
		const void *data = (const void *)mod->paddr;
		size_t pos = 0;
		struct cpio_entry e;
		if (cpio_is_newc(data, mod->size)) {
			while (cpio_next(data, mod->size, &pos, &e) > 0)
				add_file(bi, e.name, e.namelen, e.data, e.size);
		} else {
			add_file(bi, "nagare.rc", 9, data, mod->size);
		}
	}
	return bi;
}
