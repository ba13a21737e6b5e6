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

#endif
