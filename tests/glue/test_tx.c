/*
 * Transmit through lwIP's linkoutput into the fake device: a pbuf chain
 * of more pieces than the descriptor table holds (NETDEV_TX_MAXFRAGS) is
 * copied into one buffer (tx_linearized) and goes out whole, empty pbufs
 * take no descriptor, and the TCP checksum the device completes is right
 * (net/core/netdev_tx.c with net/core/netdev_txreq.c; issue 8's stack overwrite was
 * a long chain).
 */
#include <string.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "net/core/netdev_priv.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

#define HDRS (14 + 20 + 20)

/* Ethernet (us -> peer) + IPv4 + TCP + datalen bytes, TCP checksum field
 * zero (as lwIP leaves it with the checksum offloaded); returns the
 * length and the checksum the wire must carry. */
static size_t tcp_frame(uint8_t *f, size_t datalen, uint16_t *csum)
{
	memset(f, 0, HDRS);
	memcpy(f, glue_peer_mac, 6);
	memcpy(f + 6, glue_mac, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14, *tcp = ip + 20;
	size_t iplen = 40 + datalen;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8), ip[3] = (uint8_t)iplen;
	ip[8] = 64, ip[9] = 6;
	const uint32_t src = GLUE_IP, dst = GLUE_PEER_IP;
	for (int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	ip[10] = 0, ip[11] = 0;
	uint16_t h = (uint16_t)~wire_sum(ip, 20, 0);
	ip[10] = (uint8_t)(h >> 8), ip[11] = (uint8_t)h;
	tcp[0] = 0, tcp[1] = 80, tcp[2] = 0xa0, tcp[3] = 0x01;
	tcp[12] = 0x50, tcp[13] = 0x18, tcp[14] = 0x20;
	for (size_t i = 0; i < datalen; i++)
		tcp[20 + i] = (uint8_t)(i * 13 + 5);
	uint8_t pseudo[12];
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0, pseudo[9] = 6;
	pseudo[10] = (uint8_t)((iplen - 20) >> 8), pseudo[11] = (uint8_t)(iplen - 20);
	*csum = (uint16_t)~wire_sum(tcp, iplen - 20, wire_sum(pseudo, 12, 0));
	return 14 + iplen;
}

static struct pbuf *piece(const uint8_t *b, size_t len)
{
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	ck_assert_ptr_nonnull(p);
	if (len)
		memcpy(p->payload, b, len);
	return p;
}

/* Sends the frame as its first head bytes, then ndata pieces, with
 * nempty empty pbufs after each piece; checks what the device sent and
 * returns how many frames were linearised. */
static long long send_split(size_t head, size_t datalen, int ndata, int nempty)
{
	static uint8_t f[1600];
	uint16_t csum;
	size_t len = tcp_frame(f, datalen, &csum);
	struct pbuf *chain = piece(f, head);
	size_t off = head;
	for (int i = 0; i < ndata; i++) {
		size_t n = i == ndata - 1 ? len - off : datalen / (size_t)ndata;
		pbuf_cat(chain, piece(f + off, n));
		off += n;
		for (int e = 0; e < nempty; e++)
			pbuf_cat(chain, piece(NULL, 0));
	}
	ck_assert_uint_eq(chain->tot_len, len);
	struct netif *netif = netdev_netif(netdev_by_name("eth0"));
	long long lin = glue_ethtool_stat("tx_linearized");
	glue_tx_clear();
	ck_assert_int_eq(netif->linkoutput(netif, chain), ERR_OK);
	pbuf_free(chain); /* the queue holds its own reference */
	glue_poll();
	ck_assert_int_eq(glue_tx_count(), 1);
	size_t got;
	const uint8_t *out = glue_tx_frame(0, &got);
	ck_assert_uint_eq(got, len);
	ck_assert_uint_eq(out[HDRS - 4] << 8 | out[HDRS - 3], csum);
	ck_assert_int_eq(memcmp(out, f, HDRS - 4), 0);
	ck_assert_int_eq(memcmp(out + HDRS - 2, f + HDRS - 2, len - HDRS + 2), 0);
	glue_tx_clear();
	glue_advance(1000); /* completions hand the pbufs back */
	return glue_ethtool_stat("tx_linearized") - lin;
}

static long long send_chain(size_t datalen, int ndata, int nempty)
{
	return send_split(HDRS, datalen, ndata, nempty);
}

START_TEST(chain_that_fits)
{
	ck_assert_int_eq(send_chain(1000, NETDEV_TX_MAXFRAGS - 1, 0), 0);
	glue_quiesce();
}
END_TEST

START_TEST(long_chain_linearised)
{
	ck_assert_int_eq(send_chain(1000, NETDEV_TX_MAXFRAGS, 0), 1);
	ck_assert_int_eq(send_chain(1400, 100, 0), 1);
	glue_quiesce();
}
END_TEST

/* Empty pbufs (lwIP leaves them after a header that filled a piece) take
 * no descriptor: 16 pieces among 150 empty ones still fit. */
START_TEST(empty_pbufs_take_no_descriptor)
{
	ck_assert_int_eq(send_chain(1000, NETDEV_TX_MAXFRAGS - 1, 10), 0);
	glue_quiesce();
}
END_TEST

/* Headers split over pieces: the frame is copied into one buffer and its
 * TCP checksum is still offloaded (a first piece shorter than Ethernet +
 * IPv4 used to go out with no checksum at all). */
START_TEST(split_headers_linearised)
{
	static const size_t heads[] = { 1, 14, 20, 33, 34, 40, 53 };
	for (unsigned i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		ck_assert_int_eq(send_split(heads[i], 500, 2, 0), 1);
	glue_quiesce();
}
END_TEST

Suite *tx_suite(void)
{
	Suite *s = suite_create("tx");
	glue_add_test(s, chain_that_fits);
	glue_add_test(s, long_chain_linearised);
	glue_add_test(s, empty_pbufs_take_no_descriptor);
	glue_add_test(s, split_headers_linearised);
	return s;
}
