/*
 * nagare's ICMP policy on the glue world's wire (net/ipv4/icmp.c, patch
 * 0020; Linux 6.1.y's icmp_rcv, icmp_unreach and icmp_send): echo and
 * timestamp requests to broadcast and multicast addresses by
 * net.ipv4.icmp_echo_ignore_broadcasts, the other types to them, malformed
 * packets left to lwIP, the bogus-error log, port unreachables rate
 * limited per host, and net.ipv4.ip_default_ttl on what the world sends.
 * Counters move by exact amounts.  RFC 792 for the messages built here.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/stats.h"
#include "net/ipv4/icmp.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

#define BCAST 0x0a0002ffu   /* 10.0.2.255: eth0's subnet's directed broadcast */
#define LBCAST 0xffffffffu
#define ALLHOSTS 0xe0000001u /* 224.0.0.1 */
#define M lwip_stats.mib2

/* An ICMP message of type/code with 32 bytes of data (checksum right). */
static size_t icmp_msg(uint8_t *m, uint8_t type, uint8_t code)
{
	memset(m, 0, 40);
	m[0] = type, m[1] = code, m[4] = 0x12, m[5] = 0x34, m[7] = 1;
	for (int i = 8; i < 40; i++)
		m[i] = (uint8_t)i;
	uint16_t c = (uint16_t)~wire_sum(m, 40, 0);
	m[2] = (uint8_t)(c >> 8), m[3] = (uint8_t)c;
	return 40;
}

/* Frames the world sent since the last glue_tx_clear(): ICMP of type to the peer. */
static int icmp_sent(uint8_t type, uint8_t *ttl)
{
	int n = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		if (!wire_parse(glue_tx_frame(i, &len), len, &w) && w.icmp && w.icmp_type == type &&
		    w.daddr == GLUE_PEER_IP) {
			n++;
			if (ttl)
				*ttl = w.ttl;
		}
	}
	return n;
}

/* One frame in (ip header from wire_ip, then patched by fix), polled. */
static void rx(uint8_t *f, size_t len)
{
	glue_tx_clear();
	glue_rx(f, len);
	glue_poll();
}

static void send_icmp(uint32_t dst, uint8_t type)
{
	uint8_t m[40], f[128];
	rx(f, wire_ip(f, GLUE_PEER_IP, dst, 1, 7, 0, m, icmp_msg(m, type, 0)));
}

/* Moves of the counters icmp_rcv's refusal moves. */
struct moves {
	unsigned msgs, errors, echos, timestamps, echoreps, delivers, outechoreps;
};
static struct stats_mib2 m0;
static void mark(void)
{
	m0 = M;
}
static struct moves moved(void)
{
	return (struct moves){ M.icmpinmsgs - m0.icmpinmsgs, M.icmpinerrors - m0.icmpinerrors,
			       M.icmpinechos - m0.icmpinechos, M.icmpintimestamps - m0.icmpintimestamps,
			       M.icmpinechoreps - m0.icmpinechoreps, M.ipindelivers - m0.ipindelivers,
			       M.icmpoutechoreps - m0.icmpoutechoreps };
}

/* Default (1): echo to each kind of broadcast and multicast address is
 * received, counted as an error, not answered; 0: answered. */
START_TEST(echo_to_broadcast)
{
	glue_restore_init();
	static const uint32_t dsts[] = { BCAST, LBCAST, ALLHOSTS };
	for (unsigned i = 0; i < 3; i++) {
		mark();
		send_icmp(dsts[i], 8);
		ck_assert_int_eq(icmp_sent(0, NULL), 0);
		struct moves d = moved();
		ck_assert_uint_eq(d.msgs, 1);
		ck_assert_uint_eq(d.echos, 1);
		ck_assert_uint_eq(d.errors, 1);
		ck_assert_uint_eq(d.delivers, 1);
		ck_assert_uint_eq(d.outechoreps, 0);
	}
	glue_sysctl("net.ipv4.icmp_echo_ignore_broadcasts", "0");
	for (unsigned i = 0; i < 3; i++) {
		mark();
		send_icmp(dsts[i], 8);
		ck_assert_int_eq(icmp_sent(0, NULL), 1);
		struct moves d = moved();
		ck_assert_uint_eq(d.msgs, 1);
		ck_assert_uint_eq(d.echos, 1);
		ck_assert_uint_eq(d.errors, 0);
		ck_assert_uint_eq(d.outechoreps, 1);
	}
	/* Unicast echo is not this knob's: answered either way. */
	glue_sysctl("net.ipv4.icmp_echo_ignore_broadcasts", "1");
	mark();
	send_icmp(GLUE_IP, 8);
	ck_assert_int_eq(icmp_sent(0, NULL), 1);
	ck_assert_uint_eq(moved().errors, 0);
	glue_restore();
}
END_TEST

/* Echo replies, any destination: how many frames of type 0 went out. */
static int echo_replies_out(void)
{
	int n = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		n += !wire_parse(glue_tx_frame(i, &len), len, &w) && w.icmp && w.icmp_type == 0;
	}
	return n;
}

/* Linux's icmp_reply routes the reply to the request's source first and
 * sends and counts nothing when there is no unicast route; a request from
 * one of our own addresses (accept_local) is answered through loopback,
 * received and counted as an echo reply (what the Linux 6.1 router did in
 * tests/router_cases.py rp_off_no_route and own_src_accept_local). */
START_TEST(echo_reply_needs_a_route_back)
{
	glue_restore_init();
	uint8_t m[40], f[128];
	const uint32_t far = 0xc6336407u; /* 198.51.100.7: by the default route */
	mark();
	rx(f, wire_ip(f, far, GLUE_IP, 1, 7, 0, m, icmp_msg(m, 8, 0)));
	ck_assert_int_eq(echo_replies_out(), 1);
	ck_assert_uint_eq(moved().outechoreps, 1);
	static const char *const no_way_back[] = {
		"ip route add unreachable 198.51.100.0/24", "ip route replace prohibit 198.51.100.0/24",
		"ip route replace blackhole 198.51.100.0/24", "ip route del 198.51.100.0/24",
	};
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_int_eq(glue_cmd(no_way_back[i]), 0);
		if (i == 3)
			ck_assert_int_eq(glue_cmd("ip route del default"), 0);
		mark();
		rx(f, wire_ip(f, far, GLUE_IP, 1, 7, 0, m, icmp_msg(m, 8, 0)));
		struct moves d = moved();
		ck_assert_int_eq(echo_replies_out(), 0);
		ck_assert_uint_eq(d.msgs, 1);
		ck_assert_uint_eq(d.echos, 1);
		ck_assert_uint_eq(d.outechoreps, 0);
		ck_assert_uint_eq(d.errors, 0);
	}
	glue_restore();
	glue_sysctl("net.ipv4.conf.all.accept_local", "1");
	glue_sysctl("net.ipv4.conf.eth0.accept_local", "1");
	mark();
	rx(f, wire_ip(f, GLUE_IP, GLUE_IP, 1, 7, 0, m, icmp_msg(m, 8, 0)));
	struct moves d = moved();
	ck_assert_int_eq(echo_replies_out(), 0);
	ck_assert_uint_eq(d.msgs, 2);
	ck_assert_uint_eq(d.echos, 1);
	ck_assert_uint_eq(d.echoreps, 1);
	ck_assert_uint_eq(d.outechoreps, 1);
	glue_restore();
}
END_TEST

/* Timestamp requests as echo; other types to a broadcast are errors either
 * way, address mask requests excepted (icmp_rcv). */
START_TEST(other_types_to_broadcast)
{
	glue_restore_init();
	mark();
	send_icmp(BCAST, 13);
	struct moves d = moved();
	ck_assert_uint_eq(d.msgs, 1);
	ck_assert_uint_eq(d.timestamps, 1);
	ck_assert_uint_eq(d.errors, 1);
	glue_sysctl("net.ipv4.icmp_echo_ignore_broadcasts", "0");
	mark();
	send_icmp(BCAST, 13);
	d = moved();
	ck_assert_uint_eq(d.msgs, 1);
	ck_assert_uint_eq(d.timestamps, 1);
	ck_assert_uint_eq(d.errors, 0);
	mark();
	send_icmp(LBCAST, 0); /* an echo reply to a broadcast */
	d = moved();
	ck_assert_uint_eq(d.msgs, 1);
	ck_assert_uint_eq(d.echoreps, 1);
	ck_assert_uint_eq(d.errors, 1);
	mark();
	send_icmp(BCAST, 17); /* address mask request: lwIP's to count */
	ck_assert_uint_eq(moved().msgs, 1);
	ck_assert_uint_eq(moved().errors, 0);
	ck_assert_uint_eq(M.icmpinaddrmasks - m0.icmpinaddrmasks, 1);
	glue_restore();
}
END_TEST

/* A broadcast echo built, then spoilt by spoil(ip, icmp); returns its length. */
static size_t spoilt(uint8_t *f, void (*spoil)(uint8_t *ip, size_t *len))
{
	uint8_t m[40];
	size_t len = wire_ip(f, GLUE_PEER_IP, BCAST, 1, 9, 0, m, icmp_msg(m, 8, 0));
	spoil(f + 14, &len);
	return len;
}
static void ip_csum(uint8_t *ip)
{
	ip[10] = ip[11] = 0;
	uint16_t c = (uint16_t)~wire_sum(ip, (size_t)(ip[0] & 15) * 4, 0);
	ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
}
static void cut_header(uint8_t *ip, size_t *len) { (void)ip; *len = 14 + 12; }
static void ihl_four(uint8_t *ip, size_t *len) { (void)len; ip[0] = 0x44; ip_csum(ip); }
static void ihl_past_frame(uint8_t *ip, size_t *len) { *len = 14 + 40; ip[0] = 0x4f; ip[3] = 40; ip_csum(ip); }
static void total_too_long(uint8_t *ip, size_t *len) { (void)len; ip[3] = 200; ip_csum(ip); }
static void bad_ip_csum(uint8_t *ip, size_t *len) { (void)len; ip[10] ^= 0x55; }
static void icmp_four_bytes(uint8_t *ip, size_t *len) { ip[3] = 24; *len = 14 + 24; ip_csum(ip); }
static void bad_icmp_csum(uint8_t *ip, size_t *len) { (void)len; ip[22] ^= 0x55; }

/* Malformed: left to lwIP, which drops and counts as it does for any
 * datagram; the filter takes nothing (no InErrors of its own). */
START_TEST(malformed_left_to_lwip)
{
	glue_restore_init();
	static void (*const ip_bad[])(uint8_t *, size_t *) = { cut_header, ihl_four, ihl_past_frame, total_too_long,
							       bad_ip_csum };
	uint8_t f[128];
	for (unsigned i = 0; i < sizeof(ip_bad) / sizeof(ip_bad[0]); i++) {
		mark();
		rx(f, spoilt(f, ip_bad[i]));
		struct moves d = moved();
		ck_assert_msg(d.msgs == 0 && d.errors == 0 && d.delivers == 0, "case %u", i);
		ck_assert_int_eq(glue_tx_count(), 0);
	}
	/* ICMP too short for its header: lwIP's icmp_input counts it (InMsgs,
	 * InEchos, InErrors), as Linux would (InMsgs, InErrors). */
	mark();
	rx(f, spoilt(f, icmp_four_bytes));
	ck_assert_uint_eq(moved().msgs, 1);
	ck_assert_uint_eq(moved().errors, 1);
	ck_assert_int_eq(glue_tx_count(), 0);
	/* A bad ICMP checksum: lwIP's too (InCsumErrors and InErrors once). */
	uint32_t chk = lwip_stats.icmp.chkerr;
	mark();
	rx(f, spoilt(f, bad_icmp_csum));
	ck_assert_uint_eq(moved().msgs, 1);
	ck_assert_uint_eq(moved().errors, 1);
	ck_assert_uint_eq(lwip_stats.icmp.chkerr - chk, 1);
	ck_assert_int_eq(glue_tx_count(), 0);
	glue_restore();
}
END_TEST

/* The ICMP header cut across receive buffers, and a first fragment. */
START_TEST(split_and_fragments)
{
	glue_restore_init();
	uint8_t m[40], f[128];
	size_t len = wire_ip(f, GLUE_PEER_IP, BCAST, 1, 11, 0, m, icmp_msg(m, 8, 0));
	static const size_t cuts[] = { 14 + 20 + 1, 14 + 20 + 5 };
	mark();
	glue_tx_clear();
	glue_rx_split(f, len, cuts, 2);
	glue_poll();
	ck_assert_uint_eq(moved().errors, 1);
	ck_assert_uint_eq(moved().echos, 1);
	ck_assert_int_eq(icmp_sent(0, NULL), 0);
	/* First fragment (MF, offset 0): judged by its header; a later one is not. */
	mark();
	rx(f, wire_ip(f, GLUE_PEER_IP, BCAST, 1, 12, 0x2000, m, 16));
	ck_assert_uint_eq(moved().errors, 1);
	ck_assert_uint_eq(moved().msgs, 1);
	mark();
	rx(f, wire_ip(f, GLUE_PEER_IP, BCAST, 1, 13, 0x0002, m + 16, 24));
	ck_assert_uint_eq(moved().msgs, 0);
	glue_restore();
}
END_TEST

/* A destination unreachable to us quoting a datagram sent to dst. */
static void unreach_quoting(uint32_t dst)
{
	uint8_t inner[28], m[36], f[128];
	wire_ip(f, GLUE_IP, dst, 17, 1, 0, "\0\x35\0\x35\0\x08\0\0", 8);
	memcpy(inner, f + 14, 28);
	memset(m, 0, sizeof(m));
	m[0] = 3, m[1] = 1;
	memcpy(m + 8, inner, 28);
	uint16_t c = (uint16_t)~wire_sum(m, sizeof(m), 0);
	m[2] = (uint8_t)(c >> 8), m[3] = (uint8_t)c;
	rx(f, wire_ip(f, GLUE_PEER_IP, GLUE_IP, 1, 5, 0, m, sizeof(m)));
}

START_TEST(bogus_error_log)
{
	glue_restore_init();
	static const char line[] =
		"icmp: 10.0.2.2 sent an invalid ICMP type 3, code 1 error to a broadcast: 10.0.2.255 on eth0";
	glue_dmesg_clear();
	unreach_quoting(BCAST);
	ck_assert_ptr_null(strstr(glue_dmesg(), "invalid ICMP"));
	glue_sysctl("net.ipv4.icmp_ignore_bogus_error_responses", "0");
	mark();
	unreach_quoting(BCAST);
	ck_assert_ptr_nonnull(strstr(glue_dmesg(), line));
	ck_assert_uint_eq(moved().msgs, 1); /* counted as received, no error */
	ck_assert_uint_eq(moved().errors, 0);
	glue_dmesg_clear();
	unreach_quoting(0x0a000203u);
	ck_assert_ptr_null(strstr(glue_dmesg(), "invalid ICMP"));
	glue_restore();
}
END_TEST

/* n UDP datagrams to closed port 9 from the peer at once; returns how many
 * port unreachables came back. */
static int udp_burst(int n, uint8_t *ttl)
{
	uint8_t u[12] = { 0x9c, 0x40, 0, 9, 0, 12, 0, 0, 'x', 'y', 'z', 'w' }, f[128];
	glue_tx_clear();
	for (int i = 0; i < n; i++) {
		u[1] = (uint8_t)i;
		glue_rx(f, wire_ip(f, GLUE_PEER_IP, GLUE_IP, 17, (uint16_t)(100 + i), 0, u, sizeof(u)));
		glue_poll();
	}
	return icmp_sent(3, ttl);
}

/* The Linux 6.1 peer: 20 at once, 6 answered, OutRateLimitHost 14. */
START_TEST(port_unreachable_rate_limited)
{
	glue_restore_init();
	glue_advance(7000); /* whatever came before: the host bucket full again */
	uint64_t host = icmp_out_ratelimit_host, global = icmp_out_ratelimit_global;
	mark();
	ck_assert_int_eq(udp_burst(20, NULL), 6);
	ck_assert_uint_eq(icmp_out_ratelimit_host - host, 14);
	ck_assert_uint_eq(icmp_out_ratelimit_global - global, 0);
	ck_assert_uint_eq(M.icmpoutdestunreachs - m0.icmpoutdestunreachs, 6);
	ck_assert_uint_eq(M.icmpoutmsgs - m0.icmpoutmsgs, 6);
	ck_assert_int_eq(udp_burst(1, NULL), 0);
	glue_advance(1000);
	ck_assert_int_eq(udp_burst(2, NULL), 1);
	/* netstat -s shows both, in Linux's place (after ICMP messages failed). */
	ck_assert_int_eq(glue_cmd("netstat -s"), 0);
	const char *out = glue_console(), *h = strstr(out, "OutRateLimitHost: ");
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(strstr(out, "ICMP messages failed"));
	ck_assert(strstr(out, "ICMP messages failed") < h && h < strstr(out, "ICMP output histogram:"));
	/* icmp_ratelimit=0: every one answered (20 fit the global burst of 50). */
	glue_advance(1000);
	glue_sysctl("net.ipv4.icmp_ratelimit", "0");
	host = icmp_out_ratelimit_host;
	ck_assert_int_eq(udp_burst(20, NULL), 20);
	ck_assert_uint_eq(icmp_out_ratelimit_host - host, 0);
	/* Not in icmp_ratemask: not limited either. */
	glue_sysctl("net.ipv4.icmp_ratelimit", "1000");
	glue_sysctl("net.ipv4.icmp_ratemask", "6160");
	glue_advance(1000);
	ck_assert_int_eq(udp_burst(20, NULL), 20);
	glue_restore();
}
END_TEST

/* ip_default_ttl on an echo reply, a port unreachable, a SYN-ACK (the
 * listener on 80 existed before the change) and an open connection's ACK. */
START_TEST(default_ttl)
{
	glue_restore_init();
	glue_advance(7000);
	struct wire_peer p = { 0 };
	ck_assert_int_eq(wire_peer_connect(&p, 41000, 80), 0);
	glue_sysctl("net.ipv4.ip_default_ttl", "99");
	uint8_t ttl = 0;
	send_icmp(GLUE_IP, 8);
	ck_assert_int_eq(icmp_sent(0, &ttl), 1);
	ck_assert_uint_eq(ttl, 99);
	ttl = 0;
	ck_assert_int_eq(udp_burst(1, &ttl), 1);
	ck_assert_uint_eq(ttl, 99);
	glue_tx_clear();
	struct wire_peer q = { 0 };
	ck_assert_int_eq(wire_peer_syn(&q, 41001, 80), 0);
	int seen = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		if (!wire_parse(glue_tx_frame(i, &len), len, &w) && w.tcp && w.dport == 41001) {
			ck_assert_uint_eq(w.ttl, 99);
			seen++;
		}
		if (!wire_parse(glue_tx_frame(i, &len), len, &w) && w.tcp && w.dport == 41000)
			ck_assert_uint_eq(w.ttl, 99);
	}
	ck_assert_int_ge(seen, 1);
	glue_tx_clear();
	wire_peer_send(&p, WIRE_ACK | WIRE_PSH, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
	glue_poll();
	glue_advance(300); /* the answer, or at least the delayed ACK */
	int from_old = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		if (!wire_parse(glue_tx_frame(i, &len), len, &w) && w.tcp && w.dport == 41000) {
			ck_assert_uint_eq(w.ttl, 99);
			from_old++;
		}
	}
	ck_assert_int_ge(from_old, 1);
	glue_sysctl("net.ipv4.ip_default_ttl", "64");
	wire_peer_free(&p);
	wire_peer_free(&q);
	glue_restore();
}
END_TEST

Suite *icmp_suite(void)
{
	Suite *s = suite_create("icmp");
	glue_add_test(s, echo_to_broadcast);
	glue_add_test(s, echo_reply_needs_a_route_back);
	glue_add_test(s, other_types_to_broadcast);
	glue_add_test(s, malformed_left_to_lwip);
	glue_add_test(s, split_and_fragments);
	glue_add_test(s, bogus_error_log);
	glue_add_test(s, port_unreachable_rate_limited);
	glue_add_test(s, default_ttl);
	return s;
}
