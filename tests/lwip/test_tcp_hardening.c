/*
 * Segments a remote peer can send that reached assertions or read out of
 * bounds in lwIP 2.1.3's tcp_in.c, one test per case, each failing (or
 * aborting on the assertion) without its patch in net/lwip/patches:
 *   0005  SYN+ACK in SYN_RCVD (upstream bug #56397, commit adbc5b5f)
 * Segments go in through test/unit/tcp/tcp_helper.c as in lwIP's own TCP
 * tests; both runs of tests/lwip/lwip.mk build this file.
 */
#include <string.h>

#include "tcp/tcp_helper.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"

#define PEER_ISN 0x10000000UL /* the peer's first sequence number (its SYN) */
#define MAX_SEG (0xffff - IP_HLEN - TCP_HLEN) /* the most data one IPv4 datagram carries */

static struct netif netif;
static struct test_tcp_txcounters txcounters;
static struct test_tcp_counters counters;
static struct netif *old_netif_list, *old_netif_default;
static struct tcp_pcb *listener; /* a test's; tcp_remove_all() cannot take one */
static int accepts;              /* connections the listener accepted */
static u8_t pattern[0x10000 + 0x1000]; /* pattern[i]: the peer's byte at sequence offset i */

static void hardening_setup(void)
{
	old_netif_list = netif_list;
	old_netif_default = netif_default;
	netif_list = NULL;
	netif_default = NULL;
	tcp_remove_all();
	lwip_check_ensure_no_alloc(SKIP_POOL(MEMP_SYS_TIMEOUT));
	test_tcp_init_netif(&netif, &txcounters, &test_local_ip, &test_netmask);
	memset(&counters, 0, sizeof(counters));
	counters.expected_data = (char *)pattern;
	counters.expected_data_len = sizeof(pattern);
	accepts = 0;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (u8_t)(i * 7 + (i >> 8));
}

static void hardening_teardown(void)
{
	if (listener != NULL) {
		tcp_close(listener);
		listener = NULL;
	}
	netif_list = NULL;
	netif_default = NULL;
	tcp_remove_all();
	netif_list = old_netif_list;
	netif_default = old_netif_default;
	lwip_check_ensure_no_alloc(SKIP_POOL(MEMP_SYS_TIMEOUT));
}

/* A segment from the peer (test_remote_ip) to us; its data is pattern[off..]. */
static void peer_send(u32_t seqno, u32_t ackno, u8_t flags, u32_t off, u16_t len)
{
	ip_addr_t src = test_remote_ip, dst = test_local_ip;
	struct pbuf *p = tcp_create_segment(&src, &dst, TEST_REMOTE_PORT, TEST_LOCAL_PORT,
					    len ? &pattern[off] : NULL, len, seqno, ackno, flags);
	EXPECT_RET(p != NULL);
	test_tcp_input(p, &netif);
}

/* ---- 0005: SYN+ACK in SYN_RCVD ------------------------------------------ */

static err_t hardening_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	LWIP_UNUSED_ARG(arg);
	EXPECT_RETX(err == ERR_OK, ERR_VAL);
	accepts++;
	tcp_arg(newpcb, &counters);
	tcp_recv(newpcb, test_tcp_counters_recv);
	tcp_err(newpcb, test_tcp_counters_err);
	return ERR_OK;
}

static struct tcp_pcb *listen_on_test_port(void)
{
	struct tcp_pcb *pcb = tcp_new();
	err_t err;
	EXPECT_RETNULL(pcb != NULL);
	err = tcp_bind(pcb, &test_local_ip, TEST_LOCAL_PORT);
	EXPECT_RETNULL(err == ERR_OK);
	listener = tcp_listen(pcb);
	EXPECT_RETNULL(listener != NULL);
	tcp_accept(listener, hardening_accept);
	return listener;
}

/*
 * After the peer's SYN, a second segment with SYN and ACK, acknowledging
 * our SYN-ACK and carrying data that ends exactly at our window's right
 * edge.  Stock lwIP took the ACK branch of SYN_RCVD, established the
 * connection and queued the segment out of order with its SYN, one
 * sequence number more than the window; the data that fills the hole
 * then asserted "tcp_receive: ooseq tcplen > rcv_wnd".  The SYN+ACK must
 * be ignored.  The checks come last, so that a tree without 0005 and
 * 0006 reaches the assertion.
 */
START_TEST(test_tcp_syn_rcvd_ignores_synack)
{
	struct tcp_pcb *pcb;
	u32_t wnd, ack, hole, len;
	enum tcp_state state_after_synack;
	int accepts_after_synack;
	LWIP_UNUSED_ARG(_i);

	if (listen_on_test_port() == NULL)
		return;
	peer_send(PEER_ISN, 0, TCP_SYN, 0, 0);
	pcb = tcp_active_pcbs;
	EXPECT_RET(pcb != NULL && pcb->state == SYN_RCVD);
	EXPECT(txcounters.num_tx_calls == 1);
	wnd = pcb->rcv_wnd;
	ack = pcb->snd_nxt;
	len = LWIP_MIN(wnd - 1, MAX_SEG);
	hole = wnd - len;

	peer_send(PEER_ISN + 1 + hole, ack, TCP_SYN | TCP_ACK, hole, (u16_t)len);
	state_after_synack = pcb->state;
	accepts_after_synack = accepts;
	peer_send(PEER_ISN + 1, ack, TCP_ACK, 0, (u16_t)hole);

	EXPECT(state_after_synack == SYN_RCVD);
	EXPECT(accepts_after_synack == 0);
	EXPECT(accepts == 1);
	EXPECT(pcb->state == ESTABLISHED);
	EXPECT(pcb->rcv_nxt == PEER_ISN + 1 + hole);
	EXPECT(counters.recved_bytes == hole);
	EXPECT(pcb->ooseq == NULL);
}
END_TEST

Suite *tcp_hardening_suite(void)
{
	testfunc tests[] = {
		TESTFUNC(test_tcp_syn_rcvd_ignores_synack),
	};
	return create_suite("TCP_HARDENING", tests, sizeof(tests) / sizeof(testfunc), hardening_setup,
			    hardening_teardown);
}
