/*
 * drivers/virtio_net_rx.c (with virtio_net_tx.c's reclaim) over the real
 * drivers/virtqueue.c.  This file is the device (virtio 1.1 5.1.6.3-4):
 * it takes the buffers the driver posted, writes a virtio_net_hdr_mrg_rxbuf
 * and frame bytes into them, returns them in the used ring and raises the
 * "interrupt" when 2.6.7 says so.  Fakes: the stack (netdev_rx checks each
 * frame against what the device sent and holds its buffers until the test
 * releases them), NAPI (net/core/napi.c is in this binary, so drivers/drivers.mk
 * renames the driver's napi_* calls to vnet_test_napi_*), the page
 * allocator (tests/unit/fakes.c: host pages, can fail), the carrier
 * (fakes.c's netdev_link_change, called by virtio_net.c's link check) and
 * the doorbell (a word we read).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio_net_priv.h"
#include "kernel/pmm.h"
#include "tests/unit/fakes.h"
#include "tests/unit/unit.h"

/* Millions of checks: test first, call Check only on failure. */
#define EXPECT(c) EXPECT_MSG(c, "failed: %s", #c)
#define EXPECT_MSG(c, ...)                         \
	do {                                       \
		if (!(c))                          \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)
#define EXPECT_OP(a, op, b)                                                                 \
	do {                                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);                         \
		EXPECT_MSG(a_ op b_, "failed: %s %s %s (%lld, %lld)", #a, #op, #b, a_, b_); \
	} while (0)

#define HDR 12                                             /* virtio_net_hdr_mrg_rxbuf */
#define BUF_DATA (VNET_RXBUF_SIZE - NETDEV_RX_HEADROOM)    /* bytes the device may write */
#define NSENT 1024                                         /* frames remembered */
#define MAXBUFS (VNET_MRG_MAX + 6)                         /* most buffers the device uses */
#define MAXPAGES 4096
#define VALID VIRTIO_NET_HDR_F_DATA_VALID
#define PARTIAL VIRTIO_NET_HDR_F_NEEDS_CSUM
#define MRG (1ULL << VIRTIO_NET_F_MRG_RXBUF)

void vnet_test_napi_schedule(struct napi *n);
void vnet_test_napi_complete(struct napi *n);

static struct {
	struct virtio_net vn;
	void *rx_mem, *tx_mem;
	void *rx_cookie[VNET_QUEUE_MAX], *tx_cookie[VNET_QUEUE_MAX];
	struct vring vr;         /* the device's own view of the RX rings */
	int event_idx;
	uint16_t last_avail;     /* next avail entry the device takes */
	uint16_t used_idx;       /* next used entry it writes */
	uint16_t published;      /* used->idx as last written */
	uint16_t doorbell;       /* rx_notify points here; 0xffff: not rung */
	uint16_t tx_doorbell;
	int irqs;
} R;

/* What the device sent, by serial (the frame's first 4 bytes). */
static struct sent {
	uint32_t len;
	int n;
	void *buf[MAXBUFS];
	uint8_t flags;
} sent[NSENT];
static uint32_t nsent;
/* Serials the stack must get, in order. */
static uint32_t want[NSENT];
static unsigned want_in, want_out;
/* The stack: the last frame it got, and the buffers it holds. */
static struct netdev_rxfrag last_frag[VNET_MRG_MAX];
static int last_nfrags, frames;
static unsigned last_flags;
static void *held[8192];
static int nheld, held_at_poll;
static int rx_error_calls, tx_done_calls, sched_calls, complete_calls;
static void *last_tx_cookie;
static void (*on_complete)(void);

static uint8_t pat(uint32_t s, uint32_t i)
{
	return (uint8_t)(s * 131u ^ i * 7u ^ i >> 8);
}

/* ---- fakes --------------------------------------------------------------- */

void netdev_rx(struct netdev *dev, const struct netdev_rxfrag *f, int nfrags, unsigned flags)
{
	EXPECT(dev == &R.vn.dev);
	EXPECT_OP(nfrags, >=, 1);
	EXPECT_OP(nfrags, <=, VNET_MRG_MAX);
	EXPECT_OP(f[0].len, >=, 14);
	uint32_t s;
	memcpy(&s, (char *)f[0].buf + f[0].off, 4);
	EXPECT_MSG(want_out != want_in, "frame %u delivered but none expected", s);
	EXPECT_OP(s, ==, want[want_out++ % NSENT]);
	const struct sent *x = &sent[s % NSENT];
	EXPECT_OP(nfrags, ==, x->n);
	uint32_t pos = 0;
	for (int k = 0; k < nfrags; k++) {
		EXPECT(f[k].buf == x->buf[k]);
		uint32_t off = NETDEV_RX_HEADROOM + (k ? 0 : HDR), room = VNET_RXBUF_SIZE - off;
		uint32_t len = x->len - pos < room ? x->len - pos : room;
		EXPECT_OP(f[k].off, ==, off);
		EXPECT_OP(f[k].len, ==, len);
		const uint8_t *b = (const uint8_t *)f[k].buf + off;
		for (uint32_t i = 0; i < len; i++, pos++)
			if (pos >= 4)
				EXPECT_MSG(b[i] == pat(s, pos), "frame %u byte %u", s, pos);
	}
	EXPECT_OP(pos, ==, x->len);
	/* Past half the pool held by the stack when the poll began, the
	 * driver asks it to copy that poll's frames. */
	unsigned low = held_at_poll > R.vn.rx_cap / 2 ||
				(R.vn.rx_grow_failed && R.vn.rx_total - held_at_poll < (int)R.vn.rxq.size)
			? NETDEV_RX_LOWBUF : 0;
	EXPECT_OP(flags, ==, (x->flags & (VALID | PARTIAL) ? NETDEV_RX_CSUM_VALID : 0u) | low);
	memcpy(last_frag, f, sizeof(*f) * nfrags);
	last_nfrags = nfrags;
	last_flags = flags;
	frames++;
	for (int k = 0; k < nfrags; k++) {
		EXPECT_OP(nheld, <, 8192);
		held[nheld++] = f[k].buf;
	}
}

void netdev_rx_error(struct netdev *dev)
{
	EXPECT(dev == &R.vn.dev);
	rx_error_calls++;
}

void netdev_tx_done(struct netdev *dev, void *cookie)
{
	EXPECT(dev == &R.vn.dev);
	tx_done_calls++;
	last_tx_cookie = cookie;
}

void vnet_test_napi_schedule(struct napi *n)
{
	EXPECT(n == &R.vn.dev.napi);
	sched_calls++;
	n->scheduled = 1;
}

void vnet_test_napi_complete(struct napi *n)
{
	EXPECT(n == &R.vn.dev.napi);
	complete_calls++;
	n->scheduled = 0;
	void (*f)(void) = on_complete;
	on_complete = NULL;
	if (f)
		f();
}

/* ---- the buffer census ---------------------------------------------------- */

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

/* Every buffer is in exactly one place: posted in the ring, on the free
 * stack, in a frame the driver is assembling, or held by the stack; and
 * together they are all the driver ever made, each half of a fake page. */
static void census(void)
{
	struct virtio_net *vn = &R.vn;
	static void *all[8192];
	int n = 0, posted = 0;
	for (int i = 0; i < vn->rx_nfree; i++)
		all[n++] = vn->rx_free[i];
	for (int i = 0; i < vn->rxq.size; i++)
		if (vn->rxq.cookie[i]) {
			all[n++] = vn->rxq.cookie[i];
			posted++;
		}
	for (int i = 0; vn->mrg_want && i < vn->mrg_n; i++)
		all[n++] = vn->mrg[i].buf;
	for (int i = 0; i < nheld; i++)
		all[n++] = held[i];
	EXPECT_OP(posted, ==, vn->rx_posted);
	EXPECT_OP(posted, ==, vn->rxq.size - vq_num_free(&vn->rxq)); /* one descriptor each */
	EXPECT_OP(n, ==, vn->rx_total);
	EXPECT_OP(vn->rx_total, <=, vn->rx_cap);
	static void *pg[MAXPAGES];
	int npages = fake_pmm_list(pg, MAXPAGES);
	qsort(pg, npages, sizeof(*pg), cmp_ptr);
	qsort(all, n, sizeof(*all), cmp_ptr);
	for (int i = 0; i < n; i++) {
		EXPECT_MSG(i == 0 || all[i] != all[i - 1], "buffer %p in two places", all[i]);
		uintptr_t p = (uintptr_t)all[i];
		void *page = (void *)(p & ~(uintptr_t)4095);
		EXPECT_OP(p % VNET_RXBUF_SIZE, ==, 0);
		EXPECT_MSG(bsearch(&page, pg, npages, sizeof(*pg), cmp_ptr),
			   "buffer %p is from no page we gave", all[i]);
	}
}

/* ---- the device ---------------------------------------------------------- */

/* Takes the next posted buffer: one device-writable descriptor of BUF_DATA
 * bytes, NETDEV_RX_HEADROOM into a buffer.  NULL if there is none. */
static uint8_t *dev_take(uint16_t *head)
{
	if (R.vr.avail->idx == R.last_avail)
		return NULL;
	uint16_t h = R.vr.avail->ring[R.last_avail++ & (R.vr.num - 1)];
	EXPECT_OP(h, <, R.vr.num);
	const struct vring_desc *d = &R.vr.desc[h];
	EXPECT_OP(d->flags, ==, VRING_DESC_F_WRITE);
	EXPECT_OP(d->len, ==, BUF_DATA);
	EXPECT_OP(d->addr % VNET_RXBUF_SIZE, ==, NETDEV_RX_HEADROOM);
	*head = h;
	return (uint8_t *)(uintptr_t)d->addr;
}

static int dev_avail(void)
{
	return (uint16_t)(R.vr.avail->idx - R.last_avail);
}

static void dev_used(uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &R.vr.used->ring[R.used_idx++ & (R.vr.num - 1)];
	e->id = head;
	e->len = len;
}

/* Spreads `total` bytes over buffers, each filled before the next
 * (5.1.6.4); used entries written, not published.  Returns the count. */
static int dev_send(const uint8_t *bytes, uint32_t total, void **bufs)
{
	int n = 0;
	uint32_t off = 0;
	do {
		uint16_t head;
		uint8_t *d = dev_take(&head);
		EXPECT_MSG(d != NULL, "test bug: the device ran out of buffers");
		uint32_t chunk = total - off < BUF_DATA ? total - off : BUF_DATA;
		memcpy(d, bytes + off, chunk);
		dev_used(head, chunk);
		off += chunk;
		EXPECT_OP(n, <, MAXBUFS);
		bufs[n++] = d - NETDEV_RX_HEADROOM;
	} while (off < total);
	return n;
}

/* The GSO fields frame_x writes into its header (0: none). */
static uint8_t next_gso_type;
static uint16_t next_gso_size;

/* Header with `flags` and num_buffers (< 0: the true count) then `len`
 * frame bytes; the stack must get it iff `expect`.  Returns its serial. */
static uint32_t frame_x(uint32_t len, uint8_t flags, int num_buffers, int expect)
{
	static uint8_t tmp[MAXBUFS * BUF_DATA];
	uint32_t s = nsent++, total = HDR + len;
	EXPECT_OP(total, <=, sizeof(tmp));
	struct sent *x = &sent[s % NSENT];
	struct virtio_net_hdr_mrg_rxbuf h = { .hdr.flags = flags, .hdr.gso_type = next_gso_type,
					      .hdr.gso_size = next_gso_size };
	h.num_buffers = (uint16_t)(num_buffers < 0 ? (total + BUF_DATA - 1) / BUF_DATA : (uint32_t)num_buffers);
	memcpy(tmp, &h, HDR);
	for (uint32_t i = 0; i < len; i++)
		tmp[HDR + i] = pat(s, i);
	memcpy(tmp + HDR, &s, len < 4 ? len : 4);
	x->len = len;
	x->flags = flags;
	x->n = dev_send(tmp, total, x->buf);
	if (expect) {
		EXPECT_OP(want_in - want_out, <, NSENT);
		want[want_in++ % NSENT] = s;
	}
	return s;
}

static uint32_t frame(uint32_t len, uint8_t flags)
{
	return frame_x(len, flags, -1, 1);
}

/* Frame length that fills n buffers: the last holds `last` bytes. */
static uint32_t len_for(int n, uint32_t last)
{
	return (uint32_t)(n - 1) * BUF_DATA + last - HDR;
}

/* Publishes k more used entries (k < 0: all) and raises the interrupt if
 * the driver asked for one (2.6.7.2): rx_irq masks and schedules. */
/* Publishes k used entries (-1: all), and if the driver asked for an
 * interrupt, "delivers" it (lost: owed but never delivered). */
static int dev_publish_irq(int k, int lost)
{
	uint16_t old = R.published, new = k < 0 ? R.used_idx : (uint16_t)(old + k);
	if (old == new)
		return 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	R.vr.used->idx = new;
	R.published = new;
	int irq = R.event_idx ? vring_need_event(vring_used_event(&R.vr), new, old)
			      : !(R.vr.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
	if (irq && !lost) {
		R.irqs++;
		vq_disable_cb(&R.vn.rxq);
		R.vn.dev.napi.scheduled = 1;
	}
	return irq;
}

static int dev_publish(int k)
{
	return dev_publish_irq(k, 0);
}

/* The device wants a notification for the next buffer posted, or none. */
static void dev_ask(int yes)
{
	if (R.event_idx)
		vring_avail_event(&R.vr) = (uint16_t)(R.vr.avail->idx - !yes);
	else
		R.vr.used->flags = yes ? 0 : VRING_USED_F_NO_NOTIFY;
}

static int rung(void)
{
	int r = R.doorbell != 0xffff;
	R.doorbell = 0xffff;
	return r;
}

/* Interrupts on: the driver asks for one at the next used entry. */
static void expect_irq_on(void)
{
	if (R.event_idx)
		EXPECT_OP(vring_used_event(&R.vr), ==, R.vn.rxq.last_used);
	else
		EXPECT_OP(R.vr.avail->flags, ==, 0);
}

/* Interrupts off: the next used entry raises none. */
static void expect_irq_off(void)
{
	if (R.event_idx)
		EXPECT(!vring_need_event(vring_used_event(&R.vr), (uint16_t)(R.published + 1),
					 R.published));
	else
		EXPECT_OP(R.vr.avail->flags, ==, VRING_AVAIL_F_NO_INTERRUPT);
}

/* ---- the rig ------------------------------------------------------------- */

static void rig(uint16_t size, uint64_t features, int event_idx)
{
	static const struct netdev_ops ops = { .poll = vnet_poll, .rx_release = vnet_rx_release };
	struct virtio_net *vn = &R.vn;
	R.rx_mem = aligned_alloc(4096, vq_ring_bytes(size));
	R.tx_mem = aligned_alloc(4096, vq_ring_bytes(size));
	EXPECT(R.rx_mem && R.tx_mem);
	vq_init(&vn->rxq, size, R.rx_mem, R.rx_cookie, event_idx);
	vq_init(&vn->txq, size, R.tx_mem, R.tx_cookie, event_idx);
	vring_init(&R.vr, size, R.rx_mem, 4);
	R.event_idx = event_idx;
	vn->vd.features = features | (1ULL << VIRTIO_F_VERSION_1) |
			  (event_idx ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0);
	vn->rx_notify = (uintptr_t)&R.doorbell;
	vn->tx_notify = (uintptr_t)&R.tx_doorbell;
	vn->hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	vn->dev.ops = &ops;
	vn->dev.priv = vn;
	vn->dev.napi.dev = &vn->dev;
	vn->dev.napi.weight = 64;
	R.doorbell = 0xffff;
	dev_ask(1);
	EXPECT_OP(vnet_rx_init(vn), ==, 0);
	EXPECT_OP(vn->rx_posted, ==, size);
	EXPECT_OP(vn->rx_total, ==, size);
	EXPECT(rung());
	EXPECT_OP(vn->st.refill_notifies, ==, 1);
	census();
}

static void setup(void)
{
	memset(&R, 0, sizeof(R));
	nsent = want_in = want_out = 0;
	nheld = 0;
	fake_pmm_reset();
	fake_netdev_reset();
	frames = last_nfrags = rx_error_calls = tx_done_calls = 0;
	sched_calls = complete_calls = 0;
	on_complete = NULL;
}

static void teardown(void)
{
	fake_pmm_reset();
	free(R.rx_mem);
	free(R.tx_mem);
}

static int poll(int budget)
{
	held_at_poll = nheld;
	int n = vnet_poll(&R.vn.dev, budget);
	EXPECT_OP(vnet_rx_lent(&R.vn), ==, nheld);
	EXPECT_OP(n, >=, 0);
	EXPECT_OP(n, <=, budget);
	census();
	return n;
}

/* The stack lets go of its oldest n buffers (n < 0: all). */
static void stack_release(int n)
{
	int k = n < 0 || n > nheld ? nheld : n;
	for (int i = 0; i < k; i++)
		vnet_rx_release(&R.vn.dev, held[i]);
	memmove(held, held + k, sizeof(*held) * (nheld - k));
	nheld -= k;
	census();
}

static void expect_all_delivered(void)
{
	EXPECT_OP(want_in, ==, want_out);
}

/* ---- reassembly ------------------------------------------------------------ */

START_TEST(mergeable_reassembly)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	int mergeable = 0, n_frames = 0;
	uint64_t bytes = 0;
	for (int n = 1; n <= VNET_MRG_MAX; n++) {
		const uint32_t lasts[] = { BUF_DATA, BUF_DATA - 333, n == 1 ? HDR + 14 : 1 };
		for (int v = 0; v < 3; v++) {
			uint32_t len = len_for(n, lasts[v]);
			if (len > VNET_FRAME_MAX)
				len = VNET_FRAME_MAX; /* the longest frame: 64 KiB of IPv4 */
			frame(len, 0);
			EXPECT_OP(sent[(nsent - 1) % NSENT].n, ==, n);
			EXPECT(dev_publish(-1));
			EXPECT_OP(poll(64), ==, 1);
			EXPECT_OP(last_nfrags, ==, n);
			mergeable += n > 1;
			n_frames++;
			bytes += len;
			stack_release(-1);
		}
	}
	/* A batch of sizes from 1 to VNET_MRG_MAX buffers, in one poll (fewer
	 * buffers than the half ring the driver keeps posted at least). */
	const int sizes[] = { 1, 2, 3, 5, 8, 9, 17, VNET_MRG_MAX, 1, 4, 7, 8 };
	for (int k = 0; k < 12; k++) {
		int n = sizes[k];
		uint32_t len = len_for(n, 100 + k);
		if (len > VNET_FRAME_MAX)
			len = VNET_FRAME_MAX;
		frame(len, 0);
		mergeable += n > 1;
		n_frames++;
		bytes += len;
	}
	dev_publish(-1);
	EXPECT_OP(poll(64), ==, 12);
	expect_all_delivered();
	stack_release(-1);
	EXPECT_OP(R.vn.st.rx_packets, ==, n_frames);
	EXPECT_OP(R.vn.st.rx_bytes, ==, bytes);
	EXPECT_OP(R.vn.st.rx_mergeable, ==, mergeable);
	EXPECT_OP(R.vn.st.rx_errors + rx_error_calls, ==, 0);
}
END_TEST

/* Without MRG_RXBUF every buffer is a frame, whatever num_buffers says. */
START_TEST(no_mrg_ignores_num_buffers)
{
	rig(VNET_QUEUE_MAX, 0, _i);
	const int nb[] = { 0, 1, 2, 8, 9, 0xffff };
	for (int k = 0; k < 6; k++)
		frame_x(k == 5 ? BUF_DATA - HDR : 60 + 100 * k, 0, nb[k], 1);
	dev_publish(-1);
	EXPECT_OP(poll(64), ==, 6);
	EXPECT_OP(last_nfrags, ==, 1);
	EXPECT_OP(last_frag[0].len, ==, BUF_DATA - HDR);
	expect_all_delivered();
	EXPECT_OP(R.vn.st.rx_mergeable + R.vn.st.rx_errors, ==, 0);
}
END_TEST

/* The device publishes a frame's first buffers, then the rest. */
START_TEST(frame_split_across_polls)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	frame(len_for(5, 700), 0);
	EXPECT(dev_publish(2));
	EXPECT_OP(poll(64), ==, 0);
	EXPECT_OP(frames, ==, 0);
	EXPECT_OP(R.vn.mrg_n, ==, 2);
	EXPECT_OP(complete_calls, ==, 1);
	expect_irq_on();
	EXPECT(dev_publish(1)); /* one more, still not whole */
	EXPECT_OP(poll(64), ==, 0);
	EXPECT_OP(R.vn.mrg_n, ==, 3);
	EXPECT(dev_publish(-1));
	EXPECT_OP(poll(64), ==, 1);
	EXPECT_OP(last_nfrags, ==, 5);
	stack_release(-1);
	/* The budget ends a poll between frames: the next frame's buffers
	 * stay in the ring, untouched, and come whole next time. */
	for (int k = 0; k < 4; k++)
		frame(len_for(3, 10 + k), 0);
	dev_publish(-1);
	complete_calls = 0;
	for (int k = 0; k < 3; k++) {
		EXPECT_OP(poll(1), ==, 1);
		EXPECT_OP(frames, ==, 2 + k);
		EXPECT_OP(R.vn.mrg_n, ==, 0);
		EXPECT_OP((uint16_t)(R.published - R.vn.rxq.last_used), ==, 3 * (3 - k));
	}
	EXPECT_OP(complete_calls, ==, 0);
	EXPECT_OP(poll(2), ==, 1);
	EXPECT_OP(complete_calls, ==, 1);
	expect_all_delivered();
}
END_TEST

/* ---- bad frames ------------------------------------------------------------ */

/* Each bad frame is dropped and counted, its buffers go back to the free
 * stack (census), and the good frame after it arrives intact. */
START_TEST(bad_frames_dropped)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	int bad = 0;
	uint8_t raw[BUF_DATA];
	void *bufs[MAXBUFS];
	memset(raw, 0, sizeof(raw));
	for (int t = 0; t < 6; t++) {
		int nfree = R.vn.rx_nfree;
		switch (t) {
		case 0: frame_x(13, 0, -1, 0); break;           /* runt: 12 + 13 bytes */
		case 1: frame_x(0, 0, -1, 0); break;            /* a header alone */
		case 2: dev_send(raw, 5, bufs); break;          /* not even a header */
		case 3: frame_x(100, 0, 0, 0); break;           /* num_buffers 0 */
		case 4: frame_x(len_for(2, 20), 0, 0, 0);       /* 0 with two buffers used: */
			break;                                  /*   the 2nd reads as a runt */
		case 5: { /* more buffers than we take, and the 2nd looks like a frame */
			uint32_t s = frame_x(len_for(VNET_MRG_MAX + 1, 40), 0, -1, 0);
			uint8_t *b1 = (uint8_t *)sent[s % NSENT].buf[1] + NETDEV_RX_HEADROOM;
			struct virtio_net_hdr_mrg_rxbuf h = { .num_buffers = 1 };
			memcpy(b1, &h, HDR);
			memcpy(b1 + HDR, &s, 4); /* a frame no one sent */
			break;
		}
		}
		bad += t != 4 ? 1 : 2;
		frame(200 + t, 0);
		dev_publish(-1);
		EXPECT_OP(poll(64), ==, 1);
		EXPECT_OP(R.vn.st.rx_errors, ==, bad);
		EXPECT_OP(rx_error_calls, ==, bad);
		EXPECT_OP(R.vn.rx_nfree, ==, nfree + (t == 4 ? 2 : t == 5 ? VNET_MRG_MAX + 1 : 1));
		stack_release(-1);
	}
	expect_all_delivered();
	EXPECT_OP(R.vn.st.rx_packets, ==, 6);
}
END_TEST

/* A used length past the buffer: vq_get() clamps it to the descriptor's
 * length, so no fragment reaches past its buffer, and the frame is what
 * fits.  (So rx_one()'s own "len > VNET_RXBUF_SIZE - NETDEV_RX_HEADROOM"
 * drop never fires: the clamped length cannot exceed it.) */
START_TEST(oversize_used_len_clamped)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	frame(BUF_DATA - HDR, 0);
	R.vr.used->ring[(R.used_idx - 1) & (R.vr.num - 1)].len = 60000;
	dev_publish(-1);
	EXPECT_OP(poll(64), ==, 1);
	EXPECT_OP(last_frag[0].off + last_frag[0].len, ==, VNET_RXBUF_SIZE);
	expect_all_delivered();
}
END_TEST

START_TEST(checksum_flags)
{
	rig(VNET_QUEUE_MAX, MRG | (1ULL << VIRTIO_NET_F_GUEST_CSUM), _i);
	const uint8_t fl[] = { 0, VALID, PARTIAL, VALID | PARTIAL };
	for (int k = 0; k < 8; k++) {
		frame(k < 4 ? 300 : len_for(3, 5), fl[k % 4]);
		dev_publish(-1);
		EXPECT_OP(poll(64), ==, 1); /* netdev_rx checks the flag */
		EXPECT_OP(last_flags, ==, k % 4 ? NETDEV_RX_CSUM_VALID : 0u);
	}
	EXPECT_OP(R.vn.st.rx_csum_none, ==, 2);
	EXPECT_OP(R.vn.st.rx_csum_valid, ==, 4);
	EXPECT_OP(R.vn.st.rx_csum_partial, ==, 2);
}
END_TEST

/* GUEST_TSO4 (virtio 1.1 5.1.6.4): a merged frame of 64 KiB of IP over
 * VNET_MRG_MAX buffers arrives whole; a gso_type we did not agree to (TCPV4
 * without GUEST_TSO4, ECN without GUEST_ECN, UDP, TCPV6), a gso_size of 0,
 * or a frame longer than 64 KiB of IP is dropped and counted, and its
 * buffers come back. */
START_TEST(gso_frames)
{
	uint64_t tso = _i ? 1ULL << VIRTIO_NET_F_GUEST_TSO4 : 0;
	rig(VNET_QUEUE_MAX, MRG | (1ULL << VIRTIO_NET_F_GUEST_CSUM) | tso, 0);
	const struct {
		uint8_t type;
		uint16_t size;
		uint32_t len;
		int ok;
	} c[] = {
		{ VIRTIO_NET_HDR_GSO_TCPV4, 1448, VNET_FRAME_MAX, !!tso },
		{ VIRTIO_NET_HDR_GSO_TCPV4, 1448, 3000, !!tso },
		{ VIRTIO_NET_HDR_GSO_TCPV4, 0, 3000, 0 },
		{ VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN, 1448, 3000, 0 },
		{ VIRTIO_NET_HDR_GSO_UDP, 1448, 3000, 0 },
		{ VIRTIO_NET_HDR_GSO_TCPV6, 1448, 3000, 0 },
		{ VIRTIO_NET_HDR_GSO_TCPV4, 1448, VNET_FRAME_MAX + 1, 0 },
		{ VIRTIO_NET_HDR_GSO_NONE, 0, VNET_FRAME_MAX + 1, 0 },
	};
	uint64_t bad = 0, good = 0;
	for (unsigned k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		int nfree = R.vn.rx_nfree;
		next_gso_type = c[k].type;
		next_gso_size = c[k].size;
		uint32_t s = frame_x(c[k].len, PARTIAL, -1, c[k].ok);
		next_gso_type = 0;
		next_gso_size = 0;
		frame(200, 0); /* and the next frame is whole */
		dev_publish(-1);
		EXPECT_OP(poll(64), ==, 1 + c[k].ok);
		bad += !c[k].ok;
		good += c[k].ok && c[k].type;
		EXPECT_OP(R.vn.st.rx_gso_errors, ==, bad);
		EXPECT_OP(R.vn.st.rx_gso, ==, good);
		if (c[k].ok)
			EXPECT_OP(last_nfrags, ==, 1); /* the 200-byte one came last */
		else
			EXPECT_OP(R.vn.rx_nfree, >=, nfree + sent[s % NSENT].n);
		stack_release(-1);
	}
	expect_all_delivered();
	census();
}
END_TEST

/* ---- NAPI ------------------------------------------------------------------ */

START_TEST(napi_budget_and_complete)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	const int budgets[] = { 64, 1, 7, 64, 300 };
	for (int b = 0; b < 5; b++) {
		int pending = 100;
		for (int k = 0; k < pending; k++)
			frame(60 + k, 0);
		EXPECT(dev_publish(-1));
		expect_irq_off();
		while (pending) {
			complete_calls = sched_calls = 0;
			int want_n = pending < budgets[b] ? pending : budgets[b];
			EXPECT_OP(poll(budgets[b]), ==, want_n);
			stack_release(-1);
			pending -= want_n;
			if (want_n == budgets[b]) { /* full budget: stays scheduled */
				EXPECT_OP(complete_calls, ==, 0);
				EXPECT(R.vn.dev.napi.scheduled);
				expect_irq_off();
			} else {
				EXPECT_OP(complete_calls, ==, 1);
				EXPECT(!R.vn.dev.napi.scheduled);
				expect_irq_on();
			}
			EXPECT_OP(sched_calls, ==, 0);
		}
		if (R.vn.dev.napi.scheduled) /* the budget divided the frames */
			EXPECT_OP(poll(budgets[b]), ==, 0);
		expect_irq_on();
		expect_all_delivered();
	}
}
END_TEST

static void race_frame(void)
{
	frame(77, 0);
	/* The interrupt is still off: this raises none. */
	EXPECT_OP(dev_publish(-1), ==, 0);
}

/* A frame lands between the last vq_get and the interrupt coming back. */
START_TEST(napi_race)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	frame(100, 0);
	EXPECT(dev_publish(-1));
	on_complete = race_frame;
	EXPECT_OP(poll(64), ==, 1);
	EXPECT_OP(complete_calls, ==, 1);
	EXPECT_OP(sched_calls, ==, 1);
	EXPECT(R.vn.dev.napi.scheduled);
	EXPECT_OP(R.vn.st.napi_repoll, ==, 1);
	expect_irq_off();
	EXPECT_OP(poll(64), ==, 1);
	EXPECT_OP(complete_calls, ==, 2);
	EXPECT_OP(sched_calls, ==, 1);
	expect_irq_on();
	expect_all_delivered();
}
END_TEST

/* The device owed an interrupt for a frame and it never came (under TCG a
 * guest fence is no host fence): the check before sleeping finds it. */
START_TEST(lost_interrupt_found_before_sleep)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	EXPECT_OP(vnet_rx_pending(&R.vn.dev), ==, 0);
	frame(100, 0);
	EXPECT(dev_publish_irq(-1, 1)); /* owed, and lost */
	EXPECT_OP(vnet_rx_pending(&R.vn.dev), ==, 1);
	EXPECT_OP(R.vn.st.rx_missed_irqs, ==, 1);
	EXPECT_OP(poll(64), ==, 1);
	expect_irq_on();
	EXPECT_OP(vnet_rx_pending(&R.vn.dev), ==, 0);
	/* Interrupt off (a poll is scheduled): nothing to rescue. */
	frame(100, 0);
	vq_disable_cb(&R.vn.rxq);
	dev_publish(-1);
	EXPECT_OP(vnet_rx_pending(&R.vn.dev), ==, 0);
	EXPECT_OP(R.vn.st.rx_missed_irqs, ==, 1);
	EXPECT_OP(poll(64), ==, 1);
	expect_all_delivered();
}
END_TEST

START_TEST(poll_reclaims_tx_and_checks_link)
{
	rig(VNET_QUEUE_MAX, MRG, _i);
	int cookie;
	struct vq_buf b = { 0x1000, 60 };
	EXPECT_OP(vq_add(&R.vn.txq, &b, 1, NULL, 0, &cookie), >=, 0);
	vq_kick_prepare(&R.vn.txq);
	struct vring tv;
	vring_init(&tv, R.vn.txq.size, R.tx_mem, 4);
	tv.used->ring[0].id = tv.avail->ring[0];
	tv.used->idx = 1;
	R.vn.cfg_changed = 1;
	EXPECT_OP(poll(64), ==, 0);
	EXPECT_OP(tx_done_calls, ==, 1);
	EXPECT(last_tx_cookie == &cookie);
	EXPECT_OP(fake_link_changes, ==, 1); /* no STATUS feature: the link is up */
	EXPECT(R.vn.dev.link_up);
	EXPECT_OP(poll(64), ==, 0);
	EXPECT_OP(fake_link_changes + tx_done_calls, ==, 2);
}
END_TEST

/* ---- the TX watchdog ----------------------------------------------------------- */

static struct vring tvr;          /* the device's view of the TX rings */
static uint16_t tx_avail, tx_used; /* next avail entry it takes, next used entry it writes */
static int tx_frames;

static int tx_rung(void)
{
	int r = R.tx_doorbell != 0xffff;
	R.tx_doorbell = 0xffff;
	return r;
}

/* The stack gives the driver n frames (no kick). */
static void tx_give(int n)
{
	static uint8_t frame[60];
	for (int i = 0; i < n; i++) {
		struct netdev_txreq req = { .nfrags = 1, .len = sizeof(frame), .cookie = &tx_frames };
		req.frag[0].data = frame;
		req.frag[0].len = sizeof(frame);
		EXPECT_OP(vnet_xmit(&R.vn.dev, &req), ==, 0);
		tx_frames++;
	}
}

/* The stack sends n frames and kicks; whether that rang is forgotten. */
static void tx_send(int n)
{
	tx_give(n);
	vnet_kick(&R.vn.dev);
	tx_rung();
}

/* The device completes up to n of the frames made available to it. */
static void tx_complete(int n)
{
	while (n-- && tvr.avail->idx != tx_avail) {
		uint16_t head = tvr.avail->ring[tx_avail++ % tvr.num];
		tvr.used->ring[tx_used++ % tvr.num] = (struct vring_used_elem){ head, 0 };
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	tvr.used->idx = tx_used;
}

/* A timer wakeup: the stack calls tx_reclaim (net/core/netdev.c, net_poll). */
static void wakeup(void)
{
	R.vn.dev.ops->tx_reclaim(&R.vn.dev);
}

/* Linux's dev_watchdog for a lost TX notification (under TCG a guest fence
 * is no host fence): frames in flight and the used index where it was at
 * the previous timer wakeup make the driver notify the device again; one
 * wakeup is not enough, and nothing happens with nothing in flight or
 * while the device makes progress; frames given without a kick are
 * published then too. */
START_TEST(tx_watchdog)
{
	static const struct netdev_ops ops = { .poll = vnet_poll, .rx_release = vnet_rx_release,
					       .xmit = vnet_xmit, .kick = vnet_kick,
					       .tx_reclaim = vnet_tx_reclaim_op };
	rig(VNET_QUEUE_MAX, MRG | (1ULL << VIRTIO_RING_F_INDIRECT_DESC), _i);
	R.vn.dev.ops = &ops;
	EXPECT_OP(vnet_tx_init(&R.vn), ==, 0);
	vring_init(&tvr, R.vn.txq.size, R.tx_mem, 4);
	tx_avail = tx_used = 0;
	tx_frames = 0;
	R.tx_doorbell = 0xffff;
	for (int k = 0; k < 5; k++) /* nothing in flight */
		wakeup();
	EXPECT(!tx_rung());
	for (int k = 0; k < 5; k++) { /* the device keeps up */
		tx_send(2);
		tx_complete(2);
		wakeup();
	}
	EXPECT(!tx_rung());
	tx_send(4); /* in flight, and the device moves a little each interval */
	for (int k = 0; k < 4; k++) {
		wakeup();
		tx_complete(1);
	}
	wakeup();
	EXPECT(!tx_rung());
	/* It stops with frames in flight: the first wakeup only notes it. */
	tx_send(3);
	wakeup();
	EXPECT(!tx_rung());
	wakeup();
	EXPECT(tx_rung());
	EXPECT_OP(R.vn.st.tx_timeouts, ==, 1);
	wakeup(); /* still stuck: again, once per wakeup */
	EXPECT(tx_rung());
	EXPECT_OP(R.vn.st.tx_timeouts, ==, 2);
	tx_complete(100); /* it resumes and finishes */
	wakeup();
	wakeup();
	EXPECT(!tx_rung());
	EXPECT_OP(R.vn.st.tx_timeouts, ==, 2);
	/* Frames given without a kick (a stack that forgot it): the device
	 * cannot see them until the watchdog publishes them as it rings. */
	tx_give(2);
	wakeup();
	EXPECT(!tx_rung());
	EXPECT_OP(tvr.avail->idx, ==, tx_avail);
	wakeup();
	EXPECT(tx_rung());
	EXPECT_OP(tvr.avail->idx, ==, (uint16_t)(tx_avail + 2));
	EXPECT_OP(R.vn.st.tx_timeouts, ==, 3);
	tx_complete(100);
	wakeup();
	wakeup();
	EXPECT(!tx_rung());
	EXPECT_OP(tx_done_calls, ==, tx_frames);
	vnet_tx_teardown(&R.vn);
}
END_TEST

/* ---- refill ---------------------------------------------------------------- */

/* No refill while at least half the ring is posted; below that, one batch
 * back to full with one notify if the device asked, none if not. */
START_TEST(refill_half_ring_one_notify)
{
	const uint16_t size = VNET_QUEUE_MAX, half = VNET_QUEUE_MAX / 2;
	rig(size, MRG, _i);
	for (int round = 0; round < 4; round++) {
		int ask = round % 2 == 0;
		uint64_t notifies = R.vn.st.refill_notifies;
		dev_ask(ask);
		for (int k = 1; k <= half + 1; k++) {
			uint16_t avail = R.vr.avail->idx;
			frame(60, 0);
			dev_publish(-1);
			EXPECT_OP(poll(64), ==, 1);
			stack_release(-1);
			if (k <= half) { /* size - k >= half posted: left alone */
				EXPECT_OP(R.vr.avail->idx, ==, avail);
				EXPECT_OP(R.vn.rx_posted, ==, size - k);
				EXPECT(!rung());
			} else {
				EXPECT_OP(R.vr.avail->idx, ==, (uint16_t)(avail + half + 1));
				EXPECT_OP(R.vn.rx_posted, ==, size);
				EXPECT_OP(rung(), ==, ask);
				EXPECT_OP(R.vn.st.refill_notifies - notifies, ==, ask);
			}
		}
		EXPECT_OP(sched_calls, ==, 0); /* released with the ring at least half full */
	}
	/* 200 frames at once: polls of 64, 64, 64, 8; the third leaves 64
	 * posted and refills. */
	dev_ask(1);
	uint64_t notifies = R.vn.st.refill_notifies, kicks = R.vn.rxq.notifies;
	for (int k = 0; k < 200; k++)
		frame(60, 0);
	dev_publish(-1);
	const int got[] = { 64, 64, 64, 8 };
	for (int p = 0; p < 4; p++) {
		uint16_t avail = R.vr.avail->idx;
		EXPECT_OP(poll(64), ==, got[p]);
		stack_release(-1);
		EXPECT_OP(R.vr.avail->idx != avail, ==, p == 2);
		EXPECT_OP(rung(), ==, p == 2);
	}
	EXPECT_OP(R.vn.st.refill_notifies - notifies, ==, 1);
	EXPECT_OP(R.vn.rxq.notifies - kicks, ==, 1);
	expect_all_delivered();
}
END_TEST

/* The stack holds everything and pages run out: counted, the poll
 * returns, and released buffers refill the ring later. */
START_TEST(refill_failure_retried)
{
	const uint16_t size = 16;
	rig(size, MRG, _i);
	fake_pmm_fail = 1;
	for (int k = 0; k < size; k++) {
		frame(60, 0);
		dev_publish(-1);
		uint64_t failures = R.vn.st.refill_failures;
		EXPECT_OP(poll(64), ==, 1);
		EXPECT_OP(R.vn.st.refill_failures - failures, ==, R.vn.rx_posted < size / 2);
	}
	EXPECT_OP(R.vn.rx_posted, ==, 0);
	EXPECT_OP(dev_avail(), ==, 0);
	dev_ask(1); /* out of buffers: the device waits for a notification */
	for (int k = 0; k < 3; k++) /* nothing to do, nothing to post: still returns */
		EXPECT_OP(poll(64), ==, 0);
	EXPECT(!rung());
	sched_calls = 0;
	stack_release(1); /* an empty ring gets no interrupt: release asks for a poll */
	EXPECT_OP(sched_calls, ==, 1);
	EXPECT_OP(poll(64), ==, 0);
	EXPECT_OP(R.vn.rx_posted, ==, 1);
	EXPECT(rung());
	stack_release(-1);
	EXPECT_OP(sched_calls, ==, 1 + size - 1);
	EXPECT_OP(poll(64), ==, 0);
	EXPECT_OP(R.vn.rx_posted, ==, size);

	/* Pages come back: the ring grows the pool up to rx_cap, no further. */
	fake_pmm_fail = 0;
	for (int k = 0; k < 6 * size; k++) {
		while (dev_avail() == 0) {
			EXPECT_OP(R.vn.rx_total, ==, R.vn.rx_cap);
			stack_release(1);
			poll(64);
		}
		frame(60, 0);
		dev_publish(-1);
		EXPECT_OP(poll(64), ==, 1);
	}
	EXPECT_OP(R.vn.rx_total, ==, R.vn.rx_cap);
	EXPECT_OP(R.vn.rx_cap, ==, size * VNET_RXBUF_PER_RING);
	expect_all_delivered();
}
END_TEST

/* ---- soak ------------------------------------------------------------------ */

static uint64_t rng;
static int dev_sleeping, bad_sent;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11) % n;
}

/* The device as QEMU runs it: short of buffers for a frame, it asks for a
 * notification and sleeps until the doorbell; awake, it asks for none. */
static int dev_ready(int need)
{
	if (rung() && dev_sleeping) {
		dev_sleeping = 0;
		dev_ask(0);
	}
	if (dev_sleeping)
		return 0;
	if (dev_avail() >= need)
		return 1;
	dev_ask(1);
	dev_sleeping = 1;
	return 0;
}

static void soak_frame(void)
{
	int mrg = virtio_has(&R.vn.vd, VIRTIO_NET_F_MRG_RXBUF), kind = (int)rnd(40);
	int n = kind == 0 ? 1 : kind == 1 && mrg ? VNET_MRG_MAX + 1 + (int)rnd(2)
						 : 1 + (int)rnd(mrg ? VNET_MRG_MAX : 1);
	if (!dev_ready(n))
		return;
	const uint8_t fl[] = { 0, VALID, PARTIAL, VALID | PARTIAL };
	if (kind == 0) /* runt */
		frame_x(rnd(14), 0, -1, 0);
	else if (n > VNET_MRG_MAX) /* jumbo past VNET_MRG_MAX */
		frame_x(len_for(n, 1 + rnd(BUF_DATA)), 0, -1, 0);
	else {
		uint32_t len = len_for(n, (n == 1 ? HDR + 14 : 1) + rnd(n == 1 ? BUF_DATA - HDR - 13 : BUF_DATA));
		/* past VNET_FRAME_MAX (64 KiB of IPv4) it is dropped */
		frame_x(len, fl[rnd(4)], mrg ? -1 : (int)rnd(65536), len <= VNET_FRAME_MAX);
		bad_sent += len > VNET_FRAME_MAX;
	}
	bad_sent += kind == 0 || n > VNET_MRG_MAX;
}

static void soak_race(void)
{
	soak_frame();
	dev_publish(-1);
}

/* Everything at random, with the device and the stack each free to stall
 * only for as long as the driver lets them: no frame may wait forever. */
START_TEST(soak)
{
	/* A ring holds more than the longest frame's buffers (VNET_MRG_MAX, a
	 * 64 KiB GUEST_TSO4 frame, and the two past it): a device waits for
	 * enough buffers to write a whole frame (QEMU), so a shorter ring could
	 * never take that frame. */
	rig(_i & 2 ? 128 : 32, _i & 2 ? MRG : 0, _i & 1);
	rng = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	dev_sleeping = bad_sent = 0;
	unsigned long steps = 0, progress_at = 0;
	int last_frames = 0;
	while (frames < 20000) {
		switch (rnd(8)) {
		case 0: case 1: case 2:
			soak_frame();
			break;
		case 3:
			dev_publish((int)rnd((uint16_t)(R.used_idx - R.published) + 1));
			break;
		case 4: case 5:
			if (!R.vn.dev.napi.scheduled)
				break;
			if (rnd(8) == 0)
				on_complete = soak_race;
			poll(1 + (int)rnd(64));
			on_complete = NULL;
			break;
		case 6:
			stack_release((int)rnd((uint32_t)nheld + 1));
			break;
		default:
			if (rnd(16) == 0)
				fake_pmm_fail = rnd(3) == 0;
			break;
		}
		steps++;
		if (frames != last_frames) {
			last_frames = frames;
			progress_at = steps;
		}
		EXPECT_MSG(steps - progress_at < 100000, "stalled after %d frames", frames);
	}
	/* Drain: publish all, the stack lets go, poll until quiet. */
	dev_publish(-1);
	for (int k = 0; k < 100 && (R.vn.dev.napi.scheduled || nheld); k++) {
		stack_release(-1);
		if (R.vn.dev.napi.scheduled)
			poll(64);
	}
	EXPECT(!R.vn.dev.napi.scheduled);
	expect_all_delivered();
	EXPECT_OP(R.vn.st.rx_errors, ==, bad_sent);
	EXPECT_OP(R.vn.st.rx_packets, ==, frames);
	EXPECT(R.irqs > 0 && R.vn.st.napi_repoll > 0 && R.vn.st.refill_notifies > 1);
}
END_TEST

Suite *virtio_net_rx_suite(void)
{
	Suite *s = suite_create("virtio_net_rx");
	TCase *tc = tcase_create("rx");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, mergeable_reassembly, 0, 2);
	tcase_add_loop_test(tc, no_mrg_ignores_num_buffers, 0, 2);
	tcase_add_loop_test(tc, frame_split_across_polls, 0, 2);
	tcase_add_loop_test(tc, bad_frames_dropped, 0, 2);
	tcase_add_loop_test(tc, oversize_used_len_clamped, 0, 2);
	tcase_add_loop_test(tc, checksum_flags, 0, 2);
	tcase_add_loop_test(tc, gso_frames, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("napi");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, napi_budget_and_complete, 0, 2);
	tcase_add_loop_test(tc, napi_race, 0, 2);
	tcase_add_loop_test(tc, lost_interrupt_found_before_sleep, 0, 2);
	tcase_add_loop_test(tc, poll_reclaims_tx_and_checks_link, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("tx");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, tx_watchdog, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("refill");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, refill_half_ring_one_notify, 0, 2);
	tcase_add_loop_test(tc, refill_failure_retried, 0, 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("soak");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, soak, 0, 4);
	suite_add_tcase(s, tc);
	return s;
}
