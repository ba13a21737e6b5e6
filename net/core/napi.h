/*
 * The NET_RX round (Linux net_rx_action) and softnet statistics
 * (/proc/net/softnet_stat).  The per-device API is in drivers/netdev.h.
 */
#ifndef NET_NAPI_H
#define NET_NAPI_H

#include <stdint.h>

#include "drivers/netdev.h"

struct softnet_stat {
	uint64_t processed;    /* frames handed to the protocol stack */
	uint64_t dropped;      /* frames dropped: input backlog full */
	uint64_t time_squeeze; /* rounds ended with work left (budget or time) */
	uint64_t rounds;       /* napi_run calls that polled something */
	uint64_t polls;        /* device poll calls */
};

extern struct softnet_stat softnet;

/* One round: polls scheduled devices, each up to its weight, all together
 * up to `budget` frames and `usecs` microseconds.  A device that used its
 * whole weight stays scheduled; when the round ends early, time_squeeze
 * counts it.  `after_poll` (may be NULL) runs after each device poll (the
 * stack drains that device's backlog there).  Returns nonzero if devices
 * are still scheduled: poll again without waiting for an interrupt. */
int napi_run(int budget, int usecs, void (*after_poll)(struct netdev *dev));
int napi_pending(void);

#endif
