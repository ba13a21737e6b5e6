/*
 * Neighbours being resolved and ICMP echo, on the glue world's wire:
 * SYNs from a source whose ARP entry does not exist yet have their
 * SYN-ACKs queued until the ARP reply, bounded by
 * net.ipv4.neigh.default.unres_qlen_bytes with the oldest dropped and
 * counted (patch 0013; Linux's __neigh_event_send and unres_discards),
 * and net.ipv4.icmp_echo_ignore_all (patch 0014; Linux's icmp_echo).
 * RFC 826 for the ARP reply built here, RFC 792 for the echo request.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/sysctl.h"
#include "lwip/etharp.h"
#include "lwip/stats.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

#define SYNACK_CHARGE (44 + 64) /* IP length of a SYN-ACK with MSS only, plus lwipopts.h's overhead */


/* A SYN with the MSS option from saddr:sport to port 80. */
static void syn_from(uint32_t saddr, uint16_t sport)
{
	static const uint8_t mss[4] = { 2, 4, 1460 >> 8, 1460 & 0xff };
	struct wire_tcp t = { .saddr = saddr, .daddr = GLUE_IP, .sport = sport, .dport = 80,
			      .seq = 7000u + sport, .flags = WIRE_SYN, .wnd = 65535, .opts = mss, .optlen = 4 };
	wire_tcp_send(&t);
}

/* The ARP reply (RFC 826, opcode 2) of saddr at a made-up MAC. */
static void arp_reply_from(uint32_t saddr)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x4d };
	uint8_t f[42];
	glue_rx(f, wire_arp(f, glue_mac, 2, mac, saddr, glue_mac, GLUE_IP));
	glue_poll();
}

/* Frames sent since the last glue_tx_clear(): ARP ones, and SYN-ACKs to
 * daddr, each marked in seen[sport - base] (n ports from base). */
static int arps_sent(void)
{
	int n = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		if (!wire_parse(glue_tx_frame(i, &len), len, &w) && w.arp)
			n++;
	}
	return n;
}

static int synacks_to(uint32_t daddr, uint16_t base, int n, int *seen)
{
	int count = 0;
	memset(seen, 0, sizeof(int) * (size_t)n);
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		if (wire_parse(glue_tx_frame(i, &len), len, &w) || !w.tcp || w.daddr != daddr ||
		    w.flags != (WIRE_SYN | WIRE_ACK) || w.dport < base || w.dport >= base + n)
			continue;
		ck_assert_msg(w.ip_len + 64 == SYNACK_CHARGE, "a SYN-ACK of %u bytes", w.ip_len);
		seen[w.dport - base]++;
		count++;
	}
	return count;
}

/* 100 SYNs from 10.0.2.77, whose ARP the world has not resolved: no
 * SYN-ACK leaves, all 100 wait in the ARP queue (Linux's default limit
 * holds them), and all go out once the ARP reply comes, none dropped. */
START_TEST(syn_flood_from_unresolved_source_all_answered)
{
	glue_restore_init();
	const uint32_t src = 0x0a00024d; /* 10.0.2.77 */
	int seen[100];
	unsigned long discards = etharp_unres_discards;
	glue_tx_clear();
	for (int i = 0; i < 100; i++) {
		syn_from(src, (uint16_t)(42000 + i));
		if (i % 10 == 9)
			glue_poll();
	}
	ck_assert_int_eq(synacks_to(src, 42000, 100, seen), 0);
	ck_assert_int_ge(arps_sent(), 1);
	arp_reply_from(src);
	ck_assert_int_eq(synacks_to(src, 42000, 100, seen), 100);
	for (int i = 0; i < 100; i++)
		ck_assert_msg(seen[i] == 1, "port %d: %d SYN-ACKs", 42000 + i, seen[i]);
	ck_assert_uint_eq(etharp_unres_discards, discards);
	glue_restore();
}
END_TEST

/* A limit of 10 SYN-ACKs' charge and 30 SYNs: the 20 oldest are dropped
 * and counted, the 10 newest go out on the ARP reply.  A limit of 0 still
 * keeps the newest packet (Linux queues it after emptying the queue).
 * netstat -s and /proc/net/stat/arp_cache show the count. */
START_TEST(over_limit_drops_oldest_and_counts)
{
	glue_restore_init();
	const uint32_t src = 0x0a00024e, src0 = 0x0a00024f; /* 10.0.2.78, .79 */
	int seen[30];
	char limit[16];
	snprintf(limit, sizeof(limit), "%d", 10 * SYNACK_CHARGE);
	glue_sysctl("net.ipv4.neigh.default.unres_qlen_bytes", limit);
	unsigned long discards = etharp_unres_discards;
	glue_tx_clear();
	for (int i = 0; i < 30; i++)
		syn_from(src, (uint16_t)(43000 + i));
	glue_poll();
	ck_assert_uint_eq(etharp_unres_discards - discards, 20);
	arp_reply_from(src);
	ck_assert_int_eq(synacks_to(src, 43000, 30, seen), 10);
	for (int i = 0; i < 30; i++)
		ck_assert_msg(seen[i] == (i >= 20), "port %d: %d SYN-ACKs", 43000 + i, seen[i]);

	glue_sysctl("net.ipv4.neigh.default.unres_qlen_bytes", "0");
	glue_tx_clear();
	for (int i = 0; i < 3; i++)
		syn_from(src0, (uint16_t)(43100 + i));
	glue_poll();
	ck_assert_uint_eq(etharp_unres_discards - discards, 22);
	arp_reply_from(src0);
	ck_assert_int_eq(synacks_to(src0, 43100, 3, seen), 1);
	ck_assert_int_eq(seen[2], 1);

	char line[64];
	snprintf(line, sizeof(line), "\n    ArpUnresDiscards: %lu\n", etharp_unres_discards);
	ck_assert_int_eq(glue_cmd("netstat -s"), 0);
	ck_assert_msg(strstr(glue_console(), line), "netstat -s lacks%s", line);
	/* /proc/net/stat/arp_cache: unresolved_discards is the 12th of 13 columns */
	ck_assert_int_eq(glue_cmd("cat /proc/net/stat/arp_cache"), 0);
	const char *row = strchr(glue_console(), '\n');
	ck_assert_ptr_nonnull(row);
	unsigned long col[13];
	ck_assert_int_eq(sscanf(row, "%lx %lx %lx %lx %lx %lx %lx %lx %lx %lx %lx %lx %lx", &col[0], &col[1],
				&col[2], &col[3], &col[4], &col[5], &col[6], &col[7], &col[8], &col[9], &col[10],
				&col[11], &col[12]),
			 13);
	ck_assert_uint_eq(col[11], etharp_unres_discards);
	ck_assert_uint_ge(col[0], 3); /* the peer, 10.0.2.78 and .79 resolved */
	glue_restore();
}
END_TEST

/* An echo request (RFC 792, type 8) from the peer; returns how many echo
 * replies (type 0) the world sent for it. */
static int ping_once(uint16_t seq)
{
	uint8_t icmp[40] = { 8, 0, 0, 0, 0x12, 0x34, (uint8_t)(seq >> 8), (uint8_t)seq };
	for (size_t i = 8; i < sizeof(icmp); i++)
		icmp[i] = (uint8_t)i;
	uint16_t c = (uint16_t)~wire_sum(icmp, sizeof(icmp), 0);
	icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
	uint8_t f[128];
	glue_tx_clear();
	glue_rx(f, wire_ip(f, GLUE_PEER_IP, GLUE_IP, 1, seq, 0, icmp, sizeof(icmp)));
	glue_poll();
	int replies = 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		struct wire_parsed w;
		if (!wire_parse(glue_tx_frame(i, &len), len, &w) && w.icmp && w.icmp_type == 0 &&
		    w.daddr == GLUE_PEER_IP)
			replies++;
	}
	return replies;
}

/* icmp_echo_ignore_all=1: no reply, yet counted as Linux counts it
 * (InMsgs and InEchos, no OutEchoReps, no InErrors); 0 answers again. */
START_TEST(icmp_echo_ignore_all)
{
	glue_restore_init();
	struct stats_mib2 m = lwip_stats.mib2;
	ck_assert_int_eq(ping_once(1), 1);
	ck_assert_uint_eq(lwip_stats.mib2.icmpoutechoreps - m.icmpoutechoreps, 1);

	glue_sysctl("net.ipv4.icmp_echo_ignore_all", "1");
	m = lwip_stats.mib2;
	ck_assert_int_eq(ping_once(2), 0);
	ck_assert_uint_eq(lwip_stats.mib2.icmpinmsgs - m.icmpinmsgs, 1);
	ck_assert_uint_eq(lwip_stats.mib2.icmpinechos - m.icmpinechos, 1);
	ck_assert_uint_eq(lwip_stats.mib2.icmpinerrors - m.icmpinerrors, 0);
	ck_assert_uint_eq(lwip_stats.mib2.icmpoutechoreps - m.icmpoutechoreps, 0);
	ck_assert_uint_eq(lwip_stats.mib2.icmpoutmsgs - m.icmpoutmsgs, 0);

	glue_sysctl("net.ipv4.icmp_echo_ignore_all", "0");
	m = lwip_stats.mib2;
	ck_assert_int_eq(ping_once(3), 1);
	ck_assert_uint_eq(lwip_stats.mib2.icmpoutechoreps - m.icmpoutechoreps, 1);
	glue_restore();
}
END_TEST

Suite *neigh_suite(void)
{
	Suite *s = suite_create("neigh");
	glue_add_test(s, syn_flood_from_unresolved_source_all_answered);
	glue_add_test(s, over_limit_drops_oldest_and_counts);
	glue_add_test(s, icmp_echo_ignore_all);
	return s;
}
