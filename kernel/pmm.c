/*
 * Physical page allocator: one bit per 4 KiB page below the highest usable
 * address (32 KiB of bitmap per GiB), placed in the first usable pages that
 * hold nothing of ours.  Allocation is next-fit over 64-bit words; runs of
 * pages for DMA rings scan for a free run.  Kept out of the bitmap: the
 * first MiB, the kernel image, the files the loader left, the bitmap.
 */
#include <stdint.h>
#include <string.h>

#include "boot/bootinfo.h"
#include "kernel/panic.h"
#include "kernel/param.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"

#define LOW_RESERVED (1ULL << 20)
#define MAX_HOLES (BOOTINFO_MAXFILE + 2)

struct range {
	uint64_t lo, hi;
};

static uint64_t *bitmap;  /* 1 = in use or not RAM */
static uint64_t npages;   /* pages the bitmap covers */
static uint64_t nfree, ntotal, nkernel;
static uint64_t hint;     /* word index where the next search starts */

/* Bits set in x (the kernel has no libgcc for __builtin_popcountll). */
static unsigned popcount64(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* Marks [pa, pa + len) used or free, keeping nfree right; whole 64-page
 * words at a time (boot marks all of RAM free: 65536 bits per 256 MiB,
 * one at a time about 0.7 ms under TCG). */
static void set_range(uint64_t pa, uint64_t len, int used)
{
	uint64_t first = pa >> PAGE_SHIFT, last = (pa + len + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (last > npages)
		last = npages;
	for (uint64_t p = first; p < last;) {
		uint64_t n = 64 - (p & 63);
		if (n > last - p)
			n = last - p;
		uint64_t mask = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << (p & 63);
		uint64_t *w = &bitmap[p >> 6];
		uint64_t change = used ? mask & ~*w : mask & *w;
		uint64_t k = popcount64(change);
		if (used) {
			*w |= mask;
			nfree -= k;
		} else {
			*w &= ~mask;
			nfree += k;
		}
		p += n;
	}
}

static int holes(const struct bootinfo *bi, struct range *h)
{
	int n = 0;
	h[n++] = (struct range){ 0, LOW_RESERVED };
	h[n++] = (struct range){ bi->image_base, bi->image_base + bi->image_size };
	for (uint32_t i = 0; i < bi->nfile; i++)
		h[n++] = (struct range){ bi->file[i].addr, bi->file[i].addr + bi->file[i].size };
	return n;
}

/* First page-aligned spot of `size` bytes in usable RAM that avoids the holes. */
static uint64_t place(const struct bootinfo *bi, const struct range *h, int nh, uint64_t size)
{
	for (uint32_t i = 0; i < bi->nmem; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];
		if (m->type != BOOTMEM_USABLE || m->base + m->len > (4ULL << 30))
			continue;
		uint64_t at = (m->base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		for (int again = 1; again;) {
			again = 0;
			for (int k = 0; k < nh; k++) {
				if (at < h[k].hi && at + size > h[k].lo) {
					at = (h[k].hi + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
					again = 1;
				}
			}
		}
		if (at + size <= m->base + m->len)
			return at;
	}
	return 0;
}

void pmm_init(const struct bootinfo *bi)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < bi->nmem; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];
		if (m->type == BOOTMEM_USABLE && m->base + m->len > top)
			top = m->base + m->len;
	}
	npages = top >> PAGE_SHIFT;
	uint64_t bytes = ((npages + 63) / 64) * 8;
	struct range h[MAX_HOLES];
	int nh = holes(bi, h);
	uint64_t at = place(bi, h, nh, bytes);
	if (!at)
		panic("pmm: no room for a %lu-byte page bitmap", bytes);
	bitmap = (uint64_t *)at;
	memset(bitmap, 0xff, bytes);
	nfree = 0;
	for (uint32_t i = 0; i < bi->nmem; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];
		if (m->type != BOOTMEM_USABLE)
			continue;
		/* Only whole pages inside the region. */
		uint64_t lo = (m->base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t hi = (m->base + m->len) & ~(PAGE_SIZE - 1);
		if (hi > lo)
			set_range(lo, hi - lo, 0);
	}
	ntotal = nfree;
	for (int k = 0; k < nh; k++) {
		if (h[k].hi > h[k].lo)
			set_range(h[k].lo, h[k].hi - h[k].lo, 1);
	}
	set_range(at, bytes, 1);
	nkernel = bi->image_size >> PAGE_SHIFT;
	printk("pmm: %lu MiB usable, %lu pages free, bitmap %lu bytes at 0x%lx\n",
	       (ntotal << PAGE_SHIFT) >> 20, nfree, bytes, at);
}

static int page_free(uint64_t p)
{
	return !(bitmap[p >> 6] & (1ULL << (p & 63)));
}

uint64_t pmm_alloc_pages(size_t n)
{
	uint64_t words = (npages + 63) / 64;
	if (!n || n > nfree)
		return 0;
	for (uint64_t k = 0; k < words; k++) {
		uint64_t w = (hint + k) % words;
		if (bitmap[w] == ~0ULL)
			continue;
		for (uint64_t p = w * 64; p < w * 64 + 64 && p + n <= npages; p++) {
			uint64_t run = 0;
			while (run < n && page_free(p + run))
				run++;
			if (run == n) {
				uint64_t pa = p << PAGE_SHIFT;
				set_range(pa, n << PAGE_SHIFT, 1);
				hint = (p + n) / 64;
				memset((void *)pa, 0, n << PAGE_SHIFT);
				return pa;
			}
			p += run; /* the page at p+run is taken: resume after it */
		}
	}
	return 0;
}

void pmm_free_pages(uint64_t pa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		BUG_ON(page_free((pa >> PAGE_SHIFT) + i));
	set_range(pa, n << PAGE_SHIFT, 0);
}

void pmm_stats(struct pmm_stats *s)
{
	s->total = ntotal;
	s->free = nfree;
	s->kernel = nkernel;
}
