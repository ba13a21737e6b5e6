/*
 * nagare's ICMP policy around lwIP's icmp.c (net/ipv4/icmp.c): Linux's
 * icmp_rcv decisions lwIP does not take (icmp_echo_ignore_broadcasts, the
 * broadcast and multicast rules, icmp_ignore_bogus_error_responses' log)
 * and the rate limit of the ICMP errors lwIP sends (icmp_ratelimit,
 * icmp_ratemask, icmp_msgs_per_sec, icmp_msgs_burst; patch 0020).
 */
#ifndef NET_IPV4_ICMP_H
#define NET_IPV4_ICMP_H

#include <stdint.h>

struct pbuf;
struct netif;

/* From net_ip4_input (LWIP_HOOK_IP4_INPUT), before lwIP's own checks:
 * nonzero when the ICMP message was taken (counted as Linux counts it, and
 * freed); 0 leaves it to lwIP, malformed ones included. */
int icmp_in_filter(struct pbuf *p, struct netif *inp);

/* ip_error's limit (net/ipv4/icmp_xrlim.h) for an unreachable the router
 * would send to src (host order): 1 to send it. */
int net_ip_error_allow(uint32_t src);
/* ip_rt_send_redirect's backoff for a redirect to src (host order):
 * ICMP_XRLIM_REDIRECT_NO, _SEND or _LAST (net/ipv4/icmp_xrlim.h). */
int net_ip_redirect_allow(uint32_t src);

/* Suppressed ICMP errors (netstat -s Icmp: OutRateLimitGlobal, OutRateLimitHost). */
extern uint64_t icmp_out_ratelimit_global, icmp_out_ratelimit_host;

#endif
