/*
 * The listen path against Linux 6.x, on the wire of the glue world
 * (issue 9): the half-open limit min(backlog, somaxconn) with cookies
 * past it, resets in Linux's form (window 0, no ACK flag for a segment
 * with ACK), PassiveOpens at the final ACK, EmbryonicRsts, and the SYN-ACK
 * timer (1 s doubling, tcp_synack_retries, then dropped).  The decisions
 * themselves are table-tested in tests/unit/test_listen_size.c.
 */
#include <string.h>

#include "kernel/sysctl.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "net/core/netstat.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"


/* Listen again on port 80: the queues are sized at listen time. */
static void relisten(void)
{
	ck_assert_int_eq(glue_cmd("http stop"), 0);
	ck_assert_int_eq(glue_cmd("http start 80"), 0);
}

static void restore(void)
{
	glue_quiesce();
	glue_sysctl_defaults();
	relisten();
}

static void send_tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct wire_tcp t = { GLUE_PEER_IP, GLUE_IP, sport, dport, seq, ack, flags, 65535, NULL, 0, NULL, 0 };
	wire_tcp_send(&t);
}

/* The frames sent to port dport since frame *from (advanced). */
static int frames_to(uint16_t dport, int *from, struct wire_parsed *out, int max)
{
	int n = 0;
	for (; *from < glue_tx_count(); (*from)++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(*from, &len);
		struct wire_parsed w;
		if (wire_parse(f, len, &w) || !w.tcp || w.dport != dport)
			continue;
		ck_assert(w.csum_ok);
		if (n < max)
			out[n] = w;
		n++;
	}
	return n;
}

/* n SYNs from ports base.. (sequence numbers 1000 apart), one poll each. */
static void syn_burst(uint16_t base, int n)
{
	for (int i = 0; i < n; i++) {
		send_tcp(base + i, 80, 1000u * i, 0, WIRE_SYN);
		glue_poll();
	}
}

static int half_open(uint16_t lport)
{
	int n = 0;
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		n += pcb->state == SYN_RCVD && pcb->local_port == lport;
	return n;
}

/* A SYN to a closed port: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>, window 0
 * (lwIP sent its receive window). */
START_TEST(syn_to_closed_port_gets_linux_reset)
{
	int from = glue_tx_count();
	uint32_t rsts = lwip_stats.mib2.tcpoutrsts, segs = lwip_stats.mib2.tcpoutsegs;
	send_tcp(42001, 81, 5000, 0, WIRE_SYN);
	glue_poll();
	struct wire_parsed w;
	ck_assert_int_eq(frames_to(42001, &from, &w, 1), 1);
	ck_assert_uint_eq(w.flags, WIRE_RST | WIRE_ACK);
	ck_assert_uint_eq(w.seq, 0);
	ck_assert_uint_eq(w.ack, 5001);
	ck_assert_uint_eq(w.wnd, 0);
	ck_assert_uint_eq(lwip_stats.mib2.tcpoutrsts - rsts, 1);
	ck_assert_uint_eq(lwip_stats.mib2.tcpoutsegs - segs, 1);
	restore();
}
END_TEST

/* An ACK at a listener that sent no cookie: not checked (SyncookiesFailed
 * stays), answered <SEQ=SEG.ACK><CTL=RST>, window 0. */
START_TEST(ack_at_listener_without_cookies_gets_linux_reset)
{
	relisten(); /* a fresh listener has sent no cookie */
	int from = glue_tx_count();
	uint64_t failed = netstat_ext.syncookies_failed;
	send_tcp(42002, 80, 7000, 0x11223344, WIRE_ACK);
	glue_poll();
	struct wire_parsed w;
	ck_assert_int_eq(frames_to(42002, &from, &w, 1), 1);
	ck_assert_uint_eq(w.flags, WIRE_RST);
	ck_assert_uint_eq(w.seq, 0x11223344);
	ck_assert_uint_eq(w.ack, 0);
	ck_assert_uint_eq(w.wnd, 0);
	ck_assert_uint_eq(netstat_ext.syncookies_failed, failed);
	restore();
}
END_TEST

/* somaxconn 8: at most 9 half-open (more than 8 is full), the other 91
 * SYNs get cookies, as Linux 6.18 did with 100 spoofed SYNs; backlog 511
 * is clamped first.  The flood is reported once in dmesg. */
START_TEST(half_open_limit_is_min_backlog_somaxconn)
{
	glue_sysctl("net.core.somaxconn", "8");
	relisten();
	glue_dmesg_clear();
	int from = glue_tx_count();
	uint64_t sent = netstat_ext.syncookies_sent, qfull = netstat_ext.tcp_req_qfull_do_cookies;
	uint64_t drops = netstat_ext.listen_drops;
	syn_burst(43000, 100);
	ck_assert_int_eq(half_open(80), 9);
	ck_assert_uint_eq(netstat_ext.syncookies_sent - sent, 91);
	ck_assert_uint_eq(netstat_ext.tcp_req_qfull_do_cookies - qfull, 91);
	ck_assert_uint_eq(netstat_ext.listen_drops - drops, 0);
	int synacks = 0;
	for (int i = 0; i < 100; i++) {
		int f = from;
		struct wire_parsed w;
		synacks += frames_to(43000 + i, &f, &w, 1) == 1 && w.flags == (WIRE_SYN | WIRE_ACK);
	}
	ck_assert_int_eq(synacks, 100);
	ck_assert_ptr_nonnull(strstr(glue_dmesg(), "Possible SYN flooding on port 0.0.0.0:80. Sending cookies."));
	restore();
}
END_TEST

/* Without cookies and tcp_max_syn_backlog 16: 13 half-open, the rest
 * dropped counting ListenDrops only. */
START_TEST(no_cookies_keep_a_quarter_of_max_syn_backlog)
{
	glue_sysctl("net.ipv4.tcp_syncookies", "0");
	glue_sysctl("net.ipv4.tcp_max_syn_backlog", "16");
	relisten();
	uint64_t drops = netstat_ext.listen_drops, qdrop = netstat_ext.tcp_req_qfull_drop;
	syn_burst(44000, 40);
	ck_assert_int_eq(half_open(80), 13);
	ck_assert_uint_eq(netstat_ext.listen_drops - drops, 27);
	ck_assert_uint_eq(netstat_ext.tcp_req_qfull_drop - qdrop, 0);
	/* ss lists them with iproute2's state filter: no State column for one
	 * state, a header and a line each */
	ck_assert_int_eq(glue_cmd("ss -tan state syn-recv"), 0);
	const char *out = glue_console();
	ck_assert_msg(!strncmp(out, "Recv-Q Send-Q", 13), "%s", out);
	int lines = 0;
	for (const char *c = out; *c; c++)
		lines += *c == '\n';
	ck_assert_int_eq(lines, 1 + 13);
	ck_assert_int_eq(glue_cmd("ss -tan state syn-recv state established"), 0);
	ck_assert_msg(!strncmp(glue_console(), "State", 5), "%s", glue_console());
	ck_assert_int_ne(glue_cmd("ss state nope"), 0);
	ck_assert_str_eq(glue_console(), "ss: wrong state name: nope\n");
	ck_assert_int_ne(glue_cmd("ss state"), 0);
	restore();
}
END_TEST

/* PassiveOpens moves at the final ACK, not at the SYN; a RST to a
 * half-open connection counts EmbryonicRsts. */
START_TEST(passive_open_at_final_ack_embryonic_rst)
{
	relisten();
	int from = glue_tx_count();
	uint32_t opens = lwip_stats.mib2.tcppassiveopens;
	uint64_t emb = netstat_ext.embryonic_rsts;
	send_tcp(45001, 80, 9000, 0, WIRE_SYN);
	send_tcp(45002, 80, 9000, 0, WIRE_SYN);
	glue_poll();
	ck_assert_uint_eq(lwip_stats.mib2.tcppassiveopens, opens);
	struct wire_parsed w;
	int f = from;
	ck_assert_int_eq(frames_to(45001, &f, &w, 1), 1);
	send_tcp(45001, 80, 9001, w.seq + 1, WIRE_ACK);
	glue_poll();
	ck_assert_uint_eq(lwip_stats.mib2.tcppassiveopens - opens, 1);
	send_tcp(45002, 80, 9001, 0, WIRE_RST);
	glue_poll();
	ck_assert_uint_eq(netstat_ext.embryonic_rsts - emb, 1);
	ck_assert_int_eq(half_open(80), 0);
	restore();
}
END_TEST

/* The SYN-ACK is resent 1, 3, 7, 15 and 31 s after the first (the slow
 * timer's 200 ms steps put the first between 1 and 1.2 s) and the request
 * is dropped at 63 s: TCPSynRetrans and RetransSegs 5, TCPTimeouts 6. */
START_TEST(synack_timer_is_linux)
{
	relisten();
	int from = glue_tx_count();
	uint64_t retrans = netstat_ext.tcp_syn_retrans, timeouts = tcp_timeouts;
	uint32_t rsegs = lwip_stats.mib2.tcpretranssegs;
	send_tcp(46001, 80, 3000, 0, WIRE_SYN);
	glue_poll();
	uint64_t at[8];
	int n = 0;
	uint64_t gone = 0;
	for (uint64_t t = 0; t <= 70000; t += 50) {
		struct wire_parsed w[4];
		int k = frames_to(46001, &from, w, 4);
		for (int i = 0; i < k && n < 8; i++) {
			ck_assert_uint_eq(w[i].flags, WIRE_SYN | WIRE_ACK);
			at[n++] = t;
		}
		if (!gone && !half_open(80))
			gone = t;
		glue_advance(50);
	}
	ck_assert_int_eq(n, 6);
	ck_assert_uint_ge(at[1], 1000);
	ck_assert_uint_le(at[1], 1550);
	static const uint64_t gap[] = { 2000, 4000, 8000, 16000 };
	for (int i = 0; i < 4; i++)
		ck_assert_msg(at[i + 2] - at[i + 1] >= gap[i] - 50 && at[i + 2] - at[i + 1] <= gap[i] + 50,
			      "SYN-ACK %d %llu ms after the one before", i + 2,
			      (unsigned long long)(at[i + 2] - at[i + 1]));
	ck_assert_msg(gone >= at[1] + 62000 - 50 && gone <= at[1] + 62000 + 100, "dropped at %llu ms",
		      (unsigned long long)gone);
	ck_assert_uint_eq(netstat_ext.tcp_syn_retrans - retrans, 5);
	ck_assert_uint_eq(tcp_timeouts - timeouts, 6);
	ck_assert_uint_eq(lwip_stats.mib2.tcpretranssegs - rsegs, 5);
	restore();
}
END_TEST

/* somaxconn 1 (two connections fit) with one connection queued: A and B
 * become half-open (at most 1 + 1), C gets a cookie.  A's final ACK fills
 * the queue; with abort_on_overflow=1 B's gets Linux's reset
 * (<SEQ=SEG.ACK><CTL=RST>, window 0, EmbryonicRsts); C's valid cookie
 * counts SyncookiesRecv and the overflow and is dropped without a reset. */
START_TEST(full_accept_queue_resets_half_open_never_cookies)
{
	glue_sysctl("net.core.somaxconn", "1");
	glue_sysctl("net.ipv4.tcp_abort_on_overflow", "1");
	relisten();
	ck_assert_int_eq(glue_cmd("http pause"), 0);
	struct wire_peer first = { 0 };
	ck_assert_int_eq(wire_peer_connect(&first, 47000, 80), 0);
	int from = glue_tx_count();
	uint64_t sent = netstat_ext.syncookies_sent;
	send_tcp(47001, 80, 100, 0, WIRE_SYN);
	send_tcp(47002, 80, 200, 0, WIRE_SYN);
	send_tcp(47003, 80, 300, 0, WIRE_SYN);
	glue_poll();
	ck_assert_int_eq(half_open(80), 2);
	ck_assert_uint_eq(netstat_ext.syncookies_sent - sent, 1);
	struct wire_parsed w[3], r;
	for (int i = 0; i < 3; i++) {
		int f = from;
		ck_assert_int_eq(frames_to(47001 + i, &f, &w[i], 1), 1);
	}
	uint64_t emb = netstat_ext.embryonic_rsts, over = netstat_ext.listen_overflows;
	uint64_t recv = netstat_ext.syncookies_recv;
	for (int i = 0; i < 3; i++)
		send_tcp(47001 + i, 80, 101 + 100 * i, w[i].seq + 1, WIRE_ACK);
	from = glue_tx_count();
	glue_poll();
	int f = from;
	ck_assert_int_eq(frames_to(47001, &f, &r, 1), 0);
	f = from;
	ck_assert_int_eq(frames_to(47002, &f, &r, 1), 1);
	ck_assert_uint_eq(r.flags, WIRE_RST);
	ck_assert_uint_eq(r.seq, w[1].seq + 1);
	ck_assert_uint_eq(r.wnd, 0);
	f = from;
	ck_assert_int_eq(frames_to(47003, &f, &r, 1), 0);
	ck_assert_uint_eq(netstat_ext.embryonic_rsts - emb, 1);
	ck_assert_uint_eq(netstat_ext.syncookies_recv - recv, 1);
	ck_assert_uint_eq(netstat_ext.listen_overflows - over, 2);
	ck_assert_int_eq(half_open(80), 0);
	wire_peer_free(&first);
	ck_assert_int_eq(glue_cmd("http resume"), 0);
	restore();
}
END_TEST

/* Closing a listener drops its half-open connections silently, as Linux
 * drops a closed listener's requests: no SYN-ACK is resent, and the final
 * ACK meets the new listener, which sent no cookie: a reset, window 0,
 * no PassiveOpens (found by bench/listen.py against Linux 6.18). */
START_TEST(closed_listener_drops_half_open)
{
	relisten();
	int from = glue_tx_count();
	send_tcp(48001, 80, 4000, 0, WIRE_SYN);
	glue_poll();
	struct wire_parsed w, r;
	ck_assert_int_eq(frames_to(48001, &from, &w, 1), 1);
	ck_assert_int_eq(half_open(80), 1);
	relisten();
	ck_assert_int_eq(half_open(80), 0);
	uint32_t opens = lwip_stats.mib2.tcppassiveopens;
	glue_advance(2000);
	ck_assert_int_eq(frames_to(48001, &from, &r, 1), 0); /* nothing resent */
	send_tcp(48001, 80, 4001, w.seq + 1, WIRE_ACK);
	glue_poll();
	ck_assert_int_eq(frames_to(48001, &from, &r, 1), 1);
	ck_assert_uint_eq(r.flags, WIRE_RST);
	ck_assert_uint_eq(r.seq, w.seq + 1);
	ck_assert_uint_eq(r.wnd, 0);
	ck_assert_uint_eq(lwip_stats.mib2.tcppassiveopens, opens);
	restore();
}
END_TEST

Suite *listen_suite(void)
{
	Suite *s = suite_create("listen");
	glue_add_test(s, syn_to_closed_port_gets_linux_reset);
	glue_add_test(s, ack_at_listener_without_cookies_gets_linux_reset);
	glue_add_test(s, half_open_limit_is_min_backlog_somaxconn);
	glue_add_test(s, no_cookies_keep_a_quarter_of_max_syn_backlog);
	glue_add_test(s, passive_open_at_final_ack_embryonic_rst);
	glue_add_test(s, synack_timer_is_linux);
	glue_add_test(s, full_accept_queue_resets_half_open_never_cookies);
	glue_add_test(s, closed_listener_drops_half_open);
	return s;
}
