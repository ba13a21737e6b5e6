/*
 * The ARP decisions (net/ipv4/arp_policy.h): Linux 6.1's arp_process
 * for a request, arp_ignore() and arp_filter(); arp_solicit's choice of
 * sender address for a request we send.  Pure.
 */
#include "net/ipv4/arp_policy.h"

/*
 * Linux's arp_ignore(): inet_confirm_addr() over the incoming interface
 * (1, 2) or every interface (3), with scope host (1, 2: any address) or
 * link (3: not host-scope addresses).  nagare's interface addresses are
 * all scope global, so 3 answers for any local address, as 0 does.
 */
int arp_ignore_refuses(int mode, int tip_on_dev, int sip_in_dev_subnet, int tip_local)
{
	switch (mode) {
	case 0: /* any local address */
		return 0;
	case 1: /* the target on the incoming interface */
		return !tip_on_dev;
	case 2: /* and the sender in its subnet */
		return !(tip_on_dev && sip_in_dev_subnet);
	case 3: /* not for scope host addresses, on any interface */
		return !tip_local;
	case 8: /* never */
		return 1;
	default: /* 4-7 reserved, above 8: as 0 */
		return 0;
	}
}

enum arp_verdict arp_reply_decide(const struct arp_facts *f)
{
	if (f->tip_martian || !f->tip_local)
		return ARP_DROP;
	if (f->sip_zero) /* a probe: arp_ignore with no sender (2 as 1), no route input or arp_filter */
		return arp_ignore_refuses(f->arp_ignore, f->tip_on_dev, 1, 1) ? ARP_DROP : ARP_REPLY;
	if (!f->input_ok)
		return ARP_DROP;
	if (arp_ignore_refuses(f->arp_ignore, f->tip_on_dev, f->sip_in_dev_subnet, 1))
		return ARP_DROP;
	if (f->arp_filter) {
		/* arp_filter(): a failed route lookup refuses uncounted, a
		 * route through another device refuses and counts */
		if (f->route == ARP_ROUTE_NONE)
			return ARP_DROP;
		if (f->route == ARP_ROUTE_OTHER)
			return ARP_DROP_FILTER;
	}
	return ARP_REPLY;
}

/*
 * Linux's arp_solicit (net/ipv4/arp.c) by IN_DEV_ARP_ANNOUNCE: 0 (and any
 * value above 2, its default case) names the waiting packet's source if
 * it is local on any interface, the weak host model; 1 only if the target
 * can also reach it on this link ("saddr should be known to target");
 * 2 never.  Otherwise, and with no packet, inet_select_addr's choice.
 */
uint32_t arp_solicit_saddr(const struct arp_solicit_facts *f)
{
	uint32_t saddr = 0;
	if (f->have_saddr && f->saddr_local) {
		switch (f->arp_announce) {
		case 1:
			if (f->onlink)
				saddr = f->saddr;
			break;
		case 2:
			break;
		default:
			saddr = f->saddr;
			break;
		}
	}
	return saddr ? saddr : f->select;
}
