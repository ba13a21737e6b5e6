/*
 * virtio-net driver internals, shared by virtio_net.c (probe, interrupts,
 * ethtool), virtio_net_rx.c (receive, NAPI poll) and virtio_net_tx.c.
 */
#ifndef DRIVERS_VIRTIO_NET_PRIV_H
#define DRIVERS_VIRTIO_NET_PRIV_H

#include <stdint.h>

#include <linux/virtio_net.h>

#include "drivers/netdev.h"
#include "drivers/virtio.h"
#include "drivers/virtqueue.h"

#define VNET_QUEUE_MAX 256     /* ring entries we ask for, per queue */
#define VNET_RXBUF_SIZE 2048   /* bytes per RX buffer (two per page), headroom included */
#define VNET_RXBUF_PER_RING 4  /* buffers allowed per ring entry (the stack may hold some) */
/* Most buffers one frame may span: a GUEST_TSO4 frame of 64 KiB of IP,
 * its Ethernet and virtio headers, over buffers of 1984 data bytes. */
#define VNET_FRAME_MAX (14 + 65535)   /* bytes of the longest frame (IPv4's total length) */
#define VNET_RXBUF_DATA (VNET_RXBUF_SIZE - NETDEV_RX_HEADROOM)
#define VNET_MRG_MAX                                                                    \
	((int)((sizeof(struct virtio_net_hdr_mrg_rxbuf) + VNET_FRAME_MAX + VNET_RXBUF_DATA - 1) / \
	       VNET_RXBUF_DATA)) /* 34 */
#define VNET_HIST 8            /* packets-per-poll histogram buckets: 0, 1, 2-3, ..., 64+ */

struct vnet_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t rx_irqs, tx_irqs, cfg_irqs, napi_polls, napi_complete, napi_repoll;
	uint64_t rx_missed_irqs;   /* frames found waiting by rx_pending(), no interrupt */
	uint64_t rx_mergeable, rx_csum_valid, rx_csum_partial, rx_csum_none, rx_errors;
	uint64_t rx_gso;           /* frames the device merged (GUEST_TSO4, gso_type TCPV4) */
	uint64_t rx_gso_errors;    /* dropped: a gso_type or length we did not agree to */
	uint64_t refill_failures, refill_notifies;
	uint64_t tx_kicks, tx_kicks_suppressed, tx_ring_full, tx_reclaimed, tx_tso;
	uint64_t tx_timeouts;      /* watchdog notifications: two wakeups without TX progress */
	uint64_t poll_hist[VNET_HIST];
};

struct virtio_net {
	struct netdev dev;
	struct virtio_dev vd;
	struct virtqueue rxq, txq;
	uintptr_t rx_notify, tx_notify;
	int vec_cfg, vec_rx, vec_tx;      /* IDT vectors */
	char irq_name[3][NETDEV_NAMELEN + 12]; /* /proc/interrupts: eth1-config, eth1-input.0, ... */
	uint32_t hdr_len;                 /* virtio_net_hdr_mrg_rxbuf: 12 bytes */
	int cfg_changed;                  /* config interrupt seen, poll reads status */
	/* receive buffers: in the ring, held by the stack, or here */
	void **rx_free;
	int rx_nfree, rx_total, rx_cap, rx_posted;
	int rx_grow_failed;               /* the last page for more buffers could not be had */
	int rx_lowmark;                   /* rx_cap / 2: lent past it, frames go flagged NETDEV_RX_LOWBUF */
	unsigned rx_low;                  /* NETDEV_RX_LOWBUF or 0, for this poll's frames */
	struct netdev_rxfrag mrg[VNET_MRG_MAX];
	int mrg_n, mrg_want;
	unsigned mrg_flags;
	int mrg_skip;                     /* buffers left of a frame dropped for num_buffers */
	/* transmit: one virtio header per ring slot (indexed by head descriptor) */
	struct virtio_net_hdr_mrg_rxbuf *tx_hdr;
	struct vring_desc *tx_ind;        /* with INDIRECT_DESC: 1 + NETDEV_TX_MAXFRAGS per slot */
	int tx_dirty;                     /* frames added since the last kick */
	int tx_wd_armed;                  /* watchdog: frames were in flight at the last wakeup */
	uint16_t tx_wd_used;              /*   and txq.last_used was this */
	struct vnet_stats st;
};

int vnet_rx_init(struct virtio_net *vn);
void vnet_rx_teardown(struct virtio_net *vn);
void vnet_rx_refill(struct virtio_net *vn);
int vnet_poll(struct netdev *dev, int budget);
int vnet_rx_pending(struct netdev *dev);
/* Buffers the stack holds now. */
int vnet_rx_lent(const struct virtio_net *vn);
void vnet_rx_release(struct netdev *dev, void *buf);
int vnet_tx_init(struct virtio_net *vn);
void vnet_tx_teardown(struct virtio_net *vn);
int vnet_xmit(struct netdev *dev, const struct netdev_txreq *req);
int vnet_tx_arm(struct netdev *dev);
void vnet_kick(struct netdev *dev);
void vnet_tx_reclaim(struct virtio_net *vn);
void vnet_tx_reclaim_op(struct netdev *dev);
void vnet_check_link(struct virtio_net *vn);

#endif
