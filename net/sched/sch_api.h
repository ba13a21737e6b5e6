/*
 * Creating and freeing qdiscs by tc's name (Linux's sch_api.c
 * qdisc_create/qdisc_destroy): what `tc qdisc add|replace` and the
 * default root (net.core.default_qdisc) go through.  The memory is one
 * allocation per qdisc (fq_codel's flow table with it); the algorithms
 * stay free of malloc.  Pure: tests/unit runs it on the host.
 */
#ifndef NET_SCHED_SCH_API_H
#define NET_SCHED_SCH_API_H

#include "net/sched/codel.h"
#include "net/sched/fq_codel.h"
#include "net/sched/pfifo.h"

/* Any kind's configuration, filled with its defaults by qdisc_conf_default. */
union qdisc_conf {
	struct pfifo_conf pfifo;
	struct codel_conf codel;
	struct fq_codel_conf fq_codel;
};

/* The ops of a kind tc can create; NULL for an unknown name. */
const struct qdisc_ops *qdisc_kind(const char *id);
/* Linux's defaults for kind; txqueuelen is pfifo's default limit.  0 or
 * -ENOENT for an unknown kind. */
int qdisc_conf_default(const char *id, union qdisc_conf *c, uint32_t txqueuelen);
/* A new qdisc of kind id with conf (NULL: the defaults), or NULL with
 * *err = -ENOENT (unknown kind), -EINVAL (conf refused, as the kernel
 * refuses it) or -ENOMEM. */
struct qdisc *qdisc_create(const char *id, const union qdisc_conf *conf, uint32_t txqueuelen,
			   qdisc_drop_fn drop, void *drop_ctx, int *err);
/* Drops what q holds (through its drop callback) and frees it; returns
 * the packets dropped.  NULL is allowed. */
uint32_t qdisc_destroy(struct qdisc *q);

#endif
