/*
 * lwIP hook functions (lwipopts.h maps LWIP_HOOK_* here; lwIP includes
 * this file through LWIP_HOOK_FILENAME).  Each is implemented in net/.
 */
#ifndef NET_LWIP_HOOKS_H
#define NET_LWIP_HOOKS_H

#include "lwip/ip_addr.h"

/* RFC 6528 initial sequence number (net/net.c). */
u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
		  u16_t remote_port);

#endif
