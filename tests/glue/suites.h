/*
 * The glue tests' suites, one per file (tests/glue/main.c runs them).
 */
#ifndef TESTS_GLUE_SUITES_H
#define TESTS_GLUE_SUITES_H

#include <check.h>

Suite *basic_suite(void);
Suite *console_suite(void);

#endif
