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
#include "net/sched/sch_tbf.h"

/* Any kind's configuration, filled with its defaults by qdisc_conf_default. */
union qdisc_conf {
	struct pfifo_conf pfifo;   /* pfifo and bfifo */
	struct tbf_params tbf;     /* after tbf_check(); no defaults: rate and burst are mandatory */
	struct codel_conf codel;
	struct fq_codel_conf fq_codel;
};

/* The ops of a kind tc can create; NULL for an unknown name. */
const struct qdisc_ops *qdisc_kind(const char *id);
/* Nonzero if kind can be created with its defaults alone (not tbf):
 * what net.core.default_qdisc takes. */
int qdisc_has_defaults(const char *id);
/* Linux's defaults for kind; txqueuelen is pfifo's default limit (bfifo's
 * times 1514 bytes).  0 or -ENOENT for an unknown kind. */
int qdisc_conf_default(const char *id, union qdisc_conf *c, uint32_t txqueuelen);
/* q's configuration now, as qdisc_create took it (tc qdisc change
 * starts from it): 0, or -ENOENT for a qdisc sch_api cannot create. */
int qdisc_conf_get(const struct qdisc *q, union qdisc_conf *c);
/* A new qdisc of kind id with conf (NULL: the defaults), or NULL with
 * *err = -ENOENT (unknown kind), -EINVAL (conf refused, as the kernel
 * refuses it) or -ENOMEM. */
struct qdisc *qdisc_create(const char *id, const union qdisc_conf *conf, uint32_t txqueuelen,
			   qdisc_drop_fn drop, void *drop_ctx, uint64_t now, int *err);
/* Drops what q holds (through its drop callback) and frees it, with the
 * child a tbf was given; returns the packets dropped.  NULL is allowed. */
uint32_t qdisc_destroy(struct qdisc *q);

/* Whether q has classes another qdisc can be grafted under (tbf). */
int qdisc_is_classful(const struct qdisc *q);
/* Classful kinds (tbf): the qdisc of class 1:1, or NULL. */
struct qdisc *qdisc_child(const struct qdisc *q);
/* Puts child (NULL: tbf's default bfifo) under q's class 1:1 and destroys
 * the one there before; returns the packets dropped with it, or -EINVAL
 * if q has no classes. */
int qdisc_graft_child(struct qdisc *q, struct qdisc *child);

#endif
