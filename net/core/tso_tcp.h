/*
 * A TSO bundle's next segment straight from lwIP's tcp_output (patch 0032,
 * LWIP_HOOK_TCP_OUTPUT_JOIN): the Ethernet and IPv4 headers ip4_output,
 * etharp and ethernet_output would give it are the bundle's first's with
 * the next IP ID and the segment's length, so they are written here and
 * the segment goes to tso_join without that walk (about 300 instructions
 * a segment).  Callers: net/core/netdev_tso.c (net_tcp_output_join) and
 * bench/rxpath/txbulk.c, which models it.
 */
#ifndef NET_TSO_TCP_H
#define NET_TSO_TCP_H

#include "lwip/pbuf.h"
#include "net/core/tso.h"

struct tcp_pcb;

/* Ethernet and IPv4 header bytes of a bundle (tso_start takes no IP options). */
#define TSO_L3_HLEN (TCP4_ETH_HLEN + 20)

/* Puts the headers of t's next segment in front of p (payload at its TCP
 * header) when pcb's datagrams are t's (addresses, TOS, TTL) and
 * ip4_output would give the next datagram t's next ID: 1.  Else 0 with p
 * as it was.  The caller then joins p (tso_join) and calls tso_tcp_joined,
 * or takes the headers off again (pbuf_remove_header, TSO_L3_HLEN). */
int tso_tcp_headers(const struct tso_bundle *t, const struct tcp_pcb *pcb, struct pbuf *p);

/* p joined: takes its IP ID and counts it as ip4_output would. */
void tso_tcp_joined(void);

#endif
