/*
 * Stands in for kernel/x86.h in the host unit build of the drivers that
 * reach a device through mmio_* (drivers/drivers.mk lists them): every
 * access becomes a call into the fake virtio PCI function of
 * tests/unit/vdev.c, which records its address and width and plays the
 * device's registers.  Addresses outside the fake's BAR are plain memory.
 * kernel/heap.c's host build takes irq_save/irq_restore from here: a
 * host process has no interrupts to mask.
 */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include <stdint.h>

uint8_t mmio_read8(uintptr_t a);
uint16_t mmio_read16(uintptr_t a);
uint32_t mmio_read32(uintptr_t a);
uint64_t mmio_read64(uintptr_t a);
void mmio_write8(uintptr_t a, uint8_t v);
void mmio_write16(uintptr_t a, uint16_t v);
void mmio_write32(uintptr_t a, uint32_t v);
void mmio_write64(uintptr_t a, uint64_t v);

static inline void cpu_relax(void) {}
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline uint64_t irq_save(void) { return 0; }
static inline void irq_restore(uint64_t f) { (void)f; }

#endif
