/*
 * The Internet checksum's sum, 8 bytes per step (RFC 1071 section 2: the
 * sum is independent of byte order (B) and may be computed in wider words
 * and folded (C)).  A 64-bit accumulator takes each 8-byte load with its
 * end-around carry; folding to 32 and then 16 bits gives the sum of the
 * 16-bit words.  Loads are in host order and at any alignment, so the
 * result is in memory order, as lwIP's own versions return it.
 * bench-rxpath: the IP header and software TCP checksums it replaced
 * (lwIP's 16-bit algorithm 2) cost 2.6 instructions per byte.
 */
#include <stddef.h>

#include "net/core/csum.h"

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w;
	__builtin_memcpy(&w, p, sizeof(w));
	return w;
}

static inline uint64_t add_carry(uint64_t acc, uint64_t w)
{
	acc += w;
	return acc + (acc < w); /* end-around carry */
}

uint16_t csum_sum(const void *data, int len)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	size_t n = len > 0 ? (size_t)len : 0;
	for (; n >= 32; p += 32, n -= 32) {
		acc = add_carry(acc, load64(p));
		acc = add_carry(acc, load64(p + 8));
		acc = add_carry(acc, load64(p + 16));
		acc = add_carry(acc, load64(p + 24));
	}
	for (; n >= 8; p += 8, n -= 8)
		acc = add_carry(acc, load64(p));
	/* 0..7 bytes left: 16-bit words land in any 16-bit lane of acc */
	if (n & 4) {
		uint32_t v;
		__builtin_memcpy(&v, p, 4);
		acc = add_carry(acc, v);
		p += 4;
	}
	if (n & 2) {
		uint16_t v;
		__builtin_memcpy(&v, p, 2);
		acc = add_carry(acc, v);
		p += 2;
	}
	if (n & 1) { /* the word [byte, 0] in memory order */
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		acc = add_carry(acc, (uint64_t)*p << 8);
#else
		acc = add_carry(acc, *p);
#endif
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint16_t csum_ipv4_pseudo(const uint8_t *ip, uint8_t proto, uint16_t l4len)
{
	uint32_t s = proto + l4len;
	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

void csum_ipv4_header_set(uint8_t *ip, unsigned ihl)
{
	ip[10] = ip[11] = 0;
	uint16_t sum;
	if (ihl == 20) { /* the usual header: five 4-byte words, no carry lost in 64 bits */
		uint32_t w[5];
		__builtin_memcpy(w, ip, 20);
		uint64_t acc = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
		acc = (acc & 0xffffffffu) + (acc >> 32);
		acc = (acc & 0xffff) + (acc >> 16);
		acc = (acc & 0xffff) + (acc >> 16);
		acc = (acc & 0xffff) + (acc >> 16);
		sum = (uint16_t)~acc;
	} else {
		sum = (uint16_t)~csum_sum(ip, (int)ihl);
	}
	__builtin_memcpy(ip + 10, &sum, 2); /* memory order, as csum_sum's */
}
