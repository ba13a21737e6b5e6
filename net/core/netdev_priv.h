/*
 * The stack's side of network devices, for net/ only: the device table,
 * each device's lwIP netif, input backlog and transmit queue.  Drivers see
 * drivers/netdev.h instead.
 */
#ifndef NET_NETDEV_PRIV_H
#define NET_NETDEV_PRIV_H

#include <stdint.h>

#include "drivers/netdev.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "net/core/gro.h"
#include "net/sched/dql.h"
#include "net/sched/qdisc.h"

#define NETDEV_TXQUEUELEN 1000 /* Linux's default txqueuelen */
#define NETDEV_RX_COPYBREAK 256 /* frames up to this many bytes are copied (Linux drivers' usual rx_copybreak) */
#define NETDEV_RX_SLOT 384      /* bytes of a short frame's copy: its rxbuf header and the frame */
#ifndef NETDEV_COPY_POOL_MAX
#define NETDEV_COPY_POOL_MAX 1024 /* free copy slots kept (384 KiB); tests/glue keeps none, so ASan sees each */
#endif

struct rxbuf; /* lives in an RX buffer's headroom (net/core/netdev_rx.c) */

struct netdev_state {
	struct netif netif;
	struct netdev *dev;
	/* input backlog: frames from poll() waiting for the protocol stack */
	struct rxbuf *rx_head, *rx_tail;
	int rx_len;
	/* transmit (net/core/netdev_tx.c): the root qdisc, BQL in front of the ring */
	struct qdisc *qdisc;       /* created at the first `up` (net.core.default_qdisc); handle 0 */
	struct dql dql;
	uint32_t tx_done_bytes;    /* completed since the last dql_completed */
	int txqueuelen;            /* pfifo's default limit (ip link set DEV txqueuelen N) */
	uint32_t txq_len;          /* frames in the root qdisc after the last drain (/metrics) */
	int need_kick;
	int bql_stopped;           /* frames wait in the qdisc for BQL room */
	int tx_progress;           /* frames went to the ring this round */
	int restart_tcp;           /* the qdisc refused a TCP segment: tcp_txnow() when frames leave */
	uint64_t tx_queue_drops, tx_linearized, rx_backlog_drops;
	uint64_t tx_replace_drops, tx_ce_marked, bql_stops;
	struct qpkt *tso_pend;     /* the TSO bundle being built (net/core/netdev_tso.c) */
	uint64_t tso_packets, tso_segs, gso_segs, tso_direct;
	/* who holds the driver's receive buffers (net/core/netdev_rx.c) */
	int rx_copybreak;          /* bytes: shorter frames are copied */
	int rx_pressure;           /* a frame came with NETDEV_RX_LOWBUF this poll */
	uint64_t rx_copybreak_frames, rx_copy_lowbuf, rx_copy_headers, rx_copy_nomem, rx_length_errors;
	/* software GRO within a poll (net/core/netdev_rx.c, gro.c): slots of
	 * gro_mem, allocated at the first frame offered (GRO_MAX_FLOWS x 64 KiB) */
	struct gro_table gro;
	uint8_t *gro_mem;
	int gro_nomem;             /* gro_mem could not be had this poll: not retried until the next */
	uint64_t rx_gro_nomem, rx_gro_hw, rx_gro_hw_cut;
	int admin_up;
};

int netdev_count(void);
struct netdev *netdev_get(int i);
struct netdev *netdev_by_name(const char *name);
struct netdev *netdev_of_netif(const struct netif *netif);
static inline struct netdev_state *netdev_state(struct netdev *dev)
{
	return dev->stack;
}
static inline struct netif *netdev_netif(struct netdev *dev)
{
	return &netdev_state(dev)->netif;
}
/* Receive (net/core/netdev_rx.c): the backlog into lwIP, then the relief of a
 * driver that ran low on buffers.  netdev_pbuf_lent: p is a driver's
 * buffer lent zero copy (not a copy). */
void netdev_rx_drain(struct netdev *dev);
void netdev_rx_relieve(struct netdev *dev);
int netdev_pbuf_lent(const struct pbuf *p);
/* Free copy slots kept for the next short frames (each 384 bytes). */
int netdev_rx_slots_kept(void);
/* Transmit (net/core/netdev_tx.c).  The request for a frame, one fragment per
 * non-empty pbuf (net/core/netdev_txreq.h): 0, -EMSGSIZE (more pieces than
 * NETDEV_TX_MAXFRAGS: nothing was written past the table), -EAGAIN (TCP
 * headers split over pieces, with offload), -EINVAL (an empty frame). */
int netdev_txreq_build(struct pbuf *p, int offload, struct netdev_txreq *req);
err_t netdev_linkoutput(struct netif *netif, struct pbuf *p);
/* For net/core/netdev_tso.c.  build: the request for frame p (checksum
 * offloaded when lwIP leaves it to the device); the pbuf to keep until the
 * device is done (p, or a linear copy), NULL if it cannot be sent.
 * qpkt_new: a handle for p, classified, nothing charged.  enqueue: qp to
 * the root qdisc (ERR_MEM if refused: already freed), then drain. */
struct pbuf *netdev_tx_build(struct netdev_state *st, struct pbuf *p, struct netdev_txreq *req);
struct qpkt *netdev_qpkt_new(struct pbuf *p);
/* A free list of equal elements of size bytes, malloc'd chunk at a time,
 * at most max in all (net/core/netdev_tx.c): NULL past max or out of memory. */
struct netdev_pool {
	void *free;
	uint32_t size, chunk, max, total;
};
void *netdev_pool_get(struct netdev_pool *pl);
void netdev_pool_put(struct netdev_pool *pl, void *e);
err_t netdev_tx_enqueue(struct netdev_state *st, struct qpkt *qp);
/* TSO bundles (net/core/netdev_tso.c).  offer: 1 when p joined or started
 * the pending bundle (p referenced), else 0 and the caller queues p (after
 * the pending bundle, flushed first).  flush: the pending bundle to the
 * qdisc.  held: a bundle is pending.  xmit: to the device, BQL counted (0,
 * -ENOSPC with the rest to send, or another error with nothing in
 * flight).  done: a completion; 1 when the bundle is finished.  release: 1 when freed, 0
 * when requests are still in flight (freed at the last completion). */
int netdev_tso_offer(struct netdev_state *st, struct pbuf *p);
void netdev_tso_flush(struct netdev_state *st);
int netdev_tso_held(const struct netdev *dev);
int netdev_tso_xmit(struct netdev_state *st, struct qpkt *qp);
int netdev_tso_done(struct qpkt *qp);
/* A completion cookie with the low bit set: a bundle's segment sent on its
 * own.  Its bundle, and the bytes BQL counted for it. */
struct qpkt *netdev_tso_seg_done(void *cookie, uint32_t *bytes);
int netdev_tso_release(struct qpkt *qp);
/* Hands queued frames to the driver while BQL and its ring take them. */
void netdev_tx_drain(struct netdev_state *st);
void netdev_tx_init(struct netdev_state *st);
/* Frames wait in the device's qdisc (the loop then sleeps at most 1 ms:
 * Linux's qdisc watchdog for a shaper, a backstop for a lost TX interrupt). */
int netdev_tx_pending(const struct netdev *dev);
/* The driver's xmit, or -ENOSPC when debug.fail_tx_ring_full says the ring
 * is full (kernel/fault.h).  Every request given goes through here and
 * asks for the round's notify (need_kick): a device sees nothing before it,
 * and a request never notified holds its ring slot for good. */
int netdev_dev_xmit(struct netdev *dev, const struct netdev_txreq *req);
/* Requests given to the device since its last notify (a hook after the
 * transmit step sent them): the loop must not sleep before the next
 * transmit step notifies the device, which sees nothing before that. */
int netdev_tx_unkicked(const struct netdev *dev);
/* The root qdisc.  graft puts q (NULL: none) at the root with handle
 * (tc's major << 16) and destroys the old one, returning the frames that
 * were dropped with it.  default: a new root of net.core.default_qdisc. */
int netdev_qdisc_graft(struct netdev *dev, struct qdisc *q, uint32_t handle);
int netdev_qdisc_default(struct netdev *dev);
/* A qdisc of kind for dev (conf NULL: Linux's defaults, pfifo's limit the
 * device's txqueuelen); NULL with *err as qdisc_create sets it. */
struct qdisc *netdev_qdisc_new(struct netdev *dev, const char *kind, const void *conf, int *err);
int netdev_set_txqueuelen(struct netdev *dev, int len);
/* The event loop's transmit step for one device: drain, then one notify.
 * Nonzero if TCP should be told the queue has room (tcp_txnow). */
int netdev_tx_run(struct netdev *dev);
/* ip link set DEV up|down, mtu N: 0 or -EINVAL. */
int netdev_set_up(struct netdev *dev, int up);
int netdev_set_mtu(struct netdev *dev, int mtu);

#endif
