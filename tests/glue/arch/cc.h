/*
 * lwIP's port header (lwip/arch.h) for the host build of the glue layer
 * (tests/glue: the glue tests and the fuzz targets).  lwIP's heap is
 * glibc's malloc, so AddressSanitizer sees every allocation; assertions
 * go where the kernel's go, and abort with kernel.panic_on_warn=1 (the
 * world's default), so a test or a fuzzer reports them.  The kernel's
 * port is net/lwip/arch/cc.h.
 */
#ifndef TESTS_GLUE_ARCH_CC_H
#define TESTS_GLUE_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* As the kernel's: through debug.fail_lwip_alloc (net/core/net.c). */
void *net_lwip_malloc(size_t n);
void *net_lwip_calloc(size_t n, size_t size);
#define mem_clib_malloc net_lwip_malloc
#define mem_clib_calloc net_lwip_calloc
#define mem_clib_free free

uint32_t net_rand32(void);
#define LWIP_RAND() net_rand32()

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void net_lwip_assert(const char *msg, const char *file, int line);
#define LWIP_PLATFORM_DIAG(x) do { printk x; } while (0)
/* As the kernel: net/core/net.c decides; the world boots with
 * kernel.panic_on_warn=1, so an assertion aborts (panic() does here). */
#define LWIP_PLATFORM_ASSERT(x) net_lwip_assert(x, __FILE__, __LINE__)

/* As in net/lwip/arch/cc.h. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

#endif
