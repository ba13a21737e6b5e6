/*
 * TCP Small Queues (net/ipv4/tsq.c): bytes each flow holds in the qdiscs and
 * rings, and the check lwIP's tcp_output makes (patch 0018).
 */
#ifndef NET_TSQ_H
#define NET_TSQ_H

#include <stdint.h>

/* A TCP frame of flow hash went into a qdisc (charge) and left the
 * device or was dropped (uncharge). */
void tsq_charge(uint32_t hash, uint32_t len);
void tsq_uncharge(uint32_t hash, uint32_t len);
/* Segments held back (netstat -s NagareExt TSQThrottled). */
extern uint64_t tsq_throttled;
/* Nonzero once since a throttled flow got room: run tcp_txnow(). */
int tsq_wake_pending(void);

#endif
