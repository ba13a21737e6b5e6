/*
 * TSO on transmit.  lwIP hands netdev_linkoutput one MSS-sized segment at a
 * time; the segments a connection sends back to back are held here as one
 * pending bundle (net/core/tso.c decides which may join) and go to the root
 * qdisc as one packet when the bundle ends: a segment that cannot join
 * (another flow, PSH, FIN, a short one, 64 KiB), any other frame, or the
 * loop's transmit step (netdev_tx_run), so nothing waits past the round that
 * made it.  Qdiscs, BQL and TSQ count the bundle's frame bytes, Sent its
 * segments (Linux's qdisc_pkt_len and gso_segs).
 * At the device:
 *  - with TSO on (ethtool -K DEV tso on; virtio HOST_TSO4), one request: the
 *    bundle's headers, then each segment's payload by reference (no copy),
 *    gso_size the first segment's payload (virtio 1.1 5.1.6.2);
 *  - with TSO off, each segment as lwIP built it, one request each: what
 *    Linux's software GSO would cut from the bundle, byte for byte
 *    (tests/unit/test_tso.c), with no copy at all.
 * With both tso and gso off (ethtool -K), no bundle is made.  A bundle is
 * never longer than the root qdisc takes (tbf's max_size), nor more
 * fragments than a request holds.
 * Callers: net/core/netdev_tx.c.
 */
#include <errno.h>
#include <stdlib.h>

#include "net/core/counter.h"
#include "net/core/netdev_priv.h"
#include "net/core/netdev_txreq.h"
#include "net/core/tso.h"
#include "net/core/tso_tcp.h"
#include "net/ipv4/tsq.h"

/* A segment sent on its own: its completion cookie (netdev_tx_done tells
 * it from a qpkt by the low bit) and the bytes BQL counted for it. */
struct txseg {
	struct qpkt *qp;
	uint32_t len;
};

struct txbundle {
	struct tso_bundle t;
	struct pbuf *m[TSO_MAX_SEGS]; /* the segments, a reference each */
	struct txseg seg[TSO_MAX_SEGS];
	uint8_t sent;                 /* segments handed to the device (t.segs: all of them) */
	uint8_t inflight;             /* device requests not yet completed */
	uint8_t dropped;              /* given up while requests were in flight: freed at the last */
};

/* At most 1024 bundles at once, all devices (1.3 KiB each); past that
 * frames go alone. */
static struct netdev_pool txbs = { .size = sizeof(struct txbundle), .chunk = 64, .max = 1024 };

static struct txbundle *txb_get(void)
{
	struct txbundle *b = netdev_pool_get(&txbs);
	if (b)
		b->sent = b->inflight = b->dropped = 0;
	return b;
}

static void txb_put(struct txbundle *b)
{
	netdev_pool_put(&txbs, b);
}

COUNTER_FIELD(netdev, 120, tx_tso_packets, struct netdev_state, tso_packets, 0, ALWAYS,
	      "TSO bundles the device segmented (one request each).");
COUNTER_FIELD(netdev, 121, tx_tso_segs, struct netdev_state, tso_segs, 0, ALWAYS,
	      "Segments in those bundles.");
COUNTER_FIELD(netdev, 123, tx_tso_direct_joins, struct netdev_state, tso_direct, 0, ALWAYS,
	      "Segments tcp_output joined to a bundle without IP and Ethernet output.");
COUNTER_FIELD(netdev, 122, tx_gso_segs, struct netdev_state, gso_segs, 0, ALWAYS,
	      "Segments of bundles sent one by one (TSO off: Linux's software GSO).");

/* The pending bundle goes to the root qdisc (one segment: as a plain frame). */
void netdev_tso_flush(struct netdev_state *st)
{
	struct qpkt *qp = st->tso_pend;
	if (!qp)
		return;
	st->tso_pend = NULL;
	struct txbundle *b = qp->owner;
	if (b->t.segs == 1) {
		qp->owner = b->m[0];
		qp->flags &= (uint8_t)~QPKT_BUNDLE;
		qp->gso_segs = 0;
		txb_put(b);
	} else {
		tso_finish(&b->t);
		qp->gso_segs = b->t.segs;
	}
	netdev_tx_enqueue(st, qp);
}

int netdev_tso_held(const struct netdev *dev)
{
	const struct netdev_state *st = dev->stack;
	return st->tso_pend != NULL;
}

/* p joined the pending bundle qp: a reference kept, its bytes counted; a
 * bundle that cannot take more goes. */
static void attach(struct netdev_state *st, struct qpkt *qp, struct pbuf *p)
{
	struct txbundle *b = qp->owner;
	pbuf_ref(p);
	b->m[b->t.segs - 1] = p;
	qp->len += p->tot_len;
	if (qp->flags & QPKT_TSQ)
		tsq_charge(qp->hash, p->tot_len);
	if (b->t.closed || b->t.segs == TSO_MAX_SEGS)
		netdev_tso_flush(st);
}

/* Whether a bundle's next segment may join: the device's fragment table
 * and the root qdisc's longest packet bound it. */
static int join(struct netdev_state *st, struct qpkt *qp, struct pbuf *p)
{
	struct txbundle *b = qp->owner;
	if (!tso_join(&b->t, p->payload, p->len, p->tot_len, tso_more_pieces(p), qdisc_max_len(st->qdisc),
		      NETDEV_TX_MAXFRAGS))
		return 0;
	attach(st, qp, p);
	return 1;
}

/* lwIP's tcp_output asks this for each segment after one it has just sent
 * in the same call (patch 0032, net/core/tso_tcp.h): a segment of the
 * pending bundle's connection joins it with the headers ip4_output would
 * have given it, within the same bounds as join(). */
int net_tcp_output_join(struct tcp_pcb *pcb, struct pbuf *p, struct netif *netif)
{
	if (netif->linkoutput != netdev_linkoutput)
		return 0;
	struct netdev_state *st = netif->state;
	struct qpkt *qp = st->tso_pend;
	if (!qp || !tso_tcp_join(&((struct txbundle *)qp->owner)->t, pcb, p, qdisc_max_len(st->qdisc),
				 NETDEV_TX_MAXFRAGS))
		return 0;
	attach(st, qp, p);
	st->tso_direct++;
	return 1;
}

int netdev_tso_offer(struct netdev_state *st, struct pbuf *p)
{
	if (st->tso_pend) {
		if (join(st, st->tso_pend, p))
			return 1;
		netdev_tso_flush(st); /* first out: the order lwIP sent in */
	}
	unsigned f = st->dev->features;
	if (!(f & (NETDEV_F_TSO | NETDEV_F_GSO)) || (st->netif.chksum_flags & NETIF_CHECKSUM_GEN_TCP))
		return 0; /* no offload wanted, or lwIP sums itself: TSO needs the device's sum */
	struct txbundle *b = txb_get();
	if (!b)
		return 0;
	if (tso_start(&b->t, p->payload, p->len, p->tot_len, tso_more_pieces(p)) ||
	    p->tot_len >= qdisc_max_len(st->qdisc)) {
		txb_put(b);
		return 0;
	}
	struct qpkt *qp = netdev_qpkt_new(p);
	if (!qp) {
		txb_put(b);
		return 0;
	}
	pbuf_ref(p);
	b->m[0] = p;
	qp->owner = b;
	qp->flags |= QPKT_BUNDLE;
	if (qp->flags & QPKT_TSQ)
		tsq_charge(qp->hash, qp->len);
	st->tso_pend = qp;
	return 1;
}

/* One request for the whole bundle: its headers, then each segment's
 * payload where lwIP put it. */
static int xmit_tso(struct netdev_state *st, struct qpkt *qp, struct txbundle *b)
{
	struct netdev *dev = st->dev;
	struct netdev_txreq req;
	uint16_t hlen = b->t.first.hlen;
	netdev_txreq_init(&req, qp);
	int err = netdev_txreq_add(&req, b->t.hdr, hlen);
	for (int i = 0; i < b->t.segs && !err; i++) {
		uint32_t skip = hlen;
		for (struct pbuf *q = b->m[i]; q && !err; q = q->next) {
			if (skip >= q->len) {
				skip -= q->len;
				continue;
			}
			err = netdev_txreq_add(&req, (uint8_t *)q->payload + skip, q->len - skip);
			skip = 0;
		}
	}
	if (err)
		return err; /* tso_join counted the pieces: cannot happen */
	req.needs_csum = 1;
	req.csum_start = (uint16_t)(TCP4_ETH_HLEN + b->t.first.ihl);
	req.csum_offset = 16; /* the TCP checksum field (RFC 793 3.1) */
	req.gso_size = b->t.first.paylen;
	req.hdr_len = hlen;
	err = netdev_dev_xmit(dev, &req);
	if (err) {
		if (err != -ENOSPC)
			dev->stats.tx_errors++;
		return err;
	}
	b->sent = (uint8_t)b->t.segs;
	b->inflight = 1;
	dql_queued(&st->dql, qp->len);
	st->tso_packets++;
	st->tso_segs += b->t.segs;
	dev->stats.tx_packets++;
	dev->stats.tx_bytes += req.len;
	return 0;
}

/* Each segment as lwIP built it; -ENOSPC leaves the rest for the next try. */
static int xmit_each(struct netdev_state *st, struct qpkt *qp, struct txbundle *b)
{
	struct netdev *dev = st->dev;
	while (b->sent < b->t.segs) {
		struct netdev_txreq req;
		struct pbuf *keep = netdev_tx_build(st, b->m[b->sent], &req);
		if (!keep) {
			dev->stats.tx_dropped++;
			b->sent++;
			continue;
		}
		b->m[b->sent] = keep;
		struct txseg *ts = &b->seg[b->sent];
		ts->qp = qp;
		ts->len = keep->tot_len;
		req.cookie = (uint8_t *)ts + 1; /* netdev_tso_seg_done */
		int err = netdev_dev_xmit(dev, &req);
		if (err == -ENOSPC)
			return err;
		b->sent++;
		if (err) {
			dev->stats.tx_errors++;
			continue;
		}
		b->inflight++;
		dql_queued(&st->dql, ts->len); /* per segment: completions free BQL room one by one */
		st->gso_segs++;
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += req.len;
	}
	return b->inflight ? 0 : -EIO; /* -EIO: every segment failed (counted) */
}

int netdev_tso_xmit(struct netdev_state *st, struct qpkt *qp)
{
	struct txbundle *b = qp->owner;
	return !b->sent && (st->dev->features & NETDEV_F_TSO) ? xmit_tso(st, qp, b) : xmit_each(st, qp, b);
}

struct qpkt *netdev_tso_seg_done(void *cookie, uint32_t *bytes)
{
	const struct txseg *ts = (const struct txseg *)((uint8_t *)cookie - 1);
	*bytes = ts->len;
	return ts->qp;
}

int netdev_tso_done(struct qpkt *qp)
{
	struct txbundle *b = qp->owner;
	if (b->inflight)
		b->inflight--;
	return !b->inflight && (b->dropped || b->sent == b->t.segs);
}

int netdev_tso_release(struct qpkt *qp)
{
	struct txbundle *b = qp->owner;
	if (b->inflight) {
		b->dropped = 1; /* the device still reads some: the last completion frees it */
		return 0;
	}
	for (int i = 0; i < b->t.segs; i++)
		pbuf_free(b->m[i]);
	txb_put(b);
	return 1;
}
