/*
 * Clock and timer.  The reference is the ACPI PM timer (3.579545 MHz,
 * ACPI 6.4 4.8.3.3) or, without one, PIT channel 2 (1.193182 MHz, gated by
 * port 0x61).  Over one 50 ms window we count TSC cycles and local APIC
 * timer ticks (divide 16) against it.  ns = cycles * mult >> 32, with
 * mult = 2^32 * 1e9 / tsc_hz.  The CMOS RTC (MC146818) gives the wall
 * time once at boot.
 */
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/x86.h"

#define PM_HZ 3579545ULL
#define PIT_HZ 1193182ULL
#define CAL_MS 10

static uint64_t tsc0, tsc_hz, lapic_hz, ns_mult, ms_mult;
static uint64_t wall0;
static const char *reference = "none";

uint64_t time_early(void)
{
	tsc0 = rdtsc();
	return tsc0;
}

/* (a * b) >> 32 with a 128-bit intermediate. */
static inline uint64_t mul_shr32(uint64_t a, uint64_t b)
{
	uint64_t lo, hi;
	__asm__("mulq %3" : "=a"(lo), "=d"(hi) : "a"(a), "rm"(b) : "cc");
	return (hi << 32) | (lo >> 32);
}

uint64_t time_ns(void)
{
	return mul_shr32(rdtsc() - tsc0, ns_mult);
}

uint64_t time_ms(void)
{
	return mul_shr32(rdtsc() - tsc0, ms_mult);
}

uint64_t time_tsc_hz(void) { return tsc_hz; }
uint64_t time_lapic_hz(void) { return lapic_hz; }
const char *time_reference(void) { return reference; }

static uint32_t pm_read(void)
{
	uint32_t v = inl(acpi.pm_timer_port);
	return acpi.pm_timer_32bit ? v : v & 0xffffff;
}

/* The other two clocks, read right after a reference reading. */
struct snap {
	uint64_t tsc;
	uint32_t lapic;
};

static void snap(struct snap *s)
{
	s->tsc = rdtsc();
	s->lapic = lapic_timer_count();
}

/* Busy-waits `ticks` of the PM timer; returns the ticks that really passed.
 * Each snapshot follows a PM read in the same order, so read latency (an
 * exit to the VMM per port read) cancels out of the ratios. */
static uint64_t pm_wait(uint64_t ticks, struct snap *a, struct snap *b)
{
	uint32_t mask = acpi.pm_timer_32bit ? 0xffffffffu : 0xffffffu;
	for (int i = 0; i < 3; i++)
		(void)pm_read(); /* warm up: first reads may be slow under emulation */
	uint32_t start = pm_read();
	snap(a);
	uint64_t passed = 0;
	for (long spins = 0; passed < ticks && spins < 100000000L; spins++)
		passed = (pm_read() - start) & mask;
	snap(b);
	return passed;
}

/* PIT channel 2 in mode 0, counting down from `ticks` (< 65536). */
static uint64_t pit_wait(uint64_t ticks, struct snap *a, struct snap *b)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);                       /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, ticks & 0xff);
	outb(0x42, ticks >> 8);
	snap(a);
	for (long spins = 0; !(inb(0x61) & 0x20) && spins < 100000000L; spins++)
		cpu_relax();
	snap(b);
	return ticks;
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static void rtc_read(void)
{
	for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
		cpu_relax(); /* update in progress: at most ~2 ms */
	uint8_t s = cmos(0x00), mi = cmos(0x02), h = cmos(0x04);
	uint8_t d = cmos(0x07), mo = cmos(0x08), y = cmos(0x09), b = cmos(0x0b);
	if (!(b & 0x04)) { /* BCD */
#define BCD(x) (((x) & 0x0f) + ((x) >> 4) * 10)
		s = BCD(s), mi = BCD(mi), d = BCD(d), mo = BCD(mo), y = BCD(y);
		h = BCD(h & 0x7f) | (h & 0x80);
#undef BCD
	}
	if (!(b & 0x02) && (h & 0x80)) /* 12-hour clock, PM */
		h = ((h & 0x7f) % 12) + 12;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
		return;
	wall0 = (uint64_t)time_days_from_civil(2000 + y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	wall0 -= time_ns() / 1000000000ULL; /* the RTC was read now, not at boot */
}

void time_init(void)
{
	struct snap a, b;
	uint64_t ref_ticks, ref_hz;
	lapic_timer_oneshot(0xffffffffu);
	if (acpi.pm_timer_port) {
		reference = "acpi_pm";
		ref_hz = PM_HZ;
		ref_ticks = pm_wait(PM_HZ * CAL_MS / 1000, &a, &b);
	} else {
		reference = "pit";
		ref_hz = PIT_HZ;
		ref_ticks = pit_wait(PIT_HZ * CAL_MS / 1000, &a, &b);
	}
	tsc_hz = (b.tsc - a.tsc) * ref_hz / ref_ticks;
	lapic_hz = (uint64_t)(a.lapic - b.lapic) * ref_hz / ref_ticks;
	lapic_timer_oneshot(0);
	ns_mult = mul_div_u64(1000000000ULL, 1ULL << 32, tsc_hz);
	ms_mult = mul_div_u64(1000ULL, 1ULL << 32, tsc_hz);
	rtc_read();
	printk("time: TSC %lu.%03lu MHz, LAPIC timer %lu.%03lu MHz (calibrated against %s)\n",
	       tsc_hz / 1000000, tsc_hz / 1000 % 1000, lapic_hz / 1000000, lapic_hz / 1000 % 1000,
	       reference);
}

void time_arm_wakeup(uint64_t ns)
{
	if (ns > 10000000000ULL)
		ns = 10000000000ULL; /* keeps the product's quotient in range */
	uint64_t ticks = mul_div_u64(ns, lapic_hz, 1000000000ULL);
	lapic_timer_oneshot(ticks > 0xffffffffULL ? 0xffffffffu : (uint32_t)ticks);
}

uint64_t time_wall(void)
{
	return wall0 ? wall0 + time_ns() / 1000000000ULL : 0;
}

int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Count March-based years so the leap day ends the year. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}
