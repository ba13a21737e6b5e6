/*
 * Patch 0019 under net/lwip/lwipopts.h (TCP_LIMITED_TRANSMIT, TCP_RTO_MIN_MS,
 * TCP_TMR_INTERVAL 100): a sender whose window is two segments finds a
 * loss by Limited Transmit (RFC 3042) and fast retransmit, and its RTO
 * falls to Linux's 200 ms floor once its RTT is under a tick.  Built in
 * the run with our options only (lwip.mk).
 */
#include <string.h>

#include "tcp/tcp_helper.h"
#include "tcp_fixture.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"

#if !TCP_LIMITED_TRANSMIT || !defined(TCP_RTO_MIN_MS)
#error "test_tcp_recovery.c tests net/lwip/lwipopts.h's TCP_LIMITED_TRANSMIT and TCP_RTO_MIN_MS"
#endif

#define RTO_MIN_TICKS (TCP_RTO_MIN_MS / TCP_SLOW_INTERVAL + 1)

static struct netif netif;
static struct test_tcp_txcounters txcounters;
static struct test_tcp_counters counters;
static struct tcp_fixture_saved saved;
static u8_t data[8 * TCP_MSS];
static int timer_calls;

static void recovery_setup(void)
{
	tcp_fixture_setup(&saved, &netif, &txcounters, &counters);
	timer_calls = 0;
}

static void recovery_teardown(void)
{
	tcp_fixture_teardown(&saved);
}

/* One TCP_TMR_INTERVAL: the fast timer, and the slow one every second call. */
static void tick(void)
{
	tcp_fasttmr();
	if (++timer_calls & 1)
		tcp_slowtmr();
}

/* An ESTABLISHED sender with a congestion window of `segs` segments. */
static struct tcp_pcb *sender(u32_t segs)
{
	struct tcp_pcb *pcb = test_tcp_new_counters_pcb(&counters);
	EXPECT_RETNULL(pcb != NULL);
	tcp_set_state(pcb, ESTABLISHED, &test_local_ip, &test_remote_ip, TEST_LOCAL_PORT, TEST_REMOTE_PORT);
	pcb->mss = TCP_MSS;
	pcb->cwnd = (tcpwnd_size_t)(segs * TCP_MSS);
	pcb->ssthresh = pcb->cwnd; /* congestion avoidance */
	return pcb;
}

/* The peer's ACK of everything up to lastack + acked, with no data and a
 * 64 KiB window (the helper's default, TCP_WND, does not fit the field). */
static void peer_ack(struct tcp_pcb *pcb, u32_t acked)
{
	struct pbuf *p = tcp_create_rx_segment_wnd(pcb, NULL, 0, 0, acked, TCP_ACK, 0xffff);
	EXPECT_RET(p != NULL);
	test_tcp_input(p, &netif);
}

/* cwnd 2: the first segment is lost.  lwIP alone sends nothing on the two
 * duplicate ACKs the second segment brings at most, so it waits for the
 * RTO; with Limited Transmit each of the first two sends one new segment,
 * whose duplicate ACK is the third, and fast retransmit resends the lost
 * one.  cwnd is not touched by the two. */
START_TEST(test_tcp_limited_transmit)
{
	struct tcp_pcb *pcb = sender(2);
	u32_t iss;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	iss = pcb->lastack;
	EXPECT_RET(tcp_write(pcb, data, 6 * TCP_MSS, TCP_WRITE_FLAG_COPY) == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT(txcounters.num_tx_calls == 2);
	memset(&txcounters, 0, sizeof(txcounters));

	peer_ack(pcb, 0); /* the second segment arrived: duplicate ACK 1 */
	EXPECT(pcb->dupacks == 1);
	EXPECT(txcounters.num_tx_calls == 1);
	EXPECT(txcounters.num_tx_bytes == TCP_MSS + 40U);
	EXPECT(pcb->snd_nxt == iss + 3 * TCP_MSS);
	EXPECT(pcb->cwnd == 2 * TCP_MSS);
	memset(&txcounters, 0, sizeof(txcounters));

	peer_ack(pcb, 0); /* the third: duplicate ACK 2 */
	EXPECT(pcb->dupacks == 2);
	EXPECT(txcounters.num_tx_calls == 1);
	EXPECT(pcb->snd_nxt == iss + 4 * TCP_MSS);
	EXPECT(pcb->cwnd == 2 * TCP_MSS);
	memset(&txcounters, 0, sizeof(txcounters));

	peer_ack(pcb, 0); /* the fourth: duplicate ACK 3, fast retransmit */
	EXPECT(pcb->dupacks == 3);
	EXPECT(pcb->flags & TF_INFR);
	EXPECT(txcounters.num_tx_calls >= 1);
	EXPECT(pcb->rtime <= 0); /* not an RTO's doing: no timer ran */
	memset(&txcounters, 0, sizeof(txcounters));

	/* the retransmission fills the hole: everything sent is acknowledged,
	 * recovery ends at ssthresh, and no limited segment is left over */
	peer_ack(pcb, 4 * TCP_MSS);
	EXPECT(pcb->dupacks == 0);
	EXPECT(!(pcb->flags & TF_INFR));
	EXPECT(pcb->lastack == iss + 4 * TCP_MSS);
}
END_TEST

/* In fast recovery the duplicate ACKs inflate cwnd as lwIP always did;
 * Limited Transmit adds nothing on top. */
START_TEST(test_tcp_limited_transmit_not_in_recovery)
{
	struct tcp_pcb *pcb = sender(2);
	tcpwnd_size_t cwnd;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	EXPECT_RET(tcp_write(pcb, data, 8 * TCP_MSS, TCP_WRITE_FLAG_COPY) == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	for (int i = 0; i < 3; i++)
		peer_ack(pcb, 0);
	EXPECT_RET(pcb->flags & TF_INFR);
	cwnd = pcb->cwnd;
	memset(&txcounters, 0, sizeof(txcounters));
	pcb->dupacks = 1; /* as if counting again: must not open the window */
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT(pcb->cwnd == cwnd);
	EXPECT(pcb->snd_nxt - pcb->lastack <= cwnd);
}
END_TEST

/* RTT samples under one tick: lwIP's estimator kept the deviation at 3
 * ticks (an RTO of 3 x 500 ms); patch 0019 lets it decay to 0 and stops
 * the RTO at TCP_RTO_MIN_MS, here 2 ticks of 200 ms: a retransmission
 * 200 to 400 ms after the send, as Linux's 200 ms minimum. */
START_TEST(test_tcp_rto_floor)
{
	struct tcp_pcb *pcb = sender(10);
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	EXPECT(pcb->rto == 3000 / TCP_SLOW_INTERVAL);
	tcp_ticks = 1000; /* rttest 0 means "not timing" */
	tcp_nagle_disable(pcb);
	for (int i = 0; i < 30; i++) { /* 1000 bytes: one segment, whatever the options take */
		EXPECT_RET(tcp_write(pcb, data, 1000, TCP_WRITE_FLAG_COPY) == ERR_OK);
		EXPECT_RET(tcp_output(pcb) == ERR_OK);
		peer_ack(pcb, pcb->snd_nxt - pcb->lastack); /* within the tick: an RTT of 0 */
	}
	EXPECT(pcb->sv == 0);
	EXPECT(pcb->rto == RTO_MIN_TICKS);
	EXPECT(RTO_MIN_TICKS == 2);

	memset(&txcounters, 0, sizeof(txcounters));
	EXPECT_RET(tcp_write(pcb, data, 1000, TCP_WRITE_FLAG_COPY) == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT(pcb->unacked != NULL && pcb->unsent == NULL);
	memset(&txcounters, 0, sizeof(txcounters));
	/* one slow tick (200 ms): not yet */
	tick();
	tick();
	EXPECT(txcounters.num_tx_calls == 0);
	/* the second: the RTO fires */
	tick();
	tick();
	EXPECT(txcounters.num_tx_calls == 1);
	EXPECT(pcb->nrtx == 1);
	/* backed off: twice the floor before the next */
	EXPECT(pcb->rto == 2 * RTO_MIN_TICKS);
}
END_TEST

Suite *tcp_recovery_suite(void)
{
	testfunc tests[] = {
		TESTFUNC(test_tcp_limited_transmit),
		TESTFUNC(test_tcp_limited_transmit_not_in_recovery),
		TESTFUNC(test_tcp_rto_floor),
	};
	return create_suite("TCP_RECOVERY", tests, sizeof(tests) / sizeof(testfunc), recovery_setup,
			    recovery_teardown);
}
