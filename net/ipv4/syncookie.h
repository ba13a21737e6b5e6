/*
 * SYN cookies (RFC 4987 3.6; Linux net/ipv4/syncookies.c's scheme): the
 * listener answers a SYN with a SYN-ACK whose sequence number encodes
 * what it would have kept, and rebuilds the connection from the ACK.
 * Pure logic (no lwIP, no clock): the caller passes the time counter and
 * the keys.  Keyed hash: SipHash-2-4 (net/core/siphash.h).
 */
#ifndef NET_SYNCOOKIE_H
#define NET_SYNCOOKIE_H

#include <stdint.h>

#define SYNCOOKIE_WINDOW_SEC 64  /* one counter step; a cookie is valid for this and the last */
#define SYNCOOKIE_KEY_LEN 16

/* The connection a cookie describes (addresses and ports as on the wire,
 * network byte order; the client's ISN is host order). */
struct syncookie_tuple {
	uint32_t saddr, daddr;   /* client, server */
	uint16_t sport, dport;
	uint32_t client_isn;     /* the SYN's sequence number */
};

/* What the SYN asked for, to restore from the ACK. */
struct syncookie_opts {
	uint16_t mss;            /* MSS to use: one of syncookie_mss_table */
	int wscale_ok;           /* window scaling offered ... */
	uint8_t snd_wscale;      /* ... with this shift (0-14) */
	int sack_ok;             /* SACK permitted */
	int ecn_ok;              /* ECN (carried, not used by lwIP) */
};

/* Linux's MSS table for IPv4 (msstab[] in net/ipv4/syncookies.c). */
extern const uint16_t syncookie_mss_table[4];

/* Keys for the current and previous windows; rotated by the caller every
 * window (the key for counter c is keys[c & 1]). */
struct syncookie_keys {
	uint8_t key[2][SYNCOOKIE_KEY_LEN];
};

/* The largest table MSS not above the client's (the smallest entry if the
 * client's is lower still): the index that goes into the cookie. */
int syncookie_mss_index(uint16_t client_mss);

/* Our ISN for the SYN-ACK: counter in the top 8 bits after the hash,
 * MSS index in the low bits (Linux's layout: hash1 + client_isn +
 * (count << 24) + ((hash2 + data) & 0xffffff), data = mss_index).
 * Both hashes are the low 32 bits of SipHash-2-4 under the window's key
 * keys[counter & 1]: hash1 over saddr, daddr, sport, dport (12 bytes as
 * stored), hash2 over the same 12 bytes and the byte counter & 0xff.
 * Only counter mod 2^8 matters (a free-running counter is fine); an
 * mss_index outside 0-3 is taken as 0. */
uint32_t syncookie_make(const struct syncookie_keys *k, const struct syncookie_tuple *t,
			uint32_t counter, int mss_index);
/* Checks the cookie in an ACK (ack_seq - 1 is our ISN; the tuple's
 * client_isn is seq - 1).  Valid for counter and counter - 1 (mod 2^8:
 * counter 0 accepts a cookie made at 255); each is tried with its own
 * key.  Returns the MSS index, or -1 if stale, tampered or for another
 * tuple.  As in Linux, the index is added in the clear: an error of +-1
 * to +-3 in the cookie or client_isn can move it to a neighbouring valid
 * index instead of -1; every other single-bit change is rejected. */
int syncookie_check(const struct syncookie_keys *k, const struct syncookie_tuple *t,
		    uint32_t counter, uint32_t cookie);

/* TCP timestamps (when the client sent them): Linux keeps window scale,
 * SACK-permitted and ECN in the low 6 bits of the SYN-ACK's TSval
 * (cookie_init_timestamp): bits 0-3 wscale (15 = no scaling), 4 SACK,
 * 5 ECN.  base_ms is the clock; the result is the latest value with
 * those low bits at or below base_ms - 1 (so base_ms - 64 .. base_ms - 1,
 * mod 2^32): later TSvals from the clock never go backwards. */
uint32_t syncookie_ts_make(uint32_t base_ms, const struct syncookie_opts *o);
/* From the TSecr the client echoes; 0, or -1 if the bits are invalid.
 * Sets wscale_ok/snd_wscale/sack_ok/ecn_ok, leaves mss alone.  Every one
 * of the 64 patterns is valid in this layout (4 bits hold 0-14 or 15),
 * so today it always returns 0; syncookie_ts_make clamps a shift above
 * 14 to 14 (RFC 7323 section 2.3) so it never collides with 15. */
int syncookie_ts_decode(uint32_t tsecr, struct syncookie_opts *o);

#endif
