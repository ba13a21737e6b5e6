/*
 * virtio-net receive: buffers, mergeable frames, the NAPI poll.
 * virtio 1.1 5.1.6.3 (buffers), 5.1.6.4 (processing, num_buffers with
 * VIRTIO_NET_F_MRG_RXBUF, DATA_VALID / NEEDS_CSUM with GUEST_CSUM, gso_type
 * TCPV4 with GUEST_TSO4: frames of up to 64 KiB over VNET_MRG_MAX buffers).
 * Poll shape (Linux virtnet_poll): reclaim TX, take up to budget frames,
 * refill once more than half the ring is empty with one notify, and if
 * under budget complete, re-enable the interrupt and re-check the ring.
 * Buffers go to the stack zero-copy and come back through rx_release;
 * once the stack holds half of them, frames go flagged NETDEV_RX_LOWBUF
 * and the stack copies them and gives their buffers back at once.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "drivers/virtio_net_priv.h"
#include "kernel/fault.h"
#include "kernel/param.h"
#include "kernel/pmm.h"

/* Pages of the free stack: one pointer for every buffer the ring may have. */
static size_t stack_pages(int cap)
{
	return (cap * sizeof(void *) + PAGE_SIZE - 1) / PAGE_SIZE;
}

int vnet_rx_init(struct virtio_net *vn)
{
	vn->rx_cap = vn->rxq.size * VNET_RXBUF_PER_RING;
	vn->rx_lowmark = vn->rx_cap / 2;
	vn->rx_free = (void **)pmm_alloc_pages(stack_pages(vn->rx_cap));
	if (!vn->rx_free)
		return -ENOMEM;
	vnet_rx_refill(vn);
	return vn->rx_posted ? 0 : -ENOMEM;
}

/* Probe's unwinding, after the device was reset and before the stack ever
 * had a buffer: each buffer is in the ring or on the free stack.  A page
 * (two buffers) goes back through its first buffer, and only when every
 * buffer is here; otherwise the pages stay allocated. */
void vnet_rx_teardown(struct virtio_net *vn)
{
	if (!vn->rx_free)
		return;
	for (int i = 0; i < vn->rxq.size; i++) {
		if (vn->rxq.cookie[i]) {
			vn->rx_free[vn->rx_nfree++] = vn->rxq.cookie[i];
			vn->rxq.cookie[i] = NULL;
		}
	}
	vn->rx_posted = 0;
	if (vn->rx_nfree == vn->rx_total)
		for (int i = 0; i < vn->rx_nfree; i++)
			if ((uintptr_t)vn->rx_free[i] % PAGE_SIZE == 0)
				pmm_free_pages((uint64_t)(uintptr_t)vn->rx_free[i], 1);
	pmm_free_pages((uint64_t)(uintptr_t)vn->rx_free, stack_pages(vn->rx_cap));
	vn->rx_free = NULL;
	vn->rx_nfree = vn->rx_total = vn->rx_cap = 0;
}

/* A buffer from the free stack, or two new ones from a fresh page. */
static void *get_buffer(struct virtio_net *vn)
{
	if (fault_fail(&fault_rx_alloc))
		return NULL; /* debug.fail_rx_alloc: a refill failure, retried later */
	if (!vn->rx_nfree && vn->rx_total + 2 <= vn->rx_cap) {
		uint64_t page = pmm_alloc_pages(1);
		vn->rx_grow_failed = !page;
		if (!page)
			return NULL;
		for (int i = 0; i < (int)(PAGE_SIZE / VNET_RXBUF_SIZE); i++)
			vn->rx_free[vn->rx_nfree++] = (void *)(page + i * VNET_RXBUF_SIZE);
		vn->rx_total += PAGE_SIZE / VNET_RXBUF_SIZE;
	}
	return vn->rx_nfree ? vn->rx_free[--vn->rx_nfree] : NULL;
}

void vnet_rx_refill(struct virtio_net *vn)
{
	int added = 0;
	while (vq_num_free(&vn->rxq)) {
		void *buf = get_buffer(vn);
		if (!buf) {
			vn->st.refill_failures++; /* retried at the next poll or release */
			break;
		}
		struct vq_buf in = { (uint64_t)buf + NETDEV_RX_HEADROOM, VNET_RXBUF_SIZE - NETDEV_RX_HEADROOM };
		if (vq_add(&vn->rxq, NULL, 0, &in, 1, buf) < 0) {
			vn->rx_free[vn->rx_nfree++] = buf;
			break;
		}
		vn->rx_posted++;
		added++;
	}
	if (added && vq_kick_prepare(&vn->rxq)) {
		virtio_notify(vn->rx_notify, 0);
		vn->st.refill_notifies++;
	}
}

void vnet_rx_release(struct netdev *dev, void *buf)
{
	struct virtio_net *vn = dev->priv;
	vn->rx_free[vn->rx_nfree++] = buf;
	/* An empty ring gets no interrupt to trigger a refill: ask for a poll. */
	if (vn->rx_posted < vn->rxq.size / 2)
		napi_schedule(&dev->napi);
}

/* The header's GSO fields (virtio 1.1 5.1.6.4): a frame the device merged
 * is IPv4 TCP (gso_type TCPV4, gso_size its segments' payload), and only
 * if we took GUEST_TSO4; ECN (no GUEST_ECN) and every other type we never
 * agreed to.  hdr_len, csum_start and csum_offset are hints we do not use:
 * the stack parses the frame itself. */
static int rx_gso_ok(const struct virtio_net *vn, const struct virtio_net_hdr *h)
{
	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return 1;
	return h->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 && h->gso_size &&
	       virtio_has(&vn->vd, VIRTIO_NET_F_GUEST_TSO4);
}

static void drop_partial(struct virtio_net *vn)
{
	for (int i = 0; i < vn->mrg_n; i++)
		vn->rx_free[vn->rx_nfree++] = vn->mrg[i].buf;
	vn->mrg_n = vn->mrg_want = 0;
	vn->st.rx_errors++;
	netdev_rx_error(&vn->dev);
}

/* One used buffer; returns 1 when it completed a frame. */
static int rx_one(struct virtio_net *vn, void *buf, uint32_t len)
{
	/* The rest of a frame too long to take is payload, not headers. */
	if (vn->mrg_skip) {
		vn->mrg_skip--;
		vn->rx_free[vn->rx_nfree++] = buf;
		return 0;
	}
	if (vn->mrg_want == 0) {
		const struct virtio_net_hdr_mrg_rxbuf *h = (const void *)((char *)buf + NETDEV_RX_HEADROOM);
		if (len < vn->hdr_len + 14 || len > VNET_RXBUF_SIZE - NETDEV_RX_HEADROOM) {
			vn->mrg[0].buf = buf;
			vn->mrg_n = 1;
			drop_partial(vn); /* runt or impossible length */
			return 0;
		}
		uint16_t n = virtio_has(&vn->vd, VIRTIO_NET_F_MRG_RXBUF) ? h->num_buffers : 1;
		unsigned flags = 0;
		if (h->hdr.flags & VIRTIO_NET_HDR_F_DATA_VALID) {
			flags = NETDEV_RX_CSUM_VALID;
			vn->st.rx_csum_valid++;
		} else if (h->hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			flags = NETDEV_RX_CSUM_VALID; /* partial: the sender's stack vouches for it */
			vn->st.rx_csum_partial++;
		} else {
			vn->st.rx_csum_none++;
		}
		vn->mrg[0] = (struct netdev_rxfrag){ buf, NETDEV_RX_HEADROOM + vn->hdr_len, len - vn->hdr_len };
		vn->mrg_n = 1;
		vn->mrg_want = n;
		vn->mrg_flags = flags;
		int gso_ok = rx_gso_ok(vn, &h->hdr);
		if (n == 0 || n > VNET_MRG_MAX || !gso_ok) {
			if (!gso_ok)
				vn->st.rx_gso_errors++;
			vn->mrg_want = 0;
			drop_partial(vn);
			vn->mrg_skip = n > 1 ? n - 1 : 0;
			return 0;
		}
		if (n > 1)
			vn->st.rx_mergeable++;
	} else {
		if (len > VNET_RXBUF_SIZE - NETDEV_RX_HEADROOM) {
			vn->mrg[vn->mrg_n++] = (struct netdev_rxfrag){ buf, NETDEV_RX_HEADROOM, 0 };
			drop_partial(vn);
			return 0;
		}
		vn->mrg[vn->mrg_n++] = (struct netdev_rxfrag){ buf, NETDEV_RX_HEADROOM, len };
	}
	if (vn->mrg_n < vn->mrg_want)
		return 0;
	uint32_t bytes = 0;
	for (int i = 0; i < vn->mrg_n; i++)
		bytes += vn->mrg[i].len;
	if (bytes > VNET_FRAME_MAX) {
		vn->st.rx_gso_errors++; /* more than 64 KiB of IP: no IPv4 frame is */
		drop_partial(vn);
		return 0;
	}
	const struct virtio_net_hdr *h = (const void *)((char *)vn->mrg[0].buf + NETDEV_RX_HEADROOM);
	if (h->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		vn->st.rx_gso++;
	vn->st.rx_packets++;
	vn->st.rx_bytes += bytes;
	netdev_rx(&vn->dev, vn->mrg, vn->mrg_n, vn->mrg_flags | vn->rx_low);
	vn->mrg_n = vn->mrg_want = 0;
	return 1;
}

static int hist_bucket(int n)
{
	int b = 0;
	while (n && b < VNET_HIST - 1) {
		n >>= 1;
		b++;
	}
	return b; /* 0, 1, 2-3, 4-7, 8-15, 16-31, 32-63, 64+ */
}

/* Frames in the used ring while callbacks are on and no poll is coming: the
 * device wrote them after our last look, and the interrupt it owed us did
 * not arrive (netdev.h, rx_pending). */
int vnet_rx_pending(struct netdev *dev)
{
	struct virtio_net *vn = dev->priv;
	if (vn->rxq.cb_disabled || !vq_has_used(&vn->rxq))
		return 0;
	vn->st.rx_missed_irqs++;
	return 1;
}

int vnet_rx_lent(const struct virtio_net *vn)
{
	/* A buffer is free, in the ring, part of a frame being gathered, or the stack's. */
	return vn->rx_total - vn->rx_nfree - vn->rx_posted - vn->mrg_n;
}

int vnet_poll(struct netdev *dev, int budget)
{
	struct virtio_net *vn = dev->priv;
	vn->st.napi_polls++;
	/* Once the stack holds half the pool, or memory ran out before the
	 * pool could grow and the stack holds all but a ring's worth, it must
	 * copy this poll's frames and give their buffers back at once
	 * (netdev.h): the ring always has enough to refill.  Decided once a
	 * poll: a poll adds at most a budget's worth. */
	int lent = vnet_rx_lent(vn);
	vn->rx_low = lent > vn->rx_lowmark || (vn->rx_grow_failed && vn->rx_total - lent < (int)vn->rxq.size)
			     ? NETDEV_RX_LOWBUF : 0;
	if (vn->cfg_changed) {
		vn->cfg_changed = 0;
		vnet_check_link(vn);
	}
	vnet_tx_reclaim(vn);
	int done = 0;
	while (done < budget) {
		uint32_t len;
		void *buf = vq_get(&vn->rxq, &len);
		if (!buf)
			break;
		vn->rx_posted--;
		done += rx_one(vn, buf, len);
	}
	if (vn->rx_posted < vn->rxq.size / 2)
		vnet_rx_refill(vn);
	vn->st.poll_hist[hist_bucket(done)]++;
	if (done < budget) {
		napi_complete(&dev->napi);
		vn->st.napi_complete++;
		/* The race: a frame that arrived after the last vq_get but before
		 * the interrupt came back on raises no interrupt. */
		if (vq_enable_cb(&vn->rxq)) {
			vq_disable_cb(&vn->rxq);
			vn->st.napi_repoll++;
			napi_schedule(&dev->napi);
		}
	}
	return done;
}
