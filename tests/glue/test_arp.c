/*
 * Which ARP requests the glue world (eth0 10.0.2.15/24, default via
 * 10.0.2.2) answers (patch 0022, net/ipv4/arp.c): Linux 6.1's
 * arp_process with net.ipv4.conf.*.arp_ignore and arp_filter.  Requests
 * are built by hand (RFC 826: Ethernet, IPv4, opcode 1, broadcast); a
 * reply must be opcode 2 from eth0's MAC naming the address asked for,
 * to the asker's MAC and address.  Which sender address our own requests
 * name (patch 0023, arp_announce), with a second interface (eth1.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

extern uint64_t arp_filter_drops;

static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x4e };

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A broadcast ARP request (RFC 826, opcode 1) from sip at asker_mac for tip. */
static void arp_request(uint32_t sip, uint32_t tip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, none[6];
	uint8_t f[42];
	glue_rx(f, wire_arp(f, bcast, 1, asker_mac, sip, none, tip));
	glue_poll();
}

/* Asks for tip from sip; 1 if exactly one reply left, checked field by
 * field, 0 if no ARP reply did. */
static int answered(uint32_t sip, uint32_t tip)
{
	glue_tx_clear();
	arp_request(sip, tip);
	int replies = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(i, &len);
		if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 || f[21] != 2)
			continue;
		const uint8_t *a = f + 14;
		ck_assert_int_eq(memcmp(f, asker_mac, 6), 0);
		ck_assert_int_eq(memcmp(f + 6, glue_mac, 6), 0);
		ck_assert(a[0] == 0 && a[1] == 1 && a[2] == 8 && a[3] == 0 && a[4] == 6 && a[5] == 4);
		ck_assert_int_eq(memcmp(a + 8, glue_mac, 6), 0);
		ck_assert_uint_eq(get32(a + 14), tip);
		ck_assert_int_eq(memcmp(a + 18, asker_mac, 6), 0);
		ck_assert_uint_eq(get32(a + 24), sip);
		replies++;
	}
	ck_assert_int_le(replies, 1);
	return replies;
}

#define INSIDE 0x0a000202u  /* 10.0.2.2: in eth0's subnet */
#define OUTSIDE 0x0a090909u /* 10.9.9.9: reached through the default route */
#define OTHER 0x0a000263u   /* 10.0.2.99: not ours */

/* arp_ignore, the larger of all and eth0: 0 and 1 answer for eth0's own
 * address whoever asks, 2 only askers in eth0's subnet, 8 nobody; no
 * mode answers for an address that is not ours. */
START_TEST(arp_ignore_modes)
{
	glue_restore_init();
	static const struct {
		const char *mode;
		int inside, outside;
	} t[] = { { "0", 1, 1 }, { "1", 1, 1 }, { "2", 1, 0 }, { "3", 1, 1 }, { "8", 0, 0 } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		glue_sysctl("net.ipv4.conf.all.arp_ignore", t[i].mode);
		ck_assert_msg(answered(INSIDE, GLUE_IP) == t[i].inside, "arp_ignore %s inside", t[i].mode);
		ck_assert_msg(answered(OUTSIDE, GLUE_IP) == t[i].outside, "arp_ignore %s outside", t[i].mode);
		ck_assert_msg(!answered(INSIDE, OTHER), "arp_ignore %s: not ours", t[i].mode);
	}
	/* eth0's value counts when it is the larger, and all's when it is */
	glue_sysctl("net.ipv4.conf.all.arp_ignore", "0");
	glue_sysctl("net.ipv4.conf.eth0.arp_ignore", "8");
	ck_assert(!answered(INSIDE, GLUE_IP));
	glue_sysctl("net.ipv4.conf.eth0.arp_ignore", "1");
	glue_sysctl("net.ipv4.conf.all.arp_ignore", "2");
	ck_assert(!answered(OUTSIDE, GLUE_IP));
	ck_assert(answered(INSIDE, GLUE_IP));
	/* a probe (sender 0.0.0.0) is answered under 2 as under 1, not 8 */
	ck_assert(answered(0, GLUE_IP));
	glue_sysctl("net.ipv4.conf.all.arp_ignore", "8");
	ck_assert(!answered(0, GLUE_IP));
	glue_restore();
}
END_TEST

/* The asker's entry is learnt as lwIP always did: a ping to it right
 * after goes to its MAC without an ARP request of ours. */
START_TEST(asker_learnt)
{
	glue_restore_init();
	const uint32_t asker = 0x0a00024d; /* 10.0.2.77 */
	ck_assert(answered(asker, GLUE_IP));
	glue_tx_clear();
	glue_cmd("ping -c 1 -W 1 10.0.2.77");
	int echoes = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(i, &len);
		ck_assert_msg(!(f[12] == 0x08 && f[13] == 0x06), "an ARP frame went out");
		struct wire_parsed w;
		if (!wire_parse(f, len, &w) && w.icmp && w.daddr == asker) {
			ck_assert_int_eq(memcmp(f, asker_mac, 6), 0);
			echoes++;
		}
	}
	ck_assert_int_eq(echoes, 1);
	glue_restore();
}
END_TEST

static int netstat_arpfilter(void)
{
	glue_cmd("netstat -s");
	const char *p = strstr(glue_console(), "    ArpFilter: ");
	return p ? atoi(p + 15) : 0;
}

/* arp_filter: answer only where the route to the asker leaves through
 * eth0.  A blackhole (or no route) to it refuses without counting, as
 * Linux's arp_filter() does when ip_route_output fails; a route to a
 * local address (lo in Linux: an asker claiming 10.0.2.15, let in by
 * accept_local) refuses and counts TcpExt ArpFilter. */
START_TEST(arp_filter_routes)
{
	glue_restore_init();
	uint64_t at = arp_filter_drops;
	glue_cmd("ip route add blackhole 10.9.9.0/24");
	ck_assert(answered(OUTSIDE, GLUE_IP)); /* arp_filter off */
	glue_sysctl("net.ipv4.conf.eth0.arp_filter", "1");
	ck_assert(answered(INSIDE, GLUE_IP));
	ck_assert(!answered(OUTSIDE, GLUE_IP));
	ck_assert_uint_eq(arp_filter_drops, at);
	glue_cmd("ip route del blackhole 10.9.9.0/24");
	ck_assert(answered(OUTSIDE, GLUE_IP)); /* the default route is through eth0 */
	glue_cmd("ip route del default");
	ck_assert(!answered(OUTSIDE, GLUE_IP)); /* no route at all */
	ck_assert_uint_eq(arp_filter_drops, at);

	glue_sysctl("net.ipv4.conf.all.accept_local", "1");
	glue_sysctl("net.ipv4.conf.eth0.arp_filter", "0");
	ck_assert(answered(GLUE_IP, GLUE_IP));
	glue_sysctl("net.ipv4.conf.all.arp_filter", "1");
	ck_assert(!answered(GLUE_IP, GLUE_IP));
	ck_assert_uint_eq(arp_filter_drops, at + 1);
	ck_assert_int_eq(netstat_arpfilter(), (int)arp_filter_drops);
	/* refused by arp_ignore first: arp_filter not asked, nothing counted */
	glue_sysctl("net.ipv4.conf.all.arp_ignore", "8");
	ck_assert(!answered(GLUE_IP, GLUE_IP));
	ck_assert_uint_eq(arp_filter_drops, at + 1);
	glue_restore();
}
END_TEST

/* ---- arp_announce: the sender of our requests (patch 0023) ---- */

#define ETH1_CIDR "10.0.3.15/24"
#define ETH1_IP 0x0a00030fu

/* The ARP requests for target among the frames logged (eth0's or
 * eth1's): how many, each naming sender as its sender address (and the
 * device's MAC, and no target MAC). */
static int requests_for(int eth1, uint32_t target, uint32_t sender)
{
	int n = 0, count = eth1 ? glue_eth1_tx_count() : glue_tx_count();
	for (int i = 0; i < count; i++) {
		size_t len;
		const uint8_t *f = eth1 ? glue_eth1_tx_frame(i, &len) : glue_tx_frame(i, &len);
		if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 || f[21] != 1)
			continue;
		const uint8_t *a = f + 14;
		if (get32(a + 24) != target)
			continue;
		static const uint8_t none[6];
		ck_assert_int_eq(memcmp(a + 18, none, 6), 0);
		ck_assert_int_eq(memcmp(a + 8, f + 6, 6), 0);
		ck_assert_msg(get32(a + 14) == sender, "request for %08x on eth%d names %08x, not %08x", target,
			      eth1, get32(a + 14), sender);
		n++;
	}
	return n;
}

/* One request for target named sender went out (eth0 or eth1) at once,
 * and more, each the same, once etharp's 1 s timer asked again. */
static int asks_in(int eth1, uint32_t target, uint32_t sender)
{
	if (requests_for(eth1, target, sender) != 1)
		return 0;
	glue_advance(1100);
	return requests_for(eth1, target, sender) >= 2;
}

/* A SYN to daddr:80 from saddr (unresolved) arriving on eth0: the
 * SYN-ACK, from daddr, waits for the ARP answer on the way out. */
static void syn_to(uint32_t saddr, uint32_t daddr, uint16_t sport)
{
	static const uint8_t mss[4] = { 2, 4, 1460 >> 8, 1460 & 0xff };
	struct wire_tcp t = { .saddr = saddr, .daddr = daddr, .sport = sport, .dport = 80,
			      .seq = 9000u + sport, .flags = WIRE_SYN, .wnd = 65535, .opts = mss, .optlen = 4 };
	glue_tx_clear();
	glue_eth1_tx_clear();
	wire_tcp_send(&t);
	glue_poll();
}

/* Linux 6.1's arp_solicit by the outgoing device's arp_announce: the
 * SYN-ACK from eth1's address leaving eth0 makes eth0 ask in eth1's
 * address under 0 (any local address) and in its own under 1 (eth1's is
 * outside eth0's subnet) and 2; the first request and the timer's second
 * alike.  The other way round, out of eth1, eth1's setting decides, not
 * eth0's; a forwarded packet's source is not ours, so the device's own
 * address. */
START_TEST(arp_announce_sender)
{
	glue_restore_init();
	glue_eth1_up(ETH1_CIDR);
	static const struct {
		const char *all;
		uint32_t sender;
	} t[] = { { "0", ETH1_IP }, { "1", GLUE_IP }, { "2", GLUE_IP } };
	for (uint32_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		glue_sysctl("net.ipv4.conf.all.arp_announce", t[i].all);
		uint32_t asker = 0x0a000246u + i; /* 10.0.2.70.. */
		syn_to(asker, ETH1_IP, (uint16_t)(4000 + i));
		ck_assert_msg(asks_in(0, asker, t[i].sender), "arp_announce %s", t[i].all);
	}
	/* the larger of all and the device's */
	glue_sysctl("net.ipv4.conf.all.arp_announce", "0");
	glue_sysctl("net.ipv4.conf.eth0.arp_announce", "2");
	syn_to(0x0a000250u, ETH1_IP, 4010);
	ck_assert(asks_in(0, 0x0a000250u, GLUE_IP));

	/* out of eth1 (10.0.3.80 is on its subnet): eth1's value counts */
	syn_to(0x0a000350u, GLUE_IP, 4011);
	ck_assert(asks_in(1, 0x0a000350u, GLUE_IP));
	glue_sysctl("net.ipv4.conf.eth0.arp_announce", "0");
	glue_sysctl("net.ipv4.conf.eth1.arp_announce", "2");
	syn_to(0x0a000351u, GLUE_IP, 4012);
	ck_assert(asks_in(1, 0x0a000351u, ETH1_IP));
	glue_sysctl("net.ipv4.conf.eth1.arp_announce", "0");

	/* forwarded from the peer to 10.0.3.82: the source is not ours */
	glue_sysctl("net.ipv4.ip_forward", "1");
	static uint8_t f[WIRE_MAX];
	static const uint8_t pl[8];
	size_t n = wire_ip(f, GLUE_PEER_IP, 0x0a000352u, 17, 1, 0, pl, sizeof(pl));
	glue_eth1_tx_clear();
	glue_rx(f, n);
	glue_poll();
	ck_assert(asks_in(1, 0x0a000352u, ETH1_IP));
	glue_sysctl("net.ipv4.ip_forward", "0");

	glue_eth1_down(ETH1_CIDR);
	glue_restore();
}
END_TEST

Suite *arp_suite(void)
{
	Suite *s = suite_create("arp");
	glue_add_test(s, arp_ignore_modes);
	glue_add_test(s, asker_learnt);
	glue_add_test(s, arp_filter_routes);
	glue_add_test(s, arp_announce_sender);
	return s;
}
