/*
 * TSO bundles (net/core/tso.c): the segments lwIP sends back to back on one
 * connection, joined into one large frame for a device that segments TCP
 * itself (virtio VIRTIO_NET_F_HOST_TSO4).  lwIP keeps building MSS-sized
 * segments, so its cwnd, RTO, SACK and retransmission accounting stays per
 * segment; net/core/netdev_tx.c offers each frame here and hands the device
 * one request per bundle: these headers, then every segment's payload by
 * reference.  Pure; builds in the kernel and on the host.
 */
#ifndef NET_TSO_H
#define NET_TSO_H

#include <stdint.h>

#include "net/core/tcp4_frame.h"

#define TSO_MAX_SEGS 48 /* 64 KiB of IP is 44 segments of 1460 bytes */

struct tso_bundle {
	uint8_t hdr[TCP4_MAX_HLEN]; /* the first segment's headers; tso_finish makes them the bundle's */
	struct tcp4_frame first;    /* the first segment, parsed */
	uint32_t next_seq;          /* the sequence number the next segment must carry */
	uint32_t paylen;            /* payload bytes of every segment */
	uint32_t wire;              /* frame bytes of every segment (what qdiscs and BQL count) */
	uint16_t segs;
	uint16_t nfrags;            /* device fragments: the headers, then the payload pieces */
	uint8_t last_flags;         /* PSH and FIN of the last segment */
	uint8_t closed;             /* a segment that must be the last joined */
};

/* Starts t with the frame whose first hbytes bytes (at least its headers)
 * are at b, len bytes in all, the rest in `more` further pieces.  0; or
 * -EINVAL when nothing may follow it: not a whole IPv4 TCP segment with
 * payload and only ACK set (PSH, FIN, SYN, RST, URG, ECE or CWR), IP
 * options, ECN-capable, headers not within hbytes, or bytes past its total
 * length. */
int tso_start(struct tso_bundle *t, const uint8_t *b, uint32_t hbytes, uint32_t len, unsigned more);

/* Joins the frame (as for tso_start) to t when it is the segment Linux's
 * tcp_gso_segment would cut from t next (net/core/gso.c): same Ethernet
 * header, addresses, ports, ACK, window, data offset and option bytes, TOS,
 * TTL and DF; the next sequence number and IP ID; flags ACK with PSH or FIN
 * allowed (they end the bundle); payload no more than the first's, and
 * shorter only at the end; and t within max_wire frame bytes, max_frags
 * fragments and TSO_MAX_SEGS segments.  1 when joined, else 0 (t as it
 * was). */
int tso_join(struct tso_bundle *t, const uint8_t *b, uint32_t hbytes, uint32_t len, unsigned more,
	     uint32_t max_wire, unsigned max_frags);

/* tso_join for a frame whose Ethernet and IPv4 headers were copied from
 * t->hdr (IHL 20) with only the bytes the cut sets changed, as tso_tcp_join
 * writes them: those are not compared again. */
int tso_join_l4(struct tso_bundle *t, const uint8_t *b, uint32_t hbytes, uint32_t len, unsigned more,
		uint32_t max_wire, unsigned max_frags);

/* Makes t->hdr the bundle's headers: the IPv4 total length and header
 * checksum, the last segment's PSH/FIN, and the TCP pseudo-header sum for
 * the device to complete (virtio 1.1 5.1.6.2).  Once, after the last join. */
void tso_finish(struct tso_bundle *t);

#endif
