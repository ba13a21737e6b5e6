/*
 * SYN cookies (RFC 4987 section 3.6), laid out as Linux's
 * net/ipv4/syncookies.c: cookie = H1 + client_isn + (counter << 24) +
 * ((H2 + mss_index) & 0xffffff).  H1 and H2 are SipHash-2-4 (net/core/siphash.c)
 * under the key of the window that made the cookie; the TCP timestamp
 * carries window scale, SACK and ECN in its low 6 bits.  Pure: the caller
 * passes the counter (the clock / SYNCOOKIE_WINDOW_SEC) and rotates keys.
 * Callers: the listener's SYN and ACK paths in the lwIP glue.
 */
#include <string.h>

#include "net/core/siphash.h"
#include "net/ipv4/syncookie.h"

#define COOKIE_BITS 24                          /* below the counter byte */
#define COOKIE_MASK ((1u << COOKIE_BITS) - 1)
#define TS_BITS 6                               /* options in the TSval */
#define TS_MASK ((1u << TS_BITS) - 1)
#define TS_WSCALE_NONE 0xfu                     /* bits 0-3: no window scaling */
#define TS_SACK (1u << 4)
#define TS_ECN (1u << 5)
#define WSCALE_MAX 14                           /* RFC 7323 section 2.3 */

const uint16_t syncookie_mss_table[4] = { 536, 1300, 1440, 1460 };

/* The 4-tuple's bytes as stored (network byte order from the caller). */
static void tuple_bytes(const struct syncookie_tuple *t, uint8_t b[12])
{
	memcpy(b, &t->saddr, 4);
	memcpy(b + 4, &t->daddr, 4);
	memcpy(b + 8, &t->sport, 2);
	memcpy(b + 10, &t->dport, 2);
}

/* H1: the tuple alone.  H2: the tuple and the counter byte, so the two
 * are different inputs (12 and 13 bytes) to the PRF.  Both start with the
 * same 8 bytes under the same key: that block is compressed once. */
static void hashes(const uint8_t *key, const struct syncookie_tuple *t, uint8_t count,
		   uint32_t *h1, uint32_t *h2)
{
	uint8_t b[12];
	struct siphash_ctx c1, c2;
	tuple_bytes(t, b);
	siphash_init(&c1, key);
	siphash_update(&c1, b, 8);
	c2 = c1;
	siphash_update(&c1, b + 8, 4);
	*h1 = (uint32_t)siphash_final(&c1);
	siphash_update(&c2, b + 8, 4);
	siphash_update(&c2, &count, 1);
	*h2 = (uint32_t)siphash_final(&c2);
}

int syncookie_mss_index(uint16_t client_mss)
{
	int i = 3;
	while (i > 0 && syncookie_mss_table[i] > client_mss)
		i--;
	return i;
}

uint32_t syncookie_make(const struct syncookie_keys *k, const struct syncookie_tuple *t,
			uint32_t counter, int mss_index)
{
	uint8_t count = (uint8_t)counter;
	uint32_t data = (unsigned)mss_index < 4 ? (uint32_t)mss_index : 0, h1, h2;

	hashes(k->key[counter & 1], t, count, &h1, &h2);
	return h1 + t->client_isn + ((uint32_t)count << COOKIE_BITS) + ((h2 + data) & COOKIE_MASK);
}

/*
 * H1 depends on the window's key, so it cannot be removed before the
 * window is known: try the current window, then the previous one, each
 * with its own key.  A window matches if the counter byte left after
 * removing H1 and the client ISN is that window's; then H2 (which has no
 * bits above 23 to disturb) must leave a valid index.
 */
int syncookie_check(const struct syncookie_keys *k, const struct syncookie_tuple *t,
		    uint32_t counter, uint32_t cookie)
{
	for (uint32_t age = 0; age < 2; age++) {
		uint8_t count = (uint8_t)(counter - age);      /* mod 2^8: 0 - 1 is 255 */
		uint32_t h1, h2;
		hashes(k->key[count & 1], t, count, &h1, &h2);
		uint32_t v = cookie - h1 - t->client_isn;

		if ((v >> COOKIE_BITS) != count)
			continue;
		uint32_t data = (v - h2) & COOKIE_MASK;
		if (data < 4)
			return (int)data;
	}
	return -1;
}

/* Linux's cookie_init_timestamp, one millisecond earlier: the newest
 * value <= base_ms - 1 whose low 6 bits are the options. */
uint32_t syncookie_ts_make(uint32_t base_ms, const struct syncookie_opts *o)
{
	uint32_t opts = TS_WSCALE_NONE;
	if (o->wscale_ok)
		opts = o->snd_wscale > WSCALE_MAX ? WSCALE_MAX : o->snd_wscale;
	if (o->sack_ok)
		opts |= TS_SACK;
	if (o->ecn_ok)
		opts |= TS_ECN;

	uint32_t now = base_ms - 1;
	uint32_t ts = (now & ~TS_MASK) | opts;
	if (ts > now)           /* same 64-block, so no wrap in the compare */
		ts -= 1u << TS_BITS;
	return ts;
}

/* Linux's cookie_timestamp_decode and cookie_ecn_ok, minus the sysctl
 * checks (the caller's policy). */
int syncookie_ts_decode(uint32_t tsecr, struct syncookie_opts *o)
{
	uint32_t ws = tsecr & TS_WSCALE_NONE;

	o->wscale_ok = ws != TS_WSCALE_NONE;
	o->snd_wscale = o->wscale_ok ? (uint8_t)ws : 0;
	o->sack_ok = (tsecr & TS_SACK) != 0;
	o->ecn_ok = (tsecr & TS_ECN) != 0;
	return 0;
}
