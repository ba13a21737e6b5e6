/*
 * The boot timeline's table (kernel/boottime.h): stages appended in the
 * order boot passes them, each with its TSC stamp; formatted for
 * /proc/boottime as microseconds since kernel entry and since the stage
 * before.  Pure: tests/unit/test_boottime.c builds it on the host.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/boottime.h"

int boottime_add(struct boottime *bt, const char *name, uint64_t tsc)
{
	if (bt->n >= BOOTTIME_STAGES) {
		bt->dropped++;
		return -ENOSPC;
	}
	struct boottime_stage *s = &bt->st[bt->n++];
	strlcpy(s->name, name, sizeof(s->name));
	s->tsc = tsc;
	return 0;
}

/* a * b / c in 64 bits (no 128-bit division in a freestanding kernel):
 * exact while (c - 1) * b fits, i.e. for b = 1e9 any rate below 18 GHz. */
static uint64_t muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return a / c * b + a % c * b / c;
}

uint64_t boottime_ns(const struct boottime *bt, uint64_t tsc, uint64_t tsc_hz)
{
	if (!bt->n || !tsc_hz || tsc < bt->st[0].tsc)
		return 0;
	return muldiv(tsc - bt->st[0].tsc, 1000000000ULL, tsc_hz);
}

int boottime_line(const struct boottime *bt, int i, uint64_t tsc_hz, char *buf, size_t cap)
{
	if (i < 0)
		return snprintf(buf, cap, "%10s %10s  %s\n", "at_us", "delta_us", "stage");
	if (i >= bt->n)
		return snprintf(buf, cap, "%s", "");
	uint64_t at = boottime_ns(bt, bt->st[i].tsc, tsc_hz) / 1000;
	uint64_t prev = i ? boottime_ns(bt, bt->st[i - 1].tsc, tsc_hz) / 1000 : 0;
	return snprintf(buf, cap, "%10lu %10lu  %s\n", (unsigned long)at,
			(unsigned long)(at >= prev ? at - prev : 0), bt->st[i].name);
}
