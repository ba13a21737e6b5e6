/*
 * The Internet checksum's sum (RFC 1071): lwIP's LWIP_CHKSUM, so every IP
 * header, ICMP message and software TCP/UDP checksum goes through it.
 * Pure; builds in the kernel and on the host.
 */
#ifndef NET_CSUM_H
#define NET_CSUM_H

#include <stdint.h>

/* The ones'-complement sum of data[0..len) as 16-bit words in memory
 * order (a trailing odd byte padded with a zero byte), folded to 16 bits
 * and not complemented; stored as a uint16_t it reads back as those words'
 * bytes.  What lwIP expects of LWIP_CHKSUM. */
uint16_t csum_sum(const void *data, int len);

/* The IPv4 pseudo header's sum (RFC 793 3.1: source, destination, zero,
 * protocol, the TCP/UDP length) for the IPv4 header at ip (addresses read
 * from its bytes 12..19), folded and not complemented, in host order:
 * what a device's NEEDS_CSUM (virtio 1.1 5.1.6.2) or Linux's
 * CHECKSUM_PARTIAL expects in the checksum field. */
uint16_t csum_ipv4_pseudo(const uint8_t *ip, uint8_t proto, uint16_t l4len);

/* Sets the header checksum (RFC 791 3.1, bytes 10-11) of the IPv4 header
 * at ip, ihl bytes long. */
void csum_ipv4_header_set(uint8_t *ip, unsigned ihl);

#endif
