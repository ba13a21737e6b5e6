/*
 * TSO bundles through linkoutput into the fake device (net/core/netdev_tso.c
 * with net/core/tso.c): segments sent back to back on one connection leave
 * as one TSO request whose cut (the fake device cuts as a device does)
 * gives back exactly the frames lwIP built; with tso off the same frames
 * leave one by one, with gso off too no bundle is made; a bundle is held
 * no longer than the round (the loop does not sleep on it) and never
 * overtakes a frame sent after it; a ring that fills mid-bundle resumes
 * where it stopped, what went before it notified; a bundle the qdisc gives up while the device still
 * reads some of it is freed only at its last completion (ASan sees any
 * use after free); tbf's max_size bounds a bundle.  Segments are built as
 * lwIP builds them with tcp_write of read-only memory: a header pbuf, then
 * the payload by reference.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fault.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "net/core/netdev_priv.h"
#include "net/core/netdev_txreq.h"
#include "net/core/tso_tcp.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

#define HDRS (14 + 20 + 20)
#define MSS 1460
#define NSEG 50

static uint8_t stream[NSEG * MSS];

struct seg {
	struct pbuf *p;      /* header pbuf + PBUF_ROM payload; we keep a reference */
	uint8_t want[HDRS + MSS]; /* the frame the wire must carry, checksums whole */
	size_t len;
};
static struct seg segs[NSEG];
static int nsegs;

/* Segment i of flow sport: payload stream[i*MSS ...), ID 100 + i, ACK
 * (with flags added), as lwIP leaves it with the TCP checksum offloaded. */
static void make(int i, uint16_t sport, size_t paylen, uint8_t flags)
{
	struct seg *s = &segs[nsegs++];
	uint8_t *f = s->want;
	memset(f, 0, HDRS);
	memcpy(f, glue_peer_mac, 6);
	memcpy(f + 6, glue_mac, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14, *tcp = ip + 20;
	size_t iplen = 40 + paylen;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen;
	ip[4] = 0, ip[5] = (uint8_t)(100 + i);
	ip[6] = 0x40, ip[8] = 64, ip[9] = 6;
	for (int k = 0; k < 4; k++) {
		ip[12 + k] = (uint8_t)(GLUE_IP >> (24 - 8 * k));
		ip[16 + k] = (uint8_t)(GLUE_PEER_IP >> (24 - 8 * k));
	}
	uint16_t h = (uint16_t)~wire_sum(ip, 20, 0);
	ip[10] = (uint8_t)(h >> 8), ip[11] = (uint8_t)h;
	uint32_t seq = 1000000 + (uint32_t)i * MSS;
	tcp[0] = 0, tcp[1] = 80, tcp[2] = (uint8_t)(sport >> 8), tcp[3] = (uint8_t)sport;
	tcp[4] = (uint8_t)(seq >> 24), tcp[5] = (uint8_t)(seq >> 16), tcp[6] = (uint8_t)(seq >> 8), tcp[7] = (uint8_t)seq;
	tcp[8] = 0, tcp[9] = 0, tcp[10] = 0x30, tcp[11] = 0x39;
	tcp[12] = 0x50, tcp[13] = (uint8_t)(0x10 | flags), tcp[14] = 0x20;
	/* the header pbuf as lwIP leaves it: TCP checksum 0 (offloaded) */
	s->p = pbuf_alloc(PBUF_RAW, HDRS, PBUF_RAM);
	ck_assert_ptr_nonnull(s->p);
	memcpy(s->p->payload, f, HDRS);
	struct pbuf *rom = pbuf_alloc(PBUF_RAW, (u16_t)paylen, PBUF_ROM);
	ck_assert_ptr_nonnull(rom);
	rom->payload = stream + (size_t)i * MSS;
	pbuf_cat(s->p, rom);
	memcpy(f + HDRS, stream + (size_t)i * MSS, paylen);
	uint8_t pseudo[12];
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = 6;
	pseudo[10] = (uint8_t)((iplen - 20) >> 8), pseudo[11] = (uint8_t)(iplen - 20);
	h = (uint16_t)~wire_sum(tcp, iplen - 20, wire_sum(pseudo, 12, 0));
	tcp[16] = (uint8_t)(h >> 8), tcp[17] = (uint8_t)h;
	s->len = 14 + iplen;
}

static struct netdev *eth0(void)
{
	return netdev_by_name("eth0");
}

static void send_from(int first, int n)
{
	struct netif *netif = netdev_netif(eth0());
	for (int i = first; i < first + n; i++)
		ck_assert_int_eq(netif->linkoutput(netif, segs[i].p), ERR_OK);
}

/* Frames first.. on the wire are segments from.., each cut from a request
 * of `cut` segments (0: do not check). */
static void expect(int first, int from, int n, int cut)
{
	ck_assert_int_ge(glue_tx_count(), first + n);
	for (int i = 0; i < n; i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(first + i, &len);
		ck_assert_msg(len == segs[from + i].len && !memcmp(f, segs[from + i].want, len),
			      "frame %d is not segment %d as built", first + i, from + i);
		if (cut)
			ck_assert_int_eq(glue_tx_segs(first + i), cut);
	}
}

static void setup(void)
{
	for (size_t k = 0; k < sizeof(stream); k++)
		stream[k] = (uint8_t)(k * 7 + (k >> 9));
	nsegs = 0;
	glue_tx_clear();
	eth0()->features |= NETDEV_F_TSO | NETDEV_F_GSO;
}

/* Every reference the stack took is back: only ours is left, and it goes. */
static void teardown(void)
{
	glue_dev_tx_complete(1);
	glue_dev_tx_ring(256);
	glue_advance(1000);
	for (int i = 0; i < nsegs; i++) {
		ck_assert_msg(segs[i].p->ref == 1, "segment %d still referenced (%d)", i, segs[i].p->ref);
		pbuf_free(segs[i].p);
	}
	eth0()->features |= NETDEV_F_TSO | NETDEV_F_GSO;
	glue_tx_clear();
	glue_quiesce();
}

START_TEST(one_request_cut_back_to_the_segments)
{
	for (int i = 0; i < 10; i++)
		make(i, 40001, i == 9 ? 700 : MSS, i == 9 ? 0x08 : 0);
	long long tso = glue_ethtool_stat("tx_tso_packets"), tsegs = glue_ethtool_stat("tx_tso_segs");
	struct glue_dev_stats before, after;
	glue_dev_stats(&before);
	send_from(0, 10);
	glue_poll();
	ck_assert_int_eq(glue_tx_count(), 10);
	expect(0, 0, 10, 10);
	glue_dev_stats(&after);
	ck_assert_uint_eq(after.tx_tso - before.tx_tso, 1);
	ck_assert_uint_eq(after.tx_frames - before.tx_frames, 1);
	ck_assert_uint_eq(after.tx_bytes - before.tx_bytes, HDRS + 9 * MSS + 700);
	ck_assert_int_eq(glue_ethtool_stat("tx_tso_packets") - tso, 1);
	ck_assert_int_eq(glue_ethtool_stat("tx_tso_segs") - tsegs, 10);
}
END_TEST

/* No PSH, no short segment: the bundle waits for the round's transmit
 * step, and the loop does not sleep while it waits. */
START_TEST(held_only_until_the_round_ends)
{
	for (int i = 0; i < 3; i++)
		make(i, 40001, MSS, 0);
	send_from(0, 3);
	ck_assert_int_eq(glue_tx_count(), 0);
	ck_assert_int_eq(netdev_tso_held(eth0()), 1);
	ck_assert_uint_eq(glue_loop_next_ms(), 0);
	glue_poll();
	ck_assert_int_eq(netdev_tso_held(eth0()), 0);
	expect(0, 0, 3, 3);
}
END_TEST

/* Another flow's segment ends the bundle and goes after it. */
START_TEST(another_flow_goes_after)
{
	make(0, 40001, MSS, 0);
	make(1, 40001, MSS, 0);
	make(0, 40002, MSS, 0);
	make(1, 40002, MSS, 0x08);
	send_from(0, 4);
	glue_poll();
	ck_assert_int_eq(glue_tx_count(), 4);
	expect(0, 0, 2, 2);
	expect(2, 2, 2, 2);
}
END_TEST

/* tso off: each segment its own request, as built; gso off too: no bundle. */
START_TEST(tso_off_then_gso_off)
{
	for (int i = 0; i < 12; i++)
		make(i % 6, 40001, MSS, i % 6 == 5 ? 0x08 : 0);
	ck_assert_int_eq(glue_cmd("ethtool -K eth0 tso off"), 0);
	long long gsegs = glue_ethtool_stat("tx_gso_segs"), tso = glue_ethtool_stat("tx_tso_packets");
	send_from(0, 6);
	glue_poll();
	expect(0, 0, 6, 1);
	ck_assert_int_eq(glue_ethtool_stat("tx_gso_segs") - gsegs, 6);
	ck_assert_int_eq(glue_cmd("ethtool -K eth0 gso off"), 0);
	glue_advance(100);
	send_from(6, 6);
	ck_assert_int_eq(glue_tx_count(), 12); /* nothing held */
	/* but the device is told only by the round's notify: no sleep before it */
	ck_assert_uint_eq(glue_loop_next_ms(), 0);
	expect(6, 6, 6, 1);
	ck_assert_int_eq(glue_ethtool_stat("tx_gso_segs") - gsegs, 6);
	ck_assert_int_eq(glue_ethtool_stat("tx_tso_packets") - tso, 0);
	ck_assert_int_eq(glue_cmd("ethtool -K eth0 tso on gso on"), 0);
}
END_TEST

/* tso off and a ring of 3 that completes nothing: 3 segments go, the rest
 * wait in the qdisc and follow in order as completions free the ring.  The
 * 3 must be notified although the bundle's turn ended in a full ring:
 * unnotified, the device never sends them, nothing completes and the ring
 * stays full for good (glue_poll aborts; CI saw a download stall). */
START_TEST(ring_full_mid_bundle)
{
	for (int i = 0; i < 8; i++)
		make(i, 40001, MSS, i == 7 ? 0x08 : 0);
	eth0()->features &= ~NETDEV_F_TSO;
	glue_dev_tx_ring(3);
	glue_dev_tx_complete(0);
	send_from(0, 8);
	glue_poll();
	ck_assert_int_eq(glue_tx_count(), 3);
	ck_assert_int_eq(segs[3].p->ref, 2); /* still the stack's, unsent */
	glue_dev_tx_complete(1);
	/* the fake device has no TX interrupt: each timer wakeup reclaims */
	for (int k = 0; k < 10 && glue_tx_count() < 8; k++)
		glue_advance(1000);
	ck_assert_int_eq(glue_tx_count(), 8);
	expect(0, 0, 8, 1);
}
END_TEST

/* tc replaces the root qdisc while the device reads 3 of a bundle's 8
 * segments: the rest are dropped, and the bundle is freed only when the
 * device gives the 3 back. */
START_TEST(dropped_while_in_flight)
{
	for (int i = 0; i < 8; i++)
		make(i, 40001, MSS, i == 7 ? 0x08 : 0);
	eth0()->features &= ~NETDEV_F_TSO;
	glue_dev_tx_ring(3);
	glue_dev_tx_complete(0);
	long long drops = glue_ethtool_stat("tx_qdisc_replace_drops");
	send_from(0, 8);
	glue_poll();
	ck_assert_int_eq(glue_tx_count(), 3);
	ck_assert_int_eq(glue_cmd("tc qdisc replace dev eth0 root pfifo"), 0);
	ck_assert_int_eq(glue_ethtool_stat("tx_qdisc_replace_drops") - drops, 1);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(segs[i].p->ref, 2); /* held until the device is done */
	glue_dev_tx_complete(1);
	glue_advance(1000);
	ck_assert_int_eq(glue_tx_count(), 3);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(segs[i].p->ref, 1);
	ck_assert_int_eq(glue_cmd("tc qdisc del dev eth0 root"), 0);
}
END_TEST

/* Under tbf (burst 8 KB: max_size 8192) no request is longer than tbf takes. */
START_TEST(tbf_bounds_a_bundle)
{
	for (int i = 0; i < 20; i++)
		make(i, 40001, MSS, i == 19 ? 0x08 : 0);
	ck_assert_int_eq(glue_cmd("tc qdisc replace dev eth0 root tbf rate 1gbit burst 8kb latency 50ms"), 0);
	send_from(0, 20);
	for (int k = 0; k < 50 && glue_tx_count() < 20; k++)
		glue_advance(10);
	ck_assert_int_eq(glue_tx_count(), 20);
	expect(0, 0, 20, 0);
	for (int i = 0; i < 20; i++)
		ck_assert_int_le(glue_tx_segs(i) * (HDRS + MSS), 8192);
	ck_assert_int_gt(glue_tx_segs(0), 1);
	ck_assert_int_eq(glue_cmd("tc qdisc del dev eth0 root"), 0);
}
END_TEST

/* A counter from nstat -az NAME. */
static long long nstat_value(const char *name)
{
	char line[96];
	snprintf(line, sizeof(line), "nstat -az %s", name);
	glue_console_clear();
	ck_assert_int_eq(glue_cmd(line), 0);
	const char *at = strstr(glue_console(), name);
	ck_assert_ptr_nonnull(at);
	return atoll(at + strlen(name));
}

/* Through lwIP's tcp_output (patch 0032, net/core/tso_tcp.c): the segments
 * after a call's first join the bundle without IP and Ethernet output, and
 * the wire cannot tell: every frame the device cuts carries the IP ID
 * ip4_output would have given it (one apart from the frame before, none
 * repeated), its own length, TTL 64, checksums that verify (the transmit
 * log checks), and the body arrives whole; IpOutRequests counts every
 * datagram the device sent, joined or not. */
enum { BODY = 60000 };

/* GET /bytes/BODY from the wire peer p on port sport, ACKing what comes
 * for up to 400 ms: the body arrives whole and exact. */
static void get_bytes(struct wire_peer *p, uint16_t sport)
{
	ck_assert_int_eq(wire_peer_connect(p, sport, 80), 0);
	char req[64];
	snprintf(req, sizeof(req), "GET /bytes/%d HTTP/1.1\r\nHost: x\r\n\r\n", BODY);
	wire_peer_send(p, WIRE_PSH, req, strlen(req));
	long body = -1;
	for (int i = 0; i < 400 && body < BODY; i++) {
		glue_advance(1);
		wire_peer_read(p);
		wire_peer_send(p, WIRE_ACK, NULL, 0);
		const uint8_t *end = p->rx_len ? memmem(p->rx, p->rx_len, "\r\n\r\n", 4) : NULL;
		body = end ? (long)(p->rx_len - (size_t)(end + 4 - p->rx)) : -1;
	}
	ck_assert_int_eq(body, BODY);
	const uint8_t *b = p->rx + p->rx_len - BODY;
	for (int k = 0; k < BODY; k++) /* net/http/routes.c: byte k is 'a' + k % 26 */
		ck_assert_msg(b[k] == 'a' + k % 26, "body byte %d is %u", k, b[k]);
}

START_TEST(tcp_output_joins_with_the_headers_ip_would_give)
{
	long long direct = glue_ethtool_stat("tx_tso_direct_joins"), tsegs = glue_ethtool_stat("tx_tso_segs");
	long long out = nstat_value("IpOutRequests");
	struct wire_peer p = { 0 };
	int first = glue_tx_count(); /* from the SYN-ACK on */
	get_bytes(&p, 40011);
	int n = glue_tx_count() - first, cut = 0;
	uint16_t id = 0;
	for (int i = 0; i < n; i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(first + i, &len);
		struct wire_parsed w;
		ck_assert_int_eq(wire_parse(f, len, &w), 0);
		ck_assert(w.tcp && w.csum_ok);
		ck_assert_uint_eq(w.ip_len, len - 14);
		ck_assert_uint_eq(w.ttl, 64);
		if (i)
			ck_assert_msg(w.ip_id == (uint16_t)(id + 1), "frame %d: IP ID %u after %u", i, w.ip_id, id);
		id = w.ip_id;
		cut += glue_tx_segs(first + i) > 1;
	}
	ck_assert_int_gt(cut, 0);
	ck_assert_int_gt(glue_ethtool_stat("tx_tso_direct_joins") - direct, 0);
	ck_assert_int_gt(glue_ethtool_stat("tx_tso_segs") - tsegs, glue_ethtool_stat("tx_tso_direct_joins") - direct);
	ck_assert_int_eq(nstat_value("IpOutRequests") - out, n);
	wire_peer_send(&p, WIRE_RST, NULL, 0);
	wire_peer_free(&p);
}
END_TEST

/* The device refuses 30% of requests as if its ring were full
 * (debug.fail_tx_ring_full), with tso on (a bundle is one request) and off
 * (a bundle's segments one request each, so a refusal often comes after
 * some went): nothing is lost or sent twice, and what went before a
 * refusal is notified in the same round (glue_poll aborts otherwise: the
 * CI stall on f66d270). */
START_TEST(ring_refusals_lose_nothing)
{
	if (_i)
		eth0()->features &= ~NETDEV_F_TSO;
	uint64_t injected = fault_tx_ring_full.injected;
	long long gsegs = glue_ethtool_stat("tx_gso_segs"), tso = glue_ethtool_stat("tx_tso_packets");
	glue_sysctl("debug.fail_tx_ring_full", "50");
	struct wire_peer p = { 0 };
	get_bytes(&p, (uint16_t)(40020 + _i));
	glue_sysctl("debug.fail_tx_ring_full", "0");
	ck_assert_uint_gt(fault_tx_ring_full.injected, injected + 2);
	ck_assert_int_gt(glue_ethtool_stat(_i ? "tx_gso_segs" : "tx_tso_packets") - (_i ? gsegs : tso), 3);
	wire_peer_send(&p, WIRE_RST, NULL, 0);
	wire_peer_free(&p);
}
END_TEST

/* A segment as tcp_output hands it to the hook: a header pbuf with the
 * TCP header of segment `like` (PBUF_TRANSPORT: room for IP and Ethernet,
 * or none with PBUF_RAW), an empty piece if asked, then paylen bytes by
 * reference. */
static struct pbuf *tcp_seg_pbuf(int like, pbuf_layer room, int empty, size_t paylen)
{
	struct pbuf *h = pbuf_alloc(room, 20, PBUF_RAM);
	ck_assert_ptr_nonnull(h);
	memcpy(h->payload, segs[like].want + 34, 20);
	if (empty) {
		struct pbuf *e = pbuf_alloc(PBUF_RAW, 0, PBUF_ROM);
		ck_assert_ptr_nonnull(e);
		pbuf_cat(h, e);
	}
	struct pbuf *d = pbuf_alloc(PBUF_RAW, (u16_t)paylen, PBUF_ROM);
	ck_assert_ptr_nonnull(d);
	d->payload = stream;
	pbuf_cat(h, d);
	return h;
}

/* tso_tcp_join refuses, leaving the pbuf and lwIP's next IP ID as they were. */
static void refused(struct tso_bundle *t, const struct tcp_pcb *pcb, struct pbuf *p, unsigned max_frags)
{
	void *payload = p->payload;
	u16_t len = p->len, tot = p->tot_len, id = ip4_id_next(), segs = t->segs;
	ck_assert_int_eq(tso_tcp_join(t, pcb, p, UINT32_MAX, max_frags), 0);
	ck_assert_ptr_eq(p->payload, payload);
	ck_assert_uint_eq(p->len, len);
	ck_assert_uint_eq(p->tot_len, tot);
	ck_assert_uint_eq(ip4_id_next(), id);
	ck_assert_uint_eq(t->segs, segs);
	pbuf_free(p);
}

/* net/core/tso_tcp.c alone, with what tcp_output could hand it: no room
 * for the headers, another TTL, a chain too long for 16-bit IP lengths, a
 * longer payload than the first, no fragment left: each refused with
 * nothing changed; and a chain with an empty piece joins, the empty piece
 * not counted, with the next ID and its own IP length. */
START_TEST(tcp_join_bounds)
{
	make(0, 40001, MSS, 0);
	make(1, 40001, MSS, 0);
	u16_t next = ip4_id_next();
	uint8_t *f0 = segs[0].p->payload;
	f0[18] = (uint8_t)((next - 1) >> 8), f0[19] = (uint8_t)(next - 1);
	struct tso_bundle t;
	ck_assert_int_eq(tso_start(&t, f0, segs[0].p->len, segs[0].p->tot_len, tso_more_pieces(segs[0].p)), 0);
	static struct tcp_pcb pcb;
	ip_addr_set_ip4_u32(&pcb.local_ip, lwip_htonl(GLUE_IP));
	ip_addr_set_ip4_u32(&pcb.remote_ip, lwip_htonl(GLUE_PEER_IP));
	pcb.ttl = 64;
	refused(&t, &pcb, tcp_seg_pbuf(1, PBUF_RAW, 0, MSS), NETDEV_TX_MAXFRAGS);
	pcb.ttl = 63;
	refused(&t, &pcb, tcp_seg_pbuf(1, PBUF_TRANSPORT, 0, MSS), NETDEV_TX_MAXFRAGS);
	pcb.ttl = 64;
	refused(&t, &pcb, tcp_seg_pbuf(1, PBUF_TRANSPORT, 0, 0xffff - 20), NETDEV_TX_MAXFRAGS);
	refused(&t, &pcb, tcp_seg_pbuf(1, PBUF_TRANSPORT, 0, MSS + 1), NETDEV_TX_MAXFRAGS);
	refused(&t, &pcb, tcp_seg_pbuf(1, PBUF_TRANSPORT, 0, MSS), t.nfrags);
	struct pbuf *p = tcp_seg_pbuf(1, PBUF_TRANSPORT, 1, MSS);
	ck_assert_int_eq(tso_tcp_join(&t, &pcb, p, UINT32_MAX, NETDEV_TX_MAXFRAGS), 1);
	ck_assert_uint_eq(t.segs, 2);
	ck_assert_uint_eq(t.nfrags, 3); /* headers, two payloads: the empty piece is none */
	ck_assert_uint_eq(ip4_id_next(), (u16_t)(next + 1));
	const uint8_t *f = p->payload;
	ck_assert_uint_eq(p->len, 54);
	ck_assert_int_eq(memcmp(f, f0, 14), 0);
	ck_assert_uint_eq((f[16] << 8) | f[17], 40 + MSS);
	ck_assert_uint_eq((f[18] << 8) | f[19], next);
	pbuf_free(p);
}
END_TEST

Suite *tso_suite(void)
{
	Suite *s = suite_create("tso");
	TCase *tc = tcase_create("bundles");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, one_request_cut_back_to_the_segments);
	tcase_add_test(tc, held_only_until_the_round_ends);
	tcase_add_test(tc, another_flow_goes_after);
	tcase_add_test(tc, tso_off_then_gso_off);
	tcase_add_test(tc, ring_full_mid_bundle);
	tcase_add_test(tc, dropped_while_in_flight);
	tcase_add_test(tc, tbf_bounds_a_bundle);
	tcase_add_test(tc, tcp_output_joins_with_the_headers_ip_would_give);
	tcase_add_loop_test(tc, ring_refusals_lose_nothing, 0, 2);
	tcase_add_test(tc, tcp_join_bounds);
	suite_add_tcase(s, tc);
	return s;
}
