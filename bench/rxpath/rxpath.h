/*
 * What bench/rxpath/rxpath.c shares with its other batch files
 * (txbulk.c): the established connection and the helpers that feed it.
 */
#ifndef BENCH_RXPATH_RXPATH_H
#define BENCH_RXPATH_RXPATH_H

#include <stdint.h>

#include "lwip/pbuf.h"
#include "lwip/tcp.h"

struct rxbuf;

void die(const char *fmt, ...);
/* A batch is done: packets is what the Ir are divided by. */
void batch_done(unsigned long packets, unsigned long out, const char *path);
/* The connection setup_tcp established (the bench listens on port 5001),
 * the peer's next sequence number and the ACK number its segments carry. */
extern struct tcp_pcb *conn;
extern uint32_t peer_seq, our_seq;
/* Frames lwIP handed the bench's linkoutput; and a hook it calls for each. */
extern unsigned long out_frames;
extern void (*bench_tx_hook)(struct pbuf *p);
/* A frame that goes to the device alone gets its IPv4 header sum there. */
void bench_ip_sum(struct pbuf *p);
struct rxbuf *rxbuf_get(void);
uint8_t *rxbuf_frame(struct rxbuf *rb);
/* A segment from the peer: flags, options, len pattern bytes. */
u16_t build_tcp(uint8_t *f, uint8_t flags, const uint8_t *opt, int optlen, int len);
/* Into lwIP as the bench's own rows do (no netdev_rx). */
void input(struct rxbuf *rb, u16_t len, unsigned flags);

/* bench/rxpath/txbulk.c: bulk send, without (0) and with (1) TSO bundling. */
void bench_bulk(int bundled);
/* ... and one MSS a tcp_write with 256 KiB queued, as lwiperf sends. */
void bench_bulk_queued(void);

#endif
