/*
 * Memory that runs out where a peer can make it run out: an accepted
 * connection that finds no memory for its record, a FIN that finds none.
 */
#include <string.h>

#include "kernel/sysctl.h"
#include "net/http/server_priv.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

/* The HTTP server accepted a connection and found no memory for its
 * record: it reset the connection from inside lwIP's accept callback,
 * and lwIP went on using the freed pcb ("tcp_receive: wrong state", or
 * a use after free).  Now the reset happens from the event loop; the
 * client sees it, and the next client is served. */
START_TEST(http_accept_without_memory)
{
	struct wire_peer p = { 0 };
	glue_alloc_fail(sizeof(struct http_conn), 1);
	ck_assert_int_eq(wire_peer_connect(&p, 42000, 80), 0);
	glue_poll();
	wire_peer_read(&p);
	ck_assert(p.rst);
	glue_alloc_fail(0, 0);
	struct wire_peer q = { 0 };
	ck_assert_int_eq(wire_peer_connect(&q, 42001, 80), 0);
	const char *req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
	wire_peer_send(&q, WIRE_PSH, req, strlen(req));
	glue_poll();
	wire_peer_read(&q);
	ck_assert(q.rx_len > 17 && !memcmp(q.rx, "HTTP/1.1 200 OK\r\n", 17));
	wire_peer_free(&p);
	wire_peer_free(&q);
	glue_quiesce();
}
END_TEST

Suite *memory_suite(void)
{
	Suite *s = suite_create("memory");
	glue_add_test(s, http_accept_without_memory);
	return s;
}
