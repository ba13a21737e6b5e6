/*
 * The network stack's entry points: net_init() brings up lwIP before the
 * drivers probe, net_start() seeds the secrets once entropy devices are
 * known.  Also lwIP's clock (sys_now), random numbers (LWIP_RAND) and the
 * RFC 6528 ISN hook (F = SipHash-2-4 of the 4-tuple under a boot secret,
 * M = a 4 us clock: net/tcp_isn.c).
 */
#include <stdint.h>
#include <string.h>

#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/time.h"
#include "lwip/init.h"
#include "lwip/def.h"
#include "lwip/ip_addr.h"
#include "net/net.h"
#include "net/siphash.h"
#include "net/tcp_isn.h"

void netdev_init(void);

static uint8_t isn_secret[16];
static uint8_t rand_key[16];
static uint64_t rand_counter;

u32_t sys_now(void)
{
	return (u32_t)time_ms();
}

/* LWIP_RAND (ports, IP ids): SipHash of a counter under a boot key. */
uint32_t net_rand32(void)
{
	uint64_t c = ++rand_counter;
	return (uint32_t)siphash_2_4(rand_key, &c, sizeof(c));
}

u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
		  u16_t remote_port)
{
	/* lwIP gives ports in host order, addresses in network order. */
	return tcp_isn_compute(isn_secret, ip4_addr_get_u32(ip_2_ip4(local_ip)), lwip_htons(local_port),
			       ip4_addr_get_u32(ip_2_ip4(remote_ip)), lwip_htons(remote_port), time_ns());
}

void net_init(void)
{
	/* Until net_start, keys from whatever there is (lwip_init draws a port). */
	random_get(rand_key, sizeof(rand_key));
	lwip_init();
	netdev_init();
	printk("net: lwIP " LWIP_VERSION_STRING " initialised (NO_SYS, raw API)\n");
}

void net_start(void)
{
	int a = random_get(isn_secret, sizeof(isn_secret));
	int b = random_get(rand_key, sizeof(rand_key));
	if (a || b)
		printk("net: WARNING: no hardware entropy (no RDRAND, no virtio-rng): "
		       "TCP sequence numbers are guessable\n");
	else
		printk("net: secrets seeded from %s\n", random_sources());
}
