/*
 * The world works: a TCP echo round trip, an HTTP request, and the
 * return to idle afterwards.
 */
#include <string.h>

#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

START_TEST(echo_round_trip)
{
	struct wire_peer p = { 0 };
	ck_assert_int_eq(wire_peer_connect(&p, 40000, 7), 0);
	wire_peer_send(&p, WIRE_PSH, "hello", 5);
	glue_poll();
	wire_peer_read(&p);
	ck_assert_uint_eq(p.rx_len, 5);
	ck_assert(!memcmp(p.rx, "hello", 5));
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

START_TEST(http_get)
{
	struct wire_peer p = { 0 };
	ck_assert_int_eq(wire_peer_connect(&p, 40001, 80), 0);
	const char *req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	wire_peer_send(&p, WIRE_PSH, req, strlen(req));
	glue_poll();
	wire_peer_read(&p);
	ck_assert_uint_gt(p.rx_len, 100);
	ck_assert(!memcmp(p.rx, "HTTP/1.1 200 OK\r\n", 17));
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

Suite *basic_suite(void)
{
	Suite *s = suite_create("basic");
	glue_add_test(s, echo_round_trip);
	glue_add_test(s, http_get);
	return s;
}
