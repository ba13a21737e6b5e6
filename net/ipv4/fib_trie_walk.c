/*
 * The FIB trie's whole-table jobs (net/ipv4/fib_trie_priv.h): walking the
 * leaves in key order (`ip route show`), every node (statistics, the
 * invariant check for the tests) and the compacting copy fib_trie.c makes
 * when free blocks pile up.  Callers: fib_trie.c, net/ipv4/cmd_ip_route.c
 * (through fib_table_walk), tests/unit, bench/route.
 */
#include <errno.h>
#include <string.h>

#include "net/ipv4/fib_trie_priv.h"

static const struct fib_slot none;

/* The leaf with the least key >= key, or NULL (Linux's leaf_walk_rcu, with a
 * stack for the parent pointers). */
const struct fib_slot *fib_trie_leaf_ge(const struct fib_table *t, uint32_t key)
{
	struct {
		const struct fib_slot *tn;
		uint32_t i;
	} st[KEYLENGTH];
	int d = 0;
	const struct fib_slot *n = t->root.idx ? &t->root : NULL;
	for (;;) {
		if (n && !n->bits) {
			if (n->key >= key)
				return n;
			n = NULL;
		}
		if (n) {
			unsigned shift = n->pos + n->bits;
			uint32_t high = shift < KEYLENGTH ? key >> shift << shift : 0;
			if (n->key > high)
				key = 0; /* all of n is above key: its first leaf */
			if (n->key >= high) {
				st[d].tn = n;
				st[d].i = key ? get_index(key, n) : 0;
				n = &TB(t, n)->child[st[d++].i];
				n = n->idx ? n : NULL;
				continue;
			}
		}
		/* up to the deepest node with a child left; all of it is above key */
		while (d && ++st[d - 1].i >> st[d - 1].tn->bits)
			d--;
		if (!d)
			return NULL;
		n = &TB(t, st[d - 1].tn)->child[st[d - 1].i];
		n = n->idx ? n : NULL;
		key = 0;
	}
}

/* ---- walking ------------------------------------------------------------- */

/* Linux's dump (fn_trie_dump_leaf over leaf_walk_rcu) prints leaves in key
 * order and each leaf's aliases in list order: for one dst, the longest
 * prefix first (10.0.0.0/24 before 10.0.0.0/8, 0.0.0.0/1 before default). */
int fib_table_walk(const struct fib_table *t, int (*fn)(const struct fib_route *r, void *ctx),
		   void *ctx)
{
	const struct fib_slot *n;
	for (uint32_t key = 0; (n = fib_trie_leaf_ge(t, key)); key = n->key + 1) {
		const struct lblock *l = LB(t, n);
		for (uint32_t i = 0; i < l->n; i++) {
			int rc = fn(&l->r[i], ctx);
			if (rc)
				return rc;
		}
		if (n->key == UINT32_MAX)
			break;
	}
	return 0;
}

void fib_trie_for_each(const struct fib_table *t,
		       void (*fn)(const struct fib_table *t, const struct fib_slot *tp,
				  const struct fib_slot *n, int depth, void *ctx),
		       void *ctx)
{
	struct {
		const struct fib_slot *tn;
		uint32_t i;
	} st[KEYLENGTH + 1];
	int d = 0;
	if (!t->root.idx)
		return;
	fn(t, NULL, &t->root, 0, ctx);
	if (!t->root.bits)
		return;
	st[d].tn = &t->root;
	st[d++].i = 0;
	while (d) {
		const struct fib_slot *tn = st[d - 1].tn;
		if (st[d - 1].i >> tn->bits) {
			d--;
			continue;
		}
		const struct fib_slot *n = &TB(t, tn)->child[st[d - 1].i++];
		if (!n->idx)
			continue;
		fn(t, tn, n, d, ctx);
		if (n->bits && d <= KEYLENGTH) {
			st[d].tn = n;
			st[d++].i = 0;
		}
	}
}

static void count_node(const struct fib_table *t, const struct fib_slot *tp,
		       const struct fib_slot *n, int depth, void *ctx)
{
	struct fib_trie_stats *st = ctx;
	(void)tp;
	st->used += node_size(t, n);
	if (n->bits) {
		st->tnodes++;
		st->slots += 1u << n->bits;
		return;
	}
	const struct lblock *l = LB(t, n);
	st->leaves++;
	st->routes += l->n;
	for (uint32_t i = 0; i < l->n; i++)
		st->prefixes += !i || l->r[i].plen != l->r[i - 1].plen;
	if ((unsigned)depth > st->max_depth)
		st->max_depth = depth;
	st->depth_sum += depth;
}

void fib_table_stats(const struct fib_table *t, struct fib_trie_stats *st)
{
	*st = (struct fib_trie_stats){ .bytes = t->mem.held, .root_bits = t->root.bits };
	fib_trie_for_each(t, count_node, st);
}

/* ---- checking ------------------------------------------------------------ */

struct check {
	const char *err;
	size_t routes, used;
};

/* The largest slen below n, or n's own pos if larger (what n's slen must
 * at least be). */
static unsigned slen_below(const struct fib_table *t, const struct fib_slot *n)
{
	unsigned slen = n->pos;
	for (uint32_t i = 0; i < 1u << n->bits; i++) {
		const struct fib_slot *c = &TB(t, n)->child[i];
		if (c->idx && c->slen > slen)
			slen = c->slen;
	}
	return slen;
}

static const char *check_inner(const struct fib_table *t, const struct fib_slot *n)
{
	const struct tblock *tb = TB(t, n);
	uint32_t empty = 0, full = 0;
	if (n->pos + n->bits > KEYLENGTH || n->bits > TNODE_BITS_MAX)
		return "inner node: pos + bits over 32";
	if (n->pos + n->bits < KEYLENGTH && n->key << (KEYLENGTH - n->pos - n->bits))
		return "inner node: key bits set below pos + bits";
	for (uint32_t i = 0; i < 1u << n->bits; i++) {
		const struct fib_slot *c = &tb->child[i];
		if (!c->idx) {
			empty++;
			continue;
		}
		full += tnode_full(n->pos, c);
		if (get_index(c->key, n) != i)
			return "child: key not under its parent's at its index";
		if (c->bits && c->pos + c->bits > n->pos)
			return "child: inner node overlaps its parent's bits";
	}
	if (empty != tb->empty || full != tb->full)
		return "inner node: empty or full count wrong";
	if ((1u << n->bits) - empty < 2)
		return "inner node: fewer than two children";
	if (n->slen < slen_below(t, n) || n->slen > KEYLENGTH)
		return "inner node: slen below a child's or pos";
	return NULL;
}

static const char *check_leaf(const struct fib_table *t, const struct fib_slot *n)
{
	const struct lblock *l = LB(t, n);
	if (n->pos || !l->n || l->n > l->cap)
		return "leaf: pos set, or no routes, or more than its room";
	for (uint32_t i = 0; i < l->n; i++) {
		const struct fib_route *r = &l->r[i], *q = &l->r[i - !!i];
		if (r->dst != n->key || !valid_key(r->dst, r->plen))
			return "leaf: a route's dst is not the leaf's key";
		if (i && (route_slen(q) > route_slen(r) ||
			  (route_slen(q) == route_slen(r) && q->priority > r->priority)))
			return "leaf: routes out of order";
	}
	if (n->slen != route_slen(&l->r[l->n - 1]))
		return "leaf: slen is not its shortest prefix's";
	return NULL;
}

static void check_node(const struct fib_table *t, const struct fib_slot *tp,
		       const struct fib_slot *n, int depth, void *ctx)
{
	struct check *c = ctx;
	(void)depth;
	if (c->err)
		return;
	c->used += node_size(t, n);
	if (tp && n->slen > tp->slen)
		c->err = "slen above its parent's";
	else if (n->bits)
		c->err = check_inner(t, n);
	else
		c->err = check_leaf(t, n);
	if (!n->bits)
		c->routes += LB(t, n)->n;
}

const char *fib_trie_check(const struct fib_table *t)
{
	struct check c = { 0 };
	fib_trie_for_each(t, check_node, &c);
	if (c.err)
		return c.err;
	if (c.routes != t->routes)
		return "route count differs from the leaves'";
	if (c.used != t->mem.live)
		return "bytes in nodes differ from the allocator's live bytes";
	if (t->bytes != t->mem.held || t->mem.live > t->mem.held)
		return "held bytes wrong";
	return NULL;
}

/* Copies the node at n, and everything below it, into m: a parent's block
 * before its children's, so a small subtree shares cache lines.  *out: the
 * copy's slot. */
static int copy_node(const struct fib_table *t, struct fib_mem *m, const struct fib_slot *n,
		     struct fib_slot *out)
{
	*out = *n;
	if (!n->bits) {
		const struct lblock *l = LB(t, n);
		out->idx = fib_mem_alloc(m, leaf_size(l->cap));
		if (!out->idx)
			return -ENOMEM;
		struct lblock *nl = fib_mem_ptr(m, out->idx);
		nl->n = l->n;
		nl->cap = l->cap;
		memcpy(nl->r, l->r, l->n * sizeof(*l->r));
		return 0;
	}
	out->idx = fib_mem_alloc(m, tnode_size(n->bits));
	if (!out->idx)
		return -ENOMEM;
	const struct tblock *tb = TB(t, n);
	struct tblock *nb = fib_mem_ptr(m, out->idx);
	nb->empty = tb->empty;
	nb->full = tb->full;
	for (uint32_t i = 0; i < 1u << n->bits; i++) {
		struct fib_slot c;
		if (!tb->child[i].idx)
			c = none;
		else if (copy_node(t, m, &tb->child[i], &c))
			return -ENOMEM;
		/* m's chunk table may have moved: find the block again */
		((struct tblock *)fib_mem_ptr(m, out->idx))->child[i] = c;
	}
	return 0;
}

static void count_shared(const struct fib_table *t, const struct fib_slot *tp,
			 const struct fib_slot *n, int depth, void *ctx)
{
	size_t *b = ctx, size = node_size(t, n);
	(void)tp, (void)depth;
	if (size <= 65536)
		b[!(size % 32)] += size;
}

int fib_trie_compact(struct fib_table *t)
{
	struct fib_mem m = { 0 };
	struct fib_slot root;
	size_t b[2] = { 0, 0 };
	fib_trie_for_each(t, count_shared, b);
	fib_mem_expect(&m, b[1], b[0]);
	if (copy_node(t, &m, &t->root, &root)) {
		fib_mem_release(&m);
		return -ENOMEM;
	}
	fib_mem_release(&t->mem);
	t->mem = m;
	t->root = root;
	return 0;
}
