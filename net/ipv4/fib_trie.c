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
 * (fib_trie_priv.h: "Layout") and memory comes from fib_trie_mem.c; the
 * lookups are in fib_trie_lookup.c, walks and checks in fib_trie_walk.c.
 * Callers: net/ipv4/fib.c, tests/unit, bench/route.
 */
#include <errno.h>
#include <string.h>

#include "net/ipv4/fib_trie_priv.h"

#define MAX_WORK 10          /* inflates or halves per node per change (Linux's MAX_WORK) */
#define INFLATE_THRESHOLD 50 /* percent full of the doubled node (Linux's inflate_threshold) */
#define INFLATE_THRESHOLD_ROOT 30
#define HALVE_THRESHOLD 25 /* percent full below which a node halves */
#define HALVE_THRESHOLD_ROOT 15

/* The inner nodes a change passed, root first: where their slots are. */
struct path {
	struct fib_slot *tn[KEYLENGTH];
	int depth;
};

static const struct fib_slot none;

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
	return used > 1 && tn->pos && tn->bits < TNODE_BITS_MAX && 50 * used >= threshold;
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

/* An empty table gives its memory back (and so holds no bytes).  Free
 * blocks wait for a block of their size, which may not come: a table that
 * grew by inflating nodes leaves the small blocks its nodes outgrew (at a
 * full table, 11 MB of 69).  Once more than an eighth of the live bytes
 * are free, the trie moves to fresh chunks (O(n), after at least n/8 bytes
 * were freed: constant time per freed byte); if that fails, it stays. */
static void settle(struct fib_table *t)
{
	if (!t->root.idx)
		fib_mem_release(&t->mem);
	else if (t->mem.freed > t->mem.live / 8 && t->mem.freed > 16384)
		(void)fib_trie_compact(t);
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

size_t fib_table_flush_if(struct fib_table *t, int (*pred)(const struct fib_route *r, void *ctx),
			  void *ctx)
{
	size_t count = 0;
	const struct fib_slot *n;
	for (uint32_t key = 0; (n = fib_trie_leaf_ge(t, key)); key++) {
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

