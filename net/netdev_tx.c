/*
 * Transmit: lwIP's linkoutput queues the pbuf on the device's FIFO of
 * txqueuelen frames (Linux's pfifo default, 1000) in front of the ring,
 * and tx_drain hands frames to the driver as netdev_txreq fragment lists.
 * netdev_txreq_build is the bounded builder: it counts a chain's pieces
 * against NETDEV_TX_MAXFRAGS before it writes one (a longer chain is
 * copied into one buffer: tx_linearized), and offloads the TCP checksum
 * (virtio 1.1 5.1.6.2 NEEDS_CSUM) when the device offers it.
 * Callers: lwIP (linkoutput), net/netdev_loop.c's loop hook (netdev_tx_run),
 * drivers (netdev_tx_done).
 */
#include <errno.h>
#include <string.h>

#include "kernel/fault.h"
#include "lwip/prot/ip.h"
#include "lwip/tcp.h"
#include "net/netdev_priv.h"

/* One's-complement sum of the IPv4 pseudo header (RFC 793 3.1), folded,
 * not inverted: what virtio's NEEDS_CSUM wants in the checksum field. */
static uint16_t pseudo_sum(const uint8_t *ip, uint8_t proto, uint16_t l4len)
{
	uint32_t s = proto + l4len;
	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Offloads the TCP checksum of an IPv4 TCP frame: the pseudo-header sum
 * goes into the checksum field and the device completes it.  0 if done
 * or the frame is not TCP, -EAGAIN if it is but its headers are not all
 * in the first pbuf. */
static int tcp_csum_offload(struct pbuf *p, struct netdev_txreq *req)
{
	uint8_t *b = p->payload;
	if (p->len < 14 + 20 || b[12] != 0x08 || b[13] != 0x00 || b[14 + 9] != IP_PROTO_TCP)
		return 0;
	uint8_t *ip = b + 14;
	unsigned ihl = (ip[0] & 0x0f) * 4;
	uint16_t iplen = ip[2] << 8 | ip[3];
	if (ihl < 20 || iplen < ihl + 20 || iplen > p->tot_len - 14)
		return 0; /* not a TCP segment lwIP could have built: leave it alone */
	if (p->len < 14 + ihl + 20)
		return -EAGAIN;
	uint16_t sum = pseudo_sum(ip, IP_PROTO_TCP, iplen - ihl);
	uint8_t *tcp = ip + ihl;
	tcp[16] = sum >> 8;
	tcp[17] = sum & 0xff;
	req->needs_csum = 1;
	req->csum_start = (uint16_t)(14 + ihl);
	req->csum_offset = 16;
	return 0;
}

int netdev_txreq_build(struct pbuf *p, int offload, struct netdev_txreq *req)
{
	int n = 0;
	uint32_t len = 0;
	for (struct pbuf *q = p; q; q = q->next) {
		if (!q->len)
			continue;
		if (n == NETDEV_TX_MAXFRAGS)
			return -EMSGSIZE; /* counted before written: the table is full */
		req->frag[n].data = q->payload;
		req->frag[n].len = q->len;
		len += q->len;
		n++;
	}
	if (!n)
		return -EINVAL;
	req->nfrags = n;
	req->len = len;
	req->cookie = p;
	req->needs_csum = 0;
	req->csum_start = req->csum_offset = 0;
	return offload ? tcp_csum_offload(p, req) : 0;
}

/* Fills req from the pbuf chain; returns the pbuf that must stay alive
 * until the device is done (a linear copy when the chain is too long or
 * the headers are split), or NULL when the frame cannot be sent. */
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
