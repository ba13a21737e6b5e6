/*
 * What net/lwip/lwipopts.h references outside lwIP, for lwIP's unit suite on
 * the host (tests/lwip/lwip.mk, second run): the hooks of net/lwip/lwip_hooks.h
 * as the kernel behaves with no listener of ours (net/ipv4/listen.c) in the
 * way, and the sysctls lwipopts.h reads, at kernel/sysctl_table.c's
 * defaults (Linux's).  LWIP_CHKSUM is net/core/csum.c itself.
 */
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "net/lwip/lwip_hooks.h"

int sysctl_tcp_fin_timeout = 60;        /* s: net.ipv4.tcp_fin_timeout */
int sysctl_tcp_min_snd_mss = 48;        /* net.ipv4.tcp_min_snd_mss */
int sysctl_tcp_max_tw_buckets = 4096;   /* net.ipv4.tcp_max_tw_buckets */
int sysctl_neigh_unres_qlen_bytes = 212992; /* net.ipv4.neigh.default.unres_qlen_bytes */
int sysctl_icmp_echo_ignore_all;       /* net.ipv4.icmp_echo_ignore_all */
int sysctl_ip_default_ttl = 64;        /* net.ipv4.ip_default_ttl */

/* lwIP's own ISN without the hook: a number advanced by tcp_ticks.  The
 * suite pins it (test_tcp.c's setup steers it to 6510 through tcp_ticks),
 * which net.c's RFC 6528 ISN, keyed and clocked in ns, would not follow. */
u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
		  u16_t remote_port)
{
	static u32_t isn = 6510;
	LWIP_UNUSED_ARG(local_ip);
	LWIP_UNUSED_ARG(local_port);
	LWIP_UNUSED_ARG(remote_ip);
	LWIP_UNUSED_ARG(remote_port);
	isn += tcp_ticks;
	return isn;
}

/* net/ipv4/listen.c admits segments for its listeners; none here: let all in. */
err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
		       u8_t *opt2, struct pbuf *p)
{
	LWIP_UNUSED_ARG(pcb);
	LWIP_UNUSED_ARG(hdr);
	LWIP_UNUSED_ARG(optlen);
	LWIP_UNUSED_ARG(opt1len);
	LWIP_UNUSED_ARG(opt2);
	LWIP_UNUSED_ARG(p);
	return ERR_OK;
}

/* Accept queue never full: a final ACK establishes (patch 0003's 0). */
int net_tcp_synrcvd_ack(struct tcp_pcb *pcb)
{
	LWIP_UNUSED_ARG(pcb);
	return 0;
}

/* Half-open connections (patch 0012): the suite has no test of the SYN-ACK
 * timer (tests/unit test_listen_size.c and the glue tests cover
 * net/ipv4/listen.c's); a copy of the SYN is answered as stock lwIP does. */
void net_tcp_synrcvd_rst(struct tcp_pcb *pcb)
{
	LWIP_UNUSED_ARG(pcb);
}

void net_tcp_synrcvd_dupsyn(struct tcp_pcb *pcb)
{
	tcp_rexmit(pcb);
}

int net_tcp_synrcvd_timer(struct tcp_pcb *pcb)
{
	LWIP_UNUSED_ARG(pcb);
	return 0;
}

/* TCP Small Queues (patch 0018): the suite's netif has no qdisc, so no
 * connection is ever held back (tests/glue test_qdisc.c covers net/ipv4/tsq.c). */
int net_tcp_output_throttled(struct tcp_pcb *pcb)
{
	LWIP_UNUSED_ARG(pcb);
	return 0;
}

/* TSO bundles (patch 0032): the suite's netif has none, so every segment
 * goes down ip4_output (tests/glue test_tso.c covers net/core/netdev_tso.c). */
int net_tcp_output_join(struct tcp_pcb *pcb, struct pbuf *p, struct netif *netif)
{
	LWIP_UNUSED_ARG(pcb);
	LWIP_UNUSED_ARG(p);
	LWIP_UNUSED_ARG(netif);
	return 0;
}

/* ICMP errors (patch 0020): never rate limited here (tests/unit
 * test_icmp_xrlim.c and tests/glue test_icmp.c cover net/ipv4/icmp.c). */
int net_icmp_err_allow(struct pbuf *p, u8_t type, u8_t code)
{
	LWIP_UNUSED_ARG(p);
	LWIP_UNUSED_ARG(type);
	LWIP_UNUSED_ARG(code);
	return 1;
}

/* Echo requests (patch 0014): icmp_echo_ignore_all alone; no routing
 * table here (tests/glue test_icmp.c covers net/ipv4/icmp.c's rule). */
int net_icmp_echo_ignore(void)
{
	return sysctl_icmp_echo_ignore_all != 0;
}

/* IPv4 input checks (net/ipv4/ip_input.c): none here, lwIP's own input runs. */
int net_ip4_input(struct pbuf *p, struct netif *inp)
{
	LWIP_UNUSED_ARG(p);
	LWIP_UNUSED_ARG(inp);
	return 0;
}

/* No routing table (net/ipv4/fib.c): lwIP's own rule, which the suite's
 * tests expect: the first interface up whose subnet holds dest (or whose
 * point-to-point peer is dest), else the default interface; and its
 * gateway for destinations off the subnet. */
struct netif *net_fib_route(const ip4_addr_t *dest)
{
	struct netif *netif;
	NETIF_FOREACH(netif) {
		if (!netif_is_up(netif) || !netif_is_link_up(netif) || ip4_addr_isany_val(*netif_ip4_addr(netif)))
			continue;
		if (ip4_addr_netcmp(dest, netif_ip4_addr(netif), netif_ip4_netmask(netif)) ||
		    (!(netif->flags & NETIF_FLAG_BROADCAST) && ip4_addr_cmp(dest, netif_ip4_gw(netif))))
			return netif; /* its subnet, or the peer of a point-to-point link */
	}
	if (netif_default == NULL || !netif_is_up(netif_default) || !netif_is_link_up(netif_default) ||
	    ip4_addr_isany_val(*netif_ip4_addr(netif_default)))
		return NULL;
	return netif_default;
}

const ip4_addr_t *net_fib_gw(struct netif *netif, const ip4_addr_t *dest)
{
	if (ip4_addr_netcmp(dest, netif_ip4_addr(netif), netif_ip4_netmask(netif)) || ip4_addr_islinklocal(dest))
		return dest;
	return ip4_addr_isany_val(*netif_ip4_gw(netif)) ? NULL : netif_ip4_gw(netif);
}

/* ARP replies (patch 0022): lwIP's own rule, a request for the incoming
 * interface's configured address. */
int net_arp_reply(struct netif *netif, const ip4_addr_t *sipaddr, const ip4_addr_t *dipaddr)
{
	(void)sipaddr;
	return !ip4_addr_isany_val(*netif_ip4_addr(netif)) && ip4_addr_cmp(dipaddr, netif_ip4_addr(netif));
}

/* ARP requests (patch 0023): lwIP's own sender, the interface's address. */
void net_arp_request_src(struct netif *netif, const ip4_addr_t *dst, struct pbuf *q, ip4_addr_t *src)
{
	(void)netif, (void)dst, (void)q, (void)src;
}
