/*
 * Segments a remote peer can send that reached assertions or read out of
 * bounds in lwIP 2.1.3's tcp_in.c (and, 0025, tcp_out.c), one test per case, each failing (or
 * aborting on the assertion) without its patch in net/lwip/patches:
 *   0005  SYN+ACK in SYN_RCVD (upstream bug #56397, commit adbc5b5f)
 *   0006  out-of-order data queued past the receive window (574bd6e5, and
 *         the ways onto the queue that commit left open)
 *   0007  an option kind in the last option byte (3d896ba0)
 *   0009  a FIN queued out of order, moved by data that covers it
 *   0025  a segment queued while the peer's window was 0, then a window
 *         of a few bytes: tcp_write asserted "mss_local is too small"
 * Segments go in through test/unit/tcp/tcp_helper.c as in lwIP's own TCP
 * tests; both runs of tests/lwip/lwip.mk build this file.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tcp/tcp_helper.h"
#include "tcp_fixture.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/inet_chksum.h"
#include "lwip/prot/ip4.h"
#include "lwip/stats.h"

#define PEER_ISN 0x10000000UL /* the peer's first sequence number (its SYN) */
#define LONG_SEG 1200 /* bytes: long enough to cross our window's edge from 100..1000 before it */
#define MAX_SEG (0xffff - IP_HLEN - TCP_HLEN) /* the most data one IPv4 datagram carries */

static struct netif netif;
static struct test_tcp_txcounters txcounters;
static struct test_tcp_counters counters;
static struct tcp_fixture_saved saved;
static struct tcp_pcb *listener; /* a test's; tcp_remove_all() cannot take one */
static int accepts;              /* connections the listener accepted */
static u8_t pattern[0x10000 + 0x1000]; /* pattern[i]: the peer's byte at sequence offset i */

static void hardening_setup(void)
{
	tcp_fixture_setup(&saved, &netif, &txcounters, &counters);
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
	tcp_fixture_teardown(&saved);
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

/* An ESTABLISHED connection whose application reads nothing (the
 * counters' recv callback never calls tcp_recved): its window only shrinks. */
static struct tcp_pcb *established(void)
{
	struct tcp_pcb *pcb = test_tcp_new_counters_pcb(&counters);
	EXPECT_RETNULL(pcb != NULL);
	tcp_set_state(pcb, ESTABLISHED, &test_local_ip, &test_remote_ip, TEST_LOCAL_PORT, TEST_REMOTE_PORT);
	pcb->rcv_nxt = pcb->rcv_ann_right_edge = PEER_ISN;
	return pcb;
}

/* The peer's bytes off..off+len of the connection, with ACK and flags. */
static void peer_data(struct tcp_pcb *pcb, u32_t off, u16_t len, u8_t flags)
{
	peer_send(PEER_ISN + off, pcb->snd_nxt, TCP_ACK | flags, off, len);
}

/* The peer's bytes from..to in segments of at most TCP_MSS. */
static void peer_fill(struct tcp_pcb *pcb, u32_t from, u32_t to)
{
	for (u32_t off = from; off < to; off += TCP_MSS)
		peer_data(pcb, off, (u16_t)LWIP_MIN(TCP_MSS, to - off), 0);
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

/* ---- 0006: out-of-order data past the receive window -------------------- */

/* One out-of-order segment: len bytes from `back` bytes before the window's
 * right edge. */
struct oos_seg {
	u32_t back;
	u16_t len;
};

/*
 * The peer sends segs out of order near the right edge of our window, then
 * the hole before them in order.  Every byte of the window must arrive
 * once and no byte beyond it: a segment queued past the window made the
 * segment that fills the hole assert "tcp_receive: ooseq tcplen > rcv_wnd".
 */
static void ooseq_fill_window(const struct oos_seg *segs, int n, u32_t hole_back)
{
	struct tcp_pcb *pcb = established();
	u32_t wnd;
	EXPECT_RET(pcb != NULL);
	wnd = pcb->rcv_wnd;
	EXPECT_RET(wnd > 1000 && wnd + LONG_SEG <= sizeof(pattern));

	for (int i = 0; i < n; i++)
		peer_data(pcb, wnd - segs[i].back, segs[i].len, 0);
	EXPECT(counters.recved_bytes == 0);
	peer_fill(pcb, 0, wnd - hole_back);

	EXPECT(counters.recved_bytes == wnd);
	EXPECT(pcb->rcv_nxt == PEER_ISN + wnd);
	EXPECT(pcb->rcv_wnd == 0);
	EXPECT(pcb->ooseq == NULL);
}

/* Upstream bug #56397 / commit 574bd6e5: the last queued segment was cut
 * at the window's edge; a longer one with its sequence number replaced it
 * whole. */
START_TEST(test_tcp_ooseq_longer_copy_of_last)
{
	static const struct oos_seg segs[] = { { 200, 100 }, { 100, LONG_SEG }, { 100, LONG_SEG } };
	LWIP_UNUSED_ARG(_i);
	ooseq_fill_window(segs, 3, 200);
}
END_TEST

/* The first segment to go on an empty queue was never cut at all. */
START_TEST(test_tcp_ooseq_first_past_window)
{
	static const struct oos_seg segs[] = { { 100, LONG_SEG } };
	LWIP_UNUSED_ARG(_i);
	ooseq_fill_window(segs, 1, 100);
}
END_TEST

/* A longer copy of a queued segment that is not the last, covering the
 * rest of the queue (574bd6e5 looks at the last one only). */
START_TEST(test_tcp_ooseq_longer_copy_covers_rest)
{
	static const struct oos_seg segs[] = { { 300, 100 }, { 100, LONG_SEG }, { 300, LONG_SEG } };
	LWIP_UNUSED_ARG(_i);
	ooseq_fill_window(segs, 3, 300);
}
END_TEST

/* A segment in front of the queue that covers all of it. */
START_TEST(test_tcp_ooseq_front_covers_rest)
{
	static const struct oos_seg segs[] = { { 500, 100 }, { 100, LONG_SEG }, { 700, LONG_SEG } };
	LWIP_UNUSED_ARG(_i);
	ooseq_fill_window(segs, 3, 700);
}
END_TEST

/* A segment between two queued ones that covers the second. */
START_TEST(test_tcp_ooseq_between_covers_rest)
{
	static const struct oos_seg segs[] = { { 1000, 100 }, { 100, LONG_SEG }, { 900, LONG_SEG } };
	LWIP_UNUSED_ARG(_i);
	ooseq_fill_window(segs, 3, 1000);
}
END_TEST

/* ---- 0007: an option kind in the last option byte ----------------------- */

/*
 * A TCP header whose options end with a kind byte that needs a length
 * byte after it: tcp_parseopt read that length byte from past the
 * options.  Here the header ends where a PROT_NONE page begins, so the
 * read faults (SIGSEGV) instead of going unnoticed.
 */
struct guard {
	u8_t *map;
	size_t page;
};

/* Two pages, the second inaccessible; returns where the first ends. */
static u8_t *guard_end(struct guard *g)
{
	g->page = (size_t)sysconf(_SC_PAGESIZE);
	g->map = mmap(NULL, 2 * g->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT_RETNULL(g->map != MAP_FAILED);
	if (mprotect(g->map + g->page, g->page, PROT_NONE) != 0) {
		fail("mprotect");
		return NULL;
	}
	return g->map + g->page;
}

static void guard_free(struct guard *g)
{
	munmap(g->map, 2 * g->page);
}

/* IPv4 and TCP headers from the peer for optlen bytes of options. */
static void fill_headers(u8_t *ip, u32_t seqno, u32_t ackno, u8_t flags, u16_t optlen)
{
	struct ip_hdr *iph = (struct ip_hdr *)ip;
	struct tcp_hdr *th = (struct tcp_hdr *)(ip + IP_HLEN);
	memset(ip, 0, IP_HLEN + TCP_HLEN);
	iph->src.addr = ip_2_ip4(&test_remote_ip)->addr;
	iph->dest.addr = ip_2_ip4(&test_local_ip)->addr;
	IPH_VHL_SET(iph, 4, IP_HLEN / 4);
	IPH_LEN_SET(iph, lwip_htons(IP_HLEN + TCP_HLEN + optlen));
	th->src = lwip_htons(TEST_REMOTE_PORT);
	th->dest = lwip_htons(TEST_LOCAL_PORT);
	th->seqno = lwip_htonl(seqno);
	th->ackno = lwip_htonl(ackno);
	TCPH_HDRLEN_FLAGS_SET(th, (TCP_HLEN + optlen) / 4, flags);
	th->wnd = lwip_htons(TCPWND_MIN16(TCP_WND));
}

/*
 * A segment without data whose options opts[0..optlen) end at a guard page.
 * split == 0: the datagram is one PBUF_REF pbuf.  Otherwise the headers and
 * the first split option bytes are a PBUF_RAM pbuf and the rest of the
 * options a PBUF_REF pbuf (tcp_input's tcphdr_opt2 path).
 */
static struct pbuf *guarded_segment(struct guard *g, u32_t seqno, u32_t ackno, u8_t flags,
				    const u8_t *opts, u16_t optlen, u16_t split)
{
	u8_t *end = guard_end(g), *ip;
	struct pbuf *p, *q;
	ip_addr_t src = test_remote_ip, dst = test_local_ip;
	EXPECT_RETNULL(end != NULL && optlen % 4 == 0 && split < optlen);

	if (split == 0) {
		ip = end - (IP_HLEN + TCP_HLEN + optlen);
		p = pbuf_alloc(PBUF_RAW, (u16_t)(IP_HLEN + TCP_HLEN + optlen), PBUF_REF);
		EXPECT_RETNULL(p != NULL);
		p->payload = ip;
	} else {
		p = pbuf_alloc(PBUF_RAW, (u16_t)(IP_HLEN + TCP_HLEN + split), PBUF_RAM);
		q = pbuf_alloc(PBUF_RAW, (u16_t)(optlen - split), PBUF_REF);
		EXPECT_RETNULL(p != NULL && q != NULL);
		ip = p->payload;
		q->payload = end - (optlen - split);
		memcpy(q->payload, opts + split, optlen - split);
		pbuf_cat(p, q);
	}
	fill_headers(ip, seqno, ackno, flags, optlen);
	memcpy(ip + IP_HLEN + TCP_HLEN, opts, split ? split : optlen);
	pbuf_remove_header(p, IP_HLEN);
	((struct tcp_hdr *)p->payload)->chksum = ip_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, &src, &dst);
	pbuf_header_force(p, IP_HLEN);
	return p;
}

/* guarded_segment's segment into lwIP; 0, or -1 if it could not be built. */
static int input_guarded(u32_t seqno, u32_t ackno, u8_t flags, const u8_t *opts, u16_t optlen, u16_t split)
{
	struct guard g;
	struct pbuf *p = guarded_segment(&g, seqno, ackno, flags, opts, optlen, split);
	EXPECT_RETX(p != NULL, -1);
	test_tcp_input(p, &netif);
	guard_free(&g);
	return 0;
}

/* A SYN to a listener, options in one pbuf, ending in an MSS kind: what
 * any host on the network may send. */
START_TEST(test_tcp_option_kind_last_byte_syn)
{
	static const u8_t opts[] = { LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_MSS };
	LWIP_UNUSED_ARG(_i);

	if (listen_on_test_port() == NULL || input_guarded(PEER_ISN, 0, TCP_SYN, opts, sizeof(opts), 0))
		return;

	/* answered, with our default MSS for want of the peer's */
	EXPECT(txcounters.num_tx_calls == 1);
	EXPECT_RET(tcp_active_pcbs != NULL);
	EXPECT(tcp_active_pcbs->state == SYN_RCVD);
	EXPECT(tcp_active_pcbs->rcv_nxt == PEER_ISN + 1);
}
END_TEST

#ifdef TCP_MIN_SND_MSS
/* ---- 0031: a peer's MSS option: from a SYN only, never below the floor --- */

/* A SYN whose MSS option says 1: the connection's segments are
 * net.ipv4.tcp_min_snd_mss (48) long, not 1 byte (CVE-2019-11479). */
START_TEST(test_tcp_syn_mss_floor)
{
	static const u8_t opts[] = { LWIP_TCP_OPT_MSS, 4, 0, 1 };
	LWIP_UNUSED_ARG(_i);

	if (listen_on_test_port() == NULL || input_guarded(PEER_ISN, 0, TCP_SYN, opts, sizeof(opts), 0))
		return;
	EXPECT_RET(tcp_active_pcbs != NULL);
	EXPECT(tcp_active_pcbs->state == SYN_RCVD);
	EXPECT(tcp_active_pcbs->mss == TCP_MIN_SND_MSS);
}
END_TEST

/* An ACK carrying an MSS option on an established connection: lwIP took
 * it as the connection's new segment size. */
START_TEST(test_tcp_ack_mss_ignored)
{
	static const u8_t opts[] = { LWIP_TCP_OPT_MSS, 4, 0, 64 };
	struct tcp_pcb *pcb = established();
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	pcb->mss = TCP_MSS;
	if (input_guarded(PEER_ISN, pcb->snd_nxt, TCP_ACK, opts, sizeof(opts), 0))
		return;
	EXPECT(pcb->mss == TCP_MSS);
	tcp_abort(pcb);
}
END_TEST
#endif /* TCP_MIN_SND_MSS */

/* An ACK on a connection, options split over two pbufs, ending in an
 * unknown option's kind. */
START_TEST(test_tcp_option_kind_last_byte_split)
{
	static const u8_t opts[] = { LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP,
				     LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, LWIP_TCP_OPT_NOP, 30 };
	struct tcp_pcb *pcb = established();
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	if (input_guarded(PEER_ISN, pcb->snd_nxt, TCP_ACK, opts, sizeof(opts), 4))
		return;

	EXPECT(pcb->state == ESTABLISHED);
	EXPECT(counters.err_calls == 0);
}
END_TEST

/* ---- 0009: a queued FIN moved by data that covers it -------------------- */

/* "50 bytes and FIN" queued 100 bytes before the window's edge; in order,
 * data up to the edge covers it.  The FIN went to that data's end, one
 * past the window: "tcp_receive: tcplen > rcv_wnd". */
START_TEST(test_tcp_inseq_covers_queued_fin)
{
	struct tcp_pcb *pcb = established();
	u32_t wnd;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	wnd = pcb->rcv_wnd;
	peer_fill(pcb, 0, wnd - 2000);
	EXPECT(pcb->rcv_wnd == 2000);
	peer_data(pcb, wnd - 100, 50, TCP_FIN);
	peer_data(pcb, wnd - 2000, 2000, 0);

	EXPECT(counters.recved_bytes == wnd - 50);
	EXPECT(counters.close_calls == 1);
	EXPECT(pcb->rcv_nxt == PEER_ISN + wnd - 50 + 1);
}
END_TEST

/* The same FIN replaced by a longer segment from the same sequence number,
 * out of order: the hole's data then asserted "tcp_receive: ooseq tcplen >
 * rcv_wnd". */
START_TEST(test_tcp_ooseq_longer_copy_of_fin)
{
	struct tcp_pcb *pcb = established();
	u32_t wnd;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	wnd = pcb->rcv_wnd;
	peer_data(pcb, wnd - 100, 50, TCP_FIN);
	peer_data(pcb, wnd - 100, LONG_SEG, 0);
	peer_fill(pcb, 0, wnd - 100);

	EXPECT(counters.recved_bytes == wnd - 50);
	EXPECT(counters.close_calls == 1);
	EXPECT(pcb->rcv_nxt == PEER_ISN + wnd - 50 + 1);
}
END_TEST

/* ---- 0025: a window of 0, then of 4 bytes -------------------------------- */

/* The peer's largest window so far is 0: tcp_write makes segments of
 * pcb->mss (half of 0 means no limit).  Then it offers 4 bytes: half of
 * that, 2, is the new segment size, smaller than the segment already
 * queued, and the next write asserted.  Found by tests/fuzz (frames). */
START_TEST(test_tcp_write_after_window_grows_from_zero)
{
	struct tcp_pcb *pcb = established();
	struct pbuf *p;
	err_t err;
	LWIP_UNUSED_ARG(_i);

	EXPECT_RET(pcb != NULL);
	pcb->snd_wnd = pcb->snd_wnd_max = 0;
	pcb->snd_wl1 = PEER_ISN - 1;
	err = tcp_write(pcb, pattern, 300, TCP_WRITE_FLAG_COPY);
	EXPECT_RET(err == ERR_OK);
	EXPECT_RET(pcb->unsent != NULL && pcb->unsent->len == 300);

	p = tcp_create_rx_segment_wnd(pcb, NULL, 0, 0, 0, TCP_ACK, 4);
	EXPECT_RET(p != NULL);
	test_tcp_input(p, &netif);
	EXPECT(pcb->snd_wnd_max == 4);

	err = tcp_write(pcb, pattern + 300, 6, TCP_WRITE_FLAG_COPY);
	EXPECT(err == ERR_OK);
	EXPECT(pcb->snd_lbb == pcb->lastack + 306);
	EXPECT(pcb->state == ESTABLISHED);
}
END_TEST

Suite *tcp_hardening_suite(void)
{
	testfunc tests[] = {
		TESTFUNC(test_tcp_syn_rcvd_ignores_synack),
		TESTFUNC(test_tcp_ooseq_longer_copy_of_last),
		TESTFUNC(test_tcp_ooseq_first_past_window),
		TESTFUNC(test_tcp_ooseq_longer_copy_covers_rest),
		TESTFUNC(test_tcp_ooseq_front_covers_rest),
		TESTFUNC(test_tcp_ooseq_between_covers_rest),
		TESTFUNC(test_tcp_option_kind_last_byte_syn),
		TESTFUNC(test_tcp_option_kind_last_byte_split),
#ifdef TCP_MIN_SND_MSS
		TESTFUNC(test_tcp_syn_mss_floor),
		TESTFUNC(test_tcp_ack_mss_ignored),
#endif
		TESTFUNC(test_tcp_inseq_covers_queued_fin),
		TESTFUNC(test_tcp_ooseq_longer_copy_of_fin),
		TESTFUNC(test_tcp_write_after_window_grows_from_zero),
	};
	return create_suite("TCP_HARDENING", tests, sizeof(tests) / sizeof(testfunc), hardening_setup,
			    hardening_teardown);
}
