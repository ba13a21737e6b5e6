/*
 * kernel/tsc.c: the TSC rate from CPUID leaves (0x40000010, 0x15, 0x16),
 * from a reference window, and the clock that stays continuous when its
 * rate is corrected.
 */
#include <stdint.h>
#include <string.h>

#include "kernel/tsc.h"
#include "tests/unit/unit.h"

/* QEMU 7.2 TCG -cpu max, as read on this project's machines: AMD, basic
 * leaves up to 0xd (so 0x15/0x16 answer with leaf 0xd's data), hypervisor
 * leaves up to 0x40000001 ("TCGTCGTCGTCG"): nothing states the rate. */
START_TEST(tcg_states_nothing)
{
	struct tsc_cpuid c = { .max_basic = 0xd, .intel = 0, .hv_max = 0x40000001 };
	c.l15[0] = 0x21f, c.l15[1] = 0x240, c.l15[2] = 0xa88; /* leaf 0xd's, not 0x15's */
	struct tsc_rate r = tsc_from_cpuid(&c);
	ck_assert_uint_eq(r.tsc_hz, 0);
	ck_assert_uint_eq(r.lapic_hz, 0);
}
END_TEST

START_TEST(hypervisor_leaf)
{
	struct tsc_cpuid c = { .max_basic = 0xd, .hv_max = 0x40000010 };
	c.hv10[0] = 2096029; /* kHz */
	c.hv10[1] = 1000000; /* LAPIC bus kHz */
	struct tsc_rate r = tsc_from_cpuid(&c);
	ck_assert_uint_eq(r.tsc_hz, 2096029000ULL);
	ck_assert_uint_eq(r.lapic_hz, 1000000000ULL);
	ck_assert_str_eq(r.source, "cpuid 0x40000010");
	/* A zero TSC field says nothing: leaf 0x15 is next (Intel here). */
	c.hv10[0] = 0;
	c.intel = 1, c.max_basic = 0x16;
	c.l15[0] = 2, c.l15[1] = 176, c.l15[2] = 24000000;
	r = tsc_from_cpuid(&c);
	ck_assert_uint_eq(r.tsc_hz, 2112000000ULL);
	ck_assert_str_eq(r.source, "cpuid 0x15");
}
END_TEST

START_TEST(leaf_15)
{
	/* Crystal 24 MHz, ratio 176/2: 2.112 GHz; the LAPIC timer runs from the crystal. */
	struct tsc_cpuid c = { .max_basic = 0x16, .intel = 1 };
	c.l15[0] = 2, c.l15[1] = 176, c.l15[2] = 24000000;
	struct tsc_rate r = tsc_from_cpuid(&c);
	ck_assert_uint_eq(r.tsc_hz, 2112000000ULL);
	ck_assert_uint_eq(r.lapic_hz, 24000000ULL);
	/* A 19.2 MHz crystal and a ratio that does not divide evenly. */
	c.l15[0] = 3, c.l15[1] = 313, c.l15[2] = 19200000;
	ck_assert_uint_eq(tsc_from_cpuid(&c).tsc_hz, 2003200000ULL);
}
END_TEST

START_TEST(leaf_15_crystal_from_16)
{
	/* ECX 0: the crystal from leaf 0x16's base MHz (2100 * 2 / 168 = 25 MHz). */
	struct tsc_cpuid c = { .max_basic = 0x16, .intel = 1 };
	c.l15[0] = 2, c.l15[1] = 168, c.l15[2] = 0;
	c.l16[0] = 2100;
	struct tsc_rate r = tsc_from_cpuid(&c);
	ck_assert_uint_eq(r.tsc_hz, 2100000000ULL);
	ck_assert_uint_eq(r.lapic_hz, 25000000ULL);
	ck_assert_str_eq(r.source, "cpuid 0x15+0x16");
	/* Without leaf 0x16 (max basic 0x15), or with it zero: unknown. */
	c.max_basic = 0x15;
	ck_assert_uint_eq(tsc_from_cpuid(&c).tsc_hz, 0);
	c.max_basic = 0x16, c.l16[0] = 0;
	ck_assert_uint_eq(tsc_from_cpuid(&c).tsc_hz, 0);
}
END_TEST

START_TEST(leaf_15_not_enumerated)
{
	struct tsc_cpuid c = { .max_basic = 0x16, .intel = 1 };
	c.l15[0] = 0, c.l15[1] = 176, c.l15[2] = 24000000; /* EAX 0: no ratio */
	ck_assert_uint_eq(tsc_from_cpuid(&c).tsc_hz, 0);
	c.l15[0] = 2, c.l15[1] = 0;
	ck_assert_uint_eq(tsc_from_cpuid(&c).tsc_hz, 0);
	/* Beyond the maximum basic leaf the values mean nothing. */
	c.l15[1] = 176, c.max_basic = 0x14;
	ck_assert_uint_eq(tsc_from_cpuid(&c).tsc_hz, 0);
	/* Leaf 0x15 is Intel's: AMD's answer is not read as a ratio. */
	c.max_basic = 0x16, c.intel = 0;
	ck_assert_uint_eq(tsc_from_cpuid(&c).tsc_hz, 0);
}
END_TEST

START_TEST(rates)
{
	/* 2 ms of a 2.096029 GHz TSC against 7159 PM ticks (3.579545 MHz). */
	uint64_t pm = 7159, cycles = 2096029000ULL * pm / 3579545ULL;
	uint64_t hz = tsc_rate_from(cycles, pm, 3579545ULL);
	ck_assert_uint_le(tsc_ppm_off(hz, 2096029000ULL), 1);
	ck_assert_uint_eq(tsc_rate_from(cycles, 0, 3579545ULL), 0);
	/* 4 s of a 5 GHz TSC against a wrapped-around-free 24-bit count. */
	ck_assert_uint_eq(tsc_rate_from(20000000000ULL, 14318180, 3579545ULL), 5000000000ULL);
	ck_assert_uint_eq(tsc_ppm_off(1000100, 1000000), 100);
	ck_assert_uint_eq(tsc_ppm_off(999900, 1000000), 100);
	ck_assert_uint_eq(tsc_muldiv(10000000000ULL, 4000000000ULL, 1000000000ULL), 40000000000ULL);
}
END_TEST

START_TEST(clock_runs_and_corrects)
{
	struct tsc_clock c;
	uint64_t t0 = 123456789;
	tsc_clock_start(&c, t0, 0, 2000000000ULL);
	ck_assert_uint_eq(tsc_clock_ns(&c, t0), 0);
	uint64_t ns = tsc_clock_ns(&c, t0 + 2000000000ULL);
	ck_assert(ns >= 999999999 && ns <= 1000000000);
	/* 0.1 % fast from 1 s on: the same reading at the switch, then the new rate. */
	uint64_t at = t0 + 2000000000ULL;
	tsc_clock_set_hz(&c, at, 2002000000ULL);
	ck_assert_uint_eq(tsc_clock_ns(&c, at), ns);
	uint64_t later = tsc_clock_ns(&c, at + 2002000000ULL);
	ck_assert(later - ns >= 999999999 && later - ns <= 1000000000);
	/* Monotonic across repeated corrections up and down. */
	uint64_t prev = 0, t = at;
	for (int i = 0; i < 1000; i++) {
		t += 1000 + i;
		uint64_t now = tsc_clock_ns(&c, t);
		ck_assert_uint_ge(now, prev);
		prev = now;
		tsc_clock_set_hz(&c, t, i & 1 ? 1990000000ULL : 2010000000ULL);
	}
	/* A day at 5 GHz: no overflow; mult rounds down, so the clock is slow
	 * by less than 1 / mult (1.2 ppb here: 100 us a day). */
	tsc_clock_start(&c, 0, 0, 5000000000ULL);
	ns = tsc_clock_ns(&c, 5000000000ULL * 86400);
	ck_assert(ns >= 86400ULL * 1000000000ULL - 104000 && ns <= 86400ULL * 1000000000ULL);
}
END_TEST

Suite *tsc_suite(void)
{
	Suite *s = suite_create("tsc");
	TCase *tc = tcase_create("rate");
	tcase_add_test(tc, tcg_states_nothing);
	tcase_add_test(tc, hypervisor_leaf);
	tcase_add_test(tc, leaf_15);
	tcase_add_test(tc, leaf_15_crystal_from_16);
	tcase_add_test(tc, leaf_15_not_enumerated);
	tcase_add_test(tc, rates);
	tcase_add_test(tc, clock_runs_and_corrects);
	suite_add_tcase(s, tc);
	return s;
}
