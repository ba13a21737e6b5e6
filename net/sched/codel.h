/*
 * CoDel, "Controlled Delay" active queue management (RFC 8289), with
 * Linux's details (include/net/codel.h, codel_impl.h, sch_codel.c):
 *
 * - a packet is "above target" when its sojourn time is at least target
 *   and more than one MTU stays queued behind it (RFC 8289 section 5's
 *   MAXPACKET; Linux compares the qdisc backlog with the device's MTU);
 * - above target for a whole interval enters the dropping state, where a
 *   drop (or, with ecn, a CE mark of an ECT packet) happens each time
 *   now reaches drop_next, and drop_next = control_law(drop_next) =
 *   drop_next + interval / sqrt(count) (section 5's control_law(), from
 *   drop_next, not from now);
 * - re-entering soon after leaving keeps the drop rate: count = count -
 *   lastcount when that is more than 1 and drop_next is less than 16
 *   intervals ago (section 5's dequeue(), the Linux variant the RFC
 *   quotes);
 * - 1/sqrt(count) is a Q0.16 fixed point value moved by one Newton step
 *   per count change (the RFC's note on integer inverse square roots;
 *   Linux's codel_Newton_step), from a table for the first
 *   CODEL_REC_TABLE counts, where the step alone is far off (codel.c
 *   says by how much).
 *
 * Time is ns in a uint64_t (Linux uses u32 units of 1024 ns); the time
 * compares are signed differences as in Linux.  codel_dequeue() is the
 * algorithm on any packet FIFO (fq_codel runs it per flow); struct codel
 * below is the `codel` qdisc around one FIFO.
 */
#ifndef NET_SCHED_CODEL_H
#define NET_SCHED_CODEL_H

#include "net/sched/qdisc.h"

#define CODEL_TARGET_NS_DEFAULT 5000000ull     /* 5 ms */
#define CODEL_INTERVAL_NS_DEFAULT 100000000ull /* 100 ms */
#define CODEL_LIMIT_DEFAULT 1000u              /* packets */
#define CODEL_MTU_DEFAULT 1514u                /* bytes: Ethernet MTU + header (psched_mtu) */
#define CODEL_REC_INV_SQRT_ONE 0xffffu         /* 1/sqrt(1) in Q0.16 */
#define CODEL_REC_TABLE 128                    /* counts with a tabled 1/sqrt */

struct codel_params {
	uint64_t target_ns;        /* ns: acceptable standing queue delay */
	uint64_t interval_ns;      /* ns: sliding window, about a worst-case RTT */
	uint32_t mtu;              /* bytes: no drop while at most this much is queued */
	uint8_t ecn;               /* CE-mark ECT packets instead of dropping them */
};

/* The per-queue state (Linux struct codel_vars). */
struct codel_vars {
	uint32_t count;            /* drops (marks) since entering the dropping state */
	uint32_t lastcount;        /* count when the dropping state was last entered */
	uint8_t dropping;          /* in the dropping state */
	uint16_t rec_inv_sqrt;     /* Q0.16: 1/sqrt(count) */
	uint64_t first_above_time; /* ns: when sojourn stayed above target an interval; 0: not above */
	uint64_t drop_next;        /* ns: the next drop while dropping */
	uint64_t ldelay;           /* ns: sojourn time of the last dequeued packet */
};

/* Counters (Linux struct codel_stats, and the drop_count it clears). */
struct codel_stats {
	uint32_t maxpacket;        /* bytes: largest packet seen */
	uint32_t ecn_mark;         /* packets CE-marked instead of dropped */
	uint32_t drop_count;       /* AQM drops since the owner last cleared it */
	uint32_t drop_len;         /* bytes of those */
};

/* The queue codel_dequeue() works on: take the head (NULL when empty;
 * the callee updates the backlog it reads), and drop a packet. */
struct codel_queue {
	struct qpkt *(*pop)(void *ctx);
	void (*drop)(void *ctx, struct qpkt *p);
	void *ctx;
	const uint32_t *backlog;   /* bytes queued after the pop (Linux: the qdisc's backlog) */
};

void codel_params_default(struct codel_params *p);
void codel_vars_init(struct codel_vars *v);

/* The next packet to send, NULL when the queue is empty: RFC 8289
 * section 5's dequeue(), drops and marks included. */
struct qpkt *codel_dequeue(const struct codel_queue *cq, const struct codel_params *par,
			   struct codel_vars *v, struct codel_stats *st, uint64_t now);

/* One Newton step of 1/sqrt(count) from rec (Q0.16), x' = x (3 - count x^2) / 2,
 * rounded to nearest. */
uint16_t codel_newton_step(uint16_t rec, uint32_t count);
/* 1/sqrt(count) in Q0.16 after count changed by one from prev's count:
 * a table up to CODEL_REC_TABLE, one Newton step above. */
uint16_t codel_rec_inv_sqrt(uint16_t prev, uint32_t count);
/* The same after a jump (the carry-over): the table, or Newton steps
 * until the value settles (Linux takes one, see codel.c). */
uint16_t codel_rec_inv_sqrt_jump(uint16_t prev, uint32_t count);
/* t + interval / sqrt(count), with rec = 1/sqrt(count) in Q0.16. */
uint64_t codel_control_law(uint64_t t, uint64_t interval_ns, uint16_t rec);
/* Linux's INET_ECN_set_ce on the packet's ECN field: nonzero when it is
 * (now) CE, zero for Not-ECT. */
int codel_set_ce(struct qpkt *p);

/* ---- the codel qdisc (Linux sch_codel) ---- */
struct codel_conf {
	uint32_t limit;            /* packets: tail drop above it counts drop_overlimit */
	uint64_t target_ns, interval_ns;
	uint32_t mtu;              /* bytes */
	uint8_t ecn;
};

struct codel {
	struct qdisc q;            /* first: the ops get &codel.q */
	struct qpkt_fifo fifo;
	uint32_t limit;
	struct codel_params params;
	struct codel_vars vars;
	struct codel_stats cstats;
	uint32_t drop_overlimit;   /* tail drops at limit */
};

extern const struct qdisc_ops codel_ops;

void codel_conf_default(struct codel_conf *c);
/* Always 0: like Linux, any limit, target and interval are taken. */
int codel_init(struct codel *c, const struct codel_conf *conf, qdisc_drop_fn drop, void *drop_ctx);

#endif
