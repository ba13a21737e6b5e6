/*
 * net/ipv4/fib_trie.c.  First against a brute-force reference (an array
 * scanned for the longest prefix) over random tables of 10,000 prefixes
 * with random adds, replaces and deletes, /0 and /32 included, clustered
 * so that prefixes nest and share keys; lookups of random addresses and of
 * addresses at prefix boundaries after every batch, with and without an
 * accept function; the table's own counts and bytes against a walk, and
 * fib_trie_check's invariants (every 64 changes).  Then
 * Linux's rules one at a time: nlflags (fib_table_insert), delete's match
 * fields, invalid keys, walk order (a leaf's aliases by fa_slen), backtracking
 * past refused aliases (fib_table_lookup), flush_if, and every allocation
 * failing in turn (-ENOMEM changes nothing).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/ipv4/fib_trie.h"
#include "tests/unit/fakes.h"
#include "tests/unit/unit.h"

#define ADD (FIB_NLM_F_CREATE | FIB_NLM_F_EXCL)
#define REPLACE (FIB_NLM_F_CREATE | FIB_NLM_F_REPLACE)
#define APPEND (FIB_NLM_F_CREATE | FIB_NLM_F_APPEND)
#define PREPEND FIB_NLM_F_CREATE

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint32_t mask(unsigned plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

static struct fib_route route(uint32_t dst, unsigned plen, uint32_t prio, uint32_t gw, int oif)
{
	return (struct fib_route){ .dst = dst, .plen = plen, .type = RTN_UNICAST,
				   .protocol = RTPROT_STATIC, .priority = prio, .gw = gw, .oif = oif };
}

/* ---- the reference --------------------------------------------------------- */

/* At most one route per dst/plen/priority (the random test adds with EXCL
 * and replaces), so a prefix's first route is its lowest priority. */
#define REF_MAX 12000
static struct fib_route ref[REF_MAX];
static size_t nref;

/* by dst/plen/priority: chains through ref_next, -1 ends */
#define REF_BUCKETS 16384
static int ref_head[REF_BUCKETS], ref_next[REF_MAX];

static unsigned ref_hash(uint32_t dst, unsigned plen, uint32_t prio)
{
	return ((dst * 2654435761u) ^ (plen * 40503u) ^ prio) % REF_BUCKETS;
}

static void ref_reset(void)
{
	nref = 0;
	memset(ref_head, -1, sizeof(ref_head));
}

static int ref_find(uint32_t dst, unsigned plen, uint32_t prio)
{
	for (int i = ref_head[ref_hash(dst, plen, prio)]; i >= 0; i = ref_next[i])
		if (ref[i].dst == dst && ref[i].plen == plen && ref[i].priority == prio)
			return i;
	return -1;
}

static void ref_link(size_t i)
{
	int *h = &ref_head[ref_hash(ref[i].dst, ref[i].plen, ref[i].priority)];
	ref_next[i] = *h;
	*h = (int)i;
}

static void ref_unlink(size_t i)
{
	int *p = &ref_head[ref_hash(ref[i].dst, ref[i].plen, ref[i].priority)];
	while (*p != (int)i)
		p = &ref_next[*p];
	*p = ref_next[i];
}

static void ref_add(const struct fib_route *r)
{
	ck_assert_uint_lt(nref, REF_MAX);
	ref[nref] = *r;
	ref_link(nref++);
}

static void ref_del(size_t i)
{
	ref_unlink(i);
	if (i != --nref) {
		ref_unlink(nref);
		ref[i] = ref[nref];
		ref_link(i);
	}
}

static const struct fib_route *ref_lookup(uint32_t addr, int (*accept)(const struct fib_route *, void *))
{
	const struct fib_route *best = NULL;
	for (size_t i = 0; i < nref; i++) {
		const struct fib_route *r = &ref[i];
		if ((addr & mask(r->plen)) != r->dst || (accept && !accept(r, NULL)))
			continue;
		if (!best || r->plen > best->plen || (r->plen == best->plen && r->priority < best->priority))
			best = r;
	}
	return best;
}

static int refuse_odd_gw(const struct fib_route *r, void *ctx)
{
	(void)ctx;
	return !(r->gw & 1);
}

/* Same prefix and gw (unique per prefix and priority here), or both NULL.
 * Checked with an if: every ck_assert records its line, too slow here. */
static int same(const struct fib_route *a, const struct fib_route *b)
{
	return !a || !b ? a == b : a->dst == b->dst && a->plen == b->plen && a->gw == b->gw;
}

static void check_addr(const struct fib_table *t, uint32_t addr)
{
	const struct fib_route *want = ref_lookup(addr, NULL), *got = fib_table_lookup(t, addr);
	if (!same(want, got))
		ck_abort_msg("lookup %08x: want %08x/%u gw %x, got %08x/%u gw %x", addr,
			     want ? want->dst : 0, want ? want->plen : 99, want ? want->gw : 0,
			     got ? got->dst : 0, got ? got->plen : 99, got ? got->gw : 0);
	want = ref_lookup(addr, refuse_odd_gw);
	got = fib_table_lookup_fn(t, addr, refuse_odd_gw, NULL);
	if (!same(want, got))
		ck_abort_msg("lookup_fn %08x: want %08x/%u gw %x, got %08x/%u gw %x", addr,
			     want ? want->dst : 0, want ? want->plen : 99, want ? want->gw : 0,
			     got ? got->dst : 0, got ? got->plen : 99, got ? got->gw : 0);
}

struct walk_state {
	size_t n;
	struct fib_route prev;
};

/* Ascending dst; for one dst, longest prefix first; then priority. */
static int walk_order(const struct fib_route *r, void *ctx)
{
	struct walk_state *w = ctx;
	const struct fib_route *p = &w->prev;
	if (w->n && !(p->dst < r->dst || (p->dst == r->dst && (p->plen > r->plen ||
		      (p->plen == r->plen && p->priority <= r->priority)))))
		ck_abort_msg("walk: %08x/%u after %08x/%u", r->dst, r->plen, p->dst, p->plen);
	w->prev = *r;
	w->n++;
	return 0;
}

static void check_invariants(const struct fib_table *t)
{
	const char *err = fib_trie_check(t);
	ck_assert_msg(!err, "fib_trie_check: %s", err);
}

/* Counts, bytes, invariants, walk order, then n random addresses and the boundaries of
 * n / 4 prefixes. */
static void check_table_n(const struct fib_table *t, int n)
{
	struct fib_trie_stats st;
	fib_table_stats(t, &st);
	ck_assert_uint_eq(st.routes, nref);
	ck_assert_uint_eq(t->routes, nref);
	ck_assert_uint_eq(st.bytes, t->bytes);
	ck_assert_uint_ge(st.bytes, st.used);
	/* free blocks beyond an eighth of the live bytes move the trie to fresh chunks */
	ck_assert(t->mem.freed <= t->mem.live / 8 || t->mem.freed <= 16384);
	check_invariants(t);
	struct walk_state w = { 0 };
	ck_assert_int_eq(fib_table_walk(t, walk_order, &w), 0);
	ck_assert_uint_eq(w.n, nref);
	for (int i = 0; i < n; i++)
		check_addr(t, rnd());
	for (int i = 0; i < n / 4 && nref; i++) {
		const struct fib_route *r = &ref[rnd() % nref];
		uint32_t last = r->dst | ~mask(r->plen);
		check_addr(t, r->dst);
		check_addr(t, last);
		check_addr(t, r->dst - 1);
		check_addr(t, last + 1);
	}
}

static void check_table(const struct fib_table *t)
{
	check_table_n(t, 400);
}

/* Clustered, so prefixes nest and share keys: 64 /12 blocks, plen 0..32
 * (mostly 8..32), priority 0..2, gw random (its low bit decides accept). */
static struct fib_route random_route(void)
{
	static const uint32_t base = 0x0a000000;
	unsigned plen = rnd() % 40;
	plen = plen > 32 ? 8 + rnd() % 25 : plen;
	uint32_t dst = (base + ((rnd() % 64) << 20)) ^ (rnd() & 0x000fffff) ^ (rnd() % 8 ? 0 : rnd());
	return route(dst & mask(plen), plen, rnd() % 3, rnd(), 1 + rnd() % 4);
}

static void random_op(struct fib_table *t)
{
	unsigned op = rnd() % 8;
	if (op < 4 && nref) {
		/* delete an existing route, by priority */
		size_t i = rnd() % nref;
		if (fib_table_delete(t, &ref[i], FIB_M_PRIORITY) ||
		    fib_table_delete(t, &ref[i], FIB_M_PRIORITY) != -ESRCH)
			ck_abort_msg("delete %08x/%u", ref[i].dst, ref[i].plen);
		ref_del(i);
		return;
	}
	struct fib_route r = random_route();
	int at = ref_find(r.dst, r.plen, r.priority);
	if (op < 6) {
		if (fib_table_insert(t, &r, REPLACE))
			ck_abort_msg("replace %08x/%u", r.dst, r.plen);
		if (at >= 0)
			ref[at] = r;
		else
			ref_add(&r);
		return;
	}
	if (fib_table_insert(t, &r, ADD) != (at >= 0 ? -EEXIST : 0))
		ck_abort_msg("add %08x/%u", r.dst, r.plen);
	if (at < 0)
		ref_add(&r);
}

START_TEST(random_vs_reference)
{
	struct fib_table t;
	fib_table_init(&t);
	ref_reset();
	/* the edges first: default route, host routes at both ends */
	struct fib_route edge[] = { route(0, 0, 0, 2, 1), route(0, 32, 0, 4, 1),
				    route(~0u, 32, 0, 6, 1), route(0x80000000, 1, 0, 8, 1) };
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		ck_assert_int_eq(fib_table_insert(&t, &edge[i], ADD), 0);
		ref_add(&edge[i]);
	}
	check_table(&t);
	while (nref < 10000) {
		struct fib_route r = random_route();
		if (ref_find(r.dst, r.plen, r.priority) >= 0)
			continue;
		ck_assert_int_eq(fib_table_insert(&t, &r, ADD), 0);
		ref_add(&r);
		if (nref % 500 == 0)
			check_invariants(&t);
	}
	check_table(&t);
	for (int batch = 0; batch < 8; batch++) {
		for (int i = 0; i < 2000; i++) {
			random_op(&t);
			if (i % 64 == 0)
				check_invariants(&t);
		}
		check_table(&t);
	}
	struct fib_trie_stats st;
	fib_table_stats(&t, &st);
	ck_assert_uint_le(st.max_depth, 32);
	ck_assert_uint_gt(st.prefixes, st.leaves); /* keys are shared */
	while (nref) {
		size_t i = rnd() % nref;
		ck_assert_int_eq(fib_table_delete(&t, &ref[i], FIB_M_PRIORITY | FIB_M_GW), 0);
		ref_del(i);
		if (nref % 64 == 0)
			check_invariants(&t);
		if (nref % 2500 == 0)
			check_table(&t);
	}
	ck_assert_uint_eq(t.root.idx, 0);
	ck_assert_uint_eq(t.bytes, 0);
	ck_assert_uint_eq(t.routes, 0);
	ck_assert_ptr_null(fib_table_lookup(&t, 0));
}
END_TEST

/* ---- Linux's rules one at a time ------------------------------------------- */

static uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

struct collect {
	size_t n;
	struct fib_route r[16];
	size_t stop_at;
};

static int collect(const struct fib_route *r, void *ctx)
{
	struct collect *c = ctx;
	ck_assert_uint_lt(c->n, 16);
	c->r[c->n++] = *r;
	return c->stop_at && c->n == c->stop_at ? 7 : 0;
}

/* The gws of the routes to dst/plen, in order. */
static size_t gws(const struct fib_table *t, uint32_t dst, unsigned plen, uint32_t *out)
{
	struct collect c = { 0 };
	size_t n = 0;
	fib_table_walk(t, collect, &c);
	for (size_t i = 0; i < c.n; i++)
		if (c.r[i].dst == dst && c.r[i].plen == plen)
			out[n++] = c.r[i].gw;
	return n;
}

START_TEST(nlflags)
{
	struct fib_table t;
	uint32_t g[16], net = ip(10, 1, 0, 0);
	fib_table_init(&t);
	struct fib_route a = route(net, 16, 10, 1, 1), b = route(net, 16, 10, 2, 1);
	struct fib_route c = route(net, 16, 10, 3, 1), lo = route(net, 16, 5, 9, 1);
	ck_assert_int_eq(fib_table_insert(&t, &a, FIB_NLM_F_EXCL), -ENOENT); /* no CREATE */
	ck_assert_int_eq(fib_table_insert(&t, &a, ADD), 0);
	ck_assert_int_eq(fib_table_insert(&t, &b, ADD), -EEXIST);              /* same prio */
	ck_assert_int_eq(fib_table_insert(&t, &b, APPEND), 0);                 /* after a */
	ck_assert_int_eq(fib_table_insert(&t, &c, PREPEND), 0);                /* before a */
	ck_assert_uint_eq(gws(&t, net, 16, g), 3);
	ck_assert(g[0] == 3 && g[1] == 1 && g[2] == 2);
	ck_assert_int_eq(fib_table_insert(&t, &b, APPEND), -EEXIST);  /* identical */
	ck_assert_int_eq(fib_table_insert(&t, &a, PREPEND), -EEXIST); /* identical */
	ck_assert_int_eq(fib_table_insert(&t, &lo, APPEND), 0);       /* lower metric first */
	ck_assert_uint_eq(fib_table_lookup(&t, net + 5)->gw, 9);
	ck_assert_uint_eq(fib_table_get(&t, net, 16)->gw, 9);
	/* REPLACE: the first of the group; an identical first is a no-op, an
	 * identical later one is -EEXIST */
	struct fib_route d = route(net, 16, 10, 4, 2);
	ck_assert_int_eq(fib_table_insert(&t, &d, REPLACE), 0);
	ck_assert_uint_eq(gws(&t, net, 16, g), 4);
	ck_assert(g[0] == 9 && g[1] == 4 && g[2] == 1);
	ck_assert_int_eq(fib_table_insert(&t, &d, REPLACE), 0);
	ck_assert_int_eq(fib_table_insert(&t, &b, REPLACE), -EEXIST);
	ck_assert_uint_eq(t.routes, 4);
	/* REPLACE without a match creates; without CREATE, -ENOENT */
	struct fib_route e = route(net, 16, 20, 5, 1);
	ck_assert_int_eq(fib_table_insert(&t, &e, FIB_NLM_F_REPLACE), -ENOENT);
	ck_assert_int_eq(fib_table_insert(&t, &e, REPLACE), 0);
	ck_assert_uint_eq(gws(&t, net, 16, g), 5);
	ck_assert_uint_eq(g[4], 5);
	/* a type differs: not identical */
	struct fib_route bh = b;
	bh.type = RTN_BLACKHOLE;
	ck_assert_int_eq(fib_table_insert(&t, &bh, APPEND), 0);
	ck_assert_uint_eq(t.routes, 6);
	fib_table_flush(&t);
	ck_assert_uint_eq(t.bytes, 0);
	ck_assert_uint_eq(t.root.idx, 0);
}
END_TEST

START_TEST(delete_match)
{
	struct fib_table t;
	uint32_t g[16], net = ip(192, 0, 2, 0);
	fib_table_init(&t);
	struct fib_route r[] = { route(net, 24, 0, 1, 1), route(net, 24, 0, 2, 2),
				 route(net, 24, 7, 3, 2) };
	r[1].scope = RT_SCOPE_LINK;
	r[1].prefsrc = ip(192, 0, 2, 9);
	r[2].protocol = RTPROT_KERNEL;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(fib_table_insert(&t, &r[i], APPEND), 0);
	struct fib_route k = route(net, 24, 0, 0, 0);
	k.protocol = RTPROT_BOOT;
	ck_assert_int_eq(fib_table_delete(&t, &k, FIB_M_PROTOCOL), -ESRCH);
	k.plen = 25;
	ck_assert_int_eq(fib_table_delete(&t, &k, 0), -ESRCH);
	k = route(net | 1, 24, 0, 0, 0);
	ck_assert_int_eq(fib_table_delete(&t, &k, 0), -EINVAL);
	k = route(net, 33, 0, 0, 0);
	ck_assert_int_eq(fib_table_delete(&t, &k, 0), -EINVAL);
	k = route(net, 24, 0, 0, 2);
	k.protocol = RTPROT_KERNEL;
	ck_assert_int_eq(fib_table_delete(&t, &k, FIB_M_OIF | FIB_M_PROTOCOL), 0); /* r[2] */
	k.scope = RT_SCOPE_LINK;
	k.prefsrc = ip(192, 0, 2, 9);
	ck_assert_int_eq(fib_table_delete(&t, &k, FIB_M_SCOPE | FIB_M_PREFSRC), 0); /* r[1] */
	ck_assert_uint_eq(gws(&t, net, 24, g), 1);
	k.gw = 2;
	ck_assert_int_eq(fib_table_delete(&t, &k, FIB_M_GW), -ESRCH);
	k.type = RTN_BLACKHOLE;
	ck_assert_int_eq(fib_table_delete(&t, &k, FIB_M_TYPE), -ESRCH);
	ck_assert_int_eq(fib_table_delete(&t, &k, 0), 0); /* the first */
	ck_assert_uint_eq(t.root.idx, 0);
	ck_assert_uint_eq(t.bytes, 0);
}
END_TEST

START_TEST(invalid)
{
	struct fib_table t;
	fib_table_init(&t);
	struct fib_route r = route(ip(10, 0, 0, 1), 24, 0, 0, 1);
	ck_assert_int_eq(fib_table_insert(&t, &r, ADD), -EINVAL);
	r = route(ip(10, 0, 0, 0), 33, 0, 0, 1);
	ck_assert_int_eq(fib_table_insert(&t, &r, ADD), -EINVAL);
	r = route(1, 0, 0, 0, 1);
	ck_assert_int_eq(fib_table_insert(&t, &r, ADD), -EINVAL);
	ck_assert_ptr_null(fib_table_get(&t, ip(10, 0, 0, 1), 24));
	ck_assert_uint_eq(t.root.idx, 0);
	ck_assert_uint_eq(t.bytes, 0);
}
END_TEST

/* `ip route show` order: ascending key, and for one key the longest prefix
 * first, as a Linux leaf keeps its aliases (fib_insert_alias by fa_slen). */
START_TEST(walk_order_linux)
{
	struct fib_table t;
	fib_table_init(&t);
	struct fib_route r[] = { route(ip(10, 0, 0, 0), 8, 0, 1, 1), route(0, 0, 0, 2, 1),
				 route(ip(128, 0, 0, 0), 1, 0, 3, 1), route(ip(10, 1, 0, 0), 16, 0, 4, 1),
				 route(ip(10, 0, 0, 0), 24, 0, 5, 1), route(0, 1, 0, 6, 1),
				 route(ip(10, 0, 0, 0), 24, 3, 7, 1) };
	for (size_t i = 0; i < 7; i++)
		ck_assert_int_eq(fib_table_insert(&t, &r[i], ADD), 0);
	static const uint32_t want[] = { 6, 2, 5, 7, 1, 4, 3 };
	struct collect c = { 0 };
	ck_assert_int_eq(fib_table_walk(&t, collect, &c), 0);
	ck_assert_uint_eq(c.n, 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_uint_eq(c.r[i].gw, want[i]);
	c = (struct collect){ .stop_at = 3 };
	ck_assert_int_eq(fib_table_walk(&t, collect, &c), 7);
	ck_assert_uint_eq(c.n, 3);
	struct fib_trie_stats st;
	fib_table_stats(&t, &st);
	ck_assert_uint_eq(st.routes, 7);
	ck_assert_uint_eq(st.prefixes, 6);
	ck_assert_uint_eq(st.leaves, 4);
	fib_table_flush(&t);
	ck_assert_uint_eq(t.bytes, 0);
}
END_TEST

static int refuse_oifs(const struct fib_route *r, void *ctx)
{
	return !(*(unsigned *)ctx & 1u << r->oif);
}

START_TEST(lookup_fn_backtracks)
{
	struct fib_table t;
	fib_table_init(&t);
	struct fib_route r[] = { route(ip(10, 0, 0, 0), 8, 0, 1, 1), route(ip(10, 1, 0, 0), 16, 0, 2, 2),
				 route(ip(10, 1, 2, 0), 24, 0, 3, 3), route(ip(10, 1, 2, 0), 24, 0, 4, 4),
				 route(0, 0, 0, 5, 5), route(ip(10, 1, 2, 128), 25, 0, 6, 6),
				 route(ip(10, 1, 3, 0), 24, 0, 7, 7) };
	for (size_t i = 0; i < 7; i++)
		ck_assert_int_eq(fib_table_insert(&t, &r[i], APPEND), 0);
	uint32_t a = ip(10, 1, 2, 7);
	static const struct {
		unsigned refused, gw;
	} c[] = { { 0, 3 }, { 1 << 3, 4 }, { 1 << 3 | 1 << 4, 2 }, { 0x1c, 1 }, { 0x1e, 5 }, { 0x3e, 0 } };
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		unsigned refused = c[i].refused;
		const struct fib_route *got = fib_table_lookup_fn(&t, a, refuse_oifs, &refused);
		if (!c[i].gw)
			ck_assert_ptr_null(got);
		else
			ck_assert_msg(got && got->gw == c[i].gw, "refused %#x: want gw %u", refused, c[i].gw);
	}
	ck_assert_uint_eq(fib_table_lookup(&t, a)->gw, 3);
	ck_assert_uint_eq(fib_table_lookup(&t, ip(10, 1, 2, 200))->gw, 6);
	ck_assert_uint_eq(fib_table_lookup(&t, ip(10, 2, 0, 0))->gw, 1);
	ck_assert_uint_eq(fib_table_lookup(&t, ip(11, 0, 0, 0))->gw, 5);
	fib_table_flush(&t);
}
END_TEST

static int oif_is(const struct fib_route *r, void *ctx)
{
	return r->oif == *(int *)ctx;
}

START_TEST(flush_if)
{
	struct fib_table t;
	fib_table_init(&t);
	ref_reset();
	for (int i = 0; i < 3000; i++) {
		struct fib_route r = random_route();
		if (ref_find(r.dst, r.plen, r.priority) >= 0)
			continue;
		ck_assert_int_eq(fib_table_insert(&t, &r, ADD), 0);
		ref_add(&r);
	}
	int oif = 2;
	size_t want = 0;
	for (size_t i = 0; i < nref;) {
		if (ref[i].oif == oif) {
			ref_del(i);
			want++;
		} else {
			i++;
		}
	}
	ck_assert_uint_eq(fib_table_flush_if(&t, oif_is, &oif), want);
	check_table(&t);
	ck_assert_uint_eq(fib_table_flush_if(&t, oif_is, &oif), 0);
	size_t left = nref;
	ref_reset();
	for (oif = 1; oif <= 4; oif++)
		left -= fib_table_flush_if(&t, oif_is, &oif);
	ck_assert_uint_eq(left, 0);
	ck_assert_uint_eq(t.root.idx, 0);
	ck_assert_uint_eq(t.bytes, 0);
}
END_TEST

/* Each allocation of an insert or a delete fails in turn: an insert that
 * fails changes nothing; one whose resize failed is in (a valid trie); a
 * delete always succeeds. */
START_TEST(enomem)
{
	struct fib_table t;
	fib_table_init(&t);
	ref_reset();
	/* dense enough for inflates and halves */
	for (int i = 0; i < 600; i++) {
		struct fib_route r = route(ip(10, 0, 0, 0) | (rnd() & 0x3ff) << 8, 24, 0, 1, 1);
		if (ref_find(r.dst, 24, 0) < 0) {
			ck_assert_int_eq(fib_table_insert(&t, &r, ADD), 0);
			ref_add(&r);
		}
	}
	int failed = 0, resize_failed = 0;
	for (int n = 0; n < 60; n++) {
		struct fib_route r = n % 3 ? route(ip(10, 0, 0, 0) | (rnd() & 0xfff) << 8, 24, 0, 2, 1)
					   : route(ref[rnd() % nref].dst, 24, 0, 3, 1);
		for (int k = 1;; k++) {
			struct fib_trie_stats before, after;
			fib_table_stats(&t, &before);
			size_t bytes = t.bytes, prev_calls;
			fake_calls = 0;
			fake_fail_at = k;
			int rc = fib_table_insert(&t, &r, APPEND);
			prev_calls = fake_calls;
			fake_fail_at = 0;
			if (rc == -ENOMEM) {
				failed++;
				fib_table_stats(&t, &after);
				/* a chunk taken for a block given back stays held */
				ck_assert_uint_ge(t.bytes, bytes);
				after.bytes = before.bytes;
				ck_assert_mem_eq(&after, &before, sizeof(after));
				check_table_n(&t, 40);
				continue;
			}
			ck_assert_int_eq(rc, 0);
			ref_add(&r);
			check_table_n(&t, 40);
			resize_failed += prev_calls >= (size_t)k;
			/* delete it again with allocations failing */
			fake_calls = 0;
			fake_fail_at = 1;
			ck_assert_int_eq(fib_table_delete(&t, &r, FIB_M_GW), 0);
			fake_fail_at = 0;
			ref_del(nref - 1);
			check_table_n(&t, 40);
			if (prev_calls < (size_t)k)
				break;
		}
	}
	ck_assert_int_gt(failed, 60);
	ck_assert_int_gt(resize_failed, 0);
	/* a delete whose shrink is refused keeps a slot spare; bytes still match */
	struct fib_route x = route(ip(10, 9, 9, 0), 24, 0, 1, 1), y = x;
	y.gw = 2;
	ck_assert_int_eq(fib_table_insert(&t, &x, APPEND), 0);
	ck_assert_int_eq(fib_table_insert(&t, &y, APPEND), 0);
	fake_calls = 0;
	fake_fail_at = 1;
	ck_assert_int_eq(fib_table_delete(&t, &x, FIB_M_GW), 0);
	fake_fail_at = 0;
	ref_add(&y);
	check_table_n(&t, 40);
	ck_assert_int_eq(fib_table_insert(&t, &x, APPEND), 0); /* into the spare slot */
	ref_add(&x);
	check_table_n(&t, 40);
	fib_table_flush(&t);
	ck_assert_uint_eq(t.bytes, 0);
	fake_calls = 0;
}
END_TEST

Suite *fib_trie_suite(void)
{
	Suite *s = suite_create("fib_trie");
	TCase *tc = tcase_create("fib_trie");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, random_vs_reference);
	tcase_add_test(tc, nlflags);
	tcase_add_test(tc, delete_match);
	tcase_add_test(tc, invalid);
	tcase_add_test(tc, walk_order_linux);
	tcase_add_test(tc, lookup_fn_backtracks);
	tcase_add_test(tc, flush_if);
	tcase_add_test(tc, enomem);
	suite_add_tcase(s, tc);
	return s;
}
