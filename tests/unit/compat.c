/*
 * Host versions of kernel/libc functions glibc 2.36 does not have
 * (declared in tests/unit/compat.h).
 */
#include <string.h>

#include "tests/unit/compat.h"

size_t strlcpy(char *d, const char *s, size_t size)
{
	size_t len = strlen(s);
	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(d, s, n);
		d[n] = 0;
	}
	return len;
}
