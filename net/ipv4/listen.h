/*
 * Listening sockets with Linux's two queues, over lwIP's raw API: a SYN
 * queue of half-open connections and an accept queue of established ones
 * the application takes at its own pace (listen_accept).  Sizes follow
 * net/ipv4/listen_size.h (read at listen time, as Linux does); overflow
 * follows net.ipv4.tcp_abort_on_overflow and net.ipv4.tcp_syncookies.
 */
#ifndef NET_LISTEN_H
#define NET_LISTEN_H

#include <stdint.h>

#include "lwip/tcp.h"
#include "net/core/rxq.h"

struct listener;

/* Called from the event loop, never from inside lwIP, after the accept
 * queue gained connections (the application then calls listen_accept). */
typedef void (*listen_ready_fn)(struct listener *l, void *arg);

/* A connection taken from the accept queue: what arrived while it waited
 * (data and FIN) is handed over with it. */
struct listen_conn {
	struct tcp_pcb *pcb;
	struct rxq data;   /* empty if nothing arrived; the caller frees it */
	int fin;           /* the client already closed its side */
};

struct listen_info {          /* for ss */
	uint16_t port;
	int backlog;              /* as asked */
	int acceptq_len, acceptq_max;
	int synq_len, synq_max;   /* half-open now, and how many fit */
};

/* listen(): 0 on success (*out set), or -EADDRINUSE / -ENOMEM. */
int listen_open(uint16_t port, int backlog, listen_ready_fn ready, void *arg, struct listener **out);
void listen_close(struct listener *l);
/* accept(): 0 and *c filled, or -EAGAIN when the queue is empty.  The
 * caller sets its callbacks on c->pcb (tcp_arg, tcp_recv, ...) and then
 * processes c->data / c->fin as if just received. */
int listen_accept(struct listener *l, struct listen_conn *c);
int listen_queued(const struct listener *l);
/* For ss: the queues of a listening pcb; -ENOENT if net/listen did not open it. */
int listen_info_of(const struct tcp_pcb *lpcb, struct listen_info *info);

/* The same for a listener of ours (its application's status line). */
int listen_info_get(const struct listener *l, struct listen_info *info);
/* A console command's optional `backlog N` at argv[*i]: if there, N (decimal
 * digits only, 0 to INT_MAX; clamping to somaxconn is listen's) goes to
 * *backlog and *i moves past both words.  0, or 1 after printing CMD's
 * error (nothing changed). */
int listen_backlog_arg(const char *cmd, int argc, char **argv, int *i, int *backlog);
/* Puts a listening pcb another module made (lwIP's apps: lwiperf) behind
 * the accept and SYN queues of listen(backlog), sized now.  Connections
 * wait on the accept queue; from the event loop each goes to the pcb's
 * own accept callback with its own arg, then what arrived while it
 * waited (data, FIN) to the recv callback that set.  The listen layer
 * owns the pcb from here: listen_close() closes it (if its old owner
 * closes it instead, the queue is reset and freed from the event loop).
 * 0, -EINVAL (not a listening pcb, or already ours) or -ENOMEM. */
int listen_adopt(struct tcp_pcb *lpcb, int backlog, struct listener **out);

#endif
