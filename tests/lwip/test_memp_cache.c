/*
 * Patch 0030 under net/lwip/lwipopts.h (MEMP_MEM_MALLOC, MEMP_FREE_CACHE):
 * a freed pool element is kept for the pool's next allocation instead of
 * going back to the heap, at most MEMP_FREE_CACHE of them a pool, the
 * pool's limit (MEMP_NUM_*, patch 0001) still counts live elements only,
 * and memp_free_cache_trim gives every cached element back to the heap.
 * Patch 0033: a PBUF_RAM pbuf of up to PBUF_SMALL_SIZE bytes comes from
 * MEMP_PBUF_SMALL (and so its cache), a larger one and one past the
 * pool's limit from the heap, and each goes back where it came from.
 * Built in the run with our options only (lwip.mk).
 */
#include "lwip_check.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"

#if !MEMP_MEM_MALLOC || !MEMP_FREE_CACHE || !MEMP_STATS || !defined(PBUF_SMALL_SIZE)
#error "test_memp_cache.c tests net/lwip/lwipopts.h's MEMP_MEM_MALLOC, MEMP_FREE_CACHE, MEMP_STATS and PBUF_SMALL_SIZE"
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

/* A zero-copy segment's header pbuf (tcp_write: PBUF_TRANSPORT, the
 * options' bytes) from the small pool, with its headroom; freed into the
 * cache and taken again; a 200-byte one from the heap. */
START_TEST(test_pbuf_small_from_its_pool)
{
	struct stats_mem *small = lwip_stats.memp[MEMP_PBUF_SMALL];
	mem_size_t heap = lwip_stats.mem.used;
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 12, PBUF_RAM);
	fail_unless(p != NULL);
	fail_unless(small->used == 1);
	fail_unless(pbuf_get_allocsrc(p) == PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_SMALL);
	fail_unless(p->len == 12 && p->tot_len == 12);
	memset(p->payload, 0xa5, 12);
	fail_unless(pbuf_add_header(p, PBUF_TRANSPORT) == 0); /* Ethernet, IP and TCP headers fit */
	memset(p->payload, 0x5a, PBUF_TRANSPORT);
	fail_unless((u8_t *)p->payload + p->len <= (u8_t *)p + PBUF_SMALL_SIZE);
	void *was = p;
	fail_unless(pbuf_free(p) == 1);
	fail_unless(small->used == 0);
	p = pbuf_alloc(PBUF_TRANSPORT, 12, PBUF_RAM);
	fail_unless((void *)p == was); /* the cached element */
	pbuf_free(p);
	struct pbuf *big = pbuf_alloc(PBUF_RAW, 200, PBUF_RAM);
	fail_unless(big != NULL);
	fail_unless(pbuf_get_allocsrc(big) == PBUF_TYPE_ALLOC_SRC_MASK_STD_HEAP);
	fail_unless(small->used == 0);
	pbuf_free(big);
	memp_free_cache_trim();
	fail_unless(lwip_stats.mem.used == heap);
}
END_TEST

/* The pool at its limit: the next small pbuf comes from the heap, and
 * everything goes back. */
START_TEST(test_pbuf_small_past_limit_from_heap)
{
	static struct pbuf *e[MEMP_NUM_PBUF_SMALL];
	struct stats_mem *small = lwip_stats.memp[MEMP_PBUF_SMALL];
	mem_size_t heap = lwip_stats.mem.used;
	for (int i = 0; i < MEMP_NUM_PBUF_SMALL; i++) {
		e[i] = pbuf_alloc(PBUF_RAW, 8, PBUF_RAM);
		fail_unless(e[i] != NULL);
	}
	fail_unless(small->used == MEMP_NUM_PBUF_SMALL);
	struct pbuf *more = pbuf_alloc(PBUF_RAW, 8, PBUF_RAM);
	fail_unless(more != NULL);
	fail_unless(pbuf_get_allocsrc(more) == PBUF_TYPE_ALLOC_SRC_MASK_STD_HEAP);
	pbuf_free(more);
	for (int i = 0; i < MEMP_NUM_PBUF_SMALL; i++)
		pbuf_free(e[i]);
	fail_unless(small->used == 0);
	memp_free_cache_trim();
	fail_unless(lwip_stats.mem.used == heap);
}
END_TEST

Suite *memp_cache_suite(void)
{
	testfunc tests[] = {
		TESTFUNC(test_memp_cache_reuses_freed_element),
		TESTFUNC(test_memp_cache_is_bounded),
		TESTFUNC(test_memp_cache_keeps_pool_limit),
		TESTFUNC(test_pbuf_small_from_its_pool),
		TESTFUNC(test_pbuf_small_past_limit_from_heap),
	};
	return create_suite("MEMP_CACHE", tests, sizeof(tests) / sizeof(testfunc), setup, teardown);
}
