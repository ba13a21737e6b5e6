/*
 * Stands in for kernel/x86.h when bench/rxpath builds kernel/heap.c on the
 * host: the same instructions as the kernel's irq_save/irq_restore, with
 * nop for cli/sti (privileged in user mode), so the counts match.
 */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include <stdint.h>

static inline uint64_t irq_save(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0; nop" : "=r"(f) : : "memory");
	return f;
}

static inline void irq_restore(uint64_t f)
{
	if (f & 0x200)
		__asm__ volatile("nop" : : : "memory");
}

#endif
