/*
 * Listen backlogs (issue 9, point 9): `http start [PORT] [backlog N]` and
 * `echo-server [backlog N]` size the accept queue as listen(2) does (ss
 * Send-Q = min(backlog, somaxconn)), a bad backlog changes nothing, and
 * lwiperf's listener goes through net/ipv4/listen.c (listen_adopt): ss shows
 * iperf 2's backlog, and a session whose data and FIN arrived while it
 * waited on the accept queue still runs end to end.  listen_adopt's
 * contract on a bare lwIP listener: the owner's accept callback and arg,
 * data handed over, and both ways of closing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "net/ipv4/listen.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

static void setup(void)
{
	glue_restore_init();
}

static void teardown(void)
{
	glue_restore();
}

/* `ss -lnt`'s row for 0.0.0.0:port: 1 and its queues, or 0 if none. */
static int ss_row(int port, int *recvq, int *sendq)
{
	char want[32];
	snprintf(want, sizeof(want), "0.0.0.0:%d", port);
	ck_assert_int_eq(glue_cmd("ss -lnt"), 0);
	const char *s = glue_console();
	while (*s) {
		char state[16], local[64];
		int r, q;
		if (sscanf(s, "%15s %d %d %63s", state, &r, &q, local) == 4 && !strcmp(state, "LISTEN") &&
		    !strcmp(local, want)) {
			*recvq = r;
			*sendq = q;
			return 1;
		}
		const char *nl = strchr(s, '\n');
		if (!nl)
			break;
		s = nl + 1;
	}
	return 0;
}

static int sendq_of(int port)
{
	int r, q;
	ck_assert_msg(ss_row(port, &r, &q), "no listener on port %d: %s", port, glue_console());
	return q;
}

static void cmd_ok(const char *line)
{
	ck_assert_msg(glue_cmd(line) == 0, "%s: %s", line, glue_console());
}

START_TEST(http_backlog_is_send_q)
{
	cmd_ok("http stop");
	cmd_ok("http start 8080 backlog 3");
	ck_assert_int_eq(sendq_of(8080), 3);
	cmd_ok("http");
	ck_assert_msg(strstr(glue_console(), "  backlog 3: accept queue 0 of 3, half-open 0 of 4"), "%s",
		      glue_console());
	/* somaxconn below the backlog: clamped at listen, the asked value kept */
	cmd_ok("sysctl -w net.core.somaxconn=2");
	cmd_ok("http stop");
	cmd_ok("http start 8080 backlog 3");
	ck_assert_int_eq(sendq_of(8080), 2);
	cmd_ok("http");
	ck_assert(strstr(glue_console(), "  backlog 3: accept queue 0 of 2,"));
	/* without a backlog: nginx's 511 again, whatever the last start asked */
	cmd_ok("sysctl -w net.core.somaxconn=4096");
	cmd_ok("http stop");
	cmd_ok("http start 8080");
	ck_assert_int_eq(sendq_of(8080), 511);
	cmd_ok("http stop");
	cmd_ok("http start backlog 0"); /* the last port; Linux's backlog 0 */
	ck_assert_int_eq(sendq_of(8080), 0);
	cmd_ok("http stop");
	cmd_ok("http start 80 backlog 0");
	ck_assert(wire_http_get(42000, "/", 100)); /* backlog 0 still lets one in */
	cmd_ok("http stop");
	cmd_ok("http start 80"); /* the form the integration tests use */
	ck_assert_int_eq(sendq_of(80), 511);
}
END_TEST

START_TEST(http_bad_backlog_changes_nothing)
{
	static const char *const bad[] = {
		"http start 8080 backlog",       "http start 8080 backlog -1", "http start 8080 backlog 3x",
		"http start 8080 backlog 3 x",   "http start 8080 backlog +3", "http start 8080 backlog ''",
		"http start 8080 backlog 2147483648", "http start backlog 0x10", "http start 8080 backlog 3 backlog 4",
		"http start 8080 junk",          "http start x backlog 3",     "http start 8080 3",
	};
	for (int running = 1; running >= 0; running--) {
		if (!running)
			cmd_ok("http stop");
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			glue_restore_mark();
			ck_assert_msg(glue_cmd(bad[i]) == 1, "%s: %s", bad[i], glue_console());
			const char *out = glue_console();
			ck_assert_msg(!strncmp(out, "http: ", 6) && strchr(out, '\n') == out + strlen(out) - 1,
				      "%s: %s", bad[i], out);
			ck_assert_msg(!strstr(out, "already listening"), "%s: %s", bad[i], out);
			ck_assert_msg(!glue_restore_changed(), "%s changed something", bad[i]);
		}
	}
	glue_cmd("http start 8080 backlog -1");
	ck_assert_str_eq(glue_console(), "http: invalid backlog '-1' (0 to 2147483647)\n");
	glue_cmd("http start 8080 backlog");
	ck_assert_str_eq(glue_console(), "http: backlog needs a number (0 to 2147483647)\n");
	glue_cmd("http start 8080 backlog 3 x");
	ck_assert_str_eq(glue_console(), "http: unexpected argument 'x' (http start [PORT] [backlog N])\n");
	cmd_ok("http start 8080 backlog 2147483647");
	ck_assert_int_eq(sendq_of(8080), 4096);
}
END_TEST

START_TEST(echo_server_backlog)
{
	ck_assert_int_eq(sendq_of(7), 128);
	static const char *const bad[] = { "echo-server backlog", "echo-server backlog -1", "echo-server backlog 1x",
					   "echo-server backlog 5 x", "echo-server 5", "echo-server backlog 5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(glue_cmd(bad[i]) == 1, "%s: %s", bad[i], glue_console());
		ck_assert_msg(!strncmp(glue_console(), "echo-server: ", 13), "%s", glue_console());
	}
	glue_cmd("echo-server backlog 5");
	ck_assert_str_eq(glue_console(), "echo-server: already listening on port 7\n");
	ck_assert_int_eq(sendq_of(7), 128);
	cmd_ok("echo-server");
	ck_assert(strstr(glue_console(), "listening on port 7, "));
}
END_TEST

START_TEST(iperf_listener_has_iperf2s_backlog)
{
	int r, q;
	ck_assert(ss_row(5001, &r, &q));
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(q, 4096); /* iperf 2.1's listen(fd, INT_MAX), clamped to somaxconn */
	cmd_ok("iperf -s");
	ck_assert_str_eq(glue_console(), "iperf: server already listening on port 5001 "
					 "(backlog 2147483647, accept queue 0 of 4096)\n");
}
END_TEST

/* iperf 2's first 24 bytes: flags, threads, port, buffer length, window,
 * amount (all zero but one thread: a plain client test), then data. */
static size_t iperf_payload(uint8_t *b, size_t len)
{
	memset(b, 0, 24);
	b[7] = 1;
	for (size_t i = 24; i < len; i++)
		b[i] = (uint8_t)('0' + i % 10);
	return len;
}

/* Handshake up to the SYN-ACK; the final ACK is left to the caller. */
static void syn_only(struct wire_peer *p, uint16_t sport, uint16_t dport)
{
	memset(p, 0, sizeof(*p));
	ck_assert_msg(wire_peer_syn(p, sport, dport) == 0, "no SYN-ACK from port %u", dport);
}

/* The final ACK, iperf 2's 24-byte header, 1000 bytes and the FIN reach
 * lwIP in one poll, before the event loop hands the connection to
 * lwiperf: all of it waits on the accept queue and is delivered after
 * lwiperf's accept, and the session ends as it would have.  (What waits
 * is compacted into larger pbufs, and lwiperf counts a first pbuf as the
 * 24-byte header whole, so it reports 24 bytes here: the data reaching
 * the application byte for byte is adopt_hands_over_to_the_owner's.) */
START_TEST(iperf_session_queued_with_data_and_fin)
{
	uint8_t data[1024];
	iperf_payload(data, sizeof(data));
	struct wire_peer p;
	syn_only(&p, 42100, 5001);
	glue_dmesg_clear();
	wire_peer_send(&p, 0, NULL, 0);
	wire_peer_send(&p, WIRE_PSH, data, 24);
	wire_peer_send(&p, WIRE_PSH, data + 24, 1000);
	wire_peer_send(&p, WIRE_FIN, NULL, 0);
	glue_poll();
	ck_assert_msg(strstr(glue_dmesg(), "iperf: server done: 10.0.2.2:42100 -> port 5001: "), "%s",
		      glue_dmesg());
	wire_peer_read(&p);
	ck_assert(p.fin); /* lwiperf closed its side */
	ck_assert(!p.rst);
	wire_peer_free(&p);
	int r, q;
	ck_assert(ss_row(5001, &r, &q));
	ck_assert_int_eq(r, 0);
	/* and a session the ordinary way */
	ck_assert_int_eq(wire_peer_connect(&p, 42101, 5001), 0);
	glue_dmesg_clear();
	wire_peer_send(&p, WIRE_PSH, data, 24);
	glue_poll();
	for (int i = 0; i < 4; i++) {
		wire_peer_send(&p, WIRE_PSH, data, sizeof(data));
		glue_poll();
	}
	wire_peer_send(&p, WIRE_FIN, NULL, 0);
	glue_poll();
	ck_assert_msg(strstr(glue_dmesg(), "iperf: server done: 10.0.2.2:42101 -> port 5001: 4120 bytes"), "%s",
		      glue_dmesg());
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

/* ---- listen_adopt on a bare lwIP listener --------------------------------- */

static struct {
	int accepted, received, fins;
	void *arg_seen;
	int refuse_once;
	struct tcp_pcb *close_listener; /* closed by the next accept */
} app;

static err_t app_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	if (!p) {
		app.fins++;
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		return tcp_close(pcb);
	}
	if (app.refuse_once) {
		app.refuse_once = 0;
		return ERR_MEM; /* lwIP keeps it and offers it again */
	}
	app.received += p->tot_len;
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t app_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	ck_assert_int_eq(err, ERR_OK);
	app.accepted++;
	app.arg_seen = arg;
	ck_assert_ptr_eq(pcb->callback_arg, arg);
	tcp_recv(pcb, app_recv);
	if (app.close_listener) {
		ck_assert_int_eq(tcp_close(app.close_listener), ERR_OK);
		app.close_listener = NULL;
	}
	return ERR_OK;
}

static struct tcp_pcb *bare_listener(uint16_t port, void *arg)
{
	struct tcp_pcb *pcb = tcp_new();
	ck_assert_ptr_nonnull(pcb);
	ck_assert_int_eq(tcp_bind(pcb, IP_ANY_TYPE, port), ERR_OK);
	struct tcp_pcb *l = tcp_listen(pcb);
	ck_assert_ptr_nonnull(l);
	tcp_arg(l, arg);
	tcp_accept(l, app_accept);
	return l;
}

START_TEST(adopt_hands_over_to_the_owner)
{
	static int owner_arg;
	memset(&app, 0, sizeof(app));
	struct tcp_pcb *lpcb = bare_listener(6000, &owner_arg);
	struct listener *l;
	ck_assert_int_eq(listen_adopt(lpcb, 2, &l), 0);
	ck_assert_int_eq(listen_adopt(lpcb, 2, &l), -EINVAL); /* already ours */
	ck_assert_int_eq(sendq_of(6000), 2);
	/* connected, data and FIN before the event loop hands it over */
	struct wire_peer p;
	syn_only(&p, 42200, 6000);
	wire_peer_send(&p, 0, NULL, 0);
	wire_peer_send(&p, WIRE_PSH, "abcdefgh", 8);
	wire_peer_send(&p, WIRE_PSH, "ijkl", 4);
	wire_peer_send(&p, WIRE_FIN, NULL, 0);
	app.refuse_once = 1; /* the first offer is refused: lwIP offers it again */
	glue_advance(1000);
	ck_assert_int_eq(app.accepted, 1);
	ck_assert_ptr_eq(app.arg_seen, &owner_arg);
	ck_assert_int_eq(app.received, 12);
	ck_assert_int_eq(app.fins, 1);
	wire_peer_read(&p);
	ck_assert(p.fin && !p.rst);
	wire_peer_free(&p);
	/* listen_close() closes the adopted pcb and frees the listener; a
	 * connection whose final ACK comes after that is reset */
	struct wire_peer q;
	syn_only(&q, 42201, 6000);
	wire_peer_send(&q, 0, NULL, 0);
	listen_close(l);
	glue_poll();
	wire_peer_read(&q);
	ck_assert(q.rst);
	wire_peer_free(&q);
	int r, s;
	ck_assert(!ss_row(6000, &r, &s));
	ck_assert_int_eq(app.accepted, 1);
	glue_quiesce();
}
END_TEST

/* The owner closes the pcb from its accept callback (as lwiperf does with
 * a listener meant for one client) while a second connection waits: that
 * one is reset, never handed to the closed listener's callback, and the
 * listener is freed from the event loop (ASan sees a use after free,
 * glue_quiesce a leak). */
START_TEST(adopt_owner_closes_its_pcb)
{
	memset(&app, 0, sizeof(app));
	struct tcp_pcb *lpcb = bare_listener(6001, NULL);
	struct listener *l;
	ck_assert_int_eq(listen_adopt(lpcb, 5, &l), 0);
	app.close_listener = lpcb;
	struct wire_peer a, b, h;
	syn_only(&a, 42300, 6001);
	syn_only(&b, 42301, 6001);
	syn_only(&h, 42302, 6001); /* still half-open when the listener goes */
	wire_peer_send(&a, 0, NULL, 0);
	wire_peer_send(&b, WIRE_PSH, "queued", 6);
	glue_poll();
	ck_assert_int_eq(app.accepted, 1);
	ck_assert_ptr_null(app.close_listener);
	wire_peer_read(&a);
	wire_peer_read(&b);
	ck_assert(!a.rst);
	ck_assert(b.rst);
	int r, s;
	ck_assert(!ss_row(6001, &r, &s));
	wire_peer_send(&h, 0, NULL, 0); /* its final ACK finds no listener */
	glue_poll();
	wire_peer_read(&h);
	ck_assert(h.rst);
	wire_peer_free(&a);
	wire_peer_free(&b);
	wire_peer_free(&h);
	glue_quiesce();
}
END_TEST

Suite *backlog_suite(void)
{
	Suite *s = suite_create("backlog");
	TCase *tc = tcase_create("backlog");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, http_backlog_is_send_q);
	tcase_add_test(tc, http_bad_backlog_changes_nothing);
	tcase_add_test(tc, echo_server_backlog);
	tcase_add_test(tc, iperf_listener_has_iperf2s_backlog);
	tcase_add_test(tc, iperf_session_queued_with_data_and_fin);
	tcase_add_test(tc, adopt_hands_over_to_the_owner);
	tcase_add_test(tc, adopt_owner_closes_its_pcb);
	suite_add_tcase(s, tc);
	return s;
}
