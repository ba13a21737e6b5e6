/*
 * Fuzz target: TSO bundles (net/core/tso.c), which parse every frame the
 * transmit path sends (forwarded ones too: bytes from the wire).  The input
 * is a program; frames are offered as net/core/netdev_tso.c offers them
 * (join the bundle, else end it and start a new one):
 *   0 hb16 len16 bytes   a raw frame of len bytes whose first hb bytes are
 *                        its first piece (the rest one more piece)
 *   1 fl8 len16 v8       the next segment of one flow, built with right
 *                        checksums (tests/unit/tcpseg.c): TCP flags fl,
 *                        payload len % 1461; v's bits change TTL, TOS, DF,
 *                        window, ACK, timestamps, the IP ID step, the
 *                        sequence number
 *   2                    the bundle ends (the round's end)
 * Checks when a bundle ends: its headers parse with the IPv4 total length
 * of every payload (at most 65535), a right IPv4 checksum and the TCP
 * pseudo-header sum; wire bytes and segments add up; and the cut Linux's
 * tcp_gso_segment makes (net/core/gso.c) gives back exactly the frames
 * that joined, each with its checksums made whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/gso.h"
#include "net/core/tso.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/unit/tcpseg.h"

#define MAXLEN (14 + 65535)
#define MAXFRAGS 64 /* NETDEV_TX_MAXFRAGS */

static struct tso_bundle t;
static int active;
static uint8_t *member[TSO_MAX_SEGS];
static uint32_t mlen[TSO_MAX_SEGS];
static uint8_t flat[MAXLEN];
static uint8_t scratch[GSO_SCRATCH_LEN(65535)];
static int cut_n;

static int cut_out(void *arg, const uint8_t *seg, uint32_t len)
{
	(void)arg;
	if (cut_n >= t.segs || len != mlen[cut_n])
		abort();
	/* the member as the device must put it on the wire: checksums whole */
	uint8_t *want = malloc(len);
	memcpy(want, member[cut_n], len);
	tcp4_frame_finish(want, t.first.ihl, (uint16_t)(len - TCP4_ETH_HLEN), 0);
	if (memcmp(seg, want, len))
		abort();
	free(want);
	cut_n++;
	return 0;
}

static void end(void)
{
	if (!active)
		return;
	active = 0;
	tso_finish(&t);
	uint32_t hlen = t.first.hlen, len = hlen, wire = 0;
	memcpy(flat, t.hdr, hlen);
	for (int i = 0; i < t.segs; i++) {
		memcpy(flat + len, member[i] + hlen, mlen[i] - hlen);
		len += mlen[i] - hlen;
		wire += mlen[i];
	}
	struct tcp4_frame f;
	if (wire != t.wire || len - TCP4_ETH_HLEN > 65535 || tcp4_frame_parse(flat, len, &f) ||
	    f.iplen != len - TCP4_ETH_HLEN || !tcpseg_ip_ok(flat) ||
	    tcpseg_get16(flat + TCP4_ETH_HLEN + f.ihl + 16) != tcpseg_pseudo(flat))
		abort();
	/* One segment goes as it came (netdev_tso_flush): nothing to cut. */
	cut_n = 0;
	if (t.segs > 1 && (gso_segment(flat, len, t.first.paylen, 0, scratch, sizeof(scratch), cut_out, NULL) !=
			   t.segs || cut_n != t.segs))
		abort();
	for (int i = 0; i < t.segs; i++)
		free(member[i]);
}

/* Offers frame b (len bytes, the first hb in its first piece). */
static void offer(uint8_t *b, uint32_t hb, uint32_t len)
{
	unsigned more = hb < len;
	if (active && tso_join(&t, b, hb, len, more, MAXLEN, MAXFRAGS)) {
		member[t.segs - 1] = b;
		mlen[t.segs - 1] = len;
		if (t.closed)
			end();
		return;
	}
	end();
	if (tso_start(&t, b, hb, len, more) == 0) {
		active = 1;
		member[0] = b;
		mlen[0] = len;
		return;
	}
	free(b);
}

static uint8_t stream[TSO_MAX_SEGS * 1460 * 2];
static uint32_t next_seq = 1000;
static uint16_t next_id = 7;

static void op_built(struct in *in)
{
	uint8_t fl = u8(in);
	uint16_t plen = u16(in) % 1461;
	uint8_t v = u8(in);
	struct tcpseg s;
	tcpseg_default(&s, 40000, plen);
	tcpseg_timestamps(&s, (v & 0x20) ? 99 : 98, 55);
	s.flags = fl;
	s.seq = next_seq + ((v & 0x80) ? 1 : 0);
	s.id = (uint16_t)(next_id + ((v & 0x40) ? 1 : 0));
	s.ttl = (v & 1) ? 63 : 64;
	s.tos = (v & 2) ? 4 : 0;
	s.df = !(v & 4);
	s.win = (v & 8) ? 1 : 502;
	s.ack = (v & 0x10) ? 5001 : 5000;
	s.payload = stream + (next_seq % 1460);
	uint8_t tmp[14 + 60 + 60 + 1460];
	uint32_t len = tcpseg_build(tmp, &s);
	uint8_t *b = malloc(len);
	memcpy(b, tmp, len);
	next_seq += plen;
	next_id++;
	offer(b, len, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	for (size_t k = 0; k < sizeof(stream); k++)
		stream[k] = (uint8_t)(k * 13 + 1);
	next_seq = 1000;
	next_id = 7;
	active = 0;
	for (int ops = 0; in.n && ops < 200; ops++) {
		switch (u8(&in) % 3) {
		case 0: {
			uint16_t hb = u16(&in);
			size_t n = u16(&in);
			const uint8_t *p = bytes(&in, &n);
			uint8_t *b = malloc(n ? n : 1);
			memcpy(b, p, n);
			offer(b, hb < n ? hb : (uint32_t)n, (uint32_t)n);
			break;
		}
		case 1:
			op_built(&in);
			break;
		default:
			end();
		}
	}
	end();
	return 0;
}
