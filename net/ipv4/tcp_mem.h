/*
 * TCP memory under pressure (Linux's net.ipv4.tcp_mem, tcp_memory_pressure,
 * sk_stream_memory_free, tcp_try_rmem_schedule): what all connections hold
 * in send, receive and out-of-order queues, against three limits in pages.
 * Past `pressure` a connection that already holds TCP_MEM_MIN bytes one way
 * gets no more that way (applications leave data unsent; received data is
 * refused, so lwIP drops what follows until it is taken: TCPRcvQDrop) and
 * out-of-order queues are dropped (OfoPruned); past `high` only a
 * connection with nothing queued one way gets more that way (one delivery,
 * or TCP_MEM_MIN to send: Linux forces one skb), and connections whose
 * peer closed its window while they hold data are reset (TCPAbortOnMemory);
 * below `low` pressure ends.  So a peer that fills memory, for example by
 * never reading, stalls its own connections while the rest of memory stays
 * for everyone else.
 * Callers: net/core/rxq.h users (receive), net/apps/echo.c and net/http (send).
 */
#ifndef NET_TCP_MEM_H
#define NET_TCP_MEM_H

#include <stddef.h>

#include "lwip/tcp.h"

#define TCP_MEM_MIN 4096 /* bytes a connection may always hold each way (Linux's tcp_rmem[0], tcp_wmem[0]) */

/* Defaults from memory (Linux's tcp_init_mem), at boot once pages are known. */
void tcp_mem_init(void);
/* Nonzero while TCP is under memory pressure (recomputed at most every 20 ms). */
int tcp_mem_pressure(void);
/* From the event loop after input and timers: drops out-of-order queues
 * under pressure and, past high, resets connections stalled by their peer
 * while holding data (TcpExt TCPAbortOnMemory). */
void tcp_mem_relieve(void);
/* Pages TCP held at the last count. */
long tcp_mem_pages(void);
/* A connection's send buffer starts at TCP_SNDBUF_START and grows with
 * its window (the congestion window, or the peer's if smaller) to twice
 * it, up to lwIP's TCP_SND_BUF (Linux's tcp_sndbuf_expand, which counts
 * two congestion windows of segments, grown only while cwnd limits): a peer that
 * stops reading keeps a connection small, a fast one gets room for the
 * window in flight and the next.  The pbufs it may queue grow with it (4
 * per MSS of buffer, as TCP_SND_QUEUELEN to TCP_SND_BUF), so tiny segments
 * (a tiny MSS or window) cannot hold more memory than full ones. */
#define TCP_SNDBUF_START (64 * 1024)
/* Bytes the application may queue on pcb now: what is left of its send
 * buffer, or under pressure what is left of TCP_MEM_MIN. */
size_t tcp_mem_send_room(const struct tcp_pcb *pcb);
/* May a receive queue already holding `held` bytes take `len` more now?
 * Either way the len bytes are added to the count until it is redone.  If
 * not, the refusal is counted (TCPRcvQDrop). */
int tcp_mem_may_receive(size_t held, size_t len);

#endif
