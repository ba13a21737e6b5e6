/*
 * The transmit request builder: a frame's pieces become the fragment
 * table of a driver's netdev_txreq, each counted against
 * NETDEV_TX_MAXFRAGS before it is written (Linux skb_to_sgvec returns
 * -EMSGSIZE the same way), and an IPv4 TCP frame's checksum goes to the
 * device (virtio 1.1 5.1.6.2, VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum
 * field holds the RFC 793 3.1 pseudo-header sum, the device adds the
 * rest from csum_start); an IPv4 frame's header checksum is set here, not
 * by lwIP.  Headers that do not parse are left alone.
 * Pure (no lwIP, no hardware).  Callers: net/core/netdev_tx.c,
 * tests/unit/test_netdev_txreq.c.
 */
#include <errno.h>
#include <stddef.h>

#include "net/core/csum.h"
#include "net/core/netdev_txreq.h"

#define ETH_HLEN 14
#define ETHTYPE_IPV4 0x0800
#define IPV4_HLEN 20 /* without options */
#define TCP_HLEN 20  /* without options */
#define TCP_CSUM_OFF 16
#define PROTO_TCP 6

void netdev_txreq_init(struct netdev_txreq *req, void *cookie)
{
	req->nfrags = 0;
	req->len = 0;
	req->needs_csum = 0;
	req->csum_start = req->csum_offset = 0;
	req->gso_size = req->hdr_len = 0;
	req->cookie = cookie;
}

int netdev_txreq_add(struct netdev_txreq *req, void *data, uint32_t len)
{
	if (!len)
		return 0;
	if (req->nfrags >= NETDEV_TX_MAXFRAGS)
		return -EMSGSIZE; /* checked before the write: the table is full */
	req->frag[req->nfrags].data = data;
	req->frag[req->nfrags].len = len;
	req->nfrags++;
	req->len += len;
	return 0;
}

/* Offloads the TCP checksum of an IPv4 TCP frame whose headers are in
 * fragment 0.  The bytes are the stack's own: the table's const is the
 * driver's promise not to write them. */
static int tcp_csum_offload(struct netdev_txreq *req)
{
	uint8_t *b = (uint8_t *)req->frag[0].data;
	uint32_t first = req->frag[0].len;
	if (req->len < ETH_HLEN + IPV4_HLEN + TCP_HLEN)
		return 0; /* too short to be a TCP segment */
	if (first < ETH_HLEN + IPV4_HLEN)
		return -EAGAIN; /* cannot tell yet: its headers are split */
	uint8_t *ip = b + ETH_HLEN;
	if ((b[12] << 8 | b[13]) != ETHTYPE_IPV4 || ip[9] != PROTO_TCP)
		return 0;
	unsigned ihl = (ip[0] & 0x0f) * 4u;
	uint32_t iplen = (uint32_t)ip[2] << 8 | ip[3];
	if ((ip[0] >> 4) != 4 || ihl < IPV4_HLEN || iplen < ihl + TCP_HLEN ||
	    iplen > req->len - ETH_HLEN || ((ip[6] & 0x3f) | ip[7]))
		return 0; /* not a TCP segment lwIP could have built (or a fragment): leave it */
	if (first < ETH_HLEN + ihl + TCP_HLEN)
		return -EAGAIN;
	uint16_t sum = csum_ipv4_pseudo(ip, PROTO_TCP, (uint16_t)(iplen - ihl));
	uint8_t *tcp = ip + ihl;
	tcp[TCP_CSUM_OFF] = sum >> 8;
	tcp[TCP_CSUM_OFF + 1] = sum & 0xff;
	req->needs_csum = 1;
	req->csum_start = (uint16_t)(ETH_HLEN + ihl);
	req->csum_offset = TCP_CSUM_OFF;
	return 0;
}

/* Sets an IPv4 frame's header checksum: lwIP leaves it to us
 * (net/core/netdev.c clears NETIF_CHECKSUM_GEN_IP), so the segments a TSO
 * bundle carries are never summed one by one, only the bundle's header
 * (tso_finish) or the device's cut.  Forwarded frames and frames built
 * whole (ICMP errors, cookie SYN-ACKs) are summed again, to the same. */
static int ip_csum_set(struct netdev_txreq *req)
{
	uint8_t *b = (uint8_t *)req->frag[0].data;
	uint32_t first = req->frag[0].len;
	if (req->len < ETH_HLEN + IPV4_HLEN)
		return 0;
	if (first < ETH_HLEN + IPV4_HLEN)
		return -EAGAIN; /* cannot tell yet: its headers are split */
	if ((b[12] << 8 | b[13]) != ETHTYPE_IPV4)
		return 0;
	uint8_t *ip = b + ETH_HLEN;
	unsigned ihl = (ip[0] & 0x0f) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < IPV4_HLEN || ETH_HLEN + ihl > req->len)
		return 0; /* not a header lwIP could have built: leave it */
	if (first < ETH_HLEN + ihl)
		return -EAGAIN;
	csum_ipv4_header_set(ip, ihl);
	return 0;
}

int netdev_txreq_finish(struct netdev_txreq *req, int offload)
{
	if (!req->nfrags)
		return -EINVAL;
	int err = ip_csum_set(req);
	if (err)
		return err;
	return offload ? tcp_csum_offload(req) : 0;
}

/* ---- what the qdisc sees of a frame ---- */

#define PROTO_UDP 17

int netdev_flow_parse(const uint8_t *b, uint32_t len, struct netdev_flow *f)
{
	*f = (struct netdev_flow){ 0 };
	if (len < ETH_HLEN)
		return -EINVAL;
	f->ethertype = (uint16_t)(b[12] << 8 | b[13]);
	if (f->ethertype != ETHTYPE_IPV4 || len < ETH_HLEN + IPV4_HLEN)
		return 0;
	const uint8_t *ip = b + ETH_HLEN;
	unsigned ihl = (ip[0] & 0x0f) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < IPV4_HLEN || len < ETH_HLEN + ihl)
		return 0;
	f->ipv4 = 1;
	f->ecn = ip[1] & 3;
	f->proto = ip[9];
	for (int i = 0; i < 4; i++) {
		f->saddr = f->saddr << 8 | ip[12 + i];
		f->daddr = f->daddr << 8 | ip[16 + i];
	}
	/* Ports only from the first fragment (RFC 791: offset 0). */
	int first_frag = !((ip[6] & 0x1f) | ip[7]);
	if (first_frag && (f->proto == PROTO_TCP || f->proto == PROTO_UDP) && len >= ETH_HLEN + ihl + 4) {
		const uint8_t *l4 = ip + ihl;
		f->sport = (uint16_t)(l4[0] << 8 | l4[1]);
		f->dport = (uint16_t)(l4[2] << 8 | l4[3]);
	}
	return 0;
}

int netdev_frame_set_ce(uint8_t *b, uint32_t len)
{
	struct netdev_flow f;
	if (netdev_flow_parse(b, len, &f) || !f.ipv4 || f.ecn == 0)
		return -EINVAL; /* Not-ECT must be dropped, not marked (RFC 3168 5) */
	if (f.ecn == 3)
		return 0;
	uint8_t *ip = b + ETH_HLEN;
	/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), m the 16-bit word
	 * holding version/IHL and TOS. */
	uint16_t old = (uint16_t)(ip[0] << 8 | ip[1]);
	ip[1] |= 3;
	uint16_t new = (uint16_t)(ip[0] << 8 | ip[1]);
	uint32_t s = (uint16_t)~(ip[10] << 8 | ip[11]);
	s += (uint16_t)~old;
	s += new;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = (uint16_t)~s;
	ip[10] = (uint8_t)(s >> 8);
	ip[11] = (uint8_t)s;
	return 0;
}

uint32_t netdev_flow_hash_keyed(const struct netdev_flow *f, const uint8_t key[SIPHASH_KEY_LEN])
{
	struct {
		uint32_t saddr, daddr;
		uint16_t sport, dport, ethertype;
		uint8_t proto, pad;
	} k = { f->saddr, f->daddr, f->sport, f->dport, f->ethertype, f->proto, 0 };
	return (uint32_t)siphash_2_4(key, &k, sizeof(k));
}

void netdev_classify(struct qpkt *qp, const uint8_t *b, uint32_t len, const uint8_t key[SIPHASH_KEY_LEN])
{
	struct netdev_flow f;
	qp->hash = 0;
	qp->ecn = QPKT_ECN_NOT_ECT;
	qp->flags = 0;
	if (netdev_flow_parse(b, len, &f))
		return;
	qp->hash = netdev_flow_hash_keyed(&f, key);
	qp->ecn = f.ecn;
	if (f.ipv4 && f.proto == PROTO_TCP)
		qp->flags = QPKT_TSQ;
}
