/*
 * Kernel heap.  Small requests (<= HEAP_SMALL_MAX) come from size classes
 * spaced about 25% apart, carved out of whole pages (a slab each) whose
 * first 32 bytes are a header naming the class and holding the page's own
 * free list; a class keeps its pages that have a free block on a doubly
 * linked list.  A page whose last block comes back is returned to the page
 * allocator, except one spare per class (so a steady alloc/free cycle at a
 * page boundary does not take and return a page each time).  Before, a
 * class kept every page it ever had: a burst (a filled receive backlog, a
 * flood) left its peak in the heap for good, and an 8 MiB guest was left
 * 38 free pages by CI's slower run of test_soak.  Larger requests take
 * whole pages with a 16-byte header in front, so free() finds any block's
 * header at its page boundary; they go back to the page allocator at once.
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

#define HDR 16       /* in front of a large block */
#define HDR_SMALL 32 /* at the start of a small class's page */
#define MAGIC_SMALL 0x736d616cu
#define MAGIC_LARGE 0x6c617267u

struct free_block {
	struct free_block *next;
};

struct page_hdr {
	uint32_t magic;
	uint16_t cls;  /* small: class index */
	uint16_t used; /* small: blocks given out */
	union {
		uint64_t npages;         /* large: pages in the run */
		struct free_block *free; /* small: this page's free blocks */
	};
	struct page_hdr *prev, *next; /* small: the class's pages with a free block */
};
_Static_assert(sizeof(struct page_hdr) == HDR_SMALL, "the small page header");
_Static_assert(offsetof(struct page_hdr, prev) == HDR, "a large header is the first 16 bytes");

#define CLASS_MAX 2032 /* the largest class: two to a page */
static const uint16_t class_size[] = {
	16, 32, 48, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 640, 768, 1024, 1344, CLASS_MAX,
};
#define NCLASS (sizeof(class_size) / sizeof(class_size[0]))
_Static_assert(HDR_SMALL + 2 * CLASS_MAX <= PAGE_SIZE, "two of the largest class to a page");

static struct {
	struct page_hdr *partial; /* pages with a free block, most recently freed into first */
	int empty;                /* of them, pages with no block given out (at most one kept) */
} cls[NCLASS];
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

static void partial_push(int c, struct page_hdr *h)
{
	h->prev = NULL;
	h->next = cls[c].partial;
	if (h->next)
		h->next->prev = h;
	cls[c].partial = h;
}

static void partial_unlink(int c, struct page_hdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		cls[c].partial = h->next;
	if (h->next)
		h->next->prev = h->prev;
}

/* A fresh page for class c, every block on its free list. */
static struct page_hdr *refill(int c)
{
	uint64_t pa = pmm_alloc_pages(1);
	if (!pa)
		return NULL;
	struct page_hdr *h = (struct page_hdr *)pa;
	h->magic = MAGIC_SMALL;
	h->cls = (uint16_t)c;
	h->used = 0;
	h->free = NULL;
	for (int i = (PAGE_SIZE - HDR_SMALL) / class_size[c] - 1; i >= 0; i--) {
		struct free_block *b = (struct free_block *)(pa + HDR_SMALL + (uint64_t)i * class_size[c]);
		b->next = h->free;
		h->free = b;
	}
	partial_push(c, h);
	cls[c].empty++;
	stats.pages++;
	return h;
}

static size_t block_size(void *p, struct page_hdr **hp)
{
	struct page_hdr *h = (struct page_hdr *)((uintptr_t)p & ~(PAGE_SIZE - 1));
	if (h->magic == MAGIC_SMALL && h->cls < NCLASS && (uintptr_t)p >= (uintptr_t)h + HDR_SMALL) {
		*hp = h;
		return class_size[h->cls];
	}
	if (h->magic == MAGIC_LARGE && (uintptr_t)p == (uintptr_t)h + HDR) {
		*hp = h;
		return h->npages * PAGE_SIZE - HDR;
	}
	panic("free of a pointer the heap never gave out: %p", p);
}

static void *small_alloc(int c)
{
	struct page_hdr *h = cls[c].partial;
	if (!h && !(h = refill(c)))
		return NULL;
	struct free_block *b = h->free;
	h->free = b->next;
	if (h->used++ == 0)
		cls[c].empty--;
	if (!h->free)
		partial_unlink(c, h);
	return b;
}

static void small_free(struct page_hdr *h, void *p)
{
	int c = h->cls;
	struct free_block *b = p;
	if (!h->free)
		partial_push(c, h); /* it was full */
	b->next = h->free;
	h->free = b;
	if (--h->used)
		return;
	if (!cls[c].empty) {
		cls[c].empty = 1; /* the class's spare */
		return;
	}
	partial_unlink(c, h);
	h->magic = 0;
	stats.pages--;
	pmm_free_pages((uint64_t)(uintptr_t)h, 1);
}

void *malloc(size_t n)
{
	uint64_t f = irq_save();
	void *p = NULL;
	size_t got = 0;
	int c = class_of(n ? n : 1);
	if (c >= 0) {
		p = small_alloc(c);
		got = class_size[c];
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
		small_free(h, p);
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
