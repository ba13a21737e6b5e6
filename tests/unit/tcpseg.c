/*
 * Test frames for the offloads: see tcpseg.h.  Deliberately plain: one
 * byte at a time, no net/core code, so a bug there cannot hide here.
 */
#include <string.h>

#include "tests/unit/tcpseg.h"

void tcpseg_default(struct tcpseg *s, uint16_t sport, uint32_t paylen)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->dmac, (const uint8_t[]){ 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, 6);
	memcpy(s->smac, (const uint8_t[]){ 0x52, 0x54, 0, 0xab, 0xcd, 0xef }, 6);
	memcpy(s->saddr, (const uint8_t[]){ 10, 0, 0, 2 }, 4);
	memcpy(s->daddr, (const uint8_t[]){ 192, 168, 77, 1 }, 4);
	s->sport = sport;
	s->dport = 80;
	s->seq = 1000;
	s->ack = 5000;
	s->win = 502;
	s->id = 0x1234;
	s->flags = 0x10; /* ACK */
	s->ttl = 64;
	s->df = 1;
	s->paylen = paylen;
}

void tcpseg_timestamps(struct tcpseg *s, uint32_t tsval, uint32_t tsecr)
{
	uint8_t o[12] = { 1, 1, 8, 10, (uint8_t)(tsval >> 24), (uint8_t)(tsval >> 16),
			  (uint8_t)(tsval >> 8), (uint8_t)tsval, (uint8_t)(tsecr >> 24),
			  (uint8_t)(tsecr >> 16), (uint8_t)(tsecr >> 8), (uint8_t)tsecr };
	memcpy(s->tcpopt, o, sizeof(o));
	s->tcpoptlen = sizeof(o);
}

uint8_t tcpseg_byte(uint32_t i)
{
	return (uint8_t)(i * 131 + (i >> 8) * 7 + 11);
}

uint16_t tcpseg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t tcpseg_get32(const uint8_t *p)
{
	return (uint32_t)tcpseg_get16(p) << 16 | tcpseg_get16(p + 2);
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

uint32_t tcpseg_ihl(const uint8_t *f)
{
	return (f[14] & 15u) * 4;
}

uint32_t tcpseg_thl(const uint8_t *f)
{
	return (f[14 + tcpseg_ihl(f) + 12] >> 4) * 4u;
}

uint32_t tcpseg_iplen(const uint8_t *f)
{
	return tcpseg_get16(f + 16);
}

uint16_t tcpseg_sum(uint32_t s, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint16_t tcpseg_pseudo(const uint8_t *f)
{
	const uint8_t *ip = f + 14;
	return tcpseg_sum(6 + tcpseg_iplen(f) - tcpseg_ihl(f), ip + 12, 8);
}

int tcpseg_ip_ok(const uint8_t *f)
{
	return tcpseg_sum(0, f + 14, tcpseg_ihl(f)) == 0xffff;
}

int tcpseg_tcp_ok(const uint8_t *f)
{
	uint32_t ihl = tcpseg_ihl(f);
	return tcpseg_sum(tcpseg_pseudo(f), f + 14 + ihl, tcpseg_iplen(f) - ihl) == 0xffff;
}

void tcpseg_complete(uint8_t *f)
{
	uint32_t ihl = tcpseg_ihl(f);
	uint8_t *th = f + 14 + ihl;
	put16(th + 16, (uint16_t)~tcpseg_sum(0, th, tcpseg_iplen(f) - ihl));
}

uint32_t tcpseg_build(uint8_t *f, const struct tcpseg *s)
{
	uint32_t ihl = 20u + s->ipoptlen, thl = 20u + s->tcpoptlen;
	uint32_t iplen = ihl + thl + s->paylen;
	memcpy(f, s->dmac, 6);
	memcpy(f + 6, s->smac, 6);
	f[12] = 0x08, f[13] = 0x00;
	uint8_t *ip = f + 14, *th = ip + ihl;
	memset(ip, 0, ihl + thl);
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	ip[1] = s->tos;
	put16(ip + 2, iplen);
	put16(ip + 4, s->id);
	ip[6] = s->df ? 0x40 : 0;
	ip[8] = s->ttl;
	ip[9] = 6;
	memcpy(ip + 12, s->saddr, 4);
	memcpy(ip + 16, s->daddr, 4);
	memcpy(ip + 20, s->ipopt, s->ipoptlen);
	put16(ip + 10, (uint16_t)~tcpseg_sum(0, ip, ihl));
	put16(th, s->sport);
	put16(th + 2, s->dport);
	put32(th + 4, s->seq);
	put32(th + 8, s->ack);
	th[12] = (uint8_t)(thl / 4 << 4);
	th[13] = s->flags;
	put16(th + 14, s->win);
	put16(th + 18, s->urg);
	memcpy(th + 20, s->tcpopt, s->tcpoptlen);
	for (uint32_t i = 0; i < s->paylen; i++)
		th[thl + i] = s->payload ? s->payload[i] : tcpseg_byte(i);
	put16(th + 16, (uint16_t)~tcpseg_sum(tcpseg_pseudo(f), th, thl + s->paylen));
	return 14 + iplen;
}
