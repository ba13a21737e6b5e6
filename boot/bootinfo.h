/*
 * The boot-info block: the one contract between whatever boots the kernel
 * (the GNU-EFI loader in boot/loader.c, or the PVH entry in kernel/pvh.c)
 * and kmain().  Both fill the same structure; the kernel copies it before it
 * touches memory.  Plain C, no firmware or kernel headers: both sides include
 * it, and the loader is built with a different compiler ABI.
 */
#ifndef BOOT_BOOTINFO_H
#define BOOT_BOOTINFO_H

#include <stdint.h>

#define BOOTINFO_MAGIC   0x6e61676172650001ULL /* "nagare" + format 1 */
#define BOOTINFO_MAXMEM  256                   /* memory map entries */
#define BOOTINFO_MAXFILE 4                     /* files from the boot volume */
#define BOOTINFO_NAMELEN 32
#define BOOTINFO_CMDLINE 256

enum bootinfo_mem_type {
	BOOTMEM_USABLE = 1,    /* free RAM the kernel may hand out */
	BOOTMEM_RESERVED = 2,  /* firmware, MMIO holes: never touch */
	BOOTMEM_ACPI = 3,      /* ACPI tables: RAM, keep while we read them */
	BOOTMEM_NVS = 4,       /* ACPI NVS: RAM, never reuse */
	BOOTMEM_LOADER = 5,    /* kernel image, boot info, loaded files */
};

enum bootinfo_source {
	BOOT_UEFI = 1,
	BOOT_PVH = 2,
};

struct bootinfo_mem {
	uint64_t base;  /* physical address */
	uint64_t len;   /* bytes */
	uint32_t type;  /* enum bootinfo_mem_type */
	uint32_t pad;
};

struct bootinfo_file {
	char name[BOOTINFO_NAMELEN]; /* "nagare.rc", "sysctl.conf" */
	uint64_t addr;               /* physical address of the contents */
	uint64_t size;               /* bytes */
};

struct bootinfo {
	uint64_t magic;            /* BOOTINFO_MAGIC */
	uint32_t source;           /* enum bootinfo_source */
	uint32_t nmem;
	uint64_t rsdp;             /* physical address of the ACPI RSDP, 0 if unknown */
	uint64_t image_base;       /* where the kernel image was placed */
	uint64_t image_size;       /* bytes, .bss included */
	char loader[32];           /* "nagare-loader 1", "pvh" */
	char cmdline[BOOTINFO_CMDLINE];
	uint32_t nfile;
	uint32_t pad;
	struct bootinfo_file file[BOOTINFO_MAXFILE];
	struct bootinfo_mem mem[BOOTINFO_MAXMEM];
};

#endif
