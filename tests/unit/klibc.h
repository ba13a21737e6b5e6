/*
 * kernel/libc's printf.c and strtol.c under host names: tests/tests.mk
 * compiles them with -Dsnprintf=k_snprintf and so on, so that they sit
 * next to glibc's, which the tests compare them with.
 */
#ifndef TESTS_UNIT_KLIBC_H
#define TESTS_UNIT_KLIBC_H

#include <stdarg.h>
#include <stddef.h>

int k_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
unsigned long k_strtoul(const char *s, char **end, int base);
long k_strtol(const char *s, char **end, int base);
unsigned long long k_strtoull(const char *s, char **end, int base);
long long k_strtoll(const char *s, char **end, int base);
int k_atoi(const char *s);

#endif
