/*
 * An IPv4 TCP frame as net/core/gso.c and gro.c see it: Ethernet II, IPv4
 * (RFC 791, options allowed), TCP (RFC 793 3.1, options allowed), read
 * within the frame's length; and the length and checksums both write back.
 * Pure; builds in the kernel and on the host.
 */
#ifndef NET_TCP4_FRAME_H
#define NET_TCP4_FRAME_H

#include <stdint.h>

#define TCP4_ETH_HLEN 14
#define TCP4_MAX_HLEN (14 + 60 + 60) /* Ethernet + the largest IPv4 and TCP headers */
#define TCP4_IP_MAXLEN 65535         /* the largest IPv4 total length */

/* The TCP flags byte (RFC 793 3.1; ECE and CWR: RFC 3168 6.1). */
#define TCP4_FIN 0x01
#define TCP4_SYN 0x02
#define TCP4_RST 0x04
#define TCP4_PSH 0x08
#define TCP4_ACK 0x10
#define TCP4_URG 0x20
#define TCP4_ECE 0x40
#define TCP4_CWR 0x80

/* Where a frame's parts are; the offsets count from the frame's start. */
struct tcp4_frame {
	uint16_t ihl;    /* IPv4 header bytes, 20..60 */
	uint16_t thl;    /* TCP header bytes, 20..60 */
	uint16_t iplen;  /* IPv4 total length */
	uint16_t hlen;   /* Ethernet + IPv4 + TCP header bytes */
	uint16_t paylen; /* TCP payload bytes: iplen - ihl - thl */
	uint8_t flags;   /* the TCP flags byte */
	uint32_t seq;    /* host order */
};

/* Reads b[0..len) only.  0 and f filled; -EPROTONOSUPPORT when it is not
 * IPv4 (by ethertype) or not TCP; -EINVAL when a header is cut short, IHL
 * < 5, data offset < 5, the total length reaches past len or does not hold
 * both headers, or it is an IP fragment (MF or an offset).  Bytes past the
 * total length (Ethernet padding) are not part of it. */
int tcp4_frame_parse(const uint8_t *b, uint32_t len, struct tcp4_frame *f);

/* Writes the IPv4 total length iplen and header checksum of the frame at b
 * (IPv4 header of ihl bytes at b + 14), and its TCP checksum over the
 * iplen - ihl bytes after it: the whole RFC 793 sum, or with partial the
 * pseudo-header sum alone, left for the device (netdev_txreq_finish's
 * convention, virtio 1.1 5.1.6.2). */
void tcp4_frame_finish(uint8_t *b, uint16_t ihl, uint16_t iplen, int partial);

/* 1 when a parsed frame's IPv4 header checksum, and unless tcp_valid its
 * TCP checksum too, are right (RFC 1071: the sum of the covered words with
 * the checksum is all ones); else 0. */
int tcp4_frame_csum_ok(const uint8_t *b, const struct tcp4_frame *f, int tcp_valid);

static inline uint16_t tcp4_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tcp4_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void tcp4_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tcp4_put32(uint8_t *p, uint32_t v)
{
	tcp4_put16(p, (uint16_t)(v >> 16));
	tcp4_put16(p + 2, (uint16_t)v);
}

#endif
