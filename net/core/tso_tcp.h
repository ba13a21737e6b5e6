/*
 * A TSO bundle's next segment straight from lwIP's tcp_output (patch 0032,
 * LWIP_HOOK_TCP_OUTPUT_JOIN): the Ethernet and IPv4 headers ip4_output,
 * etharp and ethernet_output would give it are the bundle's first's with
 * the next IP ID and the segment's length, so they are written here and
 * the segment goes to tso_join without that walk (about 200 instructions
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

/* Pieces of p after its first pbuf (the first holds the headers); empty
 * ones do not count: tso_start and tso_join's `more`. */
unsigned tso_more_pieces(const struct pbuf *p);

/* Joins p (payload at its TCP header) to t as t's next segment, with the
 * headers ip4_output would give it, when pcb's datagrams are t's
 * (addresses, TOS, TTL), ip4_output would give the next datagram t's next
 * ID and tso_join takes it within max_wire and max_frags: 1, the ID taken
 * and the datagram counted as ip4_output counts it.  Else 0 with p as it
 * was. */
int tso_tcp_join(struct tso_bundle *t, const struct tcp_pcb *pcb, struct pbuf *p, uint32_t max_wire,
		 unsigned max_frags);

#endif
