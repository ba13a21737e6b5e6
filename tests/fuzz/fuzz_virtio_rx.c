/*
 * Fuzz target: virtio-net's receive and transmit paths (drivers/
 * virtio_net_rx.c, virtio_net_tx.c over virtqueue.c) against a hostile
 * device, which the input plays (step() lists its moves).  The driver is
 * eth1 (10.0.3.15) of the glue world: frames it accepts go through the
 * real net/core/netdev.c into lwIP, lwIP's answers come back through xmit.
 * fuzz.mk renames the driver's netdev_rx to fuzz_netdev_rx, which checks
 * each frame on its way.  The invariants beyond the sanitizers are in
 * census(), fuzz_netdev_rx(), check_consumed() and driver_down().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio_net_priv.h"
#include "lwip/etharp.h"
#include "lwip/priv/tcp_priv.h"
#include "net/core/netdev_priv.h"
#include "tests/glue/glue.h"

#define QMAX 64                               /* largest ring the input may pick */
#define BUFS (QMAX * VNET_RXBUF_PER_RING)
#define BUF_DATA (VNET_RXBUF_SIZE - NETDEV_RX_HEADROOM)
#define HDR ((uint32_t)sizeof(struct virtio_net_hdr_mrg_rxbuf))
#define MAX_OPS 512

void fuzz_netdev_rx(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags, unsigned flags);

static const uint8_t eth1_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t peer_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x03 };

#define FAIL(...)                                                \
	do {                                                     \
		fprintf(stderr, "fuzz_virtio_rx: " __VA_ARGS__); \
		fprintf(stderr, "\n");                           \
		abort();                                         \
	} while (0)

/* ---- the input ------------------------------------------------------------------ */

static const uint8_t *in;
static size_t in_len, in_pos;

static uint8_t u8(void)
{
	return in_pos < in_len ? in[in_pos++] : 0;
}

static uint16_t u16(void)
{
	return (uint16_t)(u8() | u8() << 8);
}

static uint32_t u32(void)
{
	return (uint32_t)u16() | (uint32_t)u16() << 16;
}

/* ---- the driver, the stack's eth1 ------------------------------------------------ */

static struct virtio_net vn;
static void *rx_mem, *tx_mem;
static void *rx_cookie[QMAX], *tx_cookie[QMAX];
static uint16_t rx_bell = 0xffff, tx_bell = 0xffff;
static int link_status = 1;

/* What the stack holds: buffers handed over by netdev_rx, not yet released. */
static void *held[BUFS];
static int nheld;
/* Every buffer the driver ever posted (its pages are the driver's). */
static void *known[BUFS];
static int nknown;
static int draining;   /* the end of an input: the device completes every transmission */

static int find(void *const *set, int n, const void *p)
{
	for (int i = 0; i < n; i++)
		if (set[i] == p)
			return i;
	return -1;
}

void vnet_check_link(struct virtio_net *v)
{
	if (link_status != v->dev.link_up)
		netdev_link_change(&v->dev, link_status);
}

/* Every buffer in exactly one place, and all of them the driver's. */
static void census(void)
{
	static void *all[2 * BUFS];
	int n = 0, posted = 0;
	for (int i = 0; i < vn.rx_nfree; i++)
		all[n++] = vn.rx_free[i];
	for (int i = 0; i < vn.rxq.size; i++)
		if (vn.rxq.cookie[i]) {
			all[n++] = vn.rxq.cookie[i];
			posted++;
		}
	for (int i = 0; vn.mrg_want && i < vn.mrg_n; i++)
		all[n++] = vn.mrg[i].buf;
	for (int i = 0; i < nheld; i++)
		all[n++] = held[i];
	if (vq_num_free(&vn.rxq) > vn.rxq.size || vq_num_free(&vn.txq) > vn.txq.size)
		FAIL("num_free %u/%u above the ring sizes %u/%u", vq_num_free(&vn.rxq), vq_num_free(&vn.txq),
		     vn.rxq.size, vn.txq.size);
	if (posted != vn.rx_posted || posted != vn.rxq.size - vq_num_free(&vn.rxq))
		FAIL("%d buffers in the ring, rx_posted %d, %d descriptors in use", posted, vn.rx_posted,
		     vn.rxq.size - vq_num_free(&vn.rxq));
	if (n != vn.rx_total || vn.rx_total > vn.rx_cap)
		FAIL("%d buffers found, rx_total %d, rx_cap %d", n, vn.rx_total, vn.rx_cap);
	for (int i = 0; i < n; i++) {
		if ((uintptr_t)all[i] % VNET_RXBUF_SIZE)
			FAIL("buffer %p is no buffer", all[i]);
		for (int k = i + 1; k < n; k++)
			if (all[k] == all[i])
				FAIL("buffer %p in two places", all[i]);
	}
}

/* A frame the driver hands the stack: each fragment a buffer it posted,
 * in no other place, not given before, within its bounds. */
void fuzz_netdev_rx(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags, unsigned flags)
{
	if (dev != &vn.dev || nfrags < 1 || nfrags > VNET_MRG_MAX)
		FAIL("netdev_rx with %d fragments", nfrags);
	if (frags[0].len < 14)
		FAIL("a %u-byte first fragment", frags[0].len);
	for (int i = 0; i < nfrags; i++) {
		const struct netdev_rxfrag *f = &frags[i];
		if (find(known, nknown, f->buf) < 0)
			FAIL("buffer %p was never posted", f->buf);
		if (find(held, nheld, f->buf) >= 0)
			FAIL("buffer %p handed over twice", f->buf);
		if (find(vn.rxq.cookie, vn.rxq.size, f->buf) >= 0 || find(vn.rx_free, vn.rx_nfree, f->buf) >= 0)
			FAIL("buffer %p handed over while in the ring or the free stack", f->buf);
		for (int k = 0; k < i; k++)
			if (frags[k].buf == f->buf)
				FAIL("buffer %p twice in a frame", f->buf);
		if (f->off < NETDEV_RX_HEADROOM || f->off > VNET_RXBUF_SIZE || f->len > VNET_RXBUF_SIZE - f->off)
			FAIL("fragment [%u, +%u) outside its buffer", f->off, f->len);
		held[nheld++] = f->buf;
	}
	netdev_rx(dev, frags, nfrags, flags);
}

static void fz_rx_release(struct netdev *dev, void *buf)
{
	int i = find(held, nheld, buf);
	if (i < 0)
		FAIL("the stack released %p, which it does not hold", buf);
	held[i] = held[--nheld];
	vnet_rx_release(dev, buf);
}

/* ---- the device ---------------------------------------------------------------------- */

static struct vring rvr, tvr;   /* the device's view of the rings */
static uint16_t r_avail;        /* next RX avail entry it takes */
static uint16_t r_used, r_pub;  /* next RX used entry it writes; used->idx it published */
static uint16_t t_avail, t_used;
static uint16_t taken[QMAX];    /* RX heads taken, not yet returned (any order) */
static int ntaken;
static uint16_t seen_avail;     /* RX avail entries whose buffers are in known[] */

/* A posted buffer: the driver's, one device-writable descriptor of BUF_DATA
 * bytes after the headroom. */
static void *rx_buffer(uint16_t head)
{
	const struct vring_desc *d = &rvr.desc[head];
	if (d->flags != VRING_DESC_F_WRITE || d->len != BUF_DATA || d->addr % VNET_RXBUF_SIZE != NETDEV_RX_HEADROOM)
		FAIL("RX descriptor %u: flags %#x len %u addr %#lx", head, d->flags, d->len, (unsigned long)d->addr);
	return (char *)(uintptr_t)d->addr - NETDEV_RX_HEADROOM;
}

/* Every buffer made available so far goes into known[].  Called after
 * each poll (the only place the driver posts), so no avail entry is
 * overwritten before it is read. */
static void sync_known(void)
{
	for (; seen_avail != rvr.avail->idx; seen_avail++) {
		uint16_t h = rvr.avail->ring[seen_avail % rvr.num];
		if (h >= rvr.num)
			FAIL("RX avail entry names descriptor %u of %u", h, rvr.num);
		void *buf = rx_buffer(h);
		if (find(known, nknown, buf) < 0) {
			if (nknown == BUFS)
				FAIL("more than %d buffers", BUFS);
			known[nknown++] = buf;
		}
	}
}

/* Takes up to n posted buffers in order; returns how many.  A head the
 * driver already took back (the device lied about it before) is passed
 * over: a device writes only to buffers it holds. */
static int dev_take(int n, uint16_t *heads)
{
	int k = 0;
	while (k < n && r_avail != rvr.avail->idx && ntaken < QMAX) {
		uint16_t h = rvr.avail->ring[r_avail++ % rvr.num];
		if (h >= rvr.num)
			FAIL("RX avail entry names descriptor %u of %u", h, rvr.num);
		void *buf = rx_buffer(h);
		if (!vn.rxq.cookie[h])
			continue;
		if (vn.rxq.cookie[h] != buf)
			FAIL("RX head %u: cookie %p, descriptor %p", h, vn.rxq.cookie[h], buf);
		taken[ntaken++] = h;
		heads[k++] = h;
	}
	return k;
}

static void dev_used(uint16_t id, uint32_t len)
{
	struct vring_used_elem *e = &rvr.used->ring[r_used % rvr.num];
	e->id = id;
	e->len = len;
	r_used++;
}

/* The interrupt as virtio_net.c's rx_irq takes it. */
static void rx_irq(void)
{
	vq_disable_cb(&vn.rxq);
	napi_schedule(&vn.dev.napi);
}

/* Publishes n written entries (all if n says so) and raises the
 * interrupt if the driver asked for one, unless it is lost. */
static void dev_publish(void)
{
	uint8_t how = u8();
	uint16_t pending = (uint16_t)(r_used - r_pub), n = how & 0x80 ? pending : (uint16_t)(how & 0x3f);
	if (n > pending)
		n = pending;
	uint16_t old = r_pub, new = (uint16_t)(r_pub + n);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	rvr.used->idx = new;
	r_pub = new;
	int irq = vn.rxq.event_idx ? vring_need_event(vring_used_event(&rvr), new, old)
				   : !(rvr.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	if ((irq && !(how & 0x40)) || (how & 0x3f) == 0x3f)
		rx_irq();
}

/* n frame bytes: as many from the input as its next byte says, then a
 * pattern (long frames from short inputs). */
static void fill(uint8_t *f, uint32_t n)
{
	uint32_t take = u8();
	for (uint32_t i = 0; i < n; i++)
		f[i] = i < take ? u8() : (uint8_t)(i * 7);
}

/* One frame: a header with the input's fields, then frame bytes (raw, or
 * an IPv4 or ARP frame to eth1 with the input's payload), over the next
 * buffers; used entries with the true ids and lengths, or the input's. */
static uint32_t build_frame(uint8_t *f, uint32_t cap)
{
	uint8_t mode = u8();
	uint32_t len = u16() % cap;
	if (mode % 4 == 0) { /* raw */
		fill(f, len);
		return len;
	}
	if (len < 42)
		len = 42;
	memcpy(f, mode & 4 ? (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } : eth1_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	if (mode % 4 == 1) { /* ARP for 10.0.3.15 */
		static const uint8_t arp[] = { 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1 };
		memcpy(f + 12, arp, sizeof(arp));
		f[21] = mode & 8 ? 2 : 1;
		memcpy(f + 22, peer_mac, 6);
		memcpy(f + 28, (const uint8_t[4]){ 10, 0, 3, 2 }, 4);
		memcpy(f + 32, eth1_mac, 6);
		memcpy(f + 38, (const uint8_t[4]){ 10, 0, 3, 15 }, 4);
		return 42;
	}
	/* IPv4 from 10.0.3.2: the input's protocol, fragment field and payload */
	uint8_t *ip = f + 14;
	f[12] = 0x08, f[13] = 0x00;
	uint16_t tot = (uint16_t)(len - 14);
	static const uint8_t protos[4] = { 6, 1, 17, 6 };
	uint8_t h[20] = { 0x45, 0, (uint8_t)(tot >> 8), (uint8_t)tot, 0, 0, 0, 0, 64, protos[mode >> 4 & 3] };
	h[4] = u8();
	h[5] = u8();
	if (mode & 8) { /* a fragment */
		h[6] = u8() & 0x3f;
		h[7] = u8();
	}
	memcpy(h + 12, (const uint8_t[8]){ 10, 0, 3, 2, 10, 0, 3, 15 }, 8);
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	h[10] = (uint8_t)(~s >> 8), h[11] = (uint8_t)~s;
	memcpy(ip, h, 20);
	fill(f + 34, len - 34);
	if (mode & 0x40 && len >= 34 + 4) { /* TCP or UDP to one of our ports */
		static const uint16_t ports[4] = { 80, 7, 5001, 9 };
		uint16_t p = ports[(mode >> 7) | (mode & 1) << 1];
		ip[22] = (uint8_t)(p >> 8), ip[23] = (uint8_t)p;
	}
	return len;
}

static void dev_rx_frame(void)
{
	static uint8_t bytes[VNET_MRG_MAX * 2 * BUF_DATA];
	struct virtio_net_hdr_mrg_rxbuf h;
	h.hdr.flags = u8();
	h.hdr.gso_type = u8();
	h.hdr.hdr_len = u16();
	h.hdr.gso_size = u16();
	h.hdr.csum_start = u16();
	h.hdr.csum_offset = u16();
	uint8_t nb = u8();
	uint32_t len = HDR + build_frame(bytes + HDR, sizeof(bytes) - HDR);
	int want = (int)((len + BUF_DATA - 1) / BUF_DATA);
	h.num_buffers = nb & 0x80 ? u16() : (uint16_t)want;
	memcpy(bytes, &h, HDR);
	uint16_t heads[2 * VNET_MRG_MAX];
	int n = dev_take(want < 2 * VNET_MRG_MAX ? want : 2 * VNET_MRG_MAX, heads);
	uint32_t off = 0;
	for (int i = 0; i < n; i++) {
		uint8_t *d = (uint8_t *)rx_buffer(heads[i]) + NETDEV_RX_HEADROOM;
		uint32_t chunk = len - off < BUF_DATA ? len - off : BUF_DATA;
		memcpy(d, bytes + off, chunk);
		off += chunk;
		uint8_t m = nb & 0x40 ? u8() : 0; /* lie about this entry */
		uint16_t id = heads[i];
		if (m & 1)
			id = u16();
		else if (m & 2 && ntaken)
			id = taken[u8() % ntaken]; /* one taken before, maybe returned already */
		dev_used(id, m & 4 ? u32() : chunk);
		if (!(m & 2)) { /* returned: no longer taken */
			for (int k = 0; k < ntaken; k++)
				if (taken[k] == heads[i]) {
					taken[k] = taken[--ntaken];
					break;
				}
		}
	}
}

/* Reads what a TX chain points to, as the device would: a pbuf freed
 * while the driver still has it in flight shows up here. */
static void tx_read(uint16_t head)
{
	static uint8_t scratch[65536];
	const struct vring_desc *d = &tvr.desc[head];
	const struct vring_desc *table = tvr.desc;
	int n = 1, i = 0;
	if (d->flags & VRING_DESC_F_INDIRECT) {
		if (d->len % sizeof(*d) || !d->len || d->len > (1 + NETDEV_TX_MAXFRAGS) * sizeof(*d))
			FAIL("indirect table of %u bytes", d->len);
		table = (const struct vring_desc *)(uintptr_t)d->addr;
		n = (int)(d->len / sizeof(*d));
	} else {
		n = (int)tvr.num;
		i = head;
	}
	size_t total = 0;
	for (int k = 0; k < n; k++) {
		const struct vring_desc *e = &table[i];
		if (e->flags & VRING_DESC_F_WRITE)
			FAIL("a device-writable TX descriptor");
		if (e->len > sizeof(scratch) - total)
			FAIL("a TX chain over 64 KiB");
		memcpy(scratch + total, (const void *)(uintptr_t)e->addr, e->len);
		total += e->len;
		if (!(e->flags & VRING_DESC_F_NEXT))
			return;
		i = e->next;
		if (i >= (d->flags & VRING_DESC_F_INDIRECT ? n : (int)tvr.num))
			FAIL("TX chain link %d out of range", i);
	}
	FAIL("a TX chain that does not end");
}

/* Publishes the TX used entries written, with the interrupt the driver
 * asked for (virtio_net.c's tx_irq) unless it is lost. */
static void dev_tx_publish(int lost)
{
	uint16_t old = tvr.used->idx;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	tvr.used->idx = t_used;
	int irq = vn.txq.event_idx ? vring_need_event(vring_used_event(&tvr), t_used, old)
				   : !(tvr.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	if (irq && !lost && old != t_used) {
		vq_disable_cb(&vn.txq);
		napi_schedule(&vn.dev.napi);
	}
}

/* Takes the transmissions made available, completing n of them (all when
 * draining) with their ids or the input's. */
static void dev_tx_complete(int n, int lie, int lost)
{
	while (n-- > 0 && t_avail != tvr.avail->idx) {
		uint16_t h = tvr.avail->ring[t_avail++ % tvr.num];
		if (h >= tvr.num)
			FAIL("TX avail entry names descriptor %u of %u", h, tvr.num);
		if (vn.txq.cookie[h]) /* not taken back on an earlier lie */
			tx_read(h);
		uint8_t m = lie ? u8() : 0;
		tvr.used->ring[t_used % tvr.num] = (struct vring_used_elem){ m & 1 ? u16() : h, m & 2 ? u32() : 0 };
		t_used++;
	}
	dev_tx_publish(lost);
}

/* ---- the stack's view of the ops ------------------------------------------------------ */

static void dev_tx_finish(void);

static int fz_poll(struct netdev *dev, int budget)
{
	if (draining)
		dev_tx_finish();
	int n = vnet_poll(dev, budget);
	if (n < 0 || n > budget)
		FAIL("poll(%d) returned %d", budget, n);
	sync_known();
	census();
	return n;
}

/* Draining: also every chain the device took on an earlier lie and
 * never returned (the driver still has it in flight). */
static void dev_tx_finish(void)
{
	dev_tx_complete(1 << 16, 0, 0);
	for (uint16_t h = 0; h < tvr.num; h++)
		if (vn.txq.cookie[h])
			tvr.used->ring[t_used++ % tvr.num] = (struct vring_used_elem){ h, 0 };
	dev_tx_publish(0);
}

static void fz_tx_reclaim(struct netdev *dev)
{
	if (draining)
		dev_tx_finish();
	vnet_tx_reclaim_op(dev);
}

static const struct netdev_ops fz_ops = {
	.xmit = vnet_xmit,
	.kick = vnet_kick,
	.poll = fz_poll,
	.tx_reclaim = fz_tx_reclaim,
	.rx_pending = vnet_rx_pending,
	.rx_release = fz_rx_release,
};

/* ---- one input ------------------------------------------------------------------------- */

static void eth1_register(void)
{
	vn.dev.ops = &fz_ops;
	vn.dev.priv = &vn;
	vn.dev.mtu = 1500;
	vn.dev.max_mtu = 9000;
	memcpy(vn.dev.mac, eth1_mac, 6);
	vn.dev.features = NETDEV_F_SG | NETDEV_F_RXCSUM | NETDEV_F_TXCSUM;
	vn.dev.napi.weight = 64;
	if (netdev_register(&vn.dev))
		abort();
	netdev_link_change(&vn.dev, 1);
	if (glue_cmd("ip addr add 10.0.3.15/24 dev eth1") || glue_cmd("ip link set eth1 up"))
		abort();
}

static void driver_up(uint8_t cfg)
{
	uint16_t size = (uint16_t)(4 << (cfg >> 4) % 5);
	vn.vd.features = (1ULL << VIRTIO_F_VERSION_1) | (cfg & 1 ? 1ULL << VIRTIO_NET_F_MRG_RXBUF : 0) |
			 (cfg & 2 ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0) |
			 (cfg & 4 ? 1ULL << VIRTIO_RING_F_INDIRECT_DESC : 0) |
			 (cfg & 8 ? 1ULL << VIRTIO_NET_F_GUEST_CSUM : 0) |
			 /* GUEST_TSO4 as the driver takes it: with both of those */
			 ((cfg & 9) == 9 ? 1ULL << VIRTIO_NET_F_GUEST_TSO4 : 0);
	vn.hdr_len = HDR;
	rx_mem = aligned_alloc(4096, vq_ring_bytes(size));
	tx_mem = aligned_alloc(4096, vq_ring_bytes(size));
	vq_init(&vn.rxq, size, rx_mem, rx_cookie, cfg & 2);
	vq_init(&vn.txq, size, tx_mem, tx_cookie, cfg & 2);
	vring_init(&rvr, size, rx_mem, 4);
	vring_init(&tvr, size, tx_mem, 4);
	r_avail = r_used = r_pub = t_avail = t_used = seen_avail = 0;
	ntaken = nheld = nknown = 0;
	vn.rx_notify = (uintptr_t)&rx_bell;
	vn.tx_notify = (uintptr_t)&tx_bell;
	vn.tx_dirty = vn.tx_wd_armed = 0;
	vn.mrg_n = vn.mrg_want = vn.mrg_skip = 0;
	vn.rx_grow_failed = 0;
	memset(&vn.st, 0, sizeof(vn.st));
	if (vnet_tx_init(&vn) || vnet_rx_init(&vn))
		abort();
	sync_known();
	census();
}

/* The peer's ARP entry, so lwIP answers at once (driver_down clears it). */
static void peer_arp(void)
{
	ip4_addr_t peer;
	IP4_ADDR(&peer, 10, 0, 3, 2);
	struct eth_addr mac;
	memcpy(mac.addr, peer_mac, 6);
	if (etharp_add_static_entry(&peer, &mac) != ERR_OK)
		abort();
}

/* The device turns honest: every transmission completes, connections end,
 * timers run out; then the stack must hold none of our buffers and the
 * driver is taken down (as probe's unwinding does it). */
static void driver_down(void)
{
	draining = 1;
	glue_poll();
	while (tcp_active_pcbs)
		tcp_abort(tcp_active_pcbs);
	while (tcp_tw_pcbs)
		tcp_abort(tcp_tw_pcbs);
	etharp_cleanup_netif(netdev_netif(&vn.dev));
	for (int i = 0; i < 4 * 30; i++) {
		glue_clock_add_ns(250000000ULL);
		glue_poll();
	}
	/* The device answers each kick and interrupts: what the stack still
	 * queues (a ring of 4 takes two frames a round) goes out. */
	struct netdev_state *st = netdev_state(&vn.dev);
	for (int i = 0; i < 2 * NETDEV_TXQUEUELEN && (st->txq_len || vq_num_free(&vn.txq) != vn.txq.size); i++) {
		dev_tx_finish();
		napi_schedule(&vn.dev.napi);
		glue_poll();
	}
	if (nheld || st->rx_len || st->txq_len || vq_num_free(&vn.txq) != vn.txq.size)
		FAIL("at the end the stack holds %d buffers, %d frames in its backlog, %d to send, %d in the ring",
		     nheld, st->rx_len, st->txq_len, vn.txq.size - vq_num_free(&vn.txq));
	census();
	draining = 0;
	/* A frame half assembled goes back to the free stack, then everything. */
	for (int i = 0; vn.mrg_want && i < vn.mrg_n; i++)
		vn.rx_free[vn.rx_nfree++] = vn.mrg[i].buf;
	vn.mrg_n = vn.mrg_want = 0;
	vnet_rx_teardown(&vn);
	vnet_tx_teardown(&vn);
	free(rx_mem);
	free(tx_mem);
	memset(&vn.rxq, 0, sizeof(vn.rxq));
	memset(&vn.txq, 0, sizeof(vn.txq));
}

/* Every used entry the driver consumed in a step gave a buffer back or
 * was counted in bad_used: consumed = (posted - still posted) + bad. */
static struct {
	uint16_t last_used, avail_idx;
	int posted;
	uint64_t bad;
} before;

static void snapshot(void)
{
	before.last_used = vn.rxq.last_used;
	before.avail_idx = vn.rxq.avail_idx;
	before.posted = vn.rx_posted;
	before.bad = vn.rxq.bad_used;
}

static void check_consumed(void)
{
	uint16_t consumed = (uint16_t)(vn.rxq.last_used - before.last_used);
	int posted = (uint16_t)(vn.rxq.avail_idx - before.avail_idx);
	int reaped = posted - (vn.rx_posted - before.posted);
	uint64_t bad = vn.rxq.bad_used - before.bad;
	if (reaped < 0 || consumed != reaped + bad)
		FAIL("%u used entries consumed: %d buffers back, %lu counted bad", consumed, reaped,
		     (unsigned long)bad);
}

/* The input: a configuration byte (driver_up: MRG_RXBUF, EVENT_IDX,
 * INDIRECT_DESC, GUEST_CSUM, with the first and last GUEST_TSO4 too: frames
 * of up to 64 KiB over VNET_MRG_MAX buffers; ring of 4 to 64), then up to MAX_OPS moves,
 * each a byte and its arguments: a frame into the next buffers
 * (dev_rx_frame), a used entry out of nothing, publishing used entries
 * with or without the interrupt, polls, time passing (timers, the TX
 * watchdog), TX completions, a used->idx of the device's choosing, a
 * config change, the loop's look before sleeping, a TX interrupt.  Input
 * that runs out reads as zeros. */
static void step(uint8_t op)
{
	switch (op % 12) {
	case 0: case 1: case 2: dev_rx_frame(); break;
	case 3: dev_used(u16(), u32()); break;
	case 4: dev_publish(); break;
	case 5: case 6: glue_poll(); break;
	case 7: glue_advance(1 + u8() * 10u); break;
	case 8: {
		uint8_t how = u8();
		dev_tx_complete(how % 8, 1, how & 0x80);
		break;
	}
	case 9: { /* used->idx where the device likes */
		uint16_t v = u16();
		r_pub = rvr.used->idx = (uint16_t)(r_pub + (v & 0x8000 ? v : v % (4 * rvr.num)));
		rx_irq();
		break;
	}
	case 10: /* config change: the link */
		link_status = u8() & 1;
		vn.cfg_changed = 1;
		napi_schedule(&vn.dev.napi);
		break;
	default: /* the loop's look before sleeping, or a TX interrupt */
		if (u8() & 1) {
			glue_loop_next_ms();
		} else {
			vq_disable_cb(&vn.txq);
			napi_schedule(&vn.dev.napi);
		}
		break;
	}
}

/* Once: the glue world, eth1 registered and configured (with rings, as
 * the stack may poll it), and what that sent completed. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	glue_boot();
	driver_up(0x23);
	eth1_register();
	driver_down();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data, in_len = size, in_pos = 0;
	glue_random_seed(1);
	driver_up(u8());
	peer_arp();
	link_status = 1;
	vnet_check_link(&vn);
	for (int ops = 0; ops < MAX_OPS && in_pos < in_len; ops++) {
		snapshot();
		step(u8());
		census();
		check_consumed();
	}
	if (getenv("FUZZ_VIRTIO_DEBUG"))
		fprintf(stderr, "rx %lu frames %lu errors, bad_used %lu; tx %lu frames %lu reclaimed, "
				"%lu timeouts, %lu kicks; %d napi polls\n",
			(unsigned long)vn.st.rx_packets, (unsigned long)vn.st.rx_errors,
			(unsigned long)vn.rxq.bad_used, (unsigned long)vn.st.tx_packets,
			(unsigned long)vn.st.tx_reclaimed, (unsigned long)vn.st.tx_timeouts,
			(unsigned long)vn.st.tx_kicks, (int)vn.st.napi_polls);
	driver_down();
	return 0;
}
