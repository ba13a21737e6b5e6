/*
 * pfifo (net/sched/pfifo.h): Linux's pfifo_enqueue() rule, queued while
 * fewer than limit packets wait, else dropped at the tail.  A change of
 * limit drops nothing already queued (Linux's fifo_init() only sets it).
 */
#include <errno.h>

#include "net/sched/pfifo.h"

#define PFIFO(qd) ((struct pfifo *)(qd))

void pfifo_conf_default(struct pfifo_conf *c)
{
	c->limit = PFIFO_LIMIT_DEFAULT;
}

static uint32_t conf_limit(const struct pfifo_conf *c)
{
	return c->limit ? c->limit : 1;
}

void pfifo_init(struct pfifo *f, const struct pfifo_conf *c, qdisc_drop_fn drop, void *drop_ctx)
{
	qdisc_init_common(&f->q, &pfifo_ops, drop, drop_ctx);
	f->fifo = (struct qpkt_fifo){ 0 };
	f->limit = conf_limit(c);
}

static int pfifo_enqueue(struct qdisc *q, struct qpkt *p, uint64_t now)
{
	struct pfifo *f = PFIFO(q);
	if (q->stats.qlen >= f->limit) {
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
		q->stats.bytes += p->len;
		q->stats.packets++;
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
	PFIFO(q)->limit = conf_limit(conf);
	return 0;
}

static int pfifo_dump(const struct qdisc *q, const char *where, int stats, uint64_t now, char *buf,
		      size_t size)
{
	(void)now;
	struct qdisc_out o = { buf, size, 0 };
	if (size)
		buf[0] = 0;
	qdisc_outf(&o, "qdisc pfifo %s limit %up\n", where, PFIFO(q)->limit);
	if (stats)
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
