/*
 * The network stack's entry points: net_init() brings up lwIP before the
 * drivers probe, net_start() seeds the secrets once entropy devices are
 * known.  Also lwIP's clock (sys_now), random numbers (LWIP_RAND), the
 * RFC 6528 ISN hook (F = SipHash-2-4 of the 4-tuple under a boot secret,
 * M = a 4 us clock: net/ipv4/tcp_isn.c) and what a failed lwIP assertion does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fault.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "net/ipv4/fib.h"
#include "kernel/random.h"
#include "kernel/time.h"
#include "lwip/init.h"
#include "lwip/def.h"
#include "lwip/etharp.h"
#include "lwip/ip_addr.h"
#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/pbuf.h"
#include "kernel/sysctl.h"
#include "net/core/counter.h"
#include "net/core/net.h"
#include "net/core/siphash.h"
#include "net/ipv4/tcp_isn.h"
#include "net/ipv4/tcp_mem.h"

void netdev_init(void);

/* What net/lwip/lwipopts.h's ETHARP_QUEUE_OVERHEAD stands for (patch 0013). */
_Static_assert(sizeof(struct etharp_q_entry) + LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) + PBUF_LINK_HLEN <=
		       ETHARP_QUEUE_OVERHEAD,
	       "ETHARP_QUEUE_OVERHEAD no longer covers a queued packet's fixed cost");

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

/* lwIP's heap: the kernel's, failing on purpose with debug.fail_lwip_alloc. */
void *net_lwip_malloc(size_t n)
{
	return fault_fail(&fault_lwip_alloc) ? NULL : malloc(n);
}

void *net_lwip_calloc(size_t n, size_t size)
{
	return fault_fail(&fault_lwip_alloc) ? NULL : calloc(n, size);
}

int net_lwip_alloc_fail(void)
{
	return fault_fail(&fault_lwip_alloc);
}

/* lwIP's pools' free caches (patch 0030) go back to the heap once a
 * second, so a guest that has gone idle holds none of them. */
void net_trim_caches(void)
{
#if MEMP_FREE_CACHE
	static uint64_t next_ns;
	uint64_t now = time_ns();
	if (now < next_ns)
		return;
	next_ns = now + 1000000000ULL;
	memp_free_cache_trim();
#endif
}

/* ---- lwIP's assertions ------------------------------------------------------ */

uint64_t net_lwip_asserts;             /* failed assertions */
COUNTER(NagareExt, 100, LwipAssertFailures, net_lwip_asserts, ALWAYS, NULL,
	"lwIP assertions that failed (warnings).");
int net_lwip_assert_pending;           /* settle has something to do */
static struct tcp_pcb *assert_pcb;     /* the connection being processed when one failed */
static struct {
	const char *file;
	int line;
} logged[16];                          /* sites already logged (the first 16) */

/* lwIP's LWIP_PLATFORM_ASSERT (net/lwip/arch/cc.h).  A peer can reach some of
 * lwIP's assertions (lwIP then goes on as a build without them would);
 * Linux's answer to such a state is WARN(): count it, say it once, go on.
 * The connection lwIP was processing is dropped afterwards
 * (net_lwip_assert_settle).  kernel.panic_on_warn=1 panics instead, as
 * Linux's panic_on_warn does: the tests boot that way. */
void net_lwip_assert(const char *msg, const char *file, int line)
{
	if (sysctl_panic_on_warn)
		panic("lwIP assertion \"%s\" failed at %s:%d", msg, file, line);
	net_lwip_asserts++;
	net_lwip_assert_pending = 1;
	if (tcp_input_pcb)
		assert_pcb = tcp_input_pcb;
	for (unsigned i = 0; i < sizeof(logged) / sizeof(logged[0]); i++) {
		if (logged[i].file == file && logged[i].line == line)
			return;
		if (!logged[i].file) {
			logged[i].file = file;
			logged[i].line = line;
			printk("WARNING: lwIP assertion \"%s\" failed at %s:%d (counted in netstat -s "
			       "LwipAssertFailures; logged once)\n", msg, file, line);
			return;
		}
	}
}

void net_lwip_assert_settle(void)
{
	net_lwip_assert_pending = 0;
	if (!assert_pcb)
		return;
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next) {
		if (pcb == assert_pcb) {
			printk("net: connection %u -> %u dropped after a failed lwIP assertion\n",
			       pcb->remote_port, pcb->local_port);
			tcp_abort(pcb);
			break;
		}
	}
	assert_pcb = NULL;
}

void net_init(void)
{
	/* Until net_start, keys from whatever there is (lwip_init draws a port). */
	random_get(rand_key, sizeof(rand_key));
	lwip_init();
	fib_init(); /* before any interface: it follows their events */
	netdev_init();
	printk("net: lwIP " LWIP_VERSION_STRING " initialised (NO_SYS, raw API)\n");
}

void net_start(void)
{
	tcp_mem_init();
	int a = random_get(isn_secret, sizeof(isn_secret));
	int b = random_get(rand_key, sizeof(rand_key));
	if (a || b)
		printk("net: WARNING: no hardware entropy (no RDRAND, no virtio-rng): "
		       "TCP sequence numbers are guessable\n");
	else
		printk("net: secrets seeded from %s\n", random_sources());
}

/* Linux's net_ratelimit(): 10 messages per 5 s, then "callbacks suppressed". */
int net_ratelimit(void)
{
	static uint64_t begin;
	static int printed, missed, started;
	uint64_t now = time_ms();
	if (!started || now - begin >= 5000) {
		if (missed)
			printk("net_ratelimit: %d callbacks suppressed\n", missed);
		started = 1, begin = now, printed = 0, missed = 0;
	}
	if (printed < 10) {
		printed++;
		return 1;
	}
	missed++;
	return 0;
}
