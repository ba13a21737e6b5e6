/*
 * bench/rxpath's bulk-send rows: Ir per KiB a connection sends, as the HTTP
 * server's /bytes/N sends (net/http/routes.c): zero-copy tcp_write of
 * read-only memory, tcp_output, and the peer's ACK of everything sent
 * (lwIP frees the segments), 48 KiB a round within the peer's 64256-byte
 * window.  Once with each frame going out alone, once with each frame
 * offered to a TSO bundle as net/core/netdev_tso.c offers it, the segments
 * after a call's first straight from tcp_output (net/core/tso_tcp.c), and
 * net/core/tso.c's parse and compare per segment, tso_finish per bundle;
 * the qdisc and the device are bench_tx's rows).  And as lwiperf sends
 * (bench_bulk_queued): one MSS a tcp_write with a deep send buffer, the
 * peer ACKing every second segment, lwIP's tcp_output at every ACK.
 */
#include <stdio.h>
#include <string.h>

#include "bench/rxpath/rxpath.h"
#include "drivers/netdev.h"
#include "lwip/priv/tcp_priv.h"
#include "net/core/tso.h"
#include "net/core/tso_tcp.h"

#define ROUND (48 * 1024)
#define ROUNDS 2000
#define WARM 64

static char pattern[ROUND];
static struct tso_bundle tb;
static int bundling, held;
static unsigned long bundles;

static void end_bundle(void)
{
	if (held) {
		tso_finish(&tb);
		bundles++;
		held = 0;
	}
}

static void offer(struct pbuf *p)
{
	if (!bundling) {
		bench_ip_sum(p);
		return;
	}
	if (held && tso_join(&tb, p->payload, p->len, p->tot_len, tso_more_pieces(p), UINT32_MAX, NETDEV_TX_MAXFRAGS)) {
		if (tb.closed)
			end_bundle();
		return;
	}
	end_bundle();
	held = tso_start(&tb, p->payload, p->len, p->tot_len, tso_more_pieces(p)) == 0;
	if (!held)
		bench_ip_sum(p); /* it goes alone */
}

/* What net/core/netdev_tso.c's net_tcp_output_join does (patch 0032): a
 * segment after one this tcp_output call sent joins the held bundle with
 * its headers, without IP and Ethernet output. */
int net_tcp_output_join(struct tcp_pcb *pcb, struct pbuf *p, struct netif *netif)
{
	(void)netif;
	if (!bundling || !held || !tso_tcp_join(&tb, pcb, p, UINT32_MAX, NETDEV_TX_MAXFRAGS))
		return 0;
	out_frames++;
	if (tb.closed)
		end_bundle();
	return 1;
}

__attribute__((noinline)) void measure_send(size_t n)
{
	if (tcp_write(conn, pattern, (u16_t)n, 0) != ERR_OK)
		die("bulk: tcp_write");
	tcp_output(conn);
	end_bundle(); /* the round's transmit step */
}

__attribute__((noinline)) void measure_ack(struct rxbuf *rb, u16_t len)
{
	input(rb, len, NETDEV_RX_CSUM_VALID);
}

void bench_bulk(int bundled)
{
	memset(pattern, 'b', sizeof(pattern));
	bundling = bundled;
	bench_tx_hook = offer;
	unsigned long bytes = 0, frames = 0;
	bundles = 0;
	for (int r = -WARM; r < ROUNDS; r++) {
		if (r == 0) {
			frames = out_frames;
			bundles = 0;
		}
		uint32_t before = conn->snd_nxt;
		size_t n = ROUND < tcp_sndbuf(conn) ? ROUND : tcp_sndbuf(conn);
		if (r < 0) {
			tcp_write(conn, pattern, (u16_t)n, 0);
			tcp_output(conn);
			end_bundle();
		} else {
			measure_send(n);
		}
		our_seq = conn->snd_nxt;
		struct rxbuf *rb = rxbuf_get();
		u16_t len = build_tcp(rxbuf_frame(rb), TCP_ACK, NULL, 0, 0);
		if (r < 0)
			input(rb, len, NETDEV_RX_CSUM_VALID);
		else
			measure_ack(rb, len);
		if (r >= 0)
			bytes += conn->snd_nxt - before;
	}
	for (int k = 0; k < 3 && (conn->unacked || conn->unsent); k++) {
		/* what Nagle held past the last round, acknowledged unmeasured */
		our_seq = conn->snd_nxt;
		struct rxbuf *rb = rxbuf_get();
		input(rb, build_tcp(rxbuf_frame(rb), TCP_ACK, NULL, 0, 0), NETDEV_RX_CSUM_VALID);
		end_bundle();
	}
	bench_tx_hook = NULL;
	if (conn->unacked || conn->unsent || bytes < (unsigned long)ROUNDS * ROUND / 2)
		die("bulk: %lu bytes sent, data left unacknowledged", bytes);
	frames = out_frames - frames;
	char label[128];
	snprintf(label, sizeof(label), "lwIP: bulk send per KiB, zero-copy, %s (%lu frames, %lu bundles)",
		 bundled ? "TSO-bundled" : "frame by frame", frames, bundles);
	batch_done(bytes / 1024, frames, label);
}

#define QUEUED (256 * 1024) /* bytes kept written and not yet acknowledged */
#define BURST 32            /* segments written, then acknowledged, a round */

__attribute__((noinline)) void measure_queued_write(void)
{
	for (int i = 0; i < BURST; i++)
		if (tcp_write(conn, pattern, TCP_MSS, TCP_WRITE_FLAG_MORE) != ERR_OK)
			die("queued: tcp_write");
	tcp_output(conn);
}

__attribute__((noinline)) void measure_queued_ack(struct rxbuf *rb, u16_t len)
{
	input(rb, len, NETDEV_RX_CSUM_VALID);
}

static void ack_two(int measured)
{
	our_seq = conn->lastack + 2 * TCP_MSS;
	struct rxbuf *rb = rxbuf_get();
	u16_t len = build_tcp(rxbuf_frame(rb), TCP_ACK, NULL, 0, 0);
	if (measured)
		measure_queued_ack(rb, len);
	else
		input(rb, len, NETDEV_RX_CSUM_VALID);
}

void bench_bulk_queued(void)
{
	if (TCP_SND_BUF < QUEUED + BURST * TCP_MSS)
		die("queued: TCP_SND_BUF %d is below %d", TCP_SND_BUF, QUEUED + BURST * TCP_MSS);
	memset(pattern, 'q', sizeof(pattern));
	while (conn->snd_lbb - conn->lastack < QUEUED) /* fill, unmeasured */
		if (tcp_write(conn, pattern, TCP_MSS, TCP_WRITE_FLAG_MORE) != ERR_OK)
			die("queued: fill");
	tcp_output(conn);
	unsigned long frames = out_frames, bytes = 0;
	for (int r = 0; r < ROUNDS; r++) {
		measure_queued_write();
		for (int i = 0; i < BURST / 2; i++)
			ack_two(1);
		bytes += BURST * TCP_MSS;
	}
	while (conn->unacked || conn->unsent) { /* drain, unmeasured */
		our_seq = conn->snd_nxt;
		struct rxbuf *rb = rxbuf_get();
		input(rb, build_tcp(rxbuf_frame(rb), TCP_ACK, NULL, 0, 0), NETDEV_RX_CSUM_VALID);
	}
	char label[128];
	snprintf(label, sizeof(label), "lwIP: bulk send per KiB, one MSS a tcp_write, %d KiB queued, ACK every 2",
		 QUEUED / 1024);
	batch_done(bytes / 1024, out_frames - frames, label);
}
