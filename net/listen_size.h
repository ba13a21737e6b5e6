/*
 * Listen queue sizes, the pure part: what listen(fd, backlog) allows.
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

#endif
