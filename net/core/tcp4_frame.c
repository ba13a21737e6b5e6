/*
 * IPv4 TCP frame headers for the offloads (net/core/gso.c, gro.c): one
 * bounded parser (RFC 791 3.1, RFC 793 3.1; every read checked against the
 * frame's length first), and the total length and checksums a segment or
 * a merged frame gets (RFC 1071 sums through net/core/csum.c; the pseudo
 * header of RFC 793 3.1).  Pure (no lwIP, no hardware).
 */
#include <errno.h>

#include "net/core/csum.h"
#include "net/core/tcp4_frame.h"

#define ETHTYPE_IPV4 0x0800
#define PROTO_TCP 6
#define TCP_CSUM_OFF 16

int tcp4_frame_parse(const uint8_t *b, uint32_t len, struct tcp4_frame *f)
{
	if (len < TCP4_ETH_HLEN)
		return -EINVAL;
	if (tcp4_get16(b + 12) != ETHTYPE_IPV4)
		return -EPROTONOSUPPORT;
	if (len < TCP4_ETH_HLEN + 20)
		return -EINVAL;
	const uint8_t *ip = b + TCP4_ETH_HLEN;
	uint32_t ihl = (ip[0] & 0x0fu) * 4, iplen = tcp4_get16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || iplen < ihl || iplen > len - TCP4_ETH_HLEN)
		return -EINVAL;
	if (ip[9] != PROTO_TCP)
		return -EPROTONOSUPPORT;
	if (tcp4_get16(ip + 6) & 0x3fff)
		return -EINVAL; /* MF or a fragment offset: not a whole segment */
	if (iplen < ihl + 20)
		return -EINVAL;
	const uint8_t *th = ip + ihl;
	uint32_t thl = (th[12] >> 4) * 4u;
	if (thl < 20 || ihl + thl > iplen)
		return -EINVAL;
	f->ihl = (uint16_t)ihl;
	f->thl = (uint16_t)thl;
	f->iplen = (uint16_t)iplen;
	f->hlen = (uint16_t)(TCP4_ETH_HLEN + ihl + thl);
	f->paylen = (uint16_t)(iplen - ihl - thl);
	f->flags = th[13];
	f->seq = tcp4_get32(th + 4);
	return 0;
}

/* a + b in ones'-complement arithmetic, folded (RFC 1071 2(B): the sum of
 * memory-order words is itself in memory order). */
static uint16_t add16(uint16_t a, uint16_t b)
{
	uint32_t s = (uint32_t)a + b;
	return (uint16_t)((s & 0xffff) + (s >> 16));
}

/* The pseudo-header sum as a memory-order word, to add to csum_sum's. */
static uint16_t pseudo_mem(const uint8_t *ip, uint16_t l4len)
{
	uint8_t be[2];
	uint16_t w;
	tcp4_put16(be, csum_ipv4_pseudo(ip, PROTO_TCP, l4len));
	__builtin_memcpy(&w, be, 2);
	return w;
}

void tcp4_frame_finish(uint8_t *b, uint16_t ihl, uint16_t iplen, int partial)
{
	uint8_t *ip = b + TCP4_ETH_HLEN, *th = ip + ihl;
	uint16_t l4len = (uint16_t)(iplen - ihl), sum;
	tcp4_put16(ip + 2, iplen);
	csum_ipv4_header_set(ip, ihl);
	if (partial) {
		tcp4_put16(th + TCP_CSUM_OFF, csum_ipv4_pseudo(ip, PROTO_TCP, l4len));
		return;
	}
	tcp4_put16(th + TCP_CSUM_OFF, 0);
	sum = (uint16_t)~add16(csum_sum(th, l4len), pseudo_mem(ip, l4len));
	__builtin_memcpy(th + TCP_CSUM_OFF, &sum, 2);
}

int tcp4_frame_csum_ok(const uint8_t *b, const struct tcp4_frame *f, int tcp_valid)
{
	const uint8_t *ip = b + TCP4_ETH_HLEN;
	if (csum_sum(ip, f->ihl) != 0xffff)
		return 0;
	if (tcp_valid)
		return 1;
	uint16_t l4len = (uint16_t)(f->iplen - f->ihl);
	return add16(csum_sum(ip + f->ihl, l4len), pseudo_mem(ip, l4len)) == 0xffff;
}
