/*
 * net/core/gro.c: only in-order segments of one flow merge; any difference
 * Linux's tcp_gro_receive and inet_gro_receive flush on (flags but
 * CWR/PSH/FIN, ACK, window, option bytes and so timestamps, TOS, TTL, DF,
 * IP ID) keeps a segment out; PSH, FIN and a short segment flush after
 * merging; 64 KiB of IP and the slot bound a merge; a full table evicts
 * its oldest flow; and a GSO split merges back into the frame it came from.
 * Frames come from tests/unit/tcpseg.c and are checked by it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/gro.h"
#include "net/core/gso.h"
#include "tests/unit/tcpseg.h"
#include "tests/unit/unit.h"

#define MAXOUT 64

static struct {
	uint8_t *f[MAXOUT];
	uint32_t len[MAXOUT];
	uint16_t segs[MAXOUT], mss[MAXOUT];
	int n;
} out;

static void collect(void *arg, const struct gro_out *o)
{
	(void)arg;
	ck_assert_int_lt(out.n, MAXOUT);
	ck_assert_uint_le(o->len, GRO_FRAME_MAX);
	out.f[out.n] = malloc(o->len);
	memcpy(out.f[out.n], o->frame, o->len);
	out.len[out.n] = o->len;
	out.segs[out.n] = o->segs;
	out.mss[out.n++] = o->mss;
}

static struct gro_table t;
static uint8_t *mem;
static uint8_t fb[14 + 65535];

static void setup(void)
{
	mem = malloc(GRO_MAX_FLOWS * (size_t)GRO_FRAME_MAX);
	ck_assert_int_eq(gro_init(&t, mem, GRO_MAX_FLOWS * (size_t)GRO_FRAME_MAX, GRO_MAX_FLOWS,
				  collect, NULL), 0);
	out.n = 0;
}

static void teardown(void)
{
	for (int i = 0; i < out.n; i++)
		free(out.f[i]);
	out.n = 0;
	free(mem);
}

/* Offers s's frame from a buffer of exactly its length. */
static enum gro_result offer(const struct tcpseg *s, unsigned flags, uint64_t now)
{
	uint32_t len = tcpseg_build(fb, s);
	uint8_t *b = malloc(len);
	memcpy(b, fb, len);
	enum gro_result r = gro_receive(&t, b, len, flags, now);
	free(b);
	return r;
}

/* The next in-order segment of the flow s describes (ID and sequence). */
static void next(struct tcpseg *s)
{
	s->seq += s->paylen;
	s->id++;
}

/* Checks emitted frame i: the headers of first (ID, seq, flags | extra)
 * with a total length for paylen bytes of the pattern from stream
 * offset 0, right checksums, segs segments. */
static void check_out(int i, const struct tcpseg *first, uint32_t paylen, uint8_t extra, int segs)
{
	const uint8_t *g = out.f[i];
	uint32_t thl = 20u + first->tcpoptlen, hlen = 14 + 20 + thl;
	ck_assert_uint_eq(out.len[i], hlen + paylen);
	ck_assert_uint_eq(tcpseg_iplen(g), 20 + thl + paylen);
	ck_assert_uint_eq(tcpseg_get16(g + 18), first->id);
	ck_assert_uint_eq(tcpseg_get32(g + 34 + 4), first->seq);
	ck_assert_uint_eq(g[34 + 13], first->flags | extra);
	ck_assert_int_eq(out.segs[i], segs);
	for (uint32_t k = 0; k < paylen; k++)
		ck_assert_uint_eq(g[hlen + k], tcpseg_byte(k));
	ck_assert(tcpseg_ip_ok(g));
	ck_assert(tcpseg_tcp_ok(g));
}

/* Segment payloads follow the stream: segment k of a flow carries bytes
 * [k*n, k*n + n) of the pattern. */
static uint8_t stream[70000];

static void stream_init(void)
{
	for (uint32_t i = 0; i < sizeof(stream); i++)
		stream[i] = tcpseg_byte(i);
}

static void seg_at(struct tcpseg *s, uint16_t sport, uint32_t off, uint32_t paylen)
{
	tcpseg_default(s, sport, paylen);
	s->seq = 1000 + off;
	s->payload = stream + off;
}

START_TEST(in_order_merge)
{
	stream_init();
	struct tcpseg s, first;
	seg_at(&s, 41000, 0, 1000);
	tcpseg_timestamps(&s, 77, 88);
	first = s;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	for (int k = 1; k < 4; k++) {
		next(&s);
		s.payload = stream + 1000 * k;
		ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	}
	ck_assert_int_eq(out.n, 0);
	gro_flush(&t, 0, 0);
	ck_assert_int_eq(out.n, 1);
	check_out(0, &first, 4000, 0, 4);
	ck_assert_uint_eq(out.mss[0], 1000);
	ck_assert_uint_eq(t.stats.merged, 3);
	ck_assert_uint_eq(t.stats.held, 1);
	ck_assert_uint_eq(t.stats.flushed, 1);
	ck_assert_uint_eq(t.stats.held_max, 1);
	ck_assert_uint_eq(t.nheld, 0);
}
END_TEST

/* csum_partial (the kernel's setting, netdev_rx.c): a merged frame's TCP
 * checksum field holds the pseudo-header sum only, the IPv4 header sum is
 * whole; a frame held alone keeps its own checksum as it came. */
START_TEST(csum_partial_merge)
{
	stream_init();
	t.csum_partial = 1;
	struct tcpseg s;
	seg_at(&s, 41009, 0, 1000);
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	next(&s);
	s.payload = stream + 1000;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	seg_at(&s, 41010, 0, 1000);
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	gro_flush(&t, 0, 0);
	ck_assert_int_eq(out.n, 2);
	const uint8_t *g = out.f[0];
	ck_assert_int_eq(out.segs[0], 2);
	ck_assert_uint_eq(tcpseg_iplen(g), 20 + 20 + 2000);
	ck_assert(tcpseg_ip_ok(g));
	ck_assert(!tcpseg_tcp_ok(g));
	ck_assert_uint_eq(tcpseg_get16(g + 34 + 16), tcpseg_pseudo(g));
	for (uint32_t k = 0; k < 2000; k++)
		ck_assert_uint_eq(g[54 + k], tcpseg_byte(k));
	ck_assert_int_eq(out.segs[1], 1);
	ck_assert(tcpseg_ip_ok(out.f[1]) && tcpseg_tcp_ok(out.f[1]));
}
END_TEST

START_TEST(out_of_order_not_merged)
{
	stream_init();
	struct tcpseg a, c;
	seg_at(&a, 41001, 0, 1000);
	seg_at(&c, 41001, 2000, 1000); /* skips [1000, 2000) */
	c.id = a.id + 1;
	ck_assert_int_eq(offer(&a, 0, 0), GRO_HELD);
	ck_assert_int_eq(offer(&c, 0, 0), GRO_HELD);
	ck_assert_int_eq(out.n, 1);
	check_out(0, &a, 1000, 0, 1);
	/* a retransmission of what was held: not the next sequence number */
	ck_assert_int_eq(offer(&c, 0, 0), GRO_HELD);
	ck_assert_int_eq(out.n, 2);
	ck_assert_uint_eq(t.stats.merged, 0);
	gro_flush(&t, 0, 0);
	ck_assert_int_eq(out.n, 3);
}
END_TEST

/* The second segment of a flow with one field changed: it must not merge;
 * the first is flushed as it came and the second held (or passed). */
static void differs(void (*change)(struct tcpseg *), enum gro_result want)
{
	struct tcpseg s;
	seg_at(&s, 41002, 0, 1000);
	tcpseg_timestamps(&s, 1000, 2000);
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	struct tcpseg first = s;
	next(&s);
	s.payload = stream + 1000;
	change(&s);
	ck_assert_int_eq(offer(&s, 0, 0), want);
	ck_assert_int_eq(out.n, 1);
	check_out(0, &first, 1000, 0, 1);
	ck_assert_uint_eq(t.stats.merged, 0);
	gro_flush(&t, 0, 0);
	for (int i = 0; i < out.n; i++)
		free(out.f[i]);
	out.n = 0;
	t.stats = (struct gro_stats){ 0 };
}

static void ece(struct tcpseg *s) { s->flags |= 0x40; }
static void cwr(struct tcpseg *s) { s->flags |= 0x80; }
static void syn(struct tcpseg *s) { s->flags |= 0x02; }
static void rst(struct tcpseg *s) { s->flags |= 0x04; }
static void urg(struct tcpseg *s) { s->flags |= 0x20; }
static void tsval(struct tcpseg *s) { tcpseg_timestamps(s, 1001, 2000); }
static void tsecr(struct tcpseg *s) { tcpseg_timestamps(s, 1000, 2001); }
static void no_opts(struct tcpseg *s) { s->tcpoptlen = 0; }
static void more_opts(struct tcpseg *s) { s->tcpoptlen = 16; s->tcpopt[12] = 1, s->tcpopt[13] = 1, s->tcpopt[14] = 1, s->tcpopt[15] = 1; }
static void ack(struct tcpseg *s) { s->ack++; }
static void window(struct tcpseg *s) { s->win++; }
static void ttl(struct tcpseg *s) { s->ttl--; }
static void tos(struct tcpseg *s) { s->tos = 0x03; }
static void df(struct tcpseg *s) { s->df = 0; }
static void id_jump(struct tcpseg *s) { s->id += 5; }
static void id_back(struct tcpseg *s) { s->id -= 2; }
static void bigger(struct tcpseg *s) { s->paylen = 1001; }
static void ipopts(struct tcpseg *s) { s->ipoptlen = 4; s->ipopt[0] = 1; }
static void no_payload(struct tcpseg *s) { s->paylen = 0; }

START_TEST(differences_flush)
{
	stream_init();
	differs(ece, GRO_HELD);
	differs(cwr, GRO_HELD); /* Linux holds a CWR segment anew */
	differs(tsval, GRO_HELD);
	differs(tsecr, GRO_HELD);
	differs(no_opts, GRO_HELD);
	differs(more_opts, GRO_HELD);
	differs(ack, GRO_HELD);
	differs(window, GRO_HELD);
	differs(ttl, GRO_HELD);
	differs(tos, GRO_HELD);
	differs(df, GRO_HELD);
	differs(id_jump, GRO_HELD);
	differs(id_back, GRO_HELD);
	differs(bigger, GRO_HELD); /* more than the first's payload */
	differs(syn, GRO_FLUSH_PASS);
	differs(rst, GRO_FLUSH_PASS);
	differs(urg, GRO_FLUSH_PASS);
	differs(ipopts, GRO_FLUSH_PASS);
	differs(no_payload, GRO_FLUSH_PASS); /* a pure ACK of the flow */
}
END_TEST

START_TEST(cwr_first_merges)
{
	stream_init();
	struct tcpseg s, first;
	seg_at(&s, 41003, 0, 500);
	s.flags |= 0x80 | 0x40; /* CWR ECE */
	first = s;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	next(&s);
	s.payload = stream + 500;
	s.flags &= (uint8_t)~0x80;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	gro_flush(&t, 0, 0);
	check_out(0, &first, 1000, 0, 2);
}
END_TEST

/* PSH or FIN on a segment that merges, or a shorter one: merged, then the
 * flow is flushed with the flag. */
static void last_flushes(uint8_t flag, uint32_t lastlen)
{
	struct tcpseg s, first;
	seg_at(&s, 41004, 0, 1000);
	first = s;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	next(&s);
	s.payload = stream + 1000;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	next(&s);
	s.payload = stream + 2000;
	s.paylen = lastlen;
	s.flags |= flag;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	ck_assert_int_eq(out.n, 1);
	ck_assert_uint_eq(t.nheld, 0);
	check_out(0, &first, 2000 + lastlen, flag, 3);
	free(out.f[0]);
	out.n = 0;
}

START_TEST(psh_fin_short_flush)
{
	stream_init();
	last_flushes(0x08, 1000);
	last_flushes(0x01, 1000);
	last_flushes(0x09, 10);
	last_flushes(0, 999);
	/* with nothing held: PSH or FIN is passed, not held */
	struct tcpseg s;
	seg_at(&s, 41005, 0, 1000);
	s.flags |= 0x08;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_PASS);
	s.flags ^= 0x09;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_PASS);
	ck_assert_uint_eq(t.stats.passed, 2);
	ck_assert_int_eq(out.n, 0);
}
END_TEST

START_TEST(not_held)
{
	stream_init();
	struct tcpseg s;
	seg_at(&s, 41006, 0, 1000);
	uint32_t len = tcpseg_build(fb, &s);
	static uint8_t b[2000];
	/* bad TCP checksum: passed, unless the device checked it */
	memcpy(b, fb, len);
	b[len - 1] ^= 1;
	ck_assert_int_eq(gro_receive(&t, b, len, 0, 0), GRO_PASS);
	ck_assert_int_eq(gro_receive(&t, b, len, GRO_CSUM_VALID, 0), GRO_HELD);
	gro_flush(&t, 0, 0);
	/* bad IP header checksum: passed even so */
	memcpy(b, fb, len);
	b[14 + 8] ^= 1; /* TTL */
	ck_assert_int_eq(gro_receive(&t, b, len, GRO_CSUM_VALID, 0), GRO_PASS);
	/* padding after the datagram; the reserved IP flag; not TCP; cut short */
	memcpy(b, fb, len);
	ck_assert_int_eq(gro_receive(&t, b, len + 2, 0, 0), GRO_PASS);
	b[14 + 6] |= 0x80;
	ck_assert_int_eq(gro_receive(&t, b, len, GRO_CSUM_VALID, 0), GRO_PASS);
	memcpy(b, fb, len);
	b[14 + 9] = 17;
	ck_assert_int_eq(gro_receive(&t, b, len, GRO_CSUM_VALID, 0), GRO_PASS);
	for (uint32_t cut = 0; cut < 60; cut++)
		ck_assert_int_eq(gro_receive(&t, fb, cut, GRO_CSUM_VALID, 0), GRO_PASS);
	ck_assert_uint_eq(t.nheld, 0);
	ck_assert_int_eq(out.n, 1);
}
END_TEST

START_TEST(ip_id_rules)
{
	stream_init();
	/* DF with one fixed ID (RFC 6864 4.1: atomic datagrams): merges */
	struct tcpseg s;
	seg_at(&s, 41007, 0, 1000);
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	for (int k = 1; k < 3; k++) {
		s.seq += 1000;
		s.payload = stream + 1000 * k;
		ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	}
	/* once fixed, an incrementing ID no longer fits */
	next(&s);
	s.payload = stream + 3000;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	ck_assert_int_eq(out.n, 1);
	ck_assert_int_eq(out.segs[0], 3);
	gro_flush(&t, 0, 0);
	/* without DF the ID must increment */
	seg_at(&s, 41008, 0, 1000);
	s.df = 0;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	s.seq += 1000;
	s.payload = stream + 1000;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	/* incrementing across the 16-bit wrap */
	gro_flush(&t, 0, 0);
	seg_at(&s, 41009, 0, 1000);
	s.id = 0xffff;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	next(&s);
	s.payload = stream + 1000;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	ck_assert_uint_eq(s.id, 0);
}
END_TEST

/* Merges 1455-byte segments (plus a last of lastlen) from stream offset 0:
 * 45 of them are 65475 bytes, 20 more make 65535 bytes of IP. */
static void fill_64k(uint32_t lastlen)
{
	struct tcpseg s;
	seg_at(&s, 41010, 0, 1455);
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	for (int k = 1; k < 45; k++) {
		next(&s);
		s.payload = stream + 1455 * k;
		ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	}
	next(&s);
	s.payload = stream + 1455 * 45;
	s.paylen = lastlen;
	ck_assert_int_eq(offer(&s, 0, 0), lastlen <= 20 ? GRO_MERGED : GRO_HELD);
}

START_TEST(cap_64k)
{
	stream_init();
	struct tcpseg first;
	seg_at(&first, 41010, 0, 1455);
	fill_64k(20); /* exactly 65535: merged, and short, so flushed */
	ck_assert_int_eq(out.n, 1);
	check_out(0, &first, 65495, 0, 46);
	free(out.f[0]);
	out.n = 0;
	fill_64k(21); /* one byte over: the 45 go, the last is held alone */
	ck_assert_int_eq(out.n, 1);
	check_out(0, &first, 65475, 0, 45);
	ck_assert_uint_eq(t.nheld, 1);
}
END_TEST

START_TEST(slot_bound)
{
	stream_init();
	/* slots of 3000 bytes: two 1000-byte segments (+ 54 bytes of headers)
	 * fit, a third does not */
	static uint8_t small[2 * 3000];
	ck_assert_int_eq(gro_init(&t, small, sizeof(small), 2, collect, NULL), 0);
	struct tcpseg s;
	seg_at(&s, 41011, 0, 1000);
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	next(&s);
	s.payload = stream + 1000;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_MERGED);
	next(&s);
	s.payload = stream + 2000;
	ck_assert_int_eq(offer(&s, 0, 0), GRO_HELD);
	ck_assert_int_eq(out.n, 1);
	ck_assert_int_eq(out.segs[0], 2);
	/* a frame larger than a slot is passed */
	seg_at(&s, 41012, 0, 3000);
	ck_assert_int_eq(offer(&s, 0, 0), GRO_PASS);
	/* bad tables */
	ck_assert_int_eq(gro_init(&t, small, sizeof(small), 0, collect, NULL), -EINVAL);
	ck_assert_int_eq(gro_init(&t, small, sizeof(small), GRO_MAX_FLOWS + 1, collect, NULL), -EINVAL);
	ck_assert_int_eq(gro_init(&t, small, 2 * GRO_SLOT_MIN - 1, 2, collect, NULL), -EINVAL);
	ck_assert_int_eq(gro_init(&t, small, 2 * GRO_SLOT_MIN, 2, collect, NULL), 0);
}
END_TEST

START_TEST(full_table_evicts_oldest)
{
	stream_init();
	struct tcpseg s;
	for (int f = 0; f < GRO_MAX_FLOWS; f++) {
		seg_at(&s, (uint16_t)(42000 + f), 0, 100);
		ck_assert_int_eq(offer(&s, 0, (uint64_t)f), GRO_HELD);
	}
	ck_assert_int_eq(out.n, 0);
	ck_assert_uint_eq(t.stats.held_max, GRO_MAX_FLOWS);
	/* flow 3 merges (it stays young in hold order terms: order is the
	 * first hold), then a ninth flow evicts flow 0 */
	seg_at(&s, 42003, 100, 100);
	s.id++;
	ck_assert_int_eq(offer(&s, 0, 9), GRO_MERGED);
	seg_at(&s, 42100, 0, 100);
	ck_assert_int_eq(offer(&s, 0, 10), GRO_HELD);
	ck_assert_int_eq(out.n, 1);
	ck_assert_uint_eq(tcpseg_get16(out.f[0] + 34), 42000);
	ck_assert_uint_eq(t.stats.evicted, 1);
	ck_assert_uint_eq(t.nheld, GRO_MAX_FLOWS);
	/* the next eviction takes flow 1 */
	seg_at(&s, 42101, 0, 100);
	ck_assert_int_eq(offer(&s, 0, 11), GRO_HELD);
	ck_assert_uint_eq(tcpseg_get16(out.f[1] + 34), 42001);
	ck_assert_uint_eq(t.stats.held_max, GRO_MAX_FLOWS);
}
END_TEST

START_TEST(flush_by_age)
{
	stream_init();
	struct tcpseg s;
	seg_at(&s, 43000, 0, 100);
	ck_assert_int_eq(offer(&s, 0, 1000000), GRO_HELD);
	seg_at(&s, 43001, 0, 100);
	ck_assert_int_eq(offer(&s, 0, 9000000), GRO_HELD);
	gro_flush(&t, 12000000, 5000000); /* only the first is 5 ms old */
	ck_assert_int_eq(out.n, 1);
	ck_assert_uint_eq(tcpseg_get16(out.f[0] + 34), 43000);
	gro_flush(&t, 12000000, 0);
	ck_assert_int_eq(out.n, 2);
	ck_assert_uint_eq(t.nheld, 0);
}
END_TEST

START_TEST(flows_interleave)
{
	stream_init();
	struct tcpseg a, b, a0, b0;
	seg_at(&a, 44000, 0, 700);
	seg_at(&b, 44001, 0, 700);
	b.daddr[3] = 9; /* another host too */
	a0 = a, b0 = b;
	ck_assert_int_eq(offer(&a, 0, 0), GRO_HELD);
	ck_assert_int_eq(offer(&b, 0, 0), GRO_HELD);
	for (int k = 1; k < 5; k++) {
		next(&a), next(&b);
		a.payload = b.payload = stream + 700 * k;
		ck_assert_int_eq(offer(&a, 0, 0), GRO_MERGED);
		ck_assert_int_eq(offer(&b, 0, 0), GRO_MERGED);
	}
	gro_flush(&t, 0, 0);
	ck_assert_int_eq(out.n, 2);
	check_out(0, &a0, 3500, 0, 5);
	check_out(1, &b0, 3500, 0, 5);
}
END_TEST

/* GSO's segments, each offered to GRO as it is emitted; what GRO leaves
 * to its caller goes to out after what it flushed, as a caller delivers. */
static int to_gro(void *arg, const uint8_t *seg, uint32_t len)
{
	int *res = arg;
	enum gro_result r = gro_receive(&t, seg, len, 0, 0);
	res[r]++;
	if (r == GRO_PASS || r == GRO_FLUSH_PASS)
		collect(NULL, &(struct gro_out){ seg, len, 1, 0 });
	return 0;
}

START_TEST(round_trip)
{
	static const uint8_t flags[] = { 0x18, 0x19, 0xd8, 0x10 };
	static const uint32_t pays[] = { 65535 - 52, 30000, 1449, 1448, 1 };
	for (size_t fi = 0; fi < sizeof(flags); fi++) {
		for (size_t pi = 0; pi < sizeof(pays) / sizeof(pays[0]); pi++) {
			struct tcpseg s;
			tcpseg_default(&s, 45000, pays[pi]);
			tcpseg_timestamps(&s, 123456, 654321);
			s.flags = flags[fi];
			s.seq = 0xffffff00u;
			s.tos = 0x02;
			static uint8_t big[14 + 65535];
			uint32_t len = tcpseg_build(big, &s);
			static uint8_t scratch[GSO_SCRATCH_LEN(1448)];
			int res[4] = { 0 };
			int n = gso_segment(big, len, 1448, 0, scratch, sizeof(scratch), to_gro, res);
			ck_assert_int_eq(n, (int)(pays[pi] + 1447) / 1448);
			gro_flush(&t, 0, 0);
			ck_assert_int_eq(out.n, 1);
			ck_assert_int_eq(out.segs[0], n);
			ck_assert_uint_eq(out.len[0], len);
			ck_assert_msg(!memcmp(out.f[0], big, len), "flags %02x payload %u", flags[fi], pays[pi]);
			/* held then merged; alone with PSH or FIN: passed */
			ck_assert_int_eq(res[GRO_HELD] + res[GRO_PASS], 1);
			ck_assert_int_eq(res[GRO_MERGED], n - 1);
			ck_assert_int_eq(res[GRO_FLUSH_PASS], 0);
			free(out.f[0]);
			out.n = 0;
		}
	}
}
END_TEST

Suite *gro_suite(void)
{
	Suite *s = suite_create("gro");
	TCase *t = tcase_create("receive");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, in_order_merge);
	tcase_add_test(t, csum_partial_merge);
	tcase_add_test(t, out_of_order_not_merged);
	tcase_add_test(t, differences_flush);
	tcase_add_test(t, cwr_first_merges);
	tcase_add_test(t, psh_fin_short_flush);
	tcase_add_test(t, not_held);
	tcase_add_test(t, ip_id_rules);
	tcase_add_test(t, cap_64k);
	tcase_add_test(t, slot_bound);
	tcase_add_test(t, full_table_evicts_oldest);
	tcase_add_test(t, flush_by_age);
	tcase_add_test(t, flows_interleave);
	tcase_add_test(t, round_trip);
	suite_add_tcase(s, t);
	return s;
}
