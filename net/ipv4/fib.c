/*
 * The routing table under lwIP (net/ipv4/fib.h).  Two tables as Linux
 * keeps them: local (our addresses and broadcast addresses, looked up
 * first) and main (connected networks and everything `ip route` adds).
 * Connected routes follow lwIP's interface events as Linux's
 * fib_add_ifaddr / fib_disable_ip do: while an interface is up with an
 * address, main has its network (proto kernel scope link src ADDR) and
 * local its broadcast address; local has ADDR (scope host) while the
 * address is set; taking an interface down deletes every other route
 * through it, static ones included, as Linux does.
 *
 * lwIP asks through patch 0021: ip4_route takes the device of the route
 * (LWIP_HOOK_IP4_ROUTE_FIB), etharp_output its next hop
 * (LWIP_HOOK_ETHARP_FIB_GW).  Both ask about the same destination for
 * each packet, so the last answer is kept until the tables change.
 */
#include <errno.h>
#include <string.h>

#include "lwip/netif.h"
#include "lwip/ip4_addr.h"

#include "net/core/netdev_priv.h"
#include "net/ipv4/devinet.h"
#include "net/ipv4/fib.h"
#include "net/ipv4/rp_filter.h"
#include "net/lwip/lwip_hooks.h"

struct fib_table fib_main, fib_local;

/* The last lookup: valid while gen matches fib_gen. */
static uint32_t fib_gen = 1;
struct lookup_cache {
	uint32_t gen, dst;
	int found;
	struct fib_route r;
};
static struct lookup_cache out_cache, in_cache; /* lwIP's output; packets received */

static uint32_t host(const ip4_addr_t *a)
{
	return lwip_ntohl(ip4_addr_get_u32(a));
}

int fib_dev_index(const struct netif *nif)
{
	struct netdev *dev = netdev_of_netif(nif);
	for (int i = 0; dev && i < netdev_count(); i++) {
		if (netdev_get(i) == dev)
			return i;
	}
	return -1;
}

int fib_dev_addr(int i, uint32_t *addr, uint32_t *mask)
{
	*addr = *mask = 0;
	if (i < 0 || i >= netdev_count())
		return 0;
	struct netif *nif = netdev_netif(netdev_get(i));
	*addr = host(netif_ip4_addr(nif));
	*mask = host(netif_ip4_netmask(nif));
	return netif_is_up(nif);
}

int fib_dev_onlink(int i, uint32_t a)
{
	uint32_t addr, mask;
	fib_dev_addr(i, &addr, &mask);
	return addr != 0 && (a & mask) == (addr & mask);
}

int fib_route_insert(struct fib_table *t, const struct fib_route *r, unsigned nlflags)
{
	int err = fib_table_insert(t, r, nlflags);
	fib_gen++;
	return err;
}

int fib_route_delete(struct fib_table *t, const struct fib_route *key, unsigned match)
{
	int err = fib_table_delete(t, key, match);
	fib_gen++;
	return err;
}

int fib_lookup(uint32_t dst, struct fib_route *out)
{
	const struct fib_route *r = fib_table_lookup(&fib_local, dst);
	if (!r)
		r = fib_table_lookup(&fib_main, dst);
	if (!r)
		return -ENETUNREACH;
	*out = *r;
	return 0;
}

static int through_oif(const struct fib_route *r, void *ctx)
{
	return r->oif == *(const int *)ctx || r->oif < 0;
}

int fib_lookup_oif(uint32_t dst, int oif, struct fib_route *out)
{
	const struct fib_route *r = fib_table_lookup_fn(&fib_local, dst, through_oif, &oif);
	if (!r)
		r = fib_table_lookup_fn(&fib_main, dst, through_oif, &oif);
	if (!r)
		return -ENETUNREACH;
	*out = *r;
	return 0;
}

int fib_is_local(uint32_t addr)
{
	const struct fib_route *r = fib_table_get(&fib_local, addr, 32);
	return r && r->type == RTN_LOCAL;
}

int fib_validate_source(uint32_t src, int iif)
{
	struct rp_facts f = {
		.mode = in_dev_rpfilter(iif),
		.accept_local = in_dev_accept_local(iif),
	};
	if (!f.mode) {
		f.src_is_local = fib_is_local(src);
		return rp_filter_decide(&f);
	}
	uint32_t addr, mask;
	fib_dev_addr(iif, &addr, &mask);
	f.iif_has_addr = addr != 0;
	struct fib_route r;
	f.found = fib_lookup(src, &r) == 0;
	if (f.found) {
		f.type = r.type;
		f.via_iif = r.oif == iif;
	}
	return rp_filter_decide(&f);
}

/* A lookup kept until the tables change or another destination comes:
 * lwIP's two hooks ask about each packet's destination in turn, and
 * received packets mostly name one of our addresses. */
static const struct fib_route *lookup_in(struct lookup_cache *c, uint32_t dst)
{
	if (c->gen != fib_gen || c->dst != dst) {
		c->gen = fib_gen;
		c->dst = dst;
		c->found = fib_lookup(dst, &c->r) == 0;
	}
	return c->found ? &c->r : NULL;
}

static const struct fib_route *lookup_cached(uint32_t dst)
{
	return lookup_in(&out_cache, dst);
}

const struct fib_route *fib_lookup_output(uint32_t dst)
{
	return lookup_cached(dst);
}

const struct fib_route *fib_lookup_input(uint32_t dst)
{
	return lookup_in(&in_cache, dst);
}

struct netif *fib_dev_netif(int i)
{
	if (i < 0 || i >= netdev_count())
		return NULL;
	struct netif *nif = netdev_netif(netdev_get(i));
	return netif_is_up(nif) ? nif : NULL;
}

/* ---- lwIP's hooks (patch 0021) ---------------------------------------- */

struct netif *net_fib_route(const ip4_addr_t *dest)
{
	uint32_t d = host(dest);
	if (d == 0xffffffffu || (d >> 28) == 0xe) {
		/* Limited broadcast and multicast have no route: the default
		 * route's device, else the first interface up (Linux: the
		 * socket's bound device, else the default route's). */
		const struct fib_route *r = lookup_cached(0);
		struct netif *nif = r ? fib_dev_netif(r->oif) : NULL;
		for (int i = 0; !nif && i < netdev_count(); i++)
			nif = fib_dev_netif(i);
		return nif;
	}
	const struct fib_route *r = lookup_cached(d);
	if (!r)
		return NULL;
	switch (r->type) {
	case RTN_UNICAST:
	case RTN_LOCAL:
	case RTN_BROADCAST:
		return fib_dev_netif(r->oif);
	default: /* blackhole, unreachable, prohibit: no way out */
		return NULL;
	}
}

const ip4_addr_t *net_fib_gw(struct netif *netif, const ip4_addr_t *dest)
{
	static ip4_addr_t gw;
	const struct fib_route *r = lookup_cached(host(dest));
	if (!r || r->type != RTN_UNICAST)
		return r ? dest : NULL;
	if (!r->gw)
		return dest;
	ip4_addr_set_u32(&gw, lwip_htonl(r->gw));
	return &gw;
}

/* ---- connected routes -------------------------------------------------- */

static int kernel_route_of(const struct fib_route *r, void *ctx)
{
	return r->oif == *(const int *)ctx && r->protocol == RTPROT_KERNEL;
}

/* Down: every route through the device but the local route of its
 * address, which Linux keeps while the address stays. */
static int gone_when_down(const struct fib_route *r, void *ctx)
{
	return r->oif == *(const int *)ctx && !(r->protocol == RTPROT_KERNEL && r->type == RTN_LOCAL);
}

/* Device i's routes again from its address and state, as Linux's
 * fib_add_ifaddr (the local route whenever the address is there; the
 * broadcast and network routes while the device is up) and
 * fib_disable_ip (down: everything else through it goes). */
static void sync_dev(int i, int up)
{
	uint32_t addr, mask;
	fib_dev_addr(i, &addr, &mask);
	fib_table_flush_if(&fib_main, kernel_route_of, &i);
	fib_table_flush_if(&fib_local, kernel_route_of, &i);
	if (!up) {
		fib_table_flush_if(&fib_main, gone_when_down, &i);
		fib_table_flush_if(&fib_local, gone_when_down, &i);
	}
	fib_gen++;
	if (!addr)
		return;
	int plen = 0;
	while (plen < 32 && (mask << plen) & 0x80000000u)
		plen++;
	const unsigned add = FIB_NLM_F_CREATE | FIB_NLM_F_EXCL;
	struct fib_route r = {
		.dst = addr, .plen = 32, .type = RTN_LOCAL, .scope = RT_SCOPE_HOST,
		.protocol = RTPROT_KERNEL, .prefsrc = addr, .oif = i,
	};
	/* A failed insert (no memory, or an equal route already there)
	 * leaves that route out; the others still go in. */
	(void)fib_table_insert(&fib_local, &r, add);
	if (up && plen < 31) {
		r.dst = addr | ~mask;
		r.type = RTN_BROADCAST;
		r.scope = RT_SCOPE_LINK;
		(void)fib_table_insert(&fib_local, &r, add);
	}
	if (up && plen < 32) {
		r.dst = addr & mask;
		r.plen = (uint8_t)plen;
		r.type = RTN_UNICAST;
		r.scope = RT_SCOPE_LINK;
		(void)fib_table_insert(&fib_main, &r, add);
	}
	fib_gen++;
}

static void netif_event(struct netif *netif, netif_nsc_reason_t reason,
			const netif_ext_callback_args_t *args)
{
	const netif_nsc_reason_t ours = LWIP_NSC_NETIF_ADDED | LWIP_NSC_STATUS_CHANGED |
					LWIP_NSC_IPV4_ADDRESS_CHANGED | LWIP_NSC_IPV4_NETMASK_CHANGED |
					LWIP_NSC_IPV4_SETTINGS_CHANGED;
	int i = fib_dev_index(netif);
	if (!(reason & ours) || i < 0)
		return;
	/* lwIP tells of a change of state before it clears NETIF_FLAG_UP. */
	sync_dev(i, reason & LWIP_NSC_STATUS_CHANGED ? args->status_changed.state : netif_is_up(netif));
}

void fib_init(void)
{
	static netif_ext_callback_t cb;
	fib_table_init(&fib_main);
	fib_table_init(&fib_local);
	netif_add_ext_callback(&cb, netif_event);
}
