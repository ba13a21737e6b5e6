/*
 * Reverse-path filtering (RFC 3704), Linux's fib_validate_source and
 * __fib_validate_source (net/ipv4/fib_frontend.c) as a decision over
 * facts the caller looked up: pure, so tests/unit walks its whole table.
 * net/ipv4/fib.c gathers the facts for a packet.
 */
#ifndef NET_IPV4_RP_FILTER_H
#define NET_IPV4_RP_FILTER_H

/* What the routing table says about the way back to a packet's source. */
struct rp_facts {
	int mode;         /* effective rp_filter of the receiving interface: 0, 1 strict, 2 loose */
	int accept_local; /* effective accept_local */
	int src_is_local; /* the source is one of our addresses */
	int iif_has_addr; /* the receiving interface has an address */
	int found;        /* a route to the source exists */
	int type;         /* its type (RTN_*) */
	int via_iif;      /* it leaves through the receiving interface */
};

/* 0: accept; -EINVAL: martian source (dropped, not a reverse-path
 * failure); -EXDEV: reverse-path failure (dropped and counted as
 * IPReversePathFilter). */
int rp_filter_decide(const struct rp_facts *f);

#endif
