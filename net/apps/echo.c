/*
 * TCP echo service (RFC 862) on port 7: whatever a client sends comes
 * back.  The integration tests use it for many sequential and concurrent
 * connections.  Started by `echo-server` (the default nagare.rc runs it).
 * Connections come from net/ipv4/listen.c's accept queue in the event loop
 * (`echo-server backlog N` sizes it, 128 by default).
 * Received bytes wait in the connection's receive queue (net/core/rxq.h) until
 * they fit the send buffer, and are acknowledged to the client only once
 * written back: a client that does not read closes its own window, and
 * each byte is written exactly once (tcp_write queues all of a piece or
 * none of it).  Under TCP memory pressure (net/ipv4/tcp_mem.h) a connection
 * holds at most TCP_MEM_MIN bytes each way.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/tcp.h"
#include "net/ipv4/listen.h"
#include "net/core/rxq.h"
#include "net/ipv4/tcp_mem.h"

#define ECHO_PORT 7
#define ECHO_BACKLOG 128

struct echo_conn {
	struct tcp_pcb *pcb;
	struct rxq rx;      /* received, not yet written back */
	int fin;            /* the client closed its side */
};

static struct listener *listener;
static uint64_t echo_conns, echo_bytes, echo_failed;

static err_t echo_close(struct echo_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	err_t ret = ERR_OK;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	if (c->rx.len)
		tcp_recved(pcb, (u16_t)(c->rx.len > 0xffff ? 0xffff : c->rx.len));
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb); /* no memory for a FIN: reset rather than leak */
		ret = ERR_ABRT;
	}
	rxq_free(&c->rx);
	free(c);
	return ret;
}

/* Writes back what fits; returns what an lwIP callback must return. */
static err_t echo_run(struct echo_conn *c)
{
	const uint8_t *data;
	size_t n;
	while ((n = rxq_peek(&c->rx, &data)) > 0) {
		size_t room = tcp_mem_send_room(c->pcb);
		if (n > room)
			n = room;
		if (!n || tcp_write(c->pcb, data, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break; /* the rest waits for the sent callback or the poll */
		rxq_consume(&c->rx, n);
		tcp_recved(c->pcb, (u16_t)n);
		echo_bytes += n;
	}
	rxq_compact(&c->rx);
	tcp_output(c->pcb);
	if (c->fin && !c->rx.len)
		return echo_close(c);
	return ERR_OK;
}

static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct echo_conn *c = arg;
	if (!c) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p)
		c->fin = 1;
	else if (err != ERR_OK)
		pbuf_free(p);
	else if (!tcp_mem_may_receive(c->rx.len, p->tot_len))
		return ERR_MEM; /* lwIP keeps it and drops what follows until we take it */
	else
		rxq_add(&c->rx, p);
	return echo_run(c);
}

static err_t echo_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb;
	(void)len;
	return arg ? echo_run(arg) : ERR_OK;
}

/* Every second: retries a write that failed for memory, not for room. */
static err_t echo_poll(void *arg, struct tcp_pcb *pcb)
{
	(void)pcb;
	return arg ? echo_run(arg) : ERR_OK;
}

static void echo_err(void *arg, err_t err)
{
	struct echo_conn *c = arg;
	(void)err;
	if (c) { /* lwIP has freed the pcb */
		rxq_free(&c->rx);
		free(c);
	}
}

static void echo_accept(struct listener *l, void *arg)
{
	(void)arg;
	struct listen_conn lc;
	while (listen_accept(l, &lc) == 0) {
		struct echo_conn *c = calloc(1, sizeof(*c));
		if (!c) {
			echo_failed++;
			rxq_free(&lc.data);
			tcp_abort(lc.pcb); /* from the event loop: nothing else holds it */
			continue;
		}
		echo_conns++;
		c->pcb = lc.pcb;
		c->rx = lc.data;
		c->fin = lc.fin;
		tcp_arg(c->pcb, c);
		tcp_recv(c->pcb, echo_recv);
		tcp_sent(c->pcb, echo_sent);
		tcp_err(c->pcb, echo_err);
		tcp_poll(c->pcb, echo_poll, 2);
		tcp_nagle_disable(c->pcb);
		echo_run(c);
	}
}

static int cmd_echo_server(int argc, char **argv)
{
	int backlog = ECHO_BACKLOG, i = 1;
	if (listen_backlog_arg("echo-server", argc, argv, &i, &backlog))
		return 1;
	if (i < argc) {
		con_printf("echo-server: unexpected argument '%s' (echo-server [backlog N])\n", argv[i]);
		return 1;
	}
	if (listener && argc > 1) {
		con_printf("echo-server: already listening on port %d\n", ECHO_PORT);
		return 1;
	}
	if (listener) {
		con_printf("echo-server: listening on port %d, %lu connections, %lu bytes echoed, "
			   "%lu refused for memory\n",
			   ECHO_PORT, echo_conns, echo_bytes, echo_failed);
		return 0;
	}
	if (listen_open(ECHO_PORT, backlog, echo_accept, NULL, &listener)) {
		con_printf("echo-server: cannot listen on port %d\n", ECHO_PORT);
		return 1;
	}
	printk("echo: TCP echo service (RFC 862) on port %d, backlog %d\n", ECHO_PORT, backlog);
	return 0;
}
CONSOLE_CMD(echo_server, "echo-server", cmd_echo_server, "echo-server [backlog N]",
	    "start the TCP echo service on port 7 (backlog 128; again: its counters)");
