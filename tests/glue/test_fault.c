/*
 * Fault injection (kernel/fault.h, the debug.fail_* sysctls): with a tenth
 * of lwIP's allocations, receive copies and transmit handovers failing,
 * the services still answer most clients, nothing crashes or leaks, and
 * set back to 0 the world is back to idle.  Also a close that finds no
 * memory.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/fault.h"
#include "kernel/sysctl.h"
#include "lwip/mem.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"


/* The client closes while lwIP has no memory for the echo's FIN: lwIP
 * keeps the close pending and sends the FIN from its timer once memory
 * comes back (the echo used to abort when a close failed and then return
 * ERR_OK, a use after free had lwIP ever reported the failure). */
START_TEST(echo_close_without_memory)
{
	struct wire_peer p = { 0 };
	ck_assert_int_eq(wire_peer_connect(&p, 44000, 7), 0);
	glue_poll();
	glue_sysctl("debug.fail_lwip_alloc", "100");
	wire_peer_send(&p, WIRE_FIN, NULL, 0);
	glue_advance(100);
	wire_peer_read(&p);
	ck_assert(!p.fin);
	glue_sysctl("debug.fail_lwip_alloc", "0");
	glue_advance(1000);
	wire_peer_read(&p);
	ck_assert(p.fin);
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* 300 clients, each a GET on a fresh connection, with 10% of lwIP's
 * allocations, of receive copies and of transmit handovers failing.  The
 * wire peer does not retransmit, so an exchange that meets a failure at
 * any of its ten-odd allocations and handovers fails (about 40% succeed:
 * 0.9^8); the integration test's curl, which retransmits, completes every
 * request.  What this checks: nothing crashes or leaks, lwIP's timers
 * survive (patch 0010), and service is whole again at 0. */
START_TEST(http_under_ten_percent_faults)
{
	uint64_t injected0 = fault_lwip_alloc.injected + fault_rx_alloc.injected + fault_tx_ring.injected;
	glue_sysctl("debug.fail_lwip_alloc", "10");
	glue_sysctl("debug.fail_rx_alloc", "10");
	glue_sysctl("debug.fail_tx_ring", "10");
	int ok = 0;
	const char *req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	for (int i = 0; i < 300; i++) {
		struct wire_peer p = { 0 };
		if (wire_peer_connect(&p, (uint16_t)(44100 + i), 80) == 0) {
			wire_peer_send(&p, WIRE_PSH, req, strlen(req));
			glue_advance(50);
			wire_peer_read(&p);
			ok += p.rx_len > 17 && !memcmp(p.rx, "HTTP/1.1 200 OK\r\n", 17);
			wire_peer_send(&p, WIRE_RST, NULL, 0);
			glue_poll();
		}
		wire_peer_free(&p);
	}
	glue_sysctl("debug.fail_lwip_alloc", "0");
	glue_sysctl("debug.fail_rx_alloc", "0");
	glue_sysctl("debug.fail_tx_ring", "0");
	ck_assert_uint_gt(fault_lwip_alloc.injected + fault_rx_alloc.injected + fault_tx_ring.injected,
			  injected0 + 30);
	ck_assert_int_gt(ok, 60);
	glue_quiesce(); /* every pool, the heap and the buffers back to idle */
	ck_assert(wire_http_get(44500, "/", 0));
	glue_quiesce();
}
END_TEST

/* A response that cannot be queued for memory: the connection is reset
 * (answers must go out in order), not left waiting for an answer that
 * never comes; a head whose body then streamed without it (/bytes/N)
 * was worse.  The next client is served. */
START_TEST(http_response_without_memory_resets)
{
	const char *paths[] = { "/", "/bytes/5000", "/metrics" };
	for (int i = 0; i < 3; i++) {
		struct wire_peer p = { 0 };
		ck_assert_int_eq(wire_peer_connect(&p, (uint16_t)(44600 + i), 80), 0);
		char req[80];
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", paths[i]);
		glue_sysctl("debug.fail_lwip_alloc", "100");
		wire_peer_send(&p, WIRE_PSH, req, strlen(req));
		glue_poll();
		glue_sysctl("debug.fail_lwip_alloc", "0");
		glue_advance(100);
		/* The reset itself found no memory either: the next segment from
		 * the client meets no connection and gets one. */
		wire_peer_send(&p, 0, NULL, 0);
		glue_poll();
		wire_peer_read(&p);
		ck_assert_msg(p.rst, "%s: the connection lives on", paths[i]);
		ck_assert_msg(p.rx_len == 0, "%s: %zu bytes without their head", paths[i], p.rx_len);
		wire_peer_free(&p);
	}
	glue_quiesce();
}
END_TEST

/* The first connection after an idle spell starts TCP's timer
 * (tcp_timer_needed), which allocated its timeout from the heap: when that
 * failed lwIP asserted and, in a release image, TCP's timers never ran
 * again (patch 0010).  Here the first allocation of a timeout's size
 * after the SYN fails (before the patch, the timer's; after it, the
 * SYN-ACK's segment, the same size): TCP's clock must tick on, and the
 * client's second SYN must get its SYN-ACK. */
START_TEST(tcp_timer_starts_without_memory)
{
	glue_quiesce(); /* no connection: TCP's timer is off */
	size_t timeout_alloc = LWIP_MEM_ALIGN_SIZE(sizeof(struct sys_timeo)) +
			       LWIP_MEM_ALIGN_SIZE(sizeof(mem_size_t)); /* mem.c's MEM_LIBC_STATSHELPER_SIZE */
	glue_alloc_fail(timeout_alloc, 1);
	u32_t ticks = tcp_ticks;
	int n0 = glue_tx_count();
	struct wire_tcp syn = { GLUE_PEER_IP, GLUE_IP, 44700, 80, 5000, 0, WIRE_SYN, 65535, NULL, 0, NULL, 0 };
	wire_tcp_send(&syn);
	glue_poll();
	glue_alloc_fail(0, 0);
	glue_advance(1000);
	wire_tcp_send(&syn); /* the client's retry */
	glue_advance(3000);
	ck_assert_uint_ge(tcp_ticks - ticks, 4000 / TCP_SLOW_INTERVAL / 2); /* ticking: most of 4 s of slow ticks */
	int synacks = 0;
	for (int i = n0; i < glue_tx_count(); i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(i, &len);
		struct wire_parsed w;
		if (!wire_parse(f, len, &w) && w.tcp && w.dport == 44700 && w.flags == (WIRE_SYN | WIRE_ACK))
			synacks++;
	}
	ck_assert_int_ge(synacks, 1);
	glue_quiesce();
}
END_TEST

Suite *fault_suite(void)
{
	Suite *s = suite_create("fault");
	glue_add_test(s, echo_close_without_memory);
	glue_add_test(s, http_under_ten_percent_faults);
	glue_add_test(s, http_response_without_memory_resets);
	glue_add_test(s, tcp_timer_starts_without_memory);
	return s;
}
