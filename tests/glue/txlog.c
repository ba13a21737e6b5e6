/* The fake devices' transmit log (tests/glue/txlog.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/glue/txlog.h"

uint8_t *txlog_gather(const struct netdev_txreq *req, const char *who)
{
	if (req->nfrags < 1 || req->nfrags > NETDEV_TX_MAXFRAGS) {
		fprintf(stderr, "%s: xmit with %d fragments\n", who, req->nfrags);
		abort();
	}
	uint8_t *f = malloc(req->len ? req->len : 1);
	size_t n = 0;
	for (int i = 0; i < req->nfrags; i++) {
		if (!req->frag[i].len || n + req->frag[i].len > req->len) {
			fprintf(stderr, "%s: fragment %d of %u bytes in a %u-byte frame\n", who, i, req->frag[i].len,
				req->len);
			abort();
		}
		memcpy(f + n, req->frag[i].data, req->frag[i].len);
		n += req->frag[i].len;
	}
	if (!f || n != req->len)
		abort();
	return f;
}

/* Every IPv4 frame a device is given has its header checksum (lwIP leaves
 * it to net/core/netdev_txreq.c and tso_finish): a wrong one ends the run. */
static void ip_header_sum_ok(const uint8_t *f, size_t len)
{
	if (len < 14 + 20 || (f[12] << 8 | f[13]) != 0x0800)
		return;
	size_t ihl = (f[14] & 0x0f) * 4u;
	if ((f[14] >> 4) != 4 || ihl < 20 || 14 + ihl > len)
		return;
	uint32_t s = 0;
	for (size_t i = 0; i < ihl; i += 2)
		s += (uint32_t)f[14 + i] << 8 | f[14 + i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	if (s != 0xffff) {
		fprintf(stderr, "txlog: an IPv4 header with a wrong checksum (%02x%02x)\n", f[24], f[25]);
		abort();
	}
}

void txlog_push(struct txlog *l, uint8_t *data, size_t len, int segs)
{
	ip_header_sum_ok(data, len);
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->rec = realloc(l->rec, (size_t)l->cap * sizeof(*l->rec));
		if (!l->rec)
			abort();
	}
	l->rec[l->n].data = data;
	l->rec[l->n].len = len;
	l->rec[l->n++].segs = segs;
}

uint8_t *txlog_add(struct txlog *l, const struct netdev_txreq *req, const char *who)
{
	uint8_t *f = txlog_gather(req, who);
	txlog_push(l, f, req->len, 1);
	return f;
}

int txlog_segs(const struct txlog *l, int i)
{
	return i < 0 || i >= l->n ? 0 : l->rec[i].segs;
}

int txlog_count(const struct txlog *l)
{
	return l->n;
}

const uint8_t *txlog_frame(const struct txlog *l, int i, size_t *len)
{
	if (i < 0 || i >= l->n)
		return NULL;
	*len = l->rec[i].len;
	return l->rec[i].data;
}

void txlog_clear(struct txlog *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->rec[i].data);
	l->n = 0;
}
