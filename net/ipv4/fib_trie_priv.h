/*
 * net/ipv4/fib_trie.c's insides, shared with fib_trie_walk.c (walking,
 * statistics, the invariant check and the compacting copy): the layout of
 * an inner node's and a leaf's block, and the small helpers both use.
 */
#ifndef NET_IPV4_FIB_TRIE_PRIV_H
#define NET_IPV4_FIB_TRIE_PRIV_H

#include "net/ipv4/fib_trie.h"

#define KEYLENGTH 32
#define TNODE_BITS_MAX 24 /* 2^24 children, 192 MiB: never reached by a full Internet table */

/*
 * Layout.  Linux keeps a node's header (key, pos, bits, slen) in the node and
 * an array of pointers to children, so each level costs two dependent cache
 * misses: the parent's child pointer, then the child's header.  Here the
 * header lives in the parent's slot (struct fib_slot, 12 bytes) next to a
 * 4-byte handle of the child's own block: one miss per level, and a leaf's
 * slot says (slen) whether any of its routes can cover the address before
 * its routes are read.  An inner node's block holds its counts and its
 * slots; a leaf's, its routes.  Nodes are named by where their slot is (the
 * table's root, or a parent's child array): that is what changes rewrite.
 */
struct tblock {
	uint32_t empty;          /* empty children */
	uint32_t full;           /* children that are inner nodes with no skipped bits */
	struct fib_slot child[]; /* 2^bits */
};

/* Every route whose dst is the slot's key, ordered as Linux orders a leaf's
 * aliases: ascending suffix length (fib_insert_alias sorts by fa_slen, so the
 * longest prefix comes first), then ascending priority, then as nlflags
 * placed them. */
struct lblock {
	uint16_t n;   /* routes */
	uint16_t cap; /* room for routes (more than n after a shrink the allocator refused) */
	struct fib_route r[];
};

#define TB(t, s) ((struct tblock *)fib_mem_ptr(&(t)->mem, (s)->idx))
#define LB(t, s) ((struct lblock *)fib_mem_ptr(&(t)->mem, (s)->idx))

static inline uint32_t get_index(uint32_t key, const struct fib_slot *n)
{
	return (key ^ n->key) >> n->pos;
}

static inline unsigned route_slen(const struct fib_route *r)
{
	return KEYLENGTH - r->plen;
}

static inline size_t tnode_size(unsigned bits)
{
	return sizeof(struct tblock) + (sizeof(struct fib_slot) << bits);
}

static inline size_t leaf_size(uint32_t cap)
{
	return sizeof(struct lblock) + cap * sizeof(struct fib_route);
}

static inline size_t node_size(const struct fib_table *t, const struct fib_slot *n)
{
	return n->bits ? tnode_size(n->bits) : leaf_size(LB(t, n)->cap);
}

static inline int tnode_full(unsigned ppos, const struct fib_slot *n)
{
	return n->bits && n->pos + n->bits == ppos;
}

static inline int valid_key(uint32_t dst, unsigned plen)
{
	return plen <= KEYLENGTH && (plen == KEYLENGTH || !(dst << plen));
}

/* Calls fn on every node, parents before their children, with the parent's
 * slot (NULL for the root) and the depth. */
void fib_trie_for_each(const struct fib_table *t,
		       void (*fn)(const struct fib_table *t, const struct fib_slot *tp,
				  const struct fib_slot *n, int depth, void *ctx),
		       void *ctx);
/* The leaf with the least key >= key, or NULL. */
const struct fib_slot *fib_trie_leaf_ge(const struct fib_table *t, uint32_t key);
/* Moves the whole trie to fresh chunks (leaving the free blocks behind);
 * 0, or -ENOMEM and nothing changed. */
int fib_trie_compact(struct fib_table *t);

#endif
