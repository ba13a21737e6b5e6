/*
 * Listener internals shared by net/ipv4/listen.c (queues, lwIP hooks),
 * net/ipv4/listen_adopt.c (listeners other modules made) and
 * net/ipv4/syncookie_tcp.c (cookie SYN-ACKs, connections from cookie ACKs).
 */
#ifndef NET_LISTEN_PRIV_H
#define NET_LISTEN_PRIV_H

#include <stdint.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "net/ipv4/listen.h"
#include "net/core/rxq.h"

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
	int sizing;                 /* net.ipv4.tcp_synq_sizing at listen time */
	int synq_size;              /* LISTEN_SIZING_LINUX3: the SYN table's size */
	int synq_len;               /* half-open connections (not those from cookies) */
	int synq_young;             /* ... of them never timed out (Linux's young) */
	uint64_t cookie_sent_ns;    /* a cookie SYN-ACK last went out (0: never) */
	int flood_warned;           /* "Possible SYN flooding" said once */
	struct queued *head, *tail;
	listen_ready_fn ready;
	void *arg;
	int ready_pending;          /* the accept queue grew: the event loop calls ready */
};

/* net/ipv4/listen.c, for net/ipv4/listen_adopt.c. */
extern u8_t listen_ext_id;              /* lwIP ext-arg slot of listeners and children */
void listen_layer_init(void);          /* the slot and the event-loop hook, once */
struct listener *of_listen(const struct tcp_pcb *lpcb);
err_t listen_passive_open(u8_t id, struct tcp_pcb_listen *lpcb, struct tcp_pcb *npcb);
void listener_setup(struct listener *l, struct tcp_pcb_listen *lp, int backlog, listen_ready_fn ready,
		    void *arg, const struct tcp_ext_arg_callbacks *cb);
void listener_detach(struct listener *l); /* unlinked, half-open dropped, queue reset */
void listen_wake(struct listener *l);     /* the event loop calls l->ready, if l is listed */

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
/* Answers a SYN with a cookie SYN-ACK (no state kept); 0 if it went out. */
int syncookie_tcp_send(struct tcp_pcb_listen *lpcb, const struct tcp_hdr *h, const struct tcp_seg_opts *o);

/* What a valid cookie in an ACK says. */
struct syncookie_ack {
	int mss_idx;
	int wscale_ok, snd_wscale, sack_ok;
};
/* Checks the cookie an ACK to a listener carries: 0 and *ck, or -1. */
int syncookie_tcp_check(const struct tcp_hdr *h, const struct tcp_seg_opts *o, struct syncookie_ack *ck);
/* The connection a valid cookie describes: a SYN_RCVD PCB registered
 * active, or NULL (no memory: the ACK is dropped). */
struct tcp_pcb *syncookie_tcp_connect(struct listener *l, const struct tcp_hdr *h, const struct tcp_seg_opts *o,
				      const struct syncookie_ack *ck);

#endif
