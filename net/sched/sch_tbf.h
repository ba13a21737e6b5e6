/*
 * The tbf qdisc (Linux sch_tbf): a token bucket shaper with one class,
 * 1:1, whose qdisc (the child) holds the packets.  The bucket maths and
 * tc's parameter rules are net/sched/tbf.h; this is the qdisc around them.
 *
 * - enqueue: a packet longer than tbf_max_size() is dropped (Linux
 *   segments GSO packets and drops others; we have no GSO); the rest go
 *   to the child.
 * - dequeue: the child's head leaves when the bucket holds its length;
 *   else NULL, one overlimit per throttled dequeue, and q.wake_ns says
 *   when to come back (qdisc.h).
 * - The child: by default a bfifo of `limit` bytes built into struct
 *   sch_tbf (Linux's fifo_create_dflt in tbf_change).  sch_tbf_graft()
 *   puts the caller's qdisc there instead (tc qdisc replace ... parent
 *   1:1).  Linux gives the default child handle 0:, and tc does not list
 *   it (checked against Linux 6.1 with iproute2 6.1); a grafted child is
 *   dumped by the caller, who knows its handle ("10: parent 1:1").
 * - The tbf's qlen and backlog are the child's (plus the tbf's own
 *   requeue stash) and its drops include the child's, however the child
 *   dropped (tail, AQM at dequeue, fattest flow): the tbf re-reads the
 *   child's counters after each call into it, which is what Linux gets
 *   from qdisc_tree_reduce_backlog().
 */
#ifndef NET_SCHED_SCH_TBF_H
#define NET_SCHED_SCH_TBF_H

#include "net/sched/pfifo.h"
#include "net/sched/tbf.h"

struct sch_tbf {
	struct qdisc q;            /* first: the ops get &sch_tbf.q */
	struct tbf tb;             /* the buckets; tb.p the parameters in force */
	uint32_t max_size;         /* bytes: tbf_max_size(); longer packets are dropped */
	struct qdisc *child;       /* class 1:1's qdisc: &bfifo.q or a grafted one */
	struct pfifo bfifo;        /* the default child: a bfifo of tb.p.limit bytes */
	uint32_t child_drops;      /* child->stats.drops already added to q.stats.drops */
};

/* ops->change takes a const struct tbf_params * that passed tbf_check(). */
extern const struct qdisc_ops tbf_qdisc_ops;

/* p must have passed tbf_check().  Buckets full at now; the child is the
 * default bfifo, whose packets go to drop as the tbf's do. */
void sch_tbf_init(struct sch_tbf *t, const struct tbf_params *p, qdisc_drop_fn drop,
		  void *drop_ctx, uint64_t now);

/* Makes child (initialised by the caller, its memory kept until it is
 * grafted away) class 1:1's qdisc; NULL puts back the default bfifo,
 * empty, at the tbf's limit.  The old child is purged first, its packets
 * freed through its drop callback and counted in the tbf's drops (Linux's
 * qdisc_replace() / qdisc_purge_queue()).  *old is the old child for the
 * caller to free, or NULL when it was the built-in bfifo or is child
 * itself (nothing changes then). */
void sch_tbf_graft(struct sch_tbf *t, struct qdisc *child, struct qdisc **old);

/* Class 1:1's qdisc now (the built-in bfifo or the grafted one). */
struct qdisc *sch_tbf_child(const struct sch_tbf *t);
/* Nonzero while the child is the built-in bfifo (tc lists it not). */
int sch_tbf_child_is_default(const struct sch_tbf *t);

#endif
