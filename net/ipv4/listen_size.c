/*
 * Listen queue sizes and decisions (net/ipv4/listen_size.h has the rules and
 * their Linux sources): the accept queue as __sys_listen() clamps it, the
 * SYN queue as reqsk_queue_alloc() sized it before Linux 4.4, and what
 * Linux 6.x does with each segment at a listener (tcp_conn_request,
 * cookie_v4_check, tcp_check_req, reqsk_timer_handler in
 * net/ipv4/tcp_input.c, syncookies.c, tcp_minisocks.c,
 * inet_connection_sock.c).  Pure integer logic; the caller is
 * net/ipv4/listen.c.
 */
#include <stdint.h>

#include "net/ipv4/listen_size.h"

int listen_acceptq_max(int backlog, int somaxconn)
{
	return (unsigned)backlog > (unsigned)somaxconn ? somaxconn : backlog;
}

int listen_acceptq_full(int queued, int max)
{
	return queued > max;
}

int listen_synq_size(int backlog, int max_syn_backlog)
{
	uint32_t n = (unsigned)backlog < (unsigned)max_syn_backlog ? (unsigned)backlog
								    : (unsigned)max_syn_backlog;
	if (n < LISTEN_SYNQ_MIN)
		n = LISTEN_SYNQ_MIN;

	/* n + 1 can reach 2^32: round up in 64 bits, stop at the cap. */
	uint64_t want = (uint64_t)n + 1, size = 1;
	while (size < want && size < LISTEN_SYNQ_CAP)
		size <<= 1;
	return (int)size;
}

int listen_synq_full(const struct listen_state *s)
{
	if (s->sizing == LISTEN_SIZING_LINUX3)
		return s->synq_len >= s->synq_size;
	return s->synq_len > s->acceptq_max;
}

enum listen_syn_verdict listen_syn(const struct listen_state *s, struct listen_counts *c)
{
	int cookie = 0;
	if (s->syncookies == 2 || listen_synq_full(s)) {
		/* tcp_syn_flood_action: cookies if they are on at all */
		if (!s->syncookies) {
			c->req_qfull_drop++;
			c->listen_drops++;
			return LISTEN_SYN_DROP;
		}
		c->req_qfull_do_cookies++;
		cookie = 1;
	}
	if (listen_acceptq_full(s->acceptq_len, s->acceptq_max)) {
		c->listen_overflows++;
		c->listen_drops++;
		return LISTEN_SYN_DROP;
	}
	if (cookie)
		return LISTEN_SYN_COOKIE;
	/* Without cookies the last quarter of tcp_max_syn_backlog is kept
	 * for peers proven alive; here none is. */
	if (!s->syncookies && s->max_syn_backlog - s->synq_len < (s->max_syn_backlog >> 2)) {
		c->listen_drops++;
		return LISTEN_SYN_DROP;
	}
	return LISTEN_SYN_REQUEST;
}

enum listen_ack_verdict listen_cookie_ack(const struct listen_state *s, int recent, int cookie_ok,
					  struct listen_counts *c)
{
	if (!s->syncookies || !recent)
		return LISTEN_ACK_RESET;
	if (!cookie_ok) {
		c->syncookies_failed++;
		return LISTEN_ACK_RESET;
	}
	c->syncookies_recv++;
	/* tcp_v4_syn_recv_sock: no child for a full accept queue, and no
	 * reset either, whatever tcp_abort_on_overflow says */
	if (listen_acceptq_full(s->acceptq_len, s->acceptq_max)) {
		c->listen_overflows++;
		c->listen_drops++;
		return LISTEN_ACK_DROP;
	}
	return LISTEN_ACK_CONNECT;
}

enum listen_final_verdict listen_final_ack(const struct listen_state *s, struct listen_counts *c)
{
	if (!listen_acceptq_full(s->acceptq_len, s->acceptq_max))
		return LISTEN_FINAL_ESTABLISH;
	c->listen_overflows++;
	c->listen_drops++;
	if (!s->abort_on_overflow)
		return LISTEN_FINAL_DROP;
	c->embryonic_rsts++;
	return LISTEN_FINAL_RESET;
}

uint32_t listen_synack_timeout_ms(unsigned timeouts)
{
	if (timeouts >= 8)
		return LISTEN_SYNACK_MAX_MS;
	uint32_t t = LISTEN_SYNACK_INIT_MS << timeouts;
	return t < LISTEN_SYNACK_MAX_MS ? t : LISTEN_SYNACK_MAX_MS;
}

int listen_synack_retries(int synq_len, int young, int acceptq_max, int retries)
{
	int half = acceptq_max > 8 ? acceptq_max : 8;
	if ((int64_t)synq_len * 2 <= half)
		return retries;
	int64_t y = (int64_t)young * 2;
	while (retries > 2 && synq_len >= y) {
		retries--;
		y *= 2;
	}
	return retries;
}
