/*
 * TCP echo service (RFC 862) on port 7, over lwIP's raw API: whatever a
 * client sends comes back.  The integration tests use it for many
 * sequential and concurrent connections.  Started by `echo-server` (the
 * default nagare.rc runs it).
 */
#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/tcp.h"

#define ECHO_PORT 7

static struct tcp_pcb *listener;
static uint64_t echo_conns, echo_bytes;

static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	if (!p) {
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
		return p ? ERR_OK : (err == ERR_ABRT ? ERR_ABRT : ERR_OK);
	}
	/* Echo what fits; the rest waits (lwIP redelivers refused data). */
	if (p->tot_len > tcp_sndbuf(pcb))
		return ERR_MEM;
	for (struct pbuf *q = p; q; q = q->next) {
		if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
			return ERR_MEM;
	}
	tcp_recved(pcb, p->tot_len);
	echo_bytes += p->tot_len;
	pbuf_free(p);
	tcp_output(pcb);
	return ERR_OK;
}

static err_t echo_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)arg;
	(void)len;
	(void)pcb;
	return ERR_OK;
}

static void echo_err(void *arg, err_t err)
{
	(void)arg;
	(void)err;
}

static err_t echo_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	echo_conns++;
	tcp_recv(pcb, echo_recv);
	tcp_sent(pcb, echo_sent);
	tcp_err(pcb, echo_err);
	tcp_nagle_disable(pcb);
	return ERR_OK;
}

static int cmd_echo_server(int argc, char **argv)
{
	if (argc > 1) {
		con_printf("echo-server: unexpected argument '%s'\n", argv[1]);
		return 1;
	}
	if (listener) {
		con_printf("echo-server: listening on port %d, %lu connections, %lu bytes echoed\n",
			   ECHO_PORT, echo_conns, echo_bytes);
		return 0;
	}
	struct tcp_pcb *pcb = tcp_new();
	if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, ECHO_PORT) != ERR_OK) {
		con_printf("echo-server: cannot bind port %d\n", ECHO_PORT);
		if (pcb)
			tcp_abort(pcb);
		return 1;
	}
	listener = tcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG);
	if (!listener) {
		con_printf("echo-server: cannot listen\n");
		tcp_abort(pcb);
		return 1;
	}
	tcp_accept(listener, echo_accept);
	printk("echo: TCP echo service (RFC 862) on port %d\n", ECHO_PORT);
	return 0;
}
CONSOLE_CMD(echo_server, "echo-server", cmd_echo_server, "echo-server",
	    "start the TCP echo service on port 7 (again: its counters)");
