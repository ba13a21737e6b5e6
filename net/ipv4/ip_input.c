/*
 * IPv4 input ahead of lwIP's ip4_input (LWIP_HOOK_IP4_INPUT, called once
 * the version is known to be 4): the decisions Linux takes in ip_rcv and
 * ip_route_input before a packet reaches a protocol.  Returns nonzero
 * when the packet was taken (and freed), as lwIP's hook expects.
 *
 * The route input follows Linux 6.1's ip_route_input_slow: impossible
 * sources (multicast, limited broadcast, 0/8, loopback) and destinations
 * (0/8, loopback) are martians; a packet for one of our addresses, a
 * broadcast or a multicast group passes the reverse-path check
 * (fib_validate_source, net/ipv4/rp_filter.c) first.  A failed check
 * drops the packet; a packet for elsewhere goes to ip_forward.c when the
 * interface forwards.  -EXDEV (rp_filter) counts IPReversePathFilter as
 * ip_rcv_finish_core does, and with log_martians the kernel log gets
 * Linux's lines (ip_handle_martian_source), rate limited.  A packet
 * whose header is malformed or whose checksum is wrong is left to lwIP,
 * which drops and counts it as Linux's ip_rcv_core does before routing.
 */
#include <errno.h>
#include <stdio.h>

#include "lwip/opt.h"
#include "lwip/inet_chksum.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip4.h"

#include "kernel/printk.h"
#include "net/core/counter.h"
#include "net/core/net.h"
#include "net/core/netdev_priv.h"
#include "net/ipv4/devinet.h"
#include "net/ipv4/fib.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/ip_forward.h"
#include "net/ipv4/inet.h"
#include "net/lwip/lwip_hooks.h"

uint64_t ip_rp_filter_drops;
COUNTER(TcpExt, 95, IPReversePathFilter, ip_rp_filter_drops, NAMED, NULL,
	"Packets dropped by the reverse-path filter (net.ipv4.conf.*.rp_filter).");
uint64_t ip_martian_sources, ip_martian_dsts;
COUNTER(NagareExt, 200, InMartianSrc, ip_martian_sources, NAMED, NULL,
	"Packets dropped for an impossible source address or a failed reverse-path check (Linux: rt_cache in_martian_src).");
COUNTER(NagareExt, 210, InMartianDst, ip_martian_dsts, NAMED, NULL,
	"Packets dropped for an impossible destination address (Linux: rt_cache in_martian_dst).");

/* Linux's print_hex_dump(KERN_WARNING, "ll header: ", DUMP_PREFIX_OFFSET,
 * 16, 1, ...) of the Ethernet header in front of the IP header. */
static void log_ll_header(struct pbuf *p)
{
	if (pbuf_add_header_force(p, SIZEOF_ETH_HDR))
		return;
	const uint8_t *h = p->payload;
	char line[16 * 3 + 1];
	for (int i = 0; i < SIZEOF_ETH_HDR; i++)
		snprintf(line + 3 * i, 4, "%02x%s", h[i], i + 1 < SIZEOF_ETH_HDR ? " " : "");
	pbuf_remove_header(p, SIZEOF_ETH_HDR);
	printk("ll header: 00000000: %s\n", line);
}

static int bad_checksum(struct pbuf *p, unsigned hlen)
{
	return inet_chksum(p->payload, (u16_t)hlen) != 0;
}

/* martian_source: ip_handle_martian_source, then the drop. */
static int martian_source(struct pbuf *p, unsigned hlen, int iif, uint32_t src, uint32_t dst, int err)
{
	if (bad_checksum(p, hlen))
		return 0; /* lwIP counts it as a header error first, as Linux does */
	ip_martian_sources++;
	if (err == -EXDEV)
		ip_rp_filter_drops++;
	if (iif >= 0 && in_dev_log_martians(iif) && net_ratelimit()) {
		char d[16], s[16];
		printk("martian source %s from %s, on dev %s\n", inet_format(dst, d), inet_format(src, s),
		       netdev_get(iif)->name);
		log_ll_header(p);
	}
	pbuf_free(p);
	return 1;
}

static int martian_destination(struct pbuf *p, unsigned hlen, int iif, uint32_t src, uint32_t dst)
{
	if (bad_checksum(p, hlen))
		return 0;
	ip_martian_dsts++;
	if (iif >= 0 && in_dev_log_martians(iif) && net_ratelimit()) {
		char d[16], s[16];
		printk("martian destination %s from %s, dev %s\n", inet_format(dst, d), inet_format(src, s),
		       netdev_get(iif)->name);
	}
	pbuf_free(p);
	return 1;
}

static int zeronet(uint32_t a)
{
	return (a >> 24) == 0;
}

static int loopback(uint32_t a)
{
	return (a >> 24) == 127;
}

static int multicast(uint32_t a)
{
	return (a >> 28) == 0xe;
}

/* ip_route_input_slow's checks: 0 lets lwIP go on, 1 took the packet. */
static int route_input(struct pbuf *p, struct netif *inp, unsigned hlen, uint32_t src, uint32_t dst)
{
	int iif = fib_dev_index(inp);
	if (iif < 0)
		return 0;
	if (multicast(src) || src == 0xffffffffu)
		return martian_source(p, hlen, iif, src, dst, -EINVAL);
	int err;
	if (dst == 0xffffffffu || (src == 0 && dst == 0) || multicast(dst))
		goto brd_input;
	if (zeronet(src))
		return martian_source(p, hlen, iif, src, dst, -EINVAL);
	if (zeronet(dst))
		return martian_destination(p, hlen, iif, src, dst);
	if (loopback(dst))
		return martian_destination(p, hlen, iif, src, dst);
	if (loopback(src))
		return martian_source(p, hlen, iif, src, dst, -EINVAL);
	const struct fib_route *r = fib_lookup_input(dst);
	if (r && r->type == RTN_BROADCAST)
		goto brd_input;
	if (r && r->type == RTN_LOCAL) {
		err = fib_validate_source(src, iif);
		return err < 0 ? martian_source(p, hlen, iif, src, dst, err) : 0;
	}
	if (!in_dev_forward(iif))
		return 0; /* not ours: lwIP drops it (IpInAddrErrors) */
	if (r && r->type == RTN_UNICAST) {
		err = fib_validate_source(src, iif); /* __mkroute_input */
		if (err < 0)
			return martian_source(p, hlen, iif, src, dst, err);
	}
	return ip_forward(p, inp, iif, r, src);
brd_input:
	if (src == 0)
		return 0;
	err = fib_validate_source(src, iif);
	return err < 0 ? martian_source(p, hlen, iif, src, dst, err) : 0;
}

int net_ip4_input(struct pbuf *p, struct netif *inp)
{
	if (p->len < IP_HLEN)
		return 0;
	const struct ip_hdr *iph = p->payload;
	unsigned hlen = IPH_HL_BYTES(iph);
	if (hlen < IP_HLEN || hlen > p->len || lwip_ntohs(IPH_LEN(iph)) < hlen ||
	    lwip_ntohs(IPH_LEN(iph)) > p->tot_len)
		return 0; /* lwIP drops and counts it */
	uint32_t src = lwip_ntohl(ip4_addr_get_u32(&iph->src));
	uint32_t dst = lwip_ntohl(ip4_addr_get_u32(&iph->dest));
	if (route_input(p, inp, hlen, src, dst))
		return 1;
	return icmp_in_filter(p, inp);
}
