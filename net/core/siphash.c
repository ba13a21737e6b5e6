/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012, section 2): the key is two little-endian words k0 k1; the message
 * is cut into little-endian 64-bit words, the last one padded with zeros
 * and carrying len mod 256 in its top byte; each word goes through 2
 * SipRounds (compression), then 4 more after v2 ^= 0xff (finalisation).
 * Callers: net/ipv4/tcp_isn.c (RFC 6528 ISN), the SYN-cookie code.
 */
#include "net/core/siphash.h"

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

/* Little-endian load at any alignment: one move on x86 (__builtin_memcpy
 * of a constant 8 is inlined even freestanding); the byte loop it replaced
 * was a third of a SYN cookie's instructions. */
static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t w;
	__builtin_memcpy(&w, p, sizeof(w));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* The paper's SipRound: three ARX half-rounds around a 32-bit rotation. */
static inline void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

/* c = 2 compression rounds per message word. */
static inline void compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
}

void siphash_init(struct siphash_ctx *c, const uint8_t key[SIPHASH_KEY_LEN])
{
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);

	/* The initial constants spell "somepseudorandomlygeneratedbytes". */
	c->v[0] = k0 ^ 0x736f6d6570736575ULL;
	c->v[1] = k1 ^ 0x646f72616e646f6dULL;
	c->v[2] = k0 ^ 0x6c7967656e657261ULL;
	c->v[3] = k1 ^ 0x7465646279746573ULL;
	c->tail = 0;
	c->len = 0;
}

void siphash_update(struct siphash_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	unsigned fill = c->len & 7;     /* bytes already in tail */

	c->len += len;
	if (fill) {
		for (; fill < 8 && len; fill++, len--)
			c->tail |= (uint64_t)*p++ << (8 * fill);
		if (fill < 8)
			return;
		compress(c->v, c->tail);
		c->tail = 0;
	}
	for (; len >= 8; p += 8, len -= 8)
		compress(c->v, load_le64(p));
	for (unsigned i = 0; i < len; i++)
		c->tail |= (uint64_t)p[i] << (8 * i);
}

/* Ends the message; the context must be re-initialised before reuse. */
uint64_t siphash_final(struct siphash_ctx *c)
{
	/* The last word: the 0..7 pending bytes, len mod 256 in the top byte. */
	compress(c->v, c->tail | ((uint64_t)c->len << 56));
	/* d = 4 finalisation rounds. */
	c->v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(c->v);
	return c->v[0] ^ c->v[1] ^ c->v[2] ^ c->v[3];
}

uint64_t siphash_2_4(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
	struct siphash_ctx c;

	siphash_init(&c, key);
	siphash_update(&c, data, len);
	return siphash_final(&c);
}
