/*
 * nagare's ICMP policy (net/ipv4/icmp.h), after Linux 6.1.y's
 * net/ipv4/icmp.c: icmp_in_filter takes, from net_ip4_input, the messages
 * Linux's icmp_rcv refuses for a broadcast or multicast destination
 * (RFC 1122 3.2.2.6, 3.2.2.8) and logs bogus errors as icmp_unreach does;
 * net_icmp_err_allow (patch 0020) rate-limits the errors lwIP sends, with
 * net/ipv4/icmp_xrlim.c's decisions.  Echo requests to us when
 * icmp_echo_ignore_all is set are patch 0014's, inside lwIP's icmp_input.
 */
#include <stdint.h>
#include <string.h>

#include "kernel/printk.h"
#include "net/core/net.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "lwip/def.h"
#include "lwip/ip.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "lwip/stats.h"
#include "net/core/counter.h"
#include "net/core/csum.h"
#include "net/core/netdev_priv.h"
#include "net/core/siphash.h"
#include "net/ipv4/fib.h"
#include "net/ipv4/icmp.h"
#include "net/ipv4/icmp_xrlim.h"
#include "net/lwip/lwip_hooks.h"

enum { /* RFC 792 types, Linux's names (include/uapi/linux/icmp.h) */
	ICMP_ECHOREPLY = 0, ICMP_DEST_UNREACH = 3, ICMP_SOURCE_QUENCH = 4, ICMP_REDIRECT = 5,
	ICMP_ECHO = 8, ICMP_TIME_EXCEEDED = 11, ICMP_PARAMETERPROB = 12, ICMP_TIMESTAMP = 13,
	ICMP_TIMESTAMPREPLY = 14, ICMP_ADDRESS = 17, ICMP_ADDRESSREPLY = 18, NR_ICMP_TYPES = 18,
	ICMP_EXT_ECHO = 42, ICMP_EXT_ECHOREPLY = 43,
	ICMP_EXC_FRAGTIME = 1, NR_ICMP_UNREACH = 15,
};

uint64_t icmp_out_ratelimit_global, icmp_out_ratelimit_host;
/* Linux 6.1.y's /proc/net/snmp has both after OutErrors (since 6.1.10x,
 * with "icmp: change the order of rate limits"; mainline 6.5 and 6.11);
 * net-tools 2.10 knows no sentence for them. */
COUNTER(Icmp, 172, OutRateLimitGlobal, icmp_out_ratelimit_global, NAMED, NULL,
	"ICMP errors not sent: over net.ipv4.icmp_msgs_per_sec.");
COUNTER(Icmp, 174, OutRateLimitHost, icmp_out_ratelimit_host, NAMED, NULL,
	"ICMP errors not sent: over net.ipv4.icmp_ratelimit for their destination.");

/* ---- input ------------------------------------------------------------- */

/* The ones'-complement sum of len bytes of p from off (even), folded, not
 * complemented: 0xffff over a message whose checksum is right. */
static uint16_t pbuf_sum(const struct pbuf *p, uint16_t off, uint16_t len)
{
	uint8_t buf[256]; /* even: every chunk but the last has an even length */
	uint32_t s = 0;
	while (len) {
		uint16_t n = len < sizeof(buf) ? len : (uint16_t)sizeof(buf);
		if (pbuf_copy_partial(p, buf, n, off) != n)
			return 0;
		s += csum_sum(buf, n);
		off = (uint16_t)(off + n);
		len = (uint16_t)(len - n);
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Linux's inet_addr_type() == RTN_BROADCAST as lwIP sees it: 255.255.255.255,
 * 0.0.0.0 (lwIP takes it as broadcast) or a directed broadcast of any
 * interface's subnet (lwIP's ip4_input accepts those on any of them). */
static int is_broadcast(uint32_t addr)
{
	struct netif *n;
	NETIF_FOREACH(n) {
		if (ip4_addr_isbroadcast_u32(addr, n))
			return 1;
	}
	return 0;
}

/* One of our addresses (lwIP's ip4_input takes unicast only for those). */
static int is_local(uint32_t addr)
{
	struct netif *n;
	NETIF_FOREACH(n) {
		if (netif_is_up(n) && ip4_addr_get_u32(netif_ip4_addr(n)) == addr)
			return 1;
	}
	return 0;
}

/* icmp_rcv's per-type input counters (IcmpMsg InTypeN). */
static void count_in_type(uint8_t type)
{
	switch (type) {
	case ICMP_ECHOREPLY: MIB2_STATS_INC(mib2.icmpinechoreps); break;
	case ICMP_DEST_UNREACH: MIB2_STATS_INC(mib2.icmpindestunreachs); break;
	case ICMP_SOURCE_QUENCH: MIB2_STATS_INC(mib2.icmpinsrcquenchs); break;
	case ICMP_REDIRECT: MIB2_STATS_INC(mib2.icmpinredirects); break;
	case ICMP_ECHO: MIB2_STATS_INC(mib2.icmpinechos); break;
	case ICMP_TIME_EXCEEDED: MIB2_STATS_INC(mib2.icmpintimeexcds); break;
	case ICMP_PARAMETERPROB: MIB2_STATS_INC(mib2.icmpinparmprobs); break;
	case ICMP_TIMESTAMP: MIB2_STATS_INC(mib2.icmpintimestamps); break;
	case ICMP_TIMESTAMPREPLY: MIB2_STATS_INC(mib2.icmpintimestampreps); break;
	case ICMP_ADDRESS: MIB2_STATS_INC(mib2.icmpinaddrmasks); break;
	case ICMP_ADDRESSREPLY: MIB2_STATS_INC(mib2.icmpinaddrmaskreps); break;
	default: break;
	}
}

/* icmp_unreach with icmp_ignore_bogus_error_responses=0: an error whose
 * quoted datagram went to a broadcast address is logged (and, in Linux,
 * not passed to the transport; lwIP passes no error to one anyway). */
static void bogus_error(const struct pbuf *p, struct netif *inp, uint16_t ihl, const uint8_t *icmph,
			uint16_t icmp_len)
{
	uint8_t in[IP_HLEN]; /* the quoted IP header */
	if (sysctl_icmp_ignore_bogus_error_responses || icmp_len < 8 + IP_HLEN)
		return;
	if (icmph[0] == ICMP_TIME_EXCEEDED && icmph[1] == ICMP_EXC_FRAGTIME)
		return;
	if (icmph[0] == ICMP_DEST_UNREACH && icmph[1] > NR_ICMP_UNREACH)
		return;
	if (pbuf_copy_partial(p, in, sizeof(in), (uint16_t)(ihl + 8)) != sizeof(in) || (in[0] & 0x0f) < 5)
		return; /* Linux: InErrors in icmp_unreach; left to lwIP */
	uint32_t dst, src;
	memcpy(&dst, in + 16, 4);
	memcpy(&src, (const uint8_t *)p->payload + 12, 4);
	if (!is_broadcast(dst) || !net_ratelimit())
		return;
	const struct netdev *dev = netdev_of_netif(inp);
	ip4_addr_t s = { src }, d = { dst };
	char sbuf[IP4ADDR_STRLEN_MAX], dbuf[IP4ADDR_STRLEN_MAX];
	printk("icmp: %s sent an invalid ICMP type %u, code %u error to a broadcast: %s on %s\n",
	       ip4addr_ntoa_r(&s, sbuf, sizeof(sbuf)), icmph[0], icmph[1], ip4addr_ntoa_r(&d, dbuf, sizeof(dbuf)),
	       dev ? dev->name : "?");
}

int icmp_in_filter(struct pbuf *p, struct netif *inp)
{
	/* What lwIP's ip4_input would drop, it drops and counts: only well-formed
	 * ICMP with a right header checksum, for an address it accepts, is judged. */
	const uint8_t *ip = p->payload;
	if (p->len < IP_HLEN || ip[9] != 1)
		return 0;
	uint16_t ihl = (uint16_t)((ip[0] & 0x0f) * 4), tot = (uint16_t)(ip[2] << 8 | ip[3]);
	if (ihl < IP_HLEN || ihl > p->len || tot < ihl + 8 || tot > p->tot_len)
		return 0;
	IF__NETIF_CHECKSUM_ENABLED(inp, NETIF_CHECKSUM_CHECK_IP) {
		if (csum_sum(ip, ihl) != 0xffff)
			return 0;
	}
	uint32_t src, dst;
	memcpy(&src, ip + 12, 4);
	memcpy(&dst, ip + 16, 4);
	if (is_broadcast(src) || ip4_addr_ismulticast(&(ip4_addr_t){ src }))
		return 0; /* lwIP: InAddrErrors */
	int mcast = ip4_addr_ismulticast(&(ip4_addr_t){ dst });
	if (mcast && (!netif_is_up(inp) || ip4_addr_isany_val(*netif_ip4_addr(inp))))
		return 0; /* lwIP does not take it */
	if (!mcast && !is_broadcast(dst)) {
		/* To us: only icmp_unreach's log is ours. */
		uint8_t h[2];
		if (!is_local(dst) || pbuf_copy_partial(p, h, 2, ihl) != 2)
			return 0;
		if ((h[0] == ICMP_DEST_UNREACH || h[0] == ICMP_SOURCE_QUENCH || h[0] == ICMP_TIME_EXCEEDED ||
		     h[0] == ICMP_PARAMETERPROB) && !sysctl_icmp_ignore_bogus_error_responses) {
			IF__NETIF_CHECKSUM_ENABLED(inp, NETIF_CHECKSUM_CHECK_ICMP) {
				if (pbuf_sum(p, ihl, (uint16_t)(tot - ihl)) != 0xffff)
					return 0;
			}
			bogus_error(p, inp, ihl, h, (uint16_t)(tot - ihl));
		}
		return 0;
	}
	/* To a broadcast or multicast address (Linux: RTCF_BROADCAST|MULTICAST). */
	uint16_t frag = (uint16_t)(ip[6] << 8 | ip[7]);
	if (frag & IP_OFFMASK)
		return 0; /* no ICMP header here: judged by the first fragment */
	uint8_t type;
	if (pbuf_copy_partial(p, &type, 1, ihl) != 1)
		return 0;
	if (type == ICMP_EXT_ECHO || type == ICMP_EXT_ECHOREPLY)
		return 0; /* icmp_rcv hands both on before this rule; lwIP ignores them */
	int refuse;
	if (type == ICMP_ECHO || type == ICMP_TIMESTAMP)
		refuse = sysctl_icmp_echo_ignore_broadcasts != 0;
	else
		refuse = type != ICMP_ADDRESS && type != ICMP_ADDRESSREPLY;
	if (!refuse)
		return 0;
	/* A whole message's checksum is checked first, as icmp_rcv does; a first
	 * fragment's cannot be (it covers the reassembled message). */
	if (!(frag & IP_MF)) {
		IF__NETIF_CHECKSUM_ENABLED(inp, NETIF_CHECKSUM_CHECK_ICMP) {
			if (pbuf_sum(p, ihl, (uint16_t)(tot - ihl)) != 0xffff)
				return 0; /* lwIP counts it: InErrors, InCsumErrors */
		}
	}
	/* icmp_rcv's "goto error": InMsgs, InTypeN, InErrors; delivered to ICMP. */
	MIB2_STATS_INC(mib2.ipindelivers);
	ICMP_STATS_INC(icmp.recv);
	ICMP_STATS_INC(icmp.drop);
	MIB2_STATS_INC(mib2.icmpinmsgs);
	count_in_type(type);
	MIB2_STATS_INC(mib2.icmpinerrors);
	pbuf_free(p);
	return 1;
}

/* ---- output ------------------------------------------------------------ */

/* Patch 0014's question about the echo request lwIP is about to answer
 * (ip4_current_* name it): 1 to send no reply.  Linux's icmp_echo drops
 * it under icmp_echo_ignore_all; its icmp_reply routes the reply first
 * (ip_route_output_key to the request's source) and sends and counts
 * nothing when that fails: no route, or a blackhole, unreachable or
 * prohibit route.  A reply to one of our own addresses (a request from
 * it, let in by accept_local) goes round through loopback, where icmp_rcv
 * takes it in and no socket wants it: counted out and in here, as Linux
 * counts it, and not sent. */
int net_icmp_echo_ignore(void)
{
	if (sysctl_icmp_echo_ignore_all)
		return 1;
	const struct fib_route *r = fib_lookup_output(lwip_ntohl(ip4_addr_get_u32(ip4_current_src_addr())));
	if (r && r->type == RTN_LOCAL) {
		MIB2_STATS_INC(mib2.icmpoutmsgs);
		MIB2_STATS_INC(mib2.icmpoutechoreps);
		MIB2_STATS_INC(mib2.icmpinmsgs);
		MIB2_STATS_INC(mib2.icmpinechoreps);
		return 1;
	}
	return !r || r->type != RTN_UNICAST;
}

/* The errors lwIP sends (patch 0020). */

static struct icmp_xrlim xrlim;
static uint8_t peer_key[16];
static int peer_keyed;

/* The keyed hash that picks addr's entry in the per-host table. */
static uint32_t peer_hash(uint32_t addr)
{
	if (!peer_keyed) { /* drawn at the first error: net_start has seeded net_rand32 by then */
		for (int i = 0; i < 16; i += 4) {
			uint32_t r = net_rand32();
			memcpy(peer_key + i, &r, 4);
		}
		peer_keyed = 1;
	}
	return (uint32_t)siphash_2_4(peer_key, &addr, sizeof(addr));
}

int net_icmp_err_allow(struct pbuf *p, u8_t type, u8_t code)
{
	const uint8_t *ip = p->payload; /* the datagram in error; the error goes to its source */
	if (p->len < IP_HLEN)
		return 1;
	uint32_t dst;
	memcpy(&dst, ip + 12, 4);
	struct icmp_xrlim_params pp = {
		.ratelimit = sysctl_icmp_ratelimit,
		.ratemask = sysctl_icmp_ratemask,
		.msgs_per_sec = sysctl_icmp_msgs_per_sec,
		.msgs_burst = sysctl_icmp_msgs_burst,
	};
	switch (icmp_xrlim_allow(&xrlim, &pp, type, code, dst, peer_hash(dst), time_ms(), net_rand32() % 3)) {
	case ICMP_XRLIM_DENY_GLOBAL:
		icmp_out_ratelimit_global++;
		return 0;
	case ICMP_XRLIM_DENY_HOST:
		icmp_out_ratelimit_host++;
		return 0;
	default:
		return 1;
	}
}

int net_ip_redirect_allow(uint32_t src)
{
	uint32_t a = lwip_htonl(src);
	return icmp_xrlim_redirect_allow(&xrlim, a, peer_hash(a), time_ms());
}

int net_ip_error_allow(uint32_t src)
{
	uint32_t a = lwip_htonl(src); /* the entry net_icmp_err_allow finds from the header */
	return icmp_xrlim_error_allow(&xrlim, a, peer_hash(a), time_ms());
}
