/*
 * Split virtqueues (virtio 1.1, section 2.6), driver side.  Pure ring
 * logic over memory the caller provides: no PCI, no allocation, no
 * notification.  The transport (drivers/virtio_pci.c) notifies the device
 * when vq_kick_prepare() says so.  Builds on the host for tests/unit,
 * which plays the device against it.  Ring layouts come from
 * <linux/virtio_ring.h>.  Buffer addresses are physical; the kernel's
 * identity map makes them equal to pointers.
 */
#ifndef DRIVERS_VIRTQUEUE_H
#define DRIVERS_VIRTQUEUE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

struct vq_buf {
	uint64_t addr; /* physical address */
	uint32_t len;  /* bytes */
};

struct virtqueue {
	uint16_t size;             /* entries, a power of two <= 32768 */
	int event_idx;             /* VIRTIO_RING_F_EVENT_IDX negotiated */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t free_head;        /* first free descriptor (free list through .next) */
	uint16_t num_free;
	uint16_t avail_idx;        /* next avail->idx to publish (free-running) */
	uint16_t kick_idx;         /* avail->idx at the last vq_kick_prepare */
	uint16_t last_used;        /* next used->ring entry to read (free-running) */
	int cb_disabled;           /* vq_disable_cb() in force */
	void **cookie;             /* per head descriptor: the caller's token */
	uint64_t notifies;         /* vq_kick_prepare() said "notify" */
	uint64_t suppressed;       /* vq_kick_prepare() said "no need" */
	uint64_t bad_used;         /* used entries skipped: id >= size or no head made available */
};

/* The ring size for a queue: the largest power of two within both the
 * device's maximum (queue_size) and ours, and at most 32768 (2.6: split
 * virtqueue sizes are powers of two, up to 32768).  0 if either is 0. */
uint16_t vq_pick_size(uint16_t dev_max, uint16_t our_max);
/* Bytes of ring memory for `size` entries: descriptor table (16-byte
 * aligned), avail ring with used_event, then the used ring with
 * avail_event at a 4-byte boundary.  One zeroed allocation of this size
 * (page-aligned) is what vq_init() wants. */
size_t vq_ring_bytes(uint16_t size);
/* Lays out the rings in `mem` and links every descriptor into the free
 * list.  cookies: `size` slots owned by the caller. */
void vq_init(struct virtqueue *vq, uint16_t size, void *mem, void **cookies, int event_idx);
/* Physical addresses the transport programs into the device. */
uint64_t vq_desc_addr(const struct virtqueue *vq);
uint64_t vq_avail_addr(const struct virtqueue *vq);
uint64_t vq_used_addr(const struct virtqueue *vq);

/* Queues one chain: n_out device-readable buffers then n_in device-writable
 * ones.  The head is always vq->free_head as it was before the call
 * (drivers that keep per-head state, like virtio-net's TX headers, rely
 * on it).  Returns the head descriptor, or -ENOSPC (ring full) / -EINVAL
 * (no buffers, a NULL cookie or array, or over 4 GiB in all).  Not visible
 * to the device until vq_kick_prepare(). */
int vq_add(struct virtqueue *vq, const struct vq_buf *out, int n_out, const struct vq_buf *in,
	   int n_in, void *cookie);
/* Queues n_out device-readable buffers through one ring slot: the chain
 * goes into `table` (n_out descriptors the caller keeps until vq_get
 * returns the cookie; physical, 16-byte aligned) and the ring descriptor
 * points to it (VIRTIO_RING_F_INDIRECT_DESC, virtio 1.1 2.6.5.3).  Same
 * returns as vq_add; the head is vq->free_head as for vq_add. */
int vq_add_indirect(struct virtqueue *vq, const struct vq_buf *out, int n_out,
		    struct vring_desc *table, void *cookie);
/* Publishes the chains added since the last call (write barrier, then
 * avail->idx).  Returns 1 if the device must be notified: with EVENT_IDX
 * per vring_need_event() on the device's avail_event, otherwise unless the
 * device set VRING_USED_F_NO_NOTIFY.  Nothing added: 0, counted in neither
 * notifies nor suppressed. */
int vq_kick_prepare(struct virtqueue *vq);
/* The next chain the device has finished with: returns its cookie and the
 * bytes the device wrote (*len, clamped to the chain's device-writable
 * bytes; len may be NULL), and frees its descriptors.  NULL if none.
 * Entries naming no chain in flight are skipped and counted in bad_used. */
void *vq_get(struct virtqueue *vq, uint32_t *len);
/* Nonzero if the device has returned chains vq_get() has not taken yet. */
int vq_has_used(const struct virtqueue *vq);
uint16_t vq_num_free(const struct virtqueue *vq);

/* Interrupt suppression.  disable: VRING_AVAIL_F_NO_INTERRUPT (without
 * EVENT_IDX; with it, park used_event at last_used - 1 and stop moving
 * it).  enable: ask for an interrupt at the next used entry, then look
 * once more (full barrier): returns nonzero if entries arrived meanwhile,
 * and the caller must poll again (the NAPI race). */
void vq_disable_cb(struct virtqueue *vq);
int vq_enable_cb(struct virtqueue *vq);
/* Like vq_enable_cb, but with EVENT_IDX asks for the interrupt only after
 * about 3/4 of the outstanding (published) chains are used (TX completion
 * batching); returns nonzero only if the device already passed that point,
 * as Linux's virtqueue_enable_cb_delayed() returning false. */
int vq_enable_cb_delayed(struct virtqueue *vq);

#endif
