/*
 * The FIB's table (net/ipv4/fib_trie.h): a level- and path-compressed trie
 * (Nilsson and Karlsson, "IP-address lookup using LC-tries", IEEE JSAC 17(6),
 * 1999) laid out and resized as Linux's net/ipv4/fib_trie.c does since
 * Alexander Duyck's 2015 rework: nodes with key, pos, bits and slen; inflate
 * when the doubled node would be at least 50% full (30% at the root), halve
 * under 25% (15%), at most 10 steps per node per change; the lookup backtracks
 * through the trie by clearing index bits, as Linux's fib_table_lookup does.
 * Written from Linux's documented behaviour; no parent pointers: changes
 * record the path they descend.  Callers: net/ipv4/fib.c, tests/unit, bench/route.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/ipv4/fib_trie.h"

#define KEYLENGTH 32
#define MAX_WORK 10          /* inflates or halves per node per change (Linux's MAX_WORK) */
#define INFLATE_THRESHOLD 50 /* percent full of the doubled node (Linux's inflate_threshold) */
#define INFLATE_THRESHOLD_ROOT 30
#define HALVE_THRESHOLD 25 /* percent full below which a node halves */
#define HALVE_THRESHOLD_ROOT 15
#define TNODE_BITS_MAX 24 /* 2^24 children, 128 MiB: never reached by a full Internet table */

/* What an inner node and a leaf begin with. */
struct fib_tnode {
	uint32_t key; /* inner: bits below pos + bits are zero; leaf: the routes' dst */
	uint8_t pos;  /* inner: the child index's lowest bit; leaf: 0 */
	uint8_t bits; /* inner: 2^bits children; 0: a leaf */
	uint8_t slen; /* the longest suffix (32 - plen) of a route below; inner: >= pos */
	uint8_t pad;
};

struct tnode {
	struct fib_tnode kv;
	uint32_t empty; /* NULL children */
	uint32_t full;  /* children that are inner nodes with no skipped bits */
	struct fib_tnode *child[];
};

/* Every route whose dst is key, ordered as Linux orders a leaf's aliases:
 * ascending suffix length (fib_insert_alias sorts by fa_slen, so the longest
 * prefix comes first), then ascending priority, then as nlflags placed them. */
struct leaf {
	struct fib_tnode kv;
	uint32_t n;   /* routes */
	uint32_t cap; /* room for routes (more than n after a shrink malloc refused) */
	struct fib_route r[];
};

/* The inner nodes a change passed, root first. */
struct path {
	struct tnode *tn[KEYLENGTH];
	int depth;
};

#define TN(n) ((struct tnode *)(n))
#define LF(n) ((struct leaf *)(n))

static inline uint32_t get_index(uint32_t key, const struct fib_tnode *n)
{
	return (key ^ n->key) >> n->pos;
}

static inline unsigned route_slen(const struct fib_route *r)
{
	return KEYLENGTH - r->plen;
}

static size_t tnode_size(unsigned bits)
{
	return sizeof(struct tnode) + (sizeof(struct fib_tnode *) << bits);
}

static size_t leaf_size(uint32_t cap)
{
	return sizeof(struct leaf) + cap * sizeof(struct fib_route);
}

static size_t node_size(const struct fib_tnode *n)
{
	return n->bits ? tnode_size(n->bits) : leaf_size(((const struct leaf *)n)->cap);
}

static void node_free(struct fib_table *t, struct fib_tnode *n)
{
	t->bytes -= node_size(n);
	free(n);
}

static struct tnode *tnode_new(struct fib_table *t, uint32_t key, unsigned pos, unsigned bits)
{
	size_t size = tnode_size(bits);
	struct tnode *tn = malloc(size);
	if (!tn)
		return NULL;
	memset(tn, 0, size);
	unsigned shift = pos + bits;
	tn->kv.key = shift < KEYLENGTH ? key >> shift << shift : 0;
	tn->kv.pos = pos;
	tn->kv.bits = bits;
	tn->kv.slen = pos;
	tn->empty = 1u << bits;
	t->bytes += size;
	return tn;
}

static struct leaf *leaf_new(struct fib_table *t, uint32_t key, uint32_t cap)
{
	struct leaf *l = malloc(leaf_size(cap));
	if (!l)
		return NULL;
	l->kv = (struct fib_tnode){ .key = key };
	l->n = 0;
	l->cap = cap;
	t->bytes += leaf_size(cap);
	return l;
}

static int tnode_full(const struct tnode *tn, const struct fib_tnode *n)
{
	return n && n->bits && n->pos + n->bits == tn->kv.pos;
}

/* Sets child i, keeping the counts; raises tn's slen (never lowers it). */
static void put_child(struct tnode *tn, uint32_t i, struct fib_tnode *n)
{
	struct fib_tnode *old = tn->child[i];
	tn->empty += !n - !old;
	tn->full += tnode_full(tn, n) - tnode_full(tn, old);
	if (n && n->slen > tn->kv.slen)
		tn->kv.slen = n->slen;
	tn->child[i] = n;
}

static void put_child_root(struct fib_table *t, struct tnode *tp, uint32_t key, struct fib_tnode *n)
{
	if (tp)
		put_child(tp, get_index(key, &tp->kv), n);
	else
		t->root = n;
}

/* tn's slen from its children: only a child whose index has its low k bits
 * clear can hold a suffix longer than pos + k (a prefix's host bits are
 * zero), so the scan strides over the rest (Linux's update_suffix). */
static void update_suffix(struct tnode *tn)
{
	unsigned pos = tn->kv.pos, bits = tn->kv.bits, slen = pos;
	uint32_t len = 1u << bits, stride = 2;
	for (uint32_t i = 0; i < len; i += stride) {
		const struct fib_tnode *c = tn->child[i];
		if (!c || c->slen <= slen)
			continue;
		slen = c->slen;
		if (slen + 1 - pos >= bits)
			break;
		stride = 1u << (slen + 1 - pos);
		i &= ~(stride - 1);
	}
	tn->kv.slen = slen;
}

/* ---- resizing (Linux's resize, inflate, halve, collapse) ------------------ */

static int should_inflate(const struct tnode *tn, int root)
{
	uint64_t len = 1ull << tn->kv.bits, used = len - tn->empty + tn->full;
	uint64_t threshold = len * (root ? INFLATE_THRESHOLD_ROOT : INFLATE_THRESHOLD);
	return used > 1 && tn->kv.pos && tn->kv.bits < TNODE_BITS_MAX && 50 * used >= threshold;
}

static int should_halve(const struct tnode *tn, int root)
{
	uint64_t len = 1ull << tn->kv.bits, used = len - tn->empty;
	uint64_t threshold = len * (root ? HALVE_THRESHOLD_ROOT : HALVE_THRESHOLD);
	return used > 1 && tn->kv.bits > 1 && 100 * used < threshold;
}

static void resize(struct fib_table *t, struct tnode *tp, struct tnode *tn);

/* tn (new) replaces old under tp; the old node goes, then tn's full children,
 * which the change may have made, are resized in turn. */
static void replace(struct fib_table *t, struct tnode *tp, struct tnode *old, struct tnode *tn)
{
	put_child_root(t, tp, tn->kv.key, &tn->kv);
	node_free(t, &old->kv);
	for (uint32_t i = 0; i < 1u << tn->kv.bits; i++)
		if (tnode_full(tn, tn->child[i]))
			resize(t, tn, TN(tn->child[i]));
}

/* One more index bit: each full child's children move up a level, split
 * between two new half-size nodes. */
static struct tnode *inflate(struct fib_table *t, struct tnode *tp, struct tnode *old)
{
	unsigned pos = old->kv.pos;
	uint32_t i, len = 1u << old->kv.bits, m = 1u << (pos - 1);
	struct tnode *tn = tnode_new(t, old->kv.key, pos - 1, old->kv.bits + 1);
	if (!tn)
		return NULL;
	for (i = 0; i < len; i++) {
		struct fib_tnode *c = old->child[i];
		if (!tnode_full(old, c)) {
			if (c)
				put_child(tn, get_index(c->key, &tn->kv), c);
			continue;
		}
		struct tnode *ci = TN(c);
		if (c->bits == 1) {
			put_child(tn, 2 * i, ci->child[0]);
			put_child(tn, 2 * i + 1, ci->child[1]);
			continue;
		}
		uint32_t half = 1u << (c->bits - 1);
		struct tnode *n0 = tnode_new(t, c->key, c->pos, c->bits - 1);
		struct tnode *n1 = n0 ? tnode_new(t, c->key | m, c->pos, c->bits - 1) : NULL;
		if (!n1) {
			if (n0)
				node_free(t, &n0->kv);
			goto nomem;
		}
		for (uint32_t j = 0; j < half; j++) {
			put_child(n0, j, ci->child[j]);
			put_child(n1, j, ci->child[half + j]);
		}
		put_child(tn, 2 * i, &n0->kv);
		put_child(tn, 2 * i + 1, &n1->kv);
	}
	for (i = 0; i < len; i++)
		if (tnode_full(old, old->child[i]))
			node_free(t, old->child[i]);
	replace(t, tp, old, tn);
	return tn;
nomem:
	/* the split pairs made so far, at 2j and 2j + 1 for j < i */
	while (i--) {
		const struct fib_tnode *c = old->child[i];
		if (tnode_full(old, c) && c->bits > 1) {
			node_free(t, tn->child[2 * i]);
			node_free(t, tn->child[2 * i + 1]);
		}
	}
	node_free(t, &tn->kv);
	return NULL;
}

/* One index bit less: each pair of non-empty children gets a binary node. */
static struct tnode *halve(struct fib_table *t, struct tnode *tp, struct tnode *old)
{
	uint32_t i, len = 1u << old->kv.bits;
	struct tnode *tn = tnode_new(t, old->kv.key, old->kv.pos + 1, old->kv.bits - 1);
	if (!tn)
		return NULL;
	for (i = 0; i < len; i += 2) {
		struct fib_tnode *c0 = old->child[i], *c1 = old->child[i + 1];
		if (!c0 || !c1) {
			put_child(tn, i / 2, c0 ? c0 : c1);
			continue;
		}
		struct tnode *b = tnode_new(t, c0->key, old->kv.pos, 1);
		if (!b)
			goto nomem;
		put_child(b, 0, c0);
		put_child(b, 1, c1);
		put_child(tn, i / 2, &b->kv);
	}
	replace(t, tp, old, tn);
	return tn;
nomem:
	while (i) {
		i -= 2;
		if (old->child[i] && old->child[i + 1])
			node_free(t, tn->child[i / 2]);
	}
	node_free(t, &tn->kv);
	return NULL;
}

/* Resizes tn (whose parent is tp, NULL at the root) as Linux's resize(). A
 * failed allocation only leaves the node as it was. */
static void resize(struct fib_table *t, struct tnode *tp, struct tnode *tn)
{
	int root = !tp, work = MAX_WORK;
	struct tnode *n;
	while (work && should_inflate(tn, root) && (n = inflate(t, tp, tn))) {
		tn = n;
		work--;
	}
	if (work != MAX_WORK)
		return;
	while (work && should_halve(tn, root) && (n = halve(t, tp, tn))) {
		tn = n;
		work--;
	}
	/* one child or none: the node goes, its child (if any) takes its place */
	uint32_t len = 1u << tn->kv.bits;
	if (len - tn->empty < 2) {
		struct fib_tnode *c = NULL;
		for (uint32_t i = 0; i < len && !c; i++)
			c = tn->child[i];
		put_child_root(t, tp, tn->kv.key, c);
		node_free(t, &tn->kv);
	}
}

/* After a change below the path's last node: suffixes, then shapes, bottom up. */
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
		if (p->tn[i]->kv.slen < slen)
			p->tn[i]->kv.slen = slen;
}

static void pull_suffix(struct path *p)
{
	for (int i = p->depth - 1; i >= 0; i--) {
		unsigned old = p->tn[i]->kv.slen;
		update_suffix(p->tn[i]);
		if (p->tn[i]->kv.slen == old)
			break;
	}
}

/* ---- finding --------------------------------------------------------------- */

/* Descends towards key, recording the inner nodes passed; returns where the
 * descent stopped: a leaf (key's or another), an inner node whose skipped
 * bits differ from key's, or NULL. */
static struct fib_tnode *descend(const struct fib_table *t, uint32_t key, struct path *p)
{
	struct fib_tnode *n = t->root;
	p->depth = 0;
	while (n && n->bits) {
		uint32_t i = get_index(key, n);
		if (i >> n->bits)
			break;
		p->tn[p->depth++] = TN(n);
		n = TN(n)->child[i];
	}
	return n;
}

static struct leaf *find_leaf(const struct fib_table *t, uint32_t key, struct path *p)
{
	struct fib_tnode *n = descend(t, key, p);
	return n && !n->bits && n->key == key ? LF(n) : NULL;
}

static struct tnode *path_parent(const struct path *p)
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
static uint32_t find_alias(const struct leaf *l, unsigned slen, uint32_t prio)
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

/* ---- insert and delete ----------------------------------------------------- */

/* A new leaf for r under the path's end; n is what the descent stopped at. */
static int insert_leaf(struct fib_table *t, struct path *p, struct fib_tnode *n,
		       const struct fib_route *r)
{
	struct leaf *l = leaf_new(t, r->dst, 1);
	if (!l)
		return -ENOMEM;
	l->r[0] = *r;
	l->n = 1;
	l->kv.slen = route_slen(r);
	struct tnode *tp = path_parent(p);
	if (n) {
		/* a binary node at the highest bit where the keys differ */
		unsigned pos = 31 - __builtin_clz(r->dst ^ n->key);
		struct tnode *tn = tnode_new(t, r->dst, pos, 1);
		if (!tn) {
			node_free(t, &l->kv);
			return -ENOMEM;
		}
		put_child(tn, get_index(n->key, &tn->kv), n);
		put_child_root(t, tp, r->dst, &tn->kv);
		p->tn[p->depth++] = tn;
		tp = tn;
	}
	put_child_root(t, tp, r->dst, &l->kv);
	push_suffix(p, l->kv.slen);
	rebalance(t, p);
	return 0;
}

/* r into l (the path's end's child) at i. */
static int insert_at(struct fib_table *t, struct path *p, struct leaf *l, uint32_t i,
		     const struct fib_route *r)
{
	if (l->n == l->cap) {
		struct leaf *nl = leaf_new(t, l->kv.key, l->n + 1);
		if (!nl)
			return -ENOMEM;
		nl->kv.slen = l->kv.slen;
		nl->n = l->n;
		memcpy(nl->r, l->r, l->n * sizeof(*l->r));
		put_child_root(t, path_parent(p), l->kv.key, &nl->kv);
		node_free(t, &l->kv);
		l = nl;
	}
	memmove(&l->r[i + 1], &l->r[i], (l->n - i) * sizeof(*l->r));
	l->r[i] = *r;
	l->n++;
	if (route_slen(r) > l->kv.slen) {
		l->kv.slen = route_slen(r);
		push_suffix(p, l->kv.slen);
	}
	return 0;
}

int fib_table_insert(struct fib_table *t, const struct fib_route *r, unsigned nlflags)
{
	if (!valid_key(r->dst, r->plen))
		return -EINVAL;
	struct path p;
	struct fib_tnode *n = descend(t, r->dst, &p);
	struct leaf *l = n && !n->bits && n->key == r->dst ? LF(n) : NULL;
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
	int err = l ? insert_at(t, &p, l, i, r) : insert_leaf(t, &p, n, r);
	if (!err)
		t->routes++;
	return err;
}

/* Removes route i of l (the path's end's child); returns the leaf now
 * holding l's key, or NULL. */
static struct leaf *remove_at(struct fib_table *t, struct path *p, struct leaf *l, uint32_t i)
{
	t->routes--;
	if (l->n == 1) {
		put_child_root(t, path_parent(p), l->kv.key, NULL);
		node_free(t, &l->kv);
		l = NULL;
	} else {
		struct leaf *nl = leaf_new(t, l->kv.key, l->n - 1);
		if (nl) {
			memcpy(nl->r, l->r, i * sizeof(*l->r));
			memcpy(&nl->r[i], &l->r[i + 1], (l->n - i - 1) * sizeof(*l->r));
			nl->n = l->n - 1;
			nl->kv.slen = route_slen(&nl->r[nl->n - 1]);
			put_child_root(t, path_parent(p), l->kv.key, &nl->kv);
			node_free(t, &l->kv);
			l = nl;
		} else {
			/* malloc refused the smaller copy: l keeps a spare slot */
			memmove(&l->r[i], &l->r[i + 1], (l->n - i - 1) * sizeof(*l->r));
			l->n--;
			l->kv.slen = route_slen(&l->r[l->n - 1]);
		}
	}
	pull_suffix(p);
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
	struct leaf *l = find_leaf(t, key->dst, &p);
	if (!l)
		return -ESRCH;
	unsigned slen = route_slen(key);
	for (uint32_t i = find_alias(l, slen, 0); i < l->n && route_slen(&l->r[i]) == slen; i++) {
		if (route_matches(&l->r[i], key, match)) {
			remove_at(t, &p, l, i);
			return 0;
		}
	}
	return -ESRCH;
}

/* The leaf with the least key >= key, or NULL (Linux's leaf_walk_rcu, with a
 * stack for the parent pointers). */
static struct leaf *leaf_ge(struct fib_tnode *n, uint32_t key)
{
	struct {
		struct tnode *tn;
		uint32_t i;
	} st[KEYLENGTH];
	int d = 0;
	for (;;) {
		if (n && !n->bits) {
			if (n->key >= key)
				return LF(n);
			n = NULL;
		}
		if (n) {
			unsigned shift = n->pos + n->bits;
			uint32_t high = shift < KEYLENGTH ? key >> shift << shift : 0;
			if (n->key > high)
				key = 0; /* all of n is above key: its first leaf */
			if (n->key >= high) {
				st[d].tn = TN(n);
				st[d].i = key ? get_index(key, n) : 0;
				n = TN(n)->child[st[d++].i];
				continue;
			}
		}
		/* up to the deepest node with a child left; all of it is above key */
		while (d && ++st[d - 1].i >> st[d - 1].tn->kv.bits)
			d--;
		if (!d)
			return NULL;
		n = st[d - 1].tn->child[st[d - 1].i];
		key = 0;
	}
}

size_t fib_table_flush_if(struct fib_table *t, int (*pred)(const struct fib_route *r, void *ctx),
			  void *ctx)
{
	size_t count = 0;
	struct leaf *l;
	for (uint32_t key = 0; (l = leaf_ge(t->root, key)); key++) {
		struct path p;
		key = l->kv.key;
		for (uint32_t i = 0; l && i < l->n;) {
			if (!pred(&l->r[i], ctx)) {
				i++;
				continue;
			}
			find_leaf(t, key, &p);
			l = remove_at(t, &p, l, i);
			count++;
		}
		if (key == UINT32_MAX)
			break;
	}
	return count;
}

/* ---- lookup ---------------------------------------------------------------- */

/* The first route of l covering key that accept (if any) takes. */
static inline const struct fib_route *leaf_match(const struct leaf *l, uint32_t key,
						 int (*accept)(const struct fib_route *, void *),
						 void *ctx)
{
	uint64_t x = key ^ l->kv.key;
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
static inline uint32_t prefix_mismatch(uint32_t key, const struct fib_tnode *n)
{
	return (key ^ n->key) & (n->key | -n->key);
}

/* Linux's fib_table_lookup: down key's bits, recording the nodes whose
 * subtrees hold prefixes short enough to matter (slen > pos); then, from
 * the deepest, clear the index's lowest set bit (a shorter prefix has zeros
 * there) and look in that child, down its 0 children, until a leaf takes. */
static inline __attribute__((always_inline)) const struct fib_route *
lookup(const struct fib_table *t, uint32_t key, int (*accept)(const struct fib_route *, void *),
       void *ctx)
{
	struct {
		const struct tnode *tn;
		uint32_t cindex;
	} bt[KEYLENGTH];
	int depth = 0;
	const struct fib_tnode *n = t->root;
	const struct fib_route *r;
	if (!n)
		return NULL;
	for (;;) {
		uint32_t index = get_index(key, n);
		if (index >> n->bits)
			break; /* the skipped bits differ (a leaf: another key) */
		if (!n->bits)
			goto leaf;
		if (n->slen > n->pos) {
			bt[depth].tn = TN(n);
			bt[depth++].cindex = index;
		}
		n = TN(n)->child[index];
		if (!n)
			goto backtrack;
	}
	for (;;) {
		/* prefix mode: only a prefix shorter than n's bits can cover key */
		if (prefix_mismatch(key, n) || n->slen == n->pos)
			goto backtrack;
		if (!n->bits)
			goto leaf;
		n = TN(n)->child[0];
		if (n)
			continue;
backtrack:
		do {
			while (depth && !bt[depth - 1].cindex)
				depth--;
			if (!depth)
				return NULL;
			bt[depth - 1].cindex &= bt[depth - 1].cindex - 1;
			n = bt[depth - 1].tn->child[bt[depth - 1].cindex];
		} while (!n);
		continue;
leaf:
		r = leaf_match(LF(n), key, accept, ctx);
		if (r)
			return r;
		goto backtrack;
	}
}

const struct fib_route *fib_table_lookup(const struct fib_table *t, uint32_t addr)
{
	return lookup(t, addr, NULL, NULL);
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
	const struct leaf *l = find_leaf(t, dst, &p);
	if (!l)
		return NULL;
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
	const struct leaf *l;
	for (uint32_t key = 0; (l = leaf_ge(t->root, key)); key = l->kv.key + 1) {
		for (uint32_t i = 0; i < l->n; i++) {
			int rc = fn(&l->r[i], ctx);
			if (rc)
				return rc;
		}
		if (l->kv.key == UINT32_MAX)
			break;
	}
	return 0;
}

/* Calls fn on every node, children before their parent (so fn may free). */
static void for_each_node(struct fib_tnode *root, void (*fn)(struct fib_tnode *n, int depth, void *ctx),
			  void *ctx)
{
	struct {
		struct tnode *tn;
		uint32_t i;
	} st[KEYLENGTH];
	int d = 0;
	struct fib_tnode *n = root;
	while (n || d) {
		if (n && n->bits) {
			st[d].tn = TN(n);
			st[d++].i = 0;
			n = TN(n)->child[0];
			continue;
		}
		if (n)
			fn(n, d, ctx);
		while (d && ++st[d - 1].i >> st[d - 1].tn->kv.bits) {
			d--;
			fn(&st[d].tn->kv, d, ctx);
		}
		n = d ? st[d - 1].tn->child[st[d - 1].i] : NULL;
	}
}

static void count_node(struct fib_tnode *n, int depth, void *ctx)
{
	struct fib_trie_stats *st = ctx;
	st->bytes += node_size(n);
	if (n->bits) {
		st->tnodes++;
		return;
	}
	const struct leaf *l = LF(n);
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
	*st = (struct fib_trie_stats){ 0 };
	for_each_node(t->root, count_node, st);
}

static void free_node(struct fib_tnode *n, int depth, void *ctx)
{
	(void)depth;
	node_free(ctx, n);
}

void fib_table_init(struct fib_table *t)
{
	*t = (struct fib_table){ 0 };
}

void fib_table_flush(struct fib_table *t)
{
	for_each_node(t->root, free_node, t);
	t->root = NULL;
	t->routes = 0;
}
