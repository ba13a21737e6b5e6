/*
 * `tc qdisc`: the console's traffic control, iproute2 6.1's tc for the
 * qdisc object.  net/sched/tc_parse.c turns the line into a struct
 * tc_req (tc's own refusals); this file does what Linux's
 * net/sched/sch_api.c does with it (tc_modify_qdisc, tc_get_qdisc) on the
 * device's tree of qdiscs: the root (net/core/netdev_tx.c) and, under a
 * classful root (tbf), the qdisc of class 1:1.  Every refusal happens
 * before anything changes, with the message tc prints for the kernel's
 * answer.
 *
 * Linux's rules, as `add` (create, exclusive), `replace` (create or
 * replace), `change` (neither) and `link` (replace) reach them:
 * - the default qdisc where a new one goes (handle 0: the default root,
 *   tbf's bfifo) counts as nothing there;
 * - a handle names the qdisc to change; a qdisc of another handle there
 *   is replaced only by `replace`; a qdisc that exists elsewhere in the
 *   tree is not moved;
 * - without a handle, another kind than the one there creates a new
 *   qdisc for `add`, `replace` and `change` alike (Linux 6.1's
 *   req_create_exclusive / req_create_or_replace / req_change; `link`
 *   gets "Invalid qdisc name"); the same kind changes the one there
 *   (`add`: "Exclusivity flag on"); new qdiscs without a handle get
 *   8001:, 8002:, ... (qdisc_alloc_handle).
 * - `del` of the root puts the default root back; of tbf's child, the
 *   default bfifo (Linux leaves a noop qdisc that drops everything: we do
 *   not copy that black hole).
 * Packets the replaced qdisc held are dropped and counted
 * (tx_qdisc_replace_drops, ethtool -S), as Linux's qdisc_reset does.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "net/core/netdev_priv.h"
#include "net/sched/sch_api.h"
#include "net/sched/tc_parse.h"

/* netlink's flags on the request (include/uapi/linux/netlink.h), as tc sets them */
#define F_REPLACE 0x100
#define F_EXCL 0x200
#define F_CREATE 0x400

#define TREE_MAX 8 /* qdiscs on one device: root, its child, the child's... */

/* One device's qdiscs, root first; parent[i] is the qdisc whose class
 * 1:1 holds tree[i] (NULL for the root). */
struct tree {
	int n;
	struct qdisc *q[TREE_MAX];
	struct qdisc *parent[TREE_MAX];
};

static void tree_walk(struct netdev *dev, struct tree *t)
{
	struct qdisc *p = NULL, *q = netdev_state(dev)->qdisc;
	t->n = 0;
	while (q && t->n < TREE_MAX) {
		t->q[t->n] = q;
		t->parent[t->n++] = p;
		p = q;
		q = qdisc_child(q);
	}
}

/* Linux's qdisc_lookup: the qdisc with major handle h (not 0:). */
static struct qdisc *lookup(const struct tree *t, uint32_t h)
{
	for (int i = 0; i < t->n; i++) {
		if (t->q[i]->handle && TC_H_MAJ(t->q[i]->handle) == TC_H_MAJ(h))
			return t->q[i];
	}
	return NULL;
}

/* Linux's qdisc_lookup + qdisc_leaf for `parent X:Y`: *p the qdisc X:,
 * *q what its class holds; or the message, notfound when X: is not there
 * (tc_modify_qdisc and tc_get_qdisc word that differently). */
static const char *leaf(const struct tree *t, uint32_t parent, const char *notfound, struct qdisc **p,
			struct qdisc **q)
{
	*p = lookup(t, parent);
	if (!*p)
		return notfound;
	if (!qdisc_is_classful(*p))
		return "Parent qdisc is not classful";
	*q = qdisc_child(*p); /* tbf has one class: Linux's tbf_find answers any minor */
	return NULL;
}

/* Linux's qdisc_alloc_handle: the next free 8001:.. major. */
static uint32_t alloc_handle(const struct tree *t)
{
	static uint32_t autohandle = 0x80000000u;
	for (int i = 0; i < 0x8000; i++) {
		autohandle += 0x10000u;
		if (autohandle == TC_H_MAJ(TC_H_ROOT))
			autohandle = 0x80010000u;
		if (!lookup(t, autohandle))
			return autohandle;
	}
	return 0;
}

/* ---- show ------------------------------------------------------------- */

/* "10: dev eth0 parent 1:1" / "1: root refcnt 2", as print_qdisc
 * prints what precedes the options (refcnt: a root on a one-queue device
 * is held twice; a child once, which tc leaves out). */
static void where_of(char *buf, size_t n, const struct qdisc *q, const struct qdisc *parent,
		     const char *dev)
{
	int len = snprintf(buf, n, "%x: ", q->handle >> 16);
	if (dev)
		len += snprintf(buf + len, n - (size_t)len, "dev %s ", dev);
	if (!parent)
		snprintf(buf + len, n - (size_t)len, "root refcnt 2");
	else
		snprintf(buf + len, n - (size_t)len, "parent %x:1", parent->handle >> 16);
}

static void dump_one(const struct qdisc *q, const struct qdisc *parent, const char *dev, int how)
{
	char where[64], small[1024];
	where_of(where, sizeof(where), q, parent, dev);
	uint64_t now = time_ns();
	int len = q->ops->dump(q, where, how, now, small, sizeof(small));
	if (len < (int)sizeof(small)) {
		con_puts(small);
		return;
	}
	char *big = malloc((size_t)len + 1);
	if (!big)
		return;
	q->ops->dump(q, where, how, now, big, (size_t)len + 1);
	con_puts(big);
	free(big);
}

static int show_dev(struct netdev *dev, const struct tc_req *r, int all)
{
	struct tree t;
	tree_walk(dev, &t);
	for (int i = 0; i < t.n; i++) {
		const struct qdisc *q = t.q[i], *p = t.parent[i];
		if (!q->handle && p && !r->invisible)
			continue; /* tbf's built-in bfifo: Linux does not list it */
		if (r->is_root && p)
			continue;
		if (r->parent && !r->is_root && (!p || TC_H_MAJ(r->parent) != p->handle))
			continue;
		if (r->has_handle && TC_H_MAJ(q->handle) != r->handle)
			continue;
		dump_one(q, p, all ? dev->name : NULL,
			 (r->stats ? QDISC_DUMP_STATS : 0) | (r->details ? QDISC_DUMP_DETAILS : 0));
	}
	return 0;
}

static int show(const struct tc_req *r)
{
	if (r->dev[0]) {
		struct netdev *dev = netdev_by_name(r->dev);
		if (!dev) {
			con_printf("Cannot find device \"%s\"\n", r->dev);
			return 1;
		}
		return show_dev(dev, r, 0);
	}
	for (int i = 0; i < netdev_count(); i++)
		show_dev(netdev_get(i), r, 1);
	return 0;
}

/* ---- add, replace, change, link, delete -------------------------------- */

static int kernel_err(const char *msg)
{
	con_printf("Error: %s.\n", msg);
	return 2;
}

static int errno_err(int err)
{
	con_printf("RTNETLINK answers: %s\n", err == -ENOMEM	  ? "Cannot allocate memory"
					       : err == -EOPNOTSUPP ? "Operation not supported"
					       : err == -ENOENT	    ? "No such file or directory"
								    : "Invalid argument");
	return 2;
}

/* The request's options as the union sch_api takes, for a new qdisc. */
static void req_conf(const struct tc_req *r, struct netdev *dev, union qdisc_conf *c)
{
	memset(c, 0, sizeof(*c));
	uint32_t txqlen = (uint32_t)netdev_state(dev)->txqueuelen;
	switch (r->kind) {
	case TC_KIND_PFIFO:
		c->pfifo = r->u.pfifo;
		if (!(r->given & TC_GIVEN_LIMIT))
			c->pfifo.limit = txqlen;  /* Linux's fifo_init: tx_queue_len */
		break;
	case TC_KIND_BFIFO:
		c->pfifo.limit = r->given & TC_GIVEN_LIMIT ? r->u.bfifo_limit
							   : txqlen * CODEL_MTU_DEFAULT; /* * psched_mtu() */
		break;
	case TC_KIND_CODEL:
		c->codel = r->u.codel;
		break;
	case TC_KIND_FQ_CODEL:
		c->fq_codel = r->u.fq_codel;
		break;
	case TC_KIND_TBF:
		c->tbf = r->u.tbf;
		break;
	default:
		break;
	}
}

/* qdisc_change: the options given over what q has now. */
static int change(struct qdisc *q, const struct tc_req *r)
{
	union qdisc_conf c;
	if (r->kind == TC_KIND_NONE)
		return 0; /* nothing to change: Linux's qdisc_change without options */
	if (qdisc_conf_get(q, &c))
		return errno_err(-EOPNOTSUPP);
	if (r->kind == TC_KIND_FQ_CODEL && (r->given & TC_GIVEN_FLOWS))
		return errno_err(-EINVAL); /* fq_codel_change: flows are fixed at creation */
	void *cur = r->kind == TC_KIND_BFIFO ? (void *)&c.pfifo.limit : (void *)&c;
	if (tc_req_merge(r, cur))
		return errno_err(-EINVAL);
	int err = q->ops->change(q, &c, time_ns());
	return err ? errno_err(err) : 0;
}

/* Puts q (NULL: the default) where old is, under parent (NULL: the root). */
static void graft(struct netdev *dev, struct qdisc *parent, struct qdisc *q, uint32_t handle)
{
	struct netdev_state *st = netdev_state(dev);
	if (!parent) {
		if (q)
			netdev_qdisc_graft(dev, q, handle);
		else
			netdev_qdisc_default(dev);
	} else {
		if (q)
			q->handle = handle;
		int n = qdisc_graft_child(parent, q);
		st->tx_replace_drops += n > 0 ? (uint64_t)n : 0;
	}
	st->txq_len = st->qdisc ? st->qdisc->stats.qlen : 0;
	netdev_tx_drain(st); /* a new root may let frames go at once */
}

/* create_n_graft; must_create: the request has to say NLM_F_CREATE
 * (Linux's create_n_graft2, for `change` to another kind, does not ask). */
static int create_graft(struct netdev *dev, const struct tree *t, struct qdisc *parent,
			const struct tc_req *r, int must_create)
{
	if (must_create)
		return kernel_err("Qdisc not found. To create specify NLM_F_CREATE flag");
	if (r->kind == TC_KIND_NONE)
		return kernel_err("Specified qdisc kind is unknown"); /* qdisc_create */
	uint32_t handle = r->handle ? r->handle : alloc_handle(t);
	if (!handle)
		return errno_err(-ENOMEM);
	union qdisc_conf c;
	req_conf(r, dev, &c);
	int err;
	struct qdisc *q = netdev_qdisc_new(dev, r->kind_name, &c, &err);
	if (!q)
		return errno_err(err);
	graft(dev, parent, q, handle);
	return 0;
}

/* Linux's tc_modify_qdisc. */
static int modify(struct netdev *dev, const struct tc_req *r, int flags)
{
	struct tree t;
	tree_walk(dev, &t);
	struct qdisc *p = NULL, *q = NULL;
	if (r->parent) {
		if (!r->is_root) {
			if (r->parent == TC_H_INGRESS)
				return errno_err(-EOPNOTSUPP); /* no ingress qdiscs here */
			const char *err = leaf(&t, r->parent, "Failed to find specified qdisc", &p, &q);
			if (err)
				return kernel_err(err);
		} else {
			q = t.n ? t.q[0] : NULL;
		}
		if (q && !q->handle)
			q = NULL; /* a default qdisc: as if nothing were there */
		if (!q || !r->handle || q->handle != r->handle) {
			if (r->handle) {
				if (q && !(flags & F_REPLACE))
					return kernel_err("NLM_F_REPLACE needed to override");
				if (lookup(&t, r->handle))
					/* it sits elsewhere: its parent is not this one */
					return kernel_err("Cannot move an existing qdisc to a different parent");
				return create_graft(dev, &t, p, r, !(flags & F_CREATE));
			}
			if (!q)
				return create_graft(dev, &t, p, r, !(flags & F_CREATE));
			if (r->kind != TC_KIND_NONE && strcmp(r->kind_name, q->ops->id)) {
				/* req_create_or_replace, req_create_exclusive; or
				 * req_change, which goes to create_n_graft2 */
				if (((flags & F_CREATE) && (flags & (F_REPLACE | F_EXCL))) ||
				    !(flags & (F_CREATE | F_REPLACE | F_EXCL)))
					return create_graft(dev, &t, p, r, 0);
			}
		}
	} else {
		q = lookup(&t, r->handle);
	}
	if (!q)
		return kernel_err("Specified qdisc not found");
	if (flags & F_EXCL)
		return kernel_err("Exclusivity flag on, cannot modify");
	if (r->kind != TC_KIND_NONE && strcmp(r->kind_name, q->ops->id))
		return kernel_err("Invalid qdisc name");
	return change(q, r);
}

/* Linux's tc_get_qdisc for RTM_DELQDISC. */
static int delete(struct netdev *dev, const struct tc_req *r)
{
	struct tree t;
	tree_walk(dev, &t);
	struct qdisc *p = NULL, *q;
	if (!r->parent) {
		q = lookup(&t, r->handle);
		if (!q)
			return kernel_err("Failed to find qdisc with specified handle");
	} else {
		if (!r->is_root) {
			const char *err = leaf(&t, r->parent, "Failed to find qdisc with specified classid", &p, &q);
			if (err)
				return kernel_err(err);
		} else {
			q = t.n ? t.q[0] : NULL;
		}
		if (!q)
			return kernel_err("Cannot find specified qdisc on specified device");
		if (r->handle && q->handle != r->handle)
			return kernel_err("Invalid handle");
	}
	if (r->kind != TC_KIND_NONE && strcmp(r->kind_name, q->ops->id))
		return kernel_err("Invalid qdisc name");
	if (!r->parent)
		return kernel_err("Classid cannot be zero");
	if (!q->handle)
		return kernel_err("Cannot delete qdisc with handle of zero");
	graft(dev, p, NULL, 0);
	return 0;
}

static void usage(void)
{
	con_printf("Usage: tc [ -s ] [ -d ] qdisc [ add | del | replace | change | link | show ] dev STRING\n"
		   "       [ handle QHANDLE ] [ root | parent CLASSID ] [ QDISC_KIND [ help | OPTIONS ] ]\n"
		   "       tc qdisc { show | list } [ dev STRING ] [ root | handle H | parent P ] [ invisible ]\n"
		   "Where:\n"
		   "QDISC_KIND := { pfifo | bfifo | codel | fq_codel | tbf }\n"
		   "OPTIONS := ... try tc qdisc add <desired QDISC_KIND> help\n");
}

static int cmd_tc(int argc, char **argv)
{
	struct tc_req r;
	char err[TC_ERR_LEN];
	if (tc_parse(argc - 1, argv + 1, &r, err, sizeof(err)) || tc_req_check(&r, err, sizeof(err))) {
		con_printf("%s\n", err);
		return 1;
	}
	if (r.cmd == TC_CMD_HELP) {
		usage();
		return 0;
	}
	if (r.cmd == TC_CMD_SHOW)
		return show(&r);
	struct netdev *dev = netdev_by_name(r.dev);
	if (!dev) {
		con_printf("Cannot find device \"%s\"\n", r.dev);
		return 1;
	}
	if (!netdev_state(dev)->qdisc && netdev_qdisc_default(dev))
		return errno_err(-ENOMEM); /* never brought up: Linux's noop root */
	if ((r.given & TC_GIVEN_CE_THRESHOLD) && r.cmd != TC_CMD_DELETE) {
		con_printf("tc: ce_threshold is not supported by nagare's codel and fq_codel\n");
		return 1;
	}
	switch (r.cmd) {
	case TC_CMD_ADD:
		return modify(dev, &r, F_CREATE | F_EXCL);
	case TC_CMD_REPLACE:
		return modify(dev, &r, F_CREATE | F_REPLACE);
	case TC_CMD_CHANGE:
		return modify(dev, &r, 0);
	case TC_CMD_LINK:
		return modify(dev, &r, F_REPLACE);
	default:
		return delete(dev, &r);
	}
}

CONSOLE_CMD(tc, "tc", cmd_tc, "tc [-s] [-d] qdisc {show|add|replace|change|del} [dev D] ...",
	    "traffic control: the qdiscs of a device (pfifo, bfifo, codel, fq_codel, tbf)");
