/*
 * Which ARP requests nagare answers (Linux 6.1's arp_process in
 * net/ipv4/arp.c, with arp_ignore() and arp_filter()) and which sender
 * address its own requests name (arp_solicit, arp_announce), as decisions
 * over facts the caller looked up, so tests/unit walks their whole
 * tables.  net/ipv4/arp.c gathers the facts for a request lwIP received
 * (patch 0022) or sends (patch 0023).  nagare's interfaces hold one
 * address each, of scope global.
 */
#ifndef NET_IPV4_ARP_POLICY_H
#define NET_IPV4_ARP_POLICY_H

#include <stdint.h>

/* Where the route to the sender (Linux's ip_route_output in arp_filter)
 * leaves. */
enum arp_route {
	ARP_ROUTE_NONE,  /* no route, or blackhole/unreachable/prohibit (an error in Linux) */
	ARP_ROUTE_OTHER, /* another device (a local address: lo) */
	ARP_ROUTE_DEV,   /* the incoming interface */
};

struct arp_facts {
	int arp_ignore;       /* effective arp_ignore of the incoming interface (max of all and it) */
	int arp_filter;       /* effective arp_filter (all or it) */
	int tip_martian;      /* target loopback (127/8) or multicast: dropped first */
	int sip_zero;         /* sender 0.0.0.0 (duplicate address detection) */
	int tip_local;        /* the target is one of our addresses (any interface) */
	int input_ok;         /* the route input (martian source, rp_filter) accepts sender -> target */
	int tip_on_dev;       /* the target is the incoming interface's address */
	int sip_in_dev_subnet;/* the sender is inside that address's subnet */
	enum arp_route route; /* the route to the sender (only read with arp_filter) */
};

enum arp_verdict {
	ARP_REPLY,       /* answer, the reply's sender being the target asked for */
	ARP_DROP,        /* no reply */
	ARP_DROP_FILTER, /* no reply, refused by arp_filter: counts TcpExt ArpFilter */
};

/* arp_ignore() alone: nonzero when mode refuses (Linux's return value). */
int arp_ignore_refuses(int mode, int tip_on_dev, int sip_in_dev_subnet, int tip_local);
enum arp_verdict arp_reply_decide(const struct arp_facts *f);

/* What Linux's arp_solicit reads to name the sender of a request for
 * target on the outgoing device (addresses host order). */
struct arp_solicit_facts {
	int arp_announce; /* effective arp_announce of the device (max of all and it) */
	int have_saddr;   /* a packet waits for the answer and saddr is its source */
	uint32_t saddr;
	int saddr_local;  /* saddr is ours on any interface (inet_addr_type_dev_table: RTN_LOCAL) */
	int onlink;       /* target and saddr in one subnet of the device's (inet_addr_onlink) */
	uint32_t select;  /* inet_select_addr(dev, target, RT_SCOPE_LINK): the device's
			   * address, else another interface's, else 0 */
};

/* The request's sender address: saddr under arp_announce 0 when it is
 * local, under 1 when it is also on link with the target, else select. */
uint32_t arp_solicit_saddr(const struct arp_solicit_facts *f);

#endif
