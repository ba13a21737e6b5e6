/*
 * Fuzz target: software GSO and GRO for IPv4 TCP (net/core/gso.c, gro.c,
 * over tcp4_frame.c), not yet in the glue world's kernel.  The input is a
 * program of operations on one GRO table of 1 + (byte 0 % 8) slots:
 *   0 flags8 len16 bytes      a raw frame to gro_receive (flags & 1:
 *                             GRO_CSUM_VALID)
 *   1 flow8 fl8 seq8 len16 v8 a built segment of one of 4 flows (right
 *                             checksums, tests/unit/tcpseg.c): TCP flags fl,
 *                             seq 0: the flow's next byte, else a jump;
 *                             v's bits change TTL, TOS, DF, window, ACK,
 *                             timestamps, and the IP ID step
 *   2 n8                      the clock moves n ms; gro_flush of what is
 *                             at least n % 4 ms old
 *   3 mss16 gfl8 len16 bytes  a raw frame (checksums made right when it
 *                             parses) to gso_segment, its segments to the
 *                             table; and the round trip below
 * Checks: every GSO segment parses, has right checksums (or the pseudo sum
 * with GSO_CSUM_PARTIAL), the payload and sequence numbers run on; every
 * frame GRO flushes parses with right checksums within GRO_FRAME_MAX; the
 * counters add up and the table empties.  Round trip: a frame GRO could
 * hold (IHL 5, no SYN/RST/URG, no reserved flag), cut by GSO and merged by
 * a fresh table, is delivered as exactly that frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/gro.h"
#include "net/core/gso.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/unit/tcpseg.h"

/* Up to len bytes of the input, copied to a buffer of exactly that size
 * (ASan sees any read past it); *len becomes what was there. */
static uint8_t *take(struct in *in, uint32_t *len)
{
	size_t n = *len;
	const uint8_t *p = bytes(in, &n);
	uint8_t *b = malloc(n ? n : 1);
	memcpy(b, p, n);
	*len = (uint32_t)n;
	return b;
}

static uint8_t slots[GRO_MAX_FLOWS * (size_t)GRO_FRAME_MAX];
static uint8_t rt_slots[GRO_MAX_FLOWS * (size_t)GRO_FRAME_MAX];
static uint8_t scratch[GSO_SCRATCH_LEN(65535)];
static uint8_t big[GRO_FRAME_MAX];
static uint64_t emitted;

static void check_frame(const uint8_t *f, uint32_t len, int tcp_sum)
{
	struct tcp4_frame p;
	if (len > GRO_FRAME_MAX || tcp4_frame_parse(f, len, &p) || !tcpseg_ip_ok(f))
		abort();
	if (tcp_sum && !tcpseg_tcp_ok(f))
		abort();
}

static void gro_out(void *arg, const struct gro_out *o)
{
	(void)arg;
	struct tcp4_frame p;
	check_frame(o->frame, o->len, o->segs > 1);
	tcp4_frame_parse(o->frame, o->len, &p);
	if (!o->segs || p.paylen > (uint32_t)o->segs * o->mss)
		abort();
	emitted++;
}

static struct gro_table t, rt;
static uint64_t now;

/* ---- GSO: its segments checked, then offered to a table ---- */

struct gso_run {
	const uint8_t *frame;
	struct tcp4_frame f;
	uint32_t off; /* payload bytes seen */
	int partial;
	struct gro_table *to;
};

static int gso_out(void *arg, const uint8_t *seg, uint32_t len)
{
	struct gso_run *r = arg;
	struct tcp4_frame s;
	if (tcp4_frame_parse(seg, len, &s) || s.hlen != r->f.hlen)
		abort();
	if (seg != r->frame) { /* split: everything made here */
		if (!tcpseg_ip_ok(seg) || s.seq != r->f.seq + r->off)
			abort();
		if (r->partial ? tcpseg_get16(seg + 14 + s.ihl + 16) != tcpseg_pseudo(seg) : !tcpseg_tcp_ok(seg))
			abort();
		if (memcmp(seg + s.hlen, r->frame + r->f.hlen + r->off, s.paylen))
			abort();
	}
	r->off += s.paylen;
	if (r->to)
		gro_receive(r->to, seg, len, r->partial ? GRO_CSUM_VALID : 0, now);
	return 0;
}

/* What the round trip's table delivers, in order. */
static struct {
	uint32_t n, want_len;
} rt_got;

static void rt_out(void *arg, const struct gro_out *o)
{
	(void)arg;
	rt_got.n++;
	if (o->len != rt_got.want_len || memcmp(o->frame, big, o->len))
		abort(); /* the one frame delivered must be the original */
}

static void op_gso(struct in *in)
{
	uint16_t mss = u16(in);
	uint8_t gfl = u8(in);
	uint32_t len = u16(in);
	uint8_t *b = take(in, &len);
	struct gso_run r = { b, { 0 }, 0, gfl & 1, &t };
	if (!tcp4_frame_parse(b, len, &r.f)) {
		tcp4_frame_finish(b, r.f.ihl, r.f.iplen, 0); /* right checksums */
		len = 14u + r.f.iplen;
	}
	int n = gso_segment(b, len, mss, r.partial ? GSO_CSUM_PARTIAL : 0, scratch,
			    GSO_SCRATCH_LEN(mss), gso_out, &r);
	if (n > 0 && r.off != r.f.paylen)
		abort(); /* every payload byte once */
	int roundtrip = n > 0 && !r.partial && r.f.ihl == 20 && !(b[14 + 6] & 0x80) &&
			!(r.f.flags & (TCP4_SYN | TCP4_RST | TCP4_URG)) && r.f.paylen;
	if (roundtrip) {
		memcpy(big, b, len);
		gro_init(&rt, rt_slots, sizeof(rt_slots), GRO_MAX_FLOWS, rt_out, NULL);
		rt_got.n = 0;
		rt_got.want_len = len;
		struct gso_run r2 = { b, r.f, 0, 0, &rt };
		gso_segment(b, len, mss, 0, scratch, GSO_SCRATCH_LEN(mss), gso_out, &r2);
		gro_flush(&rt, now, 0);
		/* alone with PSH or FIN it is passed, not held */
		if (rt_got.n + rt.stats.passed != 1 || rt.stats.merged + 1 != (uint64_t)n)
			abort();
	}
	free(b);
}

/* ---- built segments of 4 flows ---- */

static uint32_t next_seq[4];
static uint16_t next_id[4];
static uint8_t pattern[65536];

static void op_seg(struct in *in)
{
	uint8_t flow = u8(in) & 3, fl = u8(in), jump = u8(in);
	uint16_t len = u16(in) % 9000;
	uint8_t v = u8(in);
	struct tcpseg s;
	tcpseg_default(&s, (uint16_t)(40000 + flow), len);
	s.flags = fl;
	s.seq = next_seq[flow] + (jump ? (uint32_t)(int8_t)jump * 100 : 0);
	s.payload = pattern + (s.seq % 32768);
	s.id = next_id[flow];
	s.ttl = (v & 1) ? 63 : 64;
	s.tos = (v & 2) ? 2 : 0;
	s.df = !(v & 4);
	s.win += (v & 8) ? 1 : 0;
	s.ack += (v & 16) ? 1 : 0;
	if (v & 32)
		tcpseg_timestamps(&s, now / 1000000, 7);
	next_seq[flow] = s.seq + len;
	next_id[flow] = (uint16_t)(s.id + ((v & 64) ? 0 : 1));
	uint32_t n = tcpseg_build(big, &s);
	uint8_t *b = malloc(n);
	memcpy(b, big, n);
	gro_receive(&t, b, n, 0, now);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	if (!pattern[1])
		for (uint32_t i = 0; i < sizeof(pattern); i++)
			pattern[i] = tcpseg_byte(i);
	gro_init(&t, slots, sizeof(slots), 1 + u8(&in) % GRO_MAX_FLOWS, gro_out, NULL);
	memset(next_seq, 0, sizeof(next_seq));
	memset(next_id, 0, sizeof(next_id));
	now = 0;
	emitted = 0;
	uint64_t offered = 0;
	for (int ops = 0; in.n && ops < 256; ops++) {
		uint64_t before = t.stats.merged + t.stats.held + t.stats.passed;
		switch (u8(&in) % 4) {
		case 0: {
			uint8_t fl = u8(&in);
			uint32_t len = u16(&in);
			uint8_t *b = take(&in, &len);
			gro_receive(&t, b, len, fl & 1 ? GRO_CSUM_VALID : 0, now);
			free(b);
			offered++;
			break;
		}
		case 1:
			op_seg(&in);
			offered++;
			break;
		case 2: {
			uint8_t n = u8(&in);
			now += n * 1000000ull;
			gro_flush(&t, now, (n % 4) * 1000000ull);
			break;
		}
		default:
			op_gso(&in);
			offered += t.stats.merged + t.stats.held + t.stats.passed - before;
			break;
		}
		if (t.nheld > t.nslots || t.stats.held_max > t.nslots)
			abort();
	}
	/* every frame offered was merged, held or passed, once */
	if (t.stats.merged + t.stats.held + t.stats.passed != offered)
		abort();
	gro_flush(&t, now, 0);
	if (t.nheld || t.stats.flushed != emitted || t.stats.flushed > t.stats.held)
		abort();
	return 0;
}
