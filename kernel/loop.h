/*
 * The event loop: single core, run to completion.  Each round calls every
 * registered poll function; when none had work and no interrupt arrived
 * meanwhile, it sleeps in hlt until the earliest deadline any hook asks for.
 */
#ifndef KERNEL_LOOP_H
#define KERNEL_LOOP_H

#include <stdint.h>

struct loop_hook {
	const char *name;
	int (*poll)(void);           /* nonzero: did work, poll again soon */
	uint64_t (*next_ms)(void);   /* optional: ms from now until it needs a poll */
};

void loop_register(const struct loop_hook *h);
/* A hook for background work (console output): polled only in rounds
 * where no other hook had work, before the loop would sleep. */
void loop_register_idle(const struct loop_hook *h);
/* Called by every interrupt: the loop must not sleep through it. */
void loop_kick(void);
void loop_run(void) __attribute__((noreturn));
/* For a command that waits on the network (ping): one round of every hook
 * but the console's, then, if none had work, sleep until the next event or
 * at most max_ms.  Returns nonzero if a hook had work. */
int loop_pump(uint64_t max_ms);
/* Nanoseconds spent halted (the idle column of /proc/uptime). */
uint64_t loop_idle_ns(void);
/* Load average, Linux fixed point (FSHIFT 11): runnable = the loop was busy. */
void loop_loadavg(unsigned long avg[3]);

#endif
