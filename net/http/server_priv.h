/*
 * Internals of the HTTP server shared by server.c (connections, output)
 * and routes.c (what each path answers).
 */
#ifndef NET_HTTP_SERVER_PRIV_H
#define NET_HTTP_SERVER_PRIV_H

#include <stdint.h>

#include "lwip/tcp.h"
#include "net/http/parser.h"
#include "net/http/sbuf.h"
#include "net/ipv4/listen.h"
#include "net/core/rxq.h"

#define HTTP_BACKLOG 511 /* listen() backlog, nginx's default */

struct http_config {
	uint16_t port;
	int backlog;                /* as asked (http start ... backlog N); listen clamps it */
	int paused;                 /* http pause: leave connections on the accept queue */
	unsigned header_timeout;    /* s: a request that stalls this long gets 408 */
	unsigned keepalive_timeout; /* s: an idle keep-alive connection is closed */
};

extern struct http_config http_config;

struct http_conn {
	struct tcp_pcb *pcb;
	struct rxq rx;            /* received, not yet parsed */
	uint8_t keep_alive, head_only, close_after, streaming;
	uint8_t peer_closed;      /* the client sent FIN: answer what came, then close */
	uint8_t write_failed;     /* a response could not be queued (no memory): reset */
	uint64_t body_left;       /* request body bytes still to skip */
	uint64_t stream_off, stream_len; /* /bytes/N, or a generated body in gen */
	struct sbuf gen;
	uint64_t last_ms;         /* last progress, for the timeouts */
	struct http_parser parser;
};

int http_send_head(struct http_conn *c, int status, const char *type, uint64_t body_len,
		   const char *extra, int more);
/* Head and body; a small body goes in the same write (copy=0: body
 * outlives the connection, sent zero-copy when it is large). */
int http_send_response(struct http_conn *c, int status, const char *type, const void *body,
		       size_t len, const char *extra, int copy);
int http_send_error(struct http_conn *c, int status, const char *extra);
/* Answers the request c->parser holds (routes.c). */
void http_route(struct http_conn *c);
/* Queues more of a streamed body; 1 if it must wait for room, 0 when done. */
int http_stream_more(struct http_conn *c);
/* Listens on port with a listen(2) backlog: 0, -EADDRINUSE or -ENOMEM. */
int http_listen(uint16_t port, int backlog);
int http_running(void);
/* The listener's queues (for status); -ENOENT when stopped. */
int http_queue(struct listen_info *i);
void http_pause(int paused);
/* Stops listening (queued connections are reset); open connections stay. */
void http_stop(void);

#endif
