/*
 * drivers/virtqueue.c against a simulated device.  The test is the device
 * (virtio 1.1, 2.6): it finds the rings through <linux/virtio_ring.h>'s own
 * vring_init() rather than the driver's pointers, reads avail->idx and
 * ring, walks descriptor chains, writes used->ring and idx, and applies the
 * notification rules of 2.6.7 and 2.6.10 from the device side.  The long
 * runs cross the 2^16 wrap of every index several times; a lost
 * notification or interrupt shows up there as a stall.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtqueue.h"
#include "tests/unit/unit.h"

/* Check's ck_assert_* write their location out on every call, which
 * millions of checks cannot afford: test first, call Check on failure. */
#define EXPECT(c) EXPECT_MSG(c, "failed: %s", #c)
#define EXPECT_MSG(c, ...)                     \
	do {                                   \
		if (!(c))                      \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)
#define EXPECT_OP(a, op, b)                                                                 \
	do {                                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);                         \
		EXPECT_MSG(a_ op b_, "failed: %s %s %s (%lld, %lld)", #a, #op, #b, a_, b_); \
	} while (0)

#define MAXCH 64 /* longest chain the device takes */
#define TAG(n) ((void *)(uintptr_t)(0x10000u + (n)))
#define NEXT VRING_DESC_F_NEXT
#define WRITE VRING_DESC_F_WRITE

/* ---- the device ------------------------------------------------------ */

struct chain {
	uint16_t head, n;
	uint16_t idx[MAXCH]; /* descriptors in chain order */
};

struct dev {
	struct vring vr;     /* the device's own view of the rings */
	int event_idx;
	uint16_t last_avail; /* next avail entry to take */
	uint16_t used_idx;   /* next used entry to write */
	uint16_t published;  /* used->idx as last written */
	uint8_t *held;       /* descriptor is in a chain the device holds */
};

struct rig {
	struct virtqueue vq;
	void *mem;
	void **cookies;
	struct dev dev;
};

static struct rig *rig_new(uint16_t size, int event_idx)
{
	struct rig *r = calloc(1, sizeof(*r));
	EXPECT((r) != NULL);
	size_t bytes = vq_ring_bytes(size);
	r->mem = aligned_alloc(4096, bytes);
	r->cookies = malloc(sizeof(void *) * size);
	r->dev.held = calloc(size, 1);
	EXPECT(r->mem && r->cookies && r->dev.held);
	memset(r->mem, 0xa5, bytes); /* vq_init must not rely on zeroed memory */
	memset(r->cookies, 0xa5, sizeof(void *) * size);
	vq_init(&r->vq, size, r->mem, r->cookies, event_idx);
	vring_init(&r->dev.vr, size, r->mem, 4);
	r->dev.event_idx = event_idx;
	return r;
}

static void rig_free(struct rig *r)
{
	free(r->mem);
	free(r->cookies);
	free(r->dev.held);
	free(r);
}

/* Takes the next available chain, checking its shape; 0 if none. */
static int dev_pop(struct dev *d, struct chain *c)
{
	uint16_t avail_idx = d->vr.avail->idx;
	if (avail_idx == d->last_avail)
		return 0;
	EXPECT_OP((uint16_t)(avail_idx - d->last_avail), <=, d->vr.num);
	c->head = d->vr.avail->ring[d->last_avail % d->vr.num];
	d->last_avail++;
	EXPECT_OP(c->head, <, d->vr.num);
	c->n = 0;
	int writable = 0;
	for (uint16_t i = c->head;;) {
		EXPECT_MSG(!d->held[i], "descriptor %u is in two chains", i);
		EXPECT_OP(c->n, <, MAXCH);
		d->held[i] = 1;
		c->idx[c->n++] = i;
		uint16_t f = d->vr.desc[i].flags;
		EXPECT_OP(f & ~(NEXT | WRITE), ==, 0);
		if (f & WRITE)
			writable = 1;
		else
			EXPECT_MSG(!writable, "device-readable descriptor after a writable one");
		if (!(f & NEXT))
			return 1;
		i = d->vr.desc[i].next;
		EXPECT_OP(i, <, d->vr.num);
	}
}

static uint32_t dev_writable(const struct dev *d, const struct chain *c)
{
	uint32_t w = 0;
	for (int k = 0; k < c->n; k++)
		if (d->vr.desc[c->idx[k]].flags & WRITE)
			w += d->vr.desc[c->idx[k]].len;
	return w;
}

/* Writes one used entry (not yet visible: dev_flush publishes). */
static void dev_push(struct dev *d, uint32_t id, uint32_t len)
{
	struct vring_used_elem *e = &d->vr.used->ring[d->used_idx % d->vr.num];
	e->id = id;
	e->len = len;
	d->used_idx++;
}

static void dev_complete(struct dev *d, const struct chain *c, uint32_t len)
{
	for (int k = 0; k < c->n; k++)
		d->held[c->idx[k]] = 0;
	dev_push(d, c->head, len);
}

/* Publishes used->idx and returns whether the device interrupts (2.6.7). */
static int dev_flush(struct dev *d)
{
	uint16_t old = d->published, new = d->used_idx;
	if (old == new)
		return 0;
	d->vr.used->idx = new;
	d->published = new;
	if (d->event_idx) {
		EXPECT_OP(d->vr.avail->flags, ==, 0); /* 2.6.7.1 */
		return vring_need_event(vring_used_event(&d->vr), new, old);
	}
	return !(d->vr.avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
}

static void dev_set_avail_event(struct dev *d, uint16_t v)
{
	vring_avail_event(&d->vr) = v;
}

static uint16_t dev_used_event(const struct dev *d)
{
	return vring_used_event(&d->vr);
}

/* Adds, publishes, uses and reaps `n` chains of one buffer. */
static void cycle(struct rig *r, int n)
{
	struct vq_buf b = { 0x1000, 64 };
	uint32_t len;
	struct chain c;
	for (int k = 0; k < n; k++) {
		EXPECT_OP(vq_add(&r->vq, NULL, 0, &b, 1, TAG(k)), >=, 0);
		vq_kick_prepare(&r->vq);
		EXPECT(dev_pop(&r->dev, &c));
		dev_complete(&r->dev, &c, 10);
		dev_flush(&r->dev);
		EXPECT((vq_get(&r->vq, &len)) == (TAG(k)));
		EXPECT_OP(len, ==, 10);
	}
	EXPECT_OP(vq_num_free(&r->vq), ==, r->dev.vr.num);
}

/* Runs cycles until avail->idx (and so used->idx) is `idx`. */
static void advance_to(struct rig *r, uint16_t idx)
{
	cycle(r, (uint16_t)(idx - r->dev.vr.avail->idx));
	EXPECT_OP(r->dev.vr.avail->idx, ==, idx);
	EXPECT_OP(r->dev.vr.used->idx, ==, idx);
}

/* Adds n one-buffer chains tagged base.., publishes them, and the device
 * takes them into c[]. */
static void add_pop(struct rig *r, int n, int base, struct chain *c)
{
	struct vq_buf b = { 0x2000, 100 };
	for (int k = 0; k < n; k++)
		EXPECT_OP(vq_add(&r->vq, NULL, 0, &b, 1, TAG(base + k)), >=, 0);
	vq_kick_prepare(&r->vq);
	for (int k = 0; k < n; k++)
		EXPECT(dev_pop(&r->dev, &c[k]));
}

static void buf_fill(struct vq_buf *b, int n, uint32_t serial, int first)
{
	for (int k = 0; k < n; k++) {
		b[k].addr = ((uint64_t)serial << 20) | ((uint64_t)(first + k) << 8) | 0x40;
		b[k].len = (serial * 7 + (first + k) * 13) % 1500 + 1;
	}
}

/* The descriptors are exactly out[] then in[], flags included. */
static void check_chain(const struct dev *d, const struct chain *c, const struct vq_buf *out,
			int n_out, const struct vq_buf *in, int n_in)
{
	int n = n_out + n_in;
	EXPECT_OP(c->n, ==, n);
	for (int k = 0; k < n; k++) {
		const struct vring_desc *de = &d->vr.desc[c->idx[k]];
		const struct vq_buf *b = k < n_out ? &out[k] : &in[k - n_out];
		EXPECT_OP(de->addr, ==, b->addr);
		EXPECT_OP(de->len, ==, b->len);
		EXPECT_OP(de->flags, ==, (k + 1 < n ? NEXT : 0) | (k >= n_out ? WRITE : 0));
	}
}

/* ---- layout and chains ----------------------------------------------- */

START_TEST(ring_layout)
{
	for (unsigned size = 1; size <= 32768; size *= 2) {
		size_t used = (16 * size + 2 * (3 + size) + 3) & ~(size_t)3;
		size_t end = used + 6 + 8 * size;
		size_t bytes = vq_ring_bytes((uint16_t)size);
		EXPECT_OP(bytes % 4096, ==, 0);
		EXPECT_OP(bytes, ==, (end + 4095) & ~(size_t)4095);
		EXPECT_OP(end, ==, vring_size(size, 4));

		struct rig *r = rig_new((uint16_t)size, 1);
		uintptr_t base = (uintptr_t)r->mem;
		EXPECT_OP(vq_desc_addr(&r->vq), ==, base);
		EXPECT_OP(vq_avail_addr(&r->vq), ==, base + 16 * size);
		EXPECT_OP(vq_used_addr(&r->vq), ==, base + used);
		EXPECT_OP(vq_avail_addr(&r->vq), ==, (uintptr_t)r->dev.vr.avail);
		EXPECT_OP(vq_used_addr(&r->vq), ==, (uintptr_t)r->dev.vr.used);
		EXPECT_OP((uintptr_t)(&vring_avail_event(&r->dev.vr) + 1), <=, base + bytes);
		EXPECT_OP(vq_num_free(&r->vq), ==, size);
		EXPECT(!vq_has_used(&r->vq));
		for (size_t i = 16 * size; i < bytes; i++)
			EXPECT_OP(((uint8_t *)r->mem)[i], ==, 0);
		for (unsigned i = 0; i < size; i++)
			EXPECT((r->cookies[i]) == NULL);
		rig_free(r);
	}
}
END_TEST

/* Every pair of maxima: a power of two, within both and 32768, and the
 * largest such; 0 only when a maximum is 0. */
START_TEST(pick_size)
{
	for (uint32_t dev = 0; dev <= 65535; dev += dev < 1100 ? 1 : 97) {
		for (uint32_t ours = 0; ours <= 65535; ours += ours < 600 ? 7 : 4099) {
			uint32_t lim = dev < ours ? dev : ours, size = vq_pick_size((uint16_t)dev, (uint16_t)ours);
			if (!lim) {
				EXPECT_OP(size, ==, 0);
				continue;
			}
			EXPECT_MSG(size && !(size & (size - 1)) && size <= lim && size <= 32768 &&
					   (2 * size > lim || size == 32768),
				   "vq_pick_size(%u, %u) = %u", dev, ours, size);
		}
	}
	EXPECT_OP(vq_pick_size(300, 256), ==, 256);
	EXPECT_OP(vq_pick_size(300, 1024), ==, 256);
	EXPECT_OP(vq_pick_size(65535, 65535), ==, 32768);
}
END_TEST

START_TEST(chains_exact)
{
	struct rig *r = rig_new(64, 0);
	struct vq_buf out[MAXCH], in[MAXCH];
	struct chain c;
	uint32_t serial = 0, len;
	for (int n_out = 0; n_out <= 5; n_out++) {
		for (int n_in = 0; n_in <= 5; n_in++) {
			if (!n_out && !n_in)
				continue;
			serial++;
			buf_fill(out, n_out, serial, 0);
			buf_fill(in, n_in, serial, n_out);
			int h = vq_add(&r->vq, out, n_out, in, n_in, TAG(serial));
			EXPECT_OP(h, >=, 0);
			EXPECT_OP(h, <, 64);
			EXPECT_OP(vq_num_free(&r->vq), ==, 64 - n_out - n_in);
			EXPECT(!dev_pop(&r->dev, &c)); /* not published before the kick */
			EXPECT_OP(vq_kick_prepare(&r->vq), ==, 1);
			EXPECT(dev_pop(&r->dev, &c));
			EXPECT_OP(c.head, ==, h);
			check_chain(&r->dev, &c, out, n_out, in, n_in);
			uint32_t w = dev_writable(&r->dev, &c);
			EXPECT(!vq_has_used(&r->vq));
			EXPECT((vq_get(&r->vq, &len)) == NULL);
			dev_complete(&r->dev, &c, w ? w - 1 : 0);
			dev_flush(&r->dev);
			EXPECT(vq_has_used(&r->vq));
			EXPECT((vq_get(&r->vq, &len)) == (TAG(serial)));
			EXPECT_OP(len, ==, w ? w - 1 : 0);
			EXPECT(!vq_has_used(&r->vq));
			EXPECT((vq_get(&r->vq, &len)) == NULL);
			EXPECT_OP(vq_num_free(&r->vq), ==, 64);
		}
	}
	/* One chain of the whole ring, then nothing fits. */
	buf_fill(out, 30, 1000, 0);
	buf_fill(in, 34, 1000, 30);
	EXPECT_OP(vq_add(&r->vq, out, 30, in, 34, TAG(1000)), >=, 0);
	EXPECT_OP(vq_num_free(&r->vq), ==, 0);
	EXPECT_OP(vq_add(&r->vq, out, 1, NULL, 0, TAG(1001)), ==, -ENOSPC);
	vq_kick_prepare(&r->vq);
	EXPECT(dev_pop(&r->dev, &c));
	check_chain(&r->dev, &c, out, 30, in, 34);
	dev_complete(&r->dev, &c, 7);
	dev_flush(&r->dev);
	EXPECT((vq_get(&r->vq, NULL)) == (TAG(1000))); /* len may be NULL */
	EXPECT_OP(vq_num_free(&r->vq), ==, 64);
	rig_free(r);
}
END_TEST

START_TEST(out_of_order)
{
	struct rig *r = rig_new(32, 0);
	struct vq_buf out[4], in[4];
	struct chain c[32];
	int heads[10], n_desc = 0;
	uint32_t len;
	for (int j = 0; j < 10; j++) {
		buf_fill(out, j % 3, j, 0);
		buf_fill(in, 1 + j % 2, j, j % 3);
		heads[j] = vq_add(&r->vq, out, j % 3, in, 1 + j % 2, TAG(j));
		EXPECT_OP(heads[j], >=, 0);
		n_desc += j % 3 + 1 + j % 2;
	}
	EXPECT_OP(vq_num_free(&r->vq), ==, 32 - n_desc);
	EXPECT_OP(vq_kick_prepare(&r->vq), ==, 1);
	for (int j = 0; j < 10; j++) {
		EXPECT(dev_pop(&r->dev, &c[j]));
		EXPECT_OP(c[j].head, ==, heads[j]);
		buf_fill(out, j % 3, j, 0);
		buf_fill(in, 1 + j % 2, j, j % 3);
		check_chain(&r->dev, &c[j], out, j % 3, in, 1 + j % 2);
	}
	EXPECT(!dev_pop(&r->dev, &c[10]));
	static const int order[10] = { 7, 2, 9, 0, 5, 3, 8, 1, 6, 4 };
	uint32_t wrote[10];
	for (int j = 0; j < 10; j++)
		wrote[j] = dev_writable(&r->dev, &c[j]) - (uint32_t)j % 2;
	for (int k = 0; k < 4; k++)
		dev_complete(&r->dev, &c[order[k]], wrote[order[k]]);
	dev_flush(&r->dev);
	for (int k = 0; k < 2; k++) {
		EXPECT((vq_get(&r->vq, &len)) == (TAG(order[k])));
		EXPECT_OP(len, ==, wrote[order[k]]);
	}
	for (int k = 4; k < 10; k++)
		dev_complete(&r->dev, &c[order[k]], wrote[order[k]]);
	dev_flush(&r->dev);
	for (int k = 2; k < 10; k++) {
		EXPECT((vq_get(&r->vq, &len)) == (TAG(order[k])));
		EXPECT_OP(len, ==, wrote[order[k]]);
	}
	EXPECT((vq_get(&r->vq, &len)) == NULL);
	EXPECT_OP(vq_num_free(&r->vq), ==, 32);

	/* The free list survived: every descriptor once, then one chain of all. */
	struct vq_buf b = { 0x9000, 1 };
	for (int k = 0; k < 32; k++)
		EXPECT_OP(vq_add(&r->vq, &b, 1, NULL, 0, TAG(k)), >=, 0);
	EXPECT_OP(vq_add(&r->vq, &b, 1, NULL, 0, TAG(32)), ==, -ENOSPC);
	vq_kick_prepare(&r->vq);
	for (int k = 0; k < 32; k++)
		EXPECT(dev_pop(&r->dev, &c[k])); /* dev_pop fails on a descriptor used twice */
	for (int k = 31; k >= 0; k--)
		dev_complete(&r->dev, &c[k], 0);
	dev_flush(&r->dev);
	for (int k = 31; k >= 0; k--)
		EXPECT((vq_get(&r->vq, &len)) == (TAG(k)));
	struct vq_buf all[32];
	buf_fill(all, 32, 77, 0);
	EXPECT_OP(vq_add(&r->vq, all, 16, all + 16, 16, TAG(77)), >=, 0);
	vq_kick_prepare(&r->vq);
	EXPECT(dev_pop(&r->dev, &c[0]));
	check_chain(&r->dev, &c[0], all, 16, all + 16, 16);
	rig_free(r);
}
END_TEST

/* A failed vq_add changes nothing. */
#define ADD_FAILS(r, want, ...)                                               \
	do {                                                                  \
		uint16_t nf_ = vq_num_free(&(r)->vq), ai_ = (r)->vq.avail_idx; \
		EXPECT_OP(vq_add(&(r)->vq, __VA_ARGS__), ==, (want));      \
		EXPECT_OP(vq_num_free(&(r)->vq), ==, nf_);                \
		EXPECT_OP((r)->vq.avail_idx, ==, ai_);                    \
	} while (0)

START_TEST(enospc_einval)
{
	struct rig *r = rig_new(8, 1);
	struct vq_buf b[9];
	struct chain c[8];
	buf_fill(b, 9, 5, 0);
	ADD_FAILS(r, -ENOSPC, b, 9, NULL, 0, TAG(0));
	ADD_FAILS(r, -ENOSPC, b, 5, b, 4, TAG(0));
	ADD_FAILS(r, -EINVAL, b, 0, b, 0, TAG(0));
	ADD_FAILS(r, -EINVAL, b, -1, b, 2, TAG(0));
	ADD_FAILS(r, -EINVAL, b, 1, b, -1, TAG(0));
	ADD_FAILS(r, -EINVAL, NULL, 1, b, 1, TAG(0));
	ADD_FAILS(r, -EINVAL, b, 1, NULL, 1, TAG(0));
	ADD_FAILS(r, -EINVAL, b, 1, NULL, 0, NULL); /* NULL would read as "nothing" */
	struct vq_buf big[2] = { { 0x1000, 0x80000000u }, { 0x2000, 0x80000000u } };
	ADD_FAILS(r, -EINVAL, big, 1, big + 1, 1, TAG(0)); /* 2^32 bytes: 2.6.5.1 */
	EXPECT_OP(r->vq.notifies + r->vq.suppressed, ==, 0);

	big[0].len = 0xffffffffu;
	EXPECT_OP(vq_add(&r->vq, NULL, 0, big, 1, TAG(1)), >=, 0);
	EXPECT_OP(vq_add(&r->vq, b, 4, NULL, 0, TAG(2)), >=, 0);
	ADD_FAILS(r, -ENOSPC, b, 1, b, 3, TAG(0)); /* 4 > 3 free */
	EXPECT_OP(vq_add(&r->vq, b, 1, b, 2, TAG(3)), >=, 0);
	EXPECT_OP(vq_num_free(&r->vq), ==, 0);
	ADD_FAILS(r, -EINVAL, b, 0, b, 0, TAG(0)); /* checked before space */
	EXPECT_OP(vq_add(&r->vq, b, 1, NULL, 0, TAG(0)), ==, -ENOSPC);
	dev_set_avail_event(&r->dev, 0);
	EXPECT_OP(vq_kick_prepare(&r->vq), ==, 1);
	EXPECT_OP(vq_kick_prepare(&r->vq), ==, 0); /* nothing new */
	EXPECT_OP(r->vq.notifies, ==, 1);
	EXPECT_OP(r->vq.suppressed, ==, 0);
	for (int k = 0; k < 3; k++)
		EXPECT(dev_pop(&r->dev, &c[k]));
	EXPECT(!dev_pop(&r->dev, &c[3])); /* failed adds left nothing behind */
	EXPECT_OP(r->dev.vr.desc[c[0].head].len, ==, 0xffffffffu);
	for (int k = 0; k < 3; k++)
		dev_complete(&r->dev, &c[k], 0);
	dev_flush(&r->dev);
	for (int k = 0; k < 3; k++)
		EXPECT((vq_get(&r->vq, NULL)) == (TAG(k + 1)));
	EXPECT_OP(vq_num_free(&r->vq), ==, 8);
	rig_free(r);
}
END_TEST

/* ---- notification suppression ---------------------------------------- */

START_TEST(need_event_table)
{
	static const struct {
		uint16_t event, new, old;
		int want;
	} t[] = {
		{ 0, 1, 0, 1 },           { 1, 1, 0, 0 },         { 65535, 1, 65534, 1 },
		{ 65534, 1, 65534, 1 },   { 0, 1, 65534, 1 },     { 1, 1, 65534, 0 },
		{ 65533, 1, 65534, 0 },   { 65535, 0, 65535, 1 }, { 65535, 65535, 65534, 0 },
		{ 65534, 65535, 65534, 1 }, { 5, 5, 5, 0 },       { 100, 200, 50, 1 },
		{ 49, 200, 50, 0 },       { 200, 200, 50, 0 },    { 199, 200, 50, 1 },
		{ 50, 200, 50, 1 },       { 0, 32768, 0, 1 },     { 32768, 32768, 0, 0 },
		{ 65535, 10, 65530, 1 },  { 10, 10, 65530, 0 },   { 65529, 10, 65530, 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		EXPECT_MSG(vring_need_event(t[i].event, t[i].new, t[i].old) == t[i].want,
			   "event %u new %u old %u: want %d", t[i].event, t[i].new, t[i].old, t[i].want);
	/* The definition: notify iff event is one of old .. new-1. */
	for (int o = -16; o < 16; o++)
		for (int k = 0; k < 20; k++)
			for (int e = -24; e < 40; e++) {
				uint16_t old = (uint16_t)o, ev = (uint16_t)(o + e);
				int want = e >= 0 && e < k;
				EXPECT_OP(vring_need_event(ev, (uint16_t)(old + k), old), ==, want);
			}
}
END_TEST

/* With the device's avail_event at old + off, publishing k chains notifies
 * iff off is in [0, k), across the wrap. */
START_TEST(kick_event_idx)
{
	static const uint16_t bases[] = { 0, 300, 65500 };
	static const int far[] = { -20000, 20000, 32767 };
	for (size_t bi = 0; bi < 3; bi++) {
		struct rig *r = rig_new(16, 1);
		struct chain c[8];
		advance_to(r, bases[bi]);
		uint64_t notifies = r->vq.notifies, suppressed = r->vq.suppressed;
		for (int k = 1; k <= 5; k++) {
			for (int i = 0; i < k + 8; i++) {
				int off = i < k + 5 ? i - 2 : far[i - k - 5];
				uint16_t old = r->dev.vr.avail->idx;
				dev_set_avail_event(&r->dev, (uint16_t)(old + off));
				struct vq_buf b = { 0x4000, 8 };
				for (int j = 0; j < k; j++)
					EXPECT_OP(vq_add(&r->vq, &b, 1, NULL, 0, TAG(j)), >=, 0);
				EXPECT_OP(r->dev.vr.avail->idx, ==, old); /* not before the kick */
				int want = off >= 0 && off < k;
				EXPECT_MSG(vq_kick_prepare(&r->vq) == want, "old %u k %d avail_event %+d",
					   old, k, off);
				notifies += want;
				suppressed += !want;
				EXPECT_OP(r->dev.vr.avail->idx, ==, (uint16_t)(old + k));
				EXPECT_OP(vq_kick_prepare(&r->vq), ==, 0);
				EXPECT_OP(r->vq.notifies, ==, notifies);
				EXPECT_OP(r->vq.suppressed, ==, suppressed);
				for (int j = 0; j < k; j++) {
					EXPECT(dev_pop(&r->dev, &c[j]));
					dev_complete(&r->dev, &c[j], 0);
				}
				dev_flush(&r->dev);
				for (int j = 0; j < k; j++)
					EXPECT((vq_get(&r->vq, NULL)) == (TAG(j)));
			}
		}
		if (bases[bi] == 65500)
			EXPECT_OP(r->dev.vr.avail->idx, <, 65500); /* it wrapped */
		rig_free(r);
	}
}
END_TEST

START_TEST(kick_flags)
{
	struct rig *r = rig_new(8, 0);
	struct chain c;
	struct vq_buf b = { 0x4000, 8 };
	advance_to(r, 65534);
	uint64_t n0 = r->vq.notifies, s0 = r->vq.suppressed;
	for (int i = 0; i < 6; i++) {
		int no_notify = i & 1;
		r->dev.vr.used->flags = no_notify ? VRING_USED_F_NO_NOTIFY : 0;
		dev_set_avail_event(&r->dev, (uint16_t)(r->dev.vr.avail->idx + 5)); /* ignored */
		EXPECT_OP(vq_add(&r->vq, NULL, 0, &b, 1, TAG(i)), >=, 0);
		EXPECT_OP(vq_kick_prepare(&r->vq), ==, !no_notify);
		EXPECT_OP(vq_kick_prepare(&r->vq), ==, 0);
		EXPECT(dev_pop(&r->dev, &c));
		dev_complete(&r->dev, &c, 1);
		dev_flush(&r->dev);
		EXPECT((vq_get(&r->vq, NULL)) == (TAG(i)));
	}
	EXPECT_OP(r->vq.notifies - n0, ==, 3);
	EXPECT_OP(r->vq.suppressed - s0, ==, 3);
	rig_free(r);
}
END_TEST

/* vq_enable_cb asks for the next entry; vq_get keeps asking for the next. */
START_TEST(interrupts_event_idx)
{
	static const uint16_t bases[] = { 0, 65533 };
	for (size_t bi = 0; bi < 2; bi++) {
		struct rig *r = rig_new(16, 1);
		struct dev *d = &r->dev;
		struct chain c[8];
		advance_to(r, bases[bi]);
		uint16_t L = bases[bi];
		add_pop(r, 6, 0, c);
		EXPECT_OP(vq_enable_cb(&r->vq), ==, 0);
		EXPECT_OP(dev_used_event(d), ==, L);
		dev_complete(d, &c[0], 0);
		EXPECT_OP(dev_flush(d), ==, 1);
		dev_complete(d, &c[1], 0);
		EXPECT_OP(dev_flush(d), ==, 0); /* not reaped: no second interrupt */
		dev_complete(d, &c[2], 0);
		EXPECT_OP(dev_flush(d), ==, 0);
		for (int k = 0; k < 3; k++)
			EXPECT((vq_get(&r->vq, NULL)) == (TAG(k)));
		EXPECT_OP(dev_used_event(d), ==, (uint16_t)(L + 3));
		dev_complete(d, &c[3], 0);
		EXPECT_OP(dev_flush(d), ==, 1);
		dev_complete(d, &c[4], 0);
		dev_complete(d, &c[5], 0);
		EXPECT_OP(dev_flush(d), ==, 0);
		EXPECT((vq_get(&r->vq, NULL)) == (TAG(3)));
		EXPECT_OP(dev_used_event(d), ==, (uint16_t)(L + 4));
		EXPECT((vq_get(&r->vq, NULL)) == (TAG(4)));
		EXPECT((vq_get(&r->vq, NULL)) == (TAG(5)));
		EXPECT_OP(dev_used_event(d), ==, (uint16_t)(L + 6));
		EXPECT_OP(d->vr.avail->flags, ==, 0);
		rig_free(r);
	}
}
END_TEST

/* vq_enable_cb_delayed: the interrupt comes at the entry 3/4 of the way
 * through the published chains, and nonzero means it was already passed. */
START_TEST(interrupts_delayed)
{
	static const uint16_t bases[] = { 0, 65530 };
	for (size_t bi = 0; bi < 2; bi++) {
		struct rig *r = rig_new(16, 1);
		struct dev *d = &r->dev;
		advance_to(r, bases[bi]);
		for (int pre = 0; pre <= 7; pre++) { /* entries used before the call */
			for (int P = 1; P <= 8; P++) {
				struct chain c[8];
				struct vq_buf b = { 0x5000, 4 };
				uint16_t L = d->vr.used->idx;
				int bufs = P * 3 / 4;
				add_pop(r, P, 0, c);
				for (int k = 0; k < 4; k++) /* unpublished: not outstanding */
					EXPECT_OP(vq_add(&r->vq, &b, 1, NULL, 0, TAG(100 + k)), >=, 0);
				vq_disable_cb(&r->vq);
				int done = pre < P ? pre : P;
				for (int k = 0; k < done; k++)
					dev_complete(d, &c[k], 0);
				EXPECT_OP(dev_flush(d), ==, 0); /* callbacks are off */
				EXPECT_OP(vq_enable_cb_delayed(&r->vq), ==, done > bufs);
				EXPECT_OP(dev_used_event(d), ==, (uint16_t)(L + bufs));
				for (int k = done; k < P; k++) {
					dev_complete(d, &c[k], 0);
					EXPECT_MSG(dev_flush(d) == (k == bufs), "P %d pre %d entry %d", P,
						   pre, k);
				}
				for (int k = 0; k < P; k++)
					EXPECT((vq_get(&r->vq, NULL)) == (TAG(k)));
				dev_set_avail_event(d, d->vr.avail->idx);
				EXPECT_OP(vq_kick_prepare(&r->vq), ==, 1);
				for (int k = 0; k < 4; k++) {
					EXPECT(dev_pop(d, &c[k]));
					dev_complete(d, &c[k], 0);
				}
				EXPECT_OP(dev_flush(d), ==, 1);
				for (int k = 0; k < 4; k++)
					EXPECT((vq_get(&r->vq, NULL)) == (TAG(100 + k)));
				EXPECT_OP(vq_enable_cb_delayed(&r->vq), ==, 0); /* none outstanding */
				EXPECT_OP(dev_used_event(d), ==, (uint16_t)(L + P + 4));
			}
		}
		if (bases[bi] == 65530)
			EXPECT_OP(d->vr.used->idx, <, 65530); /* it wrapped */
		rig_free(r);
	}
}
END_TEST

START_TEST(interrupts_flags)
{
	struct rig *r = rig_new(8, 0);
	struct dev *d = &r->dev;
	struct chain c[4];
	advance_to(r, 65535);
	add_pop(r, 4, 0, c);
	EXPECT_OP(d->vr.avail->flags, ==, 0);
	dev_complete(d, &c[0], 0);
	EXPECT_OP(dev_flush(d), ==, 1);
	vq_disable_cb(&r->vq);
	EXPECT_OP(d->vr.avail->flags, ==, VRING_AVAIL_F_NO_INTERRUPT);
	dev_complete(d, &c[1], 0);
	EXPECT_OP(dev_flush(d), ==, 0);
	EXPECT((vq_get(&r->vq, NULL)) == (TAG(0)));
	EXPECT((vq_get(&r->vq, NULL)) == (TAG(1)));
	EXPECT_OP(d->vr.avail->flags, ==, VRING_AVAIL_F_NO_INTERRUPT);
	EXPECT_OP(vq_enable_cb(&r->vq), ==, 0);
	EXPECT_OP(d->vr.avail->flags, ==, 0);
	dev_complete(d, &c[2], 0);
	EXPECT_OP(dev_flush(d), ==, 1);
	vq_disable_cb(&r->vq);
	EXPECT_OP(vq_enable_cb_delayed(&r->vq), ==, 1); /* c[2] is waiting */
	EXPECT_OP(d->vr.avail->flags, ==, 0);
	dev_complete(d, &c[3], 0);
	EXPECT_OP(dev_flush(d), ==, 1);
	EXPECT((vq_get(&r->vq, NULL)) == (TAG(2)));
	EXPECT((vq_get(&r->vq, NULL)) == (TAG(3)));
	rig_free(r);
}
END_TEST

/* Disable, the device completes, enable must say "poll again"; with
 * nothing pending it says 0 and the next entry interrupts. */
START_TEST(napi_race)
{
	for (int ev = 0; ev <= 1; ev++) {
		for (int delayed = 0; delayed <= 1; delayed++) {
			struct rig *r = rig_new(8, ev);
			struct dev *d = &r->dev;
			struct chain c[3];
			int (*enable)(struct virtqueue *) =
				delayed ? vq_enable_cb_delayed : vq_enable_cb;
			advance_to(r, 65535);
			add_pop(r, 3, 0, c);
			vq_disable_cb(&r->vq);
			EXPECT_OP(d->vr.avail->flags, ==, ev ? 0 : VRING_AVAIL_F_NO_INTERRUPT);
			dev_complete(d, &c[0], 0);
			EXPECT_OP(dev_flush(d), ==, 0); /* even before the first interrupt */
			EXPECT_OP(vq_enable_cb(&r->vq), !=, 0);
			vq_disable_cb(&r->vq);
			EXPECT((vq_get(&r->vq, NULL)) == (TAG(0)));
			EXPECT((vq_get(&r->vq, NULL)) == NULL);
			if (ev) /* still parked behind the entry reaped while off */
				EXPECT_OP(dev_used_event(d), ==, 65534);
			EXPECT_OP(enable(&r->vq), ==, 0);
			dev_complete(d, &c[1], 0);
			EXPECT_OP(dev_flush(d), ==, delayed && ev ? 0 : 1);
			if (delayed && ev) { /* 2 outstanding: the interrupt waits for the second */
				dev_complete(d, &c[2], 0);
				EXPECT_OP(dev_flush(d), ==, 1);
			}
			EXPECT((vq_get(&r->vq, NULL)) == (TAG(1)));
			rig_free(r);
		}
	}
}
END_TEST

/* ---- a hostile device ---------------------------------------------- */

START_TEST(hostile_device)
{
	for (int ev = 0; ev <= 1; ev++) {
		struct rig *r = rig_new(8, ev);
		struct dev *d = &r->dev;
		struct chain ca, cb, cc, cd, c[8];
		struct vq_buf o = { 0x1000, 100 }, i1 = { 0x2000, 200 };
		struct vq_buf i3[2] = { { 0x3000, 10 }, { 0x4000, 20 } };
		uint32_t len;
		advance_to(r, 65533);
		int a = vq_add(&r->vq, &o, 1, &i1, 1, TAG(1));
		int b = vq_add(&r->vq, NULL, 0, &i1, 1, TAG(2));
		int cx = vq_add(&r->vq, &o, 1, i3, 2, TAG(3));
		EXPECT(a >= 0 && b >= 0 && cx >= 0);
		vq_kick_prepare(&r->vq);
		EXPECT(dev_pop(d, &ca) && dev_pop(d, &cb) && dev_pop(d, &cc));
		int dx = vq_add(&r->vq, &o, 1, NULL, 0, TAG(4)); /* added, not published */
		EXPECT_OP(dx, >=, 0);
		int free_desc = -1;
		for (int i = 0; i < 8; i++)
			if (!d->held[i] && i != dx)
				free_desc = i;
		EXPECT_OP(free_desc, >=, 0);
		uint16_t nf = vq_num_free(&r->vq);

		dev_push(d, 8, 0);                  /* id == size */
		dev_push(d, 0xffffffffu, 0);
		dev_push(d, 65536u + (unsigned)a, 0);
		dev_push(d, ca.idx[1], 0);           /* inside a chain, not its head */
		dev_push(d, (uint32_t)free_desc, 0); /* never made available */
		dev_push(d, (uint32_t)dx, 0);        /* added but not yet published */
		dev_complete(d, &cb, 150);
		dev_flush(d);
		EXPECT((vq_get(&r->vq, &len)) == (TAG(2)));
		EXPECT_OP(len, ==, 150);
		EXPECT_OP(r->vq.bad_used, ==, 6);
		EXPECT_OP(vq_num_free(&r->vq), ==, nf + 1);
		EXPECT(!vq_has_used(&r->vq));
		if (ev)
			EXPECT_OP(dev_used_event(d), ==, d->vr.used->idx);

		dev_push(d, (uint32_t)b, 0); /* B again */
		dev_flush(d);
		EXPECT((vq_get(&r->vq, &len)) == NULL);
		EXPECT_OP(r->vq.bad_used, ==, 7);
		EXPECT_OP(vq_num_free(&r->vq), ==, nf + 1);

		dev_complete(d, &ca, 5000); /* more than the 200 writable bytes */
		dev_complete(d, &cc, 0xffffffffu);
		dev_flush(d);
		EXPECT((vq_get(&r->vq, &len)) == (TAG(1)));
		EXPECT_OP(len, ==, 200);
		EXPECT((vq_get(&r->vq, &len)) == (TAG(3)));
		EXPECT_OP(len, ==, 30);
		EXPECT_OP(vq_num_free(&r->vq), ==, 7);

		dev_set_avail_event(d, d->vr.avail->idx);
		EXPECT_OP(vq_kick_prepare(&r->vq), ==, 1); /* D is intact */
		EXPECT(dev_pop(d, &cd));
		check_chain(d, &cd, &o, 1, NULL, 0);
		dev_complete(d, &cd, 0);
		dev_flush(d);
		EXPECT((vq_get(&r->vq, &len)) == (TAG(4)));
		EXPECT_OP(vq_num_free(&r->vq), ==, 8);
		EXPECT_OP(r->vq.bad_used, ==, 7);

		/* The free list is whole: eight one-descriptor chains, all distinct. */
		struct vq_buf one = { 0x6000, 1 };
		for (int k = 0; k < 8; k++)
			EXPECT_OP(vq_add(&r->vq, &one, 1, NULL, 0, TAG(10 + k)), >=, 0);
		EXPECT_OP(vq_add(&r->vq, &one, 1, NULL, 0, TAG(18)), ==, -ENOSPC);
		vq_kick_prepare(&r->vq);
		for (int k = 0; k < 8; k++) {
			EXPECT(dev_pop(d, &c[k]));
			dev_complete(d, &c[k], 0);
		}
		dev_flush(d);
		for (int k = 0; k < 8; k++)
			EXPECT((vq_get(&r->vq, &len)) == (TAG(10 + k)));
		EXPECT_OP(vq_num_free(&r->vq), ==, 8);
		rig_free(r);
	}
}
END_TEST

/* ---- long randomized runs across the wrap ----------------------------- */

struct rec {
	int live, completed;
	uint16_t head;
	int n_out, n_in;
	uint32_t serial, len;
};

struct sim {
	struct rig *r;
	struct virtqueue *vq;
	struct dev *d;
	uint16_t size;
	int event_idx;
	uint64_t rng;
	struct rec *recs, **free_recs, **by_head;
	int n_free_recs;
	struct chain *pending; /* taken by the device, not yet used */
	int n_pending;
	struct rec **fifo;      /* used, not yet reaped, in used-ring order */
	unsigned fifo_in, fifo_out;
	int kicked, armed, napi;
	uint16_t disabled_at;   /* entries reaped when callbacks went off */
	uint32_t serial;
	unsigned long done, kicks_new, irqs;
	unsigned wraps_avail, wraps_used, wraps_event;
	uint16_t last_event;
};

static unsigned rnd(struct sim *s, unsigned n)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (unsigned)(s->rng >> 20) % n;
}

static void sim_add(struct sim *s)
{
	int batch = 1 + (int)rnd(s, 6);
	for (int j = 0; j < batch; j++) {
		int n_out = (int)rnd(s, 4), n_in = (int)rnd(s, 4);
		if (!n_out && !n_in)
			n_in = 1;
		if (rnd(s, 16) == 0)
			n_out += (int)rnd(s, 10);
		struct vq_buf out[MAXCH], in[MAXCH];
		uint32_t serial = s->serial + 1;
		buf_fill(out, n_out, serial, 0);
		buf_fill(in, n_in, serial, n_out);
		if (!s->n_free_recs) { /* as many chains as descriptors */
			EXPECT_OP(vq_num_free(s->vq), ==, 0);
			EXPECT_OP(vq_add(s->vq, out, n_out, in, n_in, TAG(0)), ==, -ENOSPC);
			return;
		}
		struct rec *rc = s->free_recs[s->n_free_recs - 1];
		uint16_t before = vq_num_free(s->vq);
		int h = vq_add(s->vq, out, n_out, in, n_in, rc);
		if (n_out + n_in > before) {
			EXPECT_OP(h, ==, -ENOSPC);
			EXPECT_OP(vq_num_free(s->vq), ==, before);
			return;
		}
		EXPECT_OP(h, >=, 0);
		EXPECT_OP(h, <, s->size);
		EXPECT((s->by_head[h]) == NULL);
		EXPECT_OP(vq_num_free(s->vq), ==, before - n_out - n_in);
		s->n_free_recs--;
		s->serial = serial;
		*rc = (struct rec){ .live = 1, .head = (uint16_t)h, .n_out = n_out, .n_in = n_in,
				    .serial = serial };
		s->by_head[h] = rc;
	}
}

static void sim_kick(struct sim *s)
{
	struct dev *d = s->d;
	uint16_t old = d->vr.avail->idx, ae = vring_avail_event(&d->vr), uflags = d->vr.used->flags;
	int n = vq_kick_prepare(s->vq);
	uint16_t new = d->vr.avail->idx;
	int want = old == new ? 0
		   : s->event_idx ? vring_need_event(ae, new, old)
				  : !(uflags & VRING_USED_F_NO_NOTIFY);
	EXPECT_OP(n, ==, want);
	if (s->armed && d->last_avail == old && new != old)
		EXPECT_MSG(n, "device waits for a notification that does not come");
	s->kicks_new += new != old;
	s->wraps_avail += new < old;
	s->kicked |= n;
}

/* The device takes chains when notified or while it polls, then either
 * waits for a notification (only once it has taken everything) or not. */
static void sim_take(struct sim *s)
{
	struct dev *d = s->d;
	struct chain c;
	if (s->armed && !s->kicked)
		return;
	s->kicked = 0;
	for (unsigned take = 1 + rnd(s, s->size); take && dev_pop(d, &c); take--) {
		struct rec *rc = s->by_head[c.head];
		EXPECT((rc) != NULL);
		struct vq_buf out[MAXCH], in[MAXCH];
		buf_fill(out, rc->n_out, rc->serial, 0);
		buf_fill(in, rc->n_in, rc->serial, rc->n_out);
		check_chain(d, &c, out, rc->n_out, in, rc->n_in);
		EXPECT_OP(s->n_pending, <, s->size);
		s->pending[s->n_pending++] = c;
	}
	if (d->last_avail == d->vr.avail->idx && rnd(s, 4)) {
		s->armed = 1;
		if (s->event_idx)
			dev_set_avail_event(d, d->last_avail);
		else
			d->vr.used->flags = 0;
	} else {
		s->armed = 0;
		if (!s->event_idx)
			d->vr.used->flags = VRING_USED_F_NO_NOTIFY;
		else if (rnd(s, 2))
			dev_set_avail_event(d, (uint16_t)(d->last_avail - 1));
	}
}

static void sim_disable(struct sim *s)
{
	s->napi = 1;
	vq_disable_cb(s->vq);
	s->disabled_at = (uint16_t)s->done;
}

static void sim_flush(struct sim *s)
{
	struct dev *d = s->d;
	uint16_t old = d->published, new = d->used_idx, ue = dev_used_event(d);
	int irq = dev_flush(d);
	s->wraps_used += new < old;
	if (s->event_idx) {
		s->wraps_event += s->last_event > 0xc000 && ue < 0x4000;
		s->last_event = ue;
	}
	if (!irq)
		return;
	s->irqs++;
	if (s->napi)
		EXPECT_MSG((uint16_t)(new - s->disabled_at) >= 32768,
			   "interrupt while callbacks are off (used %u, off at %u)", new, s->disabled_at);
	else
		sim_disable(s);
}

static void sim_complete(struct sim *s)
{
	for (unsigned j = rnd(s, (unsigned)s->n_pending + 1); j; j--) {
		int p = (int)rnd(s, (unsigned)s->n_pending);
		struct chain c = s->pending[p];
		s->pending[p] = s->pending[--s->n_pending];
		struct rec *rc = s->by_head[c.head];
		uint32_t w = dev_writable(s->d, &c), cut = rc->serial % 3;
		rc->len = w > cut ? w - cut : w;
		rc->completed = 1;
		EXPECT_OP(s->fifo_in - s->fifo_out, <, s->size);
		s->fifo[s->fifo_in++ % s->size] = rc;
		dev_complete(s->d, &c, rc->len);
	}
	if (rnd(s, 3))
		sim_flush(s);
}

static void sim_reap(struct sim *s, void *cookie, uint32_t len)
{
	struct rec *rc = cookie;
	EXPECT_MSG(rc >= s->recs && rc < s->recs + s->size, "a cookie vq_add never saw");
	EXPECT(rc->live && rc->completed);
	EXPECT_OP(s->fifo_in, !=, s->fifo_out);
	EXPECT((s->fifo[s->fifo_out++ % s->size]) == (rc));
	EXPECT_OP(len, ==, rc->len);
	s->by_head[rc->head] = NULL;
	rc->live = 0;
	s->free_recs[s->n_free_recs++] = rc;
	s->done++;
}

/* NAPI: poll up to the budget; under it, turn callbacks on and look again.
 * Without NAPI scheduled, a TX-style reclaim now and then. */
static void sim_poll(struct sim *s)
{
	void *cookie;
	uint32_t len;
	if (!s->napi) {
		for (int k = rnd(s, 16) ? 0 : 2; k && (cookie = vq_get(s->vq, &len)); k--)
			sim_reap(s, cookie, len);
		return;
	}
	int budget = 1 + (int)rnd(s, 8), got = 0;
	while (got < budget && (cookie = vq_get(s->vq, &len))) {
		sim_reap(s, cookie, len);
		got++;
	}
	if (got == budget)
		return;
	if (rnd(s, 4) == 0)
		sim_complete(s); /* the race window: entries land while callbacks are off */
	s->napi = 0;
	int delayed = s->event_idx && rnd(s, 2);
	int more = delayed ? vq_enable_cb_delayed(s->vq) : vq_enable_cb(s->vq);
	uint16_t waiting = (uint16_t)(s->d->published - s->done);
	uint16_t bufs = (uint16_t)(s->d->vr.avail->idx - s->done) * 3 / 4;
	EXPECT_OP(more != 0, ==, delayed ? waiting > bufs : waiting != 0);
	if (more)
		sim_disable(s);
}

static void run_sim(uint16_t size, int event_idx, unsigned long chains, uint64_t seed)
{
	struct sim s = { .size = size, .event_idx = event_idx, .rng = seed };
	s.r = rig_new(size, event_idx);
	s.vq = &s.r->vq;
	s.d = &s.r->dev;
	s.recs = calloc(size, sizeof(*s.recs));
	s.free_recs = calloc(size, sizeof(*s.free_recs));
	s.by_head = calloc(size, sizeof(*s.by_head));
	s.pending = calloc(size, sizeof(*s.pending));
	s.fifo = calloc(size, sizeof(*s.fifo));
	EXPECT(s.recs && s.free_recs && s.by_head && s.pending && s.fifo);
	for (int i = 0; i < size; i++)
		s.free_recs[s.n_free_recs++] = &s.recs[i];

	unsigned long steps = 0, progress_at = 0, last_done = 0;
	while (s.done < chains || s.n_free_recs < size) {
		switch (rnd(&s, 4)) {
		case 0:
			if (s.done < chains)
				sim_add(&s);
			if (rnd(&s, 4))
				sim_kick(&s);
			break;
		case 1:
			sim_take(&s);
			break;
		case 2:
			sim_complete(&s);
			break;
		default:
			sim_poll(&s);
			break;
		}
		steps++;
		if (s.done != last_done) {
			last_done = s.done;
			progress_at = steps;
		}
		EXPECT_MSG(steps - progress_at < 100000,
			   "stalled after %lu chains: a notification or interrupt was lost", s.done);
	}
	EXPECT_OP(vq_num_free(s.vq), ==, size);
	EXPECT(!vq_has_used(s.vq));
	EXPECT_OP(s.vq->bad_used, ==, 0);
	EXPECT_OP(s.vq->notifies + s.vq->suppressed, ==, s.kicks_new);
	EXPECT(s.vq->notifies > 0 && s.vq->suppressed > 0 && s.irqs > 0);
	unsigned long wraps = chains / 65536; /* each index wrapped at least this often */
	EXPECT_OP(s.wraps_avail, >=, wraps);
	EXPECT_OP(s.wraps_used, >=, wraps);
	if (event_idx)
		EXPECT_OP(s.wraps_event, >=, wraps);
	free(s.recs);
	free(s.free_recs);
	free(s.by_head);
	free(s.pending);
	free(s.fifo);
	rig_free(s.r);
}

START_TEST(wrap_event_idx)
{
	run_sim(16, 1, 300000, 0x9e3779b97f4a7c15ull);
}
END_TEST

START_TEST(wrap_flags)
{
	run_sim(16, 0, 300000, 0x2545f4914f6cdd1dull);
}
END_TEST

START_TEST(wrap_big_ring)
{
	run_sim(256, 1, 300000, 0xd1b54a32d192ed03ull);
}
END_TEST

START_TEST(wrap_tiny_ring)
{
	run_sim(1, 1, 300000, 0x94d049bb133111ebull);
	run_sim(2, 0, 300000, 0xbf58476d1ce4e5b9ull);
}
END_TEST

/* Indirect chains (2.6.5.3): one ring slot each, the device follows the
 * table; free count and cookies come back; mixes with direct chains. */
START_TEST(indirect_chains)
{
	struct rig *r = rig_new(8, 1);
	static struct vring_desc table[8][5];
	struct vq_buf b[5];
	for (int round = 0; round < 3; round++) {
		for (int k = 0; k < 8; k++) {
			buf_fill(b, 1 + k % 5, (uint32_t)(round * 8 + k), 0);
			EXPECT_OP(vq_add_indirect(&r->vq, b, 1 + k % 5, table[k], TAG(k)), >=, 0);
		}
		EXPECT_OP(vq_num_free(&r->vq), ==, 0); /* 8 slots, 8 chains of up to 5 buffers */
		EXPECT_OP(vq_add_indirect(&r->vq, b, 1, table[0], TAG(99)), ==, -ENOSPC);
		vq_kick_prepare(&r->vq);
		for (int k = 0; k < 8; k++) {
			uint16_t avail_idx = r->dev.vr.avail->idx;
			EXPECT_OP((uint16_t)(avail_idx - r->dev.last_avail), >, 0);
			uint16_t head = r->dev.vr.avail->ring[r->dev.last_avail++ % 8];
			const struct vring_desc *d = &r->dev.vr.desc[head];
			EXPECT_OP(d->flags, ==, VRING_DESC_F_INDIRECT);
			const struct vring_desc *t = (const struct vring_desc *)(uintptr_t)d->addr;
			int n = (int)(d->len / sizeof(*t));
			EXPECT_OP(n, ==, 1 + k % 5);
			buf_fill(b, n, (uint32_t)(round * 8 + k), 0);
			for (int j = 0; j < n; j++) {
				EXPECT_OP(t[j].addr, ==, b[j].addr);
				EXPECT_OP(t[j].len, ==, b[j].len);
				EXPECT_OP(t[j].flags, ==, j + 1 < n ? NEXT : 0);
				if (j + 1 < n)
					EXPECT_OP(t[j].next, ==, j + 1);
			}
			dev_push(&r->dev, head, 0);
		}
		dev_flush(&r->dev);
		for (int k = 0; k < 8; k++) {
			uint32_t len = 77;
			EXPECT(vq_get(&r->vq, &len) == TAG(k));
			EXPECT_OP(len, ==, 0);
		}
		EXPECT_OP(vq_num_free(&r->vq), ==, 8);
	}
	EXPECT_OP(vq_add_indirect(&r->vq, b, 0, table[0], TAG(1)), ==, -EINVAL);
	EXPECT_OP(vq_add_indirect(&r->vq, b, 1, NULL, TAG(1)), ==, -EINVAL);
	EXPECT_OP(vq_add_indirect(&r->vq, b, 1, table[0], NULL), ==, -EINVAL);
	rig_free(r);
}
END_TEST

Suite *virtqueue_suite(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc = tcase_create("rings");
	tcase_add_test(tc, ring_layout);
	tcase_add_test(tc, pick_size);
	tcase_add_test(tc, indirect_chains);
	tcase_add_test(tc, chains_exact);
	tcase_add_test(tc, out_of_order);
	tcase_add_test(tc, enospc_einval);
	tcase_add_test(tc, hostile_device);
	suite_add_tcase(s, tc);
	tc = tcase_create("notify");
	tcase_add_test(tc, need_event_table);
	tcase_add_test(tc, kick_event_idx);
	tcase_add_test(tc, kick_flags);
	tcase_add_test(tc, interrupts_event_idx);
	tcase_add_test(tc, interrupts_delayed);
	tcase_add_test(tc, interrupts_flags);
	tcase_add_test(tc, napi_race);
	suite_add_tcase(s, tc);
	tc = tcase_create("wrap");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, wrap_event_idx);
	tcase_add_test(tc, wrap_flags);
	tcase_add_test(tc, wrap_big_ring);
	tcase_add_test(tc, wrap_tiny_ring);
	suite_add_tcase(s, tc);
	return s;
}
