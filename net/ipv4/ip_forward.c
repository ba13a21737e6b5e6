/*
 * Router mode: a packet received on an interface with forwarding on
 * (net.ipv4.ip_forward, conf.IFACE.forwarding) and not addressed to us
 * leaves through the route the FIB gives, as Linux 6.1's
 * ip_route_input_slow, ip_forward and ip_error do it:
 *  - no route: ICMP network unreachable, IpExt InNoRoutes;
 *  - blackhole: dropped silently; unreachable: ICMP host unreachable;
 *    prohibit: ICMP communication administratively prohibited (code 13);
 *  - the source fails the reverse-path check: a martian (ip_input.c);
 *  - TTL 1 or less: ICMP time exceeded, Ip InHdrErrors;
 *  - longer than the way out's MTU: with DF, ICMP fragmentation needed
 *    carrying that MTU (RFC 1191; never rate limited, as Linux), Ip
 *    FragFails; without, fragmented (lwIP's ip4_frag);
 *  - leaving by the interface it came in on, with send_redirects and a
 *    source on that link: an ICMP host redirect to the next hop (RFC 792),
 *    backing off per host as ip_rt_send_redirect (at most 9, then silence;
 *    with log_martians its "ignores redirects" line), and the packet still
 *    goes (Linux's RTCF_DOREDIRECT);
 *  - else TTL minus one, a new header checksum, Ip ForwDatagrams, and out
 *    through the egress device's qdisc (etharp_output resolves the next
 *    hop through the FIB, patch 0021).
 * The errors other than fragmentation-needed go through lwIP's
 * icmp_dest_unreach / icmp_time_exceeded, so icmp_ratelimit limits them;
 * the unreachables first pass ip_error's own limit, one a second to a
 * host after a burst of five (net_ip_error_allow, net/ipv4/icmp_xrlim.h).
 */
#include <stdint.h>
#include <string.h>

#include "lwip/opt.h"
#include "lwip/def.h"
#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/ip4_frag.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/stats.h"

#include "kernel/printk.h"
#include "net/core/counter.h"
#include "net/core/net.h"
#include "net/core/netdev_priv.h"
#include "net/ipv4/devinet.h"
#include "net/ipv4/fib.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/icmp_xrlim.h"
#include "net/ipv4/inet.h"
#include "net/ipv4/ip_forward.h"

uint64_t ip_in_noroutes, ip_redirects_sent;
COUNTER(IpExt, 5, InNoRoutes, ip_in_noroutes, NAMED, NULL,
	"Packets to forward with no route: answered with ICMP network unreachable.");
/* Linux counts redirects in Icmp OutRedirects, shown by type as IcmpMsg
 * OutType5 (its icmp_out_count). */
COUNTER(Icmp, 205, OutRedirects, ip_redirects_sent, HIST, "redirects",
	"ICMP redirects sent for packets forwarded back out of the interface they came in on.");
COUNTER_ROW(IcmpMsg, 135, OutType5, HIST, COUNTER_F_NOMETRIC, sizeof(ip_redirects_sent),
	    { .p = &ip_redirects_sent }, "OutType5", NULL);

#define ICMP_DUR_PKT_FILTERED 13 /* RFC 1812: communication administratively prohibited */

/* An ICMP error about p (payload at its IP header) with the 32-bit word
 * after the checksum set (the gateway of a redirect, the MTU of a
 * fragmentation-needed), to p's source, out by the FIB's route. */
static void icmp_error(struct pbuf *p, uint8_t type, uint8_t code, uint32_t word)
{
	const struct ip_hdr *iph = p->payload;
	u16_t hlen = IPH_HL_BYTES(iph);
	u16_t quote = (u16_t)LWIP_MIN(p->tot_len, hlen + 8);
	struct pbuf *q = pbuf_alloc(PBUF_IP, (u16_t)(8 + quote), PBUF_RAM);
	if (!q)
		return;
	uint8_t *m = q->payload;
	m[0] = type, m[1] = code, m[2] = m[3] = 0;
	word = lwip_htonl(word);
	memcpy(m + 4, &word, 4);
	pbuf_copy_partial(p, m + 8, quote, 0);
	u16_t c = inet_chksum(m, (u16_t)(8 + quote));
	memcpy(m + 2, &c, 2);
	ip4_addr_t to;
	ip4_addr_copy(to, iph->src);
	struct netif *out = ip4_route(&to);
	if (out) {
		MIB2_STATS_INC(mib2.icmpoutmsgs);
		if (type == ICMP_DUR)
			MIB2_STATS_INC(mib2.icmpoutdestunreachs);
		ip4_output_if(q, NULL, &to, ICMP_TTL, 0, IP_PROTO_ICMP, out);
	}
	pbuf_free(q);
}

int ip_forward(struct pbuf *p, struct netif *inp, int iif, const struct fib_route *r, uint32_t src)
{
	struct ip_hdr *iph = p->payload;
	u16_t hlen = IPH_HL_BYTES(iph), len = lwip_ntohs(IPH_LEN(iph));
	if (inet_chksum(iph, hlen) != 0)
		return 0; /* lwIP counts the bad header */
	int code;
	if (!r) {
		ip_in_noroutes++;
		code = ICMP_DUR_NET;
		goto error;
	}
	switch (r->type) {
	case RTN_UNICAST:
		break;
	case RTN_UNREACHABLE:
		code = ICMP_DUR_HOST;
		goto error;
	case RTN_PROHIBIT:
		code = ICMP_DUR_PKT_FILTERED;
		goto error;
	default: /* blackhole, and what cannot be forwarded */
		goto drop;
	}
	struct netif *out = fib_dev_netif(r->oif);
	if (!out)
		goto drop;
	if (IPH_TTL(iph) <= 1) {
		MIB2_STATS_INC(mib2.ipinhdrerrors);
		icmp_time_exceeded(p, ICMP_TE_TTL);
		goto drop;
	}
	if (p->tot_len > len)
		pbuf_realloc(p, len); /* the Ethernet padding stays behind */
	uint32_t nexthop = r->gw && !fib_is_local(r->gw) ? r->gw : lwip_ntohl(ip4_addr_get_u32(&iph->dest));
	if (r->oif == iif && in_dev_tx_redirects(iif)) {
		/* inet_addr_onlink: the source is on the interface's network. */
		int v;
		if (fib_dev_onlink(iif, src) && (v = net_ip_redirect_allow(src))) {
			ip_redirects_sent++;
			icmp_error(p, ICMP_RD, 1 /* host */, nexthop);
			if (v == ICMP_XRLIM_REDIRECT_LAST && in_dev_log_martians(iif) && net_ratelimit()) {
				char s[16], d[16], g[16];
				printk("host %s/if%d ignores redirects for %s to %s\n", inet_format(src, s),
				       netdev_get(iif)->index, inet_format(lwip_ntohl(ip4_addr_get_u32(&iph->dest)), d),
				       inet_format(nexthop, g));
			}
		}
	}
	IPH_TTL_SET(iph, IPH_TTL(iph) - 1);
	IPH_CHKSUM_SET(iph, 0);
	IPH_CHKSUM_SET(iph, inet_chksum(iph, hlen));
	ip4_addr_t dst;
	ip4_addr_copy(dst, iph->dest);
	if (out->mtu && len > out->mtu) {
		if (IPH_OFFSET(iph) & PP_HTONS(IP_DF)) {
			/* the quote carries the TTL as received */
			IPH_TTL_SET(iph, IPH_TTL(iph) + 1);
			IPH_CHKSUM_SET(iph, 0);
			IPH_CHKSUM_SET(iph, inet_chksum(iph, hlen));
			MIB2_STATS_INC(mib2.ipfragfails);
			icmp_error(p, ICMP_DUR, ICMP_DUR_FRAG, out->mtu);
			goto drop;
		}
		MIB2_STATS_INC(mib2.ipforwdatagrams);
		ip4_frag(p, out, &dst);
		goto drop;
	}
	MIB2_STATS_INC(mib2.ipforwdatagrams);
	IP_STATS_INC(ip.fw);
	if (pbuf_add_header(p, SIZEOF_ETH_HDR) == 0) {
		pbuf_remove_header(p, SIZEOF_ETH_HDR);
		out->output(out, p, &dst);
	} else {
		/* A frame lent zero copy from the driver's buffer (PBUF_REF)
		 * takes no Ethernet header in front: copy it out, which also
		 * gives the buffer back before the frame waits for ARP or in
		 * the qdisc. */
		struct pbuf *q = pbuf_clone(PBUF_LINK, PBUF_RAM, p);
		if (q) {
			out->output(out, q, &dst);
			pbuf_free(q);
		} else {
			MIB2_STATS_INC(mib2.ipoutdiscards);
		}
	}
	goto drop;
error:
	if (net_ip_error_allow(src))
		icmp_dest_unreach(p, (enum icmp_dur_type)code);
drop:
	pbuf_free(p);
	(void)inp;
	return 1;
}
