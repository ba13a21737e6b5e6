/*
 * ARP requests lwIP received and whether to answer them (patch 0022,
 * LWIP_HOOK_ETHARP_REPLY): Linux 6.1's arp_process gathers what the
 * routing table and the interface's settings say about the request and
 * net/ipv4/arp_policy.c decides.  By default nagare answers for any of
 * its addresses on any interface (the weak host model, arp_ignore=0);
 * arp_ignore and arp_filter narrow it as Linux's do.  A request refused
 * by arp_filter because the route to the sender leaves through another
 * device counts TcpExt ArpFilter (LINUX_MIB_ARPFILTER).
 */
#include <stdint.h>

#include "lwip/def.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
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
		.sip_in_dev_subnet = addr != 0 && (sip & mask) == (addr & mask),
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
