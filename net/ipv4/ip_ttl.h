/*
 * net.ipv4.ip_default_ttl (net/ipv4/ip_ttl.c): lwIP reads it for each new
 * endpoint and each ICMP message (net/lwip/lwipopts.h's IP_DEFAULT_TTL);
 * the sysctl's handler carries a change to the endpoints that exist.
 */
#ifndef NET_IPV4_IP_TTL_H
#define NET_IPV4_IP_TTL_H

struct sysctl;

/* The sysctl handler: every lwIP endpoint whose TTL is the old default
 * takes the new one v.  Always 0 (accepted). */
int ip_ttl_default_set(const struct sysctl *s, long v, const char *str);

#endif
