/*
 * x86_64 4-level paging (Intel SDM vol. 3A, 4.5).  Identity map: 2 MiB
 * pages for [0, 4 GiB) (write-back where the range holds RAM, uncached
 * otherwise), 4 KiB pages where finer control is needed: the first 2 MiB
 * (page 0 absent), the kernel image (text read-only, data no-execute), the
 * stack guard (absent) and MMIO windows (uncached).  Tables for the first
 * 4 GiB come from a static pool so this runs before the page allocator.
 */
#include <stdint.h>
#include <string.h>

#include "boot/bootinfo.h"
#include "kernel/panic.h"
#include "kernel/param.h"
#include "kernel/pmm.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL
#define LARGE (2ULL << 20)
#define STATIC_TABLES 24

static uint64_t pml4[512] __attribute__((aligned(4096)));
static uint64_t pool[STATIC_TABLES][512] __attribute__((aligned(4096)));
static int pool_used;
static uint64_t nx_bit;

extern char __image_start[], __image_end[];
extern char __text_end[], __data_start[];
extern char boot_stack_guard[];

static uint64_t *alloc_table(void)
{
	uint64_t *t;
	if (pool_used < STATIC_TABLES) {
		t = pool[pool_used++];
	} else {
		uint64_t pa = pmm_alloc_pages(1);
		if (!pa)
			panic("vm: out of memory for page tables");
		t = (uint64_t *)pa;
	}
	memset(t, 0, PAGE_SIZE);
	return t;
}

/* The entry for va at `level` (0 = PT, 1 = PD, 2 = PDPT), creating tables
 * and splitting larger pages on the way down. */
static uint64_t *walk(uint64_t va, int level)
{
	uint64_t *t = pml4;
	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
		if (!(*e & PTE_P)) {
			*e = (uint64_t)alloc_table() | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			/* Split: the new table repeats the big page in 512 smaller ones. */
			uint64_t *n = alloc_table(), big = *e, step = 1ULL << (12 + 9 * (l - 1));
			uint64_t flags = big & ~PTE_ADDR & ~PTE_PS;
			for (int i = 0; i < 512; i++)
				n[i] = ((big & PTE_ADDR) + i * step) | flags | (l - 1 > 0 ? PTE_PS : 0);
			*e = (uint64_t)n | PTE_P | PTE_W;
		}
		t = (uint64_t *)(*e & PTE_ADDR);
	}
	return &t[(va >> (12 + 9 * level)) & 511];
}

static void map_4k(uint64_t pa, uint64_t flags)
{
	*walk(pa, 0) = pa | flags;
	invlpg(pa);
}

static int is_ram(const struct bootinfo *bi, uint64_t lo, uint64_t hi)
{
	for (uint32_t i = 0; i < bi->nmem; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];
		if (m->type != BOOTMEM_RESERVED && m->base < hi && m->base + m->len > lo)
			return 1;
	}
	return 0;
}

void vm_init(const struct bootinfo *bi)
{
	uint32_t r[4];
	cpuid(0x80000001, 0, r);
	if (r[3] & (1u << 20)) {
		wrmsr(0xc0000080, rdmsr(0xc0000080) | (1ULL << 11)); /* EFER.NXE */
		nx_bit = PTE_NX;
	}
	/* A page directory at a time (one walk per GiB, not per entry). */
	for (uint64_t gib = 0; gib < (4ULL << 30); gib += 1ULL << 30) {
		uint64_t *pd = walk(gib, 1);
		for (int i = 0; i < 512; i++) {
			uint64_t pa = gib + (uint64_t)i * LARGE, flags = PTE_P | PTE_W | PTE_PS;
			if (!is_ram(bi, pa, pa + LARGE))
				flags |= PTE_PCD | PTE_PWT;
			pd[i] = pa | flags;
		}
	}
	/* First 2 MiB in 4 KiB pages, page 0 absent to catch NULL. */
	for (uint64_t pa = 0; pa < LARGE; pa += PAGE_SIZE)
		*walk(pa, 0) = pa ? pa | PTE_P | PTE_W : 0;
	/* The image: text and rodata read-only, the rest no-execute. */
	for (uint64_t pa = (uint64_t)__image_start; pa < (uint64_t)__image_end; pa += PAGE_SIZE) {
		uint64_t flags = PTE_P;
		if (pa >= (uint64_t)__text_end)
			flags |= PTE_W | nx_bit;
		if (pa >= (uint64_t)__text_end && pa < (uint64_t)__data_start)
			flags &= ~PTE_W;
		*walk(pa, 0) = pa | flags;
	}
	*walk((uint64_t)boot_stack_guard, 0) = 0;
	__asm__ volatile("mov %%cr0, %%rax; or $0x10000, %%rax; mov %%rax, %%cr0" ::: "rax"); /* WP */
	write_cr3((uint64_t)pml4);
}

void vm_map_high_ram(const struct bootinfo *bi)
{
	for (uint32_t i = 0; i < bi->nmem; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];
		if (m->type == BOOTMEM_RESERVED || m->base + m->len <= (4ULL << 30))
			continue;
		uint64_t lo = m->base & ~(LARGE - 1), hi = m->base + m->len;
		if (lo < (4ULL << 30))
			lo = 4ULL << 30;
		for (uint64_t pa = lo; pa < hi; pa += LARGE)
			*walk(pa, 1) = pa | PTE_P | PTE_W | PTE_PS | nx_bit;
	}
	write_cr3((uint64_t)pml4);
}

/* The PD entry (2 MiB level) for va, or NULL if no table leads there. */
static uint64_t *pd_entry(uint64_t va)
{
	uint64_t *t = pml4;
	for (int l = 3; l > 1; l--) {
		uint64_t e = t[(va >> (12 + 9 * l)) & 511];
		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		t = (uint64_t *)(e & PTE_ADDR);
	}
	return &t[(va >> 21) & 511];
}

uintptr_t vm_map_mmio(uint64_t phys, size_t len)
{
	const uint64_t uc = PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx_bit;
	uint64_t pa = phys & ~(PAGE_SIZE - 1), hi = phys + len;
	while (pa < hi) {
		uint64_t *pde = pd_entry(pa);
		if (pde && (*pde & (PTE_P | PTE_PS | PTE_PCD)) == (PTE_P | PTE_PS | PTE_PCD)) {
			pa = (pa & ~(LARGE - 1)) + LARGE; /* already an uncached 2 MiB page */
			continue;
		}
		if (!(pa & (LARGE - 1)) && hi - pa >= LARGE && (!pde || !(*pde & PTE_P))) {
			*walk(pa, 1) = pa | uc | PTE_PS;
			invlpg(pa);
			pa += LARGE;
			continue;
		}
		map_4k(pa, uc);
		pa += PAGE_SIZE;
	}
	return (uintptr_t)phys;
}
