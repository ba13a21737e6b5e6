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

void txlog_push(struct txlog *l, uint8_t *data, size_t len, int segs)
{
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
