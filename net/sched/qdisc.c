/*
 * What every qdisc shares (net/sched/qdisc.h has the contract): the
 * peek/requeue stash in front of an algorithm (Linux's gso_skb with
 * qdisc_peek_dequeued and dev_requeue_skb), the drop accounting, the
 * packet FIFO, and iproute2's number shapes for `tc -s qdisc show`
 * (tc/tc_util.c sprint_size and sprint_time, re-derived from their output,
 * in integers: the kernel has no floating point).  Pure: callers are the
 * algorithms here and, later, the netdev TX path.
 */
#include <stdarg.h>
#include <stdio.h>

#include "net/sched/qdisc.h"

void qdisc_init_common(struct qdisc *q, const struct qdisc_ops *ops, qdisc_drop_fn drop,
		       void *drop_ctx)
{
	q->ops = ops;
	q->stats = (struct qdisc_stats){ 0 };
	q->drop = drop;
	q->drop_ctx = drop_ctx;
	q->stash = NULL;
	q->wake_ns = 0;
	q->handle = 0;
}

void qdisc_drop_pkt(struct qdisc *q, struct qpkt *p)
{
	q->stats.drops++;
	p->next = NULL;
	q->drop(p, q->drop_ctx);
}

void qpkt_fifo_push(struct qpkt_fifo *f, struct qpkt *p)
{
	p->next = NULL;
	if (f->tail)
		f->tail->next = p;
	else
		f->head = p;
	f->tail = p;
}

struct qpkt *qpkt_fifo_pop(struct qpkt_fifo *f)
{
	struct qpkt *p = f->head;
	if (p) {
		f->head = p->next;
		if (!f->head)
			f->tail = NULL;
		p->next = NULL;
	}
	return p;
}

int qdisc_enqueue(struct qdisc *q, struct qpkt *p, uint64_t now)
{
	return q->ops->enqueue(q, p, now);
}

/* The stash still counts in backlog and qlen, as in Linux. */
static void stash(struct qdisc *q, struct qpkt *p)
{
	q->stash = p;
	q->stats.backlog += p->len;
	q->stats.qlen++;
}

struct qpkt *qdisc_dequeue(struct qdisc *q, uint64_t now)
{
	struct qpkt *p = q->stash;
	if (!p)
		return q->ops->dequeue(q, now);
	q->stash = NULL;
	q->stats.backlog -= p->len;
	q->stats.qlen--;
	return p;
}

uint32_t qdisc_max_len(const struct qdisc *q)
{
	return q && q->ops->max_len ? q->ops->max_len(q) : UINT32_MAX;
}

struct qpkt *qdisc_peek(struct qdisc *q, uint64_t now)
{
	if (q->stash)
		return q->stash;
	if (q->ops->peek)
		return q->ops->peek(q, now);
	/* An AQM decides at dequeue: the packet it hands out is the one
	 * that goes next, so take it now and keep it. */
	struct qpkt *p = q->ops->dequeue(q, now);
	if (p)
		stash(q, p);
	return p;
}

void qdisc_requeue(struct qdisc *q, struct qpkt *p)
{
	/* Only one packet waits here: the driver takes one at a time. */
	if (q->stash) {
		qdisc_drop_pkt(q, p);
		return;
	}
	stash(q, p);
	q->stats.requeues++;
}

uint32_t qdisc_reset(struct qdisc *q)
{
	uint32_t n = 0;
	if (q->stash) {
		struct qpkt *p = q->stash;
		q->stash = NULL;
		q->stats.backlog -= p->len;
		q->stats.qlen--;
		p->next = NULL;
		q->drop(p, q->drop_ctx);
		n = 1;
	}
	return n + q->ops->reset(q);
}

/* ---- iproute2's shapes ---- */

void qdisc_outf(struct qdisc_out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

void qdisc_out_size(struct qdisc_out *o, uint32_t bytes)
{
	uint64_t b = bytes;
	uint64_t mib = (b + (1u << 19)) >> 20, kib = (b + 512) >> 10;
	uint64_t dm = mib << 20 > b ? (mib << 20) - b : b - (mib << 20);
	uint64_t dk = kib << 10 > b ? (kib << 10) - b : b - (kib << 10);
	if (b >= (1u << 20) && dm < 1024)
		qdisc_outf(o, "%lluMb", (unsigned long long)mib);
	else if (b >= 1024 && dk < 16)
		qdisc_outf(o, "%lluKb", (unsigned long long)kib);
	else
		qdisc_outf(o, "%ub", bytes);
}

/* printf's %g of v / 10^k (6 significant digits, no trailing zeros),
 * for values below 10^6. */
static void out_g(struct qdisc_out *o, uint64_t v, int k, const char *unit)
{
	uint64_t scale = 1;
	for (int i = 0; i < k; i++)
		scale *= 10;
	int idig = 1;
	for (uint64_t t = v / scale; t >= 10; t /= 10)
		idig++;
	int keep = 6 - idig < 0 ? 0 : 6 - idig;
	if (keep > k)
		keep = k;
	uint64_t div = 1, p10 = 1;
	for (int i = keep; i < k; i++)
		div *= 10;
	for (int i = 0; i < keep; i++)
		p10 *= 10;
	uint64_t r = (v + div / 2) / div;
	uint64_t ip = r / p10, frac = r % p10;
	while (keep > 0 && frac % 10 == 0) {
		frac /= 10;
		keep--;
	}
	if (keep)
		qdisc_outf(o, "%llu.%0*llu%s", (unsigned long long)ip, keep, (unsigned long long)frac,
			   unit);
	else
		qdisc_outf(o, "%llu%s", (unsigned long long)ip, unit);
}

void qdisc_out_time(struct qdisc_out *o, uint64_t us)
{
	if (us >= 1000000)
		out_g(o, us, 6, "s");
	else if (us >= 1000)
		out_g(o, us, 3, "ms");
	else
		qdisc_outf(o, "%lluus", (unsigned long long)us);
}

void qdisc_out_stats(struct qdisc_out *o, const struct qdisc_stats *s)
{
	qdisc_outf(o, " Sent %llu bytes %u pkt (dropped %u, overlimits %u requeues %u) \n",
		   (unsigned long long)s->bytes, s->packets, s->drops, s->overlimits, s->requeues);
	qdisc_outf(o, " backlog ");
	qdisc_out_size(o, s->backlog);
	qdisc_outf(o, " %up requeues %u\n", s->qlen, s->requeues);
}
