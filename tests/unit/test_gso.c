/*
 * net/core/gso.c: software GSO for IPv4 TCP against a reference split
 * computed here (tests/unit/tcpseg.c builds and checks frames on its own):
 * sequence numbers, IP IDs, lengths, both checksums (whole, or the
 * pseudo-header sum for the device), CWR on the first segment only, PSH
 * and FIN on the last only, options copied to every segment; frames not
 * split passed on as they came; and every malformed frame refused before
 * anything is emitted,
 * read from a buffer of exactly its length (ASan sees any read past it).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/gso.h"
#include "tests/unit/tcpseg.h"
#include "tests/unit/unit.h"

#define MAXSEG 70000

static uint8_t frame[14 + 65535 + 64]; /* the frame under test */

/* What emit received: every segment, copied. */
static struct {
	uint8_t *seg[MAXSEG];
	uint32_t len[MAXSEG];
	int n;
	int fail_at; /* emit returns -EIO on this call (1-based); 0: never */
} got;

static int collect(void *arg, const uint8_t *seg, uint32_t len)
{
	(void)arg;
	ck_assert_int_lt(got.n, MAXSEG);
	if (got.fail_at && got.n + 1 == got.fail_at)
		return -EIO;
	got.seg[got.n] = malloc(len);
	memcpy(got.seg[got.n], seg, len);
	got.len[got.n++] = len;
	return 0;
}

static void reset(void)
{
	for (int i = 0; i < got.n; i++)
		free(got.seg[i]);
	got.n = 0;
	got.fail_at = 0;
}

static void teardown(void)
{
	reset();
}

/* Runs gso_segment over a copy of f in a buffer of exactly len bytes, with
 * an exactly sized scratch buffer of scratch bytes (0: GSO_SCRATCH_LEN). */
static int run(const uint8_t *f, uint32_t len, uint16_t mss, unsigned flags, uint32_t scratch)
{
	uint8_t *in = malloc(len ? len : 1), *sc;
	memcpy(in, f, len);
	if (!scratch)
		scratch = GSO_SCRATCH_LEN(mss);
	sc = malloc(scratch);
	int r = gso_segment(in, len, mss, flags, sc, scratch, collect, NULL);
	free(sc);
	free(in);
	return r;
}

/* Checks the emitted segments against the reference split of the frame s
 * describes: segment i carries payload [i*mss, i*mss + mss) and the header
 * of s with seq, ID, length, flags and checksums changed as Linux does. */
static void check_split(const struct tcpseg *s, uint16_t mss, int partial)
{
	uint32_t want = s->paylen <= mss ? 1 : (s->paylen + mss - 1) / mss;
	ck_assert_int_eq(got.n, (int)want);
	uint32_t ihl = 20u + s->ipoptlen, thl = 20u + s->tcpoptlen, hlen = 14 + ihl + thl;
	if (want == 1) { /* not split: the frame as it came */
		ck_assert_uint_eq(got.len[0], hlen + s->paylen);
		ck_assert(!memcmp(got.seg[0], frame, got.len[0]));
		return;
	}
	for (int i = 0; i < got.n; i++) {
		const uint8_t *g = got.seg[i], *ip = g + 14, *th = ip + ihl;
		uint32_t off = (uint32_t)i * mss, plen = s->paylen - off < mss ? s->paylen - off : mss;
		int first = i == 0, last = i == got.n - 1;
		ck_assert_uint_eq(got.len[i], hlen + plen);
		ck_assert_uint_eq(tcpseg_iplen(g), ihl + thl + plen);
		ck_assert_uint_eq(tcpseg_ihl(g), ihl);
		ck_assert_uint_eq(tcpseg_thl(g), thl);
		ck_assert_uint_eq(tcpseg_get16(ip + 4), (uint16_t)(s->id + i));
		ck_assert_uint_eq(tcpseg_get32(th + 4), s->seq + off);
		ck_assert_uint_eq(tcpseg_get32(th + 8), s->ack);
		ck_assert_uint_eq(tcpseg_get16(th + 14), s->win);
		uint8_t fl = s->flags;
		if (!first)
			fl &= (uint8_t)~0x80; /* CWR */
		if (!last)
			fl &= (uint8_t)~0x09; /* PSH FIN */
		ck_assert_uint_eq(th[13], fl);
		/* unchanged: MACs, TOS, flags/offset, TTL, proto, addresses, IP
		 * options, ports, urgent pointer, TCP options */
		ck_assert(!memcmp(g, s->dmac, 6) && !memcmp(g + 6, s->smac, 6));
		ck_assert_uint_eq(ip[1], s->tos);
		ck_assert_uint_eq(ip[6], s->df ? 0x40 : 0);
		ck_assert_uint_eq(ip[8], s->ttl);
		ck_assert(!memcmp(ip + 12, s->saddr, 4) && !memcmp(ip + 16, s->daddr, 4));
		ck_assert(!memcmp(ip + 20, s->ipopt, s->ipoptlen));
		ck_assert_uint_eq(tcpseg_get16(th), s->sport);
		ck_assert_uint_eq(tcpseg_get16(th + 18), s->urg);
		ck_assert(!memcmp(th + 20, s->tcpopt, s->tcpoptlen));
		for (uint32_t k = 0; k < plen; k++)
			ck_assert_uint_eq(g[hlen + k], tcpseg_byte(off + k));
		ck_assert(tcpseg_ip_ok(g));
		if (partial) {
			ck_assert_uint_eq(tcpseg_get16(th + 16), tcpseg_pseudo(g));
			uint8_t *c = malloc(got.len[i]);
			memcpy(c, g, got.len[i]);
			tcpseg_complete(c); /* what the device does */
			ck_assert(tcpseg_tcp_ok(c));
			free(c);
		} else {
			ck_assert_msg(tcpseg_tcp_ok(g), "segment %d of %d", i, got.n);
		}
	}
}


static void split(struct tcpseg *s, uint16_t mss, int partial)
{
	uint32_t len = tcpseg_build(frame, s);
	int r = run(frame, len, mss, partial ? GSO_CSUM_PARTIAL : 0, 0);
	ck_assert_int_eq(r, got.n);
	check_split(s, mss, partial);
	reset();
}

START_TEST(reference_split)
{
	static const uint32_t pays[] = { 2, 1449, 2896, 2897, 10000, 30001 };
	static const uint16_t msss[] = { 1, 536, 1448, 1460 };
	for (int opt = 0; opt < 4; opt++) {
		for (size_t p = 0; p < sizeof(pays) / sizeof(pays[0]); p++) {
			for (size_t m = 0; m < sizeof(msss) / sizeof(msss[0]); m++) {
				if (msss[m] == 1 && pays[p] > 3000)
					continue;
				struct tcpseg s;
				tcpseg_default(&s, 40000, pays[p]);
				s.flags = 0x10 | 0x08 | 0x01 | 0x80 | 0x40; /* ACK PSH FIN CWR ECE */
				s.seq = 0xfffff000u; /* wraps within the larger frames */
				s.id = 0xfff0;       /* and so does the ID */
				s.tos = 0x02;
				if (opt & 1)
					tcpseg_timestamps(&s, 0x01020304, 0xa0b0c0d0);
				if (opt & 2) {
					s.ipoptlen = 8; /* NOPs, then an end of list */
					memset(s.ipopt, 1, 7);
				}
				split(&s, msss[m], 0);
				split(&s, msss[m], 1);
			}
		}
	}
}
END_TEST

START_TEST(edge_sizes)
{
	struct tcpseg s;
	tcpseg_default(&s, 40001, 1448); /* payload = mss: one segment */
	s.flags = 0x18;
	split(&s, 1448, 0);
	s.paylen = 1449; /* mss + 1: 1448 then 1 */
	split(&s, 1448, 0);
	s.paylen = 0; /* no payload: one segment */
	split(&s, 1448, 0);
	/* the largest datagram: 65535 bytes of IP, with 40-byte options both
	 * sides: 65415 bytes of payload */
	s.ipoptlen = s.tcpoptlen = 40;
	memset(s.ipopt, 1, 40);
	memset(s.tcpopt, 1, 40);
	s.paylen = 65535 - 60 - 60;
	split(&s, 1448, 0);
	split(&s, 1448, 1);
	s.ipoptlen = s.tcpoptlen = 0;
	s.paylen = 65535 - 40;
	split(&s, 65535, 0); /* mss above the payload: whole */
	split(&s, 9000, 0);
	/* mss 1: one byte a segment, IDs wrap past 65535 */
	s.paylen = 4000;
	s.id = 65000;
	split(&s, 1, 0);
}
END_TEST

START_TEST(sent_whole)
{
	/* SYN (with data, as TCP Fast Open sends it), RST and URG go out as
	 * one segment, flags and ID as they were */
	static const uint8_t flags[] = { 0x02, 0x12, 0x14, 0x04, 0x30, 0x39 };
	for (size_t i = 0; i < sizeof(flags); i++) {
		struct tcpseg s;
		tcpseg_default(&s, 40002, 3000);
		s.flags = flags[i];
		s.urg = flags[i] & 0x20 ? 10 : 0;
		uint32_t len = tcpseg_build(frame, &s);
		ck_assert_int_eq(run(frame, len, 1000, 0, 0), 1);
		ck_assert_uint_eq(got.len[0], len);
		ck_assert(!memcmp(got.seg[0], frame, len)); /* checksums were right already */
		reset();
	}
}
END_TEST

START_TEST(padding_dropped)
{
	struct tcpseg s;
	tcpseg_default(&s, 40003, 6);
	uint32_t len = tcpseg_build(frame, &s);
	memset(frame + len, 0, 60 - len); /* a minimum Ethernet frame's padding */
	ck_assert_int_eq(run(frame, 60, 1448, 0, 0), 1);
	ck_assert_uint_eq(got.len[0], len);
	reset();
	ck_assert_int_eq(run(frame, 60, 4, 0, 0), 2);
	check_split(&s, 4, 0);
}
END_TEST

START_TEST(emit_error_stops)
{
	struct tcpseg s;
	tcpseg_default(&s, 40004, 5000);
	uint32_t len = tcpseg_build(frame, &s);
	got.fail_at = 3;
	ck_assert_int_eq(run(frame, len, 1000, 0, 0), -EIO);
	ck_assert_int_eq(got.n, 2);
}
END_TEST

/* A frame that must be refused: the errno, and nothing emitted. */
static void refused(const uint8_t *f, uint32_t len, uint16_t mss, uint32_t scratch, int err)
{
	ck_assert_int_eq(run(f, len, mss, 0, scratch), err);
	ck_assert_int_eq(got.n, 0);
}

START_TEST(bad_input)
{
	struct tcpseg s;
	tcpseg_default(&s, 40005, 3000);
	tcpseg_timestamps(&s, 1, 2);
	s.ipoptlen = 4;
	uint32_t len = tcpseg_build(frame, &s), hlen = 14 + 24 + 32;
	static uint8_t b[14 + 65535];
	/* cut anywhere: in the headers, or inside the payload (the total
	 * length then reaches past the frame) */
	for (uint32_t cut = 0; cut < len; cut += cut < hlen + 4 ? 1 : 997)
		refused(frame, cut, 1000, 0, -EINVAL);
	refused(frame, len, 0, 0, -EINVAL); /* mss 0 */
	refused(frame, len, 1000, hlen + 999, -ENOBUFS);
	ck_assert_int_eq(run(frame, len, 1000, 0, hlen + 1000), 3); /* exactly enough */
	reset();
	ck_assert_int_eq(run(frame, len, 3000, 0, 1), 1); /* not split: no scratch needed */
	reset();
	struct {
		int off;
		uint8_t val;
		int err;
	} bad[] = {
		{ 12, 0x86, -EPROTONOSUPPORT }, /* IPv6 ethertype */
		{ 13, 0x06, -EPROTONOSUPPORT }, /* ARP */
		{ 14, 0x65, -EINVAL },          /* version 6 */
		{ 14, 0x44, -EINVAL },          /* IHL 4 */
		{ 14, 0x40, -EINVAL },          /* IHL 0 */
		{ 16, 0xff, -EINVAL },          /* total length past the frame */
		{ 23, 17, -EPROTONOSUPPORT },   /* UDP */
		{ 23, 1, -EPROTONOSUPPORT },    /* ICMP */
		{ 20, 0x20, -EINVAL },          /* MF */
		{ 20, 0x41, -EINVAL },          /* DF and an offset */
		{ 21, 0x01, -EINVAL },          /* an offset */
		{ 14 + 24 + 12, 0x40, -EINVAL }, /* data offset 4 */
		{ 14 + 24 + 12, 0x00, -EINVAL }, /* data offset 0 */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(b, frame, len);
		b[bad[i].off] = bad[i].val;
		refused(b, len, 1000, 0, bad[i].err);
	}
	/* total length shorter than the IP header; holding the IP header but
	 * not a TCP header; data offset reaching past the total length */
	memcpy(b, frame, len);
	b[16] = 0, b[17] = 16;
	refused(b, len, 1000, 0, -EINVAL);
	b[16] = 0, b[17] = 24 + 19;
	refused(b, len, 1000, 0, -EINVAL);
	memcpy(b, frame, 14 + 24 + 40);
	b[16] = 0, b[17] = 24 + 40;
	b[14 + 24 + 12] = 0xb0; /* 44 bytes */
	refused(b, 14 + 24 + 40, 1000, 0, -EINVAL);
	b[14 + 24 + 12] = 0xa0; /* 40 bytes: exactly the datagram, no payload */
	ck_assert_int_eq(run(b, 14 + 24 + 40, 1000, 0, 0), 1);
}
END_TEST

/* Frames of random bytes around a valid one: never a read past len (ASan),
 * and either refused with nothing emitted or segments that parse. */
START_TEST(random_frames)
{
	srand(12);
	struct tcpseg s;
	tcpseg_default(&s, 40006, 2000);
	uint32_t len0 = tcpseg_build(frame, &s);
	static uint8_t b[4096];
	for (int it = 0; it < 20000; it++) {
		uint32_t len = (uint32_t)rand() % (len0 + 8);
		memcpy(b, frame, sizeof(b));
		for (int k = rand() % 4; k >= 0; k--)
			b[rand() % 80] = (uint8_t)rand();
		int r = run(b, len, (uint16_t)(rand() % 1600), 0, 0);
		if (r < 0)
			ck_assert_int_eq(got.n, 0);
		else
			ck_assert_int_eq(r, got.n);
		for (int i = 0; r > 1 && i < got.n; i++) /* split: checksums made here */
			ck_assert(tcpseg_ip_ok(got.seg[i]) && tcpseg_tcp_ok(got.seg[i]));
		reset();
	}
}
END_TEST

Suite *gso_suite(void)
{
	Suite *s = suite_create("gso");
	TCase *t = tcase_create("segment");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, reference_split);
	tcase_add_test(t, edge_sizes);
	tcase_add_test(t, sent_whole);
	tcase_add_test(t, padding_dropped);
	tcase_add_test(t, emit_error_stops);
	tcase_add_test(t, bad_input);
	tcase_add_test(t, random_frames);
	suite_add_tcase(s, t);
	return s;
}
