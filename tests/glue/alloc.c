/*
 * The glue world's heap (tests/glue/alloc.h): glibc's, counted, with a
 * cap and chosen failures, so a test can play a small guest or an
 * allocation that finds no memory at one exact place.
 */
#include <malloc.h>
#include <stdlib.h>

#include "tests/glue/glue.h"

static size_t used, limit, fail_size;
static int fail_count;

static int refuse(size_t n)
{
	if (fail_count && n == fail_size) {
		fail_count--;
		return 1;
	}
	return limit && used + n > limit;
}

static void *counted(void *p)
{
	if (p)
		used += malloc_usable_size(p);
	return p;
}

void *glue_malloc(size_t n)
{
	return refuse(n) ? NULL : counted(malloc(n));
}

void *glue_calloc(size_t n, size_t size)
{
	return refuse(n * size) ? NULL : counted(calloc(n, size));
}

void *glue_realloc(void *p, size_t n)
{
	if (refuse(n))
		return NULL;
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q = realloc(p, n);
	if (q) {
		used -= old;
		counted(q);
	}
	return q;
}

void glue_free(void *p)
{
	if (p)
		used -= malloc_usable_size(p);
	free(p);
}

size_t glue_heap_used(void)
{
	return used;
}

void glue_heap_limit(size_t bytes)
{
	limit = bytes;
}

void glue_alloc_fail(size_t size, int count)
{
	fail_size = size;
	fail_count = count;
}
