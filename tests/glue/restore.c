/*
 * The booted state, recorded and put back (tests/glue/glue.h):
 * glue_restore_init() records what glue_boot and the default nagare.rc
 * set up; glue_restore() restores all a console line can change (sysctls,
 * eth0's address, route, link, MTU, txqueuelen, the HTTP server, ARP, the
 * kernel log, the random generator), quiesces and checks it took.  While
 * a command runs, a loop hook plays the operator (Ctrl-C after a budget of
 * fake time) and the peer 10.0.2.2: echo replies, some duplicated, lost or
 * corrupted, and Destination Host Unreachable (RFC 792) for the rest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/loop.h"
#include "kernel/param.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "lwip/etharp.h"
#include "lwip/priv/tcp_priv.h"
#include "net/http/server_priv.h"
#include "net/ipv4/fib.h"
#include "net/ipv4/listen.h"
#include "net/core/netdev_priv.h"
#include "tests/glue/glue.h"
#include "tests/glue/wire.h"

#define BOOT_DMESG_MAX (64 * 1024)
#define SYSCTLS_MAX 256
#define ROUTES_MAX 32

/* What the booted world looks like: compared field by field. */
struct shape {
	uint32_t ip, mask;           /* host order */
	struct fib_route routes[ROUTES_MAX]; /* main's, then local's, in walk order */
	int nroutes, nmain;
	int up, admin_up, link_up, mtu, netif_mtu, txqueuelen;
	uint32_t root_handle;         /* 0: the default root qdisc (tc changed nothing) */
	const struct qdisc_ops *root_kind; /* the root's kind */
	struct http_config http;
	int http_running;
	struct listen_info http_q;   /* the HTTP listener's queues */
	int listeners;               /* lwIP listening PCBs (echo, iperf, HTTP) */
	int arp_stable;              /* ARP entries with an address (the static peer) */
	int sysctl[SYSCTLS_MAX];     /* INT values, in table order */
};

static struct shape booted;
static char boot_dmesg[BOOT_DMESG_MAX];
static int recorded;

static struct netdev *eth0(void)
{
	return netdev_get(0);
}

static uint32_t host(const ip4_addr_t *a)
{
	return lwip_ntohl(ip4_addr_get_u32(a));
}

static struct tcp_pcb_listen *listener_on(uint16_t port)
{
	for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
		if (l->local_port == port)
			return l;
	}
	return NULL;
}

static int add_route(const struct fib_route *r, void *ctx)
{
	struct shape *s = ctx;
	if (s->nroutes == ROUTES_MAX)
		abort();
	s->routes[s->nroutes++] = *r;
	return 0;
}

static int not_kernel(const struct fib_route *r, void *ctx)
{
	(void)ctx;
	return r->protocol != RTPROT_KERNEL;
}

static void measure(struct shape *s)
{
	memset(s, 0, sizeof(*s));
	struct netdev *dev = eth0();
	struct netif *nif = netdev_netif(dev);
	s->ip = host(netif_ip4_addr(nif));
	s->mask = host(netif_ip4_netmask(nif));
	fib_table_walk(&fib_main, add_route, s);
	s->nmain = s->nroutes;
	fib_table_walk(&fib_local, add_route, s);
	s->up = netif_is_up(nif);
	s->admin_up = netdev_state(dev)->admin_up;
	s->link_up = dev->link_up;
	s->mtu = dev->mtu;
	s->netif_mtu = nif->mtu;
	s->txqueuelen = netdev_state(dev)->txqueuelen;
	s->root_handle = netdev_state(dev)->qdisc ? netdev_state(dev)->qdisc->handle : 0;
	s->root_kind = netdev_state(dev)->qdisc ? netdev_state(dev)->qdisc->ops : NULL;
	s->http = http_config;
	s->http_running = http_running();
	struct tcp_pcb_listen *l = s->http_running ? listener_on(http_config.port) : NULL;
	if (l)
		listen_info_of((const struct tcp_pcb *)l, &s->http_q);
	for (l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
		s->listeners++;
	for (size_t i = 0; i < ARP_TABLE_SIZE; i++) {
		ip4_addr_t *ip;
		struct netif *n;
		struct eth_addr *mac;
		s->arp_stable += etharp_get_entry(i, &ip, &n, &mac);
	}
	if (sysctl_table_len > SYSCTLS_MAX)
		abort();
	for (size_t i = 0; i < sysctl_table_len; i++) {
		if (sysctl_table[i].type == SYSCTL_INT)
			s->sysctl[i] = *(int *)sysctl_table[i].data;
	}
}

static void hook_init(void);

int glue_restore_skips(const char *line)
{
	char copy[CONSOLE_LINE_MAX], *argv[CONSOLE_ARGV_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", line);
	int argc = cmdline_split(copy, argv, CONSOLE_ARGV_MAX);
	if (argc < 1)
		return 0;
	return !strcmp(argv[0], "panic-test") || !strcmp(argv[0], "poweroff") || !strcmp(argv[0], "reboot");
}

void glue_restore_init(void)
{
	glue_boot();
	if (recorded)
		return;
	recorded = 1;
	measure(&booted);
	snprintf(boot_dmesg, sizeof(boot_dmesg), "%s", glue_dmesg());
	hook_init();
}

/* ---- putting it back ------------------------------------------------------ */

static void restore_http(void)
{
	struct shape now;
	measure(&now);
	int same_queue = now.http_running && now.http.port == booted.http.port &&
			 !memcmp(&now.http_q, &booted.http_q, sizeof(now.http_q));
	if (now.http_running && !same_queue)
		http_stop();
	if (!same_queue && http_listen(booted.http.port, booted.http.backlog)) {
		fprintf(stderr, "glue_restore: HTTP cannot listen on port %u again\n", booted.http.port);
		abort();
	}
	http_pause(0);
	http_config = booted.http;
}

static void to_ip4(uint32_t h, ip4_addr_t *a)
{
	ip4_addr_set_u32(a, lwip_htonl(h));
}

static void restore_eth0(void)
{
	struct netdev *dev = eth0();
	struct netif *nif = netdev_netif(dev);
	if (dev->mtu != booted.mtu && netdev_set_mtu(dev, booted.mtu))
		abort();
	netdev_state(dev)->txqueuelen = booted.txqueuelen;
	struct qdisc *root = netdev_state(dev)->qdisc;
	if (root && (root->handle || root->ops != booted.root_kind) &&
	    netdev_qdisc_default(dev)) /* what `tc qdisc del dev eth0 root` does */
		abort();
	ip4_addr_t a, m;
	to_ip4(booted.ip, &a);
	to_ip4(booted.mask, &m);
	netif_set_addr(nif, &a, &m, IP4_ADDR_ANY4);
	netdev_set_up(dev, booted.admin_up);
	/* The kernel's routes followed the address and state; the others
	 * (nagare.rc's default route) go back as they were. */
	fib_table_flush_if(&fib_main, not_kernel, NULL);
	fib_table_flush_if(&fib_local, not_kernel, NULL);
	for (int i = 0; i < booted.nroutes; i++) {
		const struct fib_route *r = &booted.routes[i];
		if (r->protocol != RTPROT_KERNEL &&
		    fib_route_insert(i < booted.nmain ? &fib_main : &fib_local, r, FIB_NLM_F_CREATE | FIB_NLM_F_APPEND))
			abort();
	}
	/* Every entry goes (pending ones with their queued packets), then
	 * the peer's static entry comes back as glue_boot made it. */
	etharp_cleanup_netif(nif);
	ip4_addr_t peer;
	to_ip4(GLUE_PEER_IP, &peer);
	struct eth_addr mac;
	memcpy(mac.addr, glue_peer_mac, 6);
	if (etharp_add_static_entry(&peer, &mac) != ERR_OK)
		abort();
}

#define SAME(field)                                                                                \
	do {                                                                                       \
		if (a->field != b->field) {                                                        \
			fprintf(stderr, "glue_restore: %s is %ld %s, %ld %s\n", #field, (long)b->field, \
				bwhen, (long)a->field, awhen);                                     \
			bad = 1;                                                                   \
		}                                                                                  \
	} while (0)

/* Prints what differs between a (at awhen) and b (at bwhen); nonzero if anything does. */
static int differ(const struct shape *a, const char *awhen, const struct shape *b, const char *bwhen)
{
	int bad = 0;
	SAME(ip);
	SAME(mask);
	SAME(nroutes);
	for (int i = 0; i < a->nroutes && i < b->nroutes; i++) {
		if (memcmp(&a->routes[i], &b->routes[i], sizeof(a->routes[i]))) {
			fprintf(stderr, "glue_restore: route %d differs %s and %s\n", i, bwhen, awhen);
			bad = 1;
		}
	}
	SAME(up);
	SAME(admin_up);
	SAME(link_up);
	SAME(mtu);
	SAME(netif_mtu);
	SAME(txqueuelen);
	SAME(root_handle);
	SAME(root_kind);
	SAME(http.port);
	SAME(http.backlog);
	SAME(http.paused);
	SAME(http.header_timeout);
	SAME(http.keepalive_timeout);
	SAME(http_running);
	SAME(http_q.backlog);
	SAME(http_q.acceptq_max);
	SAME(http_q.synq_max);
	SAME(listeners);
	SAME(arp_stable);
	for (size_t i = 0; i < sysctl_table_len; i++) {
		if (a->sysctl[i] != b->sysctl[i]) {
			fprintf(stderr, "glue_restore: %s is %d %s, %d %s\n", sysctl_table[i].name,
				b->sysctl[i], bwhen, a->sysctl[i], awhen);
			bad = 1;
		}
	}
	return bad;
}

static struct shape marked;

void glue_restore_mark(void)
{
	measure(&marked);
}

int glue_restore_changed(void)
{
	struct shape now;
	measure(&now);
	return differ(&marked, "before", &now, "now");
}

static void check_restored(void)
{
	struct shape now;
	measure(&now);
	if (differ(&booted, "at boot", &now, "after the restore"))
		abort();
}

void glue_restore(void)
{
	if (!recorded)
		abort(); /* glue_restore_init() first */
	glue_restore_disarm();
	glue_sysctl_defaults(); /* before the listener: its queues are sized from sysctls */
	restore_http();
	restore_eth0();
	glue_quiesce();
	check_restored();
	glue_random_seed(0);
	glue_dmesg_clear();
	printk("%s", boot_dmesg);
	glue_console_clear();
}

/* ---- the operator and the peer while a command runs ------------------------- */

static struct {
	int armed;
	uint64_t deadline_ns; /* Ctrl-C from here on */
} op;

void glue_restore_arm(uint64_t budget_ms)
{
	op.armed = 1;
	op.deadline_ns = time_ns() + budget_ms * 1000000ULL;
	glue_uart_type(NULL, 0);
}

void glue_restore_disarm(void)
{
	op.armed = 0;
	glue_uart_type(NULL, 0);
}

static uint16_t csum(const uint8_t *b, size_t n)
{
	return (uint16_t)~wire_sum(b, n, 0);
}

/* A frame from the peer, in RX buffers of at most 1536 bytes each (a
 * jumbo reply needs several, as mergeable buffers deliver it). */
static void peer_send(uint8_t *icmp, size_t len, uint16_t id, int corrupt)
{
	static uint8_t frame[14 + 20 + 8 + 60 + WIRE_MAX];
	icmp[2] = icmp[3] = 0;
	uint16_t s = csum(icmp, len);
	icmp[2] = (uint8_t)(s >> 8), icmp[3] = (uint8_t)s;
	if (corrupt)
		icmp[len - 1] ^= 0xff;
	size_t n = wire_ip(frame, GLUE_PEER_IP, GLUE_IP, 1, id, 0, icmp, len), cuts[8];
	int ncuts = 0;
	for (size_t at = 1536; at < n && ncuts < 8; at += 1536)
		cuts[ncuts++] = at;
	glue_rx_split(frame, n, cuts, ncuts);
	if (corrupt)
		icmp[len - 1] ^= 0xff;
}

/* Echo requests to the peer come back (seq % 11 == 5 lost, % 7 == 3
 * twice, % 13 == 6 with a byte flipped after the checksum); requests the
 * peer would route elsewhere get Destination Host Unreachable. */
static void answer(const uint8_t *f, size_t len)
{
	static uint8_t icmp[8 + 60 + WIRE_MAX];
	struct wire_parsed p;
	if (len < 14 || len > WIRE_MAX || memcmp(f, glue_peer_mac, 6) || wire_parse(f, len, &p) ||
	    !p.icmp || p.icmp_type != 8 || (p.frag & 0x3fff) || p.saddr != GLUE_IP)
		return;
	uint16_t seq = (uint16_t)(p.data[-2] << 8 | p.data[-1]);
	if (p.daddr != GLUE_PEER_IP) {
		const uint8_t *ip = f + 14;
		size_t quote = (ip[0] & 0x0f) * 4u + 8;
		memset(icmp, 0, 8);
		icmp[0] = 3, icmp[1] = 1;
		memcpy(icmp + 8, ip, quote);
		peer_send(icmp, 8 + quote, seq, 0);
		return;
	}
	if (seq % 11 == 5)
		return;
	size_t n = 8 + p.len;
	memcpy(icmp, p.data - 8, n);
	icmp[0] = 0;
	for (int copies = seq % 7 == 3 ? 2 : 1; copies; copies--)
		peer_send(icmp, n, seq, seq % 13 == 6);
}

static int operator_poll(void)
{
	if (!op.armed)
		return 0;
	for (int i = 0; i < glue_tx_count(); i++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(i, &len);
		answer(f, len);
	}
	glue_tx_clear(); /* a long ping must not pile up frames */
	if (time_ns() >= op.deadline_ns)
		glue_uart_type("\x03", 1);
	return 0;
}

static const struct loop_hook operator_hook = { "glue-operator", operator_poll, NULL };

static void hook_init(void)
{
	loop_register(&operator_hook);
}
