/*
 * Listener internals shared by net/listen.c (queues, lwIP hooks) and
 * net/syncookie_tcp.c (cookie SYN-ACKs, connections from cookie ACKs).
 */
#ifndef NET_LISTEN_PRIV_H
#define NET_LISTEN_PRIV_H

#include <stdint.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "net/listen.h"
#include "net/rxq.h"

struct queued {                 /* a connection on the accept queue */
	struct queued *next;
	struct listener *l;
	struct tcp_pcb *pcb;
	struct rxq data;            /* what arrived while it waited */
	int fin;
};

struct listener {
	struct listener *next;
	struct tcp_pcb_listen *lpcb;
	uint16_t port;
	int backlog;
	int acceptq_max, acceptq_len;
	int synq_max, synq_len;
	struct queued *head, *tail;
	listen_ready_fn ready;
	void *arg;
	int ready_pending;          /* the accept queue grew: the event loop calls ready */
};

/* The TCP options a segment carries (RFC 9293 3.1, RFC 7323, RFC 2018). */
struct tcp_seg_opts {
	int mss;           /* -1 if absent */
	int wscale;        /* -1 if absent */
	int sack_perm;
	int has_ts;
	uint32_t tsval, tsecr;
};

void listen_parse_opts(const struct tcp_hdr *h, u16_t optlen, u16_t opt1len, const u8_t *opt2,
		       struct tcp_seg_opts *o);
/* Answers a SYN with a cookie SYN-ACK (no state kept). */
void syncookie_tcp_send(struct tcp_pcb_listen *lpcb, const struct tcp_hdr *h, const struct tcp_seg_opts *o);
/* Rebuilds the connection an ACK's cookie describes: a SYN_RCVD PCB
 * registered active, or NULL (an invalid cookie is counted and answered
 * with a reset; no memory: dropped). */
struct tcp_pcb *syncookie_tcp_ack(struct listener *l, const struct tcp_hdr *h, const struct tcp_seg_opts *o);
/* Nonzero while cookies sent recently may still come back (so an ACK to a
 * listener is worth checking rather than resetting). */
int syncookie_tcp_recent(void);

#endif
