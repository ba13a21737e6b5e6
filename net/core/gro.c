/*
 * GRO for IPv4 TCP: Linux's rules (net/core/gro.c dev_gro_receive,
 * net/ipv4/af_inet.c inet_gro_receive, net/ipv4/tcp_offload.c
 * tcp_gro_receive) over flat frames.  A segment joins a held flow of the
 * same Ethernet header, addresses and ports when it carries the flow's next
 * sequence number, the same ACK, window, data offset and option bytes
 * (timestamps too), the same flags but CWR/PSH/FIN, the same TOS, TTL and
 * DF, the next IP ID (or the same one under DF, RFC 6864 4.1), no more
 * payload than the first segment's, and the merged datagram stays within
 * 65535 bytes.  Caller: the NAPI poll path (net/core/netdev_rx.c), per
 * device, flushed at the end of each poll.
 */
#include <errno.h>
#include <string.h>

#include "net/core/gro.h"

#define IP_DF 0x40       /* in the flags/offset word's first byte */
#define IP_RESERVED 0x80 /* the flag RFC 791 keeps zero */
#define GRO_NEVER (TCP4_SYN | TCP4_RST | TCP4_URG | TCP4_PSH | TCP4_FIN)

int gro_init(struct gro_table *t, uint8_t *mem, size_t mem_len, unsigned nslots,
	     gro_emit_fn emit, void *arg)
{
	if (!nslots || nslots > GRO_MAX_FLOWS || mem_len / nslots < GRO_SLOT_MIN)
		return -EINVAL;
	size_t cap = mem_len / nslots;
	if (cap > GRO_FRAME_MAX)
		cap = GRO_FRAME_MAX;
	memset(t, 0, sizeof(*t));
	for (unsigned i = 0; i < nslots; i++)
		t->flow[i].buf = mem + i * cap;
	t->nslots = nslots;
	t->cap = (uint32_t)cap;
	t->emit = emit;
	t->arg = arg;
	return 0;
}

/* The held flow F belongs to: the same MAC header (dev_gro_receive
 * compares it), protocol, addresses (inet_gro_receive) and ports
 * (tcp_gro_lookup).  Both frames parsed, so these bytes are there. */
static struct gro_flow *lookup(struct gro_table *t, const uint8_t *b, const struct tcp4_frame *f)
{
	const uint8_t *ip = b + TCP4_ETH_HLEN, *th = ip + f->ihl;
	for (unsigned i = 0; i < t->nslots; i++) {
		struct gro_flow *p = &t->flow[i];
		if (!p->len)
			continue;
		const uint8_t *ip2 = p->buf + TCP4_ETH_HLEN, *th2 = ip2 + 20;
		if (!memcmp(b, p->buf, TCP4_ETH_HLEN) && !memcmp(ip + 12, ip2 + 12, 8) &&
		    !memcmp(th, th2, 4))
			return p;
	}
	return NULL;
}

/* Whether F may be merged or held at all: inet_gro_receive takes only a
 * 20-byte header (*(u8 *)iph == 0x45) with a right checksum and a total
 * length that is the whole frame (Ethernet padding flushes) and no flag
 * but DF ((id & ~IP_DF), MF and offsets are refused by the parser); TCP's
 * checksum is checked (tcp4_gro_receive) unless the device did; and
 * tcp_gro_receive never merges nor holds a segment without payload or with
 * URG, PSH, RST, SYN or FIN (its out_check_final flush). */
static int mergeable(const uint8_t *b, uint32_t len, const struct tcp4_frame *f, unsigned flags)
{
	const uint8_t *ip = b + TCP4_ETH_HLEN;
	return f->ihl == 20 && f->iplen == len - TCP4_ETH_HLEN && f->paylen && !(ip[6] & IP_RESERVED) &&
	       tcp4_frame_csum_ok(b, f, flags & GRO_CSUM_VALID);
}

/* tcp_gro_receive's and inet_gro_receive's flush tests between the held
 * flow p and F (mergeable, same flow): 1 when F may join p. */
static int may_join(const struct gro_table *t, struct gro_flow *p, const uint8_t *b,
		    const struct tcp4_frame *f)
{
	const uint8_t *ip = b + TCP4_ETH_HLEN, *th = ip + 20;
	const uint8_t *ip2 = p->buf + TCP4_ETH_HLEN, *th2 = ip2 + 20;
	uint32_t thl2 = p->hlen - TCP4_ETH_HLEN - 20;
	if (f->flags & TCP4_CWR)
		return 0; /* flags & TCP_FLAG_CWR */
	if ((f->flags ^ th2[13]) & (uint8_t)~(TCP4_CWR | TCP4_FIN | TCP4_PSH))
		return 0;
	/* The rest of the flag word (data offset, window), the ACK, and every
	 * option byte, timestamps included, must be the same. */
	if (f->thl != thl2 || memcmp(th + 14, th2 + 14, 2) || memcmp(th + 8, th2 + 8, 4) ||
	    memcmp(th + 20, th2 + 20, f->thl - 20))
		return 0;
	/* "All fields must match except length and checksum": TOS, TTL, DF */
	if (ip[1] != ip2[1] || ip[8] != ip2[8] || ((ip[6] ^ ip2[6]) & IP_DF))
		return 0;
	/* The ID: the first one's plus the segments held; or, under DF and
	 * decided at the second segment, the first one's (inet_gro_flush). */
	uint16_t id = tcp4_get16(ip + 4), id0 = tcp4_get16(ip2 + 4);
	int fixed = p->fixed_id || (p->segs == 1 && (ip[6] & IP_DF) && id == id0);
	if (id != (uint16_t)(id0 + (fixed ? 0 : p->segs)))
		return 0;
	/* (len - 1) >= mss; the next sequence number; skb_gro_receive's
	 * -E2BIG at 64 KiB of IP; and our slot. */
	if (f->paylen > p->mss || f->seq != p->next_seq)
		return 0;
	if (p->len + f->paylen > t->cap || p->len - TCP4_ETH_HLEN + f->paylen > TCP4_IP_MAXLEN)
		return 0;
	p->fixed_id = (uint8_t)fixed;
	return 1;
}

/* Hands p to emit and frees its slot; a merged frame first gets its total
 * length and checksums (tcp_gro_complete leaves the TCP sum to
 * CHECKSUM_PARTIAL; so do we with csum_partial, else it is made whole). */
static void flush_one(struct gro_table *t, struct gro_flow *p)
{
	if (p->segs > 1)
		tcp4_frame_finish(p->buf, 20, (uint16_t)(p->len - TCP4_ETH_HLEN), t->csum_partial);
	struct gro_out out = { p->buf, p->len, p->segs, p->mss };
	t->emit(t->arg, &out);
	t->stats.flushed++;
	t->nheld--;
	p->len = 0;
}

static struct gro_flow *oldest(struct gro_table *t)
{
	struct gro_flow *o = NULL;
	for (unsigned i = 0; i < t->nslots; i++) {
		struct gro_flow *p = &t->flow[i];
		if (p->len && (!o || (int32_t)(p->order - o->order) < 0))
			o = p;
	}
	return o;
}

/* F (mergeable, fits a slot) becomes a held flow; with every slot in use
 * the oldest is flushed first (dev_gro_receive: gro_flush_oldest). */
static void hold(struct gro_table *t, const uint8_t *b, const struct tcp4_frame *f, uint64_t now)
{
	struct gro_flow *p = NULL;
	if (t->nheld == t->nslots) {
		p = oldest(t);
		flush_one(t, p);
		t->stats.evicted++;
	} else {
		for (unsigned i = 0; !p && i < t->nslots; i++) /* nheld < nslots: one is free */
			if (!t->flow[i].len)
				p = &t->flow[i];
	}
	memcpy(p->buf, b, (size_t)TCP4_ETH_HLEN + f->iplen);
	p->len = TCP4_ETH_HLEN + f->iplen;
	p->hlen = f->hlen;
	p->mss = f->paylen;
	p->segs = 1;
	p->fixed_id = 0;
	p->next_seq = f->seq + f->paylen;
	p->since = now;
	p->order = t->order++;
	t->nheld++;
	if (t->nheld > t->stats.held_max)
		t->stats.held_max = t->nheld;
	t->stats.held++;
}

static enum gro_result pass(struct gro_table *t, enum gro_result r)
{
	t->stats.passed++;
	return r;
}

enum gro_result gro_receive(struct gro_table *t, const uint8_t *frame, uint32_t len,
			    unsigned flags, uint64_t now)
{
	struct tcp4_frame f;
	if (tcp4_frame_parse(frame, len, &f))
		return pass(t, GRO_PASS); /* not a whole IPv4 TCP segment */
	struct gro_flow *p = lookup(t, frame, &f);
	int ok = mergeable(frame, len, &f, flags);
	if (p && ok && may_join(t, p, frame, &f)) {
		memcpy(p->buf + p->len, frame + f.hlen, f.paylen);
		p->len += f.paylen;
		p->next_seq += f.paylen;
		p->segs++;
		t->stats.merged++;
		/* tcp_flag_word(th2) |= flags & (FIN | PSH); then flushed with
		 * them, or when shorter than mss (the last of a burst). */
		p->buf[TCP4_ETH_HLEN + 20 + 13] |= f.flags & (TCP4_FIN | TCP4_PSH);
		if ((f.flags & GRO_NEVER) || f.paylen < p->mss)
			flush_one(t, p);
		return GRO_MERGED;
	}
	/* F does not join its flow: what is held goes first, so the stack
	 * sees the flow in order (Linux passes some such F, with IP options,
	 * ahead of the held skb; we flush for every F of the flow). */
	if (p)
		flush_one(t, p);
	if (!ok || (f.flags & GRO_NEVER) || (uint32_t)TCP4_ETH_HLEN + f.iplen > t->cap)
		return pass(t, p ? GRO_FLUSH_PASS : GRO_PASS);
	hold(t, frame, &f, now);
	return GRO_HELD;
}

void gro_flush(struct gro_table *t, uint64_t now, uint64_t min_age)
{
	/* Oldest first, as napi_gro_flush walks its lists from the tail. */
	struct gro_flow *by_age[GRO_MAX_FLOWS];
	unsigned n = 0;
	for (unsigned i = 0; i < t->nslots; i++) {
		struct gro_flow *p = &t->flow[i];
		if (!p->len || (min_age && (now < p->since || now - p->since < min_age)))
			continue;
		unsigned j = n++;
		for (; j && (int32_t)(by_age[j - 1]->order - p->order) > 0; j--)
			by_age[j] = by_age[j - 1];
		by_age[j] = p;
	}
	for (unsigned i = 0; i < n; i++)
		flush_one(t, by_age[i]);
}
