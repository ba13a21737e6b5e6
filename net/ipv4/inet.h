/*
 * IPv4 address text, as iproute2 reads and writes it.  Pure.
 */
#ifndef NET_INET_H
#define NET_INET_H

#include <stdint.h>

/* "a.b.c.d" with 1-4 decimal parts, missing trailing parts zero (iproute2's
 * get_addr_ipv4: "10/8" is 10.0.0.0/8).  Address in host byte order.
 * 0, or -EINVAL. */
int inet_parse_addr(const char *s, uint32_t *addr);
/* "ADDR[/LEN]"; without /LEN the prefix is 32.  0, or -EINVAL. */
int inet_parse_prefix(const char *s, uint32_t *addr, int *len);
/* Host-order netmask of a prefix length 0-32. */
uint32_t inet_mask(int len);
/* Prefix length of a contiguous netmask, or -1. */
int inet_masklen(uint32_t mask);
/* Dotted quad into buf (16 bytes). */
char *inet_format(uint32_t addr, char buf[16]);

#endif
