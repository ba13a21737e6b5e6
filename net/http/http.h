/*
 * The HTTP/1.1 server (net/http/): its counters and the generated
 * responses.  The console command `http` starts and inspects it.
 */
#ifndef NET_HTTP_HTTP_H
#define NET_HTTP_HTTP_H

#include <stdint.h>

#include "net/http/sbuf.h"

#define HTTP_BYTES_MAX (1ULL << 30) /* /bytes/N: the largest N (1 GiB: streamed, never buffered) */

struct http_stats {
	uint64_t conns_total;   /* accepted */
	uint64_t conns_now;     /* open */
	uint64_t conns_failed;  /* refused: no memory for the connection */
	uint64_t requests;
	uint64_t responses[6];  /* by class: [2] = 2xx ... [5] = 5xx */
	uint64_t bytes_out;     /* response bytes queued, headers included */
	uint64_t bytes_copied;  /* of those, copied into lwIP's buffers (the rest go by
				 * reference from memory that outlives the connection) */
	uint64_t timeouts;      /* 408s and idle keep-alive closes */
	uint64_t resets_nomem;  /* connections reset: no memory to queue a response */
};

extern struct http_stats http_stats;

/* /metrics: every counter in Prometheus text exposition format 0.0.4. */
void http_metrics(struct sbuf *b);
/* /sysctl: the tunables as one JSON object. */
void http_sysctl_json(struct sbuf *b);

#endif
