/*
 * Transmit: lwIP's linkoutput queues the pbuf on the device's FIFO of
 * txqueuelen frames (Linux's pfifo default, 1000) in front of the ring,
 * and tx_drain hands frames to the driver as netdev_txreq fragment lists,
 * built by net/netdev_txreq.c (pure, host-tested): each pbuf's piece is
 * counted against NETDEV_TX_MAXFRAGS before it is written, a longer chain
 * or one whose headers are split is copied into one buffer
 * (tx_linearized), and the TCP checksum is offloaded (virtio 1.1 5.1.6.2
 * NEEDS_CSUM) when the device offers it.
 * Callers: lwIP (linkoutput), net/netdev_loop.c's loop hook (netdev_tx_run),
 * drivers (netdev_tx_done).
 */
#include <errno.h>
#include <string.h>

#include "kernel/fault.h"
#include "net/counter.h"
#include "net/netdev_priv.h"
#include "net/netdev_txreq.h"

/* The request for the pbuf chain p: one fragment per non-empty pbuf,
 * bounded by net/netdev_txreq.c. */
int netdev_txreq_build(struct pbuf *p, int offload, struct netdev_txreq *req)
{
	netdev_txreq_init(req, p);
	for (struct pbuf *q = p; q; q = q->next) {
		if (netdev_txreq_add(req, q->payload, q->len))
			return -EMSGSIZE;
	}
	return netdev_txreq_finish(req, offload);
}

/* Fills req from the pbuf chain; returns the pbuf that must stay alive
 * until the device is done (a linear copy when the chain is too long or
 * the headers are split), or NULL when the frame cannot be sent. */
COUNTER_FIELD(netdev, 80, tx_linearized, struct netdev_state, tx_linearized, 0, ALWAYS,
	      "Frames copied: too many fragments for the device.");

static struct pbuf *build_req(struct netdev_state *st, struct pbuf *p, struct netdev_txreq *req)
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

void netdev_tx_drain(struct netdev_state *st)
{
	struct netdev *dev = st->dev;
	while (st->txq_len) {
		struct pbuf *p = st->txq[st->txq_head];
		struct netdev_txreq req;
		struct pbuf *keep = build_req(st, p, &req);
		if (!keep) {
			dev->stats.tx_dropped++;
			pbuf_free(p);
		} else {
			st->txq[st->txq_head] = keep;
			int err = fault_fail(&fault_tx_ring) ? -EIO : dev->ops->xmit(dev, &req);
			if (err == -ENOSPC)
				return; /* ring full: stays queued until completions free it */
			if (err) {
				dev->stats.tx_errors++;
				pbuf_free(keep);
			} else {
				dev->stats.tx_packets++;
				dev->stats.tx_bytes += req.len;
				st->need_kick = 1;
			}
		}
		st->txq_head = (st->txq_head + 1) % st->txqueuelen;
		st->txq_len--;
	}
}

/* The loop's transmit step for one device: what the queue holds goes to
 * the ring, one notify for the round.  Nonzero if the queue refused a TCP
 * segment and has room again (the caller runs tcp_txnow). */
int netdev_tx_run(struct netdev *dev)
{
	struct netdev_state *st = dev->stack;
	int restart = 0;
	if (st->txq_len)
		netdev_tx_drain(st);
	if (st->restart_tcp && st->txq_len < st->txqueuelen / 2) {
		st->restart_tcp = 0;
		restart = 1;
	}
	if (st->need_kick) {
		st->need_kick = 0;
		dev->ops->kick(dev);
	}
	return restart;
}

COUNTER_FIELD(netdev, 70, tx_queue_drops, struct netdev_state, tx_queue_drops, 0, ALWAYS,
	      "Frames dropped: transmit queue full.");

err_t netdev_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct netdev_state *st = netif->state;
	if (st->txq_len >= st->txqueuelen) {
		st->tx_queue_drops++;
		st->dev->stats.tx_dropped++;
		st->restart_tcp = 1; /* TCP keeps the segment; tell it when there is room */
		return ERR_MEM;
	}
	pbuf_ref(p); /* until netdev_tx_done */
	st->txq[(st->txq_head + st->txq_len) % st->txqueuelen] = p;
	st->txq_len++;
	netdev_tx_drain(st);
	return ERR_OK;
}

void netdev_tx_done(struct netdev *dev, void *cookie)
{
	(void)dev;
	pbuf_free(cookie);
}
