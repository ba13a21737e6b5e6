/*
 * Randomness for secrets (ISN keys, SYN-cookie keys): RDRAND and any
 * entropy device (virtio-rng) that registers, mixed together.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>

/* A hardware entropy device: fills buf, returns bytes read or -errno. */
void random_register(const char *name, int (*read)(void *buf, size_t len));
/* Fills buf from every source there is.  0 if at least one hardware source
 * (RDRAND, a device) contributed; -ENODEV if only the TSC did, which is
 * not fit for secrets (the caller says so loudly). */
int random_get(void *buf, size_t len);
/* Nonzero if the CPU has RDRAND (CPUID.1:ECX[30]). */
int random_cpu_has_rdrand(void);
/* Which sources contributed to the last random_get(), for dmesg. */
const char *random_sources(void);

#endif
