/*
 * lwIP's port header (lwip/arch.h) for the rxpath benchmark on the host:
 * glibc's types and inttypes, diagnostics to stderr, assertions abort.
 * MEM_LIBC_MALLOC goes to the kernel's own heap (kernel/heap.c built with
 * its names prefixed kheap_) through the fault-injection check, as in the
 * kernel.  The kernel's port is
 * net/lwip/arch/cc.h.
 */
#ifndef BENCH_RXPATH_ARCH_CC_H
#define BENCH_RXPATH_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *kheap_malloc(size_t n);
void *kheap_calloc(size_t n, size_t size);
void kheap_free(void *p);
/* As in the kernel: through debug.fail_lwip_alloc's check (net/core/net.c). */
void *net_lwip_malloc(size_t n);
void *net_lwip_calloc(size_t n, size_t size);
#define mem_clib_malloc net_lwip_malloc
#define mem_clib_calloc net_lwip_calloc
#define mem_clib_free kheap_free

uint32_t rxpath_rand(void);
#define LWIP_RAND() rxpath_rand()

#define LWIP_PLATFORM_DIAG(x) do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
	fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
	abort(); \
} while (0)

/* As in net/lwip/arch/cc.h: byte swaps inline, not lwIP's out-of-line functions. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

#endif
