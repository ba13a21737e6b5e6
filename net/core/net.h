/*
 * The network stack's entry points for the kernel (no lwIP types here).
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdint.h>

/* Before drivers probe: lwIP, the netdev layer's loop hook. */
void net_init(void);
/* After drivers probe: secrets from the entropy sources. */
void net_start(void);
/* From the event loop: lwIP's pools' free caches back to the heap once a second. */
void net_trim_caches(void);
/* A layer that runs inside lwIP input times itself into *tsc (TSC cycles);
 * /proc/net/cycles shows it as stack_input.NAME.  Up to 4; again: no-op. */
void net_cycles_part(const char *name, const uint64_t *tsc);
/* `free`'s network lines (net/core/meminfo.c). */
void net_meminfo(void);
/* lwIP's pool names in memp_t order. */
extern const char *const net_pool_names[];
/* Failed lwIP assertions (net/core/net.c).  After each frame lwIP took in and
 * after its timers: the connection one concerned is dropped. */
extern uint64_t net_lwip_asserts;
extern int net_lwip_assert_pending;
void net_lwip_assert_settle(void);

/* Linux's net_ratelimit(): nonzero while the network's log lines (martians,
 * bogus ICMP errors) stay within 10 per 5 s; past that they are counted and
 * one "net_ratelimit: N callbacks suppressed" line says how many. */
int net_ratelimit(void);

#endif
