/*
 * Entropy for secrets.  RDRAND (Intel SDM vol. 1, 7.3.17: retry on CF=0,
 * here up to 10 times per word as Intel's DRNG guide advises) when CPUID
 * says the CPU has it, XORed with bytes from a registered device such as
 * virtio-rng.  Without either, the TSC's low bits are all there is, and
 * random_get() reports that so no one mistakes it for a secret.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kernel/random.h"
#include "kernel/x86.h"

static int has_rdrand(void);

static int (*dev_read)(void *buf, size_t len);
static const char *dev_name;
static char used[64];

void random_register(const char *name, int (*read)(void *buf, size_t len))
{
	dev_name = name;
	dev_read = read;
}

int random_cpu_has_rdrand(void)
{
	return has_rdrand();
}

static int has_rdrand(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	return !!(r[2] & (1u << 30));
}

static int rdrand64(uint64_t *v)
{
	for (int i = 0; i < 10; i++) {
		uint8_t ok;
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 1;
	}
	return 0;
}

int random_get(void *buf, size_t len)
{
	uint8_t *out = buf;
	int hw = 0;
	used[0] = 0;
	/* Base layer: the TSC, stirred (never the only thing between us and a guess, we hope). */
	uint64_t x = rdtsc();
	for (size_t i = 0; i < len; i++) {
		x ^= rdtsc() + 0x9e3779b97f4a7c15ull * (i + 1);
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		out[i] = (uint8_t)(x >> 56);
	}
	if (has_rdrand()) {
		int ok = 1;
		for (size_t i = 0; i < len; i += 8) {
			uint64_t v;
			if (!rdrand64(&v)) {
				ok = 0;
				break;
			}
			for (size_t k = 0; k < 8 && i + k < len; k++)
				out[i + k] ^= (uint8_t)(v >> (8 * k));
		}
		if (ok) {
			hw = 1;
			strlcpy(used, "rdrand", sizeof(used));
		}
	}
	if (dev_read) {
		uint8_t tmp[64];
		for (size_t i = 0; i < len;) {
			size_t n = len - i < sizeof(tmp) ? len - i : sizeof(tmp);
			int got = dev_read(tmp, n);
			if (got <= 0)
				break;
			for (int k = 0; k < got; k++)
				out[i + k] ^= tmp[k];
			i += got;
			if (i >= len) {
				hw = 1;
				if (used[0])
					strlcpy(used + strlen(used), "+", sizeof(used) - strlen(used));
				strlcpy(used + strlen(used), dev_name, sizeof(used) - strlen(used));
			}
		}
	}
	if (!hw)
		strlcpy(used, "tsc only", sizeof(used));
	return hw ? 0 : -ENODEV;
}

const char *random_sources(void)
{
	return used;
}
