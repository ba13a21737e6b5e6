/*
 * bench/route: net/ipv4/fib_trie.c's longest-prefix match against a linear
 * scan, on tables of 1k, 10k, 100k and 800k random prefixes whose lengths
 * follow the public Internet's (share per length rounded from the published
 * BGP table reports, bgp.potaroo.net and the CIDR Report, 2023-24: about 60%
 * /24, 10% /22, 9% /23, 4-5% each /20 and /21, 1-2.5% each /16-/19, under
 * 0.5% shorter), at random addresses in 1.0.0.0-223.255.255.255.
 * `make bench-route` runs it natively (ns per lookup, clock_gettime
 * monotonic, independent lookups back to back; bytes per prefix from
 * fib_table_stats) and then under callgrind (instructions per lookup,
 * counted only inside the measure_* functions, labels for
 * bench/rxpath/report.awk, as bench/rxpath does).  Two address sets: "any"
 * (uniform over the unicast space: most miss or hit a short prefix) and
 * "hit" (inside a random prefix of the table).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include "net/ipv4/fib_trie.h"

#define NADDR (1u << 20)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static uint32_t mask(unsigned plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* Prefixes per 10,000 by length (see the top of the file). */
static const struct {
	unsigned plen, weight;
} dist[] = { { 8, 1 },	   { 10, 1 },	{ 12, 2 },   { 13, 3 },	 { 14, 6 },   { 15, 10 },
	     { 16, 130 },  { 17, 80 },	{ 18, 140 }, { 19, 250 }, { 20, 400 }, { 21, 450 },
	     { 22, 1000 }, { 23, 900 }, { 24, 6627 } };

static unsigned random_plen(void)
{
	unsigned w = rnd() % 10000;
	for (size_t i = 0;; i++) {
		if (w < dist[i].weight)
			return dist[i].plen;
		w -= dist[i].weight;
	}
}

static uint32_t unicast(void)
{
	return 0x01000000u + rnd() % (0xe0000000u - 0x01000000u);
}

struct prefix {
	uint32_t dst, mask;
};

static struct prefix *build(struct fib_table *t, size_t n)
{
	struct prefix *p = malloc(n * sizeof(*p));
	fib_table_init(t);
	for (size_t i = 0; i < n;) {
		unsigned plen = random_plen();
		struct fib_route r = { .dst = unicast() & mask(plen), .plen = plen, .type = RTN_UNICAST,
				       .protocol = RTPROT_STATIC, .gw = rnd(), .oif = 1 };
		int rc = fib_table_insert(t, &r, FIB_NLM_F_CREATE | FIB_NLM_F_EXCL);
		if (rc == -EEXIST)
			continue;
		if (rc) {
			fprintf(stderr, "route: insert: %d\n", rc);
			exit(1);
		}
		p[i].dst = r.dst;
		p[i++].mask = mask(plen);
	}
	return p;
}

/* The linear scan: the longest prefix covering a. */
static const struct prefix *linear(const struct prefix *p, size_t n, uint32_t a)
{
	const struct prefix *best = NULL;
	for (size_t i = 0; i < n; i++)
		if ((a & p[i].mask) == p[i].dst && (!best || p[i].mask > best->mask))
			best = &p[i];
	return best;
}

__attribute__((noinline)) uint64_t measure_trie(const struct fib_table *t, const uint32_t *addr,
						 size_t count)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < count; i++) {
		const struct fib_route *r = fib_table_lookup(t, addr[i & (NADDR - 1)]);
		sum += r ? r->gw : 1;
	}
	return sum;
}

__attribute__((noinline)) uint64_t measure_linear(const struct prefix *p, size_t n,
						   const uint32_t *addr, size_t count)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < count; i++) {
		const struct prefix *b = linear(p, n, addr[i & (NADDR - 1)]);
		sum += b ? b->dst : 1;
	}
	return sum;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void label(size_t count, const char *what, size_t n, const char *set)
{
	char s[128];
	snprintf(s, sizeof(s), "%zu 0 %s %zu %s", count, what, n, set);
	CALLGRIND_DUMP_STATS_AT(s);
}

int main(int argc, char **argv)
{
	/* under callgrind: fewer lookups, no timing */
	int cg = RUNNING_ON_VALGRIND;
	static const size_t sizes[] = { 1000, 10000, 100000, 800000 };
	size_t nsizes = argc > 1 ? (size_t)atoi(argv[1]) : 4;
	uint32_t *any = malloc(NADDR * sizeof(*any)), *hit = malloc(NADDR * sizeof(*hit));
	volatile uint64_t sink = 0;
	if (!cg)
		printf("%8s %6s %9s %9s %9s %12s %12s %7s %9s %9s %12s %9s %4s\n", "prefixes", "depth",
		       "trie any", "trie hit", "linear", "bytes", "per prefix", "tnodes", "leaves",
		       "routes", "in nodes", "slots", "root");
	for (size_t s = 0; s < nsizes && s < 4; s++) {
		size_t n = sizes[s];
		struct fib_table t;
		struct prefix *p = build(&t, n);
		for (size_t i = 0; i < NADDR; i++) {
			const struct prefix *q = &p[rnd() % n];
			any[i] = unicast();
			hit[i] = q->dst | (rnd() & ~q->mask);
		}
		/* linear: enough lookups for about 2e8 prefix checks (1e7 under callgrind) */
		size_t lin = (cg ? 10000000 : 200000000) / n, look = cg ? 100000 : 8u << 20;
		struct fib_trie_stats st;
		fib_table_stats(&t, &st);
		if (cg) {
			sink += measure_trie(&t, any, look);
			label(look, "trie", n, "any");
			sink += measure_trie(&t, hit, look);
			label(look, "trie", n, "hit");
			sink += measure_linear(p, n, any, lin);
			label(lin, "linear", n, "any");
		} else {
			sink += measure_trie(&t, any, NADDR); /* warm */
			double t0 = now_ns();
			sink += measure_trie(&t, any, look);
			double t1 = now_ns();
			sink += measure_trie(&t, hit, look);
			double t2 = now_ns();
			sink += measure_linear(p, n, any, lin);
			double t3 = now_ns();
			printf("%8zu %6.2f %9.1f %9.1f %9.0f %12zu %12.1f %7zu %9zu %9zu %12zu %9zu %4u\n",
			       n, (double)st.depth_sum / st.leaves, (t1 - t0) / look, (t2 - t1) / look,
			       (t3 - t2) / lin, st.bytes, (double)st.bytes / st.prefixes, st.tnodes,
			       st.leaves, st.routes, st.used, st.slots, st.root_bits);
			fflush(stdout);
		}
		fib_table_flush(&t);
		free(p);
	}
	if (!cg)
		printf("(ns per lookup; depth: inner nodes above a leaf, average; bytes: fib_table_stats,\n"
		       " held from malloc; in nodes: the part in live nodes and leaves; slots: child\n"
		       " slots of the inner nodes; root: the root's 2^bits children)\n");
	return sink == 42;
}
