/*
 * lwIP's port header (lwip/arch.h) for lwIP's own unit suite on the host
 * (tests/lwip/lwip.mk).  lwIP 2.1.3 ships test/unit without the contrib
 * unix port, so this is the part of contrib/ports/unix it needs: glibc's
 * struct timeval and errno names, rand(), and assertions that abort so
 * Check reports the test as an error.  The kernel's port is net/lwip/arch/cc.h.
 */
#ifndef TESTS_LWIP_ARCH_CC_H
#define TESTS_LWIP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

/* lwip/sockets.h would otherwise define its own struct timeval. */
#define LWIP_TIMEVAL_PRIVATE 0

/* err.c and sockets.c use the E* names: take glibc's. */
#define LWIP_ERRNO_STDINCLUDE 1

#define LWIP_RAND() ((u32_t)rand())

#define LWIP_PLATFORM_ASSERT(x) do { \
	fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
	fflush(NULL); \
	abort(); \
} while (0)

#endif
