/*
 * Force-included into the glue world's own and lwIP's objects (not the
 * tests'): their malloc family goes through tests/glue/alloc.c, which
 * keeps a byte count, can cap it (a guest with little memory) and can
 * fail chosen allocations (glue.h).  glibc's prototypes, expanded by
 * these macros, declare the glue_* functions with the same signatures.
 */
#ifndef TESTS_GLUE_ALLOC_H
#define TESTS_GLUE_ALLOC_H

#include <stddef.h>

void *glue_malloc(size_t n);
void *glue_calloc(size_t n, size_t size);
void *glue_realloc(void *p, size_t n);
void glue_free(void *p);

#define malloc(n) glue_malloc(n)
#define calloc(n, s) glue_calloc(n, s)
#define realloc(p, n) glue_realloc(p, n)
#define free(p) glue_free(p)

#endif
