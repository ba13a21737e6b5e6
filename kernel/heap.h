/*
 * The kernel heap: malloc/calloc/realloc/free (declared in <stdlib.h>).
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stdint.h>

struct heap_stats {
	uint64_t bytes;     /* bytes in live blocks (rounded up to their size class) */
	uint64_t blocks;    /* live allocations */
	uint64_t pages;     /* pages the heap holds from the page allocator */
	uint64_t failures;  /* allocations that found no memory */
};
void heap_stats(struct heap_stats *s);

#endif
