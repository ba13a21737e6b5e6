/*
 * Application receive queues (net/core/rxq.h): chains split into single
 * pbufs as they arrive, empty ones dropped, bytes peeked and consumed
 * from the front, and what waits compacted out of the driver's buffers.
 */
#include <string.h>

#include "net/core/counter.h"
#include "net/core/netdev_priv.h"
#include "net/core/netstat.h"
#include "net/core/rxq.h"

#define RXQ_PBUFS_MAX 8 /* more queued pbufs than this are compacted */
#define RXQ_CHUNK 1984  /* payload of a compacted pbuf: with its header, the heap's 2 KiB class */

size_t rxq_bytes_total;

static void append(struct rxq *q, struct pbuf *p)
{
	p->next = NULL;
	p->tot_len = p->len;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->len += p->len;
	rxq_bytes_total += p->len;
	q->npbufs++;
	if (netdev_pbuf_lent(p))
		q->lent++;
}

/* A chain whose pbufs someone else also holds cannot be taken apart:
 * its bytes are copied instead. */
static int shared(const struct pbuf *p)
{
	for (; p; p = p->next) {
		if (p->ref != 1)
			return 1;
	}
	return 0;
}

static void add_copy(struct rxq *q, struct pbuf *p)
{
	uint32_t total = 0;
	for (struct pbuf *r = p; r; r = r->next)
		total += r->len;
	for (uint32_t off = 0; off < total;) {
		u16_t n = (u16_t)(total - off < RXQ_CHUNK ? total - off : RXQ_CHUNK);
		struct pbuf *c = pbuf_alloc(PBUF_RAW, n, PBUF_RAM);
		if (!c) {
			netstat_ext.tcp_rcvq_drop++; /* delivered, but no memory to keep it */
			break;
		}
		pbuf_copy_partial(p, c->payload, n, (u16_t)off);
		append(q, c);
		off += n;
	}
	pbuf_free(p);
}

void rxq_add(struct rxq *q, struct pbuf *p)
{
	if (!p)
		return;
	if (shared(p)) {
		add_copy(q, p);
		return;
	}
	while (p) {
		struct pbuf *next = p->next; /* p's reference to it becomes ours */
		p->next = NULL;
		if (p->len)
			append(q, p);
		else
			pbuf_free(p);
		p = next;
	}
}

/* Frees the head pbuf (the rest stays queued). */
static void drop_head(struct rxq *q)
{
	struct pbuf *p = q->head;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	q->npbufs--;
	if (netdev_pbuf_lent(p))
		q->lent--;
	q->off = 0;
	p->next = NULL;
	pbuf_free(p);
}

size_t rxq_peek(struct rxq *q, const uint8_t **data)
{
	if (!q->len) {
		*data = NULL;
		return 0;
	}
	/* len > 0 and no empty pbuf is ever queued: head has off < len bytes. */
	*data = (const uint8_t *)q->head->payload + q->off;
	return (size_t)(q->head->len - q->off);
}

void rxq_consume(struct rxq *q, size_t n)
{
	if (n > q->len)
		n = q->len;
	q->len -= (uint32_t)n;
	rxq_bytes_total -= n;
	while (n) {
		size_t here = (size_t)(q->head->len - q->off);
		if (n < here) {
			q->off = (uint16_t)(q->off + n);
			return;
		}
		n -= here;
		drop_head(q);
	}
	if (q->head && q->off == q->head->len)
		drop_head(q);
}

COUNTER(TcpExt, 90, TCPRcvCollapsed, netstat_ext.tcp_rcv_collapsed, OPT,
	"packets collapsed in receive queue due to low socket buffer",
	"Received pbufs copied into compact ones while an application kept them.");

void rxq_compact(struct rxq *q)
{
	if (!q->lent && q->npbufs <= RXQ_PBUFS_MAX)
		return;
	struct rxq fresh;
	rxq_init(&fresh);
	uint32_t left = q->len;
	struct pbuf *p = q->head;
	uint16_t off = q->off;
	while (left) {
		u16_t n = (u16_t)(left < RXQ_CHUNK ? left : RXQ_CHUNK);
		struct pbuf *c = pbuf_alloc(PBUF_RAW, n, PBUF_RAM);
		if (!c) {
			rxq_free(&fresh); /* keep the original: nothing lost */
			return;
		}
		for (u16_t got = 0; got < n;) {
			u16_t k = (u16_t)(p->len - off);
			if (k > n - got)
				k = (u16_t)(n - got);
			memcpy((uint8_t *)c->payload + got, (const uint8_t *)p->payload + off, k);
			got = (u16_t)(got + k);
			off = (uint16_t)(off + k);
			if (off == p->len) {
				p = p->next;
				off = 0;
			}
		}
		append(&fresh, c);
		left -= n;
	}
	netstat_ext.tcp_rcv_collapsed += q->npbufs;
	rxq_free(q);
	*q = fresh; /* the same bytes: fresh counted them into rxq_bytes_total, q's free took them out */
}

void rxq_splice(struct rxq *dst, struct rxq *src)
{
	if (!src->head)
		return;
	if (!dst->head) {
		*dst = *src;
	} else {
		/* src's front may be partly consumed: account it as dst's bytes. */
		if (src->off) {
			pbuf_remove_header(src->head, src->off);
			src->head->tot_len = src->head->len;
		}
		dst->tail->next = src->head;
		dst->tail = src->tail;
		dst->len += src->len;
		dst->npbufs += src->npbufs;
		dst->lent += src->lent;
	}
	rxq_init(src);
}

void rxq_free(struct rxq *q)
{
	rxq_bytes_total -= q->len;
	while (q->head)
		drop_head(q);
	rxq_init(q);
}
