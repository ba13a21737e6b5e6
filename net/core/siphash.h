/*
 * SipHash-2-4, the keyed 64-bit PRF for short inputs (Aumasson and
 * Bernstein, "SipHash: a fast short-input PRF", 2012): the secret hash
 * behind RFC 6528 ISNs (net/ipv4/tcp_isn.c) and SYN cookies.  Pure: no
 * hardware, no lwIP, no clock; builds in the kernel and on the host.
 */
#ifndef NET_SIPHASH_H
#define NET_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16      /* bytes */

/* One call: SipHash-2-4 of data[0..len) under the 128-bit key. */
uint64_t siphash_2_4(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len);

/*
 * Streaming: init, any number of updates, final; equal to siphash_2_4 of
 * the concatenated data.  For hashing header fields without packing them
 * into a buffer first (4-tuple + counter for a SYN cookie).
 */
struct siphash_ctx {
	uint64_t v[4];          /* internal state v0..v3 */
	uint64_t tail;          /* pending bytes, little-endian, < 8 of them */
	size_t len;             /* bytes absorbed so far (only len mod 256 is hashed) */
};

void siphash_init(struct siphash_ctx *c, const uint8_t key[SIPHASH_KEY_LEN]);
void siphash_update(struct siphash_ctx *c, const void *data, size_t len);
uint64_t siphash_final(struct siphash_ctx *c);

#endif
