/*
 * main() for lwIP's unit suite (third_party/lwip/test/unit, Check) as
 * tests/lwip/lwip.mk builds it: once with the suite's own lwipopts.h, once
 * with ours (net/lwip/lwipopts.h).  lwIP's test/unit/lwip_unittests.c fixes its
 * list of suites, so it is not built; this file runs the suites the
 * Makefile names (LWIP_UNIT_SUITES: "SUITE(tcp) SUITE(pbuf) ...", one per
 * test_NAME.c it compiled) and defines what lwip_check.h declares
 * (create_suite, lwip_check_ensure_no_alloc).  Each test is its own TCase
 * named after it, so CK_RUN_CASE=test_tcp_recv_inseq runs one test.
 */
#include <stdio.h>
#include <string.h>

#include "lwip_check.h"
#include "lwip/init.h"
#include "lwip/stats.h"
#include "lwip/priv/memp_priv.h"
#if !NO_SYS
#include "lwip/tcpip.h"
#endif

#ifndef LWIP_UNIT_SUITES
#error "LWIP_UNIT_SUITES must name the suites to run (tests/lwip/lwip.mk)"
#endif

#define SUITE(name) suite_getter_fn name##_suite;
LWIP_UNIT_SUITES
#undef SUITE

static suite_getter_fn *const suites[] = {
#define SUITE(name) name##_suite,
	LWIP_UNIT_SUITES
#undef SUITE
};

/* Tests of lwIP's suite that cannot hold under the options of this build,
 * each with the option that rules it out.  They are named when the run
 * starts, never dropped silently. */
struct unit_skip {
	const char *test, *why;
};

static const struct unit_skip unit_skips[] = {
#include "unit_skips.h"
	{ NULL, NULL }
};

#if CHECK_MAJOR_VERSION == 0 && CHECK_MINOR_VERSION < 13
#define TEST_NAME(t) ((t).name)
#else
#define TEST_NAME(t) ((t)->name)
#endif

static const char *skip_reason(const char *test)
{
	for (const struct unit_skip *s = unit_skips; s->test != NULL; s++)
		if (strcmp(s->test, test) == 0)
			return s->why;
	return NULL;
}

Suite *create_suite(const char *name, testfunc *tests, size_t num_tests, SFun setup, SFun teardown)
{
	Suite *s = suite_create(name);
	for (size_t i = 0; i < num_tests; i++) {
		const char *why = skip_reason(TEST_NAME(tests[i]));
		if (why != NULL) {
			printf("%s: %s left out: %s\n", name, TEST_NAME(tests[i]), why);
			continue;
		}
		TCase *tc = tcase_create(TEST_NAME(tests[i]));
		if (setup != NULL || teardown != NULL)
			tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_named_test(tc, tests[i]);
		suite_add_tcase(s, tc);
	}
	return s;
}

/* Fails the running test if the heap or a pool still has something
 * allocated; skip has SKIP_POOL(MEMP_x) bits and SKIP_HEAP.  With
 * MEMP_MEM_MALLOC (ours) pool elements live on the heap, so the heap may
 * hold exactly the elements of the pools skipped. */
void lwip_check_ensure_no_alloc(unsigned int skip)
{
	mem_size_t pooled = 0;
#if MEMP_MEM_MALLOC && MEMP_FREE_CACHE
	memp_free_cache_trim(); /* the pools' free caches, as the kernel's loop each second */
#endif
	for (int i = 0; i < MEMP_MAX; i++) {
		if (!(skip & (1u << i)))
			fail_unless(lwip_stats.memp[i]->used == 0);
#if MEMP_MEM_MALLOC
		else
			pooled += lwip_stats.memp[i]->used * (MEMP_SIZE + MEMP_ALIGN_SIZE(memp_pools[i]->size));
#endif
	}
	if (!(skip & SKIP_HEAP))
		fail_unless(lwip_stats.mem.used == pooled);
}

int main(void)
{
#if NO_SYS
	lwip_init();
#else
	tcpip_init(NULL, NULL);
#endif
	SRunner *sr = srunner_create(NULL);
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_set_xml(sr, "lwip_unittests.xml");
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
