/*
 * virtio-net transmit: one chain per frame, a virtio header then the
 * frame's fragments (virtio 1.1 5.1.6.2), NEEDS_CSUM for TCP checksum
 * offload (VIRTIO_NET_F_CSUM), GSO_TCPV4 for a TSO bundle
 * (VIRTIO_NET_F_HOST_TSO4), one notify per batch (vnet_kick) and
 * completions reclaimed from poll and before each transmit.  TX
 * interrupts stay off until the ring fills, then come back delayed
 * (EVENT_IDX) so the stack can restart its queue.  A watchdog at the
 * stack's timer wakeups notifies again a device that stopped consuming.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "drivers/virtio_net_priv.h"
#include "kernel/param.h"
#include "kernel/pmm.h"

static size_t hdr_pages(const struct virtio_net *vn)
{
	return (vn->txq.size * sizeof(*vn->tx_hdr) + PAGE_SIZE - 1) / PAGE_SIZE;
}

static size_t ind_pages(const struct virtio_net *vn)
{
	return (vn->txq.size * (1 + NETDEV_TX_MAXFRAGS) * sizeof(struct vring_desc) + PAGE_SIZE - 1) / PAGE_SIZE;
}

int vnet_tx_init(struct virtio_net *vn)
{
	vn->tx_hdr = (void *)pmm_alloc_pages(hdr_pages(vn));
	if (!vn->tx_hdr)
		return -ENOMEM;
	/* One ring slot per frame however many fragments: 256 frames in
	 * flight instead of about 85 (header + 2 fragments each).  Without
	 * the pages, frames take plain chains. */
	if (virtio_has(&vn->vd, VIRTIO_RING_F_INDIRECT_DESC))
		vn->tx_ind = (void *)pmm_alloc_pages(ind_pages(vn));
	vq_disable_cb(&vn->txq);
	return 0;
}

void vnet_tx_teardown(struct virtio_net *vn)
{
	if (vn->tx_ind)
		pmm_free_pages((uint64_t)(uintptr_t)vn->tx_ind, ind_pages(vn));
	if (vn->tx_hdr)
		pmm_free_pages((uint64_t)(uintptr_t)vn->tx_hdr, hdr_pages(vn));
	vn->tx_ind = NULL;
	vn->tx_hdr = NULL;
}

void vnet_tx_reclaim(struct virtio_net *vn)
{
	uint32_t len;
	void *cookie;
	while ((cookie = vq_get(&vn->txq, &len)) != NULL) {
		vn->st.tx_reclaimed++;
		netdev_tx_done(&vn->dev, cookie);
	}
}

/* Linux's dev_watchdog / ndo_tx_timeout for a notification the device
 * missed: under QEMU's TCG with one vCPU a guest fence is no host fence,
 * so the EVENT_IDX handshake (we publish avail->idx, then read
 * avail_event) can lose a kick, and frames wait in the ring until the
 * next transmit.  Frames in flight at this timer wakeup and at the
 * previous one, with the used index where it was: notify again, first
 * publishing any the stack gave without a kick (else they are never
 * seen, never completed, and hold the ring for good). */
static void tx_watchdog(struct virtio_net *vn)
{
	struct virtqueue *q = &vn->txq;
	int in_flight = vq_num_free(q) < q->size;
	if (in_flight && vn->tx_wd_armed && q->last_used == vn->tx_wd_used) {
		vn->tx_dirty = 0;
		vq_kick_prepare(q);
		virtio_notify(vn->tx_notify, 1);
		vn->st.tx_timeouts++;
	}
	vn->tx_wd_armed = in_flight;
	vn->tx_wd_used = q->last_used;
}

/* The stack calls this once at each timer wakeup (drivers/netdev.h): it
 * is the watchdog's tick as well. */
void vnet_tx_reclaim_op(struct netdev *dev)
{
	vnet_tx_reclaim(dev->priv);
	tx_watchdog(dev->priv);
}

/* BQL stopped the stack: an interrupt once most of what is in flight is
 * done (tx_irq schedules the poll, which reclaims). */
int vnet_tx_arm(struct netdev *dev)
{
	struct virtio_net *vn = dev->priv;
	if (!vq_enable_cb_delayed(&vn->txq))
		return 0;
	uint64_t before = vn->st.tx_reclaimed;
	vnet_tx_reclaim(vn);
	return vn->st.tx_reclaimed != before;
}

int vnet_xmit(struct netdev *dev, const struct netdev_txreq *req)
{
	struct virtio_net *vn = dev->priv;
	int n = 1 + req->nfrags, need = vn->tx_ind ? 1 : n;
	if (vq_num_free(&vn->txq) < need)
		vnet_tx_reclaim(vn);
	if (vq_num_free(&vn->txq) < need) {
		vn->st.tx_ring_full++;
		/* Interrupt when most of the ring is done: the stack retries then. */
		if (vq_enable_cb_delayed(&vn->txq))
			vnet_tx_reclaim(vn);
		if (vq_num_free(&vn->txq) < need)
			return -ENOSPC;
	}
	/* vq_add takes the head from the free list: its header slot is ours. */
	struct virtio_net_hdr_mrg_rxbuf *h = &vn->tx_hdr[vn->txq.free_head];
	memset(h, 0, sizeof(*h));
	if (req->needs_csum) {
		h->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->hdr.csum_start = req->csum_start;
		h->hdr.csum_offset = req->csum_offset;
	}
	if (req->gso_size) {
		/* virtio 1.1 5.1.6.2: the device cuts the frame into segments
		 * of gso_size payload bytes after hdr_len bytes of headers. */
		h->hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		h->hdr.gso_size = req->gso_size;
		h->hdr.hdr_len = req->hdr_len;
		vn->st.tx_tso++;
	}
	struct vq_buf out[1 + NETDEV_TX_MAXFRAGS];
	out[0] = (struct vq_buf){ (uint64_t)h, vn->hdr_len };
	for (int i = 0; i < req->nfrags; i++)
		out[1 + i] = (struct vq_buf){ (uint64_t)req->frag[i].data, req->frag[i].len };
	int head = vn->txq.free_head;
	int err = vn->tx_ind ? vq_add_indirect(&vn->txq, out, n, vn->tx_ind + head * (1 + NETDEV_TX_MAXFRAGS), req->cookie)
			     : vq_add(&vn->txq, out, n, NULL, 0, req->cookie);
	if (err < 0)
		return -ENOSPC;
	vn->st.tx_packets++;
	vn->st.tx_bytes += req->len;
	vn->tx_dirty++;
	return 0;
}

void vnet_kick(struct netdev *dev)
{
	struct virtio_net *vn = dev->priv;
	if (!vn->tx_dirty)
		return;
	vn->tx_dirty = 0;
	if (vq_kick_prepare(&vn->txq)) {
		virtio_notify(vn->tx_notify, 1);
		vn->st.tx_kicks++;
	} else {
		vn->st.tx_kicks_suppressed++;
	}
}
