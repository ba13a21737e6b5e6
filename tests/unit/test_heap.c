/*
 * kernel/heap.c, built as kheap_* over tests/unit/fakes.c's pages: every
 * size class round trip, blocks that never overlap under a random mix of
 * small and large requests, pages going back to the page allocator once
 * their blocks do (one spare kept per class), allocation failure, and a
 * bad free caught.  The heap's state is global, so each test frees what it
 * took and compares against where it started (CK_FORK=no runs them all in
 * one process).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/heap.h"
#include "tests/unit/fakes.h"
#include "tests/unit/unit.h"

void *kheap_malloc(size_t n);
void *kheap_calloc(size_t n, size_t size);
void *kheap_realloc(void *p, size_t n);
void kheap_free(void *p);

#define NCLASS 18 /* kernel/heap.c's class_size[] */

static jmp_buf panic_jmp;
static int panic_armed;
static char panic_msg[128];

void kheap_test_panic(const char *fmt, ...) __attribute__((noreturn));
void kheap_test_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	if (!panic_armed)
		ck_abort_msg("heap panic: %s", panic_msg);
	longjmp(panic_jmp, 1);
}

static struct heap_stats stats(void)
{
	struct heap_stats s;
	heap_stats(&s);
	return s;
}

START_TEST(every_size_round_trips)
{
	struct heap_stats before = stats();
	for (size_t n = 0; n <= 9000; n += (n < 2100 ? 1 : 97)) {
		uint8_t *p = kheap_malloc(n);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		memset(p, 0xa5, n);
		ck_assert_ptr_eq(kheap_realloc(p, n), p); /* the block already holds n */
		struct heap_stats during = stats();
		ck_assert_uint_ge(during.bytes - before.bytes, n);
		ck_assert_uint_eq(during.blocks, before.blocks + 1);
		kheap_free(p);
	}
	struct heap_stats after = stats();
	ck_assert_uint_eq(after.bytes, before.bytes);
	ck_assert_uint_eq(after.blocks, before.blocks);
	ck_assert_uint_le(after.pages, before.pages + NCLASS);
}
END_TEST

/* The test_soak failure this fixes: a burst of small blocks, all freed,
 * used to leave every page with its class. */
START_TEST(pages_go_back_after_a_burst)
{
	enum { N = 3000 };
	static void *p[N];
	size_t out0 = fake_pmm_out();
	struct heap_stats before = stats();
	for (int i = 0; i < N; i++)
		ck_assert_ptr_nonnull(p[i] = kheap_malloc(200)); /* class 256: 15 to a page */
	ck_assert_uint_ge(fake_pmm_out() - out0, N / 15 - 1); /* less a spare it had */
	ck_assert_uint_eq(stats().pages - before.pages, fake_pmm_out() - out0);
	srand(7);
	for (int i = N - 1; i > 0; i--) { /* free in a random order */
		int j = rand() % (i + 1);
		void *t = p[i];
		p[i] = p[j];
		p[j] = t;
	}
	for (int i = 0; i < N; i++)
		kheap_free(p[i]);
	ck_assert_uint_le(fake_pmm_out(), out0 + 1); /* the class's spare at most */
	ck_assert_uint_eq(stats().pages - before.pages, fake_pmm_out() - out0);
	ck_assert_uint_eq(stats().blocks, before.blocks);
}
END_TEST

START_TEST(spare_page_stops_churn)
{
	void *keep = kheap_malloc(1000); /* class 1024: the class has a page */
	int calls0 = fake_calls;
	size_t out0 = fake_pmm_out();
	for (int i = 0; i < 1000; i++) {
		void *a = kheap_malloc(1000), *b = kheap_malloc(1000), *c = kheap_malloc(1000);
		ck_assert(a && b && c);
		kheap_free(c);
		kheap_free(b);
		kheap_free(a);
	}
	ck_assert_int_le(fake_calls - calls0, 1); /* three to a page: one more page, kept */
	ck_assert_uint_le(fake_pmm_out(), out0 + 1);
	kheap_free(keep);
}
END_TEST

/* Random sizes, small and large; each block carries its own pattern, so
 * two blocks sharing memory show up when the first is checked. */
START_TEST(random_mix_never_overlaps)
{
	enum { SLOTS = 512, OPS = 20000 };
	static uint8_t *p[SLOTS];
	static size_t len[SLOTS];
	size_t out0 = fake_pmm_out();
	struct heap_stats before = stats();
	srand(11);
	for (int op = 0; op < OPS; op++) {
		int s = rand() % SLOTS;
		if (p[s]) {
			size_t k = 0;
			while (k < len[s] && p[s][k] == (uint8_t)(s * 31 + k))
				k++;
			ck_assert_msg(k == len[s], "slot %d: byte %zu of %zu overwritten", s, k, len[s]);
			kheap_free(p[s]);
			p[s] = NULL;
			continue;
		}
		len[s] = rand() % 8 ? (size_t)(rand() % 2100) : (size_t)(rand() % 20000);
		p[s] = kheap_malloc(len[s]);
		ck_assert_ptr_nonnull(p[s]);
		for (size_t k = 0; k < len[s]; k++)
			p[s][k] = (uint8_t)(s * 31 + k);
	}
	for (int s = 0; s < SLOTS; s++)
		kheap_free(p[s]);
	memset(p, 0, sizeof(p));
	ck_assert_uint_eq(stats().blocks, before.blocks);
	ck_assert_uint_eq(stats().bytes, before.bytes);
	ck_assert_uint_le(fake_pmm_out(), out0 + NCLASS);
	ck_assert_uint_eq(stats().pages - before.pages, fake_pmm_out() - out0);
}
END_TEST

START_TEST(no_pages_is_null_and_counted)
{
	uint64_t failures0 = stats().failures;
	fake_pmm_fail = 1;
	ck_assert_ptr_null(kheap_malloc(10000));
	void *got[4] = { 0 };
	int n = 0;
	while (n < 4 && (got[n] = kheap_malloc(2000))) /* class 2032: two to a page */
		n++;
	fake_pmm_fail = 0;
	ck_assert_int_le(n, 2); /* at most the spare's two */
	ck_assert_uint_eq(stats().failures, failures0 + 2);
	for (int i = 0; i < n; i++)
		kheap_free(got[i]);
	ck_assert_ptr_null(kheap_calloc(SIZE_MAX / 2, 4)); /* n * size overflows */
}
END_TEST

START_TEST(calloc_zeroes_reused_blocks)
{
	uint8_t *p[10], *q[10];
	for (int i = 0; i < 10; i++)
		memset(p[i] = kheap_malloc(300), 0xff, 300);
	for (int i = 0; i < 10; i++)
		kheap_free(p[i]);
	int reused = 0;
	for (int i = 0; i < 10; i++) {
		q[i] = kheap_calloc(3, 100);
		for (int k = 0; k < 300; k++)
			ck_assert_uint_eq(q[i][k], 0);
		for (int j = 0; j < 10; j++)
			reused += q[i] == p[j];
	}
	ck_assert_int_gt(reused, 0); /* freed blocks are handed out first */
	for (int i = 0; i < 10; i++)
		kheap_free(q[i]);
}
END_TEST

START_TEST(bad_free_panics)
{
	uint8_t *p = kheap_malloc(64);
	void *bad[] = {
		p - ((uintptr_t)p % 4096) + 8, /* inside the page's header */
		(uint8_t *)kheap_malloc(5000) + 16, /* inside a large block */
	};
	void *page = aligned_alloc(4096, 4096); /* never the heap's */
	memset(page, 0, 4096);
	for (int i = 0; i < 3; i++) {
		void *q = i < 2 ? bad[i] : (uint8_t *)page + 64;
		panic_armed = 1;
		if (!setjmp(panic_jmp)) {
			kheap_free(q);
			ck_abort_msg("free(%p) did not panic", q);
		}
		panic_armed = 0;
		ck_assert_msg(strstr(panic_msg, "never gave out"), "%s", panic_msg);
	}
	free(page);
	kheap_free((uint8_t *)bad[1] - 16);
	kheap_free(p);
}
END_TEST

Suite *heap_suite(void)
{
	Suite *s = suite_create("heap");
	TCase *tc = tcase_create("heap");
	tcase_add_test(tc, every_size_round_trips);
	tcase_add_test(tc, pages_go_back_after_a_burst);
	tcase_add_test(tc, spare_page_stops_churn);
	tcase_add_test(tc, random_mix_never_overlaps);
	tcase_add_test(tc, no_pages_is_null_and_counted);
	tcase_add_test(tc, calloc_zeroes_reused_blocks);
	tcase_add_test(tc, bad_free_panics);
	suite_add_tcase(s, tc);
	return s;
}
