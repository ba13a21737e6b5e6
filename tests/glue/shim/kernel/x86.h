/*
 * Stands in for kernel/x86.h in the host build of the glue layer: the
 * unprivileged instructions as they are, the privileged ones as no-ops.
 */
#ifndef KERNEL_X86_H
#define KERNEL_X86_H

#include <stdint.h>

static inline uint64_t rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

static inline uint64_t mul_div_u64(uint64_t a, uint64_t b, uint64_t d)
{
	return (uint64_t)((unsigned __int128)a * b / d);
}

static inline void cli(void) {}
static inline void sti(void) {}
static inline void cpu_relax(void) {}
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline uint64_t irq_save(void) { return 0; }
static inline void irq_restore(uint64_t f) { (void)f; }

#endif
