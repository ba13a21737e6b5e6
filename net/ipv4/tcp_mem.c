/*
 * TCP memory accounting and pressure (net/ipv4/tcp_mem.h).  The count walks
 * the connections: bytes queued to send (TCP_SND_BUF less what is free),
 * out-of-order bytes and data lwIP holds refused, plus the applications'
 * receive queues (net/core/rxq.c keeps that total), rounded up to pages.
 * Linux's defaults (net/ipv4/tcp.c tcp_init_mem): limit = free pages / 16,
 * at least 128; low = 3/4 limit, pressure = limit, high = 3/2 limit.
 * Between counts, the bytes delivered are added to the last count, and
 * crossing a limit that way counts again at once: a receive burst (GRO and
 * the device hand over up to 64 KiB at a time, and 20 ms under TCG is
 * megabytes) cannot overshoot the limits by more than one delivery.
 * Under pressure lwIP's pools' free caches (patch 0030) go back to the heap
 * at every count, not only every second.
 * Past high even the TCP_MEM_MIN a connection may otherwise always hold is
 * refused (Linux's __sk_mem_raise_allocated: over the hard limit first),
 * and stalled connections are reset to bring TCP back under it.  Only a
 * connection with nothing queued one way still gets one delivery or
 * TCP_MEM_MIN to send, as Linux forces one skb for an empty receive queue
 * (tcp_data_queue) or write queue (tcp_stream_alloc_skb): so a new client
 * is still served while the connections that filled memory hold it.
 */
#include "kernel/pmm.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "net/core/counter.h"
#include "net/core/netstat.h"
#include "net/core/rxq.h"
#include "net/ipv4/tcp_mem.h"

#define RECOUNT_NS 20000000ULL /* count again at most every 20 ms */

static uint64_t counted_ns;
static long pages;
static size_t charged;          /* bytes delivered since the last count */
static int pressure, over;
static int relief;              /* tcp_mem_relieve has work: prune, or reclaim past high */

void tcp_mem_init(void)
{
	struct pmm_stats p;
	pmm_stats(&p);
	long limit = (long)p.free / 16;
	if (limit < 128)
		limit = 128;
	sysctl_tcp_mem_default[0] = (int)(limit / 4 * 3);
	sysctl_tcp_mem_default[1] = (int)limit;
	sysctl_tcp_mem_default[2] = (int)(limit / 4 * 3 * 2);
	for (int i = 0; i < 3; i++)
		sysctl_tcp_mem[i] = sysctl_tcp_mem_default[i];
}

static size_t chain_bytes(const struct pbuf *p)
{
	size_t n = 0;
	for (; p; p = p->next)
		n += p->len;
	return n;
}

/* What a connection holds that it could give back by ending. */
static size_t held(const struct tcp_pcb *pcb)
{
	size_t bytes = TCP_SND_BUF - pcb->snd_buf + chain_bytes(pcb->refused_data);
	for (const struct tcp_seg *s = pcb->ooseq; s; s = s->next)
		bytes += chain_bytes(s->p);
	return bytes;
}

COUNTER(TcpExt, 150, TCPMemoryPressures, netstat_ext.tcp_memory_pressures, NAMED, NULL,
	"Times TCP memory went past net.ipv4.tcp_mem's pressure.");

static void recount(void)
{
	size_t bytes = rxq_bytes_total;
	for (const struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
		bytes += held(pcb);
	pages = (long)((bytes + 4095) / 4096);
	charged = 0;
	if (!pressure && pages > sysctl_tcp_mem[1]) {
		pressure = 1;
		netstat_ext.tcp_memory_pressures++;
	} else if (pressure && pages < sysctl_tcp_mem[0]) {
		pressure = 0;
	}
	over = pages > sysctl_tcp_mem[2];
	relief = pressure;
}

/* From the event loop, never inside lwIP: under pressure the out-of-order
 * queues go (the peers send them again); past high, connections whose peer
 * has closed its window while they hold data (they can make no progress,
 * and only their peer decides when they will) are reset, newest first,
 * until TCP is back under high (TcpExt TCPAbortOnMemory). */
COUNTER(TcpExt, 80, OfoPruned, netstat_ext.ofo_pruned, OPT,
	"packets dropped from out-of-order queue because of socket buffer overrun",
	"Out-of-order queues dropped to give receive buffers back."); /* also net/core/netdev_rx.c */
COUNTER(TcpExt, 160, TCPAbortOnMemory, netstat_ext.tcp_abort_on_memory, OPT,
	"connections aborted due to memory pressure",
	"Connections reset to bring TCP memory back under net.ipv4.tcp_mem's high.");

void tcp_mem_relieve(void)
{
	if (!relief)
		return;
	relief = 0;
#if MEMP_FREE_CACHE
	memp_free_cache_trim(); /* lwIP's pools' free elements (patch 0030) back to the heap */
#endif
	long excess = (pages - sysctl_tcp_mem[2]) * 4096;
	for (struct tcp_pcb *pcb = tcp_active_pcbs, *next; pcb; pcb = next) {
		next = pcb->next;
		if (pcb->ooseq) {
			tcp_free_ooseq(pcb);
			netstat_ext.ofo_pruned++;
		}
		if (over && excess > 0 && pcb->snd_wnd == 0 && held(pcb) >= TCP_MEM_MIN) {
			excess -= (long)held(pcb);
			netstat_ext.tcp_abort_on_memory++;
			tcp_abort(pcb);
		}
	}
	counted_ns = 0; /* count again at the next question */
}

int tcp_mem_pressure(void)
{
	uint64_t now = time_ns();
	long guess = pages + (long)((charged + 4095) / 4096);
	if (!counted_ns || now - counted_ns >= RECOUNT_NS || (!pressure && guess > sysctl_tcp_mem[1]) ||
	    (!over && guess > sysctl_tcp_mem[2])) {
		counted_ns = now;
		recount();
	}
	return pressure;
}

long tcp_mem_pages(void)
{
	return pages;
}

size_t tcp_mem_send_room(const struct tcp_pcb *pcb)
{
	size_t room = tcp_sndbuf(pcb);
	size_t queued = TCP_SND_BUF - pcb->snd_buf;
	size_t wnd = pcb->cwnd < pcb->snd_wnd ? pcb->cwnd : pcb->snd_wnd;
	size_t grown = 2 * wnd; /* lwIP grows cwnd even where the peer's window is what limits */
	size_t buf = grown > TCP_SNDBUF_START ? grown : TCP_SNDBUF_START;
	size_t tuned = buf > queued ? buf - queued : 0;
	if (tuned < room)
		room = tuned;
	/* pbufs too, as TCP_SND_QUEUELEN is to TCP_SND_BUF: a peer whose tiny
	 * MSS or window makes tiny segments holds no more of them than a
	 * 64 KiB buffer of full ones would */
	if ((size_t)tcp_sndqueuelen(pcb) + 4 >= 4 * buf / TCP_MSS)
		room = 0;
	if (!tcp_mem_pressure())
		return room;
	size_t left = queued < TCP_MEM_MIN && (!over || !queued) ? TCP_MEM_MIN - queued : 0;
	return room < left ? room : left;
}

COUNTER(TcpExt, 140, TCPRcvQDrop, netstat_ext.tcp_rcvq_drop, NAMED, NULL,
	"Received data dropped: no memory to queue it."); /* also net/core/rxq.c */

int tcp_mem_may_receive(size_t held, size_t len)
{
	charged += len; /* held by lwIP if refused, by the application if not */
	if (!tcp_mem_pressure() || !held || (held < TCP_MEM_MIN && !over))
		return 1;
	netstat_ext.tcp_rcvq_drop++;
	return 0;
}
