/*
 * The kernel's page tables.  Physical memory is identity-mapped (virtual ==
 * physical), so a DMA address is just the pointer.  Page 0 and the boot
 * stack's guard page are left unmapped to catch NULL and stack overflow.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#include <stddef.h>
#include <stdint.h>

struct bootinfo;

/* Builds and loads the tables for [0, 4 GiB) and the kernel image; no pmm needed. */
void vm_init(const struct bootinfo *bi);
/* Maps RAM above 4 GiB; call once the page allocator works. */
void vm_map_high_ram(const struct bootinfo *bi);
/* Makes [phys, phys+len) uncached and present; returns its virtual address. */
uintptr_t vm_map_mmio(uint64_t phys, size_t len);

#endif
