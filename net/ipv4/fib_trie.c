/*
 * The FIB's table (net/ipv4/fib_trie.h): a level- and path-compressed trie
 * (Nilsson and Karlsson, "IP-address lookup using LC-tries", IEEE JSAC 17(6),
 * 1999) laid out and resized as Linux's net/ipv4/fib_trie.c does since
 * Alexander Duyck's 2015 rework: nodes with key, pos, bits and slen; inflate
 * when the doubled node would be at least 50% full (30% at the root), halve
 * under 25% (15%), at most 10 steps per node per change; the lookup backtracks
 * through the trie by clearing index bits, as Linux's fib_table_lookup does.
 * Written from Linux's documented behaviour; no parent pointers: changes
 * record the path they descend.  Node headers sit in their parent's slots
 * and memory comes from fib_trie_mem.c (see "Layout" below).  Callers:
 * net/ipv4/fib.c, tests/unit, bench/route.
 */
#include <errno.h>
#include <string.h>

#include "net/ipv4/fib_trie.h"

#define KEYLENGTH 32
#define MAX_WORK 10          /* inflates or halves per node per change (Linux's MAX_WORK) */
#define INFLATE_THRESHOLD 50 /* percent full of the doubled node (Linux's inflate_threshold) */
#define INFLATE_THRESHOLD_ROOT 30
#define HALVE_THRESHOLD 25 /* percent full below which a node halves */
#define HALVE_THRESHOLD_ROOT 15
#ifndef ROOT_BITS_MAX
#define ROOT_BITS_MAX 24
#endif
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

/* The inner nodes a change passed, root first: where their slots are. */
struct path {
	struct fib_slot *tn[KEYLENGTH];
	int depth;
};

static const struct fib_slot none;

static void for_each_node(const struct fib_table *t,
			  void (*fn)(const struct fib_table *t, const struct fib_slot *tp,
				     const struct fib_slot *n, int depth, void *ctx),
			  void *ctx);

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

static size_t tnode_size(unsigned bits)
{
	return sizeof(struct tblock) + (sizeof(struct fib_slot) << bits);
}

static size_t leaf_size(uint32_t cap)
{
	return sizeof(struct lblock) + cap * sizeof(struct fib_route);
}

static size_t node_size(const struct fib_table *t, const struct fib_slot *n)
{
	return n->bits ? tnode_size(n->bits) : leaf_size(LB(t, n)->cap);
}

static void node_free(struct fib_table *t, const struct fib_slot *n)
{
	fib_mem_free(&t->mem, n->idx, node_size(t, n));
}

/* A new inner node in *out (not yet in the trie); -ENOMEM. */
static int tnode_new(struct fib_table *t, uint32_t key, unsigned pos, unsigned bits,
		     struct fib_slot *out)
{
	size_t size = tnode_size(bits);
	uint32_t h = fib_mem_alloc(&t->mem, size);
	if (!h)
		return -ENOMEM;
	struct tblock *tb = fib_mem_ptr(&t->mem, h);
	memset(tb, 0, size);
	tb->empty = 1u << bits;
	unsigned shift = pos + bits;
	*out = (struct fib_slot){ .key = shift < KEYLENGTH ? key >> shift << shift : 0,
				  .pos = pos, .bits = bits, .slen = pos, .idx = h };
	return 0;
}

static int leaf_new(struct fib_table *t, uint32_t key, uint32_t cap, struct fib_slot *out)
{
	uint32_t h = fib_mem_alloc(&t->mem, leaf_size(cap));
	if (!h)
		return -ENOMEM;
	struct lblock *lb = fib_mem_ptr(&t->mem, h);
	lb->n = 0;
	lb->cap = cap;
	*out = (struct fib_slot){ .key = key, .idx = h };
	return 0;
}

static int tnode_full(unsigned ppos, const struct fib_slot *n)
{
	return n->bits && n->pos + n->bits == ppos;
}

/* Sets child i of tn to c, keeping the counts; raises tn's slen (never
 * lowers it). */
static void put_child(struct fib_table *t, struct fib_slot *tn, uint32_t i, const struct fib_slot *c)
{
	struct tblock *tb = TB(t, tn);
	const struct fib_slot *old = &tb->child[i];
	tb->empty += (uint32_t)!c->idx - !old->idx;
	tb->full += (uint32_t)tnode_full(tn->pos, c) - tnode_full(tn->pos, old);
	if (c->idx && c->slen > tn->slen)
		tn->slen = c->slen;
	tb->child[i] = *c;
}

static void put_child_root(struct fib_table *t, struct fib_slot *tp, uint32_t key,
			   const struct fib_slot *c)
{
	if (tp)
		put_child(t, tp, get_index(key, tp), c);
	else
		t->root = *c;
}

/* tn's slen from its children: only a child whose index has its low k bits
 * clear can hold a suffix longer than pos + k (a prefix's host bits are
 * zero), so the scan strides over the rest (Linux's update_suffix). */
static void update_suffix(struct fib_table *t, struct fib_slot *tn)
{
	unsigned pos = tn->pos, bits = tn->bits, slen = pos;
	const struct fib_slot *ch = TB(t, tn)->child;
	uint32_t len = 1u << bits, stride = 2;
	for (uint32_t i = 0; i < len; i += stride) {
		const struct fib_slot *c = &ch[i];
		if (!c->idx || c->slen <= slen)
			continue;
		slen = c->slen;
		if (slen + 1 - pos >= bits)
			break;
		stride = 1u << (slen + 1 - pos);
		i &= ~(stride - 1);
	}
	tn->slen = slen;
}

/* ---- resizing (Linux's resize, inflate, halve, collapse) ------------------ */

static int should_inflate(const struct fib_table *t, const struct fib_slot *tn, int root)
{
	const struct tblock *tb = TB(t, tn);
	uint64_t len = 1ull << tn->bits, used = len - tb->empty + tb->full;
	uint64_t threshold = len * (root ? INFLATE_THRESHOLD_ROOT : INFLATE_THRESHOLD);
	return used > 1 && tn->pos && tn->bits < (root ? ROOT_BITS_MAX : TNODE_BITS_MAX) &&
	       50 * used >= threshold;
}

static int should_halve(const struct fib_table *t, const struct fib_slot *tn, int root)
{
	uint64_t len = 1ull << tn->bits, used = len - TB(t, tn)->empty;
	uint64_t threshold = len * (root ? HALVE_THRESHOLD_ROOT : HALVE_THRESHOLD);
	return used > 1 && tn->bits > 1 && 100 * used < threshold;
}

static void resize(struct fib_table *t, struct fib_slot *tp, struct fib_slot *tn);

/* The new node n takes the place of the one at tn (under tp); the old node's
 * block goes, then n's full children, which the change may have made, are
 * resized in turn. */
static void replace(struct fib_table *t, struct fib_slot *tp, struct fib_slot *tn,
		    const struct fib_slot *n)
{
	struct fib_slot old = *tn;
	put_child_root(t, tp, n->key, n);
	node_free(t, &old);
	for (uint32_t i = 0; i < 1u << tn->bits; i++)
		if (tnode_full(tn->pos, &TB(t, tn)->child[i]))
			resize(t, tn, &TB(t, tn)->child[i]);
}

/* One more index bit: each full child's children move up a level, split
 * between two new half-size nodes. */
static int inflate(struct fib_table *t, struct fib_slot *tp, struct fib_slot *at)
{
	const struct fib_slot old = *at;
	const struct tblock *ob = TB(t, &old);
	unsigned pos = old.pos;
	uint32_t i, len = 1u << old.bits, m = 1u << (pos - 1);
	struct fib_slot tn, n0, n1;
	if (tnode_new(t, old.key, pos - 1, old.bits + 1, &tn))
		return -ENOMEM;
	for (i = 0; i < len; i++) {
		const struct fib_slot *c = &ob->child[i];
		if (!tnode_full(pos, c)) {
			if (c->idx)
				put_child(t, &tn, get_index(c->key, &tn), c);
			continue;
		}
		const struct tblock *cb = TB(t, c);
		if (c->bits == 1) {
			put_child(t, &tn, 2 * i, &cb->child[0]);
			put_child(t, &tn, 2 * i + 1, &cb->child[1]);
			continue;
		}
		uint32_t half = 1u << (c->bits - 1);
		if (tnode_new(t, c->key, c->pos, c->bits - 1, &n0))
			goto nomem;
		if (tnode_new(t, c->key | m, c->pos, c->bits - 1, &n1)) {
			node_free(t, &n0);
			goto nomem;
		}
		for (uint32_t j = 0; j < half; j++) {
			put_child(t, &n0, j, &cb->child[j]);
			put_child(t, &n1, j, &cb->child[half + j]);
		}
		put_child(t, &tn, 2 * i, &n0);
		put_child(t, &tn, 2 * i + 1, &n1);
	}
	for (i = 0; i < len; i++)
		if (tnode_full(pos, &ob->child[i]))
			node_free(t, &ob->child[i]);
	replace(t, tp, at, &tn);
	return 0;
nomem:
	/* the split pairs made so far, at 2j and 2j + 1 for j < i */
	while (i--) {
		const struct fib_slot *c = &ob->child[i];
		if (tnode_full(pos, c) && c->bits > 1) {
			node_free(t, &TB(t, &tn)->child[2 * i]);
			node_free(t, &TB(t, &tn)->child[2 * i + 1]);
		}
	}
	node_free(t, &tn);
	return -ENOMEM;
}

/* One index bit less: each pair of non-empty children gets a binary node. */
static int halve(struct fib_table *t, struct fib_slot *tp, struct fib_slot *at)
{
	const struct fib_slot old = *at;
	const struct tblock *ob = TB(t, &old);
	uint32_t i, len = 1u << old.bits;
	struct fib_slot tn, b;
	if (tnode_new(t, old.key, old.pos + 1, old.bits - 1, &tn))
		return -ENOMEM;
	for (i = 0; i < len; i += 2) {
		const struct fib_slot *c0 = &ob->child[i], *c1 = &ob->child[i + 1];
		if (!c0->idx || !c1->idx) {
			put_child(t, &tn, i / 2, c0->idx ? c0 : c1);
			continue;
		}
		if (tnode_new(t, c0->key, old.pos, 1, &b))
			goto nomem;
		put_child(t, &b, 0, c0);
		put_child(t, &b, 1, c1);
		put_child(t, &tn, i / 2, &b);
	}
	replace(t, tp, at, &tn);
	return 0;
nomem:
	while (i) {
		i -= 2;
		if (ob->child[i].idx && ob->child[i + 1].idx)
			node_free(t, &TB(t, &tn)->child[i / 2]);
	}
	node_free(t, &tn);
	return -ENOMEM;
}

/* Resizes the node at tn (whose parent is at tp, NULL at the root) as
 * Linux's resize(). A failed allocation only leaves the node as it was. */
static void resize(struct fib_table *t, struct fib_slot *tp, struct fib_slot *tn)
{
	int root = !tp, work = MAX_WORK;
	while (work && should_inflate(t, tn, root) && !inflate(t, tp, tn))
		work--;
	/* no halving right after inflating, as Linux */
	int halving = work == MAX_WORK;
	while (halving && work && should_halve(t, tn, root) && !halve(t, tp, tn))
		work--;
	/* One child or none: the node goes, its child (if any) takes its place.
	 * Linux checks this only when nothing inflated, but a node whose one
	 * child was full counts as used 2, inflates, and can keep one child
	 * when a split half comes out empty. */
	uint32_t len = 1u << tn->bits;
	if (len - TB(t, tn)->empty < 2) {
		const struct fib_slot *c = &none;
		for (uint32_t i = 0; i < len && !c->idx; i++)
			c = &TB(t, tn)->child[i];
		struct fib_slot old = *tn, only = *c;
		put_child_root(t, tp, old.key, &only);
		node_free(t, &old);
	}
}

/* After a change below the path's last node: shapes, bottom up. */
static void rebalance(struct fib_table *t, struct path *p)
{
	for (int i = p->depth - 1; i >= 0; i--)
		resize(t, i ? p->tn[i - 1] : NULL, p->tn[i]);
}

/* Raises the path's suffixes to slen (put_child may have raised the last
 * already, so no early stop). */
static void push_suffix(struct path *p, unsigned slen)
{
	for (int i = p->depth - 1; i >= 0; i--)
		if (p->tn[i]->slen < slen)
			p->tn[i]->slen = slen;
}

static void pull_suffix(struct fib_table *t, struct path *p)
{
	for (int i = p->depth - 1; i >= 0; i--) {
		unsigned old = p->tn[i]->slen;
		update_suffix(t, p->tn[i]);
		if (p->tn[i]->slen == old)
			break;
	}
}

/* ---- finding --------------------------------------------------------------- */

/* Descends towards key, recording the inner nodes passed; returns the slot
 * where the descent stopped: a leaf (key's or another), an inner node whose
 * skipped bits differ from key's, or an empty one. */
static struct fib_slot *descend(struct fib_table *t, uint32_t key, struct path *p)
{
	struct fib_slot *n = &t->root;
	p->depth = 0;
	while (n->idx && n->bits) {
		uint32_t i = get_index(key, n);
		if (i >> n->bits)
			break;
		p->tn[p->depth++] = n;
		n = &TB(t, n)->child[i];
	}
	return n;
}

static int is_leaf_of(const struct fib_slot *n, uint32_t key)
{
	return n->idx && !n->bits && n->key == key;
}

static struct fib_slot *find_leaf(struct fib_table *t, uint32_t key, struct path *p)
{
	struct fib_slot *n = descend(t, key, p);
	return is_leaf_of(n, key) ? n : NULL;
}

static struct fib_slot *path_parent(const struct path *p)
{
	return p->depth ? p->tn[p->depth - 1] : NULL;
}

static int valid_key(uint32_t dst, unsigned plen)
{
	return plen <= KEYLENGTH && (plen == KEYLENGTH || !(dst << plen));
}

/* The first route of l with suffix slen and priority >= prio, or where one
 * would go: after every shorter suffix and lower priority (Linux's
 * fib_find_alias). */
static uint32_t find_alias(const struct lblock *l, unsigned slen, uint32_t prio)
{
	uint32_t i = 0;
	while (i < l->n && (route_slen(&l->r[i]) < slen ||
			    (route_slen(&l->r[i]) == slen && l->r[i].priority < prio)))
		i++;
	return i;
}

/* What Linux's fib_info sharing makes one route: the same next hop and
 * attributes (the flags Linux computes, such as linkdown, aside). */
static int identical(const struct fib_route *a, const struct fib_route *b)
{
	return a->type == b->type && a->scope == b->scope && a->protocol == b->protocol &&
	       a->gw == b->gw && a->oif == b->oif && a->prefsrc == b->prefsrc;
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

/* An empty table gives its memory back (and so holds no bytes).  Free
 * blocks wait for a block of their size, which may not come: a table that
 * grew by inflating nodes leaves the small blocks its nodes outgrew (at a
 * full table, 11 MB of 69).  Once more than an eighth of the live bytes
 * are free, the trie moves to fresh chunks (O(n), after at least n/8 bytes
 * were freed: constant time per freed byte); if that fails, it stays. */
static void settle(struct fib_table *t)
{
	struct fib_mem m = { 0 };
	struct fib_slot root;
	if (!t->root.idx) {
		fib_mem_release(&t->mem);
	} else if (t->mem.freed > t->mem.live / 8 && t->mem.freed > 16384) {
		size_t b[2] = { 0, 0 };
		for_each_node(t, count_shared, b);
		fib_mem_expect(&m, b[1], b[0]);
		if (copy_node(t, &m, &t->root, &root)) {
			fib_mem_release(&m);
		} else {
			fib_mem_release(&t->mem);
			t->mem = m;
			t->root = root;
		}
	}
	t->bytes = t->mem.held;
}

/* ---- insert and delete ----------------------------------------------------- */

/* A new leaf for r at n, where the descent stopped (under the path's end). */
static int insert_leaf(struct fib_table *t, struct path *p, struct fib_slot *n,
		       const struct fib_route *r)
{
	struct fib_slot l, tn;
	if (leaf_new(t, r->dst, 1, &l))
		return -ENOMEM;
	struct lblock *lb = LB(t, &l);
	lb->r[0] = *r;
	lb->n = 1;
	l.slen = route_slen(r);
	struct fib_slot *tp = path_parent(p);
	if (n->idx) {
		/* a binary node at the highest bit where the keys differ */
		unsigned pos = 31 - __builtin_clz(r->dst ^ n->key);
		if (tnode_new(t, r->dst, pos, 1, &tn)) {
			node_free(t, &l);
			return -ENOMEM;
		}
		put_child(t, &tn, get_index(n->key, &tn), n);
		put_child_root(t, tp, r->dst, &tn); /* into n's slot */
		p->tn[p->depth++] = n;
		tp = n;
	}
	put_child_root(t, tp, r->dst, &l);
	push_suffix(p, l.slen);
	rebalance(t, p);
	return 0;
}

/* r into the leaf at n (the path's end's child) at i. */
static int insert_at(struct fib_table *t, struct path *p, struct fib_slot *n, uint32_t i,
		     const struct fib_route *r)
{
	struct lblock *l = LB(t, n);
	if (l->n == l->cap) {
		struct fib_slot nl, old = *n;
		if (l->n == UINT16_MAX || leaf_new(t, n->key, l->n + 1, &nl))
			return -ENOMEM;
		struct lblock *nb = LB(t, &nl);
		nb->n = l->n;
		memcpy(nb->r, l->r, l->n * sizeof(*l->r));
		n->idx = nl.idx;
		node_free(t, &old);
		l = nb;
	}
	memmove(&l->r[i + 1], &l->r[i], (l->n - i) * sizeof(*l->r));
	l->r[i] = *r;
	l->n++;
	if (route_slen(r) > n->slen) {
		n->slen = route_slen(r);
		push_suffix(p, n->slen);
	}
	return 0;
}

int fib_table_insert(struct fib_table *t, const struct fib_route *r, unsigned nlflags)
{
	if (!valid_key(r->dst, r->plen))
		return -EINVAL;
	struct path p;
	struct fib_slot *n = descend(t, r->dst, &p);
	struct lblock *l = is_leaf_of(n, r->dst) ? LB(t, n) : NULL;
	unsigned slen = route_slen(r);
	uint32_t i = l ? find_alias(l, slen, r->priority) : 0;
	if (l && i < l->n && route_slen(&l->r[i]) == slen && l->r[i].priority == r->priority) {
		/* routes with this prefix and priority exist: l->r[i..end) */
		if (nlflags & FIB_NLM_F_EXCL)
			return -EEXIST;
		uint32_t end = i, match = UINT32_MAX;
		for (; end < l->n && route_slen(&l->r[end]) == slen &&
		       l->r[end].priority == r->priority; end++) {
			if (identical(&l->r[end], r)) {
				match = end;
				break;
			}
		}
		if (nlflags & FIB_NLM_F_REPLACE) {
			if (match != UINT32_MAX)
				return match == i ? 0 : -EEXIST;
			l->r[i] = *r;
			return 0;
		}
		if (match != UINT32_MAX)
			return -EEXIST;
		if (nlflags & FIB_NLM_F_APPEND)
			i = end;
	}
	if (!(nlflags & FIB_NLM_F_CREATE))
		return -ENOENT;
	int err = l ? insert_at(t, &p, n, i, r) : insert_leaf(t, &p, n, r);
	if (!err)
		t->routes++;
	settle(t);
	return err;
}

/* Removes route i of the leaf at n (the path's end's child); returns the
 * routes now under n's key, or NULL.  The caller settles the table. */
static struct lblock *remove_at(struct fib_table *t, struct path *p, struct fib_slot *n, uint32_t i)
{
	struct lblock *l = LB(t, n);
	struct fib_slot nl, old = *n;
	t->routes--;
	if (l->n == 1) {
		put_child_root(t, path_parent(p), old.key, &none);
		node_free(t, &old);
		l = NULL;
	} else if (!leaf_new(t, n->key, l->n - 1, &nl)) {
		struct lblock *nb = LB(t, &nl);
		memcpy(nb->r, l->r, i * sizeof(*l->r));
		memcpy(&nb->r[i], &l->r[i + 1], (l->n - i - 1) * sizeof(*l->r));
		nb->n = l->n - 1;
		n->idx = nl.idx;
		n->slen = route_slen(&nb->r[nb->n - 1]);
		node_free(t, &old);
		l = nb;
	} else {
		/* the allocator refused the smaller copy: l keeps a spare slot */
		memmove(&l->r[i], &l->r[i + 1], (l->n - i - 1) * sizeof(*l->r));
		l->n--;
		n->slen = route_slen(&l->r[l->n - 1]);
	}
	pull_suffix(t, p);
	rebalance(t, p);
	return l;
}

static int route_matches(const struct fib_route *r, const struct fib_route *k, unsigned m)
{
	return (!(m & FIB_M_TYPE) || r->type == k->type) &&
	       (!(m & FIB_M_PRIORITY) || r->priority == k->priority) &&
	       (!(m & FIB_M_GW) || r->gw == k->gw) && (!(m & FIB_M_OIF) || r->oif == k->oif) &&
	       (!(m & FIB_M_PROTOCOL) || r->protocol == k->protocol) &&
	       (!(m & FIB_M_SCOPE) || r->scope == k->scope) &&
	       (!(m & FIB_M_PREFSRC) || r->prefsrc == k->prefsrc);
}

int fib_table_delete(struct fib_table *t, const struct fib_route *key, unsigned match)
{
	if (!valid_key(key->dst, key->plen))
		return -EINVAL;
	struct path p;
	struct fib_slot *n = find_leaf(t, key->dst, &p);
	if (!n)
		return -ESRCH;
	const struct lblock *l = LB(t, n);
	unsigned slen = route_slen(key);
	for (uint32_t i = find_alias(l, slen, 0); i < l->n && route_slen(&l->r[i]) == slen; i++) {
		if (route_matches(&l->r[i], key, match)) {
			remove_at(t, &p, n, i);
			settle(t);
			return 0;
		}
	}
	return -ESRCH;
}

/* The leaf with the least key >= key, or NULL (Linux's leaf_walk_rcu, with a
 * stack for the parent pointers). */
static const struct fib_slot *leaf_ge(const struct fib_table *t, uint32_t key)
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

size_t fib_table_flush_if(struct fib_table *t, int (*pred)(const struct fib_route *r, void *ctx),
			  void *ctx)
{
	size_t count = 0;
	const struct fib_slot *n;
	for (uint32_t key = 0; (n = leaf_ge(t, key)); key++) {
		struct path p;
		const struct lblock *l = LB(t, n);
		key = n->key;
		for (uint32_t i = 0; l && i < l->n;) {
			if (!pred(&l->r[i], ctx)) {
				i++;
				continue;
			}
			l = remove_at(t, &p, find_leaf(t, key, &p), i);
			count++;
		}
		if (key == UINT32_MAX)
			break;
	}
	settle(t);
	return count;
}

/* ---- lookup ---------------------------------------------------------------- */

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
 * slen (its shortest prefix) covers key. */
static inline __attribute__((always_inline)) const struct fib_route *
lookup(const struct fib_table *t, uint32_t key, int (*accept)(const struct fib_route *, void *),
       void *ctx)
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
	return lookup(t, addr, NULL, NULL);
}

/* The common case, a forwarded packet's address inside a prefix of the
 * table, first: down addr's bits to a leaf, and if the leaf's longest prefix
 * covers addr, that is the answer.  A longer prefix covering addr would have
 * a key with a one where this leaf's key has a zero (a prefix's host bits are
 * zero) and addr a one, so the descent would have gone its way at the node
 * where the two keys part.  Anything else (no leaf, or one that does not
 * cover addr) takes the backtracking lookup from the root.  No stack and no
 * bookkeeping: about half the instructions, so more independent lookups
 * overlap their cache misses. */
const struct fib_route *fib_table_lookup(const struct fib_table *t, uint32_t addr)
{
	const struct fib_slot *n = &t->root;
	uint32_t index;
	while (n->bits && !((index = get_index(addr, n)) >> n->bits))
		n = &TB(t, n)->child[index];
	if (!n->bits && n->idx && !((uint64_t)(addr ^ n->key) >> n->slen)) {
		const struct fib_route *r = LB(t, n)->r;
		if (!((uint64_t)(addr ^ n->key) >> route_slen(r)))
			return r;
	}
	return lookup_slow(t, addr);
}

const struct fib_route *fib_table_lookup_fn(const struct fib_table *t, uint32_t addr,
					    int (*accept)(const struct fib_route *r, void *ctx),
					    void *ctx)
{
	return lookup(t, addr, accept, ctx);
}

const struct fib_route *fib_table_get(const struct fib_table *t, uint32_t dst, unsigned plen)
{
	struct path p;
	if (!valid_key(dst, plen))
		return NULL;
	/* descend only reads: the cast lets it share insert's code */
	const struct fib_slot *n = find_leaf((struct fib_table *)t, dst, &p);
	if (!n)
		return NULL;
	const struct lblock *l = LB(t, n);
	uint32_t i = find_alias(l, KEYLENGTH - plen, 0);
	return i < l->n && l->r[i].plen == plen ? &l->r[i] : NULL;
}

/* ---- walking ------------------------------------------------------------- */

/* Linux's dump (fn_trie_dump_leaf over leaf_walk_rcu) prints leaves in key
 * order and each leaf's aliases in list order: for one dst, the longest
 * prefix first (10.0.0.0/24 before 10.0.0.0/8, 0.0.0.0/1 before default). */
int fib_table_walk(const struct fib_table *t, int (*fn)(const struct fib_route *r, void *ctx),
		   void *ctx)
{
	const struct fib_slot *n;
	for (uint32_t key = 0; (n = leaf_ge(t, key)); key = n->key + 1) {
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

/* Calls fn on every node, parents before their children, with the parent's
 * slot (NULL for the root) and the depth. */
static void for_each_node(const struct fib_table *t,
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
	for_each_node(t, count_node, st);
}

void fib_table_init(struct fib_table *t)
{
	*t = (struct fib_table){ 0 };
}

void fib_table_flush(struct fib_table *t)
{
	t->root = none;
	t->routes = 0;
	settle(t);
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
	for_each_node(t, check_node, &c);
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
