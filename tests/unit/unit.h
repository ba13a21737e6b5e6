/*
 * The host unit-test runner's suites, one per file under test
 * (tests/unit/main.c runs them all).
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <check.h>

Suite *sysctl_suite(void);
Suite *ledit_suite(void);
Suite *cmdline_suite(void);
Suite *cpio_suite(void);
Suite *printf_suite(void);
Suite *strtol_suite(void);
Suite *docs_suite(void);

#endif
