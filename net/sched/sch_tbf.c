/*
 * The tbf qdisc (net/sched/sch_tbf.h): Linux sch_tbf's enqueue, dequeue,
 * graft and change over the bucket of net/sched/tbf.c, and iproute2's
 * q_tbf.c line for `tc qdisc show`.  Written from Linux's documented
 * behaviour (tc-tbf(8), ../shared/notes/qdisc-facts.md) and from what
 * Linux 6.1 with iproute2 6.1 printed (tests/unit/test_sch_tbf.c has the
 * lines).  Callers: the TX path later, tests/unit/test_sch_tbf.c.
 */
#include <errno.h>

#include "net/sched/sch_tbf.h"
#include "net/sched/tc_units.h"

#define TBF(qd) ((struct sch_tbf *)(qd))

/* The tbf's qlen/backlog are the child's plus its own stash; the drops the
 * child made since last time are the tbf's too (Linux: tbf_enqueue's
 * qdisc_qstats_drop and qdisc_tree_reduce_backlog from the child). */
static void sync_child(struct sch_tbf *t)
{
	const struct qdisc_stats *c = &t->child->stats;
	t->q.stats.qlen = c->qlen + (t->q.stash ? 1 : 0);
	t->q.stats.backlog = c->backlog + (t->q.stash ? t->q.stash->len : 0);
	t->q.stats.drops += c->drops - t->child_drops;
	t->child_drops = c->drops;
}

static void default_child(struct sch_tbf *t)
{
	struct pfifo_conf c = { .limit = t->tb.p.limit };
	bfifo_init(&t->bfifo, &c, t->q.drop, t->q.drop_ctx);
	t->child = &t->bfifo.q;
	t->child_drops = 0;
}

static void set_params(struct sch_tbf *t, const struct tbf_params *p, uint64_t now)
{
	tbf_init(&t->tb, p, now);
	t->max_size = tbf_max_size(p);
}

void sch_tbf_init(struct sch_tbf *t, const struct tbf_params *p, qdisc_drop_fn drop,
		  void *drop_ctx, uint64_t now)
{
	qdisc_init_common(&t->q, &tbf_qdisc_ops, drop, drop_ctx);
	set_params(t, p, now);
	default_child(t);
}

struct qdisc *sch_tbf_child(const struct sch_tbf *t)
{
	return t->child;
}

int sch_tbf_child_is_default(const struct sch_tbf *t)
{
	return t->child == &t->bfifo.q;
}

void sch_tbf_graft(struct sch_tbf *t, struct qdisc *child, struct qdisc **old)
{
	struct qdisc *was = t->child;
	*old = NULL;
	if (child == was || (!child && sch_tbf_child_is_default(t)))
		return;
	/* Linux's qdisc_purge_queue(): what the old child held is dropped,
	 * and counts in the tbf's drops. */
	t->q.stats.drops += was->stats.drops - t->child_drops;
	t->q.stats.drops += qdisc_reset(was);
	if (was != &t->bfifo.q)
		*old = was;
	if (child) {
		t->child = child;
		t->child_drops = child->stats.drops;
	} else {
		default_child(t);
	}
	t->q.wake_ns = 0;
	sync_child(t);
}

static int tbf_enqueue(struct qdisc *q, struct qpkt *p, uint64_t now)
{
	struct sch_tbf *t = TBF(q);
	if (p->len > t->max_size) {
		/* Linux segments a GSO packet here; the transmit path
		 * builds none longer than tbf_max_len. */
		qdisc_drop_pkt(q, p);
		return QDISC_ENQ_DROP;
	}
	int ret = qdisc_enqueue(t->child, p, now);
	sync_child(t);
	return ret;
}

/* Linux's tbf_dequeue(): peek the child, take the head only when the
 * buckets hold its length; else count an overlimit and arm the
 * "watchdog" (wake_ns). */
static struct qpkt *tbf_dequeue(struct qdisc *q, uint64_t now)
{
	struct sch_tbf *t = TBF(q);
	struct qpkt *p;
	q->wake_ns = 0;
	while ((p = qdisc_peek(t->child, now)) && p->len > t->max_size) {
		/* Queued before a change made burst smaller: it can never
		 * conform.  Linux would hold the queue behind it forever. */
		qdisc_drop_pkt(q, qdisc_dequeue(t->child, now));
	}
	sync_child(t);                  /* the peek may have AQM-dropped */
	if (!p)
		return NULL;
	if (tbf_consume(&t->tb, now, p->len)) {
		q->stats.overlimits++;
		q->wake_ns = tbf_next_ns(&t->tb, now, p->len);
		return NULL;
	}
	p = qdisc_dequeue(t->child, now);     /* the peeked packet */
	sync_child(t);
	qdisc_bstats_update(&q->stats, p);
	return p;
}

/* Linux's tbf_reset(): the child emptied, the buckets full. */
static uint32_t tbf_reset(struct qdisc *q)
{
	struct sch_tbf *t = TBF(q);
	uint32_t n = qdisc_reset(t->child);
	tbf_init(&t->tb, &t->tb.p, t->tb.t_c);
	q->wake_ns = 0;
	sync_child(t);
	return n;
}

static int params_ok(const struct tbf_params *p)
{
	return p->rate && p->burst && (!p->peakrate || (p->peakrate > p->rate && p->mtu));
}

/* Linux's tbf_change(): the new parameters with full buckets; a bfifo
 * child takes the new limit (fifo_set_limit(), which Linux also applies,
 * as a packet count, to a pfifo child: not copied). */
static int tbf_change(struct qdisc *q, const void *conf, uint64_t now)
{
	struct sch_tbf *t = TBF(q);
	const struct tbf_params *p = conf;
	if (!params_ok(p))
		return -EINVAL;
	set_params(t, p, now);
	if (t->child->ops == &bfifo_ops) {
		struct pfifo_conf c = { .limit = p->limit };
		t->child->ops->change(t->child, &c, now);
	}
	q->wake_ns = 0;
	return 0;
}

/* ---- what tc prints: times in psched ticks and C doubles ----
 *
 * tc hands the kernel burst (and mtu) in bytes; the kernel keeps the time
 * they take at rate, len * mult >> shift ns (sch_generic.c's
 * psched_ratecfg_precompute() and psched_l2t_ns(), mult rounded down),
 * and dumps it in 64 ns ticks (/proc/net/psched).  iproute2 turns that
 * back into µs, (unsigned)(ticks / 15.625) (tc_core.c's tick2time), and
 * prints burst as (unsigned)(rate * us / 1e6) (tc_calc_xmitsize): "burst
 * 3000" at 3mbit prints "2999b".  lat is 1e6 * (limit / (double)rate) -
 * us.  The kernel has no FPU, so the doubles' roundings are redone here:
 * IEEE 754 round to nearest even on a 53-bit significand, values
 * m * 2^e.  (Our bucket itself uses burst exactly, net/sched/tbf.c.) */

struct dbl {
	uint64_t m;
	int e;
};

static int bitlen(unsigned __int128 v)
{
	int n = 0;
	for (; v; v >>= 1)
		n++;
	return n;
}

/* v * 2^e rounded to 53 significant bits */
static struct dbl dbl_round(unsigned __int128 v, int e)
{
	int n = bitlen(v) - 53;
	if (n > 0) {
		unsigned __int128 low = v & (((unsigned __int128)1 << n) - 1);
		unsigned __int128 half = (unsigned __int128)1 << (n - 1);
		v >>= n;
		e += n;
		if (low > half || (low == half && (v & 1)))
			v++;
	}
	return (struct dbl){ (uint64_t)v, e };
}

/* a / (double)b, b < 2^63: long division, one bit at a time, to 54 or
 * more quotient bits and a sticky bit (no 128-bit divide in the kernel) */
static struct dbl dbl_div(uint64_t a, uint64_t b)
{
	if (!a)
		return (struct dbl){ 0, 0 };
	int s = 54 + bitlen(b) - bitlen(a);
	if (s < 0)
		s = 0;
	unsigned __int128 q = 0;
	uint64_t rem = 0;
	for (int i = bitlen(a) + s - 1; i >= 0; i--) {
		uint64_t bit = i >= s ? (a >> (i - s)) & 1 : 0;
		rem = rem << 1 | bit;
		q <<= 1;
		if (rem >= b) {
			rem -= b;
			q |= 1;
		}
	}
	return dbl_round(q << 1 | (rem != 0), -s - 1);
}

static struct dbl dbl_mul(struct dbl d, uint64_t k)
{
	return dbl_round((unsigned __int128)d.m * k, d.e);
}

/* C's conversion to an unsigned integer: truncation, clamped */
static uint64_t dbl_trunc(struct dbl d, uint64_t max)
{
	uint64_t v;
	if (d.e >= 0)
		v = bitlen(d.m) + d.e > 63 ? UINT64_MAX : d.m << d.e;
	else
		v = -d.e >= 64 ? 0 : d.m >> -d.e;
	return v > max ? max : v;
}

/* 1e6 * (size / (double)rate), as tc's unsigned */
static uint64_t tc_us(uint64_t size, uint64_t rate)
{
	return dbl_trunc(dbl_mul(dbl_div(size, rate), 1000000), UINT32_MAX);
}

/* The µs tc reads back for len bytes at rate: the kernel's ns, in ticks,
 * through tick2time() (ticks * 8 / 125 never rounds up to an integer). */
static uint64_t tc_size_us(uint64_t len, uint64_t rate)
{
	uint64_t factor = 1000000000ull;
	uint32_t mult;
	unsigned shift = 0;
	for (;;) {
		mult = (uint32_t)(factor / rate);
		if ((mult & (1u << 31)) || (factor & (1ull << 63)))
			break;
		factor <<= 1;
		shift++;
	}
	uint64_t ticks = (len * mult >> shift) >> 6;
	if (ticks > UINT32_MAX)
		ticks = UINT32_MAX;
	return ticks * 8 / 125;
}

/* tc_calc_xmitsize(): (unsigned)(rate * (double)us / 1e6) */
static uint64_t tc_xmitsize(uint64_t rate, uint64_t us)
{
	struct dbl p = dbl_round((unsigned __int128)rate * us, 0);
	struct dbl q = dbl_div(p.m, 1000000);
	q.e += p.e;
	return dbl_trunc(q, UINT32_MAX);
}

static void out_rate(struct qdisc_out *o, const char *name, uint64_t rate)
{
	char b[TC_UNITS_BUF];
	tc_print_rate(b, sizeof(b), rate);
	qdisc_outf(o, "%s %s ", name, b);
}

/* iproute2's tbf_print_opt(): rate, burst, [peakrate, minburst,] then
 * lat = limit / rate - the burst's time (the larger with the peak
 * bucket) when not negative, else the limit.  Each option ends in a
 * space, as tc prints them.  With -d: "burst 4Kb/1 mpu 0b" (the cell
 * size Linux dumps back is 1 << 0, the mpu 0: nagare's buckets count
 * bytes as they are), the peak bucket as "mtu 2Kb/1 mpu 0b", and the
 * link layer after lat (tc 6.1 against Linux 6.1, on the peer VM). */
static int tbf_dump(const struct qdisc *q, const char *where, int how, uint64_t now,
		    char *buf, size_t size)
{
	const struct tbf_params *p = &((const struct sch_tbf *)q)->tb.p;
	struct qdisc_out o = { buf, size, 0 };
	(void)now;
	if (size)
		buf[0] = 0;
	uint64_t burst_us = tc_size_us(p->burst, p->rate);
	int64_t lat = (int64_t)tc_us(p->limit, p->rate) - (int64_t)burst_us;
	qdisc_outf(&o, "qdisc tbf %s ", where);
	out_rate(&o, "rate", p->rate);
	int details = how & QDISC_DUMP_DETAILS;
	qdisc_outf(&o, "burst ");
	qdisc_out_size(&o, (uint32_t)tc_xmitsize(p->rate, burst_us));
	qdisc_outf(&o, details ? "/1 mpu 0b " : " ");
	if (p->peakrate) {
		uint64_t mtu_us = tc_size_us(p->mtu, p->peakrate);
		int64_t lat2 = (int64_t)tc_us(p->limit, p->peakrate) - (int64_t)mtu_us;
		if (lat2 > lat)
			lat = lat2;
		out_rate(&o, "peakrate", p->peakrate);
		qdisc_outf(&o, details ? "mtu " : "minburst ");
		qdisc_out_size(&o, (uint32_t)tc_xmitsize(p->peakrate, mtu_us));
		qdisc_outf(&o, details ? "/1 mpu 0b " : " ");
	}
	if (lat >= 0) {
		char b[TC_UNITS_BUF];
		tc_print_time(b, sizeof(b), (uint64_t)lat * 1000);
		qdisc_outf(&o, "lat %s ", b);
	} else {
		qdisc_outf(&o, "limit ");
		qdisc_out_size(&o, p->limit);
		qdisc_outf(&o, " ");
	}
	qdisc_outf(&o, details ? "linklayer ethernet \n" : "\n");
	if (how & QDISC_DUMP_STATS)
		qdisc_out_stats(&o, &q->stats);
	return (int)o.len;
}

static uint32_t tbf_max_len(const struct qdisc *q)
{
	return ((const struct sch_tbf *)q)->max_size;
}

const struct qdisc_ops tbf_qdisc_ops = {
	.id = "tbf",
	.enqueue = tbf_enqueue,
	.dequeue = tbf_dequeue,
	.peek = NULL,                   /* Linux's qdisc_peek_dequeued: shaped, then kept */
	.reset = tbf_reset,
	.change = tbf_change,
	.dump = tbf_dump,
	.max_len = tbf_max_len,
};
