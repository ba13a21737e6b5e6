/*
 * Software GSO for IPv4 TCP, Linux's semantics (net/ipv4/tcp_offload.c
 * tcp_gso_segment, net/ipv4/af_inet.c inet_gso_segment): every segment
 * copies the Ethernet, IPv4 (options included: GSO is not RFC 791
 * fragmentation, every segment is a whole datagram) and TCP headers, then
 * takes the next mss payload bytes.  Caller: the netdev transmit path when
 * the device or a qdisc cannot take the large frame (issue 12); for now
 * tests/unit/test_gso.c and tests/fuzz/fuzz_offload.c.  Pure.
 */
#include <errno.h>
#include <string.h>

#include "net/core/gso.h"

/* Frames Linux's TCP never builds as TSO/GSO: a SYN (also with data, RFC
 * 7413), a RST, and urgent data, whose pointer is relative to one
 * segment's sequence number (RFC 793 3.1).  Sent whole. */
#define GSO_WHOLE (TCP4_SYN | TCP4_RST | TCP4_URG)

int gso_segment(const uint8_t *frame, uint32_t len, uint16_t mss, unsigned flags,
		uint8_t *scratch, uint32_t scratch_len, gso_emit_fn emit, void *arg)
{
	struct tcp4_frame f;
	int err = tcp4_frame_parse(frame, len, &f);
	if (err)
		return err;
	if (!mss)
		return -EINVAL;
	if (f.paylen <= mss || (f.flags & GSO_WHOLE)) {
		/* tcp_gso_segment: skb->len <= mss, no segments; the skb goes
		 * out as it is (Ethernet padding left off). */
		err = emit(arg, frame, (uint32_t)TCP4_ETH_HLEN + f.iplen);
		return err ? err : 1;
	}
	uint32_t step = mss;
	if (scratch_len < (uint32_t)f.hlen + step)
		return -ENOBUFS; /* checked before the first write */
	memcpy(scratch, frame, f.hlen);
	uint8_t *ip = scratch + TCP4_ETH_HLEN, *th = ip + f.ihl;
	const uint8_t *pay = frame + f.hlen;
	uint16_t id = tcp4_get16(ip + 4);
	int n = 0;
	for (uint32_t off = 0;; off += step) {
		uint32_t seglen = f.paylen - off < step ? f.paylen - off : step;
		int last = off + seglen >= f.paylen;
		uint8_t fl = f.flags;
		if (n)
			fl &= (uint8_t)~TCP4_CWR; /* tcp_gso_segment: th->cwr = 0 after the first */
		if (!last)
			fl &= (uint8_t)~(TCP4_FIN | TCP4_PSH); /* th->fin = th->psh = 0 but the last */
		/* inet_gso_segment: iph->id = htons(id++) per segment, unless
		 * SKB_GSO_TCP_FIXEDID (only GRO sets it, for frames it merged with
		 * one ID; nothing here builds those). */
		tcp4_put16(ip + 4, (uint16_t)(id + n));
		tcp4_put32(th + 4, f.seq + off); /* seq += mss per segment before */
		th[13] = fl;
		memcpy(scratch + f.hlen, pay + off, seglen);
		tcp4_frame_finish(scratch, f.ihl, (uint16_t)(f.ihl + f.thl + seglen),
				  flags & GSO_CSUM_PARTIAL);
		n++;
		err = emit(arg, scratch, f.hlen + seglen);
		if (err)
			return err;
		if (last)
			return n; /* step = mss > 0: every turn takes payload */
	}
}
