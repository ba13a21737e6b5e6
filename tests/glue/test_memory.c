/*
 * Memory that runs out where a peer can make it run out: an accepted
 * connection that finds no memory for its record, a FIN that finds none.
 */
#include <string.h>

#include "kernel/sysctl.h"
#include "lwip/tcp.h"
#include "net/http/server_priv.h"
#include "net/core/net.h"
#include "net/core/netstat.h"
#include "net/ipv4/tcp_mem.h"
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
	ck_assert(wire_http_get(42001, "/", 0));
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* A failed lwIP assertion in a release image (kernel.panic_on_warn=0):
 * counted, logged once, and the connection being processed is dropped
 * (the peer gets a reset); the next connection works.  The assertion is
 * raised from a receive callback, inside tcp_input, as lwIP's own would. */
static err_t assert_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg, (void)err;
	if (p) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		LWIP_ASSERT("glue test: a state lwIP did not expect", 0);
	}
	return ERR_OK;
}

static err_t assert_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg, (void)err;
	tcp_recv(pcb, assert_recv);
	return ERR_OK;
}

START_TEST(lwip_assert_drops_the_connection)
{
	struct tcp_pcb *pcb = tcp_new();
	ck_assert_int_eq(tcp_bind(pcb, IP_ANY_TYPE, 9999), ERR_OK);
	struct tcp_pcb *l = tcp_listen(pcb);
	ck_assert_ptr_nonnull(l);
	tcp_accept(l, assert_accept);
	sysctl_panic_on_warn = 0;
	uint64_t before = net_lwip_asserts;
	for (int i = 0; i < 2; i++) {
		struct wire_peer p = { 0 };
		glue_dmesg_clear();
		ck_assert_int_eq(wire_peer_connect(&p, (uint16_t)(42100 + i), 9999), 0);
		wire_peer_send(&p, WIRE_PSH, "x", 1);
		glue_poll();
		wire_peer_read(&p);
		ck_assert(p.rst);
		ck_assert_uint_eq(net_lwip_asserts, before + 1 + (uint64_t)i);
		const char *warn = strstr(glue_dmesg(), "WARNING: lwIP assertion \"glue test");
		ck_assert(i == 0 ? warn != NULL : warn == NULL); /* logged once */
		ck_assert_ptr_nonnull(strstr(glue_dmesg(), "dropped after a failed lwIP assertion"));
		wire_peer_free(&p);
	}
	sysctl_panic_on_warn = 1;
	tcp_close(l);
	glue_quiesce();
}
END_TEST

/* net.ipv4.tcp_mem at 16 24 32 pages; its value before in saved. */
static void small_tcp_mem(char saved[64])
{
	sysctl_format(sysctl_find("net.ipv4.tcp_mem"), saved, 64);
	ck_assert_int_eq(sysctl_set(sysctl_find("net.ipv4.tcp_mem"), "16 24 32"), 0);
}

/* An echo client that never reads what the echo sends (zero window). */
static void non_reader(struct wire_peer *p, uint16_t sport)
{
	memset(p, 0, sizeof(*p));
	ck_assert_int_eq(wire_peer_connect(p, sport, 7), 0);
	p->wnd = 0;
}

/* Peers that never read (zero window) and keep sending to the echo fill
 * TCP memory: past net.ipv4.tcp_mem's pressure they get no more than 4 KiB
 * each way (TCPRcvQDrop), past high the stalled ones are reset
 * (TCPAbortOnMemory), and a new client is still served.  (An 8 MiB guest
 * under 60 to 400 such clients kept answering ping and HTTP the same way.) */
START_TEST(tcp_memory_costs_the_peers_that_fill_it)
{
	char saved[64];
	small_tcp_mem(saved);
	uint64_t pressures = netstat_ext.tcp_memory_pressures, drops = netstat_ext.tcp_rcvq_drop;
	uint64_t aborts = netstat_ext.tcp_abort_on_memory;
	static uint8_t data[1400];
	enum { N = 24 };
	static struct wire_peer p[N];
	for (int c = 0; c < N; c++) {
		non_reader(&p[c], (uint16_t)(42200 + c));
		for (int k = 0; k < 24; k++) {
			wire_peer_send(&p[c], WIRE_PSH, data, sizeof(data));
			glue_advance(25); /* the count is redone every 20 ms */
		}
	}
	ck_assert_uint_gt(netstat_ext.tcp_memory_pressures, pressures);
	ck_assert_uint_gt(netstat_ext.tcp_rcvq_drop, drops);
	ck_assert_uint_gt(netstat_ext.tcp_abort_on_memory, aborts);
	ck_assert_int_le(tcp_mem_pages(), 32 + 8);
	ck_assert(wire_http_get(42300, "/", 50));
	for (int c = 0; c < N; c++)
		wire_peer_free(&p[c]);
	ck_assert_int_eq(sysctl_set(sysctl_find("net.ipv4.tcp_mem"), saved), 0);
	glue_quiesce();
}
END_TEST

/* A burst that arrives within one 20 ms count (GRO and the device hand
 * over up to 64 KiB at a time; under TCG 20 ms is megabytes): what is
 * delivered is added to the last count, so pressure starts within the
 * burst and TCP stays near its limits, not past them by the burst. */
START_TEST(tcp_memory_burst_within_one_count)
{
	char saved[64];
	small_tcp_mem(saved);
	uint64_t pressures = netstat_ext.tcp_memory_pressures, drops = netstat_ext.tcp_rcvq_drop;
	static uint8_t data[1400];
	enum { N = 24 };
	static struct wire_peer p[N];
	for (int c = 0; c < N; c++)
		non_reader(&p[c], (uint16_t)(42400 + c));
	glue_advance(25); /* one count, then none until the burst is over */
	ck_assert_int_eq(netstat_ext.tcp_memory_pressures, pressures);
	for (int k = 0; k < 12; k++) {
		for (int c = 0; c < N; c++)
			wire_peer_send(&p[c], WIRE_PSH, data, sizeof(data));
		glue_poll(); /* a NAPI poll of 24 frames; the clock stands still */
	}
	ck_assert_uint_gt(netstat_ext.tcp_memory_pressures, pressures);
	ck_assert_uint_gt(netstat_ext.tcp_rcvq_drop, drops);
	tcp_mem_relieve();
	glue_advance(25);
	ck_assert_int_le(tcp_mem_pages(), 32 + 8);
	for (int c = 0; c < N; c++)
		wire_peer_free(&p[c]);
	ck_assert_int_eq(sysctl_set(sysctl_find("net.ipv4.tcp_mem"), saved), 0);
	glue_quiesce();
}
END_TEST

/* The room tcp_mem_send_room gives the echo and HTTP (net/ipv4/tcp_mem.h):
 * a buffer of 64 KiB to start, twice the window once the congestion window
 * is past 32 KiB, the peer's window counted where it is smaller, lwIP's
 * TCP_SND_BUF the ceiling, less what is queued (and at most 65535 a call,
 * lwIP's tcp_sndbuf); none once the queue holds the pbufs a buffer that
 * size of full segments would. */
START_TEST(send_room_grows_with_the_window)
{
	struct tcp_pcb *pcb = tcp_new();
	ck_assert_ptr_nonnull(pcb);
	size_t room[6];
	pcb->snd_wnd = 1u << 20;
	pcb->cwnd = 10 * TCP_MSS;
	pcb->snd_buf = TCP_SND_BUF - 10000; /* 10000 bytes queued */
	pcb->snd_queuelen = 20;
	room[0] = tcp_mem_send_room(pcb);
	pcb->snd_buf = TCP_SND_BUF - 150000;
	room[1] = tcp_mem_send_room(pcb); /* past the 64 KiB a small window gets */
	pcb->cwnd = 100 * 1024;
	room[2] = tcp_mem_send_room(pcb); /* 200 KiB for a 100 KiB window */
	pcb->snd_wnd = 0; /* a peer that stopped reading */
	room[3] = tcp_mem_send_room(pcb);
	pcb->snd_wnd = 1u << 20;
	pcb->cwnd = 1u << 20;
	pcb->snd_buf = TCP_SND_BUF - (TCP_SND_BUF - 1000);
	room[4] = tcp_mem_send_room(pcb); /* the ceiling */
	pcb->cwnd = 10 * TCP_MSS;
	pcb->snd_buf = TCP_SND_BUF - 4800; /* 100 segments of 48 bytes */
	pcb->snd_queuelen = (u16_t)(4 * TCP_SNDBUF_START / TCP_MSS - 4);
	room[5] = tcp_mem_send_room(pcb);
	pcb->snd_buf = TCP_SND_BUF;
	pcb->snd_queuelen = 0;
	tcp_abort(pcb);
	ck_assert_uint_eq(room[0], TCP_SNDBUF_START - 10000);
	ck_assert_uint_eq(room[1], 0);
	ck_assert_uint_eq(room[2], 200 * 1024 - 150000);
	ck_assert_uint_eq(room[3], 0);
	ck_assert_uint_eq(room[4], 1000);
	ck_assert_uint_eq(room[5], 0);
}
END_TEST

Suite *memory_suite(void)
{
	Suite *s = suite_create("memory");
	glue_add_test(s, http_accept_without_memory);
	glue_add_test(s, lwip_assert_drops_the_connection);
	glue_add_test(s, tcp_memory_costs_the_peers_that_fill_it);
	glue_add_test(s, tcp_memory_burst_within_one_count);
	glue_add_test(s, send_room_grows_with_the_window);
	return s;
}
