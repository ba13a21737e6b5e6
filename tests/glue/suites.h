/*
 * The glue tests' suites, one per file (tests/glue/main.c runs them).
 */
#ifndef TESTS_GLUE_SUITES_H
#define TESTS_GLUE_SUITES_H

#include <check.h>

/* Each test is its own case, named as the test, so CK_RUN_CASE=name runs
 * one (the world is shared: CK_FORK=no, and a crash ends the run). */
static inline void glue_add_test(Suite *s, const TTest *t)
{
	TCase *tc = tcase_create(t->name);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

Suite *basic_suite(void);
Suite *remote_suite(void);
Suite *memory_suite(void);
Suite *rxbuf_suite(void);
Suite *fault_suite(void);
Suite *console_suite(void);
Suite *listen_suite(void);
Suite *neigh_suite(void);
Suite *backlog_suite(void);
Suite *tx_suite(void);
Suite *tso_suite(void);
Suite *qdisc_suite(void);
Suite *counters_suite(void);
Suite *icmp_suite(void);
Suite *route_suite(void);
Suite *forward_suite(void);
Suite *arp_suite(void);
Suite *gro_suite(void);

#endif
