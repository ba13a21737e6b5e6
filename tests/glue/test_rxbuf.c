/*
 * Who holds the receive buffers: a peer may tie up its own connection,
 * never the device's receive ring (issue 8's starvation attacks, on the
 * glue world's 1024-buffer device).
 */
#include <string.h>

#include "drivers/netdev.h"
#include "kernel/sysctl.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

/* A fresh client still gets its page. */
static void served(uint16_t sport)
{
	ck_assert(wire_http_get(sport, "/", 0));
}

/* One client advertises a zero window and pipelines 1,100 37-byte
 * requests, one frame each: the server cannot answer, so it keeps them.
 * Each used to keep a 2 KiB driver buffer: the ring emptied and the guest
 * heard nothing more, not even the ACKs that would free memory. */
START_TEST(pipelining_into_a_closed_window)
{
	struct wire_peer p = { 0 };
	ck_assert_int_eq(wire_peer_connect(&p, 43000, 80), 0);
	p.wnd = 0;
	const char *req = "GET / HTTP/1.1\r\nHost: abcdefghijk\r\n\r\n"; /* 37 bytes */
	ck_assert_uint_eq(strlen(req), 37);
	for (int i = 0; i < 1100; i++) {
		wire_peer_send(&p, WIRE_PSH, req, 37);
		if (i % 32 == 31)
			glue_poll();
	}
	glue_poll();
	struct glue_dev_stats s;
	glue_dev_stats(&s);
	ck_assert_uint_eq(s.rx_dropped_nobuf, 0);
	ck_assert_int_lt(s.rx_bufs_out, 64);
	served(43001);
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* 16 connections each send 69 one-byte segments out of order (a hole at
 * the front): lwIP keeps up to 64 per connection in its out-of-order
 * queue, each in a driver buffer. */
START_TEST(out_of_order_bytes)
{
	struct wire_peer p[16];
	for (int c = 0; c < 16; c++) {
		memset(&p[c], 0, sizeof(p[c]));
		ck_assert_int_eq(wire_peer_connect(&p[c], (uint16_t)(43100 + c), 80), 0);
		for (int i = 0; i < 69; i++) {
			struct wire_tcp t = { GLUE_PEER_IP, GLUE_IP, p[c].sport, 80, p[c].snd_nxt + 2 + 2 * (uint32_t)i,
					      p[c].rcv_nxt, WIRE_ACK, 65535, NULL, 0, "x", 1 };
			wire_tcp_send(&t);
		}
		glue_poll();
	}
	struct glue_dev_stats s;
	glue_dev_stats(&s);
	ck_assert_uint_eq(s.rx_dropped_nobuf, 0);
	ck_assert_int_lt(s.rx_bufs_out, 64);
	served(43200);
	for (int c = 0; c < 16; c++)
		wire_peer_free(&p[c]);
	glue_quiesce();
}
END_TEST

/* The same with full segments, too long to be copied: 16 connections
 * fill their out-of-order queues with 1000-byte segments (1,024 driver
 * buffers).  Past half the pool the driver flags its frames low: they
 * are copied, and the out-of-order queues holding its buffers are
 * dropped, so the ring never starves. */
START_TEST(out_of_order_segments)
{
	static uint8_t data[1000];
	struct wire_peer p[16];
	/* GRO off: it would merge each connection's run of segments into one
	 * copy and hold no driver buffer at all (tests/glue/test_gro.c). */
	unsigned was = glue_dev_set_features(0, NETDEV_F_GRO);
	for (int c = 0; c < 16; c++) {
		memset(&p[c], 0, sizeof(p[c]));
		ck_assert_int_eq(wire_peer_connect(&p[c], (uint16_t)(43300 + c), 80), 0);
		for (int i = 0; i < 64; i++) {
			struct wire_tcp t = { GLUE_PEER_IP, GLUE_IP, p[c].sport, 80,
					      p[c].snd_nxt + 1000 + 1000 * (uint32_t)i, p[c].rcv_nxt, WIRE_ACK,
					      65535, NULL, 0, data, sizeof(data) };
			wire_tcp_send(&t);
		}
		glue_poll();
	}
	struct glue_dev_stats s;
	glue_dev_stats(&s);
	ck_assert_uint_eq(s.rx_dropped_nobuf, 0);
	ck_assert_int_le(s.rx_bufs_out, 520);
	ck_assert_int_gt(glue_ethtool_stat("rx_copy_lowbuf"), 0);
	glue_dev_set_features(was, 0);
	served(43400);
	for (int c = 0; c < 16; c++)
		wire_peer_free(&p[c]);
	glue_quiesce();
}
END_TEST

Suite *rxbuf_suite(void)
{
	Suite *s = suite_create("rxbuf");
	glue_add_test(s, pipelining_into_a_closed_window);
	glue_add_test(s, out_of_order_bytes);
	glue_add_test(s, out_of_order_segments);
	return s;
}
