/*
 * net/core/tso.c: which of a connection's segments become one TSO bundle.
 * The reference is the round trip: a bundle, cut by net/core/gso.c at its
 * first segment's payload size, gives back byte for byte the segments that
 * made it.  Then every single-field difference the cut would not
 * reproduce refuses the join (and leaves the bundle as it was), the limits
 * (frame bytes, fragments, segments, 64 KiB of IP) hold, and frames that
 * must go alone never start one.  Frames are read from buffers of exactly
 * their length, headers from exactly hbytes (ASan sees any read past).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/gso.h"
#include "net/core/tso.h"
#include "tests/unit/tcpseg.h"
#include "tests/unit/unit.h"

#define NSEG 60
#define MSS 1448

static uint8_t stream[NSEG * MSS];
static uint8_t *seg[NSEG];
static uint32_t seglen[NSEG];

/* Segment i of a bulk flow with timestamps: full MSS payloads of the
 * stream, ACK only, IDs counting up. */
static void describe(struct tcpseg *s, int i, uint32_t paylen)
{
	tcpseg_default(s, 40000, paylen);
	tcpseg_timestamps(s, 777, 555);
	s->seq = 1000 + (uint32_t)i * MSS;
	s->id = (uint16_t)(0xfff0 + i); /* wraps at 16 */
	s->payload = stream + (size_t)i * MSS;
}

static void put(int i, const struct tcpseg *s)
{
	uint8_t tmp[14 + 60 + 60 + MSS + 8];
	free(seg[i]);
	seglen[i] = tcpseg_build(tmp, s);
	seg[i] = malloc(seglen[i]);
	memcpy(seg[i], tmp, seglen[i]);
}

static void build(int n, uint32_t lastlen, uint8_t lastflags)
{
	for (uint32_t k = 0; k < sizeof(stream); k++)
		stream[k] = tcpseg_byte(k);
	for (int i = 0; i < n; i++) {
		struct tcpseg s;
		describe(&s, i, i == n - 1 ? lastlen : MSS);
		if (i == n - 1)
			s.flags |= lastflags;
		put(i, &s);
	}
}

static void teardown(void)
{
	for (int i = 0; i < NSEG; i++) {
		free(seg[i]);
		seg[i] = NULL;
	}
}

static int start(struct tso_bundle *t, int i)
{
	return tso_start(t, seg[i], seglen[i], seglen[i], 0);
}

static int join(struct tso_bundle *t, int i)
{
	return tso_join(t, seg[i], seglen[i], seglen[i], 0, UINT32_MAX, 1000);
}

/* The bundle as one flat frame: its headers, then every payload. */
static uint32_t flatten(const struct tso_bundle *t, int n, uint8_t *out)
{
	uint32_t hlen = t->first.hlen, len = hlen;
	memcpy(out, t->hdr, hlen);
	for (int i = 0; i < n; i++) {
		memcpy(out + len, seg[i] + hlen, seglen[i] - hlen);
		len += seglen[i] - hlen;
	}
	return len;
}

static struct {
	int n, bad;
} cut;

static int compare(void *arg, const uint8_t *s, uint32_t len)
{
	(void)arg;
	int i = cut.n++;
	if (i >= NSEG || len != seglen[i] || memcmp(s, seg[i], len))
		cut.bad++;
	return 0;
}

static void round_trip(int n, uint32_t lastlen, uint8_t lastflags)
{
	struct tso_bundle t;
	build(n, lastlen, lastflags);
	ck_assert_int_eq(start(&t, 0), 0);
	for (int i = 1; i < n; i++)
		ck_assert_msg(join(&t, i) == 1, "segment %d", i);
	ck_assert_uint_eq(t.segs, n);
	ck_assert_uint_eq(t.nfrags, n + 1);
	tso_finish(&t);
	static uint8_t flat[14 + 65535];
	uint32_t len = flatten(&t, n, flat);
	ck_assert_uint_eq(tcpseg_iplen(flat), len - 14);
	ck_assert(tcpseg_ip_ok(flat));
	ck_assert_uint_eq(tcpseg_get16(flat + 14 + 20 + 16), tcpseg_pseudo(flat));
	ck_assert_uint_eq(flat[14 + 20 + 13], 0x10 | lastflags);
	uint32_t wire = 0;
	for (int i = 0; i < n; i++)
		wire += seglen[i];
	ck_assert_uint_eq(t.wire, wire);
	cut.n = cut.bad = 0;
	uint8_t *scratch = malloc(GSO_SCRATCH_LEN(MSS));
	int r = gso_segment(flat, len, MSS, 0, scratch, GSO_SCRATCH_LEN(MSS), compare, NULL);
	free(scratch);
	ck_assert_int_eq(r, n);
	ck_assert_int_eq(cut.n, n);
	ck_assert_int_eq(cut.bad, 0);
}

START_TEST(cut_gives_back_the_segments)
{
	round_trip(44, MSS, 0);     /* 63712 bytes of payload */
	round_trip(44, 100, 0x08);  /* a short last segment with PSH */
	round_trip(2, MSS, 0x01);   /* FIN on the last */
	round_trip(20, 1, 0x09);
}
END_TEST

/* Joins segment 1, changed by f, to a bundle of segment 0: refused, and
 * the bundle is as it was. */
static void refused(void (*f)(struct tcpseg *), const char *what)
{
	struct tso_bundle t, before;
	build(3, MSS, 0);
	struct tcpseg s;
	describe(&s, 1, MSS);
	f(&s);
	put(1, &s);
	ck_assert_int_eq(start(&t, 0), 0);
	memcpy(&before, &t, sizeof(t));
	ck_assert_msg(join(&t, 1) == 0, "joined with %s", what);
	ck_assert_msg(!memcmp(&before, &t, sizeof(t)), "changed by %s", what);
}

static void dmac(struct tcpseg *s) { s->dmac[5] ^= 1; }
static void smac(struct tcpseg *s) { s->smac[0] ^= 2; }
static void tos(struct tcpseg *s) { s->tos = 4; }
static void ect(struct tcpseg *s) { s->tos = 2; }
static void ttl(struct tcpseg *s) { s->ttl--; }
static void df(struct tcpseg *s) { s->df = 0; }
static void saddr(struct tcpseg *s) { s->saddr[3]++; }
static void daddr(struct tcpseg *s) { s->daddr[0]++; }
static void sport(struct tcpseg *s) { s->sport++; }
static void dport(struct tcpseg *s) { s->dport++; }
static void seq_gap(struct tcpseg *s) { s->seq++; }
static void seq_back(struct tcpseg *s) { s->seq -= MSS; }
static void ack(struct tcpseg *s) { s->ack++; }
static void win(struct tcpseg *s) { s->win++; }
static void urg_ptr(struct tcpseg *s) { s->urg = 1; }
static void id_same(struct tcpseg *s) { s->id--; }
static void id_skip(struct tcpseg *s) { s->id++; }
static void tsval(struct tcpseg *s) { s->tcpopt[7]++; }
static void tsecr(struct tcpseg *s) { s->tcpopt[11]++; }
static void no_opts(struct tcpseg *s) { s->tcpoptlen = 0; }
static void longer(struct tcpseg *s) { s->paylen = MSS + 1; }
static void empty(struct tcpseg *s) { s->paylen = 0; }
static void syn(struct tcpseg *s) { s->flags |= 0x02; }
static void rst(struct tcpseg *s) { s->flags |= 0x04; }
static void urg(struct tcpseg *s) { s->flags |= 0x20; }
static void ece(struct tcpseg *s) { s->flags |= 0x40; }
static void cwr(struct tcpseg *s) { s->flags |= 0x80; }
static void no_ack(struct tcpseg *s) { s->flags = 0x08; }
static void ip_opts(struct tcpseg *s)
{
	s->ipoptlen = 4;
	s->ipopt[0] = 1; /* NOP */
}

START_TEST(single_differences_refused)
{
	static const struct {
		void (*f)(struct tcpseg *);
		const char *what;
	} d[] = {
		{ dmac, "dmac" },	{ smac, "smac" },	  { tos, "tos" },	      { ect, "ecn" },
		{ ttl, "ttl" },		{ df, "df" },		  { saddr, "saddr" },	      { daddr, "daddr" },
		{ sport, "sport" },	{ dport, "dport" },	  { seq_gap, "a gap" },	      { seq_back, "seq back" },
		{ ack, "ack" },		{ win, "window" },	  { urg_ptr, "urgent ptr" },  { id_same, "same id" },
		{ id_skip, "id skip" }, { tsval, "tsval" },	  { tsecr, "tsecr" },	      { no_opts, "no options" },
		{ longer, "longer" },	{ empty, "no payload" }, { syn, "SYN" },	      { rst, "RST" },
		{ urg, "URG" },		{ ece, "ECE" },		  { cwr, "CWR" },	      { no_ack, "no ACK" },
		{ ip_opts, "IP options" },
	};
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		refused(d[i].f, d[i].what);
}
END_TEST

/* Every header byte of segment 1 changed alone (bit 7, so CWR in the
 * flags): refused, but for the two checksums, which the cut computes
 * again; with options of each length the data offset allows (the header
 * compare goes 8 bytes at a time, its last word overlapping).
 * tso_join_l4, for headers copied from the bundle's, does not compare the
 * first 32 bytes again but still reads the IP length and ID there. */
START_TEST(every_header_byte)
{
	for (int opt = 0; opt <= 40; opt += 4) {
		build(2, MSS, 0);
		struct tcpseg s;
		for (int i = 0; i < 2; i++) {
			describe(&s, i, MSS);
			s.tcpoptlen = (uint8_t)opt;
			for (int k = 0; k < opt; k++)
				s.tcpopt[k] = 1; /* NOP */
			put(i, &s);
		}
		uint32_t hlen = 14 + 20 + 20 + (uint32_t)opt;
		for (uint32_t b = 0; b < hlen; b++) {
			int csum = b == 14 + 10 || b == 14 + 11 || b == 34 + 16 || b == 34 + 17;
			struct tso_bundle t;
			seg[1][b] ^= 0x80;
			ck_assert_int_eq(start(&t, 0), 0);
			ck_assert_msg(join(&t, 1) == csum, "options %d, byte %u", opt, b);
			int read = b >= 32 || (b >= 14 + 2 && b < 14 + 6); /* compared, or length and ID */
			ck_assert_int_eq(start(&t, 0), 0);
			ck_assert_msg(tso_join_l4(&t, seg[1], seglen[1], seglen[1], 0, UINT32_MAX, 1000) == (csum || !read),
				      "l4: options %d, byte %u", opt, b);
			seg[1][b] ^= 0x80;
		}
	}
}
END_TEST

static void first_psh(struct tcpseg *s) { s->flags |= 0x08; }
static void first_fin(struct tcpseg *s) { s->flags |= 0x01; }

/* Segment 0, changed by f, cannot start a bundle. */
static void no_start(void (*f)(struct tcpseg *), const char *what)
{
	struct tso_bundle t;
	struct tcpseg s;
	build(1, MSS, 0);
	describe(&s, 0, MSS);
	f(&s);
	put(0, &s);
	ck_assert_msg(start(&t, 0) == -EINVAL, "started with %s", what);
}

START_TEST(frames_that_go_alone)
{
	no_start(first_psh, "PSH");
	no_start(first_fin, "FIN");
	no_start(syn, "SYN");
	no_start(rst, "RST");
	no_start(urg, "URG");
	no_start(ece, "ECE");
	no_start(cwr, "CWR");
	no_start(empty, "no payload");
	no_start(ip_opts, "IP options");
	no_start(ect, "ECT(0)");
	struct tso_bundle t;
	build(1, MSS, 0);
	/* headers not all within hbytes; more bytes than the frame */
	ck_assert_int_eq(tso_start(&t, seg[0], 14 + 20 + 31, seglen[0], 1), -EINVAL);
	ck_assert_int_eq(tso_start(&t, seg[0], seglen[0], seglen[0] - 1, 0), -EINVAL);
	ck_assert_int_eq(tso_start(&t, seg[0], 14 + 20 + 32, seglen[0], 0), -EINVAL); /* no payload piece */
	/* Ethernet padding after the datagram */
	uint8_t *pad = calloc(1, seglen[0] + 4);
	memcpy(pad, seg[0], seglen[0]);
	ck_assert_int_eq(tso_start(&t, pad, seglen[0] + 4, seglen[0] + 4, 0), -EINVAL);
	/* not TCP; an IP fragment */
	pad[14 + 9] = 17;
	ck_assert_int_eq(tso_start(&t, pad, seglen[0], seglen[0], 0), -EINVAL);
	pad[14 + 9] = 6;
	pad[14 + 6] |= 0x20; /* MF */
	ck_assert_int_eq(tso_start(&t, pad, seglen[0], seglen[0], 0), -EINVAL);
	free(pad);
	/* headers alone in the first piece, payload elsewhere: fine */
	ck_assert_int_eq(tso_start(&t, seg[0], 14 + 20 + 32, seglen[0], 1), 0);
	/* every truncation of a header-only buffer is refused without a read past it */
	for (uint32_t h = 0; h < 14 + 20 + 32; h++) {
		uint8_t *cut = malloc(h ? h : 1);
		memcpy(cut, seg[0], h);
		ck_assert_int_eq(tso_start(&t, cut, h, seglen[0], 1), -EINVAL);
		free(cut);
	}
}
END_TEST

START_TEST(the_last_segment_closes)
{
	struct tso_bundle t;
	build(4, MSS, 0);
	struct tcpseg s;
	describe(&s, 1, 700); /* short: the last */
	put(1, &s);
	ck_assert_int_eq(start(&t, 0), 0);
	ck_assert_int_eq(join(&t, 1), 1);
	ck_assert(t.closed);
	ck_assert_int_eq(join(&t, 2), 0);
	describe(&s, 1, MSS);
	s.flags |= 0x08; /* PSH: the last */
	put(1, &s);
	ck_assert_int_eq(start(&t, 0), 0);
	ck_assert_int_eq(join(&t, 1), 1);
	ck_assert_int_eq(join(&t, 2), 0);
}
END_TEST

START_TEST(limits)
{
	struct tso_bundle t;
	build(NSEG, MSS, 0);
	/* frame bytes: two segments fit, a third does not */
	ck_assert_int_eq(start(&t, 0), 0);
	ck_assert_int_eq(tso_join(&t, seg[1], seglen[1], seglen[1], 0, 2 * seglen[0], 1000), 1);
	ck_assert_int_eq(tso_join(&t, seg[2], seglen[2], seglen[2], 0, 3 * seglen[0] - 1, 1000), 0);
	/* fragments: the headers and 1 + 3 pieces = 5 */
	ck_assert_int_eq(start(&t, 0), 0);
	ck_assert_int_eq(tso_join(&t, seg[1], seglen[1], seglen[1], 2, UINT32_MAX, 5), 1);
	ck_assert_uint_eq(t.nfrags, 5);
	ck_assert_int_eq(tso_join(&t, seg[2], seglen[2], seglen[2], 0, UINT32_MAX, 5), 0);
	/* headers alone in the first piece: the payload is the pieces after it */
	uint32_t hl = 14 + 20 + 32;
	ck_assert_int_eq(tso_start(&t, seg[0], hl, seglen[0], 1), 0);
	ck_assert_uint_eq(t.nfrags, 2);
	ck_assert_int_eq(tso_join(&t, seg[1], hl, seglen[1], 3, UINT32_MAX, 100), 1);
	ck_assert_uint_eq(t.nfrags, 5);
	/* 64 KiB of IP: 45 segments of 1448 (65160 + 52 of headers) fit, 46 do not */
	ck_assert_int_eq(start(&t, 0), 0);
	int i = 1;
	while (i < NSEG && join(&t, i))
		i++;
	ck_assert_int_eq(i, 45);
	ck_assert_uint_le(20 + 32 + t.paylen, 65535);
	/* TSO_MAX_SEGS: with 100-byte segments the count ends it */
	for (int k = 0; k < NSEG; k++) {
		struct tcpseg s;
		describe(&s, k, 100);
		s.seq = 1000 + (uint32_t)k * 100;
		put(k, &s);
	}
	ck_assert_int_eq(start(&t, 0), 0);
	for (i = 1; i < NSEG && join(&t, i); i++)
		;
	ck_assert_int_eq(i, TSO_MAX_SEGS);
}
END_TEST

Suite *tso_suite(void)
{
	Suite *s = suite_create("tso");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, cut_gives_back_the_segments);
	tcase_add_test(tc, single_differences_refused);
	tcase_add_test(tc, every_header_byte);
	tcase_add_test(tc, frames_that_go_alone);
	tcase_add_test(tc, the_last_segment_closes);
	tcase_add_test(tc, limits);
	suite_add_tcase(s, tc);
	return s;
}
