/*
 * Receive: a driver's poll() hands each frame to netdev_rx(), which queues
 * it on the device's input backlog (net.core.netdev_max_backlog; overflow
 * is softnet's "dropped"), and netdev_rx_drain() feeds the backlog to lwIP
 * after each poll (net/core/napi.c).
 * Who holds the driver's buffers is decided here, as Linux decides it with
 * rx_copybreak and truesize (Documentation/networking/ethtool-netlink.rst,
 * ETHTOOL_RX_COPYBREAK; tcp_prune_ofo_queue):
 *  - a frame of at most rx_copybreak bytes (ACKs, SYNs, small requests)
 *    is copied into a heap buffer of its own size and the driver's 2 KiB
 *    buffer goes back to the ring at once (rx_copybreak in ethtool -S);
 *  - when the driver says its free buffers ran low (NETDEV_RX_LOWBUF), every
 *    frame is copied (rx_copy_lowbuf), and out-of-order queues still
 *    holding driver buffers are dropped (TcpExt OfoPruned): the peers
 *    retransmit them;
 *  - a frame whose headers are not all in its first buffer is copied too
 *    (rx_copy_headers), and one shorter than 60 bytes is copied with
 *    zero padding: lwIP reads some header fields before checking lengths;
 *  - any other frame is lent zero copy: a custom pbuf in the buffer's
 *    headroom, released by rxbuf_free when lwIP is done with it.
 * Frames shorter than their Ethernet or ARP header, or longer than a pbuf
 * chain's 65535 bytes, are dropped here (rx_length_errors): lwIP's
 * etharp_input reads 28 bytes unchecked.
 * Applications compact what they keep (net/core/rxq.h), so a lent buffer is
 * held only while lwIP or a connection's current work needs it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fault.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "lwip/priv/tcp_priv.h"
#include "net/core/counter.h"
#include "net/core/gso.h"
#include "net/core/napi.h"
#include "net/core/net.h"
#include "net/core/netdev_priv.h"
#include "net/core/netstat.h"

#define PRUNE_INTERVAL_NS 100000000ULL /* at most one ooseq sweep per 100 ms */
#define ETH_HLEN 14
#define ETH_ZLEN 60        /* shortest Ethernet frame (IEEE 802.3), FCS not counted */
#define ARP_FRAME (ETH_HLEN + 28) /* an IPv4-over-Ethernet ARP message (RFC 826) */
#define HEADERS_MAX (ETH_HLEN + 60 + 60) /* Ethernet, IPv4 and TCP headers at their longest */

/* Sits in the first NETDEV_RX_HEADROOM bytes of every RX buffer, and at
 * the start of a copy. */
struct rxbuf {
	struct pbuf_custom pc;  /* first: lwIP hands back &pc.pbuf */
	struct netdev *dev;     /* NULL for a copy */
	struct rxbuf *qnext;    /* input backlog link (first buffer of a frame) */
	unsigned flags;         /* NETDEV_RX_* */
};
_Static_assert(sizeof(struct rxbuf) <= NETDEV_RX_HEADROOM, "rxbuf must fit the headroom");

static void rxbuf_free(struct pbuf *p)
{
	struct rxbuf *rb = (struct rxbuf *)p;
	rb->dev->ops->rx_release(rb->dev, rb);
}

/* Short copies come from a free list of fixed slots (a pop and a push,
 * where the heap's malloc and free cost some 90 instructions a frame):
 * at most NETDEV_COPY_POOL_MAX slots are kept, more go back to the heap. */
#define SLOT NETDEV_RX_SLOT
_Static_assert(NETDEV_RX_COPYBREAK + 64 <= SLOT, "a short frame fits a slot");

struct slot {
	struct slot *next;
};
static struct slot *slots;
static int nslots;

int netdev_rx_slots_kept(void)
{
	return nslots;
}

static void copy_free(struct pbuf *p)
{
	free(p);
}

static void slot_free(struct pbuf *p)
{
	if (nslots >= NETDEV_COPY_POOL_MAX) {
		free(p);
		return;
	}
	struct slot *s = (struct slot *)p;
	s->next = slots;
	slots = s;
	nslots++;
}

int netdev_pbuf_lent(const struct pbuf *p)
{
	return (p->flags & PBUF_FLAG_IS_CUSTOM) &&
	       ((const struct pbuf_custom *)p)->custom_free_function == rxbuf_free;
}

/* The frame's bytes in one buffer of its own (a slot, or the heap for a
 * long one), zero-padded to ETH_ZLEN: lwIP reads a few header bytes before
 * it checks a length (ip4_input's version and length fields), and those
 * stay inside the copy.  A PBUF_RAM-typed custom pbuf, so lwIP may write
 * headers in front of the payload it is given (an echo reply goes back in
 * the request's own buffer).  NULL with no memory. */
static struct rxbuf *copy_bytes(const struct netdev_rxfrag *frags, int nfrags, uint32_t len)
{
	uint32_t room = len < ETH_ZLEN ? ETH_ZLEN : len;
	struct rxbuf *rb = NULL;
	void (*release)(struct pbuf *p) = slot_free;
	if (fault_fail(&fault_rx_alloc) || len > 0xffff) {
		rb = NULL;
	} else if (sizeof(*rb) + room <= SLOT) {
		if (slots) {
			rb = (struct rxbuf *)slots;
			slots = slots->next;
			nslots--;
		} else {
			rb = malloc(SLOT);
		}
	} else {
		rb = malloc(sizeof(*rb) + room);
		release = copy_free;
	}
	if (rb) {
		uint8_t *d = (uint8_t *)(rb + 1);
		if (nfrags == 1) {
			memcpy(d, (const uint8_t *)frags[0].buf + frags[0].off, len);
		} else {
			uint8_t *w = d;
			for (int i = 0; i < nfrags; i++) {
				memcpy(w, (const uint8_t *)frags[i].buf + frags[i].off, frags[i].len);
				w += frags[i].len;
			}
		}
		if (room > len)
			memset(d + len, 0, room - len);
		rb->dev = NULL;
		rb->pc.custom_free_function = release;
		pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_RAM, &rb->pc, d, (u16_t)len);
	}
	return rb;
}

/* The same, and the driver's buffers go back to it whether or not the copy
 * succeeded. */
static struct rxbuf *copy_frame(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags,
				uint32_t len)
{
	struct rxbuf *rb = copy_bytes(frags, nfrags, len);
	for (int i = 0; i < nfrags; i++)
		dev->ops->rx_release(dev, frags[i].buf);
	return rb;
}

/* The frame as custom pbufs in the driver's own buffers (zero copy). */
static struct rxbuf *lend_frame(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags)
{
	struct pbuf *head = NULL;
	for (int i = 0; i < nfrags; i++) {
		struct rxbuf *rb = frags[i].buf;
		rb->dev = dev;
		rb->pc.custom_free_function = rxbuf_free;
		struct pbuf *p = pbuf_alloced_custom(PBUF_RAW, (u16_t)frags[i].len, PBUF_REF, &rb->pc,
						     (char *)frags[i].buf + frags[i].off, (u16_t)frags[i].len);
		if (!head)
			head = p;
		else
			pbuf_cat(head, p);
	}
	return frags[0].buf;
}

/* ethtool -S after the driver's counters, and /metrics (nagare_netdev_*). */
#define RX_COUNTER(ord, name, field, help) \
	COUNTER_FIELD(netdev, ord, name, struct netdev_state, field, 0, ALWAYS, help)
RX_COUNTER(10, rx_backlog_drops, rx_backlog_drops, "Frames dropped: input backlog full.");
RX_COUNTER(20, rx_copybreak, rx_copybreak_frames, "Short frames copied, their driver buffer given back at once.");
RX_COUNTER(30, rx_copy_lowbuf, rx_copy_lowbuf, "Frames copied because the driver's free buffers ran low.");
RX_COUNTER(40, rx_copy_headers, rx_copy_headers, "Frames copied because their headers were split over buffers.");
RX_COUNTER(50, rx_copy_nomem, rx_copy_nomem, "Frames dropped: no memory to copy them.");
RX_COUNTER(60, rx_length_errors, rx_length_errors, "Frames dropped: shorter than their Ethernet or ARP header, or over 65535 bytes.");
COUNTER(softnet, 10, processed, softnet.processed, ALWAYS, NULL, "Frames handed to the protocol stack.");
COUNTER(softnet, 20, dropped, softnet.dropped, ALWAYS, NULL, "Frames dropped: input backlog full.");

static void enqueue(struct netdev *dev, struct rxbuf *first, unsigned flags);

/* After the transmit side's (net/core/netdev_tx.c: 70-110). */
RX_COUNTER(200, rx_gro_held, gro.stats.held, "GRO: segments that started a held frame.");
RX_COUNTER(210, rx_gro_merged, gro.stats.merged, "GRO: segments merged into a held frame.");
RX_COUNTER(220, rx_gro_frames, gro.stats.flushed, "GRO: frames handed to the stack (merged or not).");
RX_COUNTER(230, rx_gro_evicted, gro.stats.evicted, "GRO: held frames flushed early to make room for another flow.");
RX_COUNTER(240, rx_gro_nomem, rx_gro_nomem, "GRO: frames dropped, or GRO skipped, for want of memory.");
RX_COUNTER(250, rx_gro_hw, rx_gro_hw, "Frames longer than the MTU: merged by the device (virtio GUEST_TSO4).");

/* gro.c's emit: a held frame, merged or not, leaves its slot as a copy of
 * its own (the slot is reused at once), flagged checked: gro.c checked
 * each segment's TCP sum or the device did, and a merged frame carries
 * only the pseudo-header sum (csum_partial). */
static void gro_emit(void *arg, const struct gro_out *out)
{
	struct netdev *dev = arg;
	struct netdev_state *st = dev->stack;
	struct netdev_rxfrag f = { (void *)(uintptr_t)out->frame, 0, out->len };
	struct rxbuf *rb = copy_bytes(&f, 1, out->len);
	if (!rb) {
		st->rx_gro_nomem++;
		dev->stats.rx_dropped++;
		return;
	}
	enqueue(dev, rb, NETDEV_RX_CSUM_VALID);
}

/* The slots, at the first frame GRO is offered; 0, or -ENOMEM (tried again
 * at the next poll). */
static int gro_setup(struct netdev *dev, struct netdev_state *st)
{
	if (st->gro_mem)
		return 0;
	if (st->gro_nomem)
		return -ENOMEM;
	size_t bytes = (size_t)GRO_MAX_FLOWS * GRO_FRAME_MAX;
	st->gro_mem = malloc(bytes);
	if (!st->gro_mem ||
	    gro_init(&st->gro, st->gro_mem, bytes, GRO_MAX_FLOWS, gro_emit, dev)) {
		free(st->gro_mem);
		st->gro_mem = NULL;
		st->gro_nomem = 1;
		st->rx_gro_nomem++;
		return -ENOMEM;
	}
	st->gro.csum_partial = 1; /* gro_emit's frames go flagged NETDEV_RX_CSUM_VALID */
	return 0;
}

/* Whether an IPv4 frame is for this interface's own address: only those
 * are merged, since one that is forwarded would leave merged, longer than
 * the next link's MTU. */
static int for_us(struct netdev_state *st, const uint8_t *frame, uint32_t len)
{
	const ip4_addr_t *a = netif_ip4_addr(&st->netif);
	return len >= ETH_HLEN + 20 && frame[12] == 0x08 && frame[13] == 0x00 && !ip4_addr_isany(a) &&
	       !memcmp(frame + ETH_HLEN + 16, &a->addr, 4);
}

/* Software GRO (Linux napi_gro_receive), on while dev->features has
 * NETDEV_F_GRO (read at each frame: ethtool -K takes effect at the next
 * one).  A frame in one buffer and no longer than the MTU allows is
 * offered to gro_receive; one it merged or held is copied by then, so its
 * buffer goes back to the driver at once (GRO holds no driver buffer, so
 * it cannot starve the ring).  Any other frame (a device-merged one, or
 * one over several buffers) first flushes what is held, so each flow
 * reaches the stack in order.  1 when the frame was taken. */
static int gro_take(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags, uint32_t len,
		    unsigned flags)
{
	struct netdev_state *st = dev->stack;
	if (len > (uint32_t)dev->mtu + ETH_HLEN)
		st->rx_gro_hw++;
	const uint8_t *frame = (const uint8_t *)frags[0].buf + frags[0].off;
	if (!(dev->features & NETDEV_F_GRO) || !st->admin_up || nfrags != 1 ||
	    len > (uint32_t)dev->mtu + ETH_HLEN || gro_setup(dev, st) || !for_us(st, frame, len)) {
		if (st->gro.nheld)
			gro_flush(&st->gro, 0, 0);
		return 0;
	}
	unsigned gflags = flags & NETDEV_RX_CSUM_VALID ? GRO_CSUM_VALID : 0;
	enum gro_result r = gro_receive(&st->gro, frame, len, gflags, time_ns());
	if (r != GRO_MERGED && r != GRO_HELD)
		return 0; /* the caller delivers it, after anything flushed */
	dev->ops->rx_release(dev, frags[0].buf);
	return 1;
}

/* Cutting a device-merged frame that is not for us. */
#define CUT_MTU_MAX 9000 /* the largest MTU it cuts for (virtio-net's VNET_MAX_MTU) */
RX_COUNTER(260, rx_gro_hw_cut, rx_gro_hw_cut, "Frames merged by the device, not for us: cut back into MTU-sized segments.");

static int cut_emit(void *arg, const uint8_t *seg, uint32_t len)
{
	struct netdev *dev = arg;
	struct netdev_state *st = dev->stack;
	struct netdev_rxfrag f = { (void *)(uintptr_t)seg, 0, len };
	struct rxbuf *rb = copy_bytes(&f, 1, len);
	if (!rb) {
		st->rx_copy_nomem++;
		dev->stats.rx_dropped++;
		return 0; /* the rest may still fit */
	}
	enqueue(dev, rb, NETDEV_RX_CSUM_VALID);
	return 0;
}

/* A frame longer than the MTU (the device merged it: virtio GUEST_TSO4)
 * that is not for this interface's address would be forwarded as it is,
 * longer than any link takes.  It is cut back into segments that fit the
 * MTU, each with whole checksums, as Linux segments a GRO'd skb it
 * forwards (skb_gso_segment at output); each segment is a copy of its own
 * and the driver's buffers go back.  A frame that is not IPv4 TCP with a
 * right IP header checksum goes to lwIP whole (a copy), to be refused
 * there.  Returns 1 when it took the frame. */
static int cut_forwarded(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags, uint32_t len)
{
	static uint8_t whole[0xffff], scratch[GSO_SCRATCH_LEN(CUT_MTU_MAX)];
	struct netdev_state *st = dev->stack;
	if (len <= (uint32_t)dev->mtu + ETH_HLEN || dev->mtu > CUT_MTU_MAX ||
	    (frags[0].len >= ETH_HLEN + 20 && for_us(st, (const uint8_t *)frags[0].buf + frags[0].off, frags[0].len)))
		return 0;
	uint32_t at = 0;
	for (int i = 0; i < nfrags; i++) {
		memcpy(whole + at, (const uint8_t *)frags[i].buf + frags[i].off, frags[i].len);
		at += frags[i].len; /* len <= 0xffff, checked by the caller */
	}
	for (int i = 0; i < nfrags; i++)
		dev->ops->rx_release(dev, frags[i].buf);
	struct tcp4_frame f;
	if (tcp4_frame_parse(whole, len, &f) || !tcp4_frame_csum_ok(whole, &f, 1) ||
	    f.ihl + f.thl >= dev->mtu) {
		cut_emit(dev, whole, len);
		return 1;
	}
	st->rx_gro_hw_cut++;
	uint16_t mss = (uint16_t)(dev->mtu - f.ihl - f.thl);
	gso_segment(whole, len, mss, 0, scratch, sizeof(scratch), cut_emit, dev);
	return 1;
}

void netdev_rx(struct netdev *dev, const struct netdev_rxfrag *frags, int nfrags, unsigned flags)
{
	struct netdev_state *st = dev->stack;
	uint32_t len = 0;
	for (int i = 0; i < nfrags; i++)
		len += frags[i].len;
	const uint8_t *eth = (const uint8_t *)frags[0].buf + frags[0].off;
	if (len < ETH_HLEN || frags[0].len < ETH_HLEN || len > 0xffff ||
	    (eth[12] == 0x08 && eth[13] == 0x06 && len < ARP_FRAME)) {
		/* lwIP's etharp_input reads the 28-byte ARP message unchecked;
		 * a pbuf chain's tot_len is 16 bits (a merged frame's limit) */
		st->rx_length_errors++;
		dev->stats.rx_errors++;
		for (int i = 0; i < nfrags; i++)
			dev->ops->rx_release(dev, frags[i].buf);
		return;
	}
	if (flags & NETDEV_RX_LOWBUF)
		st->rx_pressure = 1;
	if (gro_take(dev, frags, nfrags, len, flags) || cut_forwarded(dev, frags, nfrags, len))
		return;
	struct rxbuf *first;
	if (flags & NETDEV_RX_LOWBUF) {
		st->rx_copy_lowbuf++;
		first = copy_frame(dev, frags, nfrags, len);
	} else if (len <= (uint32_t)st->rx_copybreak || len < ETH_ZLEN) {
		st->rx_copybreak_frames++;
		first = copy_frame(dev, frags, nfrags, len);
	} else if (frags[0].len < (len < HEADERS_MAX ? len : HEADERS_MAX)) {
		st->rx_copy_headers++; /* headers split over buffers: lwIP wants them in one */
		first = copy_frame(dev, frags, nfrags, len);
	} else {
		first = lend_frame(dev, frags, nfrags);
	}
	if (!first) {
		st->rx_copy_nomem++;
		dev->stats.rx_dropped++;
		return;
	}
	enqueue(dev, first, flags);
}

/* The frame at first goes on the input backlog, or is dropped. */
static void enqueue(struct netdev *dev, struct rxbuf *first, unsigned flags)
{
	struct netdev_state *st = dev->stack;
	struct pbuf *head = &first->pc.pbuf;
	first->flags = flags;
	first->qnext = NULL;
	if (!st->admin_up) {
		dev->stats.rx_dropped++;
		pbuf_free(head);
		return;
	}
	if (st->rx_len >= sysctl_netdev_max_backlog) {
		softnet.dropped++;
		st->rx_backlog_drops++;
		dev->stats.rx_dropped++;
		pbuf_free(head);
		return;
	}
	if (st->rx_tail)
		st->rx_tail->qnext = first;
	else
		st->rx_head = first;
	st->rx_tail = first;
	st->rx_len++;
}

void netdev_rx_error(struct netdev *dev)
{
	dev->stats.rx_errors++;
}

void netdev_rx_drain(struct netdev *dev)
{
	struct netdev_state *st = dev->stack;
	struct netif *netif = &st->netif;
	/* The end of a poll: what GRO holds goes on (napi_gro_flush). */
	if (st->gro.nheld)
		gro_flush(&st->gro, 0, 0);
	st->gro_nomem = 0;
	while (st->rx_head) {
		struct rxbuf *rb = st->rx_head;
		st->rx_head = rb->qnext;
		if (!st->rx_head)
			st->rx_tail = NULL;
		st->rx_len--;
		struct pbuf *p = &rb->pc.pbuf;
		dev->stats.rx_packets++;
		dev->stats.rx_bytes += p->tot_len;
		softnet.processed++;
		/* Input is synchronous, so the netif's checksum switches can say
		 * what this one frame needs: the device checked TCP and UDP. */
		u16_t check = NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP;
		if (rb->flags & NETDEV_RX_CSUM_VALID)
			netif->chksum_flags &= ~check;
		else
			netif->chksum_flags |= check;
		if (netif->input(p, netif) != ERR_OK)
			pbuf_free(p);
		if (net_lwip_assert_pending)
			net_lwip_assert_settle();
	}
}

static int ooseq_lent(const struct tcp_pcb *pcb)
{
	for (const struct tcp_seg *s = pcb->ooseq; s; s = s->next) {
		for (const struct pbuf *q = s->p; q; q = q->next) {
			if (netdev_pbuf_lent(q))
				return 1;
		}
	}
	return 0;
}

/* After a poll in which a driver ran low on buffers: out-of-order data
 * still sitting in driver buffers is dropped (never acknowledged, so the
 * peer sends it again), at most once per PRUNE_INTERVAL_NS. */
void netdev_rx_relieve(struct netdev *dev)
{
	static uint64_t last_ns;
	struct netdev_state *st = dev->stack;
	if (!st->rx_pressure)
		return;
	st->rx_pressure = 0;
	uint64_t now = time_ns();
	if (last_ns && now - last_ns < PRUNE_INTERVAL_NS)
		return;
	last_ns = now;
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next) {
		if (pcb->ooseq && ooseq_lent(pcb)) {
			tcp_free_ooseq(pcb);
			netstat_ext.ofo_pruned++;
		}
	}
}
