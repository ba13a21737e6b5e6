/*
 * TSC rate arithmetic (kernel/tsc.h).  CPUID: Intel SDM vol. 2A, CPUID
 * leaf 15H (TSC/crystal ratio EBX/EAX, crystal Hz in ECX) and leaf 16H
 * (base MHz in EAX); the hypervisor timing leaf 0x40000010 (TSC kHz in
 * EAX, LAPIC bus kHz in EBX) as VMware defined it and QEMU/KVM offer it.
 * Which leaf wins follows Linux arch/x86/kernel/tsc.c native_calibrate_tsc()
 * and cpu/vmware.c as documented, in our own code.  Pure: tests/unit/test_tsc.c.
 */
#include <stdint.h>

#include "kernel/tsc.h"

uint64_t tsc_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return a / c * b + a % c * b / c;
}

/* The hypervisor's leaf first: it states both clocks outright.  Then leaf
 * 0x15, on Intel only (AMD does not define it; the SDM says a zero EAX or
 * EBX means the ratio is not enumerated).  A zero crystal (ECX) is derived
 * from leaf 0x16's base frequency, as Linux does when the model table has
 * no entry.  The LAPIC timer runs from the crystal where leaf 0x15 is
 * enumerated (SDM vol. 3A, 11.5.4). */
struct tsc_rate tsc_from_cpuid(const struct tsc_cpuid *c)
{
	struct tsc_rate r = { 0, 0, "" };
	if (c->hv_max >= 0x40000010 && c->hv10[0]) {
		r.tsc_hz = (uint64_t)c->hv10[0] * 1000;
		r.lapic_hz = (uint64_t)c->hv10[1] * 1000;
		r.source = "cpuid 0x40000010";
		return r;
	}
	if (!c->intel || c->max_basic < 0x15 || !c->l15[0] || !c->l15[1])
		return r;
	uint64_t crystal = c->l15[2];
	r.source = "cpuid 0x15";
	if (!crystal && c->max_basic >= 0x16 && c->l16[0]) {
		/* base = crystal * EBX / EAX, so crystal = base * EAX / EBX. */
		crystal = tsc_muldiv((uint64_t)c->l16[0] * 1000000, c->l15[0], c->l15[1]);
		r.source = "cpuid 0x15+0x16";
	}
	if (!crystal)
		return (struct tsc_rate){ 0, 0, "" };
	r.tsc_hz = tsc_muldiv(crystal, c->l15[1], c->l15[0]);
	r.lapic_hz = crystal;
	return r;
}

uint64_t tsc_rate_from(uint64_t ticks, uint64_t ref_ticks, uint64_t ref_hz)
{
	return ref_ticks ? tsc_muldiv(ticks, ref_hz, ref_ticks) : 0;
}

uint64_t tsc_ppm_off(uint64_t a, uint64_t b)
{
	return tsc_muldiv(a > b ? a - b : b - a, 1000000, b);
}

/* (a * b) >> 32: gcc multiplies 64 x 64 -> 128 inline, no library call. */
static uint64_t mul_shr32(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 32);
}

uint64_t tsc_clock_ns(const struct tsc_clock *c, uint64_t tsc)
{
	return c->ns_base + mul_shr32(tsc - c->tsc_base, c->mult);
}

void tsc_clock_start(struct tsc_clock *c, uint64_t tsc, uint64_t ns_base, uint64_t hz)
{
	c->tsc_base = tsc;
	c->ns_base = ns_base;
	c->hz = hz;
	c->mult = (1000000000ULL << 32) / hz; /* 1e9 * 2^32 < 2^62 */
}

void tsc_clock_set_hz(struct tsc_clock *c, uint64_t tsc, uint64_t hz)
{
	tsc_clock_start(c, tsc, tsc_clock_ns(c, tsc), hz);
}
