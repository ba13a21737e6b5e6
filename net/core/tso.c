/*
 * TSO bundles: which of lwIP's segments may travel as one large frame.  The
 * rule is that a device (or net/core/gso.c, Linux's tcp_gso_segment) cutting
 * the bundle at the first segment's payload size gives back exactly the
 * segments lwIP built: every header field the cut copies from the first
 * segment must already be the same in each (Ethernet header, TOS, DF, TTL,
 * addresses, ports, ACK, data offset, window, urgent pointer, option bytes
 * with the timestamps), the fields it advances must advance as it advances
 * them (the sequence number by the payload before, the IP ID by one per
 * segment, RFC 6864's non-atomic datagrams), and the flags it moves (PSH
 * and FIN, kept on the last segment only) may only be on the last.  CWR and
 * ECE are not bundled at all: the cut keeps CWR on the first segment only.
 * Callers: net/core/netdev_tx.c; tests/unit/test_tso.c.
 */
#include <errno.h>
#include <string.h>

#include "net/core/tso.h"

#define IP_LEN_OFF 2
#define IP_ID_OFF 4
#define TCP_SEQ_OFF 4
#define TCP_FLAGS_OFF 13

/* Parses the frame's headers from a copy of its first n = min(hbytes,
 * TCP4_MAX_HLEN) bytes in h, so nothing is read past hbytes and the frame
 * is not written.  The frame must be whole: its IPv4 total length is len
 * less the Ethernet header (no padding). */
static int parse(uint8_t *h, const uint8_t *b, uint32_t hbytes, uint32_t len, struct tcp4_frame *f)
{
	uint32_t n = hbytes < TCP4_MAX_HLEN ? hbytes : TCP4_MAX_HLEN;
	if (hbytes > len || n < TCP4_ETH_HLEN + 4 || len - TCP4_ETH_HLEN > TCP4_IP_MAXLEN)
		return -EINVAL;
	memcpy(h, b, n);
	uint16_t claimed = tcp4_get16(h + TCP4_ETH_HLEN + IP_LEN_OFF);
	if (claimed != len - TCP4_ETH_HLEN)
		return -EINVAL;
	/* tcp4_frame_parse checks each header against the total length: show
	 * it the copy's, so headers past the copy fail to parse. */
	uint16_t seen = (uint16_t)(claimed < n - TCP4_ETH_HLEN ? claimed : n - TCP4_ETH_HLEN);
	tcp4_put16(h + TCP4_ETH_HLEN + IP_LEN_OFF, seen);
	int err = tcp4_frame_parse(h, TCP4_ETH_HLEN + seen, f);
	tcp4_put16(h + TCP4_ETH_HLEN + IP_LEN_OFF, claimed);
	if (err)
		return -EINVAL; /* not IPv4 TCP, malformed, or headers past hbytes */
	f->iplen = claimed;
	f->paylen = (uint16_t)(claimed - f->ihl - f->thl);
	return 0;
}

/* Device fragments of a payload: the rest of the first piece, then more. */
static unsigned pieces(const struct tcp4_frame *f, uint32_t hbytes, unsigned more)
{
	return (hbytes > f->hlen) + more;
}

int tso_start(struct tso_bundle *t, const uint8_t *b, uint32_t hbytes, uint32_t len, unsigned more)
{
	if (parse(t->hdr, b, hbytes, len, &t->first))
		return -EINVAL;
	const struct tcp4_frame *f = &t->first;
	unsigned payfrags = pieces(f, hbytes, more);
	/* ECT frames are left alone: a device without HOST_ECN may not be
	 * handed them (virtio 1.1 5.1.6.2), and a CE mark is per segment. */
	if (f->ihl != 20 || !f->paylen || f->flags != TCP4_ACK || !payfrags || (t->hdr[TCP4_ETH_HLEN + 1] & 3))
		return -EINVAL;
	t->next_seq = f->seq + f->paylen;
	t->paylen = f->paylen;
	t->wire = len;
	t->segs = 1;
	t->nfrags = (uint16_t)(1 + payfrags);
	t->last_flags = 0;
	t->closed = 0;
	return 0;
}

/* The header bytes the cut does not copy from the first segment, for the
 * IHL of 20 tso_start requires: the IP total length, ID and header
 * checksum, and the TCP sequence number, flags and checksum.  Every other
 * byte up to the end of the TCP options must be the first's: that fixes
 * IHL, protocol, fragment fields and data offset too. */
#define IP0 TCP4_ETH_HLEN
#define TCP0 (TCP4_ETH_HLEN + 20)
static const uint8_t cut_sets[TCP4_MAX_HLEN] = {
	[IP0 + 2] = 0xff, [IP0 + 3] = 0xff, [IP0 + 4] = 0xff, [IP0 + 5] = 0xff, [IP0 + 10] = 0xff,
	[IP0 + 11] = 0xff, [TCP0 + 4] = 0xff, [TCP0 + 5] = 0xff, [TCP0 + 6] = 0xff, [TCP0 + 7] = 0xff,
	[TCP0 + 13] = 0xff, [TCP0 + 16] = 0xff, [TCP0 + 17] = 0xff,
};

static uint64_t load64(const uint8_t *p)
{
	uint64_t x;
	__builtin_memcpy(&x, p, 8); /* inlined: the kernel's memcmp goes byte by byte */
	return x;
}

/* 1 when the frame at h has every byte the cut copies from the first
 * segment's headers a, hlen bytes long (at least 54), from byte `from` (a
 * multiple of 8 below 48) on: 8 bytes at a time, masked, the last 8
 * overlapping the word before; nothing past hlen. */
static int same_headers(const uint8_t *a, const uint8_t *h, uint32_t hlen, uint32_t from)
{
	uint64_t diff = 0;
	uint32_t i = from;
	for (; i + 8 <= hlen; i += 8)
		diff |= (load64(a + i) ^ load64(h + i)) & ~load64(cut_sets + i);
	if (i < hlen) {
		i = hlen - 8;
		diff |= (load64(a + i) ^ load64(h + i)) & ~load64(cut_sets + i);
	}
	return !diff;
}

/* tso_join, the bytes before `from` known to be the first's. */
static int join(struct tso_bundle *t, const uint8_t *b, uint32_t hbytes, uint32_t len, unsigned more,
		uint32_t max_wire, unsigned max_frags, uint32_t from)
{
	const struct tcp4_frame *f0 = &t->first;
	/* The frame's headers are read in place: they must all be within
	 * hbytes, and with the first's bytes (same_headers) they have its
	 * IHL, data offset, protocol and no fragment fields; what is left to
	 * read is its length, ID, sequence number and flags. */
	if (t->closed || t->segs >= TSO_MAX_SEGS || hbytes < f0->hlen || hbytes > len ||
	    len - TCP4_ETH_HLEN > TCP4_IP_MAXLEN || !same_headers(t->hdr, b, f0->hlen, from))
		return 0;
	const uint8_t *ip = b + TCP4_ETH_HLEN, *th = ip + f0->ihl;
	uint32_t iplen = tcp4_get16(ip + IP_LEN_OFF);
	if (iplen != len - TCP4_ETH_HLEN || iplen <= (uint32_t)f0->ihl + f0->thl)
		return 0; /* padding, or no payload */
	uint32_t paylen = iplen - f0->ihl - f0->thl;
	uint8_t flags = th[TCP_FLAGS_OFF];
	unsigned payfrags = pieces(f0, hbytes, more); /* its headers are the first's length */
	if (paylen > f0->paylen || !payfrags || (flags & (uint8_t)~(TCP4_PSH | TCP4_FIN)) != TCP4_ACK ||
	    tcp4_get32(th + TCP_SEQ_OFF) != t->next_seq)
		return 0;
	if (tcp4_get16(ip + IP_ID_OFF) != (uint16_t)(tcp4_get16(t->hdr + TCP4_ETH_HLEN + IP_ID_OFF) + t->segs))
		return 0;
	if ((uint32_t)f0->ihl + f0->thl + t->paylen + paylen > TCP4_IP_MAXLEN || t->wire + len > max_wire ||
	    t->nfrags + payfrags > max_frags)
		return 0;
	t->next_seq += paylen;
	t->paylen += paylen;
	t->wire += len;
	t->segs++;
	t->nfrags = (uint16_t)(t->nfrags + payfrags);
	t->last_flags = flags & (TCP4_PSH | TCP4_FIN);
	/* Only the last segment may be short or carry PSH/FIN. */
	t->closed = paylen < f0->paylen || t->last_flags;
	return 1;
}

int tso_join(struct tso_bundle *t, const uint8_t *b, uint32_t hbytes, uint32_t len, unsigned more,
	     uint32_t max_wire, unsigned max_frags)
{
	return join(t, b, hbytes, len, more, max_wire, max_frags, 0);
}

/* The Ethernet header and the IPv4 header up to its destination address's
 * first half are 32 bytes: the rest of the destination is compared with
 * the TCP header, a word costing less than an unaligned start. */
int tso_join_l4(struct tso_bundle *t, const uint8_t *b, uint32_t hbytes, uint32_t len, unsigned more,
		uint32_t max_wire, unsigned max_frags)
{
	return join(t, b, hbytes, len, more, max_wire, max_frags, 32);
}

void tso_finish(struct tso_bundle *t)
{
	uint8_t *th = t->hdr + TCP4_ETH_HLEN + t->first.ihl;
	th[TCP_FLAGS_OFF] |= t->last_flags;
	tcp4_frame_finish(t->hdr, t->first.ihl, (uint16_t)(t->first.ihl + t->first.thl + t->paylen), 1);
}
