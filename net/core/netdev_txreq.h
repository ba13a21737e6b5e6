/*
 * The transmit request builder (net/core/netdev_txreq.c): pure, so tests/unit
 * runs it on the host.  net/core/netdev_tx.c feeds it one piece per pbuf.
 */
#ifndef NET_NETDEV_TXREQ_H
#define NET_NETDEV_TXREQ_H

#include <stdint.h>

#include "drivers/netdev.h"
#include "net/sched/qdisc.h"
#include "net/core/siphash.h"

/* An empty request for the frame `cookie` (handed back in netdev_tx_done). */
void netdev_txreq_init(struct netdev_txreq *req, void *cookie);
/* Appends len bytes at data as the next fragment; an empty piece is
 * skipped.  0, or -EMSGSIZE when the table already holds
 * NETDEV_TX_MAXFRAGS fragments (nothing is written past it). */
int netdev_txreq_add(struct netdev_txreq *req, void *data, uint32_t len);
/* After the last piece: -EINVAL for an empty frame; else an IPv4 frame's
 * header checksum is set, and with offload an IPv4 TCP frame's checksum
 * is left to the device (needs_csum, csum_start, csum_offset, the
 * pseudo-header sum in the field): 0, or -EAGAIN when its headers are not
 * all in the first fragment (copy the frame into one piece and build
 * again).  A frame that is not IPv4 (TCP), or whose headers do not parse,
 * is left as it is: 0, no offload. */
int netdev_txreq_finish(struct netdev_txreq *req, int offload);

/* What a qdisc needs of a frame: its flow (for the flow hash) and the
 * IPv4 ECN field (RFC 3168).  Reads only b[0..len). */
struct netdev_flow {
	uint16_t ethertype;
	uint8_t ipv4;              /* an IPv4 header was there */
	uint8_t proto, ecn;
	uint32_t saddr, daddr;     /* host order */
	uint16_t sport, dport;     /* TCP/UDP, first fragment only; else 0 */
};
/* 0 (f filled as far as the frame goes), or -EINVAL when shorter than an
 * Ethernet header. */
int netdev_flow_parse(const uint8_t *b, uint32_t len, struct netdev_flow *f);
/* The flow's keyed hash (SipHash-2-4 under key, Linux's skb_get_hash
 * role): what fq_codel buckets and TCP Small Queues count by. */
uint32_t netdev_flow_hash_keyed(const struct netdev_flow *f, const uint8_t key[SIPHASH_KEY_LEN]);
/* The same under the kernel's boot secret (net/core/netdev_tx.c). */
uint32_t netdev_flow_hash(const struct netdev_flow *f);
/* What linkoutput tells the qdisc of a frame: qp's hash, ecn and flags
 * (QPKT_TSQ for IPv4 TCP); a frame too short to parse gets hash 0,
 * Not-ECT, no flags. */
void netdev_classify(struct qpkt *qp, const uint8_t *b, uint32_t len, const uint8_t key[SIPHASH_KEY_LEN]);
/* Marks an ECT IPv4 frame CE and fixes its header checksum (RFC 1624):
 * 0, or -EINVAL for a frame that is not ECT IPv4 (nothing changed). */
int netdev_frame_set_ce(uint8_t *b, uint32_t len);

#endif
