/*
 * The FIB's table: longest-prefix match over IPv4 routes in a level- and
 * path-compressed trie, laid out as Linux's net/ipv4/fib_trie.c (nodes
 * with key, pos, bits and slen, the longest suffix below a node, so a
 * lookup stops backtracking where nothing shorter can match).  A prefix
 * holds a list of routes ("aliases"), ordered as Linux orders them:
 * ascending priority (metric), then insertion order.  Pure: addresses are
 * host-order integers, memory comes from malloc through fib_trie_mem.c's
 * chunks, nothing reads a clock or
 * a device; tests/unit checks it against a brute-force reference and
 * bench/route times it.  net/ipv4/fib.c puts it under lwIP.
 */
#ifndef NET_IPV4_FIB_TRIE_H
#define NET_IPV4_FIB_TRIE_H

#include <stddef.h>
#include <stdint.h>

#include "net/ipv4/fib_trie_mem.h"

/* Route types, Linux's numbers (include/uapi/linux/rtnetlink.h). */
enum {
	RTN_UNSPEC,
	RTN_UNICAST,     /* a gateway or a directly connected network */
	RTN_LOCAL,       /* one of our addresses */
	RTN_BROADCAST,   /* a broadcast address of ours */
	RTN_ANYCAST,
	RTN_MULTICAST,
	RTN_BLACKHOLE,   /* silently discarded */
	RTN_UNREACHABLE, /* ICMP host unreachable (EHOSTUNREACH) */
	RTN_PROHIBIT,    /* ICMP communication administratively prohibited (EACCES) */
	RTN_THROW,
	RTN_NAT,
	RTN_MAX = RTN_NAT,
};

/* Scopes and protocols, Linux's numbers. */
enum { RT_SCOPE_UNIVERSE = 0, RT_SCOPE_LINK = 253, RT_SCOPE_HOST = 254, RT_SCOPE_NOWHERE = 255 };
enum { RTPROT_UNSPEC = 0, RTPROT_KERNEL = 2, RTPROT_BOOT = 3, RTPROT_STATIC = 4 };

struct fib_route {
	uint32_t dst;      /* host order; bits below plen are zero */
	uint8_t plen;      /* 0..32 */
	uint8_t type;      /* RTN_* */
	uint8_t scope;     /* RT_SCOPE_* */
	uint8_t protocol;  /* RTPROT_* */
	uint32_t priority; /* the metric: lower wins among routes to one prefix */
	uint32_t gw;       /* host order; 0: directly connected (or no next hop) */
	uint32_t prefsrc;  /* host order; 0: none */
	int oif;           /* output device's index; -1: none (blackhole & co.) */
	uint32_t flags;    /* RTNH_F_* as Linux shows them (linkdown) */
};

/* nlflags of fib_table_insert: `ip route add` is CREATE|EXCL, `replace`
 * CREATE|REPLACE, `append` CREATE|APPEND, `prepend` CREATE (Linux's
 * fib_table_insert: a route with the same prefix, tos and priority exists
 * -> EXCL fails with -EEXIST, REPLACE replaces the first such, APPEND adds
 * after them unless an identical one exists (-EEXIST), CREATE alone adds
 * before them). */
enum {
	FIB_NLM_F_REPLACE = 0x100,
	FIB_NLM_F_EXCL = 0x200,
	FIB_NLM_F_CREATE = 0x400,
	FIB_NLM_F_APPEND = 0x800,
};

/* Which fields of the key fib_table_delete compares, beyond dst/plen
 * (Linux's fib_table_delete: a field the request gives must match). */
enum {
	FIB_M_TYPE = 1,
	FIB_M_PRIORITY = 2,
	FIB_M_GW = 4,
	FIB_M_OIF = 8,
	FIB_M_PROTOCOL = 16,
	FIB_M_SCOPE = 32,
	FIB_M_PREFSRC = 64,
};

/* A child slot of the trie, and the table's root: the header of the node it
 * names, so a lookup reads one slot per level and the node's children
 * next, not a pointer and then the node (fib_trie_priv.h says more).
 * Internal: only fib_trie*.c read it. */
struct fib_slot {
	uint32_t key;  /* inner: bits below pos + bits are zero; leaf: the routes' dst */
	uint8_t pos;   /* inner: the child index's lowest bit; leaf: 0 */
	uint8_t bits;  /* inner: 2^bits children; 0: a leaf (or empty) */
	uint8_t slen;  /* the longest suffix (32 - plen) of a route below; inner: >= pos */
	uint8_t pad;
	uint32_t idx;  /* fib_mem handle of the children (inner) or routes (leaf); 0: empty */
};

struct fib_table {
	struct fib_slot root; /* idx 0: empty */
	size_t routes;        /* aliases in the table */
	size_t bytes;         /* bytes the table holds from malloc (its allocator's chunks) */
	struct fib_mem mem;   /* where its nodes and routes are */
};

void fib_table_init(struct fib_table *t);
/* Frees everything; the table is empty and usable again. */
void fib_table_flush(struct fib_table *t);

/* 0, -EEXIST, -EINVAL (plen > 32, host bits set), -ENOENT (no route with
 * that prefix and priority and no FIB_NLM_F_CREATE, as Linux) or -ENOMEM
 * (nothing changed; also when one dst already has 65,535 routes).  "Identical" (APPEND, and CREATE alone, fail with
 * -EEXIST; REPLACE of an identical route other than the first fails too,
 * of the first is a no-op) is what Linux's fib_info sharing makes one
 * route: same type, scope, protocol, gw, oif and prefsrc. */
int fib_table_insert(struct fib_table *t, const struct fib_route *r, unsigned nlflags);
/* Deletes the first route to key's dst/plen whose fields selected by
 * `match` (FIB_M_*) equal key's; 0, -ESRCH, or -EINVAL (as insert). */
int fib_table_delete(struct fib_table *t, const struct fib_route *key, unsigned match);
/* Deletes every route pred() approves; returns how many. */
size_t fib_table_flush_if(struct fib_table *t, int (*pred)(const struct fib_route *r, void *ctx),
			  void *ctx);

/* Longest-prefix match: the first route of the longest prefix covering
 * addr, or NULL.  A route pointer this file returns is valid until the
 * table next changes. */
const struct fib_route *fib_table_lookup(const struct fib_table *t, uint32_t addr);
/* The same, considering only routes accept() approves (backtracking to
 * shorter prefixes past refused ones), as Linux skips aliases whose scope
 * or next hop does not fit the flow. */
const struct fib_route *fib_table_lookup_fn(const struct fib_table *t, uint32_t addr,
					    int (*accept)(const struct fib_route *r, void *ctx),
					    void *ctx);
/* The first route to exactly dst/plen, or NULL. */
const struct fib_route *fib_table_get(const struct fib_table *t, uint32_t dst, unsigned plen);

/* Calls fn on every route in the order `ip route show` prints Linux's
 * (fib_trie.c says which); stops and returns fn's value when it is
 * non-zero.  fn must not change the table. */
int fib_table_walk(const struct fib_table *t, int (*fn)(const struct fib_route *r, void *ctx),
		   void *ctx);

struct fib_trie_stats {
	size_t routes, prefixes; /* aliases; distinct dst/plen */
	size_t tnodes, leaves;
	size_t slots;       /* child slots of the inner nodes (2^bits each) */
	size_t bytes;       /* held from malloc: chunks, their unused tails and free blocks */
	size_t used;        /* in live nodes and leaves (counted by walking the trie) */
	unsigned root_bits; /* the root's 2^bits children (0: a leaf or empty) */
	unsigned max_depth; /* inner nodes passed from the root down to the deepest leaf */
	size_t depth_sum;   /* the same summed over the leaves (average: depth_sum / leaves) */
};
void fib_table_stats(const struct fib_table *t, struct fib_trie_stats *st);

/* Walks the whole trie checking what the code relies on (keys under their
 * parent's, child counts, suffix lengths, each leaf's route order, the
 * route and byte counts); NULL, or what is broken.  For tests: O(size). */
const char *fib_trie_check(const struct fib_table *t);

#endif
