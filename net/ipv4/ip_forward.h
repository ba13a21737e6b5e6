/*
 * Router mode (net/ipv4/ip_forward.c): a received packet not for us, on
 * an interface that forwards.
 */
#ifndef NET_IPV4_IP_FORWARD_H
#define NET_IPV4_IP_FORWARD_H

#include <stdint.h>

struct pbuf;
struct netif;
struct fib_route;

/* p (payload at its IP header, length checked) arrived on inp (device
 * iif) from src; r is the FIB's route to its destination (NULL: none).
 * Returns 1 when p was taken and freed (forwarded, answered with an ICMP
 * error or dropped), 0 to leave it to lwIP (a bad header checksum). */
int ip_forward(struct pbuf *p, struct netif *inp, int iif, const struct fib_route *r, uint32_t src);

#endif
