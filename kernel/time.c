/*
 * Clock and timer, without a busy wait at boot.  The clock is the TSC, at
 * the rate CPUID states (kernel/tsc.c) or else measured over a window
 * against the ACPI PM timer (3.579545 MHz, ACPI 6.4 4.8.3.3) that opens
 * after ACPI and closes at the first time_ns().  A second window of 1 s,
 * closed from the event loop, corrects a rate off by more than CHECK_PPM
 * without a jump (as Linux's tsc_refine_calibration_work()); until then
 * time runs up to ~100 ppm off under a loaded TCG host, which no TCP timer,
 * CoDel, tbf or uptime notices.  The LAPIC timer (divide 16) is measured
 * against the TSC over its free run until the first wakeup.  Fallbacks:
 * PIT channel 2 over 10 ms.  The CMOS RTC (MC146818) is read once.
 */
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/loop.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/tsc.h"
#include "kernel/x86.h"

#define PM_HZ 3579545ULL
#define PIT_HZ 1193182ULL
#define PIT_CAL_MS 10
#define EARLY_MIN_NS 500000ULL        /* shortest early window against the PM timer */
#define LAPIC_MIN_NS 200000ULL        /* shortest window for the LAPIC timer's rate */
#define REFINE_NS 1000000000ULL       /* the checking window */
#define PM_WRAP_NS 4000000000ULL      /* a 24-bit PM timer wraps after 4.69 s */
#define CHECK_PPM 100                 /* a rate off by more than this is corrected */

static uint64_t tsc0;                 /* TSC at kernel entry: time 0 */
static struct tsc_clock clk;          /* mult 0 until the rate is known */
static uint64_t lapic_ratio;          /* LAPIC timer ticks per TSC cycle, << 32; 0: unknown */
static uint64_t lapic_tsc0;           /* when the LAPIC timer began its free run */
static uint32_t lapic_count0;
static uint64_t rtc_secs;             /* the RTC's reading at boot, s since 1970; 0: none */
static uint64_t rtc_tsc;              /* when it was read */
static const char *reference = "none";
static const char *rate_source = "";

/* The open window against the PM timer: its start and the early rate's. */
static struct {
	int open;
	uint32_t pm;
	uint64_t tsc;
} win;
static int refined;
static int guessed; /* time_ns() ran before time_init(): the rate is a guess */

/* TSC cycles as ns at the current rate (a duration, not a time). */
static uint64_t cycles_ns(uint64_t cycles)
{
	return tsc_muldiv(cycles, 1000000000ULL, clk.hz);
}

static void rtc_read(void);

uint64_t time_early(void)
{
	tsc0 = rdtsc();
	return tsc0;
}

static uint32_t pm_mask(void)
{
	return acpi.pm_timer_32bit ? 0xffffffffu : 0xffffffu;
}

static uint32_t pm_read(void)
{
	return inl(acpi.pm_timer_port) & pm_mask();
}

/* A PM reading and the TSC when it was taken: of PM_SAMPLES reads, the one
 * with the fewest TSC cycles around it (a read the host preempted, or an
 * SMI, is left out), stamped at its middle; as Linux's tsc_read_refs(). */
#define PM_SAMPLES 4
static uint32_t pm_sample(uint64_t *tsc)
{
	uint64_t best = ~0ULL;
	uint32_t v = 0;
	for (int i = 0; i < PM_SAMPLES; i++) {
		uint64_t a = rdtsc();
		uint32_t p = pm_read();
		uint64_t b = rdtsc();
		if (b - a < best) {
			best = b - a;
			v = p;
			*tsc = a + (b - a) / 2;
		}
	}
	return v;
}

static void window_open(void)
{
	win.pm = pm_sample(&win.tsc);
	win.open = 1;
}

/* The rate over the open window, or 0 if the PM timer may have wrapped
 * (more than PM_WRAP_NS by the clock as it runs, if it runs). */
static uint64_t window_rate(uint64_t *tsc_end)
{
	uint32_t pm = pm_sample(tsc_end);
	uint64_t ticks = (pm - win.pm) & pm_mask();
	if (clk.mult && !acpi.pm_timer_32bit && cycles_ns(*tsc_end - win.tsc) > PM_WRAP_NS)
		return 0;
	return tsc_rate_from(*tsc_end - win.tsc, ticks, PM_HZ);
}

static void set_rate(uint64_t tsc, uint64_t hz)
{
	if (clk.mult)
		tsc_clock_set_hz(&clk, tsc, hz);
	else
		tsc_clock_start(&clk, tsc0, 0, hz);
}

/* The early rate: the window opened in time_start_reference(), closed
 * now, after busy-waiting what it lacks of EARLY_MIN_NS (counted in PM
 * ticks; bounded by TSC cycles too, 0.5 s at 1 GHz, should the PM timer
 * not count: then PIT channel 2 measures the rate instead). */
static uint64_t pit_rate(void);

static void calibrate_early(void)
{
	uint64_t need = PM_HZ * EARLY_MIN_NS / 1000000000ULL, t = rdtsc();
	while (((pm_read() - win.pm) & pm_mask()) < need && rdtsc() - t < 500000000ULL)
		cpu_relax();
	uint64_t tsc, hz = window_rate(&tsc);
	if (!hz) {
		hz = pit_rate();
		reference = "pit";
		rate_source = "pit";
		win.open = 0; /* nothing to check against */
		tsc_clock_start(&clk, tsc0, 0, hz ? hz : 1000000000ULL);
		printk("time: the ACPI PM timer does not count; TSC %lu.%03lu MHz against the PIT\n",
		       clk.hz / 1000000, clk.hz / 1000 % 1000);
		return;
	}
	set_rate(tsc, hz);
	rate_source = "acpi_pm";
	uint64_t us = cycles_ns(tsc - win.tsc) / 1000;
	printk("time: TSC %lu.%03lu MHz from a %lu us window against the ACPI PM timer (checked "
	       "again after 1 s)\n", hz / 1000000, hz / 1000 % 1000, (unsigned long)us);
	window_open(); /* the checking window starts here */
}

static uint64_t pit_rate(void)
{
	uint64_t ticks = PIT_HZ * PIT_CAL_MS / 1000;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);                       /* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, ticks & 0xff);
	outb(0x42, ticks >> 8);
	uint64_t a = rdtsc();
	for (long spins = 0; !(inb(0x61) & 0x20) && spins < 100000000L; spins++)
		cpu_relax();
	return tsc_rate_from(rdtsc() - a, ticks, PIT_HZ);
}

/* Out of line: the first time_ns() before the rate is known. */
static void __attribute__((noinline)) time_need_rate(void)
{
	uint64_t f = irq_save();
	if (!clk.mult && win.open)
		calibrate_early();
	else if (!clk.mult) {
		tsc_clock_start(&clk, tsc0, 0, 1000000000ULL); /* before time_init: a guess */
		guessed = 1;
	}
	irq_restore(f);
}

uint64_t time_ns(void)
{
	if (__builtin_expect(!clk.mult, 0))
		time_need_rate();
	return tsc_clock_ns(&clk, rdtsc());
}

uint64_t time_ns_if_known(void)
{
	return clk.mult ? tsc_clock_ns(&clk, rdtsc()) : 0;
}

uint64_t time_ms(void)
{
	return time_ns() / 1000000ULL;
}

uint64_t time_tsc_hz(void) { return clk.hz; }
const char *time_reference(void) { return reference; }
const char *time_rate_source(void) { return rate_source; }

uint64_t time_lapic_hz(void)
{
	return (uint64_t)(((unsigned __int128)clk.hz * lapic_ratio) >> 32);
}

/* The LAPIC timer's rate against the TSC over its free run since
 * time_init(), topped up to LAPIC_MIN_NS. */
static void lapic_measure(void)
{
	if (!clk.mult)
		time_need_rate();
	uint64_t min = tsc_muldiv(LAPIC_MIN_NS, clk.hz, 1000000000ULL);
	for (long spins = 0; rdtsc() - lapic_tsc0 < min && spins < 100000000L; spins++)
		cpu_relax();
	uint32_t count = lapic_timer_count();
	uint64_t tsc = rdtsc();
	if (!count) { /* ran out (68 s at 62.5 MHz): measure afresh */
		lapic_timer_oneshot(0xffffffffu);
		lapic_count0 = lapic_timer_count();
		lapic_tsc0 = rdtsc();
		lapic_measure();
		return;
	}
	lapic_ratio = tsc_muldiv(lapic_count0 - count, 1ULL << 32, tsc - lapic_tsc0);
}

/* The checking window (loop hook): once it spans REFINE_NS, compare and
 * correct.  A window the 24-bit PM timer may have wrapped in starts over. */
static int refine_poll(void)
{
	if (refined || !win.open || !clk.mult)
		return 0;
	if (cycles_ns(rdtsc() - win.tsc) < REFINE_NS)
		return 0;
	uint64_t f = irq_save();
	uint64_t tsc, hz = window_rate(&tsc);
	if (!hz) {
		window_open();
		irq_restore(f);
		return 0;
	}
	uint64_t old = clk.hz, ppm = tsc_ppm_off(hz, old);
	refined = 1;
	if (ppm > CHECK_PPM)
		set_rate(tsc, hz);
	irq_restore(f);
	printk("time: TSC %lu.%03lu MHz over 1 s against the ACPI PM timer: %s rate (%s) off by "
	       "%lu ppm%s\n", hz / 1000000, hz / 1000 % 1000, rate_source[0] == 'c' ? "CPUID's" : "the early",
	       rate_source, (unsigned long)ppm, ppm > CHECK_PPM ? ", corrected" : "");
	return 0;
}

static uint64_t refine_next_ms(void)
{
	if (refined || !win.open || !clk.mult)
		return ~0ULL;
	uint64_t el = cycles_ns(rdtsc() - win.tsc);
	return el >= REFINE_NS ? 0 : (REFINE_NS - el) / 1000000ULL + 1;
}

static const struct loop_hook refine_hook = { "clock", refine_poll, refine_next_ms };

static void read_cpuid(struct tsc_cpuid *c)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	c->max_basic = r[0];
	c->intel = r[1] == 0x756e6547 && r[3] == 0x49656e69 && r[2] == 0x6c65746e; /* GenuineIntel */
	if (c->max_basic >= 0x15)
		cpuid(0x15, 0, c->l15);
	if (c->max_basic >= 0x16)
		cpuid(0x16, 0, c->l16);
	cpuid(1, 0, r);
	if (r[2] & (1u << 31)) { /* a hypervisor is present: its leaves are defined */
		cpuid(0x40000000, 0, r);
		c->hv_max = r[0];
		if (c->hv_max >= 0x40000010 && c->hv_max < 0x40010000)
			cpuid(0x40000010, 0, c->hv10);
	}
}

void time_init(void)
{
	if (guessed)
		clk.mult = 0; /* what read the guess read it before the clock meant anything */
	struct tsc_cpuid c = { 0 };
	read_cpuid(&c);
	struct tsc_rate r = tsc_from_cpuid(&c);
	lapic_timer_oneshot(0xffffffffu); /* free-running until the first wakeup */
	lapic_count0 = lapic_timer_count();
	lapic_tsc0 = rdtsc();
	reference = acpi.pm_timer_port ? "acpi_pm" : "pit";
	rtc_read();
	if (r.tsc_hz) {
		rate_source = r.source;
		tsc_clock_start(&clk, tsc0, 0, r.tsc_hz);
		if (r.lapic_hz)
			lapic_ratio = tsc_muldiv(r.lapic_hz / 16, 1ULL << 32, r.tsc_hz);
		printk("time: TSC %lu.%03lu MHz from %s (checked against %s after 1 s)\n",
		       r.tsc_hz / 1000000, r.tsc_hz / 1000 % 1000, r.source, reference);
	} else if (!acpi.pm_timer_port) {
		uint64_t hz = pit_rate();
		rate_source = "pit";
		tsc_clock_start(&clk, tsc0, 0, hz ? hz : 1000000000ULL);
		printk("time: TSC %lu.%03lu MHz from a %d ms window against the PIT\n", clk.hz / 1000000,
		       clk.hz / 1000 % 1000, PIT_CAL_MS);
	}
	if (acpi.pm_timer_port) {
		if (clk.mult || !win.open)
			window_open(); /* the checking window, or an early one not yet opened */
		loop_register(&refine_hook);
	}
}

void time_start_reference(void)
{
	if (acpi.pm_timer_port)
		window_open(); /* the early window: closed by the first time_ns() */
}

void time_arm_wakeup(uint64_t ns)
{
	if (!lapic_ratio)
		lapic_measure();
	if (ns > 10000000000ULL)
		ns = 10000000000ULL; /* keeps the product's quotient in range */
	uint64_t cycles = tsc_muldiv(ns, time_tsc_hz(), 1000000000ULL);
	uint64_t ticks = (uint64_t)(((unsigned __int128)cycles * lapic_ratio) >> 32);
	lapic_timer_oneshot(ticks > 0xffffffffULL ? 0xffffffffu : ticks ? (uint32_t)ticks : 1);
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

/* The RTC once, in time_init(): seconds since 1970 and the TSC then. */
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
	rtc_secs = (uint64_t)time_days_from_civil(2000 + y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	rtc_tsc = rdtsc();
}

uint64_t time_wall(void)
{
	if (!rtc_secs)
		return 0;
	(void)time_ns(); /* the rate, if not yet known */
	return rtc_secs + cycles_ns(rdtsc() - rtc_tsc) / 1000000000ULL;
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
