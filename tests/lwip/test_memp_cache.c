/*
 * Patch 0030 under net/lwip/lwipopts.h (MEMP_MEM_MALLOC, MEMP_FREE_CACHE):
 * a freed pool element is kept for the pool's next allocation instead of
 * going back to the heap, at most MEMP_FREE_CACHE of them a pool, the
 * pool's limit (MEMP_NUM_*, patch 0001) still counts live elements only,
 * and memp_free_cache_trim gives every cached element back to the heap.
 * Built in the run with our options only (lwip.mk).
 */
#include "lwip_check.h"
#include "lwip/memp.h"
#include "lwip/stats.h"

#if !MEMP_MEM_MALLOC || !MEMP_FREE_CACHE || !MEMP_STATS
#error "test_memp_cache.c tests net/lwip/lwipopts.h's MEMP_MEM_MALLOC, MEMP_FREE_CACHE and MEMP_STATS"
#endif

#define ELEM (MEMP_SIZE + MEMP_ALIGN_SIZE(memp_pools[MEMP_TCP_SEG]->size))

static void setup(void)
{
	memp_free_cache_trim();
}

static void teardown(void)
{
	memp_free_cache_trim();
}

START_TEST(test_memp_cache_reuses_freed_element)
{
	mem_size_t heap = lwip_stats.mem.used;
	void *a = memp_malloc(MEMP_TCP_SEG);
	fail_unless(a != NULL);
	fail_unless(lwip_stats.mem.used == heap + ELEM);
	memp_free(MEMP_TCP_SEG, a);
	fail_unless(lwip_stats.memp[MEMP_TCP_SEG]->used == 0);
	fail_unless(lwip_stats.mem.used == heap + ELEM); /* cached, still the heap's */
	void *b = memp_malloc(MEMP_TCP_SEG);
	fail_unless(b == a);                             /* the same element, not the heap's path */
	fail_unless(lwip_stats.mem.used == heap + ELEM);
	memp_free(MEMP_TCP_SEG, b);
	memp_free_cache_trim();
	fail_unless(lwip_stats.mem.used == heap);
}
END_TEST

START_TEST(test_memp_cache_is_bounded)
{
	enum { N = MEMP_FREE_CACHE + 10 };
	static void *e[N];
	mem_size_t heap = lwip_stats.mem.used;
	for (int i = 0; i < N; i++) {
		e[i] = memp_malloc(MEMP_TCP_SEG);
		fail_unless(e[i] != NULL);
	}
	fail_unless(lwip_stats.memp[MEMP_TCP_SEG]->used == N);
	for (int i = 0; i < N; i++)
		memp_free(MEMP_TCP_SEG, e[i]);
	/* the first MEMP_FREE_CACHE stay; the 10 after them went back */
	fail_unless(lwip_stats.mem.used == heap + MEMP_FREE_CACHE * ELEM);
	fail_unless(lwip_stats.memp[MEMP_TCP_SEG]->used == 0);
	memp_free_cache_trim();
	fail_unless(lwip_stats.mem.used == heap);
}
END_TEST

START_TEST(test_memp_cache_keeps_pool_limit)
{
	/* MEMP_NUM_REASSDATA is small: fill it, free one into the cache,
	 * and the pool still gives exactly one more, then none */
	int n = memp_pools[MEMP_REASSDATA]->num - lwip_stats.memp[MEMP_REASSDATA]->used;
	static void *e[1024];
	fail_unless(n > 0 && n <= 1024);
	for (int i = 0; i < n; i++) {
		e[i] = memp_malloc(MEMP_REASSDATA);
		fail_unless(e[i] != NULL);
	}
	fail_unless(memp_malloc(MEMP_REASSDATA) == NULL);
	memp_free(MEMP_REASSDATA, e[0]);
	e[0] = memp_malloc(MEMP_REASSDATA);
	fail_unless(e[0] != NULL);
	fail_unless(memp_malloc(MEMP_REASSDATA) == NULL);
	for (int i = 0; i < n; i++)
		memp_free(MEMP_REASSDATA, e[i]);
}
END_TEST

Suite *memp_cache_suite(void)
{
	testfunc tests[] = {
		TESTFUNC(test_memp_cache_reuses_freed_element),
		TESTFUNC(test_memp_cache_is_bounded),
		TESTFUNC(test_memp_cache_keeps_pool_limit),
	};
	return create_suite("MEMP_CACHE", tests, sizeof(tests) / sizeof(testfunc), setup, teardown);
}
