/*
 * Router mode on the glue world's one interface (net/ipv4/ip_forward.c):
 * packets from the peer (10.0.2.2) to elsewhere are forwarded back out of
 * eth0 only with net.ipv4.ip_forward=1, TTL one less and the header
 * checksum right, with an ICMP redirect (send_redirects); TTL 1, no
 * route, unreachable and prohibit routes and DF over the MTU get Linux's
 * ICMP errors; a blackhole drops.  Counters move by exact amounts.
 */
#include <string.h>

#include "lwip/stats.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

extern uint64_t ip_in_noroutes, ip_redirects_sent;

#define FAR 0xc6336409u /* 198.51.100.9: via the default route, 10.0.2.2 */
#define M lwip_stats.mib2

/* A UDP-protocol packet of len payload bytes from the peer to dst with
 * ttl and frag (flags), polled in. */
static void send_to(uint32_t dst, uint8_t ttl, uint16_t frag, size_t len)
{
	static uint8_t f[WIRE_MAX], pl[2000];
	memset(pl, 0x5a, len);
	size_t n = wire_ip(f, GLUE_PEER_IP, dst, 17, 77, frag, pl, len);
	uint8_t *ip = f + 14;
	ip[8] = ttl;
	ip[10] = ip[11] = 0;
	uint16_t c = (uint16_t)~wire_sum(ip, 20, 0);
	ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
	glue_tx_clear();
	glue_rx(f, n);
	glue_poll();
}

/* Frames sent: forwarded copies to FAR (their TTL), and ICMP messages of
 * type/code to the peer (the last one's bytes 4-7). */
static int forwarded(uint8_t *ttl)
{
	int n = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		if (!wire_parse(glue_tx_frame(i, &len), len, &w) && w.ip && w.daddr == FAR && w.proto == 17) {
			ck_assert(w.csum_ok);
			*ttl = w.ttl;
			n++;
		}
	}
	return n;
}

static int icmp_out(uint8_t type, uint8_t code, uint32_t *word)
{
	int n = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(i, &len);
		struct wire_parsed w;
		if (!wire_parse(f, len, &w) && w.icmp && w.daddr == GLUE_PEER_IP && w.icmp_type == type &&
		    w.icmp_code == code) {
			const uint8_t *m = f + 14 + (f[14] & 15) * 4;
			if (word)
				*word = (uint32_t)m[4] << 24 | (uint32_t)m[5] << 16 | (uint32_t)m[6] << 8 | m[7];
			n++;
		}
	}
	return n;
}

START_TEST(forward_only_when_asked)
{
	glue_restore_init();
	uint8_t ttl = 0;
	uint32_t addrerr = M.ipinaddrerrors, fw = M.ipforwdatagrams;
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(forwarded(&ttl), 0);
	ck_assert_uint_eq(M.ipinaddrerrors - addrerr, 1);

	glue_sysctl("net.ipv4.ip_forward", "1");
	uint64_t redirects = ip_redirects_sent;
	glue_advance(50);
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(forwarded(&ttl), 1);
	ck_assert_uint_eq(ttl, 63);
	ck_assert_uint_eq(M.ipforwdatagrams - fw, 1);
	/* In and out of eth0 from a source on its link: a host redirect to
	 * the next hop. */
	uint32_t gw = 0;
	ck_assert_int_eq(icmp_out(5, 1, &gw), 1);
	ck_assert_uint_eq(gw, GLUE_PEER_IP);
	ck_assert_uint_eq(ip_redirects_sent - redirects, 1);
	/* A full-size frame (lent zero copy by the device) goes too. */
	send_to(FAR, 64, 0, 1400);
	ck_assert_int_eq(forwarded(&ttl), 1);

	glue_sysctl("net.ipv4.conf.all.send_redirects", "0");
	glue_sysctl("net.ipv4.conf.eth0.send_redirects", "0");
	glue_advance(50);
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(forwarded(&ttl), 1);
	ck_assert_int_eq(icmp_out(5, 1, NULL), 0);

	/* Writing ip_forward=0 turns every interface's forwarding off. */
	glue_sysctl("net.ipv4.ip_forward", "0");
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(forwarded(&ttl), 0);
	glue_restore();
}
END_TEST

START_TEST(errors_as_linux)
{
	glue_restore_init();
	uint8_t ttl;
	uint32_t word;
	glue_sysctl("net.ipv4.ip_forward", "1");
	glue_sysctl("net.ipv4.conf.all.send_redirects", "0");
	glue_sysctl("net.ipv4.conf.eth0.send_redirects", "0");
	glue_sysctl("net.ipv4.icmp_ratelimit", "0");

	send_to(FAR, 1, 0, 100);
	ck_assert_int_eq(forwarded(&ttl), 0);
	ck_assert_int_eq(icmp_out(11, 0, NULL), 1);

	glue_cmd("ip route add blackhole 198.51.100.0/24");
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(glue_tx_count(), 0);
	/* The unreachables pass ip_error's own limit too: the time exceeded
	 * just sent left the host no token (icmp_ratelimit=0 is a burst of
	 * 0), and ip_error wants a second's worth. */
	glue_cmd("ip route replace unreachable 198.51.100.0/24");
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(icmp_out(3, 1, NULL), 0);
	glue_advance(1000);
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(icmp_out(3, 1, NULL), 1);
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(icmp_out(3, 1, NULL), 0);
	glue_advance(1000);
	glue_cmd("ip route replace prohibit 198.51.100.0/24");
	send_to(FAR, 64, 0, 100);
	ck_assert_int_eq(icmp_out(3, 13, NULL), 1);
	glue_cmd("ip route del 198.51.100.0/24");

	/* No route: InNoRoutes counts every packet, sent or not. */
	uint64_t noroutes = ip_in_noroutes;
	glue_cmd("ip route del default");
	glue_advance(1000);
	for (int i = 0; i < 3; i++) {
		send_to(FAR, 64, 0, 100);
		ck_assert_int_eq(icmp_out(3, 0, NULL), i == 0);
	}
	ck_assert_uint_eq(ip_in_noroutes - noroutes, 3);
	glue_cmd("ip route add default via 10.0.2.2");

	/* Over the MTU: with DF, fragmentation needed with the MTU (RFC
	 * 1191); without, fragments. */
	ck_assert_int_eq(glue_cmd("ip link set eth0 mtu 1000"), 0);
	uint32_t fragfails = M.ipfragfails;
	send_to(FAR, 64, 0x4000, 1200);
	ck_assert_int_eq(forwarded(&ttl), 0);
	ck_assert_int_eq(icmp_out(3, 4, &word), 1);
	ck_assert_uint_eq(word, 1000);
	ck_assert_uint_eq(M.ipfragfails - fragfails, 1);
	send_to(FAR, 64, 0, 1200);
	ck_assert_int_eq(forwarded(&ttl), 2);
	ck_assert_uint_eq(ttl, 63);
	glue_restore();
}
END_TEST

/* Linux's ip_rt_send_redirect per host: sending every 100 ms, the peer is
 * redirected 9 times in 11 s (0.1, 0.2, 0.4, ... 10.6 s after the first),
 * the ninth logged with log_martians; then none while it keeps sending. */
START_TEST(redirects_back_off)
{
	glue_restore_init();
	uint8_t ttl;
	glue_sysctl("net.ipv4.ip_forward", "1");
	glue_sysctl("net.ipv4.conf.eth0.log_martians", "1");
	glue_dmesg_clear();
	uint64_t redirects = ip_redirects_sent;
	int sent = 0, fw = 0;
	for (int i = 0; i < 150; i++) {
		send_to(FAR, 64, 0, 100);
		fw += forwarded(&ttl);
		sent += icmp_out(5, 1, NULL);
		if (i == 105)
			ck_assert_int_eq(sent, 8);
		glue_advance(100);
	}
	ck_assert_int_eq(fw, 150);
	ck_assert_int_eq(sent, 9);
	ck_assert_uint_eq(ip_redirects_sent - redirects, 9);
	ck_assert_msg(strstr(glue_dmesg(), "host 10.0.2.2/if2 ignores redirects for 198.51.100.9 to 10.0.2.2\n"),
		      "%s", glue_dmesg());
	glue_restore();
}
END_TEST

Suite *forward_suite(void)
{
	Suite *s = suite_create("forward");
	glue_add_test(s, forward_only_when_asked);
	glue_add_test(s, errors_as_linux);
	glue_add_test(s, redirects_back_off);
	return s;
}
