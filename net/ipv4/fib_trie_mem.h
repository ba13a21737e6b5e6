/*
 * The FIB trie's own allocator (net/ipv4/fib_trie.c is its one caller): blocks
 * carved from chunks it asks malloc for, named by 32-bit handles (a chunk
 * number and a word offset) so that a trie's child slot holds 4 bytes of
 * "where" instead of an 8-byte pointer, and so that a small block costs its
 * own size and no malloc header or rounding.  Freed blocks wait on a list per
 * exact size for the next block of that size; memory goes back to malloc only
 * when a table empties (fib_mem_release) or a block had a chunk of its own.
 */
#ifndef NET_IPV4_FIB_TRIE_MEM_H
#define NET_IPV4_FIB_TRIE_MEM_H

#include <stddef.h>
#include <stdint.h>

#define FIB_MEM_SHIFT 18 /* words (4 bytes) a chunk number spans: shared chunks are at most 1 MiB */

struct fib_mem_class;
struct fib_mem {
	char **base;               /* chunk number -> its memory; number 0 is never used */
	uint32_t *bytes;           /* chunk number -> its size in bytes (0: a free number) */
	uint32_t nchunks, cap;     /* numbers in use (including 0), room in base[] and bytes[] */
	uint32_t cur[2];           /* the shared chunks being carved: [1] for multiples of 32 bytes */
	uint32_t cur_words[2];     /* words carved from each */
	uint32_t next[2];          /* bytes of the next chunk of each, if fib_mem_expect said (else held / 16) */
	struct fib_mem_class *cls; /* free lists, one per block size */
	uint32_t ncls, clscap;
	size_t held;  /* bytes asked of malloc and not given back: chunks and these tables */
	size_t live;  /* bytes in blocks handed out and not freed */
	size_t freed; /* bytes in blocks on the free lists */
};

/* The memory of handle h (not 0). */
static inline void *fib_mem_ptr(const struct fib_mem *m, uint32_t h)
{
	return m->base[h >> FIB_MEM_SHIFT] + ((size_t)(h & ((1u << FIB_MEM_SHIFT) - 1)) << 2);
}

/* A block of at least bytes (rounded up to 4), 4-byte aligned; 0: no memory. */
uint32_t fib_mem_alloc(struct fib_mem *m, size_t bytes);
/* bytes: what fib_mem_alloc was asked for. */
void fib_mem_free(struct fib_mem *m, uint32_t h, size_t bytes);
/* Gives every chunk back; m is empty and usable again. */
void fib_mem_release(struct fib_mem *m);
/* m is about to take `aligned` bytes in blocks of multiples of 32 bytes and
 * `other` in the rest (blocks up to 64 KiB): its next chunks fit them (up to
 * 1 MiB each). */
void fib_mem_expect(struct fib_mem *m, size_t aligned, size_t other);

#endif
