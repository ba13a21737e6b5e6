/*
 * lwIP's port header for the kernel build (lwip/arch.h): types come from
 * the compiler's <stdint.h>, printf formats are spelled out because the
 * kernel has no <inttypes.h>, diagnostics go to printk.  A failed
 * assertion is a warning (net/core/net.c net_lwip_assert): counted, logged once,
 * and the connection it concerns is dropped; it panics with
 * kernel.panic_on_warn=1, as the tests boot.
 */
#ifndef NET_ARCH_CC_H
#define NET_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define BYTE_ORDER LITTLE_ENDIAN
/* Byte swaps as single instructions, not calls (lwip/def.h's defaults are
 * out-of-line functions: ~35 instructions per TCP segment, bench/rxpath). */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
uint32_t net_rand32(void);
void net_lwip_assert(const char *msg, const char *file, int line);
/* lwIP's heap (MEM_LIBC_MALLOC) is the kernel's, through debug.fail_lwip_alloc. */
void *net_lwip_malloc(size_t n);
void *net_lwip_calloc(size_t n, size_t size);
#define mem_clib_malloc net_lwip_malloc
#define mem_clib_calloc net_lwip_calloc
/* ... and so are the allocations lwIP's pools serve from their free caches. */
int net_lwip_alloc_fail(void);
#define MEMP_FREE_CACHE_FAIL() net_lwip_alloc_fail()

#define LWIP_PLATFORM_DIAG(x) do { printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) net_lwip_assert(x, __FILE__, __LINE__)
#define LWIP_RAND() net_rand32()

#endif
