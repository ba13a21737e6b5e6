/*
 * Software GRO in the receive path (net/core/netdev_rx.c over gro.c):
 * within one NAPI poll, a flow's in-order segments reach lwIP as one
 * frame, byte-exact, and the driver's buffers go back at once; PSH, a gap
 * or GRO switched off (dev->features, ethtool -K gro off) keep segments
 * apart; a frame longer than the MTU (a device-merged one) goes through
 * whole.  The echo server (port 7) sends back what it got.
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

Suite *gro_suite(void)
{
	Suite *s = suite_create("gro");
	glue_add_test(s, in_order_burst_merged);
	glue_add_test(s, psh_flushes);
	glue_add_test(s, gap_not_merged);
	glue_add_test(s, gro_off);
	glue_add_test(s, device_merged_frame);
	return s;
}
