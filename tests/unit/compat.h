/*
 * Force-included (gcc -include) into the kernel files that tests/unit
 * builds with the host compiler: what the kernel's libc declares and
 * glibc 2.36 lacks.  The files under test carry no #ifdef TEST.
 */
#ifndef TESTS_UNIT_COMPAT_H
#define TESTS_UNIT_COMPAT_H

#include <stddef.h>

/* OpenBSD's strlcpy, as kernel/libc/string.c has it. */
size_t strlcpy(char *d, const char *s, size_t size);

#endif
