/*
 * RFC 6528 initial sequence numbers, the pure part: ISN = M + F(4-tuple,
 * secret).  The caller (the LWIP_HOOK_TCP_ISN glue) supplies the secret,
 * seeded from RDRAND or virtio-rng, and the clock.
 */
#ifndef NET_TCP_ISN_H
#define NET_TCP_ISN_H

#include <stdint.h>

#define TCP_ISN_SECRET_LEN 16   /* bytes: a SipHash-2-4 key */
#define TCP_ISN_TICK_NS 4000    /* M advances by one every 4 us (RFC 6528 section 3) */

/*
 * The ISN for a connection.  Each field's bytes are hashed as stored, so
 * pass addresses and ports in network byte order (lwIP keeps ip4_addr_t
 * in network order but pcb ports in host order: lwip_htons them).  Only
 * consistency matters for RFC 6528; network order makes F independent of
 * the host.  now_ns is a monotonic clock in nanoseconds.
 */
uint32_t tcp_isn_compute(const uint8_t secret[TCP_ISN_SECRET_LEN], uint32_t local_ip, uint16_t local_port,
			 uint32_t remote_ip, uint16_t remote_port, uint64_t now_ns);

#endif
