/*
 * The boot timeline: named stages stamped with the TSC as boot passes
 * them, shown by `cat /proc/boottime` in microseconds from kernel entry.
 * Pure (no clock reads): kernel/main.c's boot_stage() stamps, and the
 * table converts with whatever TSC rate is best when it is read.
 */
#ifndef KERNEL_BOOTTIME_H
#define KERNEL_BOOTTIME_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/param.h"

#define BOOTTIME_NAME_MAX 40 /* bytes of a stage name, NUL included */

struct boottime_stage {
	char name[BOOTTIME_NAME_MAX];
	uint64_t tsc; /* TSC cycles at the stage */
};

struct boottime {
	int n;                 /* stages recorded; stage 0 is kernel entry */
	unsigned long dropped; /* stages past BOOTTIME_STAGES */
	struct boottime_stage st[BOOTTIME_STAGES];
};

/* Appends a stage (name cut to fit); -ENOSPC, counted, when full. */
int boottime_add(struct boottime *bt, const char *name, uint64_t tsc);
/* Nanoseconds from stage 0 to tsc at tsc_hz (0 if tsc_hz is 0 or tsc is earlier). */
uint64_t boottime_ns(const struct boottime *bt, uint64_t tsc, uint64_t tsc_hz);
/* Line i of the table, "AT_US DELTA_US  NAME\n", into buf (snprintf
 * convention: returns the length it needed).  Line -1 is the header. */
int boottime_line(const struct boottime *bt, int i, uint64_t tsc_hz, char *buf, size_t cap);

#endif
