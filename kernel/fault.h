/*
 * Fault injection, a debugging aid (Linux's is Documentation/fault-injection:
 * failslab, fail_page_alloc, each with a `probability` in percent): each
 * point fails the given percent of its operations on purpose, chosen at
 * random, and counts what it failed.  The percents are the debug.fail_*
 * sysctls, 0 by default.  Points: the driver's receive buffers and the
 * stack's receive copies (rx_alloc), lwIP's heap (lwip_alloc: every pbuf,
 * segment and connection), frames handed to the device's ring (tx_ring),
 * and requests the device refuses as if its ring were full (tx_ring_full:
 * -ENOSPC, so the stack requeues and tries again; the ring of a local run
 * rarely fills).
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <stdint.h>

struct fault {
	int percent;        /* 0-100: the sysctl */
	uint64_t injected;  /* failures made */
};

extern struct fault fault_rx_alloc, fault_lwip_alloc, fault_tx_ring, fault_tx_ring_full;

int fault_roll(struct fault *f);

/* Nonzero if this operation should fail: one load and a branch when off. */
static inline int fault_fail(struct fault *f)
{
	return f->percent && fault_roll(f);
}

#endif
