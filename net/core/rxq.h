/*
 * An application's receive queue: the one boundary where data lwIP
 * delivered (a tcp_recv callback's pbuf chain) becomes bytes an
 * application reads.  Chains are normalised here, once: empty pbufs
 * (lwIP leaves them after stripping a header that filled a first IP
 * fragment, or trimming an overlapping retransmission) never reach a
 * reader, and rxq_peek() returns at least one byte whenever any is
 * queued, so a loop that consumes what it peeks always advances (Linux
 * checks pskb_may_pull for the same reason).  The queue keeps its own
 * 32-bit length: a pbuf chain's u16 tot_len wraps past 64 KiB.
 * What stays queued while the application waits is compacted: driver
 * buffers lent zero-copy (2 KiB each, whatever the payload) are copied
 * into heap pbufs of the payload's size and given back, so a peer that
 * sends small pieces and never lets us answer ties up its own bytes,
 * not the device's receive ring (Linux's tcp_collapse, counted as
 * TCPRcvCollapsed).  Users: net/http/server.c, net/ipv4/listen.c, net/apps/echo.c.
 */
#ifndef NET_RXQ_H
#define NET_RXQ_H

#include <stddef.h>
#include <stdint.h>

#include "lwip/pbuf.h"

struct rxq {
	struct pbuf *head, *tail; /* linked by ->next; tot_len is not kept */
	uint32_t len;             /* bytes queued, after off */
	uint32_t npbufs;          /* pbufs queued */
	uint32_t lent;            /* of them, driver buffers lent zero copy */
	uint16_t off;             /* bytes of head already consumed */
};

/* Bytes in all receive queues (net/ipv4/tcp_mem.c counts them as TCP's). */
extern size_t rxq_bytes_total;

static inline void rxq_init(struct rxq *q)
{
	*q = (struct rxq){ 0 };
}

/* Takes a chain lwIP delivered (the caller's reference passes to the
 * queue); its empty pbufs are dropped. */
void rxq_add(struct rxq *q, struct pbuf *p);
/* The contiguous bytes at the front: *data and their count, which is
 * nonzero whenever q->len is. */
size_t rxq_peek(struct rxq *q, const uint8_t **data);
/* Takes n <= q->len bytes off the front, freeing pbufs as they empty. */
void rxq_consume(struct rxq *q, size_t n);
/* Copies what is queued into compact heap pbufs when it holds driver
 * buffers or many small pbufs; nothing changes if memory is short. */
void rxq_compact(struct rxq *q);
/* Moves everything from src to the end of dst (src is left empty). */
void rxq_splice(struct rxq *dst, struct rxq *src);
void rxq_free(struct rxq *q);

#endif
