/*
 * ARP requests lwIP received and whether to answer them (patch 0022,
 * LWIP_HOOK_ETHARP_REPLY): Linux 6.1's arp_process gathers what the
 * routing table and the interface's settings say about the request and
 * net/ipv4/arp_policy.c decides.  By default nagare answers for any of
 * its addresses on any interface (the weak host model, arp_ignore=0);
 * arp_ignore and arp_filter narrow it as Linux's do.  A request refused
 * by arp_filter because the route to the sender leaves through another
 * device counts TcpExt ArpFilter (LINUX_MIB_ARPFILTER).  The requests
 * nagare sends name a sender chosen as Linux's arp_solicit chooses it by
 * arp_announce (patch 0023, LWIP_HOOK_ETHARP_REQUEST_SRC).
 */
#include <stdint.h>

#include "lwip/def.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "net/core/counter.h"
#include "net/ipv4/arp_policy.h"
#include "net/ipv4/devinet.h"
#include "net/ipv4/fib.h"
#include "net/lwip/lwip_hooks.h"

uint64_t arp_filter_drops;
COUNTER(TcpExt, 85, ArpFilter, arp_filter_drops, NAMED, NULL,
	"ARP requests not answered because the route to their sender leaves through another interface (net.ipv4.conf.*.arp_filter).");

/* Linux's ip_route_input_slow refuses these sources before the FIB. */
static int martian_saddr(uint32_t s)
{
	return (s >> 28) == 0xe || s == 0xffffffffu || (s >> 24) == 0 || (s >> 24) == 127;
}

int net_arp_reply(struct netif *netif, const ip4_addr_t *sipaddr, const ip4_addr_t *dipaddr)
{
	uint32_t sip = lwip_ntohl(ip4_addr_get_u32(sipaddr));
	uint32_t tip = lwip_ntohl(ip4_addr_get_u32(dipaddr));
	int dev = fib_dev_index(netif);
	if (dev < 0) /* not one of ours: lwIP's own rule */
		return !ip4_addr_isany_val(*netif_ip4_addr(netif)) && ip4_addr_cmp(dipaddr, netif_ip4_addr(netif));

	uint32_t addr = 0, mask = 0;
	fib_dev_addr(dev, &addr, &mask);
	struct arp_facts f = {
		.arp_ignore = in_dev_arp_ignore(dev),
		.arp_filter = in_dev_arpfilter(dev),
		.tip_martian = (tip >> 24) == 127 || (tip >> 28) == 0xe,
		.sip_zero = sip == 0,
		.tip_local = fib_is_local(tip),
		.tip_on_dev = addr != 0 && tip == addr,
		.sip_in_dev_subnet = fib_dev_onlink(dev, sip),
	};
	if (!f.tip_martian && f.tip_local && !f.sip_zero)
		f.input_ok = !martian_saddr(sip) && fib_validate_source(sip, dev) == 0;
	if (f.arp_filter && f.input_ok) {
		struct fib_route r;
		f.route = ARP_ROUTE_NONE;
		if (fib_lookup(sip, &r) == 0) {
			switch (r.type) {
			case RTN_UNICAST:
			case RTN_BROADCAST:
				f.route = r.oif == dev ? ARP_ROUTE_DEV : ARP_ROUTE_OTHER;
				break;
			case RTN_LOCAL: /* Linux's output route to a local address is lo */
				f.route = ARP_ROUTE_OTHER;
				break;
			default: /* blackhole, unreachable, prohibit: an error */
				break;
			}
		}
	}
	switch (arp_reply_decide(&f)) {
	case ARP_REPLY:
		return 1;
	case ARP_DROP_FILTER:
		arp_filter_drops++;
		return 0;
	default:
		return 0;
	}
}

/* Linux's inet_select_addr(dev, dst, RT_SCOPE_LINK) with one address per
 * interface: dev's own, else the first interface's that has one (lo's
 * 127.0.0.1 is scope host, skipped), else 0. */
static uint32_t select_addr(int dev)
{
	uint32_t addr, mask;
	fib_dev_addr(dev, &addr, &mask);
	for (int i = 0; !addr && i < NETDEV_MAX; i++)
		fib_dev_addr(i, &addr, &mask);
	return addr;
}

void net_arp_request_src(struct netif *netif, const ip4_addr_t *dst, struct pbuf *q, ip4_addr_t *src)
{
	int dev = fib_dev_index(netif);
	if (dev < 0) /* not one of ours: lwIP's own sender, netif's address */
		return;
	uint32_t target = lwip_ntohl(ip4_addr_get_u32(dst));
	struct arp_solicit_facts f = {
		.arp_announce = in_dev_arp_announce(dev),
		.select = select_addr(dev),
	};
	/* the waiting packet's IPv4 source (Linux's ip_hdr(skb)->saddr), read
	 * only from a whole version 4 header inside the pbuf chain */
	struct ip_hdr iph;
	if (q && pbuf_copy_partial(q, &iph, sizeof(iph), 0) == sizeof(iph) && IPH_V(&iph) == 4) {
		f.have_saddr = 1;
		f.saddr = lwip_ntohl(ip4_addr_get_u32(&iph.src));
		f.saddr_local = f.saddr != 0 && fib_is_local(f.saddr);
		/* inet_addr_onlink: both inside the subnet of dev's address */
		f.onlink = fib_dev_onlink(dev, target) && fib_dev_onlink(dev, f.saddr);
	}
	ip4_addr_set_u32(src, lwip_htonl(arp_solicit_saddr(&f)));
}
