/*
 * The `ip` command: iproute2's words, output shapes and error messages
 * for what lwIP has: one IPv4 address per device (ip addr), link state
 * and MTU (ip link), the ARP cache (ip neigh, /proc/net/stat/arp_cache);
 * ip route is net/ipv4/cmd_ip_route.c, over the routing table.
 * Every error is one line and changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "net/ipv4/cmd_ip_priv.h"
#include "net/ipv4/inet.h"
#include "net/core/netdev_priv.h"

static uint32_t host(const ip4_addr_t *a)
{
	return lwip_ntohl(ip4_addr_get_u32(a));
}

static void to_ip4(uint32_t h, ip4_addr_t *a)
{
	ip4_addr_set_u32(a, lwip_htonl(h));
}

struct netdev *ip_find_dev(const char *name)
{
	struct netdev *dev = netdev_by_name(name);
	if (!dev)
		con_printf("Cannot find device \"%s\"\n", name);
	return dev;
}

int ip_garbage(const char *word)
{
	con_printf("Error: either \"dev\" is duplicate, or \"%s\" is a garbage.\n", word);
	return 1;
}

/* ---- ip link ------------------------------------------------------------ */

static void show_flags(struct netdev *dev, char *buf, size_t n)
{
	struct netif *nif = netdev_netif(dev);
	int up = netif_is_up(nif), carrier = dev->link_up;
	snprintf(buf, n, "<%s%s%s>", up && !carrier ? "NO-CARRIER," : "", "BROADCAST",
		 up ? (carrier ? ",UP,LOWER_UP" : ",UP") : "");
}

static const char *operstate(struct netdev *dev)
{
	return netif_is_up(netdev_netif(dev)) && dev->link_up ? "UP" : "DOWN";
}

static void show_link(struct netdev *dev, int stats, int addr_mode)
{
	char flags[64];
	struct netdev_state *st = netdev_state(dev);
	show_flags(dev, flags, sizeof(flags));
	con_printf("%d: %s: %s mtu %d qdisc %s state %s %sgroup default qlen %d\n", dev->index,
		   dev->name, flags, dev->mtu, st->qdisc ? st->qdisc->ops->id : "noop", operstate(dev),
		   addr_mode ? "" : "mode DEFAULT ", st->txqueuelen);
	const uint8_t *m = dev->mac;
	con_printf("    link/ether %02x:%02x:%02x:%02x:%02x:%02x brd ff:ff:ff:ff:ff:ff\n", m[0], m[1],
		   m[2], m[3], m[4], m[5]);
	if (!stats)
		return;
	const struct netdev_stats *s = &dev->stats;
	con_printf("    RX:  bytes packets errors dropped  missed   mcast\n");
	con_printf("    %10lu %7lu %6lu %7lu %7u %7u\n", s->rx_bytes, s->rx_packets, s->rx_errors,
		   s->rx_dropped, 0, 0);
	con_printf("    TX:  bytes packets errors dropped carrier collsns\n");
	con_printf("    %10lu %7lu %6lu %7lu %7u %7u\n", s->tx_bytes, s->tx_packets, s->tx_errors,
		   s->tx_dropped, 0, 0);
}

/* "[dev] DEV" and nothing more, as iproute2 takes it: 0 and *dev (NULL if
 * no device was named), or 1 after the error is printed. */
static int dev_arg(int argc, char **argv, struct netdev **dev)
{
	*dev = NULL;
	for (int i = 0; i < argc; i++) {
		const char *name = argv[i];
		if (!strcmp(name, "dev")) {
			if (++i == argc) {
				con_printf("Command line is not complete. Try option \"help\"\n");
				return 1;
			}
			name = argv[i];
		}
		if (*dev)
			return ip_garbage(argv[i]);
		if (!(*dev = ip_find_dev(name)))
			return 1;
	}
	return 0;
}

static int link_show(int argc, char **argv, int stats)
{
	struct netdev *only;
	if (dev_arg(argc, argv, &only))
		return 1;
	for (int i = 0; i < netdev_count(); i++) {
		if (!only || netdev_get(i) == only)
			show_link(netdev_get(i), stats, 0);
	}
	return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 0);
	if (!*s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int link_set(int argc, char **argv)
{
	struct netdev *dev = NULL;
	int up = -1;
	long mtu = -1, qlen = -1;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "up") || !strcmp(argv[i], "down")) {
			up = argv[i][0] == 'u';
		} else if (!strcmp(argv[i], "mtu") || !strcmp(argv[i], "txqueuelen") ||
			   !strcmp(argv[i], "txqlen") || !strcmp(argv[i], "qlen")) {
			/* iproute2's words: "qlen" and "txqlen" are txqueuelen */
			int is_mtu = argv[i][0] == 'm';
			if (++i == argc) {
				con_printf("Command line is not complete. Try option \"help\"\n");
				return 1;
			}
			if (parse_int(argv[i], 0, 0x7fffffff, is_mtu ? &mtu : &qlen)) {
				con_printf("Error: argument \"%s\" is wrong: Invalid \"%s\" value\n", argv[i],
					   is_mtu ? "mtu" : "txqueuelen");
				return 1;
			}
		} else {
			const char *name = argv[i];
			if (!strcmp(name, "dev") && i + 1 < argc)
				name = argv[++i];
			if (dev)
				return ip_garbage(argv[i]);
			if (!(dev = ip_find_dev(name)))
				return 1;
		}
	}
	if (!dev) {
		con_printf("Not enough information: \"dev\" argument is required.\n");
		return 1;
	}
	if (mtu >= 0) {
		if (mtu > dev->max_mtu) {
			con_printf("Error: mtu greater than device maximum.\n");
			return 1;
		}
		if (mtu < 68) {
			con_printf("Error: mtu less than device minimum.\n");
			return 1;
		}
		if (netdev_set_mtu(dev, (int)mtu)) {
			con_printf("RTNETLINK answers: Invalid argument\n");
			return 1;
		}
	}
	/* Like Linux, a new txqueuelen is read when a pfifo is next
	 * created: the qdisc already there keeps its limit. */
	if (qlen >= 0)
		netdev_set_txqueuelen(dev, (int)qlen);
	if (up >= 0 && netdev_set_up(dev, up)) {
		con_printf("RTNETLINK answers: Cannot allocate memory\n");
		return 1;
	}
	return 0;
}

static int cmd_link(int argc, char **argv, int stats)
{
	if (argc == 0 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list") || !strcmp(argv[0], "ls"))
		return link_show(argc ? argc - 1 : 0, argv + (argc ? 1 : 0), stats);
	if (!strcmp(argv[0], "set"))
		return link_set(argc - 1, argv + 1);
	con_printf("Command \"%s\" is unknown, try \"ip link help\".\n", argv[0]);
	return 1;
}

/* ---- ip addr ------------------------------------------------------------ */

static void show_addr(struct netdev *dev)
{
	show_link(dev, 0, 1);
	struct netif *nif = netdev_netif(dev);
	if (ip4_addr_isany_val(*netif_ip4_addr(nif)))
		return;
	char a[16], b[16];
	uint32_t ip = host(netif_ip4_addr(nif)), mask = host(netif_ip4_netmask(nif));
	con_printf("    inet %s/%d brd %s scope global %s\n", inet_format(ip, a), inet_masklen(mask),
		   inet_format(ip | ~mask, b), dev->name);
	con_printf("       valid_lft forever preferred_lft forever\n");
}

/* "A/N dev D": parsed (*text is A/N as typed), or an iproute2 error printed. */
static int parse_addr_dev(int argc, char **argv, uint32_t *ip, int *len, struct netdev **dev,
			  const char **text)
{
	const char *prefix = NULL;
	*dev = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "dev")) {
			if (++i == argc) {
				con_printf("Command line is not complete. Try option \"help\"\n");
				return -1;
			}
			if (!(*dev = ip_find_dev(argv[i])))
				return -1;
		} else if (!strcmp(argv[i], "brd") || !strcmp(argv[i], "broadcast")) {
			i++; /* the broadcast address follows from the prefix */
		} else {
			if (!strcmp(argv[i], "local") && i + 1 < argc)
				i++;
			if (prefix) {
				ip_garbage(argv[i]);
				return -1;
			}
			prefix = argv[i];
		}
	}
	if (!prefix) {
		con_printf("Not enough information: \"local\" address is required.\n");
		return -1;
	}
	if (inet_parse_prefix(prefix, ip, len)) {
		con_printf("Error: any valid prefix is expected rather than \"%s\".\n", prefix);
		return -1;
	}
	if (!*dev) {
		con_printf("Not enough information: \"dev\" argument is required.\n");
		return -1;
	}
	*text = prefix;
	return 0;
}

static int addr_add(int argc, char **argv)
{
	uint32_t ip;
	int len;
	struct netdev *dev;
	const char *prefix;
	if (parse_addr_dev(argc, argv, &ip, &len, &dev, &prefix))
		return 1;
	struct netif *nif = netdev_netif(dev);
	if (!ip4_addr_isany_val(*netif_ip4_addr(nif))) {
		if (host(netif_ip4_addr(nif)) == ip) {
			con_printf("RTNETLINK answers: File exists\n");
			return 1;
		}
		con_printf("Error: %s already has an address; nagare keeps one IPv4 address per "
			   "device (ip addr del it first).\n", dev->name);
		return 1;
	}
	if (ip == 0) {
		con_printf("Error: any valid prefix is expected rather than \"%s\".\n", prefix);
		return 1;
	}
	ip4_addr_t a, m;
	to_ip4(ip, &a);
	to_ip4(inet_mask(len), &m);
	netif_set_addr(nif, &a, &m, netif_ip4_gw(nif));
	return 0;
}

static int addr_del(int argc, char **argv)
{
	uint32_t ip;
	int len;
	struct netdev *dev;
	const char *prefix;
	if (parse_addr_dev(argc, argv, &ip, &len, &dev, &prefix))
		return 1;
	struct netif *nif = netdev_netif(dev);
	if (ip4_addr_isany_val(*netif_ip4_addr(nif)) || host(netif_ip4_addr(nif)) != ip ||
	    (len != 32 && inet_mask(len) != host(netif_ip4_netmask(nif)))) {
		con_printf("RTNETLINK answers: Cannot assign requested address\n");
		return 1;
	}
	if (netif_default == nif)
		netif_set_default(NULL);
	netif_set_addr(nif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4);
	etharp_cleanup_netif(nif);
	return 0;
}

static int cmd_addr(int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list") || !strcmp(argv[0], "ls")) {
		struct netdev *only = NULL;
		for (int i = argc ? 1 : 0; i < argc; i++) {
			const char *name = argv[i];
			if (!strcmp(name, "dev") && i + 1 < argc)
				name = argv[++i];
			if (only)
				return ip_garbage(argv[i]);
			if (!(only = ip_find_dev(name)))
				return 1;
		}
		for (int i = 0; i < netdev_count(); i++) {
			if (!only || netdev_get(i) == only)
				show_addr(netdev_get(i));
		}
		return 0;
	}
	if (!strcmp(argv[0], "add"))
		return addr_add(argc - 1, argv + 1);
	if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		return addr_del(argc - 1, argv + 1);
	con_printf("Command \"%s\" is unknown, try \"ip address help\".\n", argv[0]);
	return 1;
}

/* ---- ip neigh ----------------------------------------------------------- */

/* "flush [dev] DEV": a word more is an error, and nothing is flushed. */
static int neigh_flush(int argc, char **argv)
{
	struct netdev *dev;
	if (dev_arg(argc, argv, &dev))
		return 1;
	if (!dev) {
		con_printf("Flush requires arguments.\n");
		return 1;
	}
	etharp_cleanup_netif(netdev_netif(dev));
	return 0;
}

static int cmd_neigh(int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list") || !strcmp(argv[0], "ls")) {
		char a[16];
		for (size_t i = 0; i < ARP_TABLE_SIZE; i++) {
			ip4_addr_t *ip;
			struct netif *nif;
			struct eth_addr *mac;
			if (!etharp_get_entry(i, &ip, &nif, &mac))
				continue;
			struct netdev *dev = netdev_of_netif(nif);
			const uint8_t *m = mac->addr;
			con_printf("%s dev %s lladdr %02x:%02x:%02x:%02x:%02x:%02x REACHABLE\n",
				   inet_format(host(ip), a), dev ? dev->name : "?", m[0], m[1], m[2], m[3],
				   m[4], m[5]);
		}
		return 0;
	}
	if (!strcmp(argv[0], "flush"))
		return neigh_flush(argc - 1, argv + 1);
	con_printf("Command \"%s\" is unknown, try \"ip neigh help\".\n", argv[0]);
	return 1;
}

/* /proc/net/stat/arp_cache in Linux 6.x's format (net/core/neighbour.c
 * neigh_stat_seq_show: a header, then one line per CPU of 13 %08x columns).
 * nagare counts two of them: entries (resolved entries: lwIP shows no
 * pending ones) and unresolved_discards (patch 0013); the others are 0. */
static void proc_arp_cache(void)
{
	unsigned entries = 0;
	for (size_t i = 0; i < ARP_TABLE_SIZE; i++) {
		ip4_addr_t *ip;
		struct netif *nif;
		struct eth_addr *mac;
		entries += etharp_get_entry(i, &ip, &nif, &mac) ? 1 : 0;
	}
	con_printf("entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast "
		   "rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n");
	con_printf("%08x %08x %08x %08x   %08x %08x %08x   %08x         %08x         %08x         "
		   "%08x       %08lx            %08x\n",
		   entries, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, etharp_unres_discards, 0);
}
PROC_FILE(arp_cache, "/proc/net/stat/arp_cache", proc_arp_cache);

/* ---- dispatch ----------------------------------------------------------- */

static int matches(const char *word, const char *full, size_t min)
{
	size_t n = strlen(word);
	return n >= min && n <= strlen(full) && !strncmp(word, full, n);
}

static int cmd_ip(int argc, char **argv)
{
	int i = 1, stats = 0;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-stats")) {
			stats = 1;
			i++;
			continue;
		}
		con_printf("Option \"%s\" is unknown, try \"ip -help\".\n", argv[i]);
		return 1;
	}
	if (i == argc) {
		con_printf("Usage: ip [ -s ] { link | address | route | neigh } { COMMAND | help }\n");
		return 1;
	}
	const char *obj = argv[i];
	int n = argc - i - 1;
	char **rest = argv + i + 1;
	if (matches(obj, "address", 1))
		return cmd_addr(n, rest);
	if (matches(obj, "link", 1))
		return cmd_link(n, rest, stats);
	if (matches(obj, "route", 1))
		return ip_route_main(n, rest);
	if (matches(obj, "neighbour", 1) || matches(obj, "neighbor", 1))
		return cmd_neigh(n, rest);
	con_printf("Object \"%s\" is unknown, try \"ip help\".\n", obj);
	return 1;
}
CONSOLE_CMD(ip, "ip", cmd_ip, "ip [-s] {addr|link|route|neigh} ...",
	    "network devices, addresses, routes, ARP cache (iproute2)");
