/*
 * Listen queue sizes and decisions, the pure part: what listen(fd,
 * backlog) allows, and what Linux 6.x does with a SYN, a cookie ACK, a
 * final ACK and a SYN-ACK timer at a listener (net/ipv4/listen.c applies them).
 *
 * Accept queue: Linux's rule in __sys_listen(): a backlog above
 * net.core.somaxconn (compared as unsigned, so a negative backlog asks
 * for the most) becomes somaxconn, and the queue is full when more than
 * that many connections wait (sk_acceptq_is_full: ack_backlog >
 * max_ack_backlog), so backlog + 1 fit and backlog 0 still takes one.
 *
 * SYN queue: our design notes follow Linux before 4.4 (reqsk_queue_alloc
 * in net/core/request_sock.c): min(backlog, tcp_max_syn_backlog), at
 * least 8, plus one, rounded up to a power of two.
 *
 * Newer Linux has no separate SYN table: since 4.4 (ef547f2ac16b "tcp:
 * remove max_qlen_log", with struct listen_sock gone) half-open requests
 * sit in the established hash and inet_csk_reqsk_queue_is_full() compares
 * the listener's half-open count with sk_max_ack_backlog, the accept
 * queue's limit; when it is full tcp_conn_request() sends cookies or
 * drops.  tcp_max_syn_backlog then only matters without syncookies: with
 * less than a quarter of it left, SYNs from peers not proven alive
 * (tcp_peer_is_proven) are dropped.  The comparison was >= until a
 * January 2025 fix ("tcp/dccp: allow a connection when sk_max_ack_backlog
 * is zero", also in stable, e.g. 6.1.125) made it >, like the accept queue.
 */
#ifndef NET_LISTEN_SIZE_H
#define NET_LISTEN_SIZE_H

#include <stdint.h>

#define LISTEN_SYNQ_MIN 8               /* entries before the +1 and rounding */
#define LISTEN_SYNQ_CAP (1 << 30)       /* largest SYN queue size returned */

/* The accept queue's limit (sk_max_ack_backlog) for listen(backlog). */
int listen_acceptq_max(int backlog, int somaxconn);

/* Nonzero when queued connections exceed max: no room for one more. */
int listen_acceptq_full(int queued, int max);

/* SYN queue entries: a power of two from 16 to LISTEN_SYNQ_CAP.  Both
 * arguments are compared as unsigned, as Linux's min_t(u32, ...) does, so
 * a negative backlog means max_syn_backlog. */
int listen_synq_size(int backlog, int max_syn_backlog);

/* ---- decisions (Linux 6.x; the sizing key picks the half-open limit) ---- */

/* net.ipv4.tcp_synq_sizing (nagare only): how many half-open connections a
 * listener keeps before SYNs get cookies or are dropped. */
#define LISTEN_SIZING_LINUX6 0  /* more than min(backlog, somaxconn): Linux 4.4 and later */
#define LISTEN_SIZING_LINUX3 1  /* listen_synq_size(): Linux before 4.4, the seed notes */

/* A listener's state and the sysctls a decision reads. */
struct listen_state {
	int synq_len;              /* half-open connections (SYN_RCVD, not from cookies) */
	int acceptq_len, acceptq_max;
	int sizing;                /* LISTEN_SIZING_*, taken at listen time */
	int synq_size;             /* LISTEN_SIZING_LINUX3: listen_synq_size() at listen time */
	int syncookies;            /* net.ipv4.tcp_syncookies: 0, 1 or 2 */
	int max_syn_backlog;       /* net.ipv4.tcp_max_syn_backlog */
	int abort_on_overflow;     /* net.ipv4.tcp_abort_on_overflow */
};

/* What a decision adds to the counters (Linux's names). */
struct listen_counts {
	unsigned listen_overflows, listen_drops;
	unsigned req_qfull_do_cookies, req_qfull_drop;
	unsigned syncookies_recv, syncookies_failed;
	unsigned embryonic_rsts;
};

/* Nonzero when the half-open connections leave no room for one more
 * (inet_csk_reqsk_queue_is_full; LINUX3: the table is full). */
int listen_synq_full(const struct listen_state *s);

enum listen_syn_verdict {
	LISTEN_SYN_REQUEST,        /* keep a half-open connection, SYN-ACK */
	LISTEN_SYN_COOKIE,         /* SYN-ACK with a cookie, no state */
	LISTEN_SYN_DROP,           /* silence */
};

/* A SYN at a listener (tcp_conn_request).  A peer proven alive
 * (tcp_peer_is_proven) has no meaning here: every peer is unproven. */
enum listen_syn_verdict listen_syn(const struct listen_state *s, struct listen_counts *c);

enum listen_ack_verdict {
	LISTEN_ACK_RESET,          /* <SEQ=SEG.ACK><CTL=RST> */
	LISTEN_ACK_CONNECT,        /* the cookie makes a connection */
	LISTEN_ACK_DROP,           /* silence, no state (accept queue full) */
};

/* An ACK without SYN or RST at a listener (cookie_v4_check).  A cookie is
 * checked only when cookies are on and this listener sent one within
 * LISTEN_COOKIE_RECENT_MS (recent); cookie_ok is then whether it checks out. */
enum listen_ack_verdict listen_cookie_ack(const struct listen_state *s, int recent, int cookie_ok,
					  struct listen_counts *c);
#define LISTEN_COOKIE_RECENT_MS 120000u /* TCP_SYNCOOKIE_VALID: two 60 s periods */

enum listen_final_verdict {
	LISTEN_FINAL_ESTABLISH,
	LISTEN_FINAL_DROP,         /* stay half-open: the SYN-ACK timer resends */
	LISTEN_FINAL_RESET,        /* reset the client, forget the connection */
};

/* The final ACK of a half-open connection (tcp_check_req, syn_recv_sock). */
enum listen_final_verdict listen_final_ack(const struct listen_state *s, struct listen_counts *c);

/* The SYN-ACK timer (reqsk_timer_handler): Linux TCP_TIMEOUT_INIT doubling
 * up to TCP_RTO_MAX; the firing after timeout number `timeouts`. */
#define LISTEN_SYNACK_INIT_MS 1000u
#define LISTEN_SYNACK_MAX_MS 120000u
uint32_t listen_synack_timeout_ms(unsigned timeouts);

/* Retries a request gets at a firing: tcp_synack_retries, fewer (down to 2)
 * when more than half of max(8, acceptq_max) are half-open and the young
 * (never timed out) are few, so old requests make room for new ones. */
int listen_synack_retries(int synq_len, int young, int acceptq_max, int retries);

#endif
