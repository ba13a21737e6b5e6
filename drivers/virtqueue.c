/*
 * Split virtqueues, driver side (virtio 1.1 section 2.6): descriptor chains
 * over a free list threaded through desc[].next (2.6.5), the avail ring
 * published by vq_kick_prepare (2.6.13), used-ring reaping (2.6.14), and
 * notification suppression both ways (2.6.7, 2.6.10): the flags, or
 * VIRTIO_RING_F_EVENT_IDX's used_event / avail_event words.  Indices are
 * free-running uint16_t.  What the device writes into the used ring is
 * checked before use.  Callers: drivers/virtio_pci.c, the virtio-net
 * driver; tests/unit/test_virtqueue.c plays the device.
 */
#include <errno.h>
#include <string.h>

#include "drivers/virtqueue.h"

#define PAGE_BYTES 4096

/* Shared ring words go through volatile so the compiler neither caches nor
 * merges them; ordering between them is the fences' job. */
static inline uint16_t ld16(const uint16_t *p)
{
	return *(const volatile uint16_t *)p;
}

static inline uint32_t ld32(const uint32_t *p)
{
	return *(const volatile uint32_t *)p;
}

static inline void st16(uint16_t *p, uint16_t v)
{
	*(volatile uint16_t *)p = v;
}

static inline uint16_t mask(const struct virtqueue *vq)
{
	return (uint16_t)(vq->size - 1);
}

/* The EVENT_IDX words past the end of each ring: what the
 * vring_used_event()/vring_avail_event() macros name for a struct vring. */
static inline uint16_t *used_event(const struct virtqueue *vq)
{
	return &vq->avail->ring[vq->size];
}

static inline uint16_t *avail_event(const struct virtqueue *vq)
{
	return (uint16_t *)&vq->used->ring[vq->size];
}

/* Offset of the used ring: after the descriptors (16 * size) and the avail
 * ring (flags, idx, ring[size], used_event), rounded up to 4 (2.6, table
 * "Virtqueue Part Alignment"). */
static size_t used_offset(uint16_t size)
{
	size_t end = sizeof(struct vring_desc) * size + sizeof(uint16_t) * (3 + (size_t)size);
	return (end + 3) & ~(size_t)3;
}

size_t vq_ring_bytes(uint16_t size)
{
	size_t end = used_offset(size) + sizeof(uint16_t) * 3 +
		     sizeof(struct vring_used_elem) * size;
	return (end + PAGE_BYTES - 1) & ~(size_t)(PAGE_BYTES - 1);
}

uint16_t vq_pick_size(uint16_t dev_max, uint16_t our_max)
{
	uint32_t limit = dev_max < our_max ? dev_max : our_max;
	if (!limit)
		return 0;
	uint32_t size = 1;
	while (size * 2 <= limit && size * 2 <= 32768)
		size *= 2;
	return (uint16_t)size;
}

void vq_init(struct virtqueue *vq, uint16_t size, void *mem, void **cookies, int event_idx)
{
	memset(vq, 0, sizeof(*vq));
	memset(mem, 0, vq_ring_bytes(size));
	memset(cookies, 0, sizeof(*cookies) * size);
	vq->size = size;
	vq->event_idx = event_idx != 0;
	vq->desc = mem;
	vq->avail = (struct vring_avail *)((char *)mem + sizeof(struct vring_desc) * size);
	vq->used = (struct vring_used *)((char *)mem + used_offset(size));
	vq->cookie = cookies;
	for (unsigned i = 0; i + 1 < size; i++)
		vq->desc[i].next = (uint16_t)(i + 1);
	vq->num_free = size;
}

uint64_t vq_desc_addr(const struct virtqueue *vq)
{
	return (uint64_t)(uintptr_t)vq->desc;
}

uint64_t vq_avail_addr(const struct virtqueue *vq)
{
	return (uint64_t)(uintptr_t)vq->avail;
}

uint64_t vq_used_addr(const struct virtqueue *vq)
{
	return (uint64_t)(uintptr_t)vq->used;
}

static const struct vq_buf *nth(const struct vq_buf *out, int n_out, const struct vq_buf *in, int k)
{
	return k < n_out ? &out[k] : &in[k - n_out];
}

/* Puts a built chain's head on the avail ring (unpublished until
 * vq_kick_prepare) with the caller's cookie; returns the head. */
static int offer(struct virtqueue *vq, uint16_t head, void *cookie)
{
	vq->cookie[head] = cookie;
	st16(&vq->avail->ring[vq->avail_idx & mask(vq)], head);
	vq->avail_idx++;
	return head;
}

int vq_add(struct virtqueue *vq, const struct vq_buf *out, int n_out, const struct vq_buf *in,
	   int n_in, void *cookie)
{
	/* A NULL cookie could not be told from vq_get()'s "nothing". */
	if (n_out < 0 || n_in < 0 || (n_out == 0 && n_in == 0) || (n_out && !out) ||
	    (n_in && !in) || !cookie)
		return -EINVAL;
	if (n_out > vq->num_free || n_in > vq->num_free - n_out)
		return -ENOSPC;
	int n = n_out + n_in;
	uint64_t bytes = 0;
	for (int k = 0; k < n; k++)
		bytes += nth(out, n_out, in, k)->len;
	if (bytes > UINT32_MAX) /* 2.6.5.1: no chain longer than 2^32 bytes */
		return -EINVAL;

	uint16_t head = vq->free_head, i = head, last = head;
	for (int k = 0; k < n; k++) {
		const struct vq_buf *b = nth(out, n_out, in, k);
		struct vring_desc *d = &vq->desc[i];
		d->addr = b->addr;
		d->len = b->len;
		d->flags = VRING_DESC_F_NEXT | (k < n_out ? 0 : VRING_DESC_F_WRITE);
		last = i;
		i = d->next & mask(vq);
	}
	/* The tail keeps its free-list link in .next; without F_NEXT the
	 * device ignores it. */
	vq->desc[last].flags &= (uint16_t)~VRING_DESC_F_NEXT;
	vq->free_head = i;
	vq->num_free = (uint16_t)(vq->num_free - n);
	return offer(vq, head, cookie);
}

int vq_kick_prepare(struct virtqueue *vq)
{
	uint16_t old = vq->kick_idx, new = vq->avail_idx;
	if (old == new)
		return 0; /* nothing new for the device: counted in neither */
	/* Descriptors and ring entries before the index that covers them. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	st16(&vq->avail->idx, new);
	vq->kick_idx = new;
	/* The new index must be visible before we read whether the device
	 * wants a notification, or we race with it going to sleep (2.6.13.4). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	int need;
	if (vq->event_idx)
		need = vring_need_event(ld16(avail_event(vq)), new, old);
	else
		need = !(ld16(&vq->used->flags) & VRING_USED_F_NO_NOTIFY);
	if (need)
		vq->notifies++;
	else
		vq->suppressed++;
	return need;
}

/* Heads added but not yet published sit in avail->ring[kick_idx..avail_idx)
 * (usually none): the device cannot have been given them. */
static int unpublished(const struct virtqueue *vq, uint32_t id)
{
	for (uint16_t p = vq->kick_idx; p != vq->avail_idx; p++)
		if (vq->avail->ring[p & mask(vq)] == id)
			return 1;
	return 0;
}

/* Frees the chain whose head the device returned and hands back its cookie,
 * or NULL (counted in bad_used) when `id` is no head we made available.
 * The walk is bounded by the descriptors in flight, so a corrupted table
 * cannot make num_free exceed size.  *len is clamped to the chain's
 * device-writable bytes. */
static void *reap(struct virtqueue *vq, uint32_t id, uint32_t used_len, uint32_t *len)
{
	if (id >= vq->size || !vq->cookie[id] || unpublished(vq, id)) {
		vq->bad_used++;
		return NULL;
	}
	void *cookie = vq->cookie[id];
	vq->cookie[id] = NULL;
	uint16_t in_flight = (uint16_t)(vq->size - vq->num_free), n = 1, i = (uint16_t)id;
	uint64_t writable = 0;
	for (;;) {
		const struct vring_desc *d = &vq->desc[i];
		if (d->flags & VRING_DESC_F_WRITE)
			writable += d->len;
		if (!(d->flags & VRING_DESC_F_NEXT) || n >= in_flight)
			break;
		i = d->next & mask(vq);
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = (uint16_t)id;
	vq->num_free = (uint16_t)(vq->num_free + n);
	if (len)
		*len = used_len < writable ? used_len : (uint32_t)writable;
	return cookie;
}

int vq_add_indirect(struct virtqueue *vq, const struct vq_buf *out, int n_out,
		    struct vring_desc *table, void *cookie)
{
	if (n_out <= 0 || !out || !table || !cookie)
		return -EINVAL;
	if (!vq->num_free)
		return -ENOSPC;
	uint64_t bytes = 0;
	for (int k = 0; k < n_out; k++) {
		bytes += out[k].len;
		table[k].addr = out[k].addr;
		table[k].len = out[k].len;
		table[k].flags = k + 1 < n_out ? VRING_DESC_F_NEXT : 0;
		table[k].next = (uint16_t)(k + 1);
	}
	if (bytes > UINT32_MAX)
		return -EINVAL;
	uint16_t head = vq->free_head;
	struct vring_desc *d = &vq->desc[head];
	vq->free_head = d->next & mask(vq);
	d->addr = (uint64_t)(uintptr_t)table;
	d->len = (uint32_t)(n_out * sizeof(*table));
	d->flags = VRING_DESC_F_INDIRECT; /* keeps .next: the free-list link, ignored by the device */
	vq->num_free--;
	return offer(vq, head, cookie);
}

void *vq_get(struct virtqueue *vq, uint32_t *len)
{
	uint16_t start = vq->last_used;
	void *cookie = NULL;
	while (!cookie && vq_has_used(vq)) {
		/* used->idx before the entry it covers. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		const struct vring_used_elem *e = &vq->used->ring[vq->last_used & mask(vq)];
		uint32_t id = ld32(&e->id), used_len = ld32(&e->len);
		vq->last_used++;
		cookie = reap(vq, id, used_len, len);
	}
	/* Callbacks on: ask for an interrupt at the very next entry, and
	 * publish that before the next look at used->idx (as Linux does). */
	if (vq->last_used != start && vq->event_idx && !vq->cb_disabled) {
		st16(used_event(vq), vq->last_used);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return cookie;
}

int vq_has_used(const struct virtqueue *vq)
{
	return ld16(&vq->used->idx) != vq->last_used;
}

uint16_t vq_num_free(const struct virtqueue *vq)
{
	return vq->num_free;
}

void vq_disable_cb(struct virtqueue *vq)
{
	vq->cb_disabled = 1;
	/* With EVENT_IDX the flags must stay 0 (2.6.7.1).  Parking used_event
	 * just behind last_used puts it as far from the device's used->idx as
	 * it can be (at most size ahead of last_used): no interrupt until
	 * vq_enable_cb*() moves it. */
	if (vq->event_idx)
		st16(used_event(vq), (uint16_t)(vq->last_used - 1));
	else
		st16(&vq->avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
}

int vq_enable_cb(struct virtqueue *vq)
{
	vq->cb_disabled = 0;
	if (vq->event_idx)
		st16(used_event(vq), vq->last_used);
	else
		st16(&vq->avail->flags, 0);
	/* The request must be visible before we look at used->idx again: an
	 * entry the device added before it saw the request is ours to find. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq_has_used(vq);
}

int vq_enable_cb_delayed(struct virtqueue *vq)
{
	if (!vq->event_idx)
		return vq_enable_cb(vq);
	uint16_t outstanding = (uint16_t)(vq->kick_idx - vq->last_used);
	uint16_t bufs = outstanding <= vq->size ? (uint16_t)(outstanding * 3 / 4) : 0;
	vq->cb_disabled = 0;
	st16(used_event(vq), (uint16_t)(vq->last_used + bufs));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Only if the device already wrote the entry at used_event can the
	 * interrupt have been missed; fewer used entries still get one. */
	return (uint16_t)(ld16(&vq->used->idx) - vq->last_used) > bufs;
}
