/*
 * The event loop.  A round: clear the kick flag, run every hook's poll.
 * If nothing had work, busy-poll for net.core.busy_poll microseconds, run
 * the background (idle) hooks and, if they had none either, disable
 * interrupts, look at the kick flag once more (an interrupt after the
 * polls set it) and only then `sti; hlt`, with the
 * LAPIC timer armed for the nearest deadline: no wakeup is ever lost.
 * The load average samples "busy" every 5 s with Linux's constants
 * (kernel/sched/loadavg.c: EXP_1 1884, EXP_5 2014, EXP_15 2037, FSHIFT 11).
 */
#include <stdint.h>
#include <string.h>

#include "kernel/loop.h"
#include "kernel/panic.h"
#include "kernel/param.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/x86.h"

#define MAX_HOOKS 8
#define FSHIFT 11
#define FIXED_1 (1UL << FSHIFT)
#define LOAD_FREQ_NS 5000000000ULL

static const struct loop_hook *hooks[MAX_HOOKS];
static int nhooks;
static const struct loop_hook *idle_hooks[MAX_HOOKS];
static int nidle;
static volatile int kicked;
static uint64_t idle_ns;
static unsigned long avenrun[3];
static uint64_t next_load_ns = LOAD_FREQ_NS, busy_since_sample;

void loop_register(const struct loop_hook *h)
{
	BUG_ON(nhooks == MAX_HOOKS);
	hooks[nhooks++] = h;
}

void loop_register_idle(const struct loop_hook *h)
{
	BUG_ON(nidle == MAX_HOOKS);
	idle_hooks[nidle++] = h;
}

/* Background work, when nothing else had any. */
static int run_idle_hooks(void)
{
	int work = 0;
	for (int i = 0; i < nidle; i++)
		work |= idle_hooks[i]->poll();
	return work;
}

void loop_kick(void)
{
	kicked = 1;
}

uint64_t loop_idle_ns(void)
{
	return idle_ns;
}

void loop_loadavg(unsigned long avg[3])
{
	for (int i = 0; i < 3; i++)
		avg[i] = avenrun[i];
}

static unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long newload = load * exp + active * (FIXED_1 - exp);
	if (active >= load)
		newload += FIXED_1 - 1;
	return newload / FIXED_1;
}

static void sample_load(uint64_t now)
{
	if (now < next_load_ns)
		return;
	unsigned long active = busy_since_sample ? FIXED_1 : 0;
	avenrun[0] = calc_load(avenrun[0], 1884, active);
	avenrun[1] = calc_load(avenrun[1], 2014, active);
	avenrun[2] = calc_load(avenrun[2], 2037, active);
	busy_since_sample = 0;
	next_load_ns += LOAD_FREQ_NS;
}

static uint64_t sleep_ms(void)
{
	uint64_t ms = TIMER_MAX_SLEEP_MS;
	for (int i = 0; i < nhooks; i++) {
		if (hooks[i]->next_ms) {
			uint64_t m = hooks[i]->next_ms();
			if (m < ms)
				ms = m;
		}
	}
	return ms;
}

/* One round of hooks; with skip_console, the console's is left out (a
 * command is running inside it). */
static int run_hooks(int skip_console)
{
	int work = 0;
	for (int i = 0; i < nhooks; i++) {
		if (!(skip_console && !strcmp(hooks[i]->name, "console")))
			work |= hooks[i]->poll();
	}
	return work;
}

/* Sleeps until an interrupt or ms from now, unless one arrived already. */
static void idle(uint64_t ms)
{
	cli();
	if (kicked) {
		sti();
		return;
	}
	time_arm_wakeup(ms * 1000000ULL);
	uint64_t t0 = time_ns();
	sti_hlt();
	idle_ns += time_ns() - t0;
}

int loop_pump(uint64_t max_ms)
{
	kicked = 0;
	if (run_hooks(1))
		return 1;
	if (run_idle_hooks())
		return 0;
	uint64_t ms = sleep_ms();
	if (ms > max_ms)
		ms = max_ms;
	if (ms)
		idle(ms);
	return 0;
}

void loop_run(void)
{
	for (;;) {
		kicked = 0;
		int work = run_hooks(0);
		uint64_t now = time_ns();
		sample_load(now);
		if (work) {
			busy_since_sample = 1;
			continue;
		}
		/* net.core.busy_poll: keep polling a while before sleeping, trading
		 * CPU for the interrupt and wakeup latency (Linux's busy_poll). */
		if (sysctl_busy_poll > 0) {
			uint64_t until = now + (uint64_t)sysctl_busy_poll * 1000;
			while (!(work = run_hooks(0)) && time_ns() < until)
				cpu_relax();
			if (work)
				continue;
		}
		if (run_idle_hooks())
			continue;
		uint64_t ms = sleep_ms();
		if (ms)
			idle(ms);
	}
}
