/*
 * Building and reading frames for the glue tests (tests/glue/wire.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/glue/glue.h"
#include "tests/glue/wire.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* RFC 1071: the one's-complement sum, not folded. */
static uint32_t sum(const uint8_t *b, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += get16(b + i);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint16_t wire_sum(const uint8_t *b, size_t n, uint32_t s)
{
	return fold(sum(b, n, s));
}

size_t wire_ip(uint8_t *out, uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t id, uint16_t frag,
	       const void *payload, size_t len)
{
	memcpy(out, glue_mac, 6);
	memcpy(out + 6, glue_peer_mac, 6);
	put16(out + 12, 0x0800);
	uint8_t *ip = out + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 4, id);
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, saddr);
	put32(ip + 16, daddr);
	put16(ip + 10, (uint16_t)~fold(sum(ip, 20, 0)));
	memcpy(ip + 20, payload, len);
	return 14 + 20 + len;
}

size_t wire_arp(uint8_t *out, const uint8_t dst[6], uint16_t op, const uint8_t sha[6], uint32_t sip,
		const uint8_t tha[6], uint32_t tip)
{
	memcpy(out, dst, 6);
	memcpy(out + 6, sha, 6);
	put16(out + 12, 0x0806);
	uint8_t *a = out + 14;
	put16(a, 1);          /* Ethernet */
	put16(a + 2, 0x0800); /* IPv4 */
	a[4] = 6, a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, sip);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tip);
	return 42;
}

size_t wire_tcp_segment(uint8_t *out, const struct wire_tcp *t)
{
	size_t hl = 20 + t->optlen;
	put16(out, t->sport);
	put16(out + 2, t->dport);
	put32(out + 4, t->seq);
	put32(out + 8, t->ack);
	out[12] = (uint8_t)(hl / 4) << 4;
	out[13] = t->flags;
	put16(out + 14, t->wnd);
	put16(out + 16, 0);
	put16(out + 18, 0);
	if (t->optlen)
		memcpy(out + 20, t->opts, t->optlen);
	if (t->len)
		memcpy(out + hl, t->data, t->len);
	size_t n = hl + t->len;
	uint8_t ph[12];
	put32(ph, t->saddr);
	put32(ph + 4, t->daddr);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)n);
	put16(out + 16, (uint16_t)~fold(sum(out, n, sum(ph, 12, 0))));
	return n;
}

size_t wire_tcp_frame(uint8_t *out, const struct wire_tcp *t)
{
	uint8_t seg[WIRE_MAX];
	size_t n = wire_tcp_segment(seg, t);
	return wire_ip(out, t->saddr, t->daddr, 6, 0, 0x4000, seg, n);
}

void wire_tcp_send(const struct wire_tcp *t)
{
	uint8_t f[WIRE_MAX];
	glue_rx(f, wire_tcp_frame(f, t));
}

void wire_tcp_fragments(const struct wire_tcp *t, uint16_t ip_id, const size_t *cuts, int ncuts)
{
	uint8_t seg[WIRE_MAX], f[WIRE_MAX];
	size_t n = wire_tcp_segment(seg, t), start = 0;
	for (int i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : n;
		if (end > n || end < start || (i < ncuts && end % 8))
			abort(); /* a test asked for impossible fragments */
		uint16_t frag = (uint16_t)((start / 8) | (i < ncuts ? 0x2000 : 0));
		glue_rx(f, wire_ip(f, t->saddr, t->daddr, 6, ip_id, frag, seg + start, end - start));
		start = end;
	}
}

int wire_parse(const uint8_t *f, size_t len, struct wire_parsed *p)
{
	memset(p, 0, sizeof(*p));
	if (len < 14)
		return -1;
	uint16_t type = get16(f + 12);
	if (type == 0x0806) {
		p->arp = 1;
		return 0;
	}
	if (type != 0x0800 || len < 34)
		return -1;
	const uint8_t *ip = f + 14;
	size_t ihl = (ip[0] & 0x0f) * 4u;
	p->ip = 1;
	p->ip_len = get16(ip + 2);
	if (ihl < 20 || p->ip_len < ihl || 14 + (size_t)p->ip_len > len)
		return -1;
	p->ip_id = get16(ip + 4);
	p->frag = get16(ip + 6);
	p->ttl = ip[8];
	p->proto = ip[9];
	p->saddr = get32(ip + 12);
	p->daddr = get32(ip + 16);
	p->csum_ok = fold(sum(ip, ihl, 0)) == 0xffff;
	const uint8_t *l4 = ip + ihl;
	size_t l4len = p->ip_len - ihl;
	if (p->proto == 1 && l4len >= 8) {
		p->icmp = 1;
		p->icmp_type = l4[0];
		p->icmp_code = l4[1];
		p->data = l4 + 8;
		p->len = l4len - 8;
		return 0;
	}
	if (p->proto != 6 || (p->frag & 0x3fff))
		return 0;
	if (l4len < 20 || (size_t)(l4[12] >> 4) * 4 > l4len)
		return -1;
	size_t hl = (l4[12] >> 4) * 4u;
	p->tcp = 1;
	p->sport = get16(l4);
	p->dport = get16(l4 + 2);
	p->seq = get32(l4 + 4);
	p->ack = get32(l4 + 8);
	p->flags = l4[13];
	p->wnd = get16(l4 + 14);
	p->data = l4 + hl;
	p->len = l4len - hl;
	uint8_t ph[12];
	put32(ph, p->saddr);
	put32(ph + 4, p->daddr);
	ph[8] = 0;
	ph[9] = 6;
	put16(ph + 10, (uint16_t)l4len);
	p->csum_ok = p->csum_ok && fold(sum(l4, l4len, sum(ph, 12, 0))) == 0xffff;
	return 0;
}

/* ---- the peer ------------------------------------------------------------------- */

static struct wire_tcp seg_of(const struct wire_peer *p, uint8_t flags, const void *data, size_t len)
{
	return (struct wire_tcp){ .saddr = p->saddr, .daddr = GLUE_IP, .sport = p->sport,
				  .dport = p->dport, .seq = p->snd_nxt, .ack = p->rcv_nxt,
				  .flags = flags, .wnd = p->wnd, .data = data, .len = len };
}

int wire_peer_syn(struct wire_peer *p, uint16_t sport, uint16_t dport)
{
	uint32_t saddr = p->saddr ? p->saddr : GLUE_PEER_IP;
	memset(p, 0, sizeof(*p));
	p->saddr = saddr;
	p->sport = sport;
	p->dport = dport;
	p->snd_nxt = 1000000 + sport;
	p->wnd = 65535;
	p->seen = glue_tx_count();
	static const uint8_t mss[4] = { 2, 4, 1460 >> 8, 1460 & 0xff };
	struct wire_tcp syn = seg_of(p, WIRE_SYN, NULL, 0);
	syn.ack = 0;
	syn.opts = mss;
	syn.optlen = 4;
	wire_tcp_send(&syn);
	glue_poll();
	for (int i = p->seen; i < glue_tx_count(); i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(i, &len);
		struct wire_parsed w;
		if (wire_parse(f, len, &w) || !w.tcp || w.dport != sport || w.sport != dport)
			continue;
		if (w.flags == (WIRE_SYN | WIRE_ACK) && w.ack == p->snd_nxt + 1) {
			p->seen = i + 1;
			p->snd_nxt++;
			p->rcv_nxt = w.seq + 1;
			p->their_wnd = w.wnd;
			p->acked = w.ack;
			return 0;
		}
	}
	return -1;
}

int wire_peer_connect(struct wire_peer *p, uint16_t sport, uint16_t dport)
{
	if (wire_peer_syn(p, sport, dport))
		return -1;
	wire_peer_send(p, WIRE_ACK, NULL, 0);
	glue_poll();
	return 0;
}

void wire_peer_send(struct wire_peer *p, uint8_t flags, const void *data, size_t len)
{
	struct wire_tcp t = seg_of(p, flags | WIRE_ACK, data, len);
	wire_tcp_send(&t);
	p->snd_nxt += (uint32_t)len + ((flags & (WIRE_SYN | WIRE_FIN)) ? 1 : 0);
}

int wire_peer_read(struct wire_peer *p)
{
	int n = 0;
	if (p->seen > glue_tx_count())
		p->seen = 0; /* the log was cleared */
	for (; p->seen < glue_tx_count(); p->seen++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(p->seen, &len);
		struct wire_parsed w;
		if (wire_parse(f, len, &w) || !w.tcp || w.daddr != p->saddr || w.dport != p->sport ||
		    w.sport != p->dport)
			continue;
		n++;
		p->their_wnd = w.wnd;
		if ((w.flags & WIRE_ACK) && (int32_t)(w.ack - p->acked) > 0)
			p->acked = w.ack;
		if (w.flags & WIRE_RST) {
			p->rst = 1;
			continue;
		}
		if (w.len && w.seq == p->rcv_nxt) {
			if (p->rx_len + w.len > p->rx_cap) {
				p->rx_cap = (p->rx_len + w.len) * 2;
				p->rx = realloc(p->rx, p->rx_cap);
			}
			memcpy(p->rx + p->rx_len, w.data, w.len);
			p->rx_len += w.len;
			p->rcv_nxt += (uint32_t)w.len;
		}
		if ((w.flags & WIRE_FIN) && w.seq + w.len == p->rcv_nxt) {
			p->fin = 1;
			p->rcv_nxt++;
		}
	}
	return n;
}

void wire_peer_free(struct wire_peer *p)
{
	free(p->rx);
	p->rx = NULL;
	p->rx_len = p->rx_cap = 0;
}

int wire_http_get(uint16_t sport, const char *path, uint64_t ms)
{
	struct wire_peer p = { 0 };
	if (wire_peer_connect(&p, sport, 80))
		return 0;
	char req[160];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
	wire_peer_send(&p, WIRE_PSH, req, (size_t)n);
	glue_advance(ms);
	wire_peer_read(&p);
	int ok = p.rx_len > 17 && !memcmp(p.rx, "HTTP/1.1 200 OK\r\n", 17);
	wire_peer_free(&p);
	return ok;
}
