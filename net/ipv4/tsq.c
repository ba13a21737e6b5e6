/*
 * TCP Small Queues (Linux's tcp_small_queue_check, net/ipv4/tcp_output.c):
 * a connection holds at most net.ipv4.tcp_limit_output_bytes in the
 * qdisc and the device ring together; past that, lwIP keeps its next
 * segment on unsent (patch 0018 asks net_tcp_output_throttled before each
 * one) until transmit completion frees the connection's bytes, and the
 * loop's tcp_txnow() sends it.  So a bulk sender cannot fill the qdisc
 * by itself, and a second flow finds room and a short queue.
 *
 * Bytes are kept per flow bucket: the frame's flow hash (net/core/netdev_tx.c,
 * the same keyed hash fq_codel uses) picks one of TSQ_BUCKETS counters,
 * so the check needs no per-pcb state and survives the pcb (frames
 * still in the ring after a close).  Two connections in one bucket share
 * its limit: they are throttled early, never late.  Until all TCP bytes
 * queued reach the limit no hash is computed.
 * Callers: net/core/netdev_tx.c (charge at enqueue, uncharge at completion or
 * drop), lwIP's tcp_output (patch 0018), the loop (tsq_wake_pending).
 */
#include "kernel/sysctl.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "net/core/counter.h"
#include "net/core/netdev_priv.h"
#include "net/core/netdev_txreq.h"
#include "net/ipv4/tsq.h"

#define TSQ_BUCKETS 1024

static uint32_t bucket_bytes[TSQ_BUCKETS];
static uint8_t bucket_throttled[TSQ_BUCKETS];
static uint64_t total;          /* TCP bytes queued, all buckets */
static int wake;                /* a throttled bucket went under the limit */
uint64_t tsq_throttled;         /* times a segment was held back */

COUNTER(NagareExt, 110, TSQThrottled, tsq_throttled, ALWAYS, NULL,
	"Times TCP Small Queues held a segment back (net.ipv4.tcp_limit_output_bytes).");

static uint32_t bucket(uint32_t hash)
{
	return hash & (TSQ_BUCKETS - 1);
}

void tsq_charge(uint32_t hash, uint32_t len)
{
	bucket_bytes[bucket(hash)] += len;
	total += len;
}

void tsq_uncharge(uint32_t hash, uint32_t len)
{
	uint32_t b = bucket(hash);
	bucket_bytes[b] -= len;
	total -= len;
	if (bucket_throttled[b] && bucket_bytes[b] < (uint32_t)sysctl_tcp_limit_output_bytes) {
		bucket_throttled[b] = 0;
		wake = 1;
	}
}

int tsq_wake_pending(void)
{
	int w = wake;
	wake = 0;
	return w;
}

int net_tcp_output_throttled(struct tcp_pcb *pcb)
{
	uint32_t limit = (uint32_t)sysctl_tcp_limit_output_bytes;
	if (total < limit)
		return 0;
	/* The key of the frames this pcb sends (host order, as parsed). */
	struct netdev_flow f = {
		.ethertype = 0x0800, .ipv4 = 1, .proto = IP_PROTO_TCP,
		.saddr = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->local_ip))),
		.daddr = lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(&pcb->remote_ip))),
		.sport = pcb->local_port, .dport = pcb->remote_port,
	};
	uint32_t b = bucket(netdev_flow_hash(&f));
	if (bucket_bytes[b] < limit)
		return 0;
	bucket_throttled[b] = 1;
	tsq_throttled++;
	return 1;
}
