/*
 * iperf (version 2 protocol) over lwIP's lwiperf app: `iperf -s` listens
 * on port 5001 (clients may ask for the reverse test with -r/-d), and
 * `iperf -c HOST` sends to an iperf -s elsewhere for 10 s.  Results are
 * printed when each test ends (tests run in the background).  lwiperf's
 * listening pcb is put behind net/ipv4/listen.c's queues (listen_adopt) with
 * iperf 2's own backlog, so ss and the listen counters see it like any
 * other listener.
 */
#include <limits.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/apps/lwiperf.h"
#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "net/ipv4/inet.h"
#include "net/ipv4/listen.h"

/* iperf 2.1 (Listener::my_listen) calls listen(fd, INT_MAX) unless it
 * serves a single client: the accept queue is then net.core.somaxconn. */
#define IPERF_BACKLOG INT_MAX

static void *server;
static struct listener *listener;
static const char *const what[] = {
	"server done", "client done", "aborted (local)", "aborted (data error)",
	"aborted (transmit error)", "aborted (remote)",
};

static void report(void *arg, enum lwiperf_report_type type, const ip_addr_t *local_addr,
		   u16_t local_port, const ip_addr_t *remote_addr, u16_t remote_port, u32_t bytes,
		   u32_t ms, u32_t kbps)
{
	(void)arg;
	(void)local_addr;
	char r[16];
	printk("iperf: %s: %s:%u -> port %u: %u bytes in %u.%03u s, %u.%03u Mbit/s\n",
	       (unsigned)type < sizeof(what) / sizeof(what[0]) ? what[type] : "?",
	       inet_format(lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(remote_addr))), r), remote_port,
	       local_port, bytes, ms / 1000, ms % 1000, kbps / 1000, kbps % 1000);
}

/* lwiperf's listening pcb: the one whose callback arg is its session. */
static struct tcp_pcb *server_pcb(void *session)
{
	for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
		if (l->callback_arg == session)
			return (struct tcp_pcb *)l;
	}
	return NULL;
}

static int cmd_iperf(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "-s")) {
		struct listen_info q;
		if (server && listener && !listen_info_get(listener, &q)) {
			con_printf("iperf: server already listening on port %d (backlog %d, accept queue %d of %d)\n",
				   LWIPERF_TCP_PORT_DEFAULT, q.backlog, q.acceptq_len, q.acceptq_max);
			return 0;
		}
		if (server) {
			con_printf("iperf: server already listening on port %d\n", LWIPERF_TCP_PORT_DEFAULT);
			return 0;
		}
		server = lwiperf_start_tcp_server_default(report, NULL);
		if (!server) {
			con_printf("iperf: cannot listen on port %d\n", LWIPERF_TCP_PORT_DEFAULT);
			return 1;
		}
		if (listen_adopt(server_pcb(server), IPERF_BACKLOG, &listener)) {
			/* lwiperf still accepts, straight from lwIP: say so */
			con_printf("iperf: no memory for an accept queue; connections are taken at once\n");
		}
		printk("iperf: server listening on TCP port %d\n", LWIPERF_TCP_PORT_DEFAULT);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "-c")) {
		uint32_t a;
		if (inet_parse_addr(argv[2], &a)) {
			con_printf("iperf: unknown host '%s' (dotted quad expected)\n", argv[2]);
			return 1;
		}
		ip_addr_t ip;
		ip_addr_set_ip4_u32(&ip, lwip_htonl(a));
		if (!lwiperf_start_tcp_client_default(&ip, report, NULL)) {
			con_printf("iperf: cannot start a client to %s\n", argv[2]);
			return 1;
		}
		con_printf("iperf: sending to %s port %d for 10 s (result follows)\n", argv[2],
			   LWIPERF_TCP_PORT_DEFAULT);
		return 0;
	}
	con_printf("usage: iperf -s | iperf -c HOST\n");
	return 1;
}
CONSOLE_CMD(iperf, "iperf", cmd_iperf, "iperf -s | -c HOST", "iperf 2 server (port 5001) or client (lwiperf)");
