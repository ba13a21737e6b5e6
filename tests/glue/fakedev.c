/*
 * A fake network device for the host build of the glue layer: it fills
 * drivers/netdev.h's ops table as virtio-net does.  Receive: frames the
 * test queues arrive at the next NAPI poll in RX buffers of the device's
 * pool (2 KiB each, the first NETDEV_RX_HEADROOM bytes the stack's, each
 * its own malloc so AddressSanitizer bounds it); a frame finding no free
 * buffer is dropped as a starved ring drops it, and frames are flagged
 * NETDEV_RX_LOWBUF once the stack holds half the pool.  Transmit: each request
 * is checked against the contract (fragment count within
 * NETDEV_TX_MAXFRAGS, lengths adding up), copied out with its checksum
 * completed as a device does for NEEDS_CSUM, and completed at the next
 * reclaim once a kick has published it (a virtio device sees nothing the
 * driver has not notified: drivers/virtqueue.c publishes at vq_kick_prepare).
 * A loop that would sleep with requests unpublished has stalled the ring:
 * glue_poll aborts (fakedev_unkicked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/netdev.h"
#include "kernel/console.h"
#include "kernel/sysctl.h"
#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "net/core/gso.h"
#include "net/core/net.h"
#include "tests/glue/glue.h"
#include "tests/glue/txlog.h"
#include "tests/glue/wire.h"

#define RXBUF_SIZE 2048
#define TX_RING 256
#define RXQ_MAX 4096 /* frames queued in the device, not yet polled */

const uint8_t glue_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const uint8_t glue_peer_mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

struct pending {
	uint8_t *data;
	size_t len;
	size_t cuts[8];
	int ncuts;
};


static struct {
	struct netdev dev;
	int booted;
	/* RX buffer pool */
	void **free;
	int nfree, total, out;
	/* frames waiting to be polled */
	struct pending rxq[RXQ_MAX];
	int rxq_head, rxq_len;
	/* transmit ring: cookies in flight */
	void *ring[TX_RING];
	int ring_head, ring_len, ring_cap;
	int unkicked; /* the ring's last requests, not yet published by a kick */
	int tx_complete;
	/* what went out */
	struct txlog tx;
	struct glue_dev_stats st;
} fd = { .tx_complete = 1, .ring_cap = TX_RING };

/* ---- receive -------------------------------------------------------------- */

static void pool_init(int n)
{
	for (int i = 0; i < fd.nfree; i++)
		free(fd.free[i]);
	free(fd.free);
	fd.free = calloc((size_t)n, sizeof(void *));
	for (int i = 0; i < n; i++)
		fd.free[i] = malloc(RXBUF_SIZE);
	fd.nfree = fd.total = n;
	fd.out = 0;
}

void glue_dev_set_rxbufs(int n)
{
	if (fd.out)
		abort(); /* the stack still holds buffers of the old pool */
	pool_init(n);
}

static void queue_frame(const void *frame, size_t len, const size_t *cuts, int ncuts)
{
	if (fd.rxq_len == RXQ_MAX || ncuts > 8)
		abort();
	struct pending *p = &fd.rxq[(fd.rxq_head + fd.rxq_len++) % RXQ_MAX];
	p->data = malloc(len ? len : 1);
	memcpy(p->data, frame, len);
	p->len = len;
	p->ncuts = ncuts;
	for (int i = 0; i < ncuts; i++)
		p->cuts[i] = cuts[i];
	napi_schedule(&fd.dev.napi); /* the interrupt */
}

void glue_rx(const void *frame, size_t len)
{
	queue_frame(frame, len, NULL, 0);
}

void glue_rx_split(const void *frame, size_t len, const size_t *cuts, int ncuts)
{
	queue_frame(frame, len, cuts, ncuts);
}

/* Delivers one queued frame in as many buffers as its cuts ask for. */
static int deliver(struct pending *p)
{
	struct netdev_rxfrag frags[9];
	int n = p->ncuts + 1;
	if (fd.nfree < n) {
		fd.st.rx_dropped_nobuf++;
		return 0;
	}
	size_t start = 0;
	for (int i = 0; i < n; i++) {
		size_t end = i < p->ncuts ? p->cuts[i] : p->len;
		if (end < start || end > p->len || end - start > RXBUF_SIZE - NETDEV_RX_HEADROOM)
			abort(); /* a test cut the frame wrongly */
		void *buf = fd.free[--fd.nfree];
		fd.out++;
		memcpy((char *)buf + NETDEV_RX_HEADROOM, p->data + start, end - start);
		frags[i] = (struct netdev_rxfrag){ buf, NETDEV_RX_HEADROOM, (uint32_t)(end - start) };
		start = end;
	}
	fd.st.rx_frames++;
	/* As virtio-net: low once the stack holds half the pool. */
	unsigned low = fd.out - n > fd.total / 2 ? NETDEV_RX_LOWBUF : 0;
	netdev_rx(&fd.dev, frags, n, NETDEV_RX_CSUM_VALID | low);
	return 1;
}

static void tx_reclaim(struct netdev *dev);

static int poll(struct netdev *dev, int budget)
{
	tx_reclaim(dev);
	int done = 0;
	while (done < budget && fd.rxq_len) {
		struct pending *p = &fd.rxq[fd.rxq_head];
		fd.rxq_head = (fd.rxq_head + 1) % RXQ_MAX;
		fd.rxq_len--;
		deliver(p);
		free(p->data);
		done++;
	}
	if (done < budget)
		napi_complete(&dev->napi);
	return done;
}

static void rx_release(struct netdev *dev, void *buf)
{
	(void)dev;
	if (!fd.out)
		abort(); /* released more than was lent */
	memset(buf, 0xa5, RXBUF_SIZE); /* a use after release reads garbage */
	fd.free[fd.nfree++] = buf;
	fd.out--;
}

/* ---- transmit ------------------------------------------------------------- */

/* A TSO request, as a device with VIRTIO_NET_F_HOST_TSO4 takes it (virtio
 * 1.1 5.1.6.2): checked, then cut into segments of gso_size payload bytes
 * with their checksums whole, each logged.  The cut is net/core/gso.c
 * (Linux's tcp_gso_segment rules, tested against its own reference). */
static int tso_emit(void *arg, const uint8_t *seg, uint32_t len)
{
	uint8_t *c = malloc(len);
	memcpy(c, seg, len);
	txlog_push(&fd.tx, c, len, *(int *)arg);
	return 0;
}

static void xmit_tso(const struct netdev_txreq *req)
{
	if (!(fd.dev.features & NETDEV_F_TSO) || !req->needs_csum || req->hdr_len > req->len ||
	    req->csum_start != 14 + 20 || req->csum_offset != 16) {
		fprintf(stderr, "fakedev: TSO request it may not get (gso_size %u, hdr_len %u)\n", req->gso_size,
			req->hdr_len);
		abort();
	}
	uint8_t *f = txlog_gather(req, "fakedev");
	int segs = (int)((req->len - req->hdr_len + req->gso_size - 1) / req->gso_size);
	uint8_t *scratch = malloc(GSO_SCRATCH_LEN(req->gso_size));
	int n = gso_segment(f, req->len, req->gso_size, 0, scratch, GSO_SCRATCH_LEN(req->gso_size), tso_emit, &segs);
	if (n != segs)
		abort();
	free(scratch);
	free(f);
	fd.st.tx_tso++;
}

static int xmit(struct netdev *dev, const struct netdev_txreq *req)
{
	(void)dev;
	if (fd.ring_len >= fd.ring_cap)
		return -ENOSPC;
	if (req->gso_size) {
		xmit_tso(req);
		fd.ring[(fd.ring_head + fd.ring_len++) % TX_RING] = req->cookie;
		fd.unkicked++;
		fd.st.tx_frames++;
		fd.st.tx_bytes += req->len;
		return 0;
	}
	uint8_t *f = txlog_add(&fd.tx, req, "fakedev");
	size_t n = req->len;
	if (req->needs_csum) { /* virtio 1.1 5.1.6.2: sum from csum_start, store at +csum_offset */
		if ((size_t)req->csum_start + req->csum_offset + 2 > n)
			abort();
		uint16_t s = wire_sum(f + req->csum_start, n - req->csum_start, 0);
		s = (uint16_t)~s;
		f[req->csum_start + req->csum_offset] = s >> 8;
		f[req->csum_start + req->csum_offset + 1] = s & 0xff;
	}
	fd.ring[(fd.ring_head + fd.ring_len++) % TX_RING] = req->cookie;
	fd.unkicked++;
	fd.st.tx_frames++;
	fd.st.tx_bytes += n;
	return 0;
}

static void kick(struct netdev *dev)
{
	(void)dev;
	fd.unkicked = 0;
}

int fakedev_unkicked(void)
{
	return fd.unkicked;
}

static void tx_reclaim(struct netdev *dev)
{
	while (fd.tx_complete && fd.ring_len > fd.unkicked) {
		void *cookie = fd.ring[fd.ring_head];
		fd.ring_head = (fd.ring_head + 1) % TX_RING;
		fd.ring_len--;
		netdev_tx_done(dev, cookie);
	}
}

/* The device's completion interrupt, as virtio-net's tx_arm asks for it:
 * what the device finished comes back at once. */
static int tx_arm(struct netdev *dev)
{
	int before = fd.ring_len;
	tx_reclaim(dev);
	return fd.ring_len != before;
}

void glue_dev_tx_complete(int on)
{
	fd.tx_complete = on;
}

void glue_dev_tx_ring(int n)
{
	fd.ring_cap = n < 1 ? 1 : n > TX_RING ? TX_RING : n;
}

int glue_tx_segs(int i)
{
	return txlog_segs(&fd.tx, i);
}

int glue_tx_count(void)
{
	return txlog_count(&fd.tx);
}

const uint8_t *glue_tx_frame(int i, size_t *len)
{
	return txlog_frame(&fd.tx, i, len);
}

void glue_tx_clear(void)
{
	txlog_clear(&fd.tx);
}

/* ---- the rest of the ops ------------------------------------------------------ */

static int set_mtu(struct netdev *dev, int mtu)
{
	return mtu < 68 || mtu > dev->max_mtu ? -EINVAL : 0;
}

static void stats(struct netdev *dev, void (*emit)(const char *name, uint64_t v))
{
	(void)dev;
	emit("rx_frames", fd.st.rx_frames);
	emit("rx_dropped_nobuf", fd.st.rx_dropped_nobuf);
	emit("rx_buffers_out", (uint64_t)fd.out);
	emit("tx_frames", fd.st.tx_frames);
	emit("tx_tso", fd.st.tx_tso);
}

static void info(struct netdev *dev, char *driver, char *version, char *bus, size_t len)
{
	(void)dev;
	snprintf(driver, len, "fakedev");
	snprintf(version, len, "1");
	snprintf(bus, len, "host");
}

static const struct netdev_ops fakedev_ops = {
	.xmit = xmit,
	.tx_arm = tx_arm,
	.kick = kick,
	.poll = poll,
	.tx_reclaim = tx_reclaim,
	.rx_release = rx_release,
	.set_mtu = set_mtu,
	.stats = stats,
	.info = info,
};

void glue_dev_stats(struct glue_dev_stats *s)
{
	*s = fd.st;
	s->rx_bufs_out = fd.out;
	s->rx_bufs_total = fd.total;
}

/* Registers the device as eth0 (world.c, at boot). */
void fakedev_register(void)
{
	if (!fd.total)
		pool_init(1024);
	fd.dev.ops = &fakedev_ops;
	fd.dev.mtu = 1500;
	fd.dev.max_mtu = 9000;
	memcpy(fd.dev.mac, glue_mac, 6);
	/* As virtio-net on QEMU's tap: TSO and GSO on, both switchable. */
	fd.dev.features = NETDEV_F_SG | NETDEV_F_RXCSUM | NETDEV_F_TXCSUM | NETDEV_F_TSO | NETDEV_F_GSO;
	fd.dev.hw_features = NETDEV_F_TSO | NETDEV_F_GSO;
	fd.dev.napi.weight = 64;
	if (netdev_register(&fd.dev))
		abort();
	netdev_link_change(&fd.dev, 1);
}

unsigned glue_dev_set_features(unsigned set, unsigned clear)
{
	unsigned was = fd.dev.features;
	fd.dev.features = (was | set) & ~clear;
	return was;
}

/* Frames queued in the device that no poll has taken yet. */
int fakedev_pending(void)
{
	return fd.rxq_len;
}

