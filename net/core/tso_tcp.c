/*
 * The headers of a TSO bundle's next segment from tcp_output (patch 0032);
 * net/core/tso_tcp.h says when and why.
 */
#include "lwip/ip4.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "net/core/tso_tcp.h"

unsigned tso_more_pieces(const struct pbuf *p)
{
	unsigned n = 0;
	for (const struct pbuf *q = p->next; q; q = q->next)
		n += q->len != 0;
	return n;
}

/* The headers of t's next segment in front of p: 1; else 0, p as it was. */
static int headers(const struct tso_bundle *t, const struct tcp_pcb *pcb, struct pbuf *p)
{
	const uint8_t *ip = t->hdr + TCP4_ETH_HLEN;
	if (!IP_IS_V4(&pcb->remote_ip) || t->first.ihl != 20)
		return 0;
	uint32_t addrs[2];
	__builtin_memcpy(addrs, ip + 12, 8); /* inlined: the kernel's memcmp goes byte by byte */
	uint16_t id = (uint16_t)(((ip[4] << 8) | ip[5]) + t->segs);
	if (ip[1] != pcb->tos || ip[8] != pcb->ttl || addrs[0] != ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip)) ||
	    addrs[1] != ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip)) || ip4_id_next() != id)
		return 0;
	if (pbuf_add_header(p, TSO_L3_HLEN)) /* no room, or tot_len would wrap */
		return 0;
	uint8_t *f = p->payload;
	uint16_t iplen = (uint16_t)(p->tot_len - TCP4_ETH_HLEN);
	__builtin_memcpy(f, t->hdr, TSO_L3_HLEN); /* a fixed size: inlined */
	f[TCP4_ETH_HLEN + 2] = (uint8_t)(iplen >> 8);
	f[TCP4_ETH_HLEN + 3] = (uint8_t)iplen;
	f[TCP4_ETH_HLEN + 4] = (uint8_t)(id >> 8);
	f[TCP4_ETH_HLEN + 5] = (uint8_t)id;
	/* ip4_output leaves the header checksum 0 for our netifs (NETIF_CHECKSUM_GEN_IP
	 * is off): it is summed on the way to the device (net/core/netdev_txreq.c). */
	f[TCP4_ETH_HLEN + 10] = f[TCP4_ETH_HLEN + 11] = 0;
	return 1;
}

int tso_tcp_join(struct tso_bundle *t, const struct tcp_pcb *pcb, struct pbuf *p, uint32_t max_wire,
		 unsigned max_frags)
{
	if (!headers(t, pcb, p))
		return 0;
	if (!tso_join_l4(t, p->payload, p->len, p->tot_len, tso_more_pieces(p), max_wire, max_frags)) {
		pbuf_remove_header(p, TSO_L3_HLEN);
		return 0;
	}
	ip4_id_take();
	MIB2_STATS_INC(mib2.ipoutrequests);
	IP_STATS_INC(ip.xmit);
	return 1;
}
