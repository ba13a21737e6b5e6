/*
 * qdiscs by name (net/sched/sch_api.h).  Each kind's struct and, for
 * fq_codel, its flow table come from one calloc, so qdisc_destroy frees
 * one pointer.  Callers: net/core/netdev_tx.c (the default root), the `tc`
 * command, tests/unit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/sched/sch_api.h"

const struct qdisc_ops *qdisc_kind(const char *id)
{
	static const struct qdisc_ops *const kinds[] = { &pfifo_ops, &bfifo_ops, &codel_ops, &fq_codel_ops,
							 &tbf_qdisc_ops };
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!strcmp(kinds[i]->id, id))
			return kinds[i];
	}
	return NULL;
}

int qdisc_has_defaults(const char *id)
{
	const struct qdisc_ops *ops = qdisc_kind(id);
	return ops && ops != &tbf_qdisc_ops;
}

int qdisc_conf_default(const char *id, union qdisc_conf *c, uint32_t txqueuelen)
{
	const struct qdisc_ops *ops = qdisc_kind(id);
	memset(c, 0, sizeof(*c));
	if (ops == &pfifo_ops) {
		pfifo_conf_default(&c->pfifo);
		c->pfifo.limit = txqueuelen; /* Linux's fifo_init: the device's tx_queue_len */
	} else if (ops == &bfifo_ops) {
		bfifo_conf_default(&c->pfifo);
		c->pfifo.limit = txqueuelen * 1514u; /* Linux: tx_queue_len * psched_mtu() */
	} else if (ops == &tbf_qdisc_ops) {
		/* nothing: tc refuses a tbf without rate and burst */
	} else if (ops == &codel_ops) {
		codel_conf_default(&c->codel);
	} else if (ops == &fq_codel_ops) {
		fq_codel_conf_default(&c->fq_codel);
	} else {
		return -ENOENT;
	}
	return 0;
}

int qdisc_conf_get(const struct qdisc *q, union qdisc_conf *c)
{
	memset(c, 0, sizeof(*c));
	if (q->ops == &pfifo_ops || q->ops == &bfifo_ops) {
		c->pfifo.limit = ((const struct pfifo *)q)->limit;
	} else if (q->ops == &tbf_qdisc_ops) {
		c->tbf = ((const struct sch_tbf *)q)->tb.p;
	} else if (q->ops == &codel_ops) {
		const struct codel *cd = (const struct codel *)q;
		c->codel = (struct codel_conf){ .limit = cd->limit,
						.target_ns = cd->params.target_ns,
						.interval_ns = cd->params.interval_ns,
						.mtu = cd->params.mtu,
						.ecn = cd->params.ecn };
	} else if (q->ops == &fq_codel_ops) {
		const struct fq_codel *fq = (const struct fq_codel *)q;
		c->fq_codel = (struct fq_codel_conf){ .limit = fq->limit,
						      .flows = fq->nflows,
						      .quantum = fq->quantum,
						      .memory_limit = fq->memory_limit,
						      .drop_batch = fq->drop_batch,
						      .target_ns = fq->cparams.target_ns,
						      .interval_ns = fq->cparams.interval_ns,
						      .mtu = fq->cparams.mtu,
						      .ecn = fq->cparams.ecn };
	} else {
		return -ENOENT;
	}
	return 0;
}

struct qdisc *qdisc_create(const char *id, const union qdisc_conf *conf, uint32_t txqueuelen,
			   qdisc_drop_fn drop, void *drop_ctx, uint64_t now, int *err)
{
	union qdisc_conf def;
	*err = qdisc_conf_default(id, &def, txqueuelen);
	if (*err)
		return NULL;
	if (!conf)
		conf = &def;
	const struct qdisc_ops *ops = qdisc_kind(id);
	if (ops == &fq_codel_ops && (*err = fq_codel_conf_check(&conf->fq_codel)))
		return NULL;
	if (ops == &tbf_qdisc_ops && (!conf->tbf.rate || !conf->tbf.burst)) {
		*err = -EINVAL;
		return NULL;
	}
	size_t size = ops == &pfifo_ops || ops == &bfifo_ops ? sizeof(struct pfifo)
		      : ops == &codel_ops			 ? sizeof(struct codel)
		      : ops == &tbf_qdisc_ops			 ? sizeof(struct sch_tbf)
					: sizeof(struct fq_codel) +
						  (size_t)conf->fq_codel.flows * sizeof(struct fq_codel_flow);
	void *mem = calloc(1, size);
	if (!mem) {
		*err = -ENOMEM;
		return NULL;
	}
	if (ops == &pfifo_ops) {
		pfifo_init(mem, &conf->pfifo, drop, drop_ctx);
	} else if (ops == &bfifo_ops) {
		bfifo_init(mem, &conf->pfifo, drop, drop_ctx);
	} else if (ops == &tbf_qdisc_ops) {
		sch_tbf_init(mem, &conf->tbf, drop, drop_ctx, now);
	} else if (ops == &codel_ops) {
		codel_init(mem, &conf->codel, drop, drop_ctx);
	} else {
		struct fq_codel *fq = mem;
		fq_codel_init(fq, &conf->fq_codel, (struct fq_codel_flow *)(fq + 1), drop, drop_ctx);
	}
	return mem;
}

uint32_t qdisc_destroy(struct qdisc *q)
{
	if (!q)
		return 0;
	uint32_t n = qdisc_reset(q);
	if (q->ops == &tbf_qdisc_ops) {
		struct sch_tbf *t = (struct sch_tbf *)q;
		if (!sch_tbf_child_is_default(t))
			n += qdisc_destroy(sch_tbf_child(t));
	}
	free(q);
	return n;
}

int qdisc_is_classful(const struct qdisc *q)
{
	return q && q->ops == &tbf_qdisc_ops;
}

struct qdisc *qdisc_child(const struct qdisc *q)
{
	return qdisc_is_classful(q) ? sch_tbf_child((const struct sch_tbf *)q) : NULL;
}

int qdisc_graft_child(struct qdisc *q, struct qdisc *child)
{
	if (!qdisc_is_classful(q))
		return -EINVAL;
	struct sch_tbf *t = (struct sch_tbf *)q;
	uint32_t before = q->stats.drops;
	struct qdisc *old;
	sch_tbf_graft(t, child, &old);
	/* sch_tbf_graft emptied the old child into tbf's drops already */
	int n = (int)(q->stats.drops - before);
	qdisc_destroy(old);
	return n;
}
