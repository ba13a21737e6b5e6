/*
 * Transmit: lwIP's linkoutput hands the frame to the device's root qdisc
 * (net/sched: fq_codel unless net.core.default_qdisc or `tc` says
 * otherwise), and tx_drain moves frames from the qdisc to the driver while
 * Byte Queue Limits allow (net/sched/dql.c, Linux's netdev_tx_sent_queue /
 * netdev_tx_completed_queue): the ring holds only what keeps the device
 * busy, so packets wait where the AQM sees them.  Each frame becomes a
 * netdev_txreq fragment list built by net/core/netdev_txreq.c (pure,
 * host-tested): each pbuf's piece is counted against NETDEV_TX_MAXFRAGS
 * before it is written, a longer chain or one whose headers are split is
 * copied into one buffer (tx_linearized), and the TCP checksum is
 * offloaded (virtio 1.1 5.1.6.2 NEEDS_CSUM) when the device offers it.
 * A queued frame is a struct qpkt from a free list kept here (the qdisc
 * never allocates); it travels with the frame to the ring and comes back
 * in netdev_tx_done.
 * Callers: lwIP (linkoutput), net/core/netdev_loop.c's loop hook
 * (netdev_tx_run), drivers (netdev_tx_done), the `tc` and `ip link`
 * commands (netdev_qdisc_graft, netdev_set_txqueuelen).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/fault.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "net/core/counter.h"
#include "net/core/netdev_priv.h"
#include "net/core/netdev_txreq.h"
#include "net/sched/sch_api.h"
#include "net/core/siphash.h"
#include "net/ipv4/tsq.h"

/* ---- queued-frame handles ------------------------------------------------ */

/* A free list of equal elements, malloc'd chunk elements at a time up to
 * max in all: the handles here and the TSO bundles (net/core/netdev_tso.c).
 * A free element's first bytes are the list link. */
struct pool_link {
	struct pool_link *next;
};

void *netdev_pool_get(struct netdev_pool *pl)
{
	if (!pl->free) {
		if (pl->total >= pl->max)
			return NULL;
		uint8_t *c = malloc(pl->chunk * pl->size);
		if (!c)
			return NULL;
		for (uint32_t i = 0; i < pl->chunk; i++)
			netdev_pool_put(pl, c + i * pl->size);
		pl->total += pl->chunk;
	}
	struct pool_link *e = pl->free;
	pl->free = e->next;
	return e;
}

void netdev_pool_put(struct netdev_pool *pl, void *e)
{
	struct pool_link *l = e;
	l->next = pl->free;
	pl->free = l;
}

/* 256 at a time, 64 Ki handles for all devices together: 3 MiB at most. */
static struct netdev_pool qpkts = { .size = sizeof(struct qpkt), .chunk = 256, .max = 64 * 1024 };

static void release(struct qpkt *qp);

/* The qdisc gave a frame up (tail drop, AQM, reset). */
static void qdisc_dropped(struct qpkt *p, void *ctx)
{
	(void)ctx;
	release(p);
}

/* ---- the root qdisc --------------------------------------------------------- */

COUNTER_FIELD(netdev, 90, tx_qdisc_replace_drops, struct netdev_state, tx_replace_drops, 0, ALWAYS,
	      "Frames dropped with a qdisc tc replaced or deleted.");

int netdev_qdisc_graft(struct netdev *dev, struct qdisc *q, uint32_t handle)
{
	struct netdev_state *st = dev->stack;
	struct qdisc *old = st->qdisc;
	st->qdisc = q;
	if (q)
		q->handle = handle;
	/* Linux's qdisc_graft resets the old qdisc: what it held is
	 * dropped (and counted in its drops), never sent twice. */
	int n = (int)qdisc_destroy(old);
	st->tx_replace_drops += (uint64_t)n;
	st->txq_len = q ? q->stats.qlen : 0;
	return n;
}

int netdev_qdisc_default(struct netdev *dev)
{
	struct netdev_state *st = dev->stack;
	int err;
	uint64_t now = time_ns();
	struct qdisc *q = qdisc_create(sysctl_default_qdisc, NULL, (uint32_t)st->txqueuelen, qdisc_dropped,
				       st, now, &err);
	if (!q)
		q = qdisc_create("pfifo", NULL, (uint32_t)st->txqueuelen, qdisc_dropped, st, now, &err);
	if (!q)
		return err;
	netdev_qdisc_graft(dev, q, 0);
	return 0;
}

struct qdisc *netdev_qdisc_new(struct netdev *dev, const char *kind, const void *conf, int *err)
{
	struct netdev_state *st = dev->stack;
	return qdisc_create(kind, conf, (uint32_t)st->txqueuelen, qdisc_dropped, st, time_ns(), err);
}

int netdev_set_txqueuelen(struct netdev *dev, int len)
{
	if (len < 0)
		return -EINVAL;
	netdev_state(dev)->txqueuelen = len;
	return 0;
}

/* ---- the frame -------------------------------------------------------------- */

static uint8_t flow_key[SIPHASH_KEY_LEN];
static int flow_key_set;

/* Linux's skb_get_hash: a keyed hash of the 5-tuple (a peer that cannot
 * see the key cannot aim its flows at one fq_codel bucket). */
static const uint8_t *flow_secret(void)
{
	if (!flow_key_set) {
		random_get(flow_key, sizeof(flow_key));
		flow_key_set = 1;
	}
	return flow_key;
}

uint32_t netdev_flow_hash(const struct netdev_flow *f)
{
	return netdev_flow_hash_keyed(f, flow_secret());
}

static void classify(struct qpkt *qp, struct pbuf *p)
{
	netdev_classify(qp, p->payload, p->len, flow_secret());
}

/* The frame left the qdisc for good (sent or dropped).  A bundle the
 * device still reads is freed by its last completion instead. */
static void release(struct qpkt *qp)
{
	if ((qp->flags & QPKT_BUNDLE) && !netdev_tso_release(qp))
		return;
	if (qp->flags & QPKT_TSQ)
		tsq_uncharge(qp->hash, qp->len);
	if (!(qp->flags & QPKT_BUNDLE))
		pbuf_free(qp->owner);
	netdev_pool_put(&qpkts, qp);
}

/* The request for the pbuf chain p: one fragment per non-empty pbuf,
 * bounded by net/core/netdev_txreq.c. */
int netdev_txreq_build(struct pbuf *p, int offload, struct netdev_txreq *req)
{
	netdev_txreq_init(req, p);
	for (struct pbuf *q = p; q; q = q->next) {
		if (netdev_txreq_add(req, q->payload, q->len))
			return -EMSGSIZE;
	}
	return netdev_txreq_finish(req, offload);
}

COUNTER_FIELD(netdev, 80, tx_linearized, struct netdev_state, tx_linearized, 0, ALWAYS,
	      "Frames copied: too many fragments for the device.");

/* Fills req from the pbuf chain; returns the pbuf that must stay alive
 * until the device is done (a linear copy when the chain is too long or
 * the headers are split), or NULL when the frame cannot be sent. */
struct pbuf *netdev_tx_build(struct netdev_state *st, struct pbuf *p, struct netdev_txreq *req)
{
	int offload = !(st->netif.chksum_flags & NETIF_CHECKSUM_GEN_TCP);
	int err = netdev_txreq_build(p, offload, req);
	if (!err)
		return p;
	if (err == -EINVAL)
		return NULL; /* nothing to send */
	struct pbuf *c = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
	if (!c)
		return NULL;
	if (netdev_txreq_build(c, offload, req)) {
		pbuf_free(c);
		return NULL;
	}
	st->tx_linearized++;
	pbuf_free(p);
	return c;
}

/* ---- qdisc to ring ---------------------------------------------------------- */

int netdev_dev_xmit(struct netdev *dev, const struct netdev_txreq *req)
{
	if (fault_fail(&fault_tx_ring_full))
		return -ENOSPC;
	int err = dev->ops->xmit(dev, req);
	if (!err)
		netdev_state(dev)->need_kick = 1; /* the device sees it only at the notify */
	return err;
}

/* Completions since the last call go to BQL in one batch per round, as
 * Linux's netdev_tx_completed_queue is called once per NAPI poll. */
static void tx_completed(struct netdev_state *st, uint64_t now)
{
	if (st->tx_done_bytes) {
		dql_completed(&st->dql, st->tx_done_bytes, now);
		st->tx_done_bytes = 0;
	}
}

COUNTER_FIELD(netdev, 100, tx_ecn_ce_marked, struct netdev_state, tx_ce_marked, 0, ALWAYS,
	      "Frames CE-marked by the qdisc instead of dropped (RFC 3168).");
COUNTER_FIELD(netdev, 110, tx_bql_stops, struct netdev_state, bql_stops, 0, ALWAYS,
	      "Times Byte Queue Limits stopped the qdisc feeding the ring.");

static void tx_feed(struct netdev_state *st, uint64_t now);

void netdev_tx_drain(struct netdev_state *st)
{
	if (!st->qdisc)
		return;
	uint64_t now = time_ns();
	tx_completed(st, now);
	st->bql_stopped = 0;
	tx_feed(st, now);
	st->txq_len = st->qdisc->stats.qlen;
}

/* netdev_tx_drain's loop: qdisc to ring until BQL, the ring or the qdisc
 * says stop. */
static void tx_feed(struct netdev_state *st, uint64_t now)
{
	struct netdev *dev = st->dev;
	while (st->qdisc->stats.qlen) {
		if (dql_avail(&st->dql) < 0) {
			st->bql_stopped = 1; /* Linux's __QUEUE_STATE_STACK_XOFF */
			st->bql_stops++;
			return;
		}
		struct qpkt *qp = qdisc_dequeue(st->qdisc, now);
		if (!qp)
			return; /* a shaper holds the rest back, or an AQM dropped it all */
		if (qp->flags & QPKT_BUNDLE) {
			int err = fault_fail(&fault_tx_ring) ? -EIO : netdev_tso_xmit(st, qp);
			if (err == -ENOSPC) {
				qdisc_requeue(st->qdisc, qp); /* the rest when completions free the ring */
				return;
			}
			if (err)
				release(qp); /* nothing in flight: counted as errors */
			st->tx_progress = 1;
			continue;
		}
		struct pbuf *p = qp->owner;
		if (qp->ecn == QPKT_ECN_CE && netdev_frame_set_ce(p->payload, p->len) == 0)
			st->tx_ce_marked++;
		struct netdev_txreq req;
		struct pbuf *keep = netdev_tx_build(st, p, &req);
		if (!keep) {
			dev->stats.tx_dropped++;
			release(qp);
			continue;
		}
		qp->owner = keep; /* the same bytes: qp->len is still req.len */
		req.cookie = qp;
		int err = fault_fail(&fault_tx_ring) ? -EIO : netdev_dev_xmit(dev, &req);
		if (err == -ENOSPC) {
			qdisc_requeue(st->qdisc, qp); /* ring full: first out when completions free it */
			return;
		}
		if (err) {
			dev->stats.tx_errors++;
			release(qp);
			continue;
		}
		dql_queued(&st->dql, qp->len);
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += req.len;
		st->tx_progress = 1;
	}
}

/* The loop's transmit step for one device: what the qdisc lets go goes to
 * the ring, one notify for the round.  Nonzero if the qdisc refused a TCP
 * segment and frames have left since (the caller runs tcp_txnow). */
int netdev_tx_run(struct netdev *dev)
{
	struct netdev_state *st = dev->stack;
	int restart = 0;
	netdev_tso_flush(st);
	netdev_tx_drain(st);
	if (st->restart_tcp && st->tx_progress) {
		st->restart_tcp = 0;
		restart = 1;
	}
	restart |= tsq_wake_pending();
	st->tx_progress = 0;
	if (st->need_kick) {
		st->need_kick = 0;
		dev->ops->kick(dev);
	}
	/* Stopped by BQL: the device's completion interrupt restarts us
	 * (Linux's netif_tx_wake_queue from the TX interrupt). */
	if (st->bql_stopped && dev->ops->tx_arm && dev->ops->tx_arm(dev)) {
		netdev_tx_drain(st);
		if (st->need_kick) {
			st->need_kick = 0;
			dev->ops->kick(dev);
		}
	}
	return restart;
}

int netdev_tx_pending(const struct netdev *dev)
{
	const struct netdev_state *st = dev->stack;
	return st->qdisc && st->qdisc->stats.qlen;
}

int netdev_tx_unkicked(const struct netdev *dev)
{
	const struct netdev_state *st = dev->stack;
	return st->need_kick;
}

COUNTER_FIELD(netdev, 70, tx_queue_drops, struct netdev_state, tx_queue_drops, 0, ALWAYS,
	      "Frames the root qdisc refused (tail drop, no handle); TCP keeps its segment.");

err_t netdev_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct netdev_state *st = netif->state;
	if (!st->qdisc && netdev_qdisc_default(st->dev))
		return ERR_MEM;
	if (netdev_tso_offer(st, p))
		return ERR_OK; /* held in the pending bundle: it goes by this round's end */
	struct qpkt *qp = netdev_qpkt_new(p);
	if (!qp) {
		st->tx_queue_drops++;
		st->restart_tcp = 1;
		return ERR_MEM;
	}
	pbuf_ref(p); /* until netdev_tx_done or the qdisc drops it */
	if (qp->flags & QPKT_TSQ)
		tsq_charge(qp->hash, qp->len);
	return netdev_tx_enqueue(st, qp);
}

struct qpkt *netdev_qpkt_new(struct pbuf *p)
{
	struct qpkt *qp = netdev_pool_get(&qpkts);
	if (!qp)
		return NULL;
	qp->next = NULL;
	qp->len = p->tot_len;
	qp->truesize = 0;
	qp->gso_segs = 0;
	qp->owner = p;
	classify(qp, p);
	return qp;
}

err_t netdev_tx_enqueue(struct netdev_state *st, struct qpkt *qp)
{
	if (qdisc_enqueue(st->qdisc, qp, time_ns()) == QDISC_ENQ_DROP) {
		/* Linux's NET_XMIT_DROP: TCP keeps the segment; tell it when
		 * frames have left.  (A bundle's segments are sent as far as
		 * lwIP knows: they come back as losses.) */
		st->tx_queue_drops++;
		st->restart_tcp = 1;
		return ERR_MEM;
	}
	netdev_tx_drain(st);
	return ERR_OK;
}

void netdev_tx_done(struct netdev *dev, void *cookie)
{
	struct netdev_state *st = dev->stack;
	struct qpkt *qp = cookie;
	if ((uintptr_t)cookie & 1) {
		/* a bundle's segment sent on its own (net/core/netdev_tso.c) */
		uint32_t bytes;
		qp = netdev_tso_seg_done(cookie, &bytes);
		st->tx_done_bytes += bytes;
		if (netdev_tso_done(qp))
			release(qp);
		return;
	}
	if ((qp->flags & QPKT_BUNDLE) && !netdev_tso_done(qp))
		return;
	st->tx_done_bytes += qp->len;
	release(qp);
}

/* ---- /sys/class/net/DEV/: byte_queue_limits and tx_queue_len, as sysfs ---- */

#define BQL_DIR "queues/tx-0/byte_queue_limits/"

/* dev and the file name after "DEV/"; NULL if no such device. */
static struct netdev *sys_dev(const char *path, const char **file)
{
	const char *slash = strchr(path, '/');
	char name[NETDEV_NAMELEN];
	if (!slash || (size_t)(slash - path) >= sizeof(name))
		return NULL;
	memcpy(name, path, (size_t)(slash - path));
	name[slash - path] = 0;
	*file = slash + 1;
	return netdev_by_name(name);
}

static int sys_read(const char *path)
{
	const char *f;
	struct netdev *dev = sys_dev(path, &f);
	if (!dev)
		return -ENOENT;
	struct netdev_state *st = dev->stack;
	const struct dql *d = &st->dql;
	unsigned long v;
	if (!strcmp(f, "tx_queue_len"))
		v = (unsigned long)st->txqueuelen;
	else if (!strcmp(f, BQL_DIR "limit"))
		v = dql_limit(d);
	else if (!strcmp(f, BQL_DIR "limit_min"))
		v = dql_limit_min(d);
	else if (!strcmp(f, BQL_DIR "limit_max"))
		v = dql_limit_max(d);
	else if (!strcmp(f, BQL_DIR "hold_time"))
		v = dql_hold_time_ms(d);
	else if (!strcmp(f, BQL_DIR "inflight"))
		v = dql_inflight(d);
	else
		return -ENOENT;
	con_printf("%lu\n", v);
	return 0;
}

static int sys_write(const char *path, const char *value)
{
	const char *f;
	struct netdev *dev = sys_dev(path, &f);
	if (!dev)
		return -ENOENT;
	struct netdev_state *st = dev->stack;
	char *end;
	unsigned long v = strtoul(value, &end, 10);
	int bad = !*value || *end || v > UINT32_MAX;
	if (!strcmp(f, "tx_queue_len"))
		return bad || v > INT32_MAX ? -EINVAL : netdev_set_txqueuelen(dev, (int)v);
	int (*set)(struct dql *, uint32_t) = !strcmp(f, BQL_DIR "limit")       ? dql_set_limit
					     : !strcmp(f, BQL_DIR "limit_min") ? dql_set_limit_min
					     : !strcmp(f, BQL_DIR "limit_max") ? dql_set_limit_max
					     : !strcmp(f, BQL_DIR "hold_time") ? dql_set_hold_time_ms
									       : NULL;
	if (!set)
		return !strcmp(f, BQL_DIR "inflight") ? -EINVAL : -ENOENT; /* inflight is read-only */
	return bad ? -EINVAL : set(&st->dql, (uint32_t)v);
}
PROC_DIR(sys_class_net, "/sys/class/net/", sys_read, sys_write);

void netdev_tx_init(struct netdev_state *st)
{
	dql_init(&st->dql, time_ns());
	st->txqueuelen = NETDEV_TXQUEUELEN;
}
