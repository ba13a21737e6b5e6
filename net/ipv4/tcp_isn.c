/*
 * RFC 6528 section 3: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey).  M is a timer ticking every 4 us; F is
 * SipHash-2-4 (net/core/siphash.c) keyed with the secret over the 12-byte
 * 4-tuple, truncated to 32 bits.  Each 4-tuple thus gets its own
 * unguessable offset into a sequence space that still advances with time,
 * so a new incarnation of a connection starts above the old one.
 * Caller: the LWIP_HOOK_TCP_ISN glue.
 */
#include <string.h>

#include "net/core/siphash.h"
#include "net/ipv4/tcp_isn.h"

uint32_t tcp_isn_compute(const uint8_t secret[TCP_ISN_SECRET_LEN], uint32_t local_ip, uint16_t local_port,
			 uint32_t remote_ip, uint16_t remote_port, uint64_t now_ns)
{
	/* The fields' bytes as stored: network byte order as the caller gives them. */
	uint8_t tuple[12];
	memcpy(tuple, &local_ip, 4);
	memcpy(tuple + 4, &local_port, 2);
	memcpy(tuple + 6, &remote_ip, 4);
	memcpy(tuple + 10, &remote_port, 2);

	uint32_t m = (uint32_t)(now_ns / TCP_ISN_TICK_NS);
	uint32_t f = (uint32_t)siphash_2_4(secret, tuple, sizeof(tuple));
	return m + f;   /* mod 2^32, as sequence numbers wrap */
}
