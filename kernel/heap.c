/*
 * Kernel heap.  Small requests (<= HEAP_SMALL_MAX) come from size classes
 * spaced about 25% apart, carved out of whole pages whose first 16 bytes
 * name the class; a class's free blocks form a singly linked list.  Larger
 * requests take whole pages with the same 16-byte header in front, so
 * free() finds any block's header at its page boundary.  Pages of small
 * classes stay with their class (the working set of lwIP's pools is
 * steady); large runs go back to the page allocator.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/heap.h"
#include "kernel/panic.h"
#include "kernel/param.h"
#include "kernel/pmm.h"
#include "kernel/x86.h"

#define HDR 16
#define MAGIC_SMALL 0x736d616cu
#define MAGIC_LARGE 0x6c617267u

struct page_hdr {
	uint32_t magic;
	uint32_t cls;    /* small: class index */
	uint64_t npages; /* large: pages in the run */
};

struct free_block {
	struct free_block *next;
};

#define CLASS_MAX 2032 /* the largest class */
static const uint16_t class_size[] = {
	16, 32, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 640, 768, 1024, 1360, CLASS_MAX,
};
#define NCLASS (sizeof(class_size) / sizeof(class_size[0]))

static struct free_block *free_list[NCLASS];
static struct heap_stats stats;

/* Class sizes are multiples of 16, so n's class is that of n rounded up to
 * 16: a table by n / 16, filled from class_size on the first call (the scan
 * it replaced took 4 instructions a class, 64 for lwIP's ~800-byte pbufs). */
static uint8_t class_by_16[CLASS_MAX / 16 + 1];
static int class_table_filled;

static int class_of(size_t n)
{
	if (n > CLASS_MAX)
		return -1;
	if (!class_table_filled) {
		unsigned c = 0;
		for (unsigned i = 0; i <= CLASS_MAX / 16; i++) {
			while (class_size[c] < i * 16)
				c++;
			class_by_16[i] = (uint8_t)c;
		}
		class_table_filled = 1;
	}
	return class_by_16[(n + 15) / 16];
}

static int refill(int c)
{
	uint64_t pa = pmm_alloc_pages(1);
	if (!pa)
		return -1;
	struct page_hdr *h = (struct page_hdr *)pa;
	h->magic = MAGIC_SMALL;
	h->cls = c;
	stats.pages++;
	for (uint64_t off = HDR; off + class_size[c] <= PAGE_SIZE; off += class_size[c]) {
		struct free_block *b = (struct free_block *)(pa + off);
		b->next = free_list[c];
		free_list[c] = b;
	}
	return 0;
}

static size_t block_size(void *p, struct page_hdr **hp)
{
	struct page_hdr *h = (struct page_hdr *)((uintptr_t)p & ~(PAGE_SIZE - 1));
	if (h->magic == MAGIC_SMALL && h->cls < NCLASS) {
		*hp = h;
		return class_size[h->cls];
	}
	if (h->magic == MAGIC_LARGE && (uintptr_t)p == (uintptr_t)h + HDR) {
		*hp = h;
		return h->npages * PAGE_SIZE - HDR;
	}
	panic("free of a pointer the heap never gave out: %p", p);
}

void *malloc(size_t n)
{
	uint64_t f = irq_save();
	void *p = NULL;
	size_t got = 0;
	int c = class_of(n ? n : 1);
	if (c >= 0) {
		if (free_list[c] || refill(c) == 0) {
			struct free_block *b = free_list[c];
			free_list[c] = b->next;
			p = b;
			got = class_size[c];
		}
	} else if (n <= (1ULL << 40)) {
		uint64_t pages = (n + HDR + PAGE_SIZE - 1) / PAGE_SIZE;
		uint64_t pa = pmm_alloc_pages(pages);
		if (pa) {
			struct page_hdr *h = (struct page_hdr *)pa;
			h->magic = MAGIC_LARGE;
			h->npages = pages;
			stats.pages += pages;
			p = (void *)(pa + HDR);
			got = pages * PAGE_SIZE - HDR;
		}
	}
	if (p) {
		stats.bytes += got;
		stats.blocks++;
	} else {
		stats.failures++;
	}
	irq_restore(f);
	return p;
}

void free(void *p)
{
	if (!p)
		return;
	uint64_t f = irq_save();
	struct page_hdr *h;
	size_t size = block_size(p, &h);
	stats.blocks--;
	stats.bytes -= size;
	if (h->magic == MAGIC_SMALL) {
		struct free_block *b = p;
		b->next = free_list[h->cls];
		free_list[h->cls] = b;
	} else {
		stats.pages -= h->npages;
		h->magic = 0;
		pmm_free_pages((uint64_t)h, h->npages);
	}
	irq_restore(f);
}

void *calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	void *p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	struct page_hdr *h;
	size_t have = block_size(p, &h);
	if (n <= have)
		return p;
	void *q = malloc(n);
	if (q) {
		memcpy(q, p, have);
		free(p);
	}
	return q;
}

void heap_stats(struct heap_stats *s)
{
	*s = stats;
}

void abort(void)
{
	panic("abort()");
}
