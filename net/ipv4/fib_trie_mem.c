/*
 * The FIB trie's allocator (net/ipv4/fib_trie_mem.h): shared chunks of an
 * sixteenth of what it holds (4 KiB to 1 MiB), carved front to back; a freed
 * block goes on the free list of its exact size (the trie asks for few
 * sizes: 4 + 28n bytes for a leaf of n routes, 8 + 12 * 2^bits for an inner
 * node) and the next block of that size takes it.  A block over 64 KiB (a
 * wide node) gets a chunk of its own, given back to malloc when it is freed.
 * Callers: net/ipv4/fib_trie.c and fib_trie_walk.c.
 */
#include <stdlib.h>
#include <string.h>

#include "net/ipv4/fib_trie_mem.h"

/* tests/tests.mk defines this to fail chosen allocations (tests/unit/fakes.c);
 * the kernel and the benchmark fail only when malloc does. */
#ifndef FIB_MEM_FAIL
#define FIB_MEM_FAIL() 0
#endif

#define CHUNK_MIN 4096u
#define CHUNK_MAX (4u << FIB_MEM_SHIFT) /* 1 MiB: what a chunk number's offsets reach */
#define OWN_CHUNK 65536u                /* a larger block gets a chunk of its own */
#define NUMBERS (1u << (32 - FIB_MEM_SHIFT))

struct fib_mem_class {
	uint32_t words; /* block size */
	uint32_t head;  /* first free block (its first word: the next), 0: none */
};

static uint32_t words_of(size_t bytes)
{
	return (uint32_t)((bytes + 3) / 4);
}

static struct fib_mem_class *class_of(struct fib_mem *m, uint32_t words, int add)
{
	for (uint32_t i = 0; i < m->ncls; i++)
		if (m->cls[i].words == words)
			return &m->cls[i];
	if (!add)
		return NULL;
	if (m->ncls == m->clscap) {
		uint32_t cap = m->clscap ? 2 * m->clscap : 16;
		struct fib_mem_class *c = realloc(m->cls, cap * sizeof(*c));
		if (!c)
			return NULL;
		m->held += (cap - m->clscap) * sizeof(*c);
		m->cls = c;
		m->clscap = cap;
	}
	m->cls[m->ncls] = (struct fib_mem_class){ .words = words };
	return &m->cls[m->ncls++];
}

/* A chunk number for a new chunk of `bytes` (malloc'd here); 0: none. */
static uint32_t chunk_new(struct fib_mem *m, size_t bytes)
{
	uint32_t c = 1;
	while (c < m->nchunks && m->bytes[c])
		c++;
	if (c >= m->cap) {
		if (m->cap == NUMBERS)
			return 0;
		uint32_t cap = m->cap ? 2 * m->cap : 16;
		char **base = malloc(cap * sizeof(*base));
		uint32_t *sz = base ? malloc(cap * sizeof(*sz)) : NULL;
		if (!sz) {
			free(base);
			return 0;
		}
		memset(sz, 0, cap * sizeof(*sz));
		if (m->cap) {
			memcpy(base, m->base, m->cap * sizeof(*base));
			memcpy(sz, m->bytes, m->cap * sizeof(*sz));
		}
		free(m->base);
		free(m->bytes);
		m->base = base;
		m->bytes = sz;
		m->held += (cap - m->cap) * (sizeof(*base) + sizeof(*sz));
		m->cap = cap;
	}
	char *p = malloc(bytes);
	if (!p)
		return 0;
	m->base[c] = p;
	m->bytes[c] = (uint32_t)bytes;
	m->held += bytes;
	if (c >= m->nchunks)
		m->nchunks = c + 1;
	return c;
}

static void chunk_free(struct fib_mem *m, uint32_t c)
{
	free(m->base[c]);
	m->held -= m->bytes[c];
	m->base[c] = NULL;
	m->bytes[c] = 0;
	while (m->nchunks > 1 && !m->bytes[m->nchunks - 1])
		m->nchunks--;
}

uint32_t fib_mem_alloc(struct fib_mem *m, size_t bytes)
{
	uint32_t words = words_of(bytes), h;
	if (FIB_MEM_FAIL() || !words)
		return 0;
	if ((size_t)words * 4 > OWN_CHUNK) {
		uint32_t c = chunk_new(m, (size_t)words * 4);
		if (!c)
			return 0;
		m->live += (size_t)words * 4;
		return c << FIB_MEM_SHIFT;
	}
	struct fib_mem_class *k = class_of(m, words, 1);
	if (!k)
		return 0;
	if (k->head) {
		h = k->head;
		memcpy(&k->head, fib_mem_ptr(m, h), sizeof(k->head));
		m->live += (size_t)words * 4;
		m->freed -= (size_t)words * 4;
		return h;
	}
	/* Blocks of a multiple of 32 bytes (a leaf of one route, a binary
	 * node) are carved apart, 32-byte aligned: never across two cache lines. */
	int a = !(words % 8);
	if (!m->cur[a] || m->cur_words[a] + words > m->bytes[m->cur[a]] / 4) {
		/* a sixteenth of what is held: at most that much stays uncarved (each of two) */
		size_t size = m->next[a] ? m->next[a] : (m->held / 16 + CHUNK_MIN - 1) / CHUNK_MIN * CHUNK_MIN;
		size = size < CHUNK_MIN ? CHUNK_MIN : size > CHUNK_MAX ? CHUNK_MAX : size;
		if (size < (size_t)words * 4 + 64)
			size = (size_t)words * 4 + 64;
		uint32_t c = chunk_new(m, size);
		if (!c)
			return 0;
		/* the old chunk's tail stays unused (counted in held) */
		m->cur[a] = c;
		m->cur_words[a] = (uint32_t)(-(uintptr_t)m->base[c] & 63) / 4;
		m->next[a] = 0;
	}
	h = m->cur[a] << FIB_MEM_SHIFT | m->cur_words[a];
	m->cur_words[a] += words;
	m->live += (size_t)words * 4;
	return h;
}

void fib_mem_free(struct fib_mem *m, uint32_t h, size_t bytes)
{
	uint32_t words = words_of(bytes);
	m->live -= (size_t)words * 4;
	if ((size_t)words * 4 > OWN_CHUNK) {
		chunk_free(m, h >> FIB_MEM_SHIFT);
		return;
	}
	/* the class exists: the block came from it */
	struct fib_mem_class *k = class_of(m, words, 0);
	memcpy(fib_mem_ptr(m, h), &k->head, sizeof(k->head));
	k->head = h;
	m->freed += (size_t)words * 4;
}

void fib_mem_release(struct fib_mem *m)
{
	for (uint32_t c = 1; c < m->nchunks; c++)
		free(m->base[c]);
	free(m->base);
	free(m->bytes);
	free(m->cls);
	*m = (struct fib_mem){ 0 };
}

void fib_mem_expect(struct fib_mem *m, size_t aligned, size_t other)
{
	size_t b[2] = { other, aligned };
	for (int a = 0; a < 2; a++) {
		b[a] = (b[a] + 64 + CHUNK_MIN - 1) / CHUNK_MIN * CHUNK_MIN;
		m->next[a] = b[a] > CHUNK_MAX ? CHUNK_MAX : (uint32_t)b[a];
	}
}
