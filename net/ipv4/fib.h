/*
 * The routing table under lwIP (net/ipv4/fib.c): Linux's local and main
 * tables on the FIB trie (net/ipv4/fib_trie.h), the connected, local and
 * broadcast routes that follow each interface's address and state, and
 * the lookups lwIP, ARP, rp_filter, forwarding and `ip route` share.
 * Routes name their device by its index in the device table (eth0 is 0).
 */
#ifndef NET_IPV4_FIB_H
#define NET_IPV4_FIB_H

#include <stdint.h>

#include "net/ipv4/fib_trie.h"

/* Linux's table ids. */
enum { RT_TABLE_MAIN = 254, RT_TABLE_LOCAL = 255 };

extern struct fib_table fib_main, fib_local;

/* Registers for lwIP's interface events; the tables start empty. */
void fib_init(void);
/* Linux's fib_lookup: the local table, then main.  Copies the route
 * (addresses host order); 0, or -ENETUNREACH when nothing matches. */
int fib_lookup(uint32_t dst, struct fib_route *out);
/* The same restricted to routes through device oif (Linux's lookup with
 * flowi4_oif): unicast routes leaving through it, its local and
 * broadcast routes, and routes without a device (blackhole & co.). */
int fib_lookup_oif(uint32_t dst, int oif, struct fib_route *out);
/* Changes for `ip route` (the table's nlflags and FIB_M_* match); each
 * bumps the generation the lookup cache checks. */
int fib_route_insert(struct fib_table *t, const struct fib_route *r, unsigned nlflags);
int fib_route_delete(struct fib_table *t, const struct fib_route *key, unsigned match);
/* Device i's address, netmask (host order; 0: none) and whether it is up. */
int fib_dev_addr(int i, uint32_t *addr, uint32_t *mask);
/* Whether a lies in the subnet of device i's address (Linux's
 * inet_addr_onlink with one address per device); 0 without an address. */
int fib_dev_onlink(int i, uint32_t a);
/* Reverse-path check of a packet from src arriving on device iif, by
 * the interface's rp_filter and accept_local (net/ipv4/rp_filter.h): 0,
 * -EINVAL (martian source) or -EXDEV (reverse-path failure). */
int fib_validate_source(uint32_t src, int iif);
/* fib_lookup for a received packet's destination, through a one-entry
 * cache: the route (valid until the next lookup or table change) or NULL. */
const struct fib_route *fib_lookup_input(uint32_t dst);
/* The same for a packet we send to dst: the route or NULL, from the
 * one-entry cache lwIP's output hooks share. */
const struct fib_route *fib_lookup_output(uint32_t dst);
/* The device table index of an lwIP interface, or -1. */
struct netif;
int fib_dev_index(const struct netif *nif);
/* Device i's lwIP interface if it is up, else NULL. */
struct netif *fib_dev_netif(int i);
/* Is addr one of our addresses (a local route)? */
int fib_is_local(uint32_t addr);

#endif
