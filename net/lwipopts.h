/*
 * lwIP 2.1.3 configuration for nagare (options documented in
 * src/include/lwip/opt.h).  NO_SYS with the raw API: one core, one event
 * loop, no threads.  Memory comes from the kernel heap (kernel/heap.c) so
 * the image stays small and the pools grow with the guest's RAM.
 */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0

/* Memory: lwIP's heap and pools both come from malloc(). */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8

/* Protocols */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0

/* Statistics feed netstat -s and /metrics. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0

#endif
