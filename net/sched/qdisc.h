/*
 * The qdisc interface: what sits between lwIP's linkoutput and the TX ring
 * (issue 10).  A qdisc queues packet handles (struct qpkt) that the caller
 * owns and embeds next to its buffer; algorithms never allocate per
 * packet.  Time is passed in as `now` (ns, monotonic): the algorithms
 * read no clock, so they run on the host under tests/unit.
 *
 * Ownership: enqueue hands the packet to the qdisc.  It comes back either
 * from dequeue, or through the drop callback (exactly once, for a tail
 * drop at enqueue, an AQM drop at dequeue, a batch drop of another
 * packet, a change that shrinks the limit, or reset).  Whatever enqueue
 * returns, the caller must not touch the packet after it, except in those
 * two ways.
 *
 * Counters keep Linux's names and meaning (struct gnet_stats_basic and
 * gnet_stats_queue): bytes/packets count what dequeue handed out, drops
 * every packet given up, backlog/qlen what is queued now (a peeked or
 * requeued packet included).
 */
#ifndef NET_SCHED_QDISC_H
#define NET_SCHED_QDISC_H

#include <stddef.h>
#include <stdint.h>

/* The IP header's ECN field (RFC 3168), as the caller read it. */
#define QPKT_ECN_NOT_ECT 0
#define QPKT_ECN_ECT1 1
#define QPKT_ECN_ECT0 2
#define QPKT_ECN_CE 3

/* qpkt.flags: the caller's. */
#define QPKT_TSQ 0x1    /* a TCP frame counted by TCP Small Queues (net/ipv4/tsq.c) */
#define QPKT_BUNDLE 0x2 /* owner is a TSO bundle of segments (net/core/netdev_tso.c) */

/* One queued packet.  The caller fills len, truesize, hash, ecn and
 * owner; the qdisc owns next and enqueue_ns while the packet is queued.
 * A qdisc may set ecn to QPKT_ECN_CE (RFC 3168 marking): the caller then
 * rewrites the IP header before transmit. */
struct qpkt {
	struct qpkt *next;         /* the qdisc's queue link */
	uint64_t enqueue_ns;       /* ns: set by the qdisc at enqueue */
	uint32_t len;              /* bytes on the wire: the L2 frame */
	uint32_t truesize;         /* bytes of memory held (buffer size); 0 means len */
	uint32_t hash;             /* flow hash: the caller's keyed hash of the 5-tuple */
	uint8_t ecn;               /* QPKT_ECN_* */
	uint8_t flags;             /* the caller's (QPKT_TSQ); qdiscs leave them alone */
	uint16_t gso_segs;         /* segments on the wire (a TSO bundle's); 0 means 1 */
	void *owner;               /* the caller's buffer */
};

/* Linux's qdisc counters (tc -s qdisc: Sent, dropped, overlimits,
 * requeues, backlog). */
struct qdisc_stats {
	uint64_t bytes;            /* bytes dequeued */
	uint32_t packets;          /* packets dequeued */
	uint32_t drops;            /* packets given up, any reason */
	uint32_t overlimits;       /* throttle events (shapers) */
	uint32_t requeues;         /* packets put back by qdisc_requeue */
	uint32_t backlog;          /* bytes queued now */
	uint32_t qlen;             /* packets queued now */
};

struct qdisc;

/* The caller's callback for a packet the qdisc gives up: free it. */
typedef void (*qdisc_drop_fn)(struct qpkt *p, void *ctx);

/* enqueue results (Linux NET_XMIT_*) */
#define QDISC_ENQ_OK 0             /* queued */
#define QDISC_ENQ_DROP 1           /* not queued: already passed to the drop callback */
#define QDISC_ENQ_CN 2             /* queued, but packets of its own flow were dropped */

/*
 * One algorithm.  Every entry is required except peek (NULL: qdisc_peek
 * dequeues and keeps the packet, as Linux's qdisc_peek_dequeued does).
 * conf is the algorithm's own struct (struct codel_conf, ...), complete.
 */
struct qdisc_ops {
	const char *id;            /* tc's name: "pfifo", "codel", "fq_codel" */
	int (*enqueue)(struct qdisc *q, struct qpkt *p, uint64_t now);     /* QDISC_ENQ_* */
	struct qpkt *(*dequeue)(struct qdisc *q, uint64_t now);            /* NULL when empty */
	struct qpkt *(*peek)(struct qdisc *q, uint64_t now);               /* the next dequeue */
	uint32_t (*reset)(struct qdisc *q);        /* free everything; returns packets freed */
	int (*change)(struct qdisc *q, const void *conf, uint64_t now);   /* 0 or -EINVAL */
	/* `tc [-s] qdisc show` lines into buf, byte for byte as iproute2
	 * prints them (each line ends in "\n"; the options line and the
	 * Sent line keep tc's trailing space), with snprintf's contract:
	 * returns the length it needed.  where is "10: parent 1:1" or
	 * "1: root refcnt 2"; how is QDISC_DUMP_STATS (-s) and
	 * QDISC_DUMP_DETAILS (-d); now makes drop_next relative, as Linux does. */
	int (*dump)(const struct qdisc *q, const char *where, int how, uint64_t now,
		    char *buf, size_t size);
	/* Optional: the longest packet enqueue takes (tbf's max_size);
	 * NULL: any length. */
	uint32_t (*max_len)(const struct qdisc *q);
};

#define QDISC_DUMP_STATS 1
#define QDISC_DUMP_DETAILS 2

/* The part every qdisc starts with (the algorithm's struct embeds it
 * first). */
struct qdisc {
	const struct qdisc_ops *ops;
	struct qdisc_stats stats;
	qdisc_drop_fn drop;
	void *drop_ctx;
	struct qpkt *stash;        /* peeked or requeued: dequeue returns it first */
	/* ns: set by a shaper (tbf) whose dequeue returned NULL while packets
	 * wait: dequeue again at or after it, not before (Linux's
	 * qdisc_watchdog_schedule_ns).  0: no wait pending (empty, or the
	 * last dequeue handed a packet out).  Work-conserving qdiscs leave it 0. */
	uint64_t wake_ns;
	/* tc's handle, major << 16 ("10:" is 0x100000); 0 for a default
	 * qdisc tc did not create (the default root, tbf's bfifo).  The
	 * algorithms leave it alone: the tc command and netdev set it. */
	uint32_t handle;
};

/* ---- the calls the datapath makes (net/sched/qdisc.c) ---- */
int qdisc_enqueue(struct qdisc *q, struct qpkt *p, uint64_t now);
struct qpkt *qdisc_dequeue(struct qdisc *q, uint64_t now);
struct qpkt *qdisc_peek(struct qdisc *q, uint64_t now);
/* Put back a dequeued packet the driver could not take; counts requeues. */
void qdisc_requeue(struct qdisc *q, struct qpkt *p);
/* Free the stash and everything queued; returns packets freed. */
uint32_t qdisc_reset(struct qdisc *q);
/* The longest packet q takes (UINT32_MAX: any): the transmit path builds
 * no TSO bundle longer (Linux's tbf segments a longer GSO packet instead). */
uint32_t qdisc_max_len(const struct qdisc *q);

/* ---- for the algorithms ---- */
void qdisc_init_common(struct qdisc *q, const struct qdisc_ops *ops, qdisc_drop_fn drop,
		       void *drop_ctx);
/* Count a dropped packet (drops, not backlog) and hand it to the caller. */
void qdisc_drop_pkt(struct qdisc *q, struct qpkt *p);
static inline uint32_t qpkt_truesize(const struct qpkt *p)
{
	return p->truesize ? p->truesize : p->len;
}
/* A dequeue's Sent counters: p's bytes, and its segments as packets (a
 * TSO bundle counts every segment, as Linux's bstats_update adds gso_segs). */
static inline void qdisc_bstats_update(struct qdisc_stats *s, const struct qpkt *p)
{
	s->bytes += p->len;
	s->packets += p->gso_segs ? p->gso_segs : 1u;
}

/* A packet FIFO, the queue under pfifo and codel and each fq_codel flow. */
struct qpkt_fifo {
	struct qpkt *head, *tail;
};
void qpkt_fifo_push(struct qpkt_fifo *f, struct qpkt *p);
struct qpkt *qpkt_fifo_pop(struct qpkt_fifo *f);

/* ---- iproute2's print shapes (tc/tc_util.c) ---- */
/* An appending snprintf: len grows past size when the buffer is short. */
struct qdisc_out {
	char *buf;
	size_t size, len;
};
void qdisc_outf(struct qdisc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A byte count: "32Mb" within 1 KiB of whole MiB, "4Kb" within 16 bytes
 * of whole KiB, else "1500b" (iproute2's sprint_size). */
void qdisc_out_size(struct qdisc_out *o, uint32_t bytes);
/* A time in µs: "1.5s", "5ms", "2us" (%g of seconds, of ms, or whole µs). */
void qdisc_out_time(struct qdisc_out *o, uint64_t us);
/* The " Sent ... \n backlog ...\n" lines of tc -s. */
void qdisc_out_stats(struct qdisc_out *o, const struct qdisc_stats *s);

#endif
