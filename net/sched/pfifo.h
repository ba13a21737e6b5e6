/*
 * pfifo: a packet FIFO that drops at the tail once `limit` packets wait
 * (Linux sch_fifo.c's pfifo; its default limit is the device's
 * txqueuelen, 1000).  A tail drop counts in drops only, as qdisc_drop()
 * does in Linux.
 */
#ifndef NET_SCHED_PFIFO_H
#define NET_SCHED_PFIFO_H

#include "net/sched/qdisc.h"

#define PFIFO_LIMIT_DEFAULT 1000u  /* packets: Linux's default txqueuelen */

struct pfifo_conf {
	uint32_t limit;            /* packets; 0 is raised to 1, as Linux does for txqueuelen 0 */
};

struct pfifo {
	struct qdisc q;            /* first: the ops get &pfifo.q */
	struct qpkt_fifo fifo;
	uint32_t limit;            /* packets */
};

extern const struct qdisc_ops pfifo_ops;

void pfifo_conf_default(struct pfifo_conf *c);
void pfifo_init(struct pfifo *f, const struct pfifo_conf *c, qdisc_drop_fn drop, void *drop_ctx);

#endif
