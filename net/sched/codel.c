/*
 * CoDel (RFC 8289) as net/sched/codel.h describes: codel_dequeue() is
 * section 5's dequeue/dodequeue pseudocode on any packet FIFO, and the
 * `codel` qdisc (Linux sch_codel) wraps one FIFO with a packet limit.
 * Written from the RFC text and Linux's documented behaviour; callers:
 * net/sched/fq_codel.c, the TX path later, tests/unit/test_codel.c.
 */
#include <errno.h>

#include "net/sched/codel.h"

void codel_params_default(struct codel_params *p)
{
	p->target_ns = CODEL_TARGET_NS_DEFAULT;
	p->interval_ns = CODEL_INTERVAL_NS_DEFAULT;
	p->mtu = CODEL_MTU_DEFAULT;
	p->ecn = 0;
}

void codel_vars_init(struct codel_vars *v)
{
	*v = (struct codel_vars){ 0 };
	v->rec_inv_sqrt = CODEL_REC_INV_SQRT_ONE;
}

uint16_t codel_newton_step(uint16_t rec, uint32_t count)
{
	const uint64_t three = 3ull << 32;
	uint64_t x = (uint64_t)rec << 16;       /* Q0.32 */
	uint64_t cx2 = (uint64_t)count * ((x * x) >> 32);
	/* Only a rec far above 1/sqrt(count) gets here: start lower. */
	while (cx2 >= three && x) {
		x >>= 1;
		cx2 = (uint64_t)count * ((x * x) >> 32);
	}
	/* x (3 - count x^2) / 2: (3 - cx2) in Q2.30 times x in Q0.32 is
	 * Q2.62; halving and returning to Q0.32 is a shift by 31. */
	uint64_t y = (x * ((three - cx2) >> 2)) >> 31;
	y = (y + 0x8000) >> 16;      /* round to nearest */
	return y > 0xffff ? 0xffff : (uint16_t)y;
}

/* round(65536 / sqrt(count)) for count 1..CODEL_REC_TABLE (1 is
 * clamped to 0xffff).  From 1/sqrt(1), one Newton step per count lands
 * 13572 units low at count 2 and needs until about count 70 to come
 * within one unit; started from this table it stays within 0.52 units
 * up to count 65535 (tests/unit/test_codel.c measures it).  CAKE's
 * cobalt keeps a table of the first 16 values for the same reason. */
static const uint16_t rec_table[CODEL_REC_TABLE] = {
	65535, 46341, 37837, 32768, 29309, 26755, 24770, 23170, 21845, 20724,
	19760, 18919, 18176, 17515, 16921, 16384, 15895, 15447, 15035, 14654,
	14301, 13972, 13665, 13377, 13107, 12853, 12612, 12385, 12170, 11965,
	11771, 11585, 11408, 11239, 11078, 10923, 10774, 10631, 10494, 10362,
	10235, 10112, 9994, 9880, 9770, 9663, 9559, 9459, 9362, 9268,
	9177, 9088, 9002, 8918, 8837, 8758, 8680, 8605, 8532, 8461,
	8391, 8323, 8257, 8192, 8129, 8067, 8006, 7947, 7890, 7833,
	7778, 7723, 7670, 7618, 7567, 7517, 7469, 7420, 7373, 7327,
	7282, 7237, 7194, 7151, 7108, 7067, 7026, 6986, 6947, 6908,
	6870, 6833, 6796, 6760, 6724, 6689, 6654, 6620, 6587, 6554,
	6521, 6489, 6457, 6426, 6396, 6365, 6336, 6306, 6277, 6249,
	6220, 6193, 6165, 6138, 6111, 6085, 6059, 6033, 6008, 5983,
	5958, 5933, 5909, 5885, 5862, 5838, 5815, 5793,
};

uint16_t codel_rec_inv_sqrt(uint16_t prev, uint32_t count)
{
	if (count == 0)
		return CODEL_REC_INV_SQRT_ONE;
	if (count <= CODEL_REC_TABLE)
		return rec_table[count - 1];
	return codel_newton_step(prev, count);
}

/* A jump to a count far from prev's (the re-entry carry-over): Linux
 * takes one Newton step, which can leave 1/sqrt 95 % low when count
 * falls far below the old one; step until it settles instead (a few
 * steps, once per entry into the dropping state). */
uint16_t codel_rec_inv_sqrt_jump(uint16_t prev, uint32_t count)
{
	if (count <= CODEL_REC_TABLE)
		return rec_table[count - 1];
	uint16_t x = prev;
	for (int i = 0; i < 32; i++) {
		uint16_t y = codel_newton_step(x, count);
		if (y == x)
			break;
		x = y;
	}
	return x;
}

uint64_t codel_control_law(uint64_t t, uint64_t interval_ns, uint16_t rec)
{
	return t + ((interval_ns * rec) >> 16);
}

int codel_set_ce(struct qpkt *p)
{
	switch (p->ecn) {
	case QPKT_ECN_ECT0:
	case QPKT_ECN_ECT1:
		p->ecn = QPKT_ECN_CE;
		return 1;
	case QPKT_ECN_CE:          /* already marked: Linux counts it, drops nothing */
		return 1;
	default:
		return 0;
	}
}

/* RFC 8289 section 5, dodequeue(): the head, and whether its sojourn
 * has stayed at or above target for an interval.  The RFC takes
 * now >= first_above_time; Linux takes now > first_above_time, which
 * differs only at the exact nanosecond. */
static struct qpkt *do_dequeue(const struct codel_queue *cq, const struct codel_params *par,
			       struct codel_vars *v, struct codel_stats *st, uint64_t now,
			       int *ok_to_drop)
{
	*ok_to_drop = 0;
	struct qpkt *p = cq->pop(cq->ctx);
	if (!p) {
		v->first_above_time = 0;
		return NULL;
	}
	v->ldelay = now - p->enqueue_ns;
	if (p->len > st->maxpacket)
		st->maxpacket = p->len;
	/* Under target, or at most one MTU left queued (the RFC's
	 * MAXPACKET test: one packet's worth is not a standing queue). */
	if ((int64_t)(v->ldelay - par->target_ns) < 0 || *cq->backlog <= par->mtu) {
		v->first_above_time = 0;
	} else if (v->first_above_time == 0) {
		v->first_above_time = now + par->interval_ns;
	} else if ((int64_t)(now - v->first_above_time) >= 0) {
		*ok_to_drop = 1;
	}
	return p;
}

static void drop(const struct codel_queue *cq, struct codel_stats *st, struct qpkt *p)
{
	st->drop_count++;
	st->drop_len += p->len;
	cq->drop(cq->ctx, p);
}

/* Entering the dropping state (section 5, dequeue()): keep the last cycle's
 * rate when the queue went bad again soon after, so the drop rate does
 * not restart from 1.  Linux compares signed: a drop_next still in the
 * future counts as recent. */
static void enter_dropping(const struct codel_params *par, struct codel_vars *v, uint64_t now)
{
	uint32_t delta = v->count - v->lastcount;
	v->dropping = 1;
	if (delta > 1 && (int64_t)(now - v->drop_next - 16 * par->interval_ns) < 0) {
		v->count = delta;
		v->rec_inv_sqrt = codel_rec_inv_sqrt_jump(v->rec_inv_sqrt, v->count);
	} else {
		v->count = 1;
		v->rec_inv_sqrt = CODEL_REC_INV_SQRT_ONE;
	}
	v->lastcount = v->count;
	v->drop_next = codel_control_law(now, par->interval_ns, v->rec_inv_sqrt);
}

/* Section 5, dequeue(). */
struct qpkt *codel_dequeue(const struct codel_queue *cq, const struct codel_params *par,
			   struct codel_vars *v, struct codel_stats *st, uint64_t now)
{
	int ok;
	struct qpkt *p = do_dequeue(cq, par, v, st, now, &ok);
	if (!p) {
		v->dropping = 0;
		return NULL;
	}
	if (v->dropping) {
		if (!ok) {
			v->dropping = 0;        /* sojourn under target: leave */
			return p;
		}
		while (v->dropping && (int64_t)(now - v->drop_next) >= 0) {
			v->count++;
			v->rec_inv_sqrt = codel_rec_inv_sqrt(v->rec_inv_sqrt, v->count);
			if (par->ecn && codel_set_ce(p)) {
				st->ecn_mark++;
				v->drop_next = codel_control_law(v->drop_next, par->interval_ns,
								 v->rec_inv_sqrt);
				return p;
			}
			drop(cq, st, p);
			p = do_dequeue(cq, par, v, st, now, &ok);
			if (!ok)
				v->dropping = 0;
			else
				v->drop_next = codel_control_law(v->drop_next, par->interval_ns,
								 v->rec_inv_sqrt);
		}
	} else if (ok) {
		if (par->ecn && codel_set_ce(p)) {
			st->ecn_mark++;
		} else {
			drop(cq, st, p);
			p = do_dequeue(cq, par, v, st, now, &ok);
		}
		enter_dropping(par, v, now);
	}
	return p;
}

/* ---- the codel qdisc ---- */

#define CODEL(qd) ((struct codel *)(qd))

void codel_conf_default(struct codel_conf *c)
{
	c->limit = CODEL_LIMIT_DEFAULT;
	c->target_ns = CODEL_TARGET_NS_DEFAULT;
	c->interval_ns = CODEL_INTERVAL_NS_DEFAULT;
	c->mtu = CODEL_MTU_DEFAULT;
	c->ecn = 0;
}

static void apply(struct codel *c, const struct codel_conf *conf)
{
	c->limit = conf->limit;
	c->params.target_ns = conf->target_ns;
	c->params.interval_ns = conf->interval_ns;
	c->params.mtu = conf->mtu;
	c->params.ecn = conf->ecn;
}

int codel_init(struct codel *c, const struct codel_conf *conf, qdisc_drop_fn drop_fn,
	       void *drop_ctx)
{
	qdisc_init_common(&c->q, &codel_ops, drop_fn, drop_ctx);
	c->fifo = (struct qpkt_fifo){ 0 };
	codel_vars_init(&c->vars);
	c->cstats = (struct codel_stats){ 0 };
	c->drop_overlimit = 0;
	apply(c, conf);
	return 0;
}

static int codel_enqueue(struct qdisc *q, struct qpkt *p, uint64_t now)
{
	struct codel *c = CODEL(q);
	if (q->stats.qlen >= c->limit) {
		c->drop_overlimit++;
		qdisc_drop_pkt(q, p);
		return QDISC_ENQ_DROP;
	}
	p->enqueue_ns = now;
	qpkt_fifo_push(&c->fifo, p);
	q->stats.qlen++;
	q->stats.backlog += p->len;
	return QDISC_ENQ_OK;
}

static struct qpkt *fifo_pop(void *ctx)
{
	struct codel *c = ctx;
	struct qpkt *p = qpkt_fifo_pop(&c->fifo);
	if (p) {
		c->q.stats.qlen--;
		c->q.stats.backlog -= p->len;
	}
	return p;
}

static void fifo_drop(void *ctx, struct qpkt *p)
{
	qdisc_drop_pkt(&((struct codel *)ctx)->q, p);
}

static struct qpkt *codel_qdisc_dequeue(struct qdisc *q, uint64_t now)
{
	struct codel *c = CODEL(q);
	const struct codel_queue cq = { fifo_pop, fifo_drop, c, &q->stats.backlog };
	struct qpkt *p = codel_dequeue(&cq, &c->params, &c->vars, &c->cstats, now);
	c->cstats.drop_count = 0;       /* counted in q->stats.drops already */
	c->cstats.drop_len = 0;
	if (p) {
		qdisc_bstats_update(&q->stats, p);
	}
	return p;
}

static uint32_t codel_reset(struct qdisc *q)
{
	struct codel *c = CODEL(q);
	uint32_t n = 0;
	struct qpkt *p;
	while ((p = fifo_pop(c))) {
		q->drop(p, q->drop_ctx);
		n++;
	}
	codel_vars_init(&c->vars);
	return n;
}

/* Linux's codel_change(): a lower limit drops from the head until it holds. */
static int codel_change(struct qdisc *q, const void *conf, uint64_t now)
{
	(void)now;
	struct codel *c = CODEL(q);
	struct qpkt *p;
	apply(c, conf);
	while (q->stats.qlen > c->limit && (p = fifo_pop(c)))
		qdisc_drop_pkt(q, p);
	return 0;
}

static int codel_dump(const struct qdisc *q, const char *where, int how, uint64_t now,
		      char *buf, size_t size)
{
	const struct codel *c = (const struct codel *)q;
	struct qdisc_out o = { buf, size, 0 };
	if (size)
		buf[0] = 0;
	/* iproute2's q_codel.c ends each option with a space */
	qdisc_outf(&o, "qdisc codel %s limit %up target ", where, c->limit);
	qdisc_out_time(&o, c->params.target_ns / 1000);
	qdisc_outf(&o, " interval ");
	qdisc_out_time(&o, c->params.interval_ns / 1000);
	qdisc_outf(&o, c->params.ecn ? " ecn \n" : " \n");
	if (!(how & QDISC_DUMP_STATS))
		return (int)o.len;
	qdisc_out_stats(&o, &q->stats);
	qdisc_outf(&o, "  count %u lastcount %u ldelay ", c->vars.count, c->vars.lastcount);
	qdisc_out_time(&o, c->vars.ldelay / 1000);
	/* drop_next relative to now, and only while dropping (Linux's
	 * codel_dump_stats). */
	int64_t next = c->vars.dropping ? (int64_t)(c->vars.drop_next - now) : 0;
	if (c->vars.dropping)
		qdisc_outf(&o, " dropping");
	qdisc_outf(&o, next < 0 ? " drop_next -" : " drop_next ");
	qdisc_out_time(&o, (uint64_t)(next < 0 ? -next : next) / 1000);
	qdisc_outf(&o, "\n  maxpacket %u ecn_mark %u drop_overlimit %u\n", c->cstats.maxpacket,
		   c->cstats.ecn_mark, c->drop_overlimit);
	return (int)o.len;
}

const struct qdisc_ops codel_ops = {
	.id = "codel",
	.enqueue = codel_enqueue,
	.dequeue = codel_qdisc_dequeue,
	.peek = NULL,                   /* qdisc_peek: dequeue and keep */
	.reset = codel_reset,
	.change = codel_change,
	.dump = codel_dump,
};
