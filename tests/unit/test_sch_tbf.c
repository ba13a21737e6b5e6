/*
 * net/sched/sch_tbf.c and the bfifo in pfifo.c: a greedy sender gets the
 * rate within 1 % on simulated time, the bfifo's byte limit, oversize
 * drops, overlimits and wake_ns, an fq_codel child letting a sparse flow
 * past a fat one under the shaper, a codel child's AQM drops mirrored in
 * the tbf's counters, reset and graft freeing each packet exactly once,
 * change, and the dump lines Linux 6.1 / iproute2 6.1 printed for the
 * same commands (`tc qdisc replace dev eth0 root handle 1: tbf ...`).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/sched/codel.h"
#include "net/sched/fq_codel.h"
#include "net/sched/sch_tbf.h"
#include "net/sched/tc_units.h"
#include "tests/unit/unit.h"

#define US 1000ull
#define MS 1000000ull
#define NS 1000000000ull
#define NP 2048

enum { FREE, QUEUED, SENT, DROPPED };

/* A pool of packets whose every state change is checked: a packet goes
 * to the drop callback or out of dequeue once per enqueue, never twice. */
struct fx {
	struct sch_tbf t;
	struct qpkt p[NP];
	int state[NP];
	int freelist[NP], nfree;
	uint64_t enqueued, sent, dropped;
	uint64_t sent_bytes;
	uint32_t sent_by_hash[4];
	struct fq_codel fq;
	struct fq_codel_flow flows[FQ_CODEL_FLOWS_DEFAULT];
	struct codel cd;
};

static int idx(struct fx *x, struct qpkt *p)
{
	int i = (int)(p - x->p);
	ck_assert(i >= 0 && i < NP);
	return i;
}

static void fx_drop(struct qpkt *p, void *ctx)
{
	struct fx *x = ctx;
	int i = idx(x, p);
	ck_assert_int_eq(x->state[i], QUEUED);
	x->state[i] = FREE;
	x->freelist[x->nfree++] = i;
	x->dropped++;
}

static struct tbf_params params(const char *rate, const char *burst, const char *lat,
				uint32_t limit)
{
	struct tbf_params p = { 0 };
	const char *errs[TBF_MAX_ERRS];
	ck_assert_int_eq(tc_parse_rate(rate, &p.rate), 0);
	ck_assert_int_eq(tc_parse_size(burst, &p.burst), 0);
	if (lat)
		ck_assert_int_eq(tc_parse_time(lat, &p.latency_ns), 0);
	p.limit = limit;
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	return p;
}

static struct fx *fx_new(struct tbf_params p)
{
	struct fx *x = calloc(1, sizeof(*x));
	for (int i = NP - 1; i >= 0; i--)
		x->freelist[x->nfree++] = i;
	sch_tbf_init(&x->t, &p, fx_drop, x, 0);
	return x;
}

static struct qdisc *Q(struct fx *x)
{
	return &x->t.q;
}

static int send(struct fx *x, uint32_t len, uint32_t hash, uint64_t now)
{
	ck_assert_int_gt(x->nfree, 0);
	int i = x->freelist[--x->nfree];
	ck_assert_int_eq(x->state[i], FREE);
	x->state[i] = QUEUED;
	x->p[i] = (struct qpkt){ .len = len, .hash = hash };
	x->enqueued++;
	return qdisc_enqueue(Q(x), &x->p[i], now);
}

static struct qpkt *take(struct fx *x, uint64_t now)
{
	struct qpkt *p = qdisc_dequeue(Q(x), now);
	if (p) {
		int i = idx(x, p);
		ck_assert_int_eq(x->state[i], QUEUED);
		x->state[i] = FREE;
		x->freelist[x->nfree++] = i;
		x->sent++;
		x->sent_bytes += p->len;
		x->sent_by_hash[p->hash & 3]++;
	}
	return p;
}

/* The tbf's qlen/backlog are the child's (no stash here), and its drops
 * the child's plus its own. */
static void check_mirror(struct fx *x, uint32_t own_drops)
{
	const struct qdisc *c = sch_tbf_child(&x->t);
	ck_assert_uint_eq(Q(x)->stats.qlen, c->stats.qlen);
	ck_assert_uint_eq(Q(x)->stats.backlog, c->stats.backlog);
	ck_assert_uint_eq(Q(x)->stats.drops, c->stats.drops + own_drops);
	ck_assert_uint_eq(x->enqueued, x->sent + x->dropped + Q(x)->stats.qlen);
}

/* Keeps the child full, dequeues until throttled, jumps to wake_ns. */
static void greedy(struct fx *x, uint32_t len, uint64_t until)
{
	uint64_t now = 0;
	while (now <= until) {
		while (Q(x)->stats.backlog + len <= x->t.tb.p.limit && x->nfree)
			ck_assert_int_eq(send(x, len, 0, now), QDISC_ENQ_OK);
		uint32_t over = Q(x)->stats.overlimits;
		if (take(x, now))
			continue;
		ck_assert_uint_eq(Q(x)->stats.overlimits, over + 1);
		ck_assert_uint_gt(Q(x)->wake_ns, now);
		now = Q(x)->wake_ns;
		/* at wake_ns the head conforms: one overlimit per wait */
		ck_assert_ptr_nonnull(take(x, now));
		ck_assert_uint_eq(Q(x)->wake_ns, 0);
	}
}

START_TEST(greedy_rate_bfifo)
{
	static const char *const rates[] = { "1mbit", "10mbit", "100mbit", "1gbit" };
	static const uint32_t lens[] = { 64, 1000, 1514 };
	for (size_t r = 0; r < 4; r++) {
		for (size_t l = 0; l < 3; l++) {
			struct fx *x = fx_new(params(rates[r], "10kb", "20ms", 0));
			uint64_t dur = NS;
			greedy(x, lens[l], dur);
			double got = (double)(x->sent_bytes - 10240) * NS / dur;
			double want = (double)x->t.tb.p.rate;
			ck_assert_msg(got > want * 0.99 && got < want * 1.01, "%s len %u: %.0f want %.0f",
				      rates[r], lens[l], got, want);
			ck_assert_uint_eq(Q(x)->stats.bytes, x->sent_bytes);
			ck_assert_uint_eq(Q(x)->stats.packets, x->sent);
			ck_assert_uint_eq(Q(x)->stats.drops, 0);
			check_mirror(x, 0);
			uint32_t q = Q(x)->stats.qlen;
			ck_assert_uint_eq(qdisc_reset(Q(x)), q);
			ck_assert_int_eq(x->nfree, NP);
			free(x);
		}
	}
}
END_TEST

/* limit 10000 bytes: a bfifo takes a packet while backlog + len <= limit */
START_TEST(bfifo_limit)
{
	struct fx *x = fx_new(params("1mbit", "2000", NULL, 10000));
	ck_assert(sch_tbf_child_is_default(&x->t));
	ck_assert_str_eq(sch_tbf_child(&x->t)->ops->id, "bfifo");
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(send(x, 1500, 0, 0), QDISC_ENQ_OK);
	ck_assert_int_eq(send(x, 1500, 0, 0), QDISC_ENQ_DROP);   /* 10500 > 10000 */
	ck_assert_int_eq(send(x, 1000, 0, 0), QDISC_ENQ_OK);     /* exactly 10000 */
	ck_assert_int_eq(send(x, 1, 0, 0), QDISC_ENQ_DROP);
	ck_assert_uint_eq(x->dropped, 2);
	ck_assert_uint_eq(x->t.bfifo.q.stats.drops, 2);
	ck_assert_uint_eq(Q(x)->stats.backlog, 10000);
	ck_assert_uint_eq(Q(x)->stats.qlen, 7);
	check_mirror(x, 0);

	/* a bfifo of its own, and tc's line for it */
	struct pfifo b;
	struct pfifo_conf c;
	bfifo_conf_default(&c);
	ck_assert_uint_eq(c.limit, 1514000);
	c.limit = 32 * 1024;
	bfifo_init(&b, &c, fx_drop, x);
	char buf[256];
	b.q.ops->dump(&b.q, "20: parent 1:1", 1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "qdisc bfifo 20: parent 1:1 limit 32Kb\n"
			      " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
			      " backlog 0b 0p requeues 0\n");
	c.limit = 0;                    /* bytes: 0 takes nothing (pfifo raises 0 to 1) */
	b.q.ops->change(&b.q, &c, 0);
	ck_assert_uint_eq(b.limit, 0);
	free(x);
}
END_TEST

START_TEST(oversize_dropped)
{
	struct fx *x = fx_new(params("10mbit", "2000", "10ms", 0));
	ck_assert_uint_eq(x->t.max_size, 2000);
	ck_assert_int_eq(send(x, 2001, 0, 0), QDISC_ENQ_DROP);
	ck_assert_int_eq(send(x, 2000, 0, 0), QDISC_ENQ_OK);
	ck_assert_uint_eq(Q(x)->stats.drops, 1);
	ck_assert_uint_eq(x->t.bfifo.q.stats.drops, 0);      /* the tbf dropped it */
	check_mirror(x, 1);
	ck_assert_ptr_nonnull(take(x, 0));
	free(x);

	/* with a peak bucket the mtu is the largest */
	struct tbf_params p = params("1mbit", "10kb", "100ms", 0);
	p.peakrate = 250000;
	p.mtu = 1514;
	x = fx_new(p);
	ck_assert_int_eq(send(x, 1515, 0, 0), QDISC_ENQ_DROP);
	ck_assert_int_eq(send(x, 1514, 0, 0), QDISC_ENQ_OK);
	free(x);
}
END_TEST

/* 10 Mbit/s is 800 ns a byte; burst 4096 */
START_TEST(overlimits_and_wake_ns)
{
	struct fx *x = fx_new(params("10mbit", "32kbit", "400ms", 0));
	ck_assert_uint_eq(Q(x)->wake_ns, 0);
	for (int i = 0; i < 4; i++)
		send(x, 1500, 0, 0);
	ck_assert_ptr_nonnull(take(x, 0));
	ck_assert_ptr_nonnull(take(x, 0));
	ck_assert_uint_eq(Q(x)->wake_ns, 0);
	ck_assert_ptr_null(take(x, 0));              /* 1096 bytes of tokens left */
	ck_assert_uint_eq(Q(x)->stats.overlimits, 1);
	uint64_t wake = (1500 - 1096) * 800ull;
	ck_assert_uint_eq(Q(x)->wake_ns, wake);
	ck_assert_uint_eq(Q(x)->stats.qlen, 2);      /* still queued in the child */
	ck_assert_ptr_null(take(x, wake - 1));       /* each early look counts */
	ck_assert_uint_eq(Q(x)->stats.overlimits, 2);
	ck_assert_uint_eq(Q(x)->wake_ns, wake);
	ck_assert_ptr_nonnull(take(x, wake));
	ck_assert_uint_eq(Q(x)->wake_ns, 0);
	ck_assert_ptr_null(take(x, wake));
	ck_assert_uint_eq(Q(x)->wake_ns, wake + 1500 * 800ull);
	ck_assert_ptr_nonnull(take(x, 10 * NS));
	ck_assert_ptr_null(take(x, 10 * NS));        /* empty: no throttle, no wake */
	ck_assert_uint_eq(Q(x)->stats.overlimits, 3);
	ck_assert_uint_eq(Q(x)->wake_ns, 0);
	ck_assert_uint_eq(Q(x)->stats.packets, 4);
	ck_assert_uint_eq(Q(x)->stats.bytes, 6000);

	/* qdisc_peek on the tbf is shaped too (Linux's qdisc_peek_dequeued) */
	send(x, 1500, 0, 10 * NS);
	send(x, 1500, 0, 10 * NS);
	send(x, 1500, 0, 10 * NS);
	ck_assert_ptr_nonnull(qdisc_peek(Q(x), 10 * NS)); /* takes 1500: 1096 left */
	ck_assert_uint_eq(Q(x)->stats.qlen, 3);      /* stashed: still counted */
	ck_assert_uint_eq(Q(x)->stats.backlog, 4500);
	ck_assert_ptr_nonnull(take(x, 10 * NS));     /* the stash */
	ck_assert_ptr_null(qdisc_peek(Q(x), 10 * NS));
	ck_assert_uint_eq(Q(x)->stats.overlimits, 4);
	ck_assert_uint_eq(Q(x)->wake_ns, 10 * NS + (1500 - 1096) * 800ull);
	free(x);
}
END_TEST

/* Steps of 50 µs, dequeuing until throttled; returns when the packet
 * of the sparse flow (hash SPARSE) left, or UINT64_MAX. */
#define SPARSE (0x80000000u | 1)
static uint64_t run_until_sparse(struct fx *x, uint64_t until)
{
	for (uint64_t now = 0; now <= until; now += 50 * US) {
		struct qpkt *p;
		while ((p = take(x, now)))
			if ((p->hash & 3) == 1)
				return now;
		check_mirror(x, 0);
	}
	return UINT64_MAX;
}

/* 100 full packets of a fat flow, then a 98-byte ping: through the
 * default bfifo the ping waits for all 100 (about 121 ms at 10 Mbit/s);
 * with fq_codel grafted it leaves within the first few packets. */
START_TEST(fq_codel_child_sparse_flow)
{
	struct tbf_params par = params("10mbit", "4kb", "400ms", 0);
	struct fx *x = fx_new(par);
	for (int i = 0; i < 100; i++)
		send(x, 1514, 0, 0);
	send(x, 98, SPARSE, 0);
	uint64_t fifo_t = run_until_sparse(x, NS);
	ck_assert_uint_gt(fifo_t, 115 * MS);
	ck_assert_uint_lt(fifo_t, 125 * MS);
	ck_assert_uint_eq(x->sent_by_hash[0], 100);
	free(x);

	x = fx_new(par);
	struct fq_codel_conf c;
	fq_codel_conf_default(&c);
	ck_assert_int_eq(fq_codel_init(&x->fq, &c, x->flows, fx_drop, x), 0);
	struct qdisc *old = (struct qdisc *)1;
	sch_tbf_graft(&x->t, &x->fq.q, &old);
	ck_assert_ptr_null(old);                        /* the built-in bfifo */
	ck_assert_ptr_eq(sch_tbf_child(&x->t), &x->fq.q);
	ck_assert(!sch_tbf_child_is_default(&x->t));
	for (int i = 0; i < 100; i++)
		send(x, 1514, 0, 0);
	send(x, 98, SPARSE, 0);
	check_mirror(x, 0);
	uint64_t fq_t = run_until_sparse(x, NS);
	ck_assert_uint_lt(fq_t, 5 * MS);
	ck_assert_uint_le(x->sent_by_hash[0], 3);
	/* the rest still goes at the rate */
	uint64_t now = fq_t;
	while (Q(x)->stats.qlen) {
		if (!take(x, now))
			now = Q(x)->wake_ns;
	}
	/* 120 ms of standing queue: CoDel dropped from the fat flow */
	ck_assert_uint_gt(x->dropped, 0);
	ck_assert_uint_eq(x->sent + x->dropped, 101);
	ck_assert_uint_eq(Q(x)->stats.drops, x->fq.q.stats.drops);
	ck_assert_uint_eq(Q(x)->stats.drops, x->dropped);
	uint64_t want = (x->sent_bytes - 4096) * 800;
	ck_assert_uint_ge(now, want);
	ck_assert_uint_le(now, want + 1514 * 800);
	free(x);
}
END_TEST

/* A codel child under a 10 Mbit/s tbf, offered 11 Mbit/s for 3 s: CoDel
 * drops at dequeue, inside the child; the tbf's qlen, backlog and drops
 * follow the child's after every call. */
START_TEST(codel_child_aqm_drops_mirrored)
{
	struct fx *x = fx_new(params("10mbit", "4kb", "400ms", 0));
	struct codel_conf cc;
	codel_conf_default(&cc);
	codel_init(&x->cd, &cc, fx_drop, x);
	struct qdisc *old;
	sch_tbf_graft(&x->t, &x->cd.q, &old);
	uint64_t next_arrival = 0;
	for (uint64_t now = 0; now < 3 * NS; now += 50 * US) {
		while (next_arrival <= now) {
			send(x, 1514, 0, now);
			check_mirror(x, 0);
			next_arrival += 1101 * US;      /* 1514 bytes at 11 Mbit/s */
		}
		while (take(x, now))
			check_mirror(x, 0);
		check_mirror(x, 0);
	}
	ck_assert_uint_gt(x->cd.q.stats.drops, 10);
	ck_assert_uint_eq(x->cd.drop_overlimit, 0);     /* all AQM, none at the tail */
	ck_assert_uint_eq(Q(x)->stats.drops, x->dropped);
	/* sojourn kept near target: far fewer queued than 3 s of excess */
	ck_assert_uint_lt(Q(x)->stats.qlen, 100);
	uint32_t q = Q(x)->stats.qlen;
	uint64_t before = x->dropped;
	ck_assert_uint_eq(qdisc_reset(Q(x)), q);
	ck_assert_uint_eq(x->dropped - before, q);
	ck_assert_uint_eq(Q(x)->stats.qlen, 0);
	ck_assert_uint_eq(Q(x)->stats.backlog, 0);
	ck_assert_uint_eq(x->cd.q.stats.qlen, 0);
	ck_assert_uint_eq(x->nfree, NP);
	free(x);
}
END_TEST

/* reset and graft free every packet once: the stash, the child's own
 * peek stash and the queue; the buckets are full again. */
START_TEST(reset_and_graft_free_once)
{
	struct fx *x = fx_new(params("10mbit", "4kb", "400ms", 0));
	for (int i = 0; i < 20; i++)
		send(x, 1000, 0, 0);
	struct qpkt *p = qdisc_dequeue(Q(x), 0);
	ck_assert_ptr_nonnull(p);
	qdisc_requeue(Q(x), p);                         /* the driver's ring was full */
	ck_assert_uint_eq(Q(x)->stats.qlen, 20);
	ck_assert_uint_eq(Q(x)->stats.backlog, 20000);
	ck_assert_uint_eq(Q(x)->stats.requeues, 1);
	for (int i = 0; i < 4; i++)
		take(x, 0);                             /* drains the bucket */
	ck_assert_ptr_null(take(x, 0));
	ck_assert_uint_eq(qdisc_reset(Q(x)), 16);
	ck_assert_uint_eq(x->dropped, 16);
	ck_assert_uint_eq(x->nfree, NP);
	ck_assert_uint_eq(Q(x)->stats.qlen, 0);
	ck_assert_uint_eq(Q(x)->stats.backlog, 0);
	ck_assert_uint_eq(Q(x)->wake_ns, 0);
	ck_assert_uint_eq(Q(x)->stats.drops, 0);        /* reset is not a drop */
	for (int i = 0; i < 5; i++)                     /* full bucket: 4 x 1000 at once */
		send(x, 1000, 0, 0);
	for (int i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(take(x, 0));
	ck_assert_ptr_null(take(x, 0));

	/* graft fq_codel over a non-empty bfifo: purged, counted as drops */
	struct fq_codel_conf c;
	fq_codel_conf_default(&c);
	fq_codel_init(&x->fq, &c, x->flows, fx_drop, x);
	struct qdisc *old;
	sch_tbf_graft(&x->t, &x->fq.q, &old);
	ck_assert_ptr_null(old);
	ck_assert_uint_eq(Q(x)->stats.drops, 1);
	ck_assert_uint_eq(x->nfree, NP);
	for (int i = 0; i < 10; i++)
		send(x, 1000, (uint32_t)i << 29, 0);
	ck_assert_ptr_null(take(x, 0));
	ck_assert_ptr_nonnull(qdisc_peek(&x->fq.q, 0));  /* a stash inside the child */
	check_mirror(x, 1);
	/* graft the same child: nothing happens */
	sch_tbf_graft(&x->t, &x->fq.q, &old);
	ck_assert_ptr_null(old);
	ck_assert_uint_eq(Q(x)->stats.qlen, 10);
	/* back to the default bfifo: fq_codel purged and handed back */
	sch_tbf_graft(&x->t, NULL, &old);
	ck_assert_ptr_eq(old, &x->fq.q);
	ck_assert_uint_eq(x->fq.q.stats.qlen, 0);
	ck_assert_uint_eq(Q(x)->stats.drops, 11);
	ck_assert_uint_eq(Q(x)->stats.qlen, 0);
	ck_assert_uint_eq(x->nfree, NP);
	ck_assert_uint_eq(qdisc_reset(old), 0);          /* a caller's reset finds nothing */
	ck_assert(sch_tbf_child_is_default(&x->t));
	ck_assert_uint_eq(x->t.bfifo.limit, x->t.tb.p.limit);
	ck_assert_uint_eq(x->t.bfifo.q.stats.drops, 0);  /* a fresh bfifo */
	sch_tbf_graft(&x->t, NULL, &old);               /* already the default */
	ck_assert_ptr_null(old);
	free(x);
}
END_TEST

/* Linux's tbf_change: full buckets at the new burst, the default bfifo
 * takes the new limit, a bad set changes nothing. */
START_TEST(change)
{
	struct fx *x = fx_new(params("10mbit", "4kb", "400ms", 0));
	for (int i = 0; i < 8; i++)
		send(x, 1024, 0, 0);
	for (int i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(take(x, 0));
	ck_assert_ptr_null(take(x, 0));
	ck_assert_uint_ne(Q(x)->wake_ns, 0);
	struct tbf_params p = params("10mbit", "8kb", NULL, 20000);
	ck_assert_int_eq(Q(x)->ops->change(Q(x), &p, 1000), 0);
	ck_assert_uint_eq(Q(x)->wake_ns, 0);
	ck_assert_uint_eq(x->t.bfifo.limit, 20000);
	ck_assert_uint_eq(x->t.max_size, 8192);
	for (int i = 0; i < 4; i++)                     /* 8 KiB at once */
		ck_assert_ptr_nonnull(take(x, 1000));
	ck_assert_uint_eq(Q(x)->stats.qlen, 0);
	ck_assert_uint_eq(Q(x)->stats.packets, 8);
	for (int i = 0; i < 19; i++)
		send(x, 1024, 0, 1000);
	ck_assert_uint_eq(Q(x)->stats.drops, 0);
	ck_assert_int_eq(send(x, 1024, 0, 1000), QDISC_ENQ_DROP);   /* 20480 > 20000 */

	struct tbf_params bad = p;
	bad.rate = 0;
	ck_assert_int_eq(Q(x)->ops->change(Q(x), &bad, 2000), -EINVAL);
	bad = p;
	bad.peakrate = p.rate;
	bad.mtu = 1514;
	ck_assert_int_eq(Q(x)->ops->change(Q(x), &bad, 2000), -EINVAL);
	ck_assert_uint_eq(x->t.tb.p.burst, 8192);

	/* a smaller burst strands nothing: packets longer than it are dropped */
	ck_assert_int_eq(qdisc_reset(Q(x)), 19);
	send(x, 3000, 0, 3000);
	send(x, 500, 0, 3000);
	p = params("10mbit", "2000", "100ms", 0);
	ck_assert_int_eq(Q(x)->ops->change(Q(x), &p, 3000), 0);
	struct qpkt *q = take(x, 3000);
	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(q->len, 500);
	ck_assert_uint_eq(Q(x)->stats.drops, 2);

	/* a grafted non-fifo child keeps its own limit */
	struct fq_codel_conf c;
	fq_codel_conf_default(&c);
	fq_codel_init(&x->fq, &c, x->flows, fx_drop, x);
	struct qdisc *old;
	sch_tbf_graft(&x->t, &x->fq.q, &old);
	p = params("10mbit", "2000", NULL, 5000);
	ck_assert_int_eq(Q(x)->ops->change(Q(x), &p, 4000), 0);
	ck_assert_uint_eq(x->fq.limit, 10240);
	free(x);
}
END_TEST

struct dump_case {
	const char *rate, *burst, *lat;
	uint32_t limit;
	const char *peak;
	uint32_t mtu;
	const char *want;   /* after "qdisc tbf 1: root refcnt 2 " */
};

/* `tc qdisc replace dev eth0 root handle 1: tbf rate R burst B latency L`
 * (or limit N, peakrate P mtu M) then `tc qdisc show dev eth0`, on Linux
 * 6.1.0 with iproute2 6.1.0. */
static const struct dump_case dumps[] = {
	{ "10mbit", "32kbit", "400ms", 0, 0, 0, "rate 10Mbit burst 4Kb lat 400ms " },
	{ "10mbit", "32kbit", "123456us", 0, 0, 0, "rate 10Mbit burst 4Kb lat 123ms " },
	{ "1mbit", "1500", "50ms", 0, 0, 0, "rate 1Mbit burst 1500b lat 50ms " },
	{ "3mbit", "3000", "7ms", 0, 0, 0, "rate 3Mbit burst 2999b lat 7ms " },
	{ "3mbit", "3000", NULL, 2000, 0, 0, "rate 3Mbit burst 2999b limit 2000b " },
	{ "3mbit", "3000", NULL, 20000, 0, 0, "rate 3Mbit burst 2999b lat 45.3ms " },
	{ "3mbit", "1000", "1ms", 0, 0, 0, "rate 3Mbit burst 999b lat 1ms " },
	{ "7mbit", "1514", "20ms", 0, 0, 0, "rate 7Mbit burst 1513b lat 20ms " },
	{ "1gbit", "64kb", "5ms", 0, 0, 0, "rate 1Gbit burst 65500b lat 5ms " },
	{ "100kbit", "1600", "900us", 0, 0, 0, "rate 100Kbit burst 1600b lat 880us " },
	{ "333kbit", "2222", NULL, 2300, 0, 0, "rate 333Kbit burst 2221b lat 1.87ms " },
	{ "1mbit", "10kb", "100ms", 0, "2mbit", 1514,
	  "rate 1Mbit burst 10Kb peakrate 2Mbit minburst 1514b lat 100ms " },
	{ "1mbit", "10kb", "100ms", 0, "3mbit", 1600,
	  "rate 1Mbit burst 10Kb peakrate 3Mbit minburst 1599b lat 100ms " },
	{ "100mbit", "1mb", "1.5s", 0, 0, 0, "rate 100Mbit burst 1024Kb lat 1.5s " },
	{ "1500kbit", "5000", "333ms", 0, 0, 0, "rate 1500Kbit burst 4999b lat 333ms " },
	{ "56kbit", "1540", "2s", 0, 0, 0, "rate 56Kbit burst 1539b lat 2s " },
	{ "12345kbit", "7777", "12.5ms", 0, 0, 0, "rate 12345Kbit burst 7775b lat 12.5ms " },
};

START_TEST(dump_as_linux)
{
	char buf[512], want[512];
	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		const struct dump_case *d = &dumps[i];
		struct tbf_params p = { 0 };
		const char *errs[TBF_MAX_ERRS];
		ck_assert_int_eq(tc_parse_rate(d->rate, &p.rate), 0);
		ck_assert_int_eq(tc_parse_size(d->burst, &p.burst), 0);
		if (d->lat)
			ck_assert_int_eq(tc_parse_time(d->lat, &p.latency_ns), 0);
		p.limit = d->limit;
		if (d->peak) {
			ck_assert_int_eq(tc_parse_rate(d->peak, &p.peakrate), 0);
			p.mtu = d->mtu;
		}
		ck_assert_int_eq(tbf_check(&p, errs), 0);
		struct fx *x = fx_new(p);
		int n = Q(x)->ops->dump(Q(x), "1: root refcnt 2", 0, 0, buf, sizeof(buf));
		strcpy(want, "qdisc tbf 1: root refcnt 2 ");
		strcat(want, d->want);
		strcat(want, "\n");
		ck_assert_str_eq(buf, want);
		ck_assert_int_eq(n, (int)strlen(want));
		free(x);
	}
}
END_TEST

/* tc -d: the cell and mpu after each bucket, the link layer last (tc 6.1
 * on Linux 6.1, the peer VM). */
START_TEST(dump_details_as_linux)
{
	static const struct {
		struct tbf_params p;
		const char *want;
	} d[] = {
		{ { .rate = 125000, .burst = 10240, .latency_ns = 100000000, .peakrate = 250000, .mtu = 1514 },
		  "qdisc tbf 1: root refcnt 2 rate 1Mbit burst 10Kb/1 mpu 0b peakrate 2Mbit mtu 1514b/1 mpu 0b "
		  "lat 100ms linklayer ethernet \n" },
		{ { .rate = 375000, .burst = 3000, .limit = 2000 },
		  "qdisc tbf 1: root refcnt 2 rate 3Mbit burst 2999b/1 mpu 0b limit 2000b linklayer ethernet \n" },
	};
	char buf[512];
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		const char *errs[TBF_MAX_ERRS];
		struct tbf_params p = d[i].p;
		ck_assert_int_eq(tbf_check(&p, errs), 0);
		struct fx *x = fx_new(p);
		Q(x)->ops->dump(Q(x), "1: root refcnt 2", QDISC_DUMP_DETAILS, 0, buf, sizeof(buf));
		ck_assert_str_eq(buf, d[i].want);
		free(x);
	}
}
END_TEST

/* tc -s qdisc show dev eth0 after `... tbf rate 10mbit burst 32kbit
 * latency 400ms` and `tc qdisc replace dev eth0 parent 1:1 handle 10:
 * fq_codel` (the caller prints the child with its handle); and snprintf's
 * contract on a short buffer. */
START_TEST(dump_with_stats_and_child)
{
	struct fx *x = fx_new(params("10mbit", "32kbit", "400ms", 0));
	char buf[1024];
	Q(x)->ops->dump(Q(x), "1: root refcnt 2", 1, 0, buf, sizeof(buf));
	const char *tbf_lines = "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n"
				" Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
				" backlog 0b 0p requeues 0\n";
	ck_assert_str_eq(buf, tbf_lines);
	struct fq_codel_conf c;
	fq_codel_conf_default(&c);
	fq_codel_init(&x->fq, &c, x->flows, fx_drop, x);
	struct qdisc *old;
	sch_tbf_graft(&x->t, &x->fq.q, &old);
	struct qdisc *child = sch_tbf_child(&x->t);
	int n = child->ops->dump(child, "10: parent 1:1", 1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "qdisc fq_codel 10: parent 1:1 limit 10240p flows 1024 quantum 1514 "
			      "target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64 \n"
			      " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
			      " backlog 0b 0p requeues 0\n"
			      "  maxpacket 0 drop_overlimit 0 new_flow_count 0 ecn_mark 0\n"
			      "  new_flows_len 0 old_flows_len 0\n");
	ck_assert_int_gt(n, 0);

	/* counters after traffic */
	send(x, 5000, 0, 0);                            /* over burst: dropped */
	for (int i = 0; i < 4; i++)
		send(x, 1500, 0, 0);
	take(x, 0);
	take(x, 0);
	take(x, 0);                                     /* throttled */
	Q(x)->ops->dump(Q(x), "1: root refcnt 2", 1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n"
			      " Sent 3000 bytes 2 pkt (dropped 1, overlimits 1 requeues 0) \n"
			      " backlog 3000b 2p requeues 0\n");
	char small[10];
	n = Q(x)->ops->dump(Q(x), "1: root refcnt 2", 1, 0, small, sizeof(small));
	ck_assert_int_eq(n, (int)strlen(buf));
	ck_assert_str_eq(small, "qdisc tbf");
	free(x);
}
END_TEST

Suite *sch_tbf_suite(void)
{
	Suite *s = suite_create("sch_tbf");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, greedy_rate_bfifo);
	tcase_add_test(tc, bfifo_limit);
	tcase_add_test(tc, oversize_dropped);
	tcase_add_test(tc, overlimits_and_wake_ns);
	tcase_add_test(tc, fq_codel_child_sparse_flow);
	tcase_add_test(tc, codel_child_aqm_drops_mirrored);
	tcase_add_test(tc, reset_and_graft_free_once);
	tcase_add_test(tc, change);
	tcase_add_test(tc, dump_as_linux);
	tcase_add_test(tc, dump_details_as_linux);
	tcase_add_test(tc, dump_with_stats_and_child);
	suite_add_tcase(s, tc);
	return s;
}
