/*
 * Patch 0019 under net/lwip/lwipopts.h (TCP_LIMITED_TRANSMIT, TCP_RTO_MIN_MS,
 * TCP_TMR_INTERVAL 100): a sender whose window is two segments finds a
 * loss by Limited Transmit (RFC 3042) and fast retransmit, and its RTO
 * falls to Linux's 200 ms floor once its RTT is under a tick.  Patch 0024
 * (TCP_SACK_DUPACK, TCP_RTT_FIRST_SAMPLE): duplicate ACKs told by their
 * new SACK blocks when the window changes, malformed SACK options ignored,
 * and the RTO from the first RTT measured.  Patch 0026 (TCP_SACK_RTO_SKIP):
 * after a timeout, SACKed segments are not sent again.  Patch 0027
 * (TCP_LOST_REXMIT): a retransmission lost again is sent again once three
 * segments sent after it are SACKed.  Built in the run with our options
 * only (lwip.mk).
 */
#include <string.h>

#include "tcp/tcp_helper.h"
#include "tcp_fixture.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/inet_chksum.h"
#include "lwip/stats.h"

#if !TCP_LIMITED_TRANSMIT || !defined(TCP_RTO_MIN_MS) || !TCP_SACK_DUPACK || !TCP_RTT_FIRST_SAMPLE || \
	!TCP_SACK_RTO_SKIP || !TCP_LOST_REXMIT
#error "test_tcp_recovery.c tests net/lwip/lwipopts.h's TCP_LIMITED_TRANSMIT, TCP_RTO_MIN_MS, TCP_SACK_DUPACK, TCP_RTT_FIRST_SAMPLE, TCP_SACK_RTO_SKIP and TCP_LOST_REXMIT"
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

/* (The tests below call tcp_write outside EXPECT_RET, which evaluates its
 * argument twice: the earlier tests each write their data twice.) */

/* An ACK of lastack + acked with window wnd and the options opts[0..optlen)
 * (a multiple of 4), from the peer. */
static void peer_ack_opts(struct tcp_pcb *pcb, u32_t acked, u16_t wnd, const u8_t *opts, u16_t optlen)
{
	ip_addr_t src = test_remote_ip, dst = test_local_ip;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(IP_HLEN + TCP_HLEN + optlen), PBUF_RAM);
	struct ip_hdr *iph;
	struct tcp_hdr *th;
	EXPECT_RET(p != NULL && optlen % 4 == 0);
	memset(p->payload, 0, p->len);
	iph = (struct ip_hdr *)p->payload;
	th = (struct tcp_hdr *)((u8_t *)p->payload + IP_HLEN);
	iph->src.addr = ip_2_ip4(&src)->addr;
	iph->dest.addr = ip_2_ip4(&dst)->addr;
	IPH_VHL_SET(iph, 4, IP_HLEN / 4);
	IPH_LEN_SET(iph, lwip_htons((u16_t)(IP_HLEN + TCP_HLEN + optlen)));
	th->src = lwip_htons(pcb->remote_port);
	th->dest = lwip_htons(pcb->local_port);
	th->seqno = lwip_htonl(pcb->rcv_nxt);
	th->ackno = lwip_htonl(pcb->lastack + acked);
	TCPH_HDRLEN_FLAGS_SET(th, (TCP_HLEN + optlen) / 4, TCP_ACK);
	th->wnd = lwip_htons(wnd);
	memcpy(th + 1, opts, optlen);
	pbuf_remove_header(p, IP_HLEN);
	th->chksum = ip_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, &src, &dst);
	pbuf_header_force(p, IP_HLEN);
	test_tcp_input(p, &netif);
}

/* A SACK option (RFC 2018: kind 5, length 2 + 8n) of one block [left,
 * right), offsets from base, after two NOPs. */
static u16_t sack_opt(u8_t *o, u32_t base, u32_t left, u32_t right)
{
	u32_t l = base + left, r = base + right;
	o[0] = o[1] = LWIP_TCP_OPT_NOP;
	o[2] = LWIP_TCP_OPT_SACK;
	o[3] = 10;
	o[4] = (u8_t)(l >> 24), o[5] = (u8_t)(l >> 16), o[6] = (u8_t)(l >> 8), o[7] = (u8_t)l;
	o[8] = (u8_t)(r >> 24), o[9] = (u8_t)(r >> 16), o[10] = (u8_t)(r >> 8), o[11] = (u8_t)r;
	return 12;
}

/* The first of ten segments is lost; the receiver (as Linux early in a
 * connection) grows its window in every ACK.  RFC 5681's duplicate ACK
 * needs the same window, so lwIP counted none and waited for the RTO;
 * each ACK SACKs a segment more (RFC 6675's DupAck) and the third starts
 * fast retransmit.  An ACK that repeats what was SACKed, with a new
 * window, is no duplicate. */
START_TEST(test_tcp_sack_dupack)
{
	err_t err;
	struct tcp_pcb *pcb = sender(10);
	u8_t o[12];
	u32_t iss;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	tcp_set_flags(pcb, TF_SACK);
	pcb->snd_wnd = 20000; /* each ACK's window below is larger: a change */
	iss = pcb->lastack;
	err = tcp_write(pcb, data, 8 * TCP_MSS, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT(pcb->snd_nxt == iss + 8 * TCP_MSS && pcb->unsent == NULL);

	peer_ack_opts(pcb, 0, 30000, o, sack_opt(o, iss, TCP_MSS, 2 * TCP_MSS));
	EXPECT(pcb->dupacks == 1);
	/* the same block again, another window: nothing new, not a duplicate */
	peer_ack_opts(pcb, 0, 30100, o, sack_opt(o, iss, TCP_MSS, 2 * TCP_MSS));
	EXPECT(pcb->dupacks == 0);
	peer_ack_opts(pcb, 0, 30200, o, sack_opt(o, iss, TCP_MSS, 3 * TCP_MSS));
	peer_ack_opts(pcb, 0, 30300, o, sack_opt(o, iss, TCP_MSS, 4 * TCP_MSS));
	EXPECT(pcb->dupacks == 2);
	EXPECT(!(pcb->flags & TF_INFR));
	memset(&txcounters, 0, sizeof(txcounters));
	peer_ack_opts(pcb, 0, 30400, o, sack_opt(o, iss, TCP_MSS, 5 * TCP_MSS));
	EXPECT(pcb->dupacks == 3);
	EXPECT(pcb->flags & TF_INFR);
	EXPECT(txcounters.num_tx_calls >= 1);
	EXPECT(pcb->rtime <= 0); /* no timer ran: fast retransmit */
	/* a block past what was sent is not believed */
	pcb->dupacks = 0;
	tcp_clear_flags(pcb, TF_INFR);
	peer_ack_opts(pcb, 0, 30500, o, sack_opt(o, iss, TCP_MSS, 9 * TCP_MSS));
	EXPECT(pcb->dupacks == 0);
}
END_TEST

/* Malformed SACK options end the option parse (as lwIP's other options):
 * a length of 9, a length past the options, a length of 2; the ACK is
 * still taken, and a changed window makes it no duplicate. */
START_TEST(test_tcp_sack_malformed)
{
	err_t err;
	static const u8_t bad[][12] = {
		{ LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_SACK, 9, 0, 0, 0, 1, 0, 0, 0, 2 },
		{ LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_SACK, 18, 0, 0, 0, 1, 0, 0, 0, 2 },
		{ LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_SACK, 2, 0, 0, 0, 1, 0, 0, 0, 2 },
		{ LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP,
		  LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP,
		  LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_SACK },
	};
	struct tcp_pcb *pcb = sender(10);
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	tcp_set_flags(pcb, TF_SACK);
	pcb->snd_wnd = 10000; /* each ACK's window below is larger: a change */
	err = tcp_write(pcb, data, 4 * TCP_MSS, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	for (int i = 0; i < (int)(sizeof(bad) / sizeof(bad[0])); i++) {
		peer_ack_opts(pcb, 0, (u16_t)(20000 + i), bad[i], sizeof(bad[i]));
		EXPECT(pcb->dupacks == 0);
		EXPECT(pcb->state == ESTABLISHED);
	}
	peer_ack_opts(pcb, TCP_MSS, 20100, bad[0], sizeof(bad[0]));
	EXPECT(pcb->lastack == pcb->snd_nxt - 3 * TCP_MSS);
}
END_TEST

/* RFC 6298 2.2: the first RTT measured, R, sets SRTT = R and RTTVAR = R/2
 * (RTO = R + 4 R/2).  lwIP began from SRTT 0 and a deviation of 3 s: after
 * one measurement of 0 ticks its RTO was still 11 ticks (2.2 s). */
START_TEST(test_tcp_rtt_first_sample)
{
	err_t err;
	struct tcp_pcb *pcb = sender(10);
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	tcp_nagle_disable(pcb);
	tcp_ticks = 1000;
	err = tcp_write(pcb, data, 1000, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	peer_ack(pcb, pcb->snd_nxt - pcb->lastack);
	EXPECT(pcb->sa == 0 && pcb->sv == 0);
	EXPECT(pcb->rto == RTO_MIN_TICKS);
	EXPECT(pcb->flags & TF_RTT_VALID);

	/* a first measurement of 3 ticks: SRTT 3, RTTVAR 1.5, RTO 9 ticks */
	pcb = sender(10);
	EXPECT_RET(pcb != NULL);
	tcp_nagle_disable(pcb);
	err = tcp_write(pcb, data, 1000, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	tcp_ticks += 3;
	peer_ack(pcb, pcb->snd_nxt - pcb->lastack);
	EXPECT(pcb->sa == 3 << 3);
	EXPECT(pcb->sv == 6);
	EXPECT(pcb->rto == 9);
}
END_TEST

/* Patch 0026: after a timeout, the segments the peer SACKed are not sent
 * again (RFC 6675 5.1); lwIP resent the whole window.  A timeout again
 * with nothing acknowledged (nrtx past 1) sends everything: the peer may
 * have dropped what it SACKed (RFC 2018 8). */
START_TEST(test_tcp_rto_skips_sacked)
{
	struct tcp_pcb *pcb = sender(10);
	u8_t o[12];
	u32_t iss;
	err_t err;
	int t;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	tcp_set_flags(pcb, TF_SACK);
	iss = pcb->lastack;
	err = tcp_write(pcb, data, 6 * TCP_MSS, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT_RET(pcb->snd_nxt == iss + 6 * TCP_MSS);
	/* the first and the fifth lost: the peer SACKs the second to fourth */
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 4 * TCP_MSS));
	memset(&txcounters, 0, sizeof(txcounters));
	for (t = 0; t < 100 && !(pcb->flags & TF_RTO); t++)
		tick();
	EXPECT_RET(pcb->flags & TF_RTO);
	EXPECT(txcounters.num_tx_calls == 1); /* the first: cwnd is one segment */
	EXPECT(pcb->dupacks == 0);
	memset(&txcounters, 0, sizeof(txcounters));
	pcb->cwnd = 6 * TCP_MSS;
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT(txcounters.num_tx_calls == 2); /* the fifth and sixth */
	EXPECT(pcb->unsent == NULL);

	/* timed out again with nothing acknowledged: all six */
	pcb->nrtx = 2;
	pcb->dupacks = 1; /* the RTO forgets it: no Limited Transmit on top of its one segment */
	pcb->rtime = pcb->rto;
	memset(&txcounters, 0, sizeof(txcounters));
	for (t = 0; t < 4 && txcounters.num_tx_calls == 0; t++)
		tick();
	EXPECT_RET(txcounters.num_tx_calls == 1);
	pcb->cwnd = 6 * TCP_MSS;
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT(txcounters.num_tx_calls == 6);

	peer_ack_opts(pcb, 6 * TCP_MSS, 0xffff, o, 0);
	EXPECT(pcb->unacked == NULL && pcb->unsent == NULL);
}
END_TEST

/* Patch 0027: the fast retransmission of the first of four segments is
 * lost too.  The ACKs that follow SACK the four new segments sent after
 * it; lwIP, already in fast recovery, waited for the RTO.  Segments sent
 * before the retransmission tell nothing (the receiver had them), the
 * first two sent after it not enough (RFC 6675's DupThresh 3); the third
 * sends it again, with no backoff and no second window cut. */
START_TEST(test_tcp_lost_rexmit)
{
	struct tcp_pcb *pcb = sender(10);
	u32_t iss, lost0 = tcp_lost_retransmits, rexmits, ssthresh;
	u8_t o[12];
	err_t err;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	tcp_set_flags(pcb, TF_SACK);
	iss = pcb->lastack;
	err = tcp_write(pcb, data, 4 * TCP_MSS, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	/* the first lost: three ACKs SACK the others, fast retransmit */
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 2 * TCP_MSS));
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 3 * TCP_MSS));
	memset(&txcounters, 0, sizeof(txcounters));
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 4 * TCP_MSS));
	EXPECT_RET(pcb->flags & TF_INFR);
	EXPECT_RET(txcounters.num_tx_calls == 1);
	EXPECT(pcb->unacked->flags & TF_SEG_REXMIT);
	ssthresh = pcb->ssthresh;
	rexmits = lwip_stats.mib2.tcpretranssegs;
	/* four new segments, sent after the retransmission */
	err = tcp_write(pcb, data, 4 * TCP_MSS, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(tcp_output(pcb) == ERR_OK);
	EXPECT_RET(pcb->snd_nxt == iss + 8 * TCP_MSS);

	/* the retransmission lost as well: the new segments are SACKed */
	memset(&txcounters, 0, sizeof(txcounters));
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 4 * TCP_MSS)); /* old news */
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 5 * TCP_MSS));
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 6 * TCP_MSS));
	EXPECT(txcounters.num_tx_calls == 0);
	EXPECT(tcp_lost_retransmits == lost0);
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 7 * TCP_MSS));
	EXPECT(txcounters.num_tx_calls == 1);
	EXPECT(tcp_lost_retransmits == lost0 + 1);
	EXPECT(lwip_stats.mib2.tcpretranssegs == rexmits + 1);
	EXPECT(pcb->ssthresh == ssthresh);
	EXPECT(pcb->nrtx == 1);
	EXPECT(pcb->rtime == 0);
	EXPECT_RET(pcb->unacked != NULL && lwip_ntohl(pcb->unacked->tcphdr->seqno) == iss);
	/* one more SACKed segment: the new transmission is younger than it */
	peer_ack_opts(pcb, 0, 0xffff, o, sack_opt(o, iss, TCP_MSS, 8 * TCP_MSS));
	EXPECT(txcounters.num_tx_calls == 1);

	peer_ack_opts(pcb, 8 * TCP_MSS, 0xffff, o, 0);
	EXPECT(pcb->unacked == NULL && pcb->unsent == NULL);
	EXPECT(!(pcb->flags & TF_INFR));
}
END_TEST

Suite *tcp_recovery_suite(void)
{
	testfunc tests[] = {
		TESTFUNC(test_tcp_limited_transmit),
		TESTFUNC(test_tcp_limited_transmit_not_in_recovery),
		TESTFUNC(test_tcp_rto_floor),
		TESTFUNC(test_tcp_sack_dupack),
		TESTFUNC(test_tcp_sack_malformed),
		TESTFUNC(test_tcp_rtt_first_sample),
		TESTFUNC(test_tcp_rto_skips_sacked),
		TESTFUNC(test_tcp_lost_rexmit),
	};
	return create_suite("TCP_RECOVERY", tests, sizeof(tests) / sizeof(testfunc), recovery_setup,
			    recovery_teardown);
}
