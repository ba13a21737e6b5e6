/*
 * Fuzz target: frames from the wire into the glue world (tests/glue): the
 * fake device, net/core/netdev_rx.c, lwIP with our hooks and patches, the
 * listen queues and SYN cookies, and the services nagare.rc starts (HTTP
 * on 80, echo on 7, iperf on 5001).  The input is a program of operations,
 * so the fuzzer can reach established connections, fragment trains,
 * overlapping and out-of-order segments, TCP options and cookie ACKs
 * without guessing sequence numbers:
 *   0 len16 bytes            a raw Ethernet frame
 *   1 len16 cut8 bytes       the same, split over two receive buffers
 *   2 segment                a TCP segment from one of 16 peers (below)
 *   3 n8                     the clock moves (n + 1) * 20 ms
 *   4 n8                     net.ipv4.tcp_syncookies = n % 3
 *   5 a8 b8 c8               fault injection (kernel/fault.h): lwIP's heap,
 *                            receive copies and transmit handovers fail
 *                            a % 101, b % 101, c % 101 percent of the time
 * A segment: conn8 (peer port 40000 + conn % 8, host 10.0.2.2 or .3,
 * destination port 80, 7, 5001 or the closed 81 by conn >> 4), flags8,
 * seqmode8 + u32 (0: the peer's next sequence number, 1: absolute, 2:
 * next + a signed 16-bit offset), ackmode8 + u32 (the same against what
 * the stack sent that peer), wnd16, optlen8 + options, len16 + payload,
 * nfrag8 + cut8s (sent as up to 8 IP fragments, cuts in 8-byte units).
 * Every frame the stack sends must have valid IP and TCP checksums; after
 * the input every connection ends and the world must be back to idle
 * (glue_quiesce checks every pool, the heap and the receive buffers).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/fault.h"
#include "kernel/sysctl.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/glue/glue.h"
#include "tests/glue/wire.h"

/* What each peer knows of its connection. */
static struct peer {
	uint32_t snd_nxt, rcv_nxt;
} peers[16];
static int checked; /* transmit log entries already checked */

static void check_tx(void)
{
	for (; checked < glue_tx_count(); checked++) {
		size_t len;
		const uint8_t *f = glue_tx_frame(checked, &len);
		struct wire_parsed w;
		if (wire_parse(f, len, &w))
			abort(); /* the stack sent a frame shorter than its headers */
		if (w.ip && !w.csum_ok && !(w.frag & 0x3fff) && (w.tcp || w.proto != 6))
			abort(); /* a bad checksum left the stack */
		if (!w.tcp || (w.daddr != GLUE_PEER_IP && w.daddr != GLUE_PEER_IP + 1))
			continue;
		int i = (w.dport - 40000) & 7;
		if (w.daddr != GLUE_PEER_IP)
			i += 8;
		uint32_t end = w.seq + (uint32_t)w.len + ((w.flags & (WIRE_SYN | WIRE_FIN)) ? 1 : 0);
		if ((int32_t)(end - peers[i].rcv_nxt) > 0 || (w.flags & WIRE_SYN))
			peers[i].rcv_nxt = end;
	}
}

static void run_poll(void)
{
	glue_poll();
	check_tx();
}

static void segment(struct in *in)
{
	static const uint16_t ports[4] = { 80, 7, 5001, 81 };
	uint8_t conn = u8(in);
	struct peer *pe = &peers[conn & 15];
	struct wire_tcp t = { 0 };
	t.saddr = GLUE_PEER_IP + ((conn >> 3) & 1);
	t.daddr = GLUE_IP;
	t.sport = (uint16_t)(40000 + (conn & 7));
	t.dport = ports[conn >> 6];
	t.flags = u8(in);
	uint8_t mode = u8(in);
	uint32_t v = u32(in);
	t.seq = mode % 3 == 0 ? pe->snd_nxt : mode % 3 == 1 ? v : pe->snd_nxt + (int16_t)v;
	mode = u8(in);
	v = u32(in);
	t.ack = mode % 3 == 0 ? pe->rcv_nxt : mode % 3 == 1 ? v : pe->rcv_nxt + (int16_t)v;
	t.wnd = u16(in);
	size_t optlen = u8(in) % 41;
	t.opts = bytes(in, &optlen);
	t.optlen = optlen & ~(size_t)3;
	size_t len = u16(in) % 1461;
	t.data = bytes(in, &len);
	t.len = len;
	uint8_t nfrag = u8(in) % 9;
	size_t cuts[8], seglen = 20 + t.optlen + t.len;
	int ncuts = 0;
	for (int i = 0; i + 1 < nfrag; i++) {
		size_t at = (size_t)(u8(in) + 1) * 8 + (ncuts ? cuts[ncuts - 1] : 0);
		if (at >= seglen)
			break;
		cuts[ncuts++] = at;
	}
	if (ncuts)
		wire_tcp_fragments(&t, u16(in), cuts, ncuts);
	else
		wire_tcp_send(&t);
	pe->snd_nxt = t.seq + (uint32_t)t.len + ((t.flags & (WIRE_SYN | WIRE_FIN)) ? 1 : 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	glue_boot();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	memset(peers, 0, sizeof(peers));
	for (int i = 0; i < 16; i++)
		peers[i].snd_nxt = 1000000u * (uint32_t)(i + 1);
	checked = glue_tx_count();
	uint8_t frame[WIRE_MAX];
	for (int ops = 0; in.n && ops < 256; ops++) {
		switch (u8(&in) % 6) {
		case 0: {
			size_t len = u16(&in) % 1600;
			const uint8_t *b = bytes(&in, &len);
			memcpy(frame, b, len);
			glue_rx(frame, len);
			break;
		}
		case 1: {
			size_t len = u16(&in) % 1600, cut = u8(&in);
			const uint8_t *b = bytes(&in, &len);
			if (cut > len)
				cut = len;
			glue_rx_split(b, len, &cut, 1);
			break;
		}
		case 2:
			segment(&in);
			break;
		case 3:
			glue_advance((u8(&in) + 1u) * 20);
			check_tx();
			continue;
		case 4: {
			static const char *const v[3] = { "0", "1", "2" };
			sysctl_set(sysctl_find("net.ipv4.tcp_syncookies"), v[u8(&in) % 3]);
			break;
		}
		case 5:
			fault_lwip_alloc.percent = u8(&in) % 101;
			fault_rx_alloc.percent = u8(&in) % 101;
			fault_tx_ring.percent = u8(&in) % 101;
			break;
		}
		run_poll();
	}
	sysctl_set(sysctl_find("net.ipv4.tcp_syncookies"), "1");
	fault_lwip_alloc.percent = fault_rx_alloc.percent = fault_tx_ring.percent = 0;
	run_poll();
	glue_quiesce();
	checked = glue_tx_count();
	return 0;
}
