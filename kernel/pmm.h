/*
 * Physical page allocator: 4 KiB pages from the boot memory map.
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include <stddef.h>
#include <stdint.h>

struct bootinfo;

void pmm_init(const struct bootinfo *bi);
/* n physically contiguous, zeroed pages; returns their address or 0. */
uint64_t pmm_alloc_pages(size_t n);
void pmm_free_pages(uint64_t pa, size_t n);

struct pmm_stats {
	uint64_t total;  /* usable pages the map gave us */
	uint64_t free;
	uint64_t kernel; /* pages of the kernel image */
};
void pmm_stats(struct pmm_stats *s);

#endif
