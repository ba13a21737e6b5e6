/*
 * TSC arithmetic, pure (kernel/time.c reads the hardware): the rate from
 * CPUID where the CPU or hypervisor states it, the rate from a window
 * against a reference clock, and the ns clock that stays continuous and
 * monotonic when its rate is corrected.
 */
#ifndef KERNEL_TSC_H
#define KERNEL_TSC_H

#include <stdint.h>

/* The CPUID leaves that may state the TSC rate, as read (regs: eax, ebx, ecx, edx). */
struct tsc_cpuid {
	uint32_t max_basic;  /* leaf 0 eax */
	int intel;           /* leaf 0 vendor is "GenuineIntel" */
	uint32_t l15[4];     /* leaf 0x15, if max_basic >= 0x15 */
	uint32_t l16[4];     /* leaf 0x16, if max_basic >= 0x16 */
	uint32_t hv_max;     /* leaf 0x40000000 eax if CPUID.1:ECX[31] (hypervisor), else 0 */
	uint32_t hv10[4];    /* leaf 0x40000010, if hv_max >= 0x40000010 */
};

struct tsc_rate {
	uint64_t tsc_hz;     /* 0: CPUID does not say */
	uint64_t lapic_hz;   /* the LAPIC timer's input clock (divide 1); 0 if unknown */
	const char *source;  /* "cpuid 0x40000010", "cpuid 0x15", "cpuid 0x15+0x16" */
};

/* What CPUID states about the TSC and the LAPIC timer, or tsc_hz 0. */
struct tsc_rate tsc_from_cpuid(const struct tsc_cpuid *c);

/* a * b / c without overflow while (c - 1) * b and the result fit in 64 bits. */
uint64_t tsc_muldiv(uint64_t a, uint64_t b, uint64_t c);
/* Rate of a clock that advanced `ticks` while a reference at ref_hz
 * advanced ref_ticks (0 if ref_ticks is 0). */
uint64_t tsc_rate_from(uint64_t ticks, uint64_t ref_ticks, uint64_t ref_hz);
/* |a - b| in parts per million of b (b > 0). */
uint64_t tsc_ppm_off(uint64_t a, uint64_t b);

/* ns = ns_base + (tsc - tsc_base) * mult >> 32; mult = 2^32 * 1e9 / hz,
 * rounded down: slow by under hz / (1e9 * 2^32) (0.5 ppb at 2 GHz). */
struct tsc_clock {
	uint64_t tsc_base, ns_base, mult, hz;
};

uint64_t tsc_clock_ns(const struct tsc_clock *c, uint64_t tsc);
/* Starts the clock: ns_base ns at tsc. */
void tsc_clock_start(struct tsc_clock *c, uint64_t tsc, uint64_t ns_base, uint64_t hz);
/* A new rate from tsc on: the clock reads the same at tsc before and after,
 * so it neither jumps nor runs backwards (tsc no earlier than any read). */
void tsc_clock_set_hz(struct tsc_clock *c, uint64_t tsc, uint64_t hz);

#endif
