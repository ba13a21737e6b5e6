/*
 * Listen queues over lwIP, with Linux 6.x's rules (net/ipv4/listen_size.c
 * decides; Linux: tcp_conn_request, cookie_v4_check, tcp_check_req,
 * reqsk_timer_handler).  A SYN meets LWIP_HOOK_TCP_INPACKET_PCB: a
 * half-open connection (lwIP makes it), a cookie SYN-ACK
 * (net/ipv4/syncookie_tcp.c) or silence.  An ACK at a listener is checked as a
 * cookie only if this listener sent one in the last 120 s; otherwise, and
 * when the cookie is wrong, lwIP answers with a reset (patch 0012's, as
 * Linux's).  Half-open connections are counted through lwIP's ext-arg
 * callbacks (passive_open / destroy).  Their final ACK meets
 * LWIP_HOOK_TCP_SYNRCVD_ACK (patch 0003): accept queue full -> drop it and
 * stay half-open, or reset with tcp_abort_on_overflow=1.  Their SYN-ACK
 * timer is LWIP_HOOK_TCP_SYNRCVD_TIMER (patch 0012).  Established
 * connections wait on the accept queue, their data held (net/core/rxq.h),
 * until listen_accept().  The application hears of them from the event
 * loop (listen_hook), never inside lwIP's input: it may abort or close
 * what it accepts.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/loop.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "lwip/stats.h"
#include "net/core/counter.h"
#include "net/ipv4/listen_priv.h"
#include "net/ipv4/listen_size.h"
#include "net/lwip/lwip_hooks.h"
#include "net/core/netstat.h"
#include "net/ipv4/tcp_mem.h"

/* ext-arg data of a connection a listener made: the listener, tagged */
#define COOKIE_TAG 1UL /* from a cookie: not on the SYN queue */
#define YOUNG_TAG 2UL  /* half-open and its SYN-ACK never timed out */
#define TAGS (COOKIE_TAG | YOUNG_TAG)

static struct listener *listeners;
u8_t listen_ext_id = 0xff; /* lwIP ext-arg slot of listeners and their children */
static int any_ready; /* some listener has ready_pending set */

struct listener *of_listen(const struct tcp_pcb *lpcb)
{
	return listen_ext_id == 0xff ? NULL : tcp_ext_arg_get(lpcb, listen_ext_id);
}

/* A child's listener and tags (0 and NULL for connections of no listener). */
static struct listener *of_child(const struct tcp_pcb *pcb, uintptr_t *tags)
{
	uintptr_t d = listen_ext_id == 0xff ? 0 : (uintptr_t)tcp_ext_arg_get(pcb, listen_ext_id);
	*tags = d & TAGS;
	return (struct listener *)(d & ~TAGS);
}

/* ---- half-open accounting (lwIP ext args) ------------------------------- */

static void forget_half_open(struct listener *l, uintptr_t tags)
{
	if (!l || (tags & COOKIE_TAG))
		return;
	l->synq_len--;
	if (tags & YOUNG_TAG)
		l->synq_young--;
}

static void half_open_gone(u8_t id, void *data)
{
	(void)id;
	uintptr_t d = (uintptr_t)data;
	forget_half_open((struct listener *)(d & ~TAGS), d & TAGS);
}

static const struct tcp_ext_arg_callbacks half_open_cb = { half_open_gone, listen_passive_open };

err_t listen_passive_open(u8_t id, struct tcp_pcb_listen *lpcb, struct tcp_pcb *npcb)
{
	struct listener *l = of_listen((struct tcp_pcb *)lpcb);
	if (!l)
		return ERR_OK;
	l->synq_len++;
	l->synq_young++;
	tcp_ext_arg_set_callbacks(npcb, id, &half_open_cb);
	tcp_ext_arg_set(npcb, id, (void *)((uintptr_t)l | YOUNG_TAG));
	return ERR_OK;
}

/* The connection left the SYN queue: established, or reset. */
static void leave_synq(struct tcp_pcb *pcb)
{
	uintptr_t tags;
	struct listener *l = of_child(pcb, &tags);
	forget_half_open(l, tags);
	tcp_ext_arg_set(pcb, listen_ext_id, NULL);
}

/* ---- decisions (net/ipv4/listen_size.c) and their counters --------------------- */

static void state_of(const struct listener *l, struct listen_state *s)
{
	*s = (struct listen_state){
		.synq_len = l->synq_len,
		.acceptq_len = l->acceptq_len,
		.acceptq_max = l->acceptq_max,
		.sizing = l->sizing,
		.synq_size = l->synq_size,
		.syncookies = sysctl_tcp_syncookies,
		.max_syn_backlog = sysctl_max_syn_backlog,
		.abort_on_overflow = sysctl_tcp_abort_on_overflow,
	};
}

COUNTER(TcpExt, 20, SyncookiesRecv, netstat_ext.syncookies_recv, OPT, "SYN cookies received",
	"Valid SYN cookies received.");
COUNTER(TcpExt, 30, SyncookiesFailed, netstat_ext.syncookies_failed, OPT, "invalid SYN cookies received",
	"Invalid SYN cookies received.");
COUNTER(TcpExt, 40, EmbryonicRsts, netstat_ext.embryonic_rsts, NUM,
	"resets received for embryonic SYN_RECV sockets", "Half-open connections reset.");
COUNTER(TcpExt, 60, ListenOverflows, netstat_ext.listen_overflows, NUM,
	"times the listen queue of a socket overflowed", "Accept queue full.");
COUNTER(TcpExt, 70, ListenDrops, netstat_ext.listen_drops, NUM, "SYNs to LISTEN sockets dropped",
	"SYNs to LISTEN sockets dropped.");
COUNTER(TcpExt, 110, TCPReqQFullDoCookies, netstat_ext.tcp_req_qfull_do_cookies, NAMED, NULL,
	"SYNs answered with a cookie: half-open limit reached or tcp_syncookies=2.");
COUNTER(TcpExt, 120, TCPReqQFullDrop, netstat_ext.tcp_req_qfull_drop, NAMED, NULL,
	"SYNs dropped: half-open limit reached.");

static void count(const struct listen_counts *c)
{
	netstat_ext.listen_overflows += c->listen_overflows;
	netstat_ext.listen_drops += c->listen_drops;
	netstat_ext.tcp_req_qfull_do_cookies += c->req_qfull_do_cookies;
	netstat_ext.tcp_req_qfull_drop += c->req_qfull_drop;
	netstat_ext.syncookies_recv += c->syncookies_recv;
	netstat_ext.syncookies_failed += c->syncookies_failed;
	netstat_ext.embryonic_rsts += c->embryonic_rsts;
}

/* Linux's tcp_syn_flood_action message, once per listener. */
static void flood_warning(struct listener *l)
{
	if (l->flood_warned || sysctl_tcp_syncookies == 2)
		return;
	l->flood_warned = 1;
	printk("TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:%u. %s.\n", l->port,
	       sysctl_tcp_syncookies ? "Sending cookies" : "Dropping request");
}

/* A cookie this listener sent may still come back (TCP_SYNCOOKIE_VALID). */
static int cookie_recent(const struct listener *l)
{
	return l->cookie_sent_ns && time_ns() - l->cookie_sent_ns < LISTEN_COOKIE_RECENT_MS * 1000000ULL;
}

/* ---- lwIP hooks ---------------------------------------------------------- */

static err_t on_syn(struct listener *l, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len, u8_t *opt2)
{
	struct listen_state s;
	struct listen_counts c = { 0 };
	state_of(l, &s);
	enum listen_syn_verdict v = listen_syn(&s, &c);
	count(&c);
	if (c.req_qfull_do_cookies || c.req_qfull_drop)
		flood_warning(l);
	if (v == LISTEN_SYN_REQUEST)
		return ERR_OK; /* lwIP makes the half-open connection */
	if (v == LISTEN_SYN_COOKIE) {
		struct tcp_seg_opts o;
		listen_parse_opts(hdr, optlen, opt1len, opt2, &o);
		if (syncookie_tcp_send(l->lpcb, hdr, &o) == 0)
			l->cookie_sent_ns = time_ns();
	}
	return ERR_ABRT;
}

static err_t on_ack(struct listener *l, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len, u8_t *opt2)
{
	struct listen_state s;
	struct listen_counts c = { 0 };
	state_of(l, &s);
	int recent = cookie_recent(l), ok = 0;
	struct tcp_seg_opts o;
	struct syncookie_ack ck;
	if (s.syncookies && recent) {
		listen_parse_opts(hdr, optlen, opt1len, opt2, &o);
		ok = syncookie_tcp_check(hdr, &o, &ck) == 0;
	}
	enum listen_ack_verdict v = listen_cookie_ack(&s, recent, ok, &c);
	count(&c);
	if (v == LISTEN_ACK_RESET)
		return ERR_OK; /* lwIP resets an ACK in LISTEN (patch 0012: as Linux) */
	if (v == LISTEN_ACK_DROP)
		return ERR_ABRT;
	struct tcp_pcb *npcb = syncookie_tcp_connect(l, hdr, &o, &ck);
	if (!npcb)
		return ERR_ABRT; /* no memory: dropped, the client retransmits */
	tcp_ext_arg_set_callbacks(npcb, listen_ext_id, &half_open_cb);
	tcp_ext_arg_set(npcb, listen_ext_id, (void *)((uintptr_t)l | COOKIE_TAG));
	tcp_listen_handover = npcb;
	return ERR_ABRT;
}

err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
		       u8_t *opt2, struct pbuf *p)
{
	(void)p;
	if (pcb->state != LISTEN)
		return ERR_OK;
	struct listener *l = of_listen(pcb);
	if (!l)
		return ERR_OK;
	u8_t flags = TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST);
	if (flags == TCP_SYN)
		return on_syn(l, hdr, optlen, opt1len, opt2);
	if (flags == TCP_ACK)
		return on_ack(l, hdr, optlen, opt1len, opt2);
	return ERR_OK;
}

int net_tcp_synrcvd_ack(struct tcp_pcb *pcb)
{
	uintptr_t tags;
	struct listener *l = of_child(pcb, &tags);
	if (!l || !pcb->listener)
		return 0;
	if (tags & COOKIE_TAG) { /* the cookie's check made room for it */
		leave_synq(pcb);
		return 0;
	}
	struct listen_state s;
	struct listen_counts c = { 0 };
	state_of(l, &s);
	enum listen_final_verdict v = listen_final_ack(&s, &c);
	count(&c);
	if (v == LISTEN_FINAL_DROP)
		return 1;
	if (v == LISTEN_FINAL_RESET)
		return 2;
	leave_synq(pcb);
	return 0;
}

void net_tcp_synrcvd_rst(struct tcp_pcb *pcb)
{
	(void)pcb;
	netstat_ext.embryonic_rsts++; /* tcp_check_req: a reset for a request */
}

/* The SYN-ACK again: counted as Linux's tcp_rtx_synack counts it. */
COUNTER(TcpExt, 130, TCPSynRetrans, netstat_ext.tcp_syn_retrans, NAMED, NULL, "SYN-ACKs retransmitted.");
static void synack_resend(struct tcp_pcb *pcb)
{
	if (tcp_rexmit_rto_prepare(pcb) != ERR_OK)
		return; /* still in the device's ring: the next firing tries */
	tcp_rexmit_rto_commit(pcb);
	MIB2_STATS_INC(mib2.tcpretranssegs);
	netstat_ext.tcp_syn_retrans++;
}

void net_tcp_synrcvd_dupsyn(struct tcp_pcb *pcb)
{
	/* tcp_check_req: a copy of the SYN gets the SYN-ACK again and
	 * restarts the timer; it is not a timeout */
	u8_t timeouts = pcb->nrtx;
	synack_resend(pcb);
	pcb->nrtx = timeouts;
	pcb->rtime = 0;
}

int net_tcp_synrcvd_timer(struct tcp_pcb *pcb)
{
	/* rtime: slow-timer ticks since the SYN-ACK last went out, the first
	 * one partial (a send from input restarts it at 0, one from here at
	 * 1: a firing is on a tick), so the timer fires no earlier than its
	 * timeout and at most a tick later; nrtx: the request's timeouts so
	 * far (Linux's num_timeout) */
	if (pcb->rtime < 0)
		pcb->rtime = 0;
	if (pcb->rtime < 0x7fff)
		pcb->rtime++;
	if ((uint32_t)pcb->rtime * TCP_SLOW_INTERVAL <= listen_synack_timeout_ms(pcb->nrtx))
		return 0;
	tcp_timeouts++; /* tcp_syn_ack_timeout, at every firing (lwIP's counter, patch 0027) */
	uintptr_t tags;
	struct listener *l = of_child(pcb, &tags);
	int retries = sysctl_tcp_synack_retries;
	if (l && !(tags & COOKIE_TAG))
		retries = listen_synack_retries(l->synq_len, l->synq_young, l->acceptq_max, retries);
	if (pcb->nrtx >= retries)
		return 1; /* expired: lwIP removes it */
	if (tags & YOUNG_TAG) {
		l->synq_young--;
		tcp_ext_arg_set(pcb, listen_ext_id, (void *)((uintptr_t)l | (tags & ~YOUNG_TAG)));
	}
	u8_t timeouts = pcb->nrtx;
	synack_resend(pcb);
	pcb->nrtx = timeouts + 1;
	pcb->rtime = 1;
	return 0;
}

/* ---- the accept queue ---------------------------------------------------- */

static err_t queued_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct queued *q = arg;
	(void)pcb;
	if (!p) {
		q->fin = 1;
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return ERR_OK;
	}
	if (!tcp_mem_may_receive(q->data.len, p->tot_len))
		return ERR_MEM; /* lwIP keeps it and drops what follows until accepted */
	rxq_add(&q->data, p);
	rxq_compact(&q->data); /* held until accepted: off the driver's buffers */
	return ERR_OK;
}

static void unlink_queued(struct queued *q)
{
	struct listener *l = q->l;
	struct queued **pp = &l->head, *prev = NULL;
	while (*pp && *pp != q) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = q->next;
	if (l->tail == q)
		l->tail = prev;
	l->acceptq_len--;
}

static void queued_err(void *arg, err_t err)
{
	struct queued *q = arg; /* lwIP freed the pcb (reset while queued) */
	(void)err;
	unlink_queued(q);
	rxq_free(&q->data);
	free(q);
}

static err_t on_established(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct listener *l = arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	struct queued *q = calloc(1, sizeof(*q));
	if (!q)
		return ERR_MEM; /* lwIP resets it */
	tcp_ext_arg_set(pcb, listen_ext_id, NULL);
	q->l = l;
	q->pcb = pcb;
	tcp_arg(pcb, q);
	tcp_recv(pcb, queued_recv);
	tcp_err(pcb, queued_err);
	if (l->tail)
		l->tail->next = q;
	else
		l->head = q;
	l->tail = q;
	l->acceptq_len++;
	l->ready_pending = 1;
	any_ready = 1;
	return ERR_OK;
}

void listen_wake(struct listener *l)
{
	for (struct listener *i = listeners; i; i = i->next) {
		if (i == l) {
			l->ready_pending = 1;
			any_ready = 1;
		}
	}
}

/* The event loop's side: applications hear of new connections here. */
static int listen_poll(void)
{
	if (!any_ready)
		return 0;
	any_ready = 0;
	for (struct listener *l = listeners, *next; l; l = next) {
		next = l->next; /* ready may close l */
		if (l->ready_pending) {
			l->ready_pending = 0;
			if (l->ready)
				l->ready(l, l->arg);
		}
	}
	return 1;
}

static const struct loop_hook listen_hook = { "listen", listen_poll, NULL };

int listen_accept(struct listener *l, struct listen_conn *c)
{
	struct queued *q = l->head;
	if (!q)
		return -EAGAIN;
	unlink_queued(q);
	c->pcb = q->pcb;
	c->data = q->data;
	c->fin = q->fin;
	rxq_init(&q->data);
	tcp_arg(q->pcb, NULL);
	tcp_recv(q->pcb, NULL);
	tcp_err(q->pcb, NULL);
	free(q);
	return 0;
}

int listen_queued(const struct listener *l)
{
	return l->acceptq_len;
}

/* ---- listen / close ------------------------------------------------------ */

/* The first listener allocates the ext-arg slot and hooks the event loop. */
void listen_layer_init(void)
{
	if (listen_ext_id != 0xff)
		return;
	listen_ext_id = tcp_ext_arg_alloc_id();
	loop_register(&listen_hook);
}

/* A listener on the listening pcb lp, its queues sized from the sysctls
 * of this moment (as Linux's listen() reads them), taking lp's accept and
 * passive opens (cb: the ext-arg callbacks lp gets). */
void listener_setup(struct listener *l, struct tcp_pcb_listen *lp, int backlog, listen_ready_fn ready,
			   void *arg, const struct tcp_ext_arg_callbacks *cb)
{
	l->lpcb = lp;
	l->port = lp->local_port;
	l->backlog = backlog;
	l->acceptq_max = listen_acceptq_max(backlog, sysctl_somaxconn);
	l->sizing = sysctl_tcp_synq_sizing;
	l->synq_size = listen_synq_size(l->acceptq_max, sysctl_max_syn_backlog);
	l->ready = ready;
	l->arg = arg;
	tcp_ext_arg_set_callbacks((struct tcp_pcb *)lp, listen_ext_id, cb);
	tcp_ext_arg_set((struct tcp_pcb *)lp, listen_ext_id, l);
	tcp_arg((struct tcp_pcb *)lp, l);
	tcp_accept((struct tcp_pcb *)lp, on_established);
	l->next = listeners;
	listeners = l;
}

int listen_open(uint16_t port, int backlog, listen_ready_fn ready, void *arg, struct listener **out)
{
	listen_layer_init();
	struct listener *l = calloc(1, sizeof(*l));
	struct tcp_pcb *pcb = tcp_new();
	if (!l || !pcb) {
		free(l);
		if (pcb)
			tcp_abort(pcb);
		return -ENOMEM;
	}
	ip_set_option(pcb, SOF_REUSEADDR); /* as servers on Linux do */
	if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
		free(l);
		tcp_abort(pcb);
		return -EADDRINUSE;
	}
	err_t err;
	struct tcp_pcb_listen *lp =
		(struct tcp_pcb_listen *)tcp_listen_with_backlog_and_err(pcb, TCP_DEFAULT_LISTEN_BACKLOG, &err);
	if (!lp) {
		/* SO_REUSEADDR lets the bind through; listen refuses a second
		 * listener on the port (ERR_USE), as Linux's listen() does. */
		free(l);
		tcp_abort(pcb);
		return err == ERR_USE ? -EADDRINUSE : -ENOMEM;
	}
	listener_setup(l, lp, backlog, ready, arg, &half_open_cb);
	*out = l;
	return 0;
}

/* Unlinks l, drops its half-open connections without a word (Linux drops
 * a closed listener's requests: reqsk_timer_handler, tcp_v4_rcv; a final
 * ACK then finds the next listener or none) and resets what waits on its
 * accept queue. */
void listener_detach(struct listener *l)
{
	for (struct listener **pp = &listeners; *pp; pp = &(*pp)->next) {
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	}
	for (struct tcp_pcb *pcb = tcp_active_pcbs, *next; pcb; pcb = next) {
		next = pcb->next; /* abandoning frees pcb alone */
		uintptr_t tags;
		if (of_child(pcb, &tags) != l)
			continue;
		if (pcb->state == SYN_RCVD)
			tcp_abandon(pcb, 0);
		else
			tcp_ext_arg_set(pcb, listen_ext_id, NULL);
	}
	struct listen_conn c;
	while (listen_accept(l, &c) == 0) {
		rxq_free(&c.data);
		tcp_abort(c.pcb);
	}
}

void listen_close(struct listener *l)
{
	listener_detach(l);
	tcp_close((struct tcp_pcb *)l->lpcb);
	free(l);
}

int listen_info_of(const struct tcp_pcb *lpcb, struct listen_info *i)
{
	const struct listener *l = of_listen(lpcb);
	if (!l)
		return -ENOENT;
	/* half-open connections that fit: the table, or more than acceptq_max is full */
	int synq_max = l->sizing == LISTEN_SIZING_LINUX3 ? l->synq_size : l->acceptq_max + 1;
	*i = (struct listen_info){ l->port, l->backlog, l->acceptq_len, l->acceptq_max, l->synq_len, synq_max };
	return 0;
}

/* ---- TCP options -------------------------------------------------------- */

void listen_parse_opts(const struct tcp_hdr *h, u16_t optlen, u16_t opt1len, const u8_t *opt2,
		       struct tcp_seg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mss = o->wscale = -1;
	const u8_t *opt1 = (const u8_t *)h + TCP_HLEN;
	u8_t b[40];
	if (optlen > sizeof(b))
		optlen = sizeof(b);
	for (u16_t i = 0; i < optlen; i++)
		b[i] = i < opt1len ? opt1[i] : opt2[i - opt1len];
	for (u16_t i = 0; i < optlen;) {
		u8_t kind = b[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || b[i + 1] < 2 || i + b[i + 1] > optlen)
			break; /* malformed: stop, keep what was valid */
		u8_t len = b[i + 1];
		const u8_t *v = b + i + 2;
		if (kind == 2 && len == 4)
			o->mss = v[0] << 8 | v[1];
		else if (kind == 3 && len == 3)
			o->wscale = v[0] > 14 ? 14 : v[0];
		else if (kind == 4 && len == 2)
			o->sack_perm = 1;
		else if (kind == 8 && len == 10) {
			o->has_ts = 1;
			o->tsval = (u32_t)v[0] << 24 | (u32_t)v[1] << 16 | (u32_t)v[2] << 8 | v[3];
			o->tsecr = (u32_t)v[4] << 24 | (u32_t)v[5] << 16 | (u32_t)v[6] << 8 | v[7];
		}
		i += len;
	}
}

/* ---- backlog arguments; adopting a listener another module made -------- */

static int parse_backlog(const char *s, int *backlog)
{
	long v = 0;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL; /* no sign, blank, base prefix or trailing garbage */
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -ERANGE;
	}
	*backlog = (int)v;
	return 0;
}

int listen_backlog_arg(const char *cmd, int argc, char **argv, int *i, int *backlog)
{
	if (*i >= argc || strcmp(argv[*i], "backlog"))
		return 0;
	if (*i + 1 == argc) {
		con_printf("%s: backlog needs a number (0 to %d)\n", cmd, INT_MAX);
		return 1;
	}
	if (parse_backlog(argv[*i + 1], backlog)) {
		con_printf("%s: invalid backlog '%s' (0 to %d)\n", cmd, argv[*i + 1], INT_MAX);
		return 1;
	}
	*i += 2;
	return 0;
}

int listen_info_get(const struct listener *l, struct listen_info *i)
{
	return l->lpcb ? listen_info_of((const struct tcp_pcb *)l->lpcb, i) : -ENOENT;
}
