/*
 * Listeners another module made (lwIP's lwiperf): listen_adopt() puts an
 * existing listening pcb behind net/ipv4/listen.c's queues.  Connections wait
 * on the accept queue; from the event loop each goes to the pcb's own
 * accept callback with its own argument, and what arrived while it waited
 * (data, FIN) goes through the pcb's recv callback as lwIP delivers it.
 * If the owner closes the pcb, queued connections are reset.
 */
#include <errno.h>
#include <stdlib.h>

#include "net/ipv4/listen_priv.h"

/* An adopted listener: its pcb's own accept callback and argument, called
 * from the event loop for each connection taken off the accept queue. */
struct adopted {
	struct listener l; /* first: listen_close() frees the whole */
	tcp_accept_fn accept;
	void *arg;
};

/* Marks *data when lwIP frees the pcb while it is being handed over. */
static void handover_gone(u8_t id, void *data)
{
	(void)id;
	if (data)
		*(int *)data = 1;
}

static const struct tcp_ext_arg_callbacks handover_cb = { handover_gone, NULL };

/* The front pbuf of q, detached: the caller holds its reference. */
static struct pbuf *take_front(struct rxq *q)
{
	struct pbuf *p = q->head;
	u16_t off = q->off;
	pbuf_ref(p);
	rxq_consume(q, (size_t)(p->len - off));
	pbuf_remove_header(p, off);
	return p;
}

/* The application refused p (its recv callback returned an error): lwIP
 * keeps refused data on the pcb and offers it again from its timers
 * (tcp_process_refused_data), ahead of what it refused itself.  One chain
 * holds at most 64 KiB; what does not fit cannot be kept: reset. */
static void refused(struct tcp_pcb *pcb, struct pbuf *p, struct rxq *rest, int fin)
{
	while (rest->len && p->tot_len + (rest->head->len - rest->off) <= 0xffff)
		pbuf_cat(p, take_front(rest));
	struct pbuf *old = pcb->refused_data;
	if (rest->len || (old && p->tot_len + old->tot_len > 0xffff)) {
		pbuf_free(p);
		tcp_abort(pcb);
		return;
	}
	if (old) {
		p->flags |= old->flags & PBUF_FLAG_TCP_FIN;
		pbuf_cat(p, old);
	} else if (fin) {
		p->flags |= PBUF_FLAG_TCP_FIN;
	}
	pcb->refused_data = p;
}

/* What arrived while c waited, through the pcb's recv callback as lwIP
 * delivers it (TCP_EVENT_RECV per piece, then TCP_EVENT_CLOSED for the
 * FIN); stops when the pcb is gone (*gone) or the application aborted it. */
static void hand_over(struct listen_conn *c, const int *gone)
{
	struct tcp_pcb *pcb = c->pcb;
	err_t err;
	while (!*gone && c->data.len) {
		struct pbuf *p = take_front(&c->data);
		if (pcb->recv)
			err = pcb->recv(pcb->callback_arg, pcb, p, ERR_OK);
		else
			err = tcp_recv_null(NULL, pcb, p, ERR_OK);
		if (*gone || err == ERR_ABRT) {
			if (err != ERR_OK && err != ERR_ABRT)
				pbuf_free(p); /* refused, but the pcb is gone */
			return;
		}
		if (err != ERR_OK) {
			refused(pcb, p, &c->data, c->fin);
			return;
		}
	}
	if (!*gone && c->fin && pcb->recv)
		pcb->recv(pcb->callback_arg, pcb, NULL, ERR_OK);
}

/* Gives one queued connection to the pcb's own accept callback, as lwIP's
 * TCP_EVENT_ACCEPT would have (an error other than ERR_ABRT: reset). */
static void adopted_accept(struct adopted *a, struct listen_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	int gone = 0;
	tcp_ext_arg_set_callbacks(pcb, listen_ext_id, &handover_cb);
	tcp_ext_arg_set(pcb, listen_ext_id, &gone);
	tcp_arg(pcb, a->arg);
	err_t err = a->accept ? a->accept(a->arg, pcb, ERR_OK) : ERR_ARG;
	if (err == ERR_OK)
		hand_over(c, &gone);
	else if (err != ERR_ABRT && !gone)
		tcp_abort(pcb);
	if (!gone)
		tcp_ext_arg_set(pcb, listen_ext_id, NULL);
	rxq_free(&c->data);
}

/* The pcb's owner closed it behind our back: what listen_close() does,
 * without closing the pcb again (queued connections are reset). */
static void orphan_close(struct listener *l)
{
	listener_detach(l);
	free(l);
}

static void adopted_ready(struct listener *l, void *arg)
{
	struct adopted *a = arg;
	struct listen_conn c;
	/* An accept callback may close the pcb (lwiperf closes a listener
	 * meant for one client): then no more go to it. */
	while (l->lpcb && listen_accept(l, &c) == 0)
		adopted_accept(a, &c);
	if (!l->lpcb)
		orphan_close(l);
}

/* lwIP frees the listening pcb: from listen_close() (l already unlinked),
 * or from its owner; then the event loop finishes the close. */
static void adopted_pcb_gone(u8_t id, void *data)
{
	(void)id;
	struct listener *l = data;
	if (!l)
		return;
	l->lpcb = NULL;
	listen_wake(l); /* if still listed: the event loop finishes the close */
}

static const struct tcp_ext_arg_callbacks adopted_cb = { adopted_pcb_gone, listen_passive_open };

int listen_adopt(struct tcp_pcb *pcb, int backlog, struct listener **out)
{
	if (!pcb || pcb->state != LISTEN || of_listen(pcb))
		return -EINVAL;
	listen_layer_init();
	struct adopted *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	struct tcp_pcb_listen *lp = (struct tcp_pcb_listen *)pcb;
	a->accept = lp->accept;
	a->arg = lp->callback_arg;
	listener_setup(&a->l, lp, backlog, adopted_ready, a, &adopted_cb);
	*out = &a->l;
	return 0;
}
