/*
 * `ss`: sockets in iproute2's ss output shapes.  -l listening sockets
 * with Recv-Q = connections waiting on the accept queue and Send-Q = its
 * limit (Linux's meaning for LISTEN), -t TCP, -a all, -n numeric (always),
 * -s totals; `state NAME` (repeatable: iproute2's names and its
 * all/connected/synchronized groups) shows only those states, without
 * the State column when it names one.  Connections come from lwIP's PCB
 * lists.  Also the registry's listen section: the queues ss -l shows, for
 * /metrics.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/priv/tcp_priv.h"
#include "net/core/counter.h"
#include "net/ipv4/inet.h"
#include "net/ipv4/listen.h"

static const char *state_name(enum tcp_state s)
{
	static const char *const n[] = {
		[CLOSED] = "CLOSED", [LISTEN] = "LISTEN", [SYN_SENT] = "SYN-SENT",
		[SYN_RCVD] = "SYN-RECV", [ESTABLISHED] = "ESTAB", [FIN_WAIT_1] = "FIN-WAIT-1",
		[FIN_WAIT_2] = "FIN-WAIT-2", [CLOSE_WAIT] = "CLOSE-WAIT", [CLOSING] = "CLOSING",
		[LAST_ACK] = "LAST-ACK", [TIME_WAIT] = "TIME-WAIT",
	};
	return (unsigned)s < sizeof(n) / sizeof(n[0]) && n[s] ? n[s] : "UNKNOWN";
}

/* iproute2's state names (ss(8) STATE-FILTER) as lwIP states. */
#define BIT(s) (1u << (s))
#define CONNECTED (BIT(SYN_SENT) | BIT(SYN_RCVD) | BIT(ESTABLISHED) | BIT(FIN_WAIT_1) | BIT(FIN_WAIT_2) | \
		   BIT(CLOSE_WAIT) | BIT(CLOSING) | BIT(LAST_ACK))
static const struct {
	const char *name;
	unsigned mask;
} state_names[] = {
	{ "established", BIT(ESTABLISHED) }, { "syn-sent", BIT(SYN_SENT) },
	{ "syn-recv", BIT(SYN_RCVD) },       { "fin-wait-1", BIT(FIN_WAIT_1) },
	{ "fin-wait-2", BIT(FIN_WAIT_2) },   { "time-wait", BIT(TIME_WAIT) },
	{ "closed", BIT(CLOSED) },           { "close-wait", BIT(CLOSE_WAIT) },
	{ "last-ack", BIT(LAST_ACK) },       { "listening", BIT(LISTEN) },
	{ "listen", BIT(LISTEN) },           { "closing", BIT(CLOSING) },
	{ "all", ~0u },                      { "connected", CONNECTED },
	{ "synchronized", CONNECTED & ~BIT(SYN_SENT) },
};

static int state_mask(const char *name, unsigned *mask)
{
	for (size_t i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++) {
		if (!strcmp(name, state_names[i].name)) {
			*mask |= state_names[i].mask;
			return 0;
		}
	}
	return -1;
}

static void endpoint(char *buf, size_t n, const ip_addr_t *a, u16_t port, int any_port)
{
	char ip[16];
	inet_format(lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(a))), ip);
	if (any_port)
		snprintf(buf, n, "%s:*", ip);
	else
		snprintf(buf, n, "%s:%u", ip, port);
}

static int no_state_column; /* a state filter that names one state */

static void row(const char *state, unsigned long recvq, unsigned long sendq, const char *local,
		const char *peer)
{
	if (no_state_column)
		con_printf("%-6lu %-6lu %20s %20s\n", recvq, sendq, local, peer);
	else
		con_printf("%-10s %-6lu %-6lu %20s %20s\n", state, recvq, sendq, local, peer);
}

static void show_listen(void)
{
	for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
		struct listen_info i = { 0 };
		listen_info_of((const struct tcp_pcb *)l, &i);
		char a[32], b[32];
		endpoint(a, sizeof(a), &l->local_ip, l->local_port, 0);
		endpoint(b, sizeof(b), IP_ADDR_ANY, 0, 1);
		row("LISTEN", i.acceptq_len, i.acceptq_max, a, b);
	}
}

/* The states shown (Without -a, ss leaves out TIME-WAIT and SYN-RECV:
 * its SS_CONN filter). */
static void show_list(struct tcp_pcb *list, unsigned mask)
{
	for (struct tcp_pcb *p = list; p; p = p->next) {
		if (!(mask & BIT(p->state)))
			continue;
		char a[32], b[32];
		endpoint(a, sizeof(a), &p->local_ip, p->local_port, 0);
		endpoint(b, sizeof(b), &p->remote_ip, p->remote_port, 0);
		unsigned long recvq = p->refused_data ? p->refused_data->tot_len : 0;
		unsigned long sendq = p->state == TIME_WAIT ? 0 : (u32_t)(p->snd_lbb - p->lastack);
		row(state_name(p->state), recvq, sendq, a, b);
	}
}

static void summary(void)
{
	unsigned estab = 0, synrecv = 0, other = 0, tw = 0, listen = 0;
	for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next) {
		if (p->state == ESTABLISHED || p->state == CLOSE_WAIT)
			estab++;
		else if (p->state == SYN_RCVD)
			synrecv++;
		else
			other++;
	}
	for (struct tcp_pcb *p = tcp_tw_pcbs; p; p = p->next)
		tw++;
	for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
		listen++;
	unsigned tcp = estab + synrecv + other + tw + listen;
	con_printf("Total: %u\n", tcp);
	con_printf("TCP:   %u (estab %u, closed 0, orphaned %u, timewait %u)\n\n", tcp, estab, other, tw);
	con_printf("Transport Total     IP        IPv6\n");
	con_printf("RAW\t  0         0         0\nUDP\t  0         0         0\n");
	con_printf("TCP\t  %-9u %-9u 0\nINET\t  %-9u %-9u 0\nFRAG\t  0         0         0\n",
		   tcp - tw, tcp - tw, tcp - tw, tcp - tw);
}

static int cmd_ss(int argc, char **argv)
{
	int listening = 0, all = 0, sum = 0;
	unsigned states = 0, named = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "state")) {
			if (++i == argc) {
				con_printf("ss: missing state name after \"state\"\n");
				return 1;
			}
			if (state_mask(argv[i], &states)) {
				con_printf("ss: wrong state name: %s\n", argv[i]);
				return 1;
			}
			named++;
			continue;
		}
		if (argv[i][0] != '-' || !argv[i][1]) {
			con_printf("ss: filters are not supported: \"%s\"\n", argv[i]);
			return 1;
		}
		for (const char *f = argv[i] + 1; *f; f++) {
			switch (*f) {
			case 'l': listening = 1; break;
			case 'a': all = 1; break;
			case 's': sum = 1; break;
			case 'n': case 't': break; /* always numeric, only TCP */
			default:
				con_printf("ss: invalid option -- '%c'\n", *f);
				return 1;
			}
		}
	}
	if (sum) {
		summary();
		return 0;
	}
	if (!named) /* -a all, -l listening only, else connections but SYN-RECV and TIME-WAIT */
		states = all ? ~0u : listening ? BIT(LISTEN) : CONNECTED & ~BIT(SYN_RCVD);
	/* one state named (a group is more): iproute2 leaves the column out */
	no_state_column = named == 1 && (states & (states - 1)) == 0;
	if (no_state_column)
		con_printf("%-6s %-6s %20s %20s\n", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port");
	else
		con_printf("%-10s %-6s %-6s %20s %20s\n", "State", "Recv-Q", "Send-Q", "Local Address:Port",
			   "Peer Address:Port");
	if (states & BIT(LISTEN))
		show_listen();
	show_list(tcp_active_pcbs, states & ~BIT(LISTEN));
	show_list(tcp_tw_pcbs, states & ~BIT(LISTEN));
	return 0;
}
CONSOLE_CMD(ss, "ss", cmd_ss, "ss [-lntas] [state NAME]...",
	    "sockets: listeners with their queues, connections, totals");

/* The registry's listen section (ss -lnt's queues): the i-th listening pcb,
 * if ours, labelled by port.  Read at once: the next call reuses both. */
int listen_counter_info(int i, const void **obj, const char **label)
{
	static struct listen_info info;
	static char port[8];
	struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs;
	for (; l && i > 0; i--)
		l = l->next;
	if (!l)
		return -1;
	if (listen_info_of((const struct tcp_pcb *)l, &info))
		return 0;
	snprintf(port, sizeof(port), "%u", info.port);
	*obj = &info;
	*label = port;
	return 1;
}

#define LISTEN_GAUGE(ord, name, field, help) \
	COUNTER_FIELD(listen, ord, name, struct listen_info, field, COUNTER_F_GAUGE, NONE, help)
LISTEN_GAUGE(10, accept_queue, acceptq_len, "Connections waiting on the accept queue (ss Recv-Q).");
LISTEN_GAUGE(20, accept_queue_max, acceptq_max, "Accept queue limit: min(backlog, somaxconn) (ss Send-Q).");
LISTEN_GAUGE(30, syn_queue, synq_len, "Half-open connections (SYN-RECV).");
LISTEN_GAUGE(40, syn_queue_max, synq_max,
	     "Half-open connections that fit: min(backlog, somaxconn) + 1 (tcp_synq_sizing=1: the SYN table).");
