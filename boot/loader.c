/*
 * BOOTX64.EFI: the GNU-EFI loader.  Reads kernel.elf, nagare.rc and (when
 * present) sysctl.conf from the volume it was started from, places the
 * kernel's PT_LOAD segments in pages the firmware hands out (any address:
 * the kernel relocates itself), records the memory map and the ACPI RSDP in
 * a struct bootinfo (boot/bootinfo.h), exits boot services and jumps.
 * UEFI 2.x: LoadedImage, SimpleFileSystem, GetMemoryMap, ExitBootServices.
 * Built with -DGNU_EFI_USE_MS_ABI so firmware calls are direct calls.
 */
#include <efi.h>
#include <efilib.h>
#include <elf.h>

#include "boot/bootinfo.h"

#define LOADER_NAME L"nagare-loader 1"
#define COM1 0x3f8

static void halt_forever(void)
{
	for (;;)
		__asm__ volatile("hlt");
}

static void fail(const CHAR16 *what, EFI_STATUS st)
{
	Print(L"nagare-loader: %s: %r\r\n", what, st);
	Print(L"nagare-loader: cannot boot, stopped.\r\n");
	halt_forever();
}

static void fail_msg(const CHAR16 *what)
{
	Print(L"nagare-loader: %s\r\n", what);
	Print(L"nagare-loader: cannot boot, stopped.\r\n");
	halt_forever();
}

/* After ExitBootServices ConOut is gone; talk to the 16550 directly. */
static void com1_puts(const char *s)
{
	for (; *s; s++) {
		UINT8 lsr;
		int spins = 100000;
		do {
			__asm__ volatile("inb %1, %0" : "=a"(lsr) : "Nd"((UINT16)(COM1 + 5)));
		} while (!(lsr & 0x20) && --spins);
		__asm__ volatile("outb %0, %1" : : "a"((UINT8)*s), "Nd"((UINT16)COM1));
	}
}

/* Reads a whole file from the root of our volume.  Returns EFI_NOT_FOUND
 * untouched so that optional files can be skipped. */
static EFI_STATUS read_file(EFI_FILE_HANDLE root, CHAR16 *path, void **data, UINTN *size)
{
	EFI_FILE_HANDLE fh;
	EFI_STATUS st = root->Open(root, &fh, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;
	EFI_FILE_INFO *info = LibFileInfo(fh);
	if (!info) {
		fh->Close(fh);
		return EFI_DEVICE_ERROR;
	}
	UINTN n = info->FileSize;
	FreePool(info);
	st = BS->AllocatePool(EfiLoaderData, n ? n : 1, data);
	if (!EFI_ERROR(st)) {
		*size = n;
		st = fh->Read(fh, size, *data);
		if (!EFI_ERROR(st) && *size != n)
			st = EFI_END_OF_FILE;
	}
	fh->Close(fh);
	return st;
}

static void add_file(struct bootinfo *bi, const char *name, void *data, UINTN size)
{
	struct bootinfo_file *f = &bi->file[bi->nfile++];
	UINTN i;
	for (i = 0; name[i] && i + 1 < sizeof(f->name); i++)
		f->name[i] = name[i];
	f->name[i] = 0;
	f->addr = (UINT64)(UINTN)data;
	f->size = size;
}

/* Loads the PT_LOAD segments into one run of fresh pages, keeping their
 * relative layout; returns the entry point and records where it went. */
static UINT64 load_kernel(const UINT8 *img, UINTN size, struct bootinfo *bi)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	if (size < sizeof(*eh) || eh->e_ident[EI_MAG0] != ELFMAG0 ||
	    eh->e_ident[EI_MAG1] != ELFMAG1 || eh->e_ident[EI_MAG2] != ELFMAG2 ||
	    eh->e_ident[EI_MAG3] != ELFMAG3)
		fail_msg(L"kernel.elf is not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		fail_msg(L"kernel.elf is not an x86_64 ELF64 image");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff + (UINT64)eh->e_phnum * sizeof(Elf64_Phdr) > size)
		fail_msg(L"kernel.elf has a broken program header table");

	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img + eh->e_phoff);
	UINT64 lo = ~0ULL, hi = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_offset + ph[i].p_filesz > size || ph[i].p_filesz > ph[i].p_memsz)
			fail_msg(L"kernel.elf has a segment outside the file");
		if (ph[i].p_vaddr < lo)
			lo = ph[i].p_vaddr;
		if (ph[i].p_vaddr + ph[i].p_memsz > hi)
			hi = ph[i].p_vaddr + ph[i].p_memsz;
	}
	if (hi <= lo || (lo & 0xfff))
		fail_msg(L"kernel.elf has no page-aligned loadable segment");

	UINTN pages = (hi - lo + 0xfff) >> 12;
	EFI_PHYSICAL_ADDRESS base = 0;
	EFI_STATUS st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &base);
	if (EFI_ERROR(st))
		fail(L"no memory for the kernel image", st);
	SetMem((void *)(UINTN)base, pages << 12, 0);
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD)
			CopyMem((void *)(UINTN)(base + ph[i].p_vaddr - lo), img + ph[i].p_offset,
				ph[i].p_filesz);
	}
	bi->image_base = base;
	bi->image_size = pages << 12;
	return base + (eh->e_entry - lo);
}

static UINT64 find_rsdp(void)
{
	EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	UINT64 v1 = 0;
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (!CompareGuid(&t->VendorGuid, &acpi20))
			return (UINT64)(UINTN)t->VendorTable;
		if (!CompareGuid(&t->VendorGuid, &acpi10))
			v1 = (UINT64)(UINTN)t->VendorTable;
	}
	return v1;
}

static UINT32 mem_type(UINT32 efi)
{
	switch (efi) {
	case EfiConventionalMemory:
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return BOOTMEM_USABLE;
	case EfiLoaderCode:
	case EfiLoaderData:
		return BOOTMEM_LOADER;
	case EfiACPIReclaimMemory:
		return BOOTMEM_ACPI;
	case EfiACPIMemoryNVS:
		return BOOTMEM_NVS;
	default:
		return BOOTMEM_RESERVED;
	}
}

/* Runs after ExitBootServices: no firmware calls, no Print. */
static void convert_map(struct bootinfo *bi, UINT8 *map, UINTN size, UINTN dsize)
{
	bi->nmem = 0;
	for (UINTN off = 0; off + dsize <= size; off += dsize) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)(map + off);
		UINT32 type = mem_type(d->Type);
		UINT64 base = d->PhysicalStart, len = d->NumberOfPages << 12;
		struct bootinfo_mem *last = bi->nmem ? &bi->mem[bi->nmem - 1] : 0;
		if (last && last->type == type && last->base + last->len == base) {
			last->len += len;
			continue;
		}
		if (bi->nmem == BOOTINFO_MAXMEM)
			continue; /* the kernel only loses memory it could have used */
		bi->mem[bi->nmem].base = base;
		bi->mem[bi->nmem].len = len;
		bi->mem[bi->nmem].type = type;
		bi->nmem++;
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	Print(L"%s: starting\r\n", LOADER_NAME);

	EFI_LOADED_IMAGE *li;
	EFI_STATUS st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
	if (EFI_ERROR(st))
		fail(L"no LoadedImage protocol", st);
	EFI_FILE_HANDLE root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		fail_msg(L"cannot open the boot volume's file system");

	struct bootinfo *bi;
	st = BS->AllocatePool(EfiLoaderData, sizeof(*bi), (void **)&bi);
	if (EFI_ERROR(st))
		fail(L"no memory for the boot info", st);
	SetMem(bi, sizeof(*bi), 0);
	bi->magic = BOOTINFO_MAGIC;
	bi->source = BOOT_UEFI;
	CopyMem(bi->loader, "nagare-loader 1", 16);

	void *kimg, *data;
	UINTN ksize, size;
	st = read_file(root, L"\\kernel.elf", &kimg, &ksize);
	if (EFI_ERROR(st))
		fail(L"cannot read \\kernel.elf", st);
	UINT64 entry = load_kernel(kimg, ksize, bi);
	FreePool(kimg);

	st = read_file(root, L"\\nagare.rc", &data, &size);
	if (!EFI_ERROR(st))
		add_file(bi, "nagare.rc", data, size);
	else
		Print(L"nagare-loader: no \\nagare.rc (%r), the kernel uses its built-in one\r\n", st);
	st = read_file(root, L"\\sysctl.conf", &data, &size);
	if (!EFI_ERROR(st))
		add_file(bi, "sysctl.conf", data, size);
	else if (st != EFI_NOT_FOUND)
		Print(L"nagare-loader: cannot read \\sysctl.conf: %r\r\n", st);

	bi->rsdp = find_rsdp();
	if (!bi->rsdp)
		Print(L"nagare-loader: warning: firmware gives no ACPI RSDP\r\n");
	Print(L"%s: kernel at 0x%lx, entry 0x%lx, exiting boot services\r\n", LOADER_NAME,
	      bi->image_base, entry);

	/* The map grows by a descriptor or two when we allocate its buffer. */
	UINT8 *map = 0;
	UINTN msize = 0, key, dsize;
	UINT32 dver;
	for (int tries = 0; tries < 8; tries++) {
		msize = 0;
		st = BS->GetMemoryMap(&msize, 0, &key, &dsize, &dver);
		msize += 8 * dsize;
		if (map)
			FreePool(map);
		st = BS->AllocatePool(EfiLoaderData, msize, (void **)&map);
		if (EFI_ERROR(st))
			fail(L"no memory for the memory map", st);
		st = BS->GetMemoryMap(&msize, (EFI_MEMORY_DESCRIPTOR *)map, &key, &dsize, &dver);
		if (EFI_ERROR(st))
			continue;
		st = BS->ExitBootServices(image, key);
		if (!EFI_ERROR(st))
			break;
	}
	if (EFI_ERROR(st))
		fail(L"ExitBootServices failed", st);

	__asm__ volatile("cli");
	convert_map(bi, map, msize, dsize);
	com1_puts("\r\n@@LOADER ebs-ok\r\n");
	((void (*)(struct bootinfo *))(UINTN)entry)(bi);
	halt_forever();
	return EFI_SUCCESS;
}
