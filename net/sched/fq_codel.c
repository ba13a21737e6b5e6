/*
 * FQ-CoDel (RFC 8290) as net/sched/fq_codel.h describes, with Linux's
 * limits and counters (sch_fq_codel.c's documented behaviour): enqueue
 * (section 4.1), the fattest-flow drop (4.1.2 with Linux's drop_batch),
 * DRR over new and old flows (4.2, 4.3 and the anti-starvation move of
 * an emptied new flow behind the old ones), CoDel per flow from
 * net/sched/codel.c.  Callers: the TX path later, tests/unit.
 */
#include <errno.h>

#include "net/sched/fq_codel.h"

#define FQ(qd) ((struct fq_codel *)(qd))

void fq_codel_conf_default(struct fq_codel_conf *c)
{
	c->limit = FQ_CODEL_LIMIT_DEFAULT;
	c->flows = FQ_CODEL_FLOWS_DEFAULT;
	c->quantum = FQ_CODEL_QUANTUM_DEFAULT;
	c->memory_limit = FQ_CODEL_MEMORY_LIMIT_DEFAULT;
	c->drop_batch = FQ_CODEL_DROP_BATCH_DEFAULT;
	c->target_ns = CODEL_TARGET_NS_DEFAULT;
	c->interval_ns = CODEL_INTERVAL_NS_DEFAULT;
	c->mtu = CODEL_MTU_DEFAULT;
	c->ecn = 1;
}

int fq_codel_conf_check(const struct fq_codel_conf *c)
{
	if (c->flows < 1 || c->flows > FQ_CODEL_FLOWS_MAX)
		return -EINVAL;
	if (c->quantum > FQ_CODEL_QUANTUM_MAX)
		return -EINVAL;
	return 0;
}

static void apply(struct fq_codel *fq, const struct fq_codel_conf *c)
{
	fq->limit = c->limit;
	fq->quantum = c->quantum < FQ_CODEL_QUANTUM_MIN ? FQ_CODEL_QUANTUM_MIN : c->quantum;
	fq->memory_limit = c->memory_limit;
	fq->drop_batch = c->drop_batch ? c->drop_batch : 1;
	fq->cparams.target_ns = c->target_ns;
	fq->cparams.interval_ns = c->interval_ns;
	fq->cparams.mtu = c->mtu;
	fq->cparams.ecn = c->ecn;
}

static void flow_init(struct fq_codel_flow *f)
{
	*f = (struct fq_codel_flow){ 0 };
	codel_vars_init(&f->cvars);
}

int fq_codel_init(struct fq_codel *fq, const struct fq_codel_conf *conf,
		  struct fq_codel_flow *flows, qdisc_drop_fn drop, void *drop_ctx)
{
	int err = fq_codel_conf_check(conf);
	if (err)
		return err;
	*fq = (struct fq_codel){ 0 };
	qdisc_init_common(&fq->q, &fq_codel_ops, drop, drop_ctx);
	fq->flows = flows;
	fq->nflows = conf->flows;
	for (uint32_t i = 0; i < fq->nflows; i++)
		flow_init(&flows[i]);
	apply(fq, conf);
	return 0;
}

uint32_t fq_codel_flow_index(const struct fq_codel *fq, uint32_t hash)
{
	return (uint32_t)(((uint64_t)hash * fq->nflows) >> 32);
}

/* ---- the two lists: flows join at the tail and leave from the head ---- */

static void list_add_tail(struct fq_codel_list *l, struct fq_codel_flow *f)
{
	f->next = NULL;
	f->listed = 1;
	if (l->tail)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
	l->len++;
}

static struct fq_codel_flow *list_del_head(struct fq_codel_list *l)
{
	struct fq_codel_flow *f = l->head;
	l->head = f->next;
	if (!l->head)
		l->tail = NULL;
	l->len--;
	f->next = NULL;
	f->listed = 0;
	return f;
}

/* ---- taking packets out of a flow ---- */

static struct qpkt *flow_take(struct fq_codel *fq, struct fq_codel_flow *f)
{
	struct qpkt *p = qpkt_fifo_pop(&f->q);
	if (p) {
		f->backlog -= p->len;
		fq->memory_usage -= qpkt_truesize(p);
		fq->q.stats.backlog -= p->len;
		fq->q.stats.qlen--;
	}
	return p;
}

static struct qpkt *codel_pop(void *ctx)
{
	struct fq_codel *fq = ctx;
	return flow_take(fq, fq->cur);
}

static void codel_drop(void *ctx, struct qpkt *p)
{
	qdisc_drop_pkt(&((struct fq_codel *)ctx)->q, p);
}

/* Linux's fq_codel_drop(): the flow with the most bytes queued loses
 * packets from its head until drop_batch are gone or at least half its
 * bytes; its CoDel count grows by as many, so CoDel keeps the pressure
 * on it.  Returns the flow. */
static struct fq_codel_flow *drop_fattest(struct fq_codel *fq)
{
	struct fq_codel_flow *f = &fq->flows[0];
	for (uint32_t i = 1; i < fq->nflows; i++)
		if (fq->flows[i].backlog > f->backlog)
			f = &fq->flows[i];
	uint32_t threshold = f->backlog >> 1, len = 0, n = 0;
	struct qpkt *p;
	do {
		if (!(p = flow_take(fq, f)))
			break;
		len += p->len;
		n++;
		qdisc_drop_pkt(&fq->q, p);
	} while (n < fq->drop_batch && len < threshold);
	f->cvars.count += n;
	return f;
}

static int fq_codel_enqueue(struct qdisc *q, struct qpkt *p, uint64_t now)
{
	struct fq_codel *fq = FQ(q);
	struct fq_codel_flow *f = &fq->flows[fq_codel_flow_index(fq, p->hash)];
	p->enqueue_ns = now;
	qpkt_fifo_push(&f->q, p);
	f->backlog += p->len;
	q->stats.backlog += p->len;
	q->stats.qlen++;
	if (!f->listed) {
		/* RFC 8290 section 4.1: a flow with nothing listed starts a
		 * new round with a full quantum. */
		list_add_tail(&fq->new_flows, f);
		fq->new_flow_count++;
		f->deficit = (int32_t)fq->quantum;
	}
	fq->memory_usage += qpkt_truesize(p);
	int over_memory = fq->memory_usage > fq->memory_limit;
	if (q->stats.qlen <= fq->limit && !over_memory)
		return QDISC_ENQ_OK;

	uint32_t before = q->stats.qlen;
	struct fq_codel_flow *fat = drop_fattest(fq);
	uint32_t dropped = before - q->stats.qlen;
	fq->drop_overlimit += dropped;
	if (over_memory)
		fq->drop_overmemory += dropped;
	/* Linux's NET_XMIT_CN: the sender's own flow paid. */
	return fat == f ? QDISC_ENQ_CN : QDISC_ENQ_OK;
}

/* RFC 8290 section 4.2: new flows first; a flow out of deficit gets a
 * quantum and goes to the back of the old flows; an emptied new flow
 * goes behind the old ones when there are any (so a flow cannot stay
 * "new" by sending one packet at a time), else it leaves the lists. */
static struct qpkt *dequeue_drr(struct fq_codel *fq, uint64_t now)
{
	const struct codel_queue cq = { codel_pop, codel_drop, fq, &fq->q.stats.backlog };
	for (;;) {
		struct fq_codel_list *head = &fq->new_flows;
		if (!head->head) {
			head = &fq->old_flows;
			if (!head->head)
				return NULL;
		}
		struct fq_codel_flow *f = head->head;
		if (f->deficit <= 0) {
			f->deficit += (int32_t)fq->quantum;
			list_add_tail(&fq->old_flows, list_del_head(head));
			continue;
		}
		fq->cur = f;
		struct qpkt *p = codel_dequeue(&cq, &fq->cparams, &f->cvars, &fq->cstats, now);
		if (!p) {
			list_del_head(head);
			if (head == &fq->new_flows && fq->old_flows.head)
				list_add_tail(&fq->old_flows, f);
			continue;
		}
		f->deficit -= (int32_t)p->len;
		return p;
	}
}

static struct qpkt *fq_codel_dequeue(struct qdisc *q, uint64_t now)
{
	struct fq_codel *fq = FQ(q);
	struct qpkt *p = dequeue_drr(fq, now);
	fq->cstats.drop_count = 0;      /* counted in q->stats.drops already */
	fq->cstats.drop_len = 0;
	if (p) {
		qdisc_bstats_update(&q->stats, p);
	}
	return p;
}

static uint32_t fq_codel_reset(struct qdisc *q)
{
	struct fq_codel *fq = FQ(q);
	uint32_t n = 0;
	for (uint32_t i = 0; i < fq->nflows; i++) {
		struct qpkt *p;
		while ((p = flow_take(fq, &fq->flows[i]))) {
			q->drop(p, q->drop_ctx);
			n++;
		}
		flow_init(&fq->flows[i]);
	}
	fq->new_flows = (struct fq_codel_list){ 0 };
	fq->old_flows = (struct fq_codel_list){ 0 };
	fq->memory_usage = 0;
	return n;
}

/* Linux's fq_codel_change(): flows cannot change; a bad quantum changes
 * nothing; a lower limit or memory_limit drops, in dequeue order, until
 * the queue fits. */
static int fq_codel_change(struct qdisc *q, const void *conf, uint64_t now)
{
	struct fq_codel *fq = FQ(q);
	const struct fq_codel_conf *c = conf;
	int err = fq_codel_conf_check(c);
	if (err)
		return err;
	if (c->flows != fq->nflows)
		return -EINVAL;
	apply(fq, c);
	while (q->stats.qlen > fq->limit || fq->memory_usage > fq->memory_limit) {
		struct qpkt *p = dequeue_drr(fq, now);
		if (!p)
			break;
		qdisc_drop_pkt(q, p);
	}
	fq->cstats.drop_count = 0;
	fq->cstats.drop_len = 0;
	return 0;
}

static int fq_codel_dump(const struct qdisc *q, const char *where, int how, uint64_t now,
			 char *buf, size_t size)
{
	const struct fq_codel *fq = (const struct fq_codel *)q;
	struct qdisc_out o = { buf, size, 0 };
	(void)now;
	if (size)
		buf[0] = 0;
	qdisc_outf(&o, "qdisc fq_codel %s limit %up flows %u quantum %u target ", where, fq->limit,
		   fq->nflows, fq->quantum);
	qdisc_out_time(&o, fq->cparams.target_ns / 1000);
	qdisc_outf(&o, " interval ");
	qdisc_out_time(&o, fq->cparams.interval_ns / 1000);
	qdisc_outf(&o, " memory_limit ");
	qdisc_out_size(&o, fq->memory_limit);
	qdisc_outf(&o, "%s drop_batch %u \n", fq->cparams.ecn ? " ecn" : "", fq->drop_batch);
	if (!(how & QDISC_DUMP_STATS))
		return (int)o.len;
	qdisc_out_stats(&o, &q->stats);
	qdisc_outf(&o, "  maxpacket %u drop_overlimit %u new_flow_count %u ecn_mark %u",
		   fq->cstats.maxpacket, fq->drop_overlimit, fq->new_flow_count, fq->cstats.ecn_mark);
	/* iproute2 prints these only when not zero */
	if (fq->memory_usage)
		qdisc_outf(&o, " memory_used %u", fq->memory_usage);
	if (fq->drop_overmemory)
		qdisc_outf(&o, " drop_overmemory %u", fq->drop_overmemory);
	qdisc_outf(&o, "\n  new_flows_len %u old_flows_len %u\n", fq->new_flows.len,
		   fq->old_flows.len);
	return (int)o.len;
}

const struct qdisc_ops fq_codel_ops = {
	.id = "fq_codel",
	.enqueue = fq_codel_enqueue,
	.dequeue = fq_codel_dequeue,
	.peek = NULL,                   /* qdisc_peek: dequeue and keep */
	.reset = fq_codel_reset,
	.change = fq_codel_change,
	.dump = fq_codel_dump,
};
