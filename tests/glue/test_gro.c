/*
 * Software GRO in the receive path (net/core/netdev_rx.c over gro.c):
 * within one NAPI poll, a flow's in-order segments reach lwIP as one
 * frame, byte-exact, and the driver's buffers go back at once; PSH, a gap
 * or GRO switched off (dev->features, ethtool -K gro off) keep segments
 * apart; a frame longer than the MTU (a device-merged one) goes through
 * whole, or cut back into segments when it is forwarded.  The echo server
 * (port 7) sends back what it got.
 */
#include <string.h>

#include "drivers/netdev.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

#define SEG 1000

static uint8_t pat(uint32_t i)
{
	return (uint8_t)(i * 131 + (i >> 8));
}

/* n segments of SEG bytes (the pattern from byte 0 of the connection), PSH
 * on segment psh_at (< 0: none), all queued for one poll. */
static void burst(struct wire_peer *p, int n, int psh_at)
{
	static uint8_t data[SEG];
	for (int k = 0; k < n; k++) {
		for (int i = 0; i < SEG; i++)
			data[i] = pat((uint32_t)(k * SEG + i));
		wire_peer_send(p, k == psh_at ? WIRE_PSH : 0, data, SEG);
	}
}

/* The echo came back whole: n segments' bytes, in order. */
static void echoed(struct wire_peer *p, int n)
{
	for (int k = 0; k < 20 && p->rx_len < (size_t)n * SEG; k++) {
		glue_advance(10);
		wire_peer_read(p);
		wire_peer_send(p, 0, NULL, 0); /* ACK what came, so the echo goes on */
		glue_poll();
	}
	ck_assert_uint_eq(p->rx_len, (size_t)n * SEG);
	for (size_t i = 0; i < p->rx_len; i++)
		ck_assert_msg(p->rx[i] == pat((uint32_t)(i % ((size_t)n * SEG))), "byte %zu", i);
}

static long long stat(const char *name)
{
	long long v = glue_ethtool_stat(name);
	ck_assert_int_ge(v, 0);
	return v;
}

static void connect(struct wire_peer *p, uint16_t sport)
{
	memset(p, 0, sizeof(*p));
	p->wnd = 65535;
	ck_assert_int_eq(wire_peer_connect(p, sport, 7), 0);
}

/* 40 segments in one poll: one frame for lwIP (39 merged), no driver
 * buffer kept, every byte echoed, and lwIP acknowledged all of it. */
START_TEST(in_order_burst_merged)
{
	struct wire_peer p;
	connect(&p, 44000);
	long long merged = stat("rx_gro_merged"), frames = stat("rx_gro_frames");
	burst(&p, 40, -1);
	glue_poll();
	ck_assert_int_eq(stat("rx_gro_merged") - merged, 39);
	ck_assert_int_eq(stat("rx_gro_frames") - frames, 1);
	struct glue_dev_stats s;
	glue_dev_stats(&s);
	ck_assert_int_eq(s.rx_bufs_out, 0);
	echoed(&p, 40);
	wire_peer_read(&p);
	ck_assert_uint_eq(p.acked, p.snd_nxt);
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* PSH flushes: 10 segments with PSH on the 5th are two frames. */
START_TEST(psh_flushes)
{
	struct wire_peer p;
	connect(&p, 44001);
	long long merged = stat("rx_gro_merged"), frames = stat("rx_gro_frames");
	burst(&p, 10, 4);
	glue_poll();
	ck_assert_int_eq(stat("rx_gro_merged") - merged, 8);
	ck_assert_int_eq(stat("rx_gro_frames") - frames, 2);
	echoed(&p, 10);
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* A gap: segment 5 comes last.  Nothing is merged across it, lwIP queues
 * what follows it out of order, and once it arrives all is echoed. */
START_TEST(gap_not_merged)
{
	static uint8_t data[SEG];
	struct wire_peer p;
	connect(&p, 44002);
	uint32_t base = p.snd_nxt;
	long long merged = stat("rx_gro_merged"), frames = stat("rx_gro_frames");
	for (int k = 0; k < 10; k++) {
		if (k == 5)
			continue;
		for (int i = 0; i < SEG; i++)
			data[i] = pat((uint32_t)(k * SEG + i));
		p.snd_nxt = base + (uint32_t)(k * SEG);
		wire_peer_send(&p, 0, data, SEG);
	}
	glue_poll();
	ck_assert_int_eq(stat("rx_gro_merged") - merged, 7); /* 0-4 and 6-9 */
	ck_assert_int_eq(stat("rx_gro_frames") - frames, 2);
	for (int i = 0; i < SEG; i++)
		data[i] = pat((uint32_t)(5 * SEG + i));
	p.snd_nxt = base + 5 * SEG;
	wire_peer_send(&p, 0, data, SEG);
	p.snd_nxt = base + 10 * SEG;
	glue_poll();
	echoed(&p, 10);
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* ethtool -K eth0 gro off: the counters stay, each segment goes to lwIP
 * alone, the echo is the same. */
START_TEST(gro_off)
{
	struct wire_peer p;
	unsigned was = glue_dev_set_features(0, NETDEV_F_GRO);
	ck_assert(was & NETDEV_F_GRO);
	connect(&p, 44003);
	long long merged = stat("rx_gro_merged"), held = stat("rx_gro_held");
	burst(&p, 40, -1);
	glue_poll();
	echoed(&p, 40);
	ck_assert_int_eq(stat("rx_gro_merged"), merged);
	ck_assert_int_eq(stat("rx_gro_held"), held);
	glue_dev_set_features(NETDEV_F_GRO, 0);
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* A frame longer than the MTU (as a device merges with GUEST_TSO4) over
 * five buffers: counted, not offered to GRO, and echoed whole.  Held
 * segments of its flow go first. */
START_TEST(device_merged_frame)
{
	static uint8_t data[8 * SEG], f[WIRE_MAX];
	struct wire_peer p;
	connect(&p, 44004);
	long long hw = stat("rx_gro_hw");
	burst(&p, 2, -1);
	for (int i = 0; i < 8 * SEG; i++)
		data[i] = pat((uint32_t)(2 * SEG + i));
	struct wire_tcp t = { GLUE_PEER_IP, GLUE_IP, p.sport, 7, p.snd_nxt, p.rcv_nxt, WIRE_ACK, p.wnd,
			      NULL, 0, data, sizeof(data) };
	size_t len = wire_tcp_frame(f, &t);
	const size_t cuts[4] = { 1900, 3800, 5700, 7600 };
	glue_rx_split(f, len, cuts, 4);
	p.snd_nxt += sizeof(data);
	glue_poll();
	ck_assert_int_eq(stat("rx_gro_hw") - hw, 1);
	echoed(&p, 10);
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* Forwarding: a device-merged frame (8000 bytes of TCP payload, longer
 * than the MTU) to an address that is not ours leaves cut back into
 * segments that fit the MTU, in order, checksums right, the payload the
 * same; without the cut lwIP would send one 8054-byte frame. */
START_TEST(forwarded_merged_frame_cut)
{
	static uint8_t data[8000], f[WIRE_MAX], got[8000];
	glue_restore_init();
	glue_sysctl("net.ipv4.ip_forward", "1");
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = pat((uint32_t)i);
	const uint32_t far = 0xc6336409u; /* 198.51.100.9: via the default route */
	struct wire_tcp t = { GLUE_PEER_IP, far, 40000, 5001, 1000, 1, WIRE_ACK | WIRE_PSH, 500,
			      NULL, 0, data, sizeof(data) };
	size_t len = wire_tcp_frame(f, &t);
	f[14 + 8] = 64; /* TTL (wire_ip's may be anything) */
	f[14 + 10] = f[14 + 11] = 0;
	uint16_t c = (uint16_t)~wire_sum(f + 14, 20, 0);
	f[14 + 10] = (uint8_t)(c >> 8), f[14 + 11] = (uint8_t)c;
	long long cut = stat("rx_gro_hw_cut");
	glue_tx_clear();
	const size_t cuts[4] = { 1900, 3800, 5700, 7600 };
	glue_rx_split(f, len, cuts, 4);
	glue_poll();
	ck_assert_int_eq(stat("rx_gro_hw_cut") - cut, 1);
	size_t at = 0;
	int segs = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t n;
		const uint8_t *o = glue_tx_frame(i, &n);
		struct wire_parsed w;
		if (wire_parse(o, n, &w) || !w.tcp || w.daddr != far)
			continue;
		ck_assert_uint_le(n, 1514);
		ck_assert(w.csum_ok);
		ck_assert_uint_eq(w.seq, 1000 + at);
		ck_assert_uint_le(at + w.len, sizeof(got));
		memcpy(got + at, w.data, w.len);
		at += w.len;
		ck_assert_int_eq(!!(w.flags & WIRE_PSH), at == sizeof(data)); /* PSH on the last only */
		segs++;
	}
	ck_assert_int_eq(segs, 6); /* 8000 bytes of 1460 */
	ck_assert_uint_eq(at, sizeof(data));
	ck_assert(!memcmp(got, data, sizeof(data)));
	glue_restore();
	glue_quiesce();
}
END_TEST

Suite *gro_suite(void)
{
	Suite *s = suite_create("gro");
	glue_add_test(s, in_order_burst_merged);
	glue_add_test(s, psh_flushes);
	glue_add_test(s, gap_not_merged);
	glue_add_test(s, gro_off);
	glue_add_test(s, device_merged_frame);
	glue_add_test(s, forwarded_merged_frame_cut);
	return s;
}
