/*
 * The FIB trie's longest-prefix match (net/ipv4/fib_trie.h): a descent-only
 * fast path for an address inside a prefix of the table, and Linux's
 * backtracking fib_table_lookup for the rest and for lookups with an accept
 * function.  Reads the layout of net/ipv4/fib_trie_priv.h; changes nothing.
 * Callers: net/ipv4/fib.c (every routed packet), tests/unit, bench/route.
 */
#include "net/ipv4/fib_trie_priv.h"

/* The first route of l (whose dst is lkey) covering key that accept (if
 * any) takes. */
static inline const struct fib_route *leaf_match(const struct lblock *l, uint32_t lkey,
						 uint32_t key,
						 int (*accept)(const struct fib_route *, void *),
						 void *ctx)
{
	uint64_t x = key ^ lkey;
	for (uint32_t i = 0; i < l->n; i++) {
		const struct fib_route *r = &l->r[i];
		if (x >> route_slen(r))
			continue;
		if (!accept || accept(r, ctx))
			return r;
	}
	return NULL;
}

/* Whether key differs from n's key at or above n's key's lowest set bit,
 * where every prefix below n has its network bits (Linux's prefix_mismatch). */
static inline uint32_t prefix_mismatch(uint32_t key, const struct fib_slot *n)
{
	return (key ^ n->key) & (n->key | -n->key);
}

/* Linux's fib_table_lookup: down key's bits, recording the nodes whose
 * subtrees hold prefixes short enough to matter (slen > pos); then, from
 * the deepest, clear the index's lowest set bit (a shorter prefix has zeros
 * there) and look in that child, down its 0 children, until a leaf takes.
 * Each level reads one slot; a leaf's routes are read only when its slot's
 * slen (its shortest prefix) covers key.  resume (a constant): start
 * backtracking at the root, the fast path having found nothing for key in
 * the root's child. */
static inline __attribute__((always_inline)) const struct fib_route *
lookup(const struct fib_table *t, uint32_t key, int (*accept)(const struct fib_route *, void *),
       void *ctx, int resume)
{
	struct {
		const struct fib_slot *ch; /* the node's children */
		uint32_t cindex;
		uint8_t pos, slen; /* the node's */
	} bt[KEYLENGTH];
	int depth = 0;
	const struct fib_slot *n = &t->root;
	const struct fib_route *r;
	if (!n->idx)
		return NULL;
	if (resume) {
		/* the fast path found the root's child for key empty, or a leaf
		 * none of whose routes covers key: on to the root's other slots */
		if (n->slen <= n->pos)
			return NULL;
		bt[0].ch = TB(t, n)->child;
		bt[0].pos = n->pos;
		bt[0].slen = n->slen;
		bt[0].cindex = get_index(key, n);
		depth = 1;
		goto backtrack;
	}
	for (;;) {
		uint32_t index = get_index(key, n);
		if (index >> n->bits)
			break; /* the skipped bits differ (a leaf: another key) */
		if (!n->bits)
			goto leaf;
		const struct fib_slot *ch = TB(t, n)->child;
		if (n->slen > n->pos) {
			bt[depth].ch = ch;
			bt[depth].pos = n->pos;
			bt[depth].slen = n->slen;
			bt[depth++].cindex = index;
		}
		n = &ch[index];
		if (!n->idx)
			goto backtrack;
	}
	for (;;) {
		/* prefix mode: only a prefix shorter than n's bits can cover key */
		if (prefix_mismatch(key, n) || n->slen == n->pos)
			goto backtrack;
		if (!n->bits)
			goto leaf;
		n = &TB(t, n)->child[0];
		if (n->idx)
			continue;
backtrack:
		/* Clearing index bit j reaches prefixes with suffixes over pos + j
		 * only: none past the node's slen (a bound Linux does not use). */
		do {
			while (depth && (!bt[depth - 1].cindex ||
					 bt[depth - 1].pos + __builtin_ctz(bt[depth - 1].cindex) >=
						 bt[depth - 1].slen))
				depth--;
			if (!depth)
				return NULL;
			bt[depth - 1].cindex &= bt[depth - 1].cindex - 1;
			n = &bt[depth - 1].ch[bt[depth - 1].cindex];
		} while (!n->idx);
		continue;
leaf:
		if ((uint64_t)(key ^ n->key) >> n->slen)
			goto backtrack; /* not even its shortest prefix covers key */
		r = leaf_match(LB(t, n), n->key, key, accept, ctx);
		if (r)
			return r;
		goto backtrack;
	}
}

/* Out of line, so that the fast path below needs no stack frame. */
static __attribute__((noinline)) const struct fib_route *lookup_slow(const struct fib_table *t,
								     uint32_t addr)
{
	return lookup(t, addr, NULL, NULL, 0);
}

static __attribute__((noinline)) const struct fib_route *lookup_resume(const struct fib_table *t,
								       uint32_t addr)
{
	return lookup(t, addr, NULL, NULL, 1);
}

/* The common case, a forwarded packet's address inside a prefix of the
 * table, first: down addr's bits to a leaf, and if the leaf's longest prefix
 * covers addr, that is the answer.  A longer prefix covering addr would have
 * a key with a one where this leaf's key has a zero (a prefix's host bits are
 * zero) and addr a one, so the descent would have gone its way at the node
 * where the two keys part.  Anything else (no leaf, or one that does not
 * cover addr) takes the backtracking lookup.  No stack and no
 * bookkeeping: about half the instructions, so more independent lookups
 * overlap their cache misses. */
const struct fib_route *fib_table_lookup(const struct fib_table *t, uint32_t addr)
{
	const struct fib_slot *n = &t->root, *tp = NULL;
	uint32_t index;
	while (n->bits && !((index = get_index(addr, n)) >> n->bits)) {
		tp = n;
		n = &TB(t, n)->child[index];
	}
	if (!n->bits && n->idx && !((uint64_t)(addr ^ n->key) >> n->slen)) {
		const struct fib_route *r = LB(t, n)->r;
		if (!((uint64_t)(addr ^ n->key) >> route_slen(r)))
			return r;
		return lookup_slow(t, addr); /* a shorter route of the leaf may */
	}
	/* Stopped at the root's child with nothing there for addr (the usual
	 * miss, and a hit in a prefix shorter than the root's index bits): the
	 * backtracking goes on from the root without descending again. */
	if (tp == &t->root && !n->bits)
		return lookup_resume(t, addr);
	return lookup_slow(t, addr);
}

const struct fib_route *fib_table_lookup_fn(const struct fib_table *t, uint32_t addr,
					    int (*accept)(const struct fib_route *r, void *ctx),
					    void *ctx)
{
	return lookup(t, addr, accept, ctx, 0);
}

