/*
 * pfifo: a packet FIFO that drops at the tail once `limit` packets wait
 * (Linux sch_fifo.c's pfifo; its default limit is the device's
 * txqueuelen, 1000).  A tail drop counts in drops only, as qdisc_drop()
 * does in Linux.
 *
 * bfifo: the same FIFO counting bytes: a packet is queued while the
 * backlog plus its length stays within `limit` bytes (Linux sch_fifo.c's
 * bfifo; default txqueuelen * MTU).  tbf's default child is one
 * (net/sched/sch_tbf.h).  Both live in pfifo.c: only the enqueue test and
 * the dump differ.
 */
#ifndef NET_SCHED_PFIFO_H
#define NET_SCHED_PFIFO_H

#include "net/sched/qdisc.h"

#define PFIFO_LIMIT_DEFAULT 1000u  /* packets: Linux's default txqueuelen */
#define BFIFO_LIMIT_DEFAULT (1000u * 1514u) /* bytes: txqueuelen * (MTU + header) */

struct pfifo_conf {
	uint32_t limit;            /* pfifo: packets, 0 raised to 1 as Linux does for
				    * txqueuelen 0; bfifo: bytes, taken as given */
};

/* A pfifo or a bfifo: q.ops says which. */
struct pfifo {
	struct qdisc q;            /* first: the ops get &pfifo.q */
	struct qpkt_fifo fifo;
	uint32_t limit;            /* packets (pfifo) or bytes (bfifo) */
};

extern const struct qdisc_ops pfifo_ops;
extern const struct qdisc_ops bfifo_ops;

void pfifo_conf_default(struct pfifo_conf *c);
void pfifo_init(struct pfifo *f, const struct pfifo_conf *c, qdisc_drop_fn drop, void *drop_ctx);
void bfifo_conf_default(struct pfifo_conf *c);
void bfifo_init(struct pfifo *f, const struct pfifo_conf *c, qdisc_drop_fn drop, void *drop_ctx);

#endif
