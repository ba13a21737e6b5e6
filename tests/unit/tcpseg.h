/*
 * IPv4 TCP frames for the offload tests (test_gso.c, test_gro.c), built
 * and checked here independently of net/core: byte by byte, with a plain
 * 16-bit big-endian RFC 1071 sum.
 */
#ifndef TESTS_UNIT_TCPSEG_H
#define TESTS_UNIT_TCPSEG_H

#include <stdint.h>

struct tcpseg {
	uint8_t dmac[6], smac[6];
	uint8_t saddr[4], daddr[4];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t win, urg, id;
	uint8_t flags, tos, ttl, df;
	uint8_t ipoptlen, tcpoptlen;       /* multiples of 4, up to 40 */
	uint8_t ipopt[40], tcpopt[40];
	const uint8_t *payload;            /* NULL: the pattern tcpseg_byte() */
	uint32_t paylen;
};

/* A segment of flow sport -> 80 from 10.0.0.2 to 192.168.77.1, ACK, seq
 * 1000, ack 5000, window 502, ID 0x1234, TTL 64, DF, no options. */
void tcpseg_default(struct tcpseg *s, uint16_t sport, uint32_t paylen);
/* Puts the option bytes of RFC 7323's timestamps (NOP NOP TS) into s. */
void tcpseg_timestamps(struct tcpseg *s, uint32_t tsval, uint32_t tsecr);
/* The payload pattern's byte at stream offset i. */
uint8_t tcpseg_byte(uint32_t i);
/* Writes the frame with right checksums into f; its length. */
uint32_t tcpseg_build(uint8_t *f, const struct tcpseg *s);

/* The frame's header lengths, read by hand (no checks: built frames). */
uint32_t tcpseg_ihl(const uint8_t *f);
uint32_t tcpseg_thl(const uint8_t *f);
uint32_t tcpseg_iplen(const uint8_t *f);
uint32_t tcpseg_get32(const uint8_t *p);
uint16_t tcpseg_get16(const uint8_t *p);
/* The ones'-complement sum (RFC 1071) of p[0..len) as big-endian words,
 * the last byte padded, added to s and folded: the reference the checks
 * below and tests/unit/test_netdev_txreq.c use. */
uint16_t tcpseg_sum(uint32_t s, const uint8_t *p, uint32_t len);
/* 1 when the IPv4 header checksum is right. */
int tcpseg_ip_ok(const uint8_t *f);
/* 1 when the TCP checksum over iplen - ihl bytes is right. */
int tcpseg_tcp_ok(const uint8_t *f);
/* The pseudo-header sum a CSUM_PARTIAL frame must hold, host order. */
uint16_t tcpseg_pseudo(const uint8_t *f);
/* What a device's NEEDS_CSUM step writes: sums from the TCP header with the
 * field as it stands and stores the complement there. */
void tcpseg_complete(uint8_t *f);

#endif
