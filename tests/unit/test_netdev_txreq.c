/*
 * net/core/netdev_txreq.c: the transmit request builder.  The fragment table
 * is never written past NETDEV_TX_MAXFRAGS (UBSan checks the index, a
 * guard after the request stays intact), empty pieces take no slot, and
 * the checksum it leaves to the
 * device is right: a device's NEEDS_CSUM step (sum from csum_start,
 * stored at csum_start + csum_offset) gives the checksum RFC 793 3.1
 * defines, with and without IP options; and every IPv4 header's own
 * checksum is set (lwIP leaves it).  Frames that are not IPv4 TCP or
 * whose headers do not parse go out without offload, as they came but
 * for that.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/netdev_txreq.h"
#include "tests/unit/tcpseg.h"
#include "tests/unit/unit.h"

/* The request with a guard after it.  A write past frag[] is
 * UBSan's out-of-bounds index (the test then errors); one past the
 * whole request would land in `after`. */
static struct {
	struct netdev_txreq req;
	uint8_t after[64];
} t;

static void setup(void)
{
	memset(&t, 0xa5, sizeof(t));
}

static void guard_intact(void)
{
	for (size_t i = 0; i < sizeof(t.after); i++)
		ck_assert_uint_eq(t.after[i], 0xa5);
}

/* Ethernet + IPv4 with optlen bytes of options + a proto header + data:
 * the frame's length. */
static uint32_t frame(uint8_t *f, uint8_t proto, int optlen, int datalen)
{
	int ihl = 20 + optlen, l4h = proto == 6 ? 20 : 8;
	uint32_t iplen = (uint32_t)(ihl + l4h + datalen);
	memset(f, 0, 14 + iplen);
	f[12] = 0x08;
	f[13] = 0x00;
	uint8_t *ip = f + 14;
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, (const uint8_t[]){ 10, 0, 0, 2, 192, 168, 77, 1 }, 8);
	for (int i = 20; i < ihl; i++)
		ip[i] = 1; /* NOP options */
	uint8_t *l4 = ip + ihl;
	l4[0] = 0x00, l4[1] = 80, l4[2] = 0xc3, l4[3] = 0x51;
	if (proto == 6) {
		l4[4] = 0x12, l4[7] = 0x9f; /* seq */
		l4[12] = 0x50;              /* data offset 5 */
		l4[13] = 0x18;              /* PSH ACK */
		l4[14] = 0xff, l4[15] = 0xff;
	} else {
		l4[4] = (uint8_t)((8 + datalen) >> 8);
		l4[5] = (uint8_t)(8 + datalen);
	}
	for (int i = 0; i < datalen; i++)
		l4[l4h + i] = (uint8_t)(i * 7 + 3);
	uint16_t c = (uint16_t)~tcpseg_sum(0, ip, (uint32_t)ihl);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	return 14 + iplen;
}

/* 1 when the IPv4 header in f sums to all ones (RFC 791 3.1). */
static int ip_sum_ok(const uint8_t *f)
{
	return tcpseg_sum(0, f + 14, (uint32_t)(f[14] & 15) * 4) == 0xffff;
}

/* RFC 793 3.1 over the segment with its checksum field taken as zero. */
static uint16_t tcp_csum_want(const uint8_t *f)
{
	const uint8_t *ip = f + 14;
	int ihl = (ip[0] & 15) * 4, iplen = ip[2] << 8 | ip[3];
	uint8_t seg[2048];
	memcpy(seg, ip + ihl, (size_t)(iplen - ihl));
	seg[16] = seg[17] = 0;
	return (uint16_t)~tcpseg_sum(tcpseg_pseudo(f), seg, (uint32_t)(iplen - ihl));
}

/* What a device does with NEEDS_CSUM: sums from csum_start to the end
 * (the field holds the pseudo-header sum) and stores the result. */
static void device_csum(uint8_t *f, uint32_t len, const struct netdev_txreq *req)
{
	uint16_t c = (uint16_t)~tcpseg_sum(0, f + req->csum_start, len - req->csum_start);
	f[req->csum_start + req->csum_offset] = (uint8_t)(c >> 8);
	f[req->csum_start + req->csum_offset + 1] = (uint8_t)c;
}

static int build1(uint8_t *f, uint32_t len, int offload)
{
	netdev_txreq_init(&t.req, f);
	ck_assert_int_eq(netdev_txreq_add(&t.req, f, len), 0);
	return netdev_txreq_finish(&t.req, offload);
}

START_TEST(one_piece)
{
	static uint8_t f[1600];
	uint32_t len = frame(f, 17, 0, 100);
	ck_assert_int_eq(build1(f, len, 1), 0);
	ck_assert_int_eq(t.req.nfrags, 1);
	ck_assert_ptr_eq(t.req.frag[0].data, f);
	ck_assert_uint_eq(t.req.frag[0].len, len);
	ck_assert_uint_eq(t.req.len, len);
	ck_assert_ptr_eq(t.req.cookie, f);
	ck_assert_int_eq(t.req.needs_csum, 0); /* UDP stays in software */
	guard_intact();
}
END_TEST

START_TEST(empty_pieces_take_no_slot)
{
	static uint8_t f[1600];
	uint32_t len = frame(f, 6, 0, 100);
	netdev_txreq_init(&t.req, f);
	/* lwIP leaves empty pbufs after a header that filled its piece */
	ck_assert_int_eq(netdev_txreq_add(&t.req, f, 0), 0);
	ck_assert_int_eq(netdev_txreq_add(&t.req, f, 54), 0);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(netdev_txreq_add(&t.req, f + 54, 0), 0);
	ck_assert_int_eq(netdev_txreq_add(&t.req, f + 54, len - 54), 0);
	ck_assert_int_eq(netdev_txreq_add(&t.req, f + len, 0), 0);
	ck_assert_int_eq(netdev_txreq_finish(&t.req, 1), 0);
	ck_assert_int_eq(t.req.nfrags, 2);
	ck_assert_uint_eq(t.req.len, len);
	ck_assert_int_eq(t.req.needs_csum, 1); /* headers are in the first non-empty piece */
	guard_intact();
}
END_TEST

START_TEST(empty_frame_refused)
{
	static uint8_t f[4];
	netdev_txreq_init(&t.req, f);
	ck_assert_int_eq(netdev_txreq_finish(&t.req, 1), -EINVAL);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(netdev_txreq_add(&t.req, f, 0), 0);
	ck_assert_int_eq(netdev_txreq_finish(&t.req, 0), -EINVAL);
	ck_assert_int_eq(t.req.nfrags, 0);
	guard_intact();
}
END_TEST

/* A chain of more pieces than the table holds: the first one too many is
 * refused before it is written, and so is every one after it. */
START_TEST(long_chain_refused)
{
	static uint8_t f[4096];
	uint32_t len = frame(f, 6, 0, 2000); /* 103 pieces of 20 bytes */
	netdev_txreq_init(&t.req, f);
	uint32_t off = 0;
	int n = 0, refused = 0;
	while (off < len) {
		uint32_t piece = len - off < 20 ? len - off : 20;
		int err = netdev_txreq_add(&t.req, f + off, piece);
		if (n < NETDEV_TX_MAXFRAGS) {
			ck_assert_int_eq(err, 0);
		} else {
			ck_assert_int_eq(err, -EMSGSIZE);
			refused++;
		}
		off += piece;
		n++;
	}
	ck_assert_int_gt(refused, 30);
	ck_assert_int_eq(t.req.nfrags, NETDEV_TX_MAXFRAGS);
	ck_assert_uint_eq(t.req.len, NETDEV_TX_MAXFRAGS * 20);
	ck_assert_ptr_eq(t.req.frag[NETDEV_TX_MAXFRAGS - 1].data, f + (NETDEV_TX_MAXFRAGS - 1) * 20);
	guard_intact();
	/* exactly NETDEV_TX_MAXFRAGS pieces fit */
	netdev_txreq_init(&t.req, f);
	for (int i = 0; i < NETDEV_TX_MAXFRAGS; i++)
		ck_assert_int_eq(netdev_txreq_add(&t.req, f + i, 1), 0);
	ck_assert_int_eq(netdev_txreq_add(&t.req, f, 1), -EMSGSIZE);
	ck_assert_int_eq(netdev_txreq_add(&t.req, f, 0), 0); /* empty still fits */
	ck_assert_int_eq(netdev_txreq_finish(&t.req, 0), -EAGAIN); /* its IPv4 header is split */
	ck_assert_int_eq(t.req.nfrags, NETDEV_TX_MAXFRAGS);
	guard_intact();
}
END_TEST

/* IPv4 TCP with no options, 4 bytes, and the longest header (40 bytes of
 * options), data of odd and even length: the device's step gives RFC
 * 793's checksum. */
START_TEST(tcp_offload)
{
	static const int opts[] = { 0, 4, 40 };
	static const int datas[] = { 0, 1, 100, 1459 };
	for (unsigned o = 0; o < 3; o++) {
		for (unsigned d = 0; d < 4; d++) {
			static uint8_t f[1600];
			uint32_t len = frame(f, 6, opts[o], datas[d]);
			uint16_t want = tcp_csum_want(f);
			ck_assert_int_eq(build1(f, len, 1), 0);
			ck_assert_int_eq(t.req.needs_csum, 1);
			ck_assert_uint_eq(t.req.csum_start, 14 + 20 + opts[o]);
			ck_assert_uint_eq(t.req.csum_offset, 16);
			device_csum(f, len, &t.req);
			uint8_t *tcp = f + t.req.csum_start;
			ck_assert_uint_eq(tcp[16] << 8 | tcp[17], want);
			guard_intact();
		}
	}
}
END_TEST

START_TEST(tcp_without_offload_untouched)
{
	static uint8_t f[1600], copy[1600];
	uint32_t len = frame(f, 6, 0, 100);
	memcpy(copy, f, len);
	ck_assert_int_eq(build1(f, len, 0), 0);
	ck_assert_int_eq(t.req.needs_csum, 0);
	ck_assert_int_eq(memcmp(f, copy, len), 0);
}
END_TEST

/* UDP is never offloaded (lwIP may fragment a datagram; the device sees
 * one frame), with or without IP options. */
START_TEST(udp_not_offloaded)
{
	for (int opt = 0; opt <= 40; opt += 20) {
		static uint8_t f[1600], copy[1600];
		uint32_t len = frame(f, 17, opt, 33);
		memcpy(copy, f, len);
		ck_assert_int_eq(build1(f, len, 1), 0);
		ck_assert_int_eq(t.req.needs_csum, 0);
		ck_assert_uint_eq(t.req.csum_start, 0);
		ck_assert_uint_eq(t.req.csum_offset, 0);
		ck_assert_int_eq(memcmp(f, copy, len), 0);
	}
}
END_TEST

/* Headers split over pieces: -EAGAIN (the caller copies the frame into
 * one piece); nothing is written into the frame. */
START_TEST(split_headers_again)
{
	static const uint32_t firsts[] = { 1, 14, 33, 34, 53, 57 };
	for (unsigned i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
		static uint8_t f[1600], copy[1600];
		int opt = firsts[i] == 57 ? 4 : 0; /* 57: 3 bytes short of a 24-byte IP header's TCP header */
		uint32_t len = frame(f, 6, opt, 200);
		memcpy(copy, f, len);
		netdev_txreq_init(&t.req, f);
		ck_assert_int_eq(netdev_txreq_add(&t.req, f, firsts[i]), 0);
		ck_assert_int_eq(netdev_txreq_add(&t.req, f + firsts[i], len - firsts[i]), 0);
		ck_assert_int_eq(netdev_txreq_finish(&t.req, 1), -EAGAIN);
		ck_assert_int_eq(memcmp(f, copy, len), 0);
		/* as one piece it goes */
		ck_assert_int_eq(build1(f, len, 1), 0);
		ck_assert_int_eq(t.req.needs_csum, 1);
	}
}
END_TEST

/* Malformed or foreign headers: sent as they are, no offload, no byte
 * changed but an IPv4 header's checksum (made right whenever the header
 * itself is within the frame: fragments, ICMP, a wrong total length). */
static void left_alone(uint8_t *f, uint32_t len)
{
	static uint8_t copy[1600];
	memcpy(copy, f, len);
	ck_assert_int_eq(build1(f, len, 1), 0);
	ck_assert_int_eq(t.req.needs_csum, 0);
	unsigned ihl = len > 14 ? (f[14] & 15) * 4u : 0;
	int header = len >= 34 && f[12] == 0x08 && f[13] == 0 && f[14] >> 4 == 4 && ihl >= 20 && 14 + ihl <= len;
	if (header) {
		ck_assert(ip_sum_ok(f));
		copy[24] = f[24], copy[25] = f[25];
	}
	ck_assert_int_eq(memcmp(f, copy, len), 0);
	guard_intact();
}

/* lwIP leaves IPv4 header checksums to the device path (net/core/netdev.c
 * clears NETIF_CHECKSUM_GEN_IP): TCP, UDP and ICMP, with options, with
 * and without TCP offload, whatever was in the field; and a header split
 * across pieces is -EAGAIN with nothing written. */
START_TEST(ip_header_summed)
{
	static const uint8_t protos[] = { 6, 17, 1 };
	for (unsigned k = 0; k < sizeof(protos); k++)
		for (int opt = 0; opt <= 40; opt += 4)
			for (int offload = 0; offload <= 1; offload++) {
				static uint8_t f[1600], copy[1600];
				uint32_t len = frame(f, protos[k], opt, 50);
				f[24] ^= 0x5a, f[25] = 0;
				ck_assert_int_eq(build1(f, len, offload), 0);
				ck_assert_msg(ip_sum_ok(f), "proto %u, options %d", protos[k], opt);
				if (!opt)
					continue;
				f[24] ^= 0x5a;
				memcpy(copy, f, len);
				netdev_txreq_init(&t.req, f);
				ck_assert_int_eq(netdev_txreq_add(&t.req, f, 14 + 20 + (uint32_t)opt - 1), 0);
				ck_assert_int_eq(netdev_txreq_add(&t.req, f + 33 + opt, len - 33 - (uint32_t)opt), 0);
				ck_assert_int_eq(netdev_txreq_finish(&t.req, offload), -EAGAIN);
				ck_assert_int_eq(memcmp(f, copy, len), 0);
			}
}
END_TEST

START_TEST(malformed_left_alone)
{
	static uint8_t f[1600];
	uint8_t *ip = f + 14;
	uint32_t len;
	for (uint32_t l = 1; l < 54; l++) { /* too short for Ethernet, IPv4 and TCP */
		len = frame(f, 6, 0, 0);
		left_alone(f, l);
	}
	for (int ihl = 0; ihl < 5; ihl++) { /* IHL < 5 */
		len = frame(f, 6, 0, 40);
		ip[0] = (uint8_t)(0x40 | ihl);
		left_alone(f, len);
	}
	len = frame(f, 6, 0, 40); /* a total length longer than the frame */
	ip[2] = 0, ip[3] = 20 + 20 + 41;
	left_alone(f, len);
	ip[2] = 0xff, ip[3] = 0xff;
	left_alone(f, len);
	len = frame(f, 6, 40, 0); /* an IHL that runs past the frame */
	ip[0] = 0x4f;
	left_alone(f, len - 1);
	len = frame(f, 6, 0, 40); /* a total length too short for a TCP header */
	ip[2] = 0, ip[3] = 39;
	left_alone(f, len);
	ip[3] = 0;
	left_alone(f, len);
	len = frame(f, 6, 0, 40); /* IP version 6 in an IPv4 frame */
	ip[0] = 0x65;
	left_alone(f, len);
	len = frame(f, 6, 0, 40); /* a fragment: MF, or an offset */
	ip[6] = 0x20;
	left_alone(f, len);
	ip[6] = 0, ip[7] = 1;
	left_alone(f, len);
	len = frame(f, 6, 0, 40); /* not IPv4: ARP, IPv6 */
	f[13] = 0x06;
	left_alone(f, len);
	f[12] = 0x86, f[13] = 0xdd;
	left_alone(f, len);
	len = frame(f, 1, 0, 40); /* ICMP */
	left_alone(f, len);
}
END_TEST

/* A frame shorter than its IPv4 total length says (Ethernet padding the
 * other way round is fine): offload only when the header fits. */
START_TEST(padding_allowed)
{
	static uint8_t f[1600];
	uint32_t len = frame(f, 6, 0, 10);
	uint16_t want = tcp_csum_want(f);
	memset(f + len, 0, 6); /* zero padding past the IP datagram */
	ck_assert_int_eq(build1(f, len + 6, 1), 0);
	ck_assert_int_eq(t.req.needs_csum, 1);
	device_csum(f, len + 6, &t.req);
	ck_assert_uint_eq(f[14 + 20 + 16] << 8 | f[14 + 20 + 17], want);
}
END_TEST

/* ---- what the qdisc reads of a frame ---- */

START_TEST(flow_of_tcp_and_udp)
{
	static uint8_t f[1600];
	struct netdev_flow fl;
	uint32_t len = frame(f, 6, 4, 10);
	f[14 + 1] = 0xb8 | 2; /* DSCP EF, ECT(0) */
	ck_assert_int_eq(netdev_flow_parse(f, len, &fl), 0);
	ck_assert_int_eq(fl.ipv4, 1);
	ck_assert_uint_eq(fl.proto, 6);
	ck_assert_uint_eq(fl.ecn, 2);
	ck_assert_uint_eq(fl.saddr, 0x0a000002);
	ck_assert_uint_eq(fl.daddr, 0xc0a84d01);
	ck_assert_uint_eq(fl.sport, 80);
	ck_assert_uint_eq(fl.dport, 0xc351);
	len = frame(f, 17, 0, 10);
	ck_assert_int_eq(netdev_flow_parse(f, len, &fl), 0);
	ck_assert_uint_eq(fl.proto, 17);
	ck_assert_uint_eq(fl.sport, 80);
	/* a later fragment has no ports (RFC 791): its flow is the host pair */
	f[14 + 6] = 0x00, f[14 + 7] = 0x10;
	ck_assert_int_eq(netdev_flow_parse(f, len, &fl), 0);
	ck_assert_uint_eq(fl.sport, 0);
	ck_assert_uint_eq(fl.dport, 0);
	/* not IPv4: only the EtherType */
	f[12] = 0x08, f[13] = 0x06;
	ck_assert_int_eq(netdev_flow_parse(f, len, &fl), 0);
	ck_assert_uint_eq(fl.ethertype, 0x0806);
	ck_assert_int_eq(fl.ipv4, 0);
}
END_TEST

/* Every truncation of a frame with IP options is read within its bytes
 * (ASan sees each buffer at its exact size). */
START_TEST(flow_of_short_frames)
{
	static uint8_t f[1600];
	uint32_t len = frame(f, 6, 8, 0);
	for (uint32_t n = 0; n <= len; n++) {
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, f, n);
		struct netdev_flow fl;
		int err = netdev_flow_parse(b, n, &fl);
		ck_assert_int_eq(err, n < 14 ? -EINVAL : 0);
		ck_assert_int_eq(fl.ipv4, n >= 14 + 28);
		ck_assert_uint_eq(fl.sport, n >= 14 + 28 + 4 ? 80 : 0);
		if (n >= 14)
			ck_assert_int_eq(netdev_frame_set_ce(b, n), -EINVAL); /* Not-ECT or no header */
		free(b);
	}
}
END_TEST

static int ip_csum_ok(const uint8_t *ip)
{
	uint32_t s = 0;
	for (int i = 0; i < (ip[0] & 15) * 4; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

static void ip_csum_fill(uint8_t *ip)
{
	ip[10] = ip[11] = 0;
	uint32_t s = 0;
	for (int i = 0; i < (ip[0] & 15) * 4; i += 2)
		s += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	ip[10] = (uint8_t)(~s >> 8), ip[11] = (uint8_t)~s;
}

/* RFC 3168: ECT(0) and ECT(1) become CE with the header checksum updated
 * (RFC 1624), CE stays, Not-ECT is refused untouched. */
START_TEST(set_ce_marks_ect_only)
{
	static uint8_t f[1600], was[1600];
	for (int tos = 0; tos < 256; tos++) {
		uint32_t len = frame(f, 6, 0, 20);
		uint8_t *ip = f + 14;
		ip[1] = (uint8_t)tos;
		ip[4] = (uint8_t)(tos * 37), ip[5] = 0x5a; /* vary the sum */
		ip_csum_fill(ip);
		memcpy(was, f, len);
		int err = netdev_frame_set_ce(f, len);
		if ((tos & 3) == 0) {
			ck_assert_int_eq(err, -EINVAL);
			ck_assert_int_eq(memcmp(f, was, len), 0);
			continue;
		}
		ck_assert_int_eq(err, 0);
		ck_assert_uint_eq(ip[1], tos | 3);
		ck_assert(ip_csum_ok(ip));
		ck_assert_int_eq(memcmp(f + 14 + 12, was + 14 + 12, len - 14 - 12), 0);
	}
}
END_TEST

Suite *netdev_txreq_suite(void)
{
	Suite *s = suite_create("netdev_txreq");
	TCase *tc = tcase_create("build");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, one_piece);
	tcase_add_test(tc, empty_pieces_take_no_slot);
	tcase_add_test(tc, empty_frame_refused);
	tcase_add_test(tc, long_chain_refused);
	tcase_add_test(tc, tcp_offload);
	tcase_add_test(tc, tcp_without_offload_untouched);
	tcase_add_test(tc, udp_not_offloaded);
	tcase_add_test(tc, split_headers_again);
	tcase_add_test(tc, malformed_left_alone);
	tcase_add_test(tc, ip_header_summed);
	tcase_add_test(tc, padding_allowed);
	suite_add_tcase(s, tc);
	tc = tcase_create("flow");
	tcase_add_test(tc, flow_of_tcp_and_udp);
	tcase_add_test(tc, flow_of_short_frames);
	tcase_add_test(tc, set_ce_marks_ect_only);
	suite_add_tcase(s, tc);
	return s;
}
