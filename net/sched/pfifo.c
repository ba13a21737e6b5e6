/*
 * pfifo and bfifo (net/sched/pfifo.h): Linux's pfifo_enqueue() rule,
 * queued while fewer than limit packets wait, and bfifo_enqueue()'s,
 * queued while backlog + len <= limit bytes; else dropped at the tail.
 * A change of limit drops nothing already queued (Linux's fifo_init()
 * only sets it).  iproute2's q_fifo.c prints bfifo's limit as a size.
 */
#include <errno.h>

#include "net/sched/pfifo.h"

#define PFIFO(qd) ((struct pfifo *)(qd))

void pfifo_conf_default(struct pfifo_conf *c)
{
	c->limit = PFIFO_LIMIT_DEFAULT;
}

void bfifo_conf_default(struct pfifo_conf *c)
{
	c->limit = BFIFO_LIMIT_DEFAULT;
}

static uint32_t conf_limit(const struct qdisc *q, const struct pfifo_conf *c)
{
	if (q->ops == &bfifo_ops)
		return c->limit;
	return c->limit ? c->limit : 1;
}

static void fifo_init(struct pfifo *f, const struct qdisc_ops *ops, const struct pfifo_conf *c,
		      qdisc_drop_fn drop, void *drop_ctx)
{
	qdisc_init_common(&f->q, ops, drop, drop_ctx);
	f->fifo = (struct qpkt_fifo){ 0 };
	f->limit = conf_limit(&f->q, c);
}

void pfifo_init(struct pfifo *f, const struct pfifo_conf *c, qdisc_drop_fn drop, void *drop_ctx)
{
	fifo_init(f, &pfifo_ops, c, drop, drop_ctx);
}

void bfifo_init(struct pfifo *f, const struct pfifo_conf *c, qdisc_drop_fn drop, void *drop_ctx)
{
	fifo_init(f, &bfifo_ops, c, drop, drop_ctx);
}

static int full(const struct pfifo *f, const struct qpkt *p)
{
	if (f->q.ops == &bfifo_ops)
		return (uint64_t)f->q.stats.backlog + p->len > f->limit;
	return f->q.stats.qlen >= f->limit;
}

static int pfifo_enqueue(struct qdisc *q, struct qpkt *p, uint64_t now)
{
	struct pfifo *f = PFIFO(q);
	if (full(f, p)) {
		qdisc_drop_pkt(q, p);
		return QDISC_ENQ_DROP;
	}
	p->enqueue_ns = now;
	qpkt_fifo_push(&f->fifo, p);
	q->stats.qlen++;
	q->stats.backlog += p->len;
	return QDISC_ENQ_OK;
}

static struct qpkt *pfifo_dequeue(struct qdisc *q, uint64_t now)
{
	(void)now;
	struct qpkt *p = qpkt_fifo_pop(&PFIFO(q)->fifo);
	if (p) {
		q->stats.qlen--;
		q->stats.backlog -= p->len;
		qdisc_bstats_update(&q->stats, p);
	}
	return p;
}

static struct qpkt *pfifo_peek(struct qdisc *q, uint64_t now)
{
	(void)now;
	return PFIFO(q)->fifo.head;
}

static uint32_t pfifo_reset(struct qdisc *q)
{
	uint32_t n = 0;
	struct qpkt *p;
	while ((p = qpkt_fifo_pop(&PFIFO(q)->fifo))) {
		q->stats.qlen--;
		q->stats.backlog -= p->len;
		q->drop(p, q->drop_ctx);
		n++;
	}
	return n;
}

static int pfifo_change(struct qdisc *q, const void *conf, uint64_t now)
{
	(void)now;
	PFIFO(q)->limit = conf_limit(q, conf);
	return 0;
}

static int pfifo_dump(const struct qdisc *q, const char *where, int how, uint64_t now, char *buf,
		      size_t size)
{
	(void)now;
	struct qdisc_out o = { buf, size, 0 };
	if (size)
		buf[0] = 0;
	if (q->ops == &bfifo_ops) {
		qdisc_outf(&o, "qdisc bfifo %s limit ", where);
		qdisc_out_size(&o, PFIFO(q)->limit);
		qdisc_outf(&o, "\n");
	} else {
		qdisc_outf(&o, "qdisc pfifo %s limit %up\n", where, PFIFO(q)->limit);
	}
	if (how & QDISC_DUMP_STATS)
		qdisc_out_stats(&o, &q->stats);
	return (int)o.len;
}

const struct qdisc_ops pfifo_ops = {
	.id = "pfifo",
	.enqueue = pfifo_enqueue,
	.dequeue = pfifo_dequeue,
	.peek = pfifo_peek,
	.reset = pfifo_reset,
	.change = pfifo_change,
	.dump = pfifo_dump,
};

const struct qdisc_ops bfifo_ops = {
	.id = "bfifo",
	.enqueue = pfifo_enqueue,
	.dequeue = pfifo_dequeue,
	.peek = pfifo_peek,
	.reset = pfifo_reset,
	.change = pfifo_change,
	.dump = pfifo_dump,
};
