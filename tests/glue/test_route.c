/*
 * The routing table and the route input on the glue world (eth0
 * 10.0.2.15/24, default via 10.0.2.2): `ip route` line for line as Linux
 * 6.1 and iproute2 6.1 answered the same commands on the peer VM
 * (trailing spaces included), routes following the link, the FIB
 * deciding lwIP's output and next hop, and rp_filter, martians and
 * log_martians on received frames with counters moving by exact amounts.
 */
#include <stdio.h>
#include <string.h>

#include "lwip/stats.h"
#include "net/ipv4/devinet.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

extern uint64_t ip_rp_filter_drops, ip_martian_sources, ip_martian_dsts;

static const char booted_routes[] = "default via 10.0.2.2 dev eth0 \n"
				    "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n";

/* line must answer status and exactly out. */
static void cmd_is(const char *line, int status, const char *out)
{
	int st = glue_cmd(line);
	ck_assert_msg(st == status, "%s: status %d: %s", line, st, glue_console());
	ck_assert_msg(!strcmp(glue_console(), out), "%s:\n%s\nwanted\n%s", line, glue_console(), out);
}

/* A refused line changes nothing. */
static void refused(const char *line, const char *out)
{
	glue_cmd("ip route show table all");
	char before[2048];
	snprintf(before, sizeof(before), "%s", glue_console());
	cmd_is(line, 1, out);
	glue_cmd("ip route show table all");
	ck_assert_str_eq(glue_console(), before);
}

START_TEST(modify_as_linux)
{
	glue_restore_init();
	cmd_is("ip route", 0, booted_routes);
	cmd_is("ip route add 192.0.2.0/24 via 10.0.2.2", 0, "");
	refused("ip route add 192.0.2.0/24 via 10.0.2.2", "RTNETLINK answers: File exists\n");
	cmd_is("ip route append 192.0.2.0/24 via 10.0.2.3", 0, "");
	refused("ip route append 192.0.2.0/24 via 10.0.2.3", "RTNETLINK answers: File exists\n");
	cmd_is("ip route add 192.0.2.0/24 via 10.0.2.2 metric 5", 0, "");
	cmd_is("ip route replace 192.0.2.0/24 via 10.0.2.4", 0, "");
	cmd_is("ip route", 0,
	       "default via 10.0.2.2 dev eth0 \n"
	       "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n"
	       "192.0.2.0/24 via 10.0.2.4 dev eth0 \n"
	       "192.0.2.0/24 via 10.0.2.3 dev eth0 \n"
	       "192.0.2.0/24 via 10.0.2.2 dev eth0 metric 5 \n");
	cmd_is("ip route del 192.0.2.0/24", 0, "");
	cmd_is("ip route del 192.0.2.0/24", 0, "");
	cmd_is("ip route del 192.0.2.0/24 metric 5", 0, "");
	refused("ip route del 192.0.2.0/24 via 10.0.2.3", "RTNETLINK answers: No such process\n");
	cmd_is("ip route", 0, booted_routes);

	refused("ip route add 198.51.100.0/24 via 192.168.77.1", "Error: Nexthop has invalid gateway.\n");
	refused("ip route add 198.51.100.1/24 via 10.0.2.2", "Error: Invalid prefix for given prefix length.\n");
	refused("ip route add 198.51.100.0/33 via 10.0.2.2",
		"Error: any valid prefix is expected rather than \"198.51.100.0/33\".\n");
	refused("ip route add 198.51.100.0/24", "RTNETLINK answers: No such device\n");
	refused("ip route add 198.51.100.0/24 via 10.0.2.2 src 10.9.9.9", "Error: Invalid prefsrc address.\n");
	refused("ip route add 192.0.2.0/24 via 10.0.2.2 foo",
		"Error: either \"to\" is duplicate, or \"foo\" is a garbage.\n");
	refused("ip route add blackhole 203.0.113.0/24 dev eth0",
		"Error: Gateway, device and multipath can not be specified for this route type.\n");
	refused("ip route add 10.0.2.0/24 dev eth0", "RTNETLINK answers: File exists\n");
	refused("ip route bogus", "Command \"bogus\" is unknown, try \"ip route help\".\n");

	cmd_is("ip route add 198.51.100.0/24 dev eth0", 0, "");
	cmd_is("ip route add 198.51.99.0/24 via 10.0.2.2 src 10.0.2.15", 0, "");
	cmd_is("ip route add blackhole 203.0.113.0/24", 0, "");
	cmd_is("ip route add unreachable 203.0.113.64/26", 0, "");
	cmd_is("ip route add prohibit 203.0.113.128/26", 0, "");
	cmd_is("ip route add 10.0.2.128/25 via 10.0.2.3 proto static", 0, "");
	cmd_is("ip route add 10.7.1.5 via 10.0.2.3", 0, "");
	cmd_is("ip route", 0,
	       "default via 10.0.2.2 dev eth0 \n"
	       "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n"
	       "10.0.2.128/25 via 10.0.2.3 dev eth0 proto static \n"
	       "10.7.1.5 via 10.0.2.3 dev eth0 \n"
	       "198.51.99.0/24 via 10.0.2.2 dev eth0 src 10.0.2.15 \n"
	       "198.51.100.0/24 dev eth0 scope link \n"
	       "blackhole 203.0.113.0/24 \n"
	       "unreachable 203.0.113.64/26 \n"
	       "prohibit 203.0.113.128/26 \n");
	cmd_is("ip route show table local", 0,
	       "local 10.0.2.15 dev eth0 proto kernel scope host src 10.0.2.15 \n"
	       "broadcast 10.0.2.255 dev eth0 proto kernel scope link src 10.0.2.15 \n");
	cmd_is("ip route get 203.0.113.5", 1, "RTNETLINK answers: Invalid argument\n");
	cmd_is("ip route get 203.0.113.70", 1, "RTNETLINK answers: No route to host\n");
	cmd_is("ip route get 203.0.113.130", 1, "RTNETLINK answers: Permission denied\n");
	cmd_is("ip route get 10.0.2.200", 0, "10.0.2.200 via 10.0.2.3 dev eth0 src 10.0.2.15 uid 0 \n    cache \n");
	cmd_is("ip route get 10.0.2.99", 0, "10.0.2.99 dev eth0 src 10.0.2.15 uid 0 \n    cache \n");
	cmd_is("ip route get 10.0.2.15", 0, "local 10.0.2.15 dev lo src 10.0.2.15 uid 0 \n    cache <local> \n");
	cmd_is("ip route get 8.8.8.8", 0, "8.8.8.8 via 10.0.2.2 dev eth0 src 10.0.2.15 uid 0 \n    cache \n");
	cmd_is("ip route get 10.0.2.99 from 10.0.2.15", 0, "10.0.2.99 from 10.0.2.15 dev eth0 uid 0 \n    cache \n");
	cmd_is("ip route get 300.1.1.1", 1, "Error: any valid prefix is expected rather than \"300.1.1.1\".\n");
	cmd_is("ip route get 10.0.2.15 from 10.0.2.2 iif eth0", 0,
	       "local 10.0.2.15 from 10.0.2.2 dev lo \n    cache <local> iif eth0 \n");
	cmd_is("ip route get 10.0.2.99 from 10.0.2.2 iif eth0", 1, "RTNETLINK answers: No route to host\n");
	cmd_is("ip route del default", 0, "");
	refused("ip route del default", "RTNETLINK answers: No such process\n");
	cmd_is("ip route get 8.8.8.8", 1, "RTNETLINK answers: Network is unreachable\n");
	glue_restore();
	cmd_is("ip route", 0, booted_routes);
}
END_TEST

/* Down: every route through eth0 goes but the local route of its
 * address; up: the kernel's come back, the others do not (Linux). */
START_TEST(routes_follow_the_link)
{
	glue_restore_init();
	cmd_is("ip route add 192.0.2.0/24 via 10.0.2.3", 0, "");
	cmd_is("ip link set eth0 down", 0, "");
	cmd_is("ip route", 0, "");
	cmd_is("ip route show table local", 0, "local 10.0.2.15 dev eth0 proto kernel scope host src 10.0.2.15 \n");
	cmd_is("ip link set eth0 up", 0, "");
	cmd_is("ip route", 0, "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n");
	cmd_is("ip addr del 10.0.2.15/24 dev eth0", 0, "");
	cmd_is("ip route show table all", 0, "");
	glue_restore();
	cmd_is("ip route", 0, booted_routes);
}
END_TEST

/* The ARP request the world sent last: its target address, or 0. */
static uint32_t arp_target(void)
{
	uint32_t t = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(i, &len);
		if (len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 1)
			t = (uint32_t)f[38] << 24 | (uint32_t)f[39] << 16 | (uint32_t)f[40] << 8 | f[41];
	}
	return t;
}

/* lwIP's output follows the FIB: a more specific route via another
 * gateway inside the connected subnet resolves that gateway; a
 * blackhole sends nothing. */
START_TEST(output_follows_the_table)
{
	glue_restore_init();
	cmd_is("ip route add 10.0.2.128/25 via 10.0.2.3", 0, "");
	glue_tx_clear();
	glue_cmd("ping -c 1 -W 1 10.0.2.200");
	ck_assert_uint_eq(arp_target(), 0x0a000203);
	cmd_is("ip route add blackhole 10.0.2.64/26", 0, "");
	glue_tx_clear();
	glue_cmd("ping -c 1 -W 1 10.0.2.70");
	ck_assert_int_eq(glue_tx_count(), 0);
	glue_restore();
}
END_TEST

/* An ICMP echo request from src to dst arrives on eth0; returns the
 * frame's Ethernet header in hex as Linux's "ll header" line has it. */
static void echo_from(uint32_t src, uint32_t dst, char *ll, size_t n)
{
	uint8_t m[16] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1 }, f[128];
	uint16_t c = (uint16_t)~wire_sum(m, sizeof(m), 0);
	m[2] = (uint8_t)(c >> 8), m[3] = (uint8_t)c;
	size_t len = wire_ip(f, src, dst, 1, 9, 0, m, sizeof(m));
	size_t k = 0;
	for (int i = 0; ll && i < 14; i++)
		k += (size_t)snprintf(ll + k, n - k, "%02x%s", f[i], i < 13 ? " " : "");
	glue_rx(f, len);
	glue_poll();
}

struct moved {
	uint64_t rpf, msrc, mdst, echos;
};
static struct moved at;
static void mark(void)
{
	at = (struct moved){ ip_rp_filter_drops, ip_martian_sources, ip_martian_dsts,
			     lwip_stats.mib2.icmpinechos };
}
static void moved_by(unsigned rpf, unsigned msrc, unsigned mdst, unsigned echos)
{
	ck_assert_uint_eq(ip_rp_filter_drops - at.rpf, rpf);
	ck_assert_uint_eq(ip_martian_sources - at.msrc, msrc);
	ck_assert_uint_eq(ip_martian_dsts - at.mdst, mdst);
	ck_assert_uint_eq(lwip_stats.mib2.icmpinechos - at.echos, echos);
}

#define NOROUTE 0xc6336407u /* 198.51.100.7: no route once the default is gone */
#define BLACK 0xcb007105u   /* 203.0.113.5 */

START_TEST(rp_filter_on_input)
{
	glue_restore_init();
	glue_cmd("ip route del default");
	glue_cmd("ip route add blackhole 203.0.113.0/24");
	/* Off: anything routable or not is taken. */
	mark();
	echo_from(NOROUTE, GLUE_IP, NULL, 0);
	moved_by(0, 0, 0, 1);
	/* Strict and loose: no route back is a reverse-path failure, each
	 * counted once; a blackhole back is a martian, not counted as one. */
	for (int mode = 1; mode <= 2; mode++) {
		char v[2] = { (char)('0' + mode), 0 };
		glue_sysctl("net.ipv4.conf.all.rp_filter", v);
		mark();
		for (int i = 0; i < 3; i++)
			echo_from(NOROUTE, GLUE_IP, NULL, 0);
		echo_from(BLACK, GLUE_IP, NULL, 0);
		echo_from(GLUE_PEER_IP, GLUE_IP, NULL, 0);
		moved_by(3, 4, 0, 1);
	}
	/* The interface's value counts when it is the larger. */
	glue_sysctl("net.ipv4.conf.all.rp_filter", "0");
	glue_sysctl("net.ipv4.conf.eth0.rp_filter", "2");
	mark();
	echo_from(NOROUTE, GLUE_IP, NULL, 0);
	moved_by(1, 1, 0, 0);
	/* A route back through eth0 passes strict mode. */
	glue_sysctl("net.ipv4.conf.eth0.rp_filter", "1");
	glue_cmd("ip route add 198.51.100.0/24 via 10.0.2.2");
	mark();
	echo_from(NOROUTE, GLUE_IP, NULL, 0);
	moved_by(0, 0, 0, 1);
	glue_restore();
}
END_TEST

START_TEST(martians_and_their_log)
{
	glue_restore_init();
	char ll[64], want[256];
	glue_dmesg_clear();
	mark();
	echo_from(GLUE_IP, GLUE_IP, NULL, 0);     /* our own address as source */
	echo_from(0x7f000001, GLUE_IP, NULL, 0);  /* loopback source */
	echo_from(0xe0000001, GLUE_IP, NULL, 0);  /* multicast source */
	echo_from(GLUE_PEER_IP, 0x7f000001, NULL, 0); /* loopback destination */
	moved_by(0, 3, 1, 0);
	ck_assert_str_eq(glue_dmesg(), ""); /* log_martians is off */
	glue_sysctl("net.ipv4.conf.all.accept_local", "1");
	mark();
	echo_from(GLUE_IP, GLUE_IP, NULL, 0);
	moved_by(0, 0, 0, 1);
	glue_sysctl("net.ipv4.conf.all.accept_local", "0");

	glue_sysctl("net.ipv4.conf.eth0.log_martians", "1");
	glue_sysctl("net.ipv4.conf.all.rp_filter", "1");
	glue_cmd("ip route del default");
	glue_dmesg_clear();
	echo_from(NOROUTE, GLUE_IP, ll, sizeof(ll));
	snprintf(want, sizeof(want), "martian source 10.0.2.15 from 198.51.100.7, on dev eth0\nll header: 00000000: %s\n",
		 ll);
	ck_assert_msg(strstr(glue_dmesg(), want), "%s", glue_dmesg());
	glue_dmesg_clear();
	echo_from(GLUE_PEER_IP, 0x7f000001, NULL, 0);
	ck_assert_msg(strstr(glue_dmesg(), "martian destination 127.0.0.1 from 10.0.2.2, dev eth0\n"), "%s",
		      glue_dmesg());
	glue_restore();
}
END_TEST

Suite *route_suite(void)
{
	Suite *s = suite_create("route");
	glue_add_test(s, modify_as_linux);
	glue_add_test(s, routes_follow_the_link);
	glue_add_test(s, output_follows_the_table);
	glue_add_test(s, rp_filter_on_input);
	glue_add_test(s, martians_and_their_log);
	return s;
}
