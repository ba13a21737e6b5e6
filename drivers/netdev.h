/*
 * The contract between network drivers and the stack (implemented in
 * net/core/netdev.c, netdev_rx.c, netdev_tx.c, netdev_loop.c and net/core/napi.c).  A driver fills one const netdev_ops
 * table and a struct netdev, registers it, and from then on:
 *  - its interrupt handler masks the queue and calls napi_schedule();
 *  - the event loop calls ops->poll(dev, budget); the driver hands each
 *    received frame to netdev_rx() (zero copy: the frame stays in the
 *    driver's buffer until the stack calls ops->rx_release, which may
 *    come during netdev_rx when the stack copies the frame, as it does
 *    for short frames and for every frame flagged NETDEV_RX_LOWBUF), reclaims
 *    finished transmissions with netdev_tx_done(), and when it handled
 *    fewer frames than budget calls napi_complete(), re-enables its
 *    interrupt and re-checks its ring (napi_schedule() again if work
 *    arrived in between);
 *  - the stack transmits with ops->xmit() and ops->kick().
 * Nothing here includes lwIP: the stack's buffers are opaque cookies.
 */
#ifndef DRIVERS_NETDEV_H
#define DRIVERS_NETDEV_H

#include <stddef.h>
#include <stdint.h>

#define NETDEV_NAMELEN 16
#define NETDEV_RX_HEADROOM 64   /* bytes at the start of each RX buffer the stack may use */
#define NETDEV_TX_MAXFRAGS 64   /* longer chains are linearised by the stack (a TSO bundle
				 * of 45 segments is its headers and 45 payload pieces) */
#define NETDEV_MAX 8

struct netdev;

/* One piece of a received frame: bytes [off, off+len) of an RX buffer
 * whose first NETDEV_RX_HEADROOM bytes are the stack's. */
struct netdev_rxfrag {
	void *buf;
	uint32_t off, len;
};

#define NETDEV_RX_CSUM_VALID 0x1 /* the device checked the L4 checksum */
#define NETDEV_RX_LOWBUF 0x2     /* the driver's free buffers ran low: copy, give them back */

struct netdev_txreq {
	struct {
		const void *data;
		uint32_t len;
	} frag[NETDEV_TX_MAXFRAGS];
	int nfrags;
	uint32_t len;            /* bytes in all fragments */
	int needs_csum;          /* device completes the L4 checksum: */
	uint16_t csum_start;     /*   from this offset */
	uint16_t csum_offset;    /*   stored at csum_start + csum_offset */
	uint16_t gso_size;       /* nonzero: an IPv4 TCP frame for the device to cut into
				  * segments of this many payload bytes (NETDEV_F_TSO) */
	uint16_t hdr_len;        /*   its Ethernet + IPv4 + TCP header bytes */
	void *cookie;            /* handed back in netdev_tx_done() */
};

/* Offloads a driver negotiated (ethtool -k). */
#define NETDEV_F_RXCSUM 0x1
#define NETDEV_F_TXCSUM 0x2
#define NETDEV_F_SG 0x4
#define NETDEV_F_TSO 0x8     /* the device segments TCP (virtio HOST_TSO4) */
#define NETDEV_F_GSO 0x10    /* the stack segments large frames itself when the device cannot */
#define NETDEV_F_GRO 0x20    /* the stack merges a flow's in-order frames within a poll */
#define NETDEV_F_GRO_HW 0x40 /* the device hands us merged frames (virtio GUEST_TSO4) */

struct netdev_ops {
	/* Transmit one frame (not yet visible to the device).  0, or -ENOSPC
	 * when the ring is full (the stack keeps the frame queued). */
	int (*xmit)(struct netdev *dev, const struct netdev_txreq *req);
	/* Make queued frames visible; one device notification per batch. */
	void (*kick)(struct netdev *dev);
	/* NAPI poll: receive up to budget frames, reclaim TX; returns frames received. */
	int (*poll)(struct netdev *dev, int budget);
	/* Hand finished transmissions back now (netdev_tx_done): the stack
	 * calls it once at each timer wakeup, before its timers, so a
	 * retransmission never finds its segment still owned by the ring.
	 * Drivers may count these calls: virtio-net's TX watchdog notifies a
	 * device again after two calls without transmit progress. */
	void (*tx_reclaim)(struct netdev *dev);
	/* Optional: the stack stopped feeding the ring (Byte Queue Limits)
	 * and waits for completions: interrupt when transmissions finish.
	 * Nonzero if some finished already (they were handed back with
	 * netdev_tx_done: the stack feeds the ring again at once). */
	int (*tx_arm)(struct netdev *dev);
	/* Optional, called before the CPU sleeps: nonzero if received frames
	 * wait that no interrupt announced.  Under QEMU's TCG with one vCPU a
	 * guest fence is not a host fence, so an EVENT_IDX notification can be
	 * lost; the stack then schedules the poll itself. */
	int (*rx_pending)(struct netdev *dev);
	/* The stack is finished with an RX buffer. */
	void (*rx_release)(struct netdev *dev, void *buf);
	/* Optional: apply a new MTU; 0 or -EINVAL. */
	int (*set_mtu)(struct netdev *dev, int mtu);
	/* ethtool -S: calls emit for each driver counter. */
	void (*stats)(struct netdev *dev, void (*emit)(const char *name, uint64_t v));
	/* ethtool -i: driver name, version, bus address. */
	void (*info)(struct netdev *dev, char *driver, char *version, char *bus, size_t len);
};

/* Linux's struct napi_struct, reduced. */
struct napi {
	struct napi *next;  /* on the poll list while scheduled */
	struct netdev *dev;
	int weight;         /* most frames per poll (64) */
	int scheduled;
};

struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors;
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
};

struct netdev {
	char name[NETDEV_NAMELEN];  /* set by netdev_register: eth0, eth1, ... */
	const struct netdev_ops *ops;
	void *priv;                 /* the driver's */
	uint8_t mac[6];
	int mtu;
	int max_mtu;
	unsigned features;          /* NETDEV_F_*: on now */
	unsigned hw_features;       /* NETDEV_F_*: ethtool -K may switch these */
	int link_up;                /* carrier, from the device */
	struct napi napi;
	struct netdev_stats stats;  /* kept by the stack */
	void *stack;                /* the stack's per-device state */
	int index;                  /* ifindex, from 1 */
};

/* Names the device, attaches it to the stack; 0 or -ENOSPC/-ENOMEM. */
int netdev_register(struct netdev *dev);
/* A frame from poll(): nfrags pieces (zero copy).  The stack queues it on
 * the input backlog or drops it (and then releases the buffers at once). */
void netdev_rx(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags, unsigned flags);
/* A received frame the driver dropped itself (bad length, no buffers). */
void netdev_rx_error(struct netdev *dev);
/* A transmission the device finished (cookie from netdev_txreq). */
void netdev_tx_done(struct netdev *dev, void *cookie);
/* Carrier changed (config interrupt). */
void netdev_link_change(struct netdev *dev, int up);

/* NAPI.  Safe from interrupt handlers. */
void napi_schedule(struct napi *n);
/* From poll, when it handled fewer frames than its budget: leave the poll
 * list; the driver re-enables its interrupt after this. */
void napi_complete(struct napi *n);

#endif
