/*
 * iperf (version 2 protocol) over lwIP's lwiperf app: `iperf -s` listens
 * on port 5001 (clients may ask for the reverse test with -r/-d), and
 * `iperf -c HOST` sends to an iperf -s elsewhere for 10 s.  Results are
 * printed when each test ends (tests run in the background).
 */
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/apps/lwiperf.h"
#include "lwip/ip_addr.h"
#include "net/inet.h"

static void *server;
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

static int cmd_iperf(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "-s")) {
		if (server) {
			con_printf("iperf: server already listening on port %d\n", LWIPERF_TCP_PORT_DEFAULT);
			return 0;
		}
		server = lwiperf_start_tcp_server_default(report, NULL);
		if (!server) {
			con_printf("iperf: cannot listen on port %d\n", LWIPERF_TCP_PORT_DEFAULT);
			return 1;
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
