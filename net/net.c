/*
 * The network stack's entry points for the kernel: net_init() (called
 * from boot_main) brings up lwIP; sys_now() is lwIP's clock.
 */
#include <stdint.h>

#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "lwip/init.h"

u32_t sys_now(void)
{
	return (u32_t)time_ms();
}

/* Placeholder until the entropy source: mixes the TSC (not for secrets). */
uint32_t net_rand32(void)
{
	uint64_t x = rdtsc();
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

void net_init(void)
{
	lwip_init();
	printk("net: lwIP " LWIP_VERSION_STRING " initialised (NO_SYS, raw API)\n");
}
