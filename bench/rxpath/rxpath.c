/*
 * bench/rxpath: instructions per received packet, counted by callgrind
 * (instruction counts repeat exactly from run to run, unlike timings on the
 * shared two-core hosts).
 * `make bench-rxpath` builds this program and runs it under
 * `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=measure_*`,
 * so only the measure_* functions count, never setup or the simulated
 * device.  After each batch the program dumps callgrind's counters
 * (CALLGRIND_DUMP_STATS_AT) with a "packets frames-out path" label, and
 * bench/rxpath/report.awk prints Ir / packet for each batch.  The batches:
 *  - driver: vnet_poll (drivers/virtio_net_rx.c over the real virtqueue.c)
 *    with budget 64 while a simulated device fills mergeable RX buffers
 *    with 1514-byte frames, 64 between polls (NAPI under load: interrupts
 *    stay off); netdev_rx is a counter that releases each buffer at once;
 *  - lwIP (our lwipopts.h and patches) from netif->input, the frame wrapped
 *    as a zero-copy custom pbuf the way net/core/netdev.c does it, to a counting
 *    linkoutput: ICMP echo request -> reply, and 1460-byte in-order TCP
 *    segments on an established connection (handshake injected first) to
 *    a raw-API receiver that tcp_recved()s and frees them, lwIP's ACKs
 *    included; TCP once with checksums offloaded as with virtio-net, once
 *    in software; keep-alive exchanges on that connection, a request in
 *    and a head with the 612-byte page out, queued as the HTTP server
 *    does (one write) and as two writes;
 *  - SYNs from a spoofed source (no options, a new port each, hping3's
 *    kind) at a listener of net/ipv4/listen.c whose SYN queue is full: dropped
 *    with tcp_syncookies=0, answered with a SYN cookie
 *    (net/ipv4/syncookie_tcp.c) with 1, to a source without and with an ARP
 *    entry;
 *  - the HTTP request parser on two requests;
 *  - bulk send (bench/rxpath/txbulk.c): Ir per KiB of zero-copy tcp_write,
 *    tcp_output and the peer's ACKs, without and with TSO bundling;
 *  - transmit, what net/core/netdev_tx.c does to a 1514-byte TCP frame between
 *    lwIP's linkoutput and the driver's xmit, in pieces: classify (the
 *    flow parse and keyed hash), enqueue and dequeue through fq_codel,
 *    pfifo, and tbf with fq_codel under it (one frame queued at a time,
 *    4 flows in turn, 1.2 us apart); BQL; TSQ's charge and uncharge; the
 *    driver's request with the checksum offloaded.
 * The measured code is built with the kernel's code-generation flags and
 * links the kernel's heap and string functions (bench/rxpath/rxpath.mk).
 * Not counted: the TX ring and its reclaim, the handle free list and the
 * pbuf references of net/core/netdev_tx.c, timers.
 * Runs natively too (`build/bench/rxpath/rxpath`): it checks its counts.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <valgrind/callgrind.h>

#include "drivers/virtio_net_priv.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "kernel/fault.h"
#include "net/core/csum.h"
#include "kernel/loop.h"
#include "kernel/pmm.h"
#include "kernel/sysctl.h"
#include "net/http/parser.h"
#include "net/ipv4/listen.h"
#include "net/lwip/lwip_hooks.h"
#include "net/core/napi.h"
#include "net/core/netdev_priv.h"
#include "net/core/netdev_txreq.h"
#include "net/core/netstat.h"
#include "net/sched/dql.h"
#include "net/sched/sch_api.h"
#include "net/core/siphash.h"
#include "net/ipv4/tsq.h"
#include "netif/ethernet.h"
#include "bench/rxpath/rxpath.h"

#define DRIVER_FRAMES 100000
#define LWIP_PACKETS 20000
#define BUDGET 64
#define FRAME 1514
#define MSS 1460
#define PING_DATA 56
#define PORT 5001
#define WARMUP 256 /* unmeasured packets first: the heap's size classes fill */

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "rxpath: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* A batch is done: print it, and hand callgrind its label. */
void batch_done(unsigned long packets, unsigned long out, const char *path)
{
	char label[128];
	snprintf(label, sizeof(label), "%lu %lu %s", packets, out, path);
	printf("rxpath: %s\n", label);
	fflush(stdout);
	CALLGRIND_DUMP_STATS_AT(label);
}

/* ---- what the kernel would provide ------------------------------------ */

uint64_t pmm_alloc_pages(size_t n)
{
	void *p = aligned_alloc(4096, n * 4096);
	if (!p)
		die("out of memory");
	memset(p, 0, n * 4096);
	return (uint64_t)(uintptr_t)p;
}

void pmm_free_pages(uint64_t pa, size_t n)
{
	(void)n;
	free((void *)(uintptr_t)pa);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	exit(2);
}

u32_t sys_now(void)
{
	return 0;
}

/* IPv4 input checks (net/ipv4/ip_input.c, LWIP_HOOK_IP4_INPUT): not linked
 * here yet, so their cost (for TCP: a protocol byte compare in
 * net/ipv4/icmp.c's filter) is not in the count. */
int net_ip4_input(struct pbuf *p, struct netif *inp)
{
	(void)p, (void)inp;
	return 0;
}

/* The routing table's hooks (net/ipv4/fib.c, patch 0021): not linked
 * here; lwIP's own rule stands in (the subnet's interface, dest on the
 * link), so a FIB lookup's cost is not in the transmit rows. */
struct netif *net_fib_route(const ip4_addr_t *dest)
{
	struct netif *netif;
	NETIF_FOREACH(netif) {
		if (netif_is_up(netif) && ip4_addr_netcmp(dest, netif_ip4_addr(netif), netif_ip4_netmask(netif)))
			return netif;
	}
	return netif_default;
}

const ip4_addr_t *net_fib_gw(struct netif *netif, const ip4_addr_t *dest)
{
	(void)netif;
	return dest;
}

/* ARP replies (patch 0022): lwIP's own rule (the incoming interface's
 * address). */
int net_arp_reply(struct netif *netif, const ip4_addr_t *sipaddr, const ip4_addr_t *dipaddr)
{
	(void)sipaddr;
	return !ip4_addr_isany_val(*netif_ip4_addr(netif)) && ip4_addr_cmp(dipaddr, netif_ip4_addr(netif));
}

/* ARP requests (patch 0023): lwIP's own sender, the interface's address. */
void net_arp_request_src(struct netif *netif, const ip4_addr_t *dst, struct pbuf *q, ip4_addr_t *src)
{
	(void)netif, (void)dst, (void)q, (void)src;
}

/* ICMP errors (patch 0020): not on the measured path; never limited. */
int net_icmp_err_allow(struct pbuf *p, u8_t type, u8_t code)
{
	(void)p, (void)type, (void)code;
	return 1;
}

/* Echo requests (patch 0014): every one answered (the FIB's route back is
 * not on the measured path, as the FIB hooks above). */
extern int sysctl_icmp_echo_ignore_all;
int net_icmp_echo_ignore(void)
{
	return sysctl_icmp_echo_ignore_all != 0;
}

u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
		  u16_t remote_port)
{
	(void)local_ip, (void)local_port, (void)remote_ip, (void)remote_port;
	return 0x6e616761;
}

/* The sysctls lwIP, net/ipv4/listen.c and net/core/netdev_rx.c read, at Linux's defaults. */
int sysctl_tcp_fin_timeout = 60, sysctl_tcp_max_tw_buckets = 4096, sysctl_tcp_min_snd_mss = 48;
int sysctl_somaxconn = 4096, sysctl_max_syn_backlog = 128, sysctl_tcp_syncookies = 1;
int sysctl_tcp_abort_on_overflow, sysctl_netdev_max_backlog = 1000;
int sysctl_tcp_synack_retries = 5, sysctl_tcp_synq_sizing;
int sysctl_neigh_unres_qlen_bytes = 212992, sysctl_icmp_echo_ignore_all, sysctl_ip_default_ttl = 64;
int sysctl_tcp_limit_output_bytes = 1048576;
int sysctl_tcp_mem[3] = { 3048, 4066, 6096 }, sysctl_tcp_mem_default[3]; /* 256 MiB's */
struct netstat_ext netstat_ext;
struct softnet_stat softnet;
int net_lwip_assert_pending;

void net_lwip_assert_settle(void)
{
}

/* lwIP's heap as the kernel's (net/core/net.c): the kernel heap behind the
 * debug.fail_lwip_alloc check. */
void *net_lwip_malloc(size_t n)
{
	return fault_fail(&fault_lwip_alloc) ? NULL : kheap_malloc(n);
}

void *net_lwip_calloc(size_t n, size_t size)
{
	return fault_fail(&fault_lwip_alloc) ? NULL : kheap_calloc(n, size);
}

void pmm_stats(struct pmm_stats *s)
{
	s->total = s->free = 65536;
	s->kernel = 0;
}

void loop_register(const struct loop_hook *h)
{
	(void)h;
}

void con_printf(const char *fmt, ...)
{
	(void)fmt;
}

void printk(const char *fmt, ...)
{
	(void)fmt;
}

/* A clock that moves 1 us per call: cookies stay in one 64 s window. */
uint64_t time_ns(void)
{
	static uint64_t ns = 1000000000;
	return ns += 1000;
}

uint32_t rxpath_rand(void);

int random_get(void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)rxpath_rand();
	return 0;
}

uint32_t rxpath_rand(void)
{
	static uint32_t x = 2463534242u;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

/* net/core/netdev_tx.c's flow hash, under a fixed secret: that file needs the
 * kernel's TX state and lwIP's netif.  net/ipv4/tsq.c asks it once TCP holds
 * tcp_limit_output_bytes in the qdisc (never in the lwIP rows: their
 * linkoutput queues nothing); the qdisc rows classify frames with it. */
static const uint8_t flow_key[SIPHASH_KEY_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

uint32_t netdev_flow_hash(const struct netdev_flow *f)
{
	return netdev_flow_hash_keyed(f, flow_key);
}

/* ---- (a) the driver ------------------------------------------------------ */

static struct virtio_net vn;
static void *rx_cookie[VNET_QUEUE_MAX], *tx_cookie[VNET_QUEUE_MAX];
static struct vring dvr; /* the device's view of the RX rings */
static uint16_t dev_avail, dev_used, doorbell;
static unsigned long drv_frames, drv_errors, polls;
static uint8_t frame1514[FRAME];

void bench_netdev_rx(struct netdev *dev, const struct netdev_rxfrag *f, int nfrags, unsigned flags);
void bench_netdev_rx_error(struct netdev *dev);

void bench_netdev_rx(struct netdev *dev, const struct netdev_rxfrag *f, int nfrags, unsigned flags)
{
	(void)flags;
	drv_frames++;
	for (int i = 0; i < nfrags; i++)
		vnet_rx_release(dev, f[i].buf);
}

void bench_netdev_rx_error(struct netdev *dev)
{
	(void)dev;
	drv_errors++;
}

void netdev_tx_done(struct netdev *dev, void *cookie)
{
	(void)dev, (void)cookie;
}

void vnet_check_link(struct virtio_net *v)
{
	(void)v;
}

void napi_schedule(struct napi *n)
{
	n->scheduled = 1;
}

void napi_complete(struct napi *n)
{
	n->scheduled = 0;
}

/* The device: up to max frames into posted buffers, published together,
 * and the interrupt if the driver asked for one (rx_irq masks, schedules). */
static void dev_fill(int max)
{
	uint16_t old = dev_used;
	struct virtio_net_hdr_mrg_rxbuf h = { .hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID,
					      .num_buffers = 1 };
	for (int n = 0; n < max && dvr.avail->idx != dev_avail; n++) {
		uint16_t head = dvr.avail->ring[dev_avail++ & (dvr.num - 1)];
		uint8_t *d = (uint8_t *)(uintptr_t)dvr.desc[head].addr;
		memcpy(d, &h, sizeof(h));
		memcpy(d + sizeof(h), frame1514, FRAME);
		struct vring_used_elem *e = &dvr.used->ring[dev_used++ & (dvr.num - 1)];
		e->id = head;
		e->len = sizeof(h) + FRAME;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	dvr.used->idx = dev_used;
	if (dev_used != old && vring_need_event(vring_used_event(&dvr), dev_used, old)) {
		vq_disable_cb(&vn.rxq);
		vn.dev.napi.scheduled = 1;
	}
}

/* Measured.  The work after the call keeps it from being a tail jump. */
__attribute__((noinline)) int measure_poll(struct netdev *dev, int budget)
{
	int n = vnet_poll(dev, budget);
	polls++;
	return n;
}

static void bench_driver(void)
{
	const uint16_t size = VNET_QUEUE_MAX;
	size_t pages = vq_ring_bytes(size) / 4096;
	vq_init(&vn.rxq, size, (void *)(uintptr_t)pmm_alloc_pages(pages), rx_cookie, 1);
	vq_init(&vn.txq, size, (void *)(uintptr_t)pmm_alloc_pages(pages), tx_cookie, 1);
	vring_init(&dvr, size, vn.rxq.desc, 4);
	vn.vd.features = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |
			 (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_NET_F_GUEST_CSUM);
	vn.rx_notify = vn.tx_notify = (uintptr_t)&doorbell;
	vn.hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	vn.dev.priv = &vn;
	vn.dev.napi.dev = &vn.dev;
	vn.dev.napi.weight = BUDGET;
	if (vnet_rx_init(&vn))
		die("vnet_rx_init failed");
	for (int i = 0; i < FRAME; i++)
		frame1514[i] = (uint8_t)i;
	unsigned long sent = 0;
	while (sent < DRIVER_FRAMES) {
		unsigned long before = dev_used;
		unsigned long want = DRIVER_FRAMES - sent < BUDGET ? DRIVER_FRAMES - sent : BUDGET;
		dev_fill((int)want);
		sent += (uint16_t)(dev_used - before);
		measure_poll(&vn.dev, BUDGET);
	}
	while (vn.dev.napi.scheduled)
		measure_poll(&vn.dev, BUDGET);
	if (drv_frames != DRIVER_FRAMES || drv_errors || vn.st.rx_packets != DRIVER_FRAMES)
		die("driver: %lu frames, %lu errors", drv_frames, drv_errors);
	batch_done(drv_frames, 0, "driver: vnet_poll, 1514-byte frames, budget 64");
}

/* ---- (b), (c) lwIP --------------------------------------------------------- */

#define RXBUF_SIZE 2048
#define HEADROOM 64
#define NRXBUF 64

/* As net/core/netdev.c's: sits in the buffer's headroom. */
struct rxbuf {
	struct pbuf_custom pc;
	unsigned flags;
};

static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
static struct netdev bdev;       /* for the rows through net/core/netdev_rx.c */
static struct netdev_state bst;  /* its stack state: nif is its netif */
#define nif bst.netif
static struct rxbuf *rxfree[NRXBUF];
static int nrxfree;
unsigned long out_frames;
static unsigned long inputs, rx_bytes;
static uint8_t last_out[FRAME];
struct tcp_pcb *conn;
uint32_t peer_seq, our_seq;
void (*bench_tx_hook)(struct pbuf *p); /* bench/rxpath/txbulk.c: each frame out */

/* As net/core/netdev.c sets a device's checksums: IPv4 headers summed on
 * the way to the device (bench_ip_sum), TCP by the device when it can. */
#define DEVICE_SUMS (NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_IP)
#define DEVICE_SUMS_OFFLOAD (DEVICE_SUMS & ~NETIF_CHECKSUM_GEN_TCP)
static uint8_t peer_host = 2;        /* segments come from 10.0.2.<peer_host> */
static uint16_t peer_port = 40000, our_port = PORT;

static void rxbuf_free(struct pbuf *p)
{
	rxfree[nrxfree++] = (struct rxbuf *)p;
}

uint8_t *rxbuf_frame(struct rxbuf *rb)
{
	return (uint8_t *)rb + HEADROOM + sizeof(struct virtio_net_hdr_mrg_rxbuf);
}

/* What netdev_rx and drain_backlog do with a one-buffer frame. */
void input(struct rxbuf *rb, u16_t len, unsigned flags)
{
	rb->pc.custom_free_function = rxbuf_free;
	rb->flags = flags;
	struct pbuf *p = pbuf_alloced_custom(PBUF_RAW, len, PBUF_REF, &rb->pc, rxbuf_frame(rb), len);
	u16_t check = NETIF_CHECKSUM_CHECK_TCP | NETIF_CHECKSUM_CHECK_UDP;
	if (rb->flags & NETDEV_RX_CSUM_VALID)
		nif.chksum_flags &= (u16_t)~check;
	else
		nif.chksum_flags |= check;
	if (nif.input(p, &nif) != ERR_OK)
		pbuf_free(p);
}

__attribute__((noinline)) void measure_input(struct rxbuf *rb, u16_t len, unsigned flags)
{
	input(rb, len, flags);
	inputs++;
}

/* The frame through net/core/netdev_rx.c as a driver hands it over: netdev_rx
 * (copied if short, else lent zero copy) and the backlog into lwIP. */
static void netdev_input(struct rxbuf *rb, u16_t len, unsigned flags)
{
	struct netdev_rxfrag f = { rb, HEADROOM + sizeof(struct virtio_net_hdr_mrg_rxbuf), len };
	netdev_rx(&bdev, &f, 1, flags);
	netdev_rx_drain(&bdev);
}

__attribute__((noinline)) void measure_netdev(struct rxbuf *rb, u16_t len, unsigned flags)
{
	netdev_input(rb, len, flags);
	inputs++;
}

/* With software GRO (dev->features NETDEV_F_GRO): GRO_POLL frames a poll,
 * the backlog drained (GRO flushed first) after each, as napi_run does. */
#define GRO_POLL 32
static void netdev_gro_input(struct rxbuf *rb, u16_t len, unsigned flags)
{
	static unsigned n;
	struct netdev_rxfrag f = { rb, HEADROOM + sizeof(struct virtio_net_hdr_mrg_rxbuf), len };
	netdev_rx(&bdev, &f, 1, flags);
	if (++n % GRO_POLL == 0)
		netdev_rx_drain(&bdev);
}

__attribute__((noinline)) void measure_netdev_gro(struct rxbuf *rb, u16_t len, unsigned flags)
{
	netdev_gro_input(rb, len, flags);
	inputs++;
}

static void bench_release(struct netdev *dev, void *buf)
{
	(void)dev;
	rxfree[nrxfree++] = buf;
}

static const struct netdev_ops bench_ops = { .rx_release = bench_release };

struct rxbuf *rxbuf_get(void)
{
	if (!nrxfree)
		die("lwIP kept every RX buffer");
	return rxfree[--nrxfree];
}

/* What net/core/netdev_txreq.c does to a frame that goes to the device on
 * its own since lwIP leaves IPv4 header checksums to it. */
void bench_ip_sum(struct pbuf *p)
{
	uint8_t *b = p->payload;
	if (p->len >= 14 + 20 && b[12] == 0x08 && b[13] == 0x00 && (b[14] >> 4) == 4 &&
	    p->len >= 14 + (b[14] & 15) * 4u)
		csum_ipv4_header_set(b + 14, (b[14] & 15) * 4u);
}

static err_t linkoutput(struct netif *n, struct pbuf *p)
{
	(void)n;
	out_frames++;
	if (bench_tx_hook)
		bench_tx_hook(p);
	else
		bench_ip_sum(p);
	if (!conn) /* during setup: keep it for the handshake */
		pbuf_copy_partial(p, last_out, sizeof(last_out), 0);
	return ERR_OK;
}

static err_t netif_init_cb(struct netif *n)
{
	n->name[0] = 'e';
	n->name[1] = 't';
	n->output = etharp_output;
	n->linkoutput = linkoutput;
	n->mtu = 1500;
	n->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(n->hwaddr, our_mac, ETH_HWADDR_LEN);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

static uint32_t sum16(const uint8_t *b, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	return s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void put_csum(uint8_t *p, uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(p, (uint16_t)~s);
}

/* Ethernet and IPv4 headers from the peer (10.0.2.<peer_host>) to us (10.0.2.15). */
static uint8_t *eth_ip(uint8_t *f, uint8_t proto, uint16_t l4len)
{
	const uint8_t src[4] = { 10, 0, 2, peer_host }, dst[4] = { 10, 0, 2, 15 };
	memcpy(f, our_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	put16(f + 12, 0x0800);
	uint8_t *ip = f + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + l4len);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put_csum(ip + 10, sum16(ip, 20, 0));
	return ip + 20;
}

static u16_t build_ping(uint8_t *f, uint16_t seq)
{
	uint8_t *icmp = eth_ip(f, 1, 8 + PING_DATA);
	memset(icmp, 0, 8);
	icmp[0] = 8; /* echo request */
	put16(icmp + 4, 0x4e41);
	put16(icmp + 6, seq);
	for (int i = 0; i < PING_DATA; i++)
		icmp[8 + i] = (uint8_t)(0x10 + i);
	put_csum(icmp + 2, sum16(icmp, 8 + PING_DATA, 0));
	return 14 + 20 + 8 + PING_DATA;
}

/* A segment from the peer's port to ours; data bytes are a pattern. */
u16_t build_tcp(uint8_t *f, uint8_t flags, const uint8_t *opt, int optlen, int len)
{
	uint16_t thl = (uint16_t)(20 + optlen);
	uint8_t *tcp = eth_ip(f, 6, (uint16_t)(thl + len));
	memset(tcp, 0, 20);
	put16(tcp, peer_port);
	put16(tcp + 2, our_port);
	put32(tcp + 4, peer_seq);
	put32(tcp + 8, flags & TCP_ACK ? our_seq : 0);
	tcp[12] = (uint8_t)(thl / 4) << 4;
	tcp[13] = flags;
	put16(tcp + 14, 502); /* << 7: 64256 bytes */
	memcpy(tcp + 20, opt, optlen);
	for (int i = 0; i < len; i++)
		tcp[thl + i] = (uint8_t)(i * 7);
	const uint8_t *ip = tcp - 20;
	uint32_t s = sum16(ip + 12, 8, 6 + thl + len);
	put_csum(tcp + 16, sum16(tcp, thl + len, s));
	return (u16_t)(14 + 20 + thl + len);
}

static void setup_lwip(void)
{
	static uint8_t pool[NRXBUF][RXBUF_SIZE] __attribute__((aligned(4096)));
	for (int i = 0; i < NRXBUF; i++)
		rxfree[nrxfree++] = (struct rxbuf *)pool[i];
	lwip_init();
	ip4_addr_t ip, mask, gw, peer;
	IP4_ADDR(&ip, 10, 0, 2, 15);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 10, 0, 2, 2);
	IP4_ADDR(&peer, 10, 0, 2, 2);
	bdev.ops = &bench_ops;
	bdev.stack = &bst;
	bst.dev = &bdev;
	bst.admin_up = 1;
	bst.rx_copybreak = NETDEV_RX_COPYBREAK;
	bdev.mtu = 1500;
	if (!netif_add(&nif, &ip, &mask, &gw, NULL, netif_init_cb, ethernet_input))
		die("netif_add");
	netif_set_up(&nif);
	netif_set_link_up(&nif);
	struct eth_addr mac;
	memcpy(mac.addr, peer_mac, 6);
	if (etharp_add_static_entry(&peer, &mac) != ERR_OK)
		die("etharp_add_static_entry");
}

/* How a batch's frames reach lwIP: the bench's own wrapping as lwIP
 * rows always had it, or net/core/netdev_rx.c with its copy rule (copybreak
 * 256, the default), or with copying off (copybreak 0: every frame lent
 * zero copy, as the stack did before the receive-buffer policy). */
enum via { VIA_LWIP, VIA_NETDEV, VIA_NETDEV_NOCOPY, VIA_NETDEV_GRO };
static const char *const via_name[] = { "lwIP", "netdev_rx", "netdev_rx, copybreak 0",
					"netdev_rx, GRO, 32 a poll" };

static void (*via_in(enum via via, int measured))(struct rxbuf *, u16_t, unsigned)
{
	bst.rx_copybreak = via == VIA_NETDEV_NOCOPY ? 0 : NETDEV_RX_COPYBREAK;
	bdev.features = via == VIA_NETDEV_GRO ? NETDEV_F_GRO : 0;
	if (via == VIA_LWIP)
		return measured ? measure_input : input;
	if (via == VIA_NETDEV_GRO)
		return measured ? measure_netdev_gro : netdev_gro_input;
	return measured ? measure_netdev : netdev_input;
}

static void batch_via(enum via via, unsigned long out, const char *what)
{
	char label[128];
	snprintf(label, sizeof(label), "%s: %s", via_name[via], what);
	batch_done(LWIP_PACKETS, out, label);
}

static void bench_icmp(enum via via)
{
	/* As net/core/netdev.c sets it for a device with TX checksum offload. */
	NETIF_SET_CHECKSUM_CTRL(&nif, DEVICE_SUMS_OFFLOAD);
	for (int k = -WARMUP; k < LWIP_PACKETS; k++) {
		if (k == 0)
			out_frames = 0;
		struct rxbuf *rb = rxbuf_get();
		u16_t len = build_ping(rxbuf_frame(rb), (uint16_t)k);
		via_in(via, k >= 0)(rb, len, NETDEV_RX_CSUM_VALID);
	}
	if (out_frames != LWIP_PACKETS || nrxfree != NRXBUF)
		die("icmp: %lu replies, %d buffers back", out_frames, nrxfree);
	batch_via(via, out_frames, "ICMP echo request -> reply (56 data bytes)");
}

/* A response the way the HTTP server queues one (net/http/server.c): a
 * head of HEAD_LEN bytes and the 612-byte page, either as two writes (the
 * head copied, the page zero-copy) or as one copied write. */
#define HEAD_LEN 160
#define PAGE_LEN 612
enum { RESPOND_NONE, RESPOND_TWO_WRITES, RESPOND_ONE_WRITE };
static int respond;
static const char page[PAGE_LEN] = "<!DOCTYPE html>";

static void answer(struct tcp_pcb *pcb)
{
	char buf[HEAD_LEN + PAGE_LEN];
	memset(buf, 'h', HEAD_LEN);
	if (respond == RESPOND_TWO_WRITES) {
		tcp_write(pcb, buf, HEAD_LEN, TCP_WRITE_FLAG_COPY | TCP_WRITE_FLAG_MORE);
		tcp_write(pcb, page, PAGE_LEN, 0);
	} else {
		memcpy(buf + HEAD_LEN, page, PAGE_LEN);
		tcp_write(pcb, buf, HEAD_LEN + PAGE_LEN, TCP_WRITE_FLAG_COPY);
	}
	tcp_output(pcb); /* deferred to the end of input, as in the server */
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg, (void)err;
	if (!p)
		return tcp_close(pcb);
	rx_bytes += p->tot_len;
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	if (respond)
		answer(pcb);
	return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg, (void)err;
	tcp_recv(pcb, on_recv);
	conn = pcb;
	return ERR_OK;
}

/* SYN (MSS 1460, window scale 7), our SYN-ACK, the ACK: established. */
static void setup_tcp(void)
{
	struct tcp_pcb *l = tcp_new();
	if (!l || tcp_bind(l, IP_ADDR_ANY, PORT) != ERR_OK || !(l = tcp_listen(l)))
		die("listen");
	tcp_accept(l, on_accept);
	static const uint8_t syn_opt[8] = { 2, 4, MSS >> 8, MSS & 0xff, 1, 3, 3, 7 };
	peer_seq = 1000;
	out_frames = 0;
	struct rxbuf *rb = rxbuf_get();
	input(rb, build_tcp(rxbuf_frame(rb), TCP_SYN, syn_opt, 8, 0), NETDEV_RX_CSUM_VALID);
	if (out_frames != 1 || last_out[14 + 20 + 13] != (TCP_SYN | TCP_ACK))
		die("no SYN-ACK");
	const uint8_t *t = last_out + 14 + 20;
	our_seq = ((uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7]) + 1;
	peer_seq++;
	rb = rxbuf_get();
	input(rb, build_tcp(rxbuf_frame(rb), TCP_ACK, NULL, 0, 0), NETDEV_RX_CSUM_VALID);
	if (!conn)
		die("not accepted");
}

static void bench_tcp(int offload, enum via via)
{
	NETIF_SET_CHECKSUM_CTRL(&nif, offload ? DEVICE_SUMS_OFFLOAD : DEVICE_SUMS);
	unsigned long bytes = 0;
	for (int k = -WARMUP; k < LWIP_PACKETS; k++) {
		if (k == 0) {
			bytes = rx_bytes;
			out_frames = 0;
		}
		struct rxbuf *rb = rxbuf_get();
		u16_t len = build_tcp(rxbuf_frame(rb), TCP_ACK, NULL, 0, MSS);
		peer_seq += MSS;
		via_in(via, k >= 0)(rb, len, offload ? NETDEV_RX_CSUM_VALID : 0);
	}
	netdev_rx_drain(&bdev); /* nothing left held (GRO) */
	if (rx_bytes - bytes != (unsigned long)LWIP_PACKETS * MSS || nrxfree != NRXBUF ||
	    lwip_stats.tcp.drop || lwip_stats.tcp.chkerr || conn->state != ESTABLISHED)
		die("tcp: %lu bytes received, %d buffers back, %u dropped, %u bad checksums",
		    rx_bytes - bytes, nrxfree, lwip_stats.tcp.drop, lwip_stats.tcp.chkerr);
	batch_via(via, out_frames,
		  offload ? "TCP 1460-byte segments, ACKs, checksums offloaded"
			  : "TCP 1460-byte segments, ACKs, checksums in software");
}

/* Keep-alive exchanges: a 35-byte request that acknowledges the previous
 * response, answered with head and page in one segment. */
static void bench_exchange(int how, enum via via)
{
	NETIF_SET_CHECKSUM_CTRL(&nif, DEVICE_SUMS_OFFLOAD);
	respond = how;
	for (int k = -WARMUP; k < LWIP_PACKETS; k++) {
		if (k == 0)
			out_frames = 0;
		struct rxbuf *rb = rxbuf_get();
		u16_t len = build_tcp(rxbuf_frame(rb), TCP_ACK | TCP_PSH, NULL, 0, 35);
		peer_seq += 35;
		via_in(via, k >= 0)(rb, len, NETDEV_RX_CSUM_VALID);
		our_seq += HEAD_LEN + PAGE_LEN;
	}
	respond = RESPOND_NONE;
	if (out_frames != LWIP_PACKETS || nrxfree != NRXBUF || conn->unacked->next || conn->unsent)
		die("exchange: %lu frames for %d requests, %d buffers back", out_frames, LWIP_PACKETS,
		    nrxfree);
	/* the last response, acknowledged */
	struct rxbuf *rb = rxbuf_get();
	input(rb, build_tcp(rxbuf_frame(rb), TCP_ACK, NULL, 0, 0), NETDEV_RX_CSUM_VALID);
	if (conn->unacked)
		die("exchange: the last response is not acknowledged");
	batch_via(via, out_frames,
		  how == RESPOND_TWO_WRITES ? "keep-alive request -> head + 612-byte page, two tcp_writes"
					    : "keep-alive request -> head + 612-byte page, one tcp_write");
}

/* ---- (d) a SYN flood at a listener --------------------------------------- */

static void flood_ready(struct listener *l, void *arg)
{
	(void)l, (void)arg;
}

/* n SYNs without options from 10.0.2.<peer_host>, a new source port and
 * sequence number each, as hping3 --flood -S sends them. */
static void syn_batch(int n, void (*in)(struct rxbuf *, u16_t, unsigned))
{
	for (int k = 0; k < n; k++) {
		peer_port = (uint16_t)(1024 + (peer_port - 1024 + 1) % 60000);
		peer_seq = rxpath_rand();
		struct rxbuf *rb = rxbuf_get();
		in(rb, build_tcp(rxbuf_frame(rb), TCP_SYN, NULL, 0, 0), NETDEV_RX_CSUM_VALID);
	}
}

static void bench_synflood(void)
{
	struct listener *l;
	NETIF_SET_CHECKSUM_CTRL(&nif, DEVICE_SUMS_OFFLOAD);
	our_port = 80;
	if (listen_open(80, 511, flood_ready, NULL, &l))
		die("listen_open");
	struct listen_info li;
	if (listen_info_of((struct tcp_pcb *)tcp_listen_pcbs.listen_pcbs, &li))
		die("listen_info_of");
	peer_host = 99; /* hping3 -a 10.0.2.99: nobody answers its ARP */
	sysctl_tcp_syncookies = 0;
	sysctl_max_syn_backlog = 4096; /* its quarter rule would drop first (as ListenDrops only) */
	syn_batch(li.synq_max, input); /* the half-open limit fills */
	syn_batch(WARMUP, input);
	uint64_t dropped = netstat_ext.tcp_req_qfull_drop;
	out_frames = 0;
	syn_batch(LWIP_PACKETS, measure_input);
	if (netstat_ext.tcp_req_qfull_drop - dropped != LWIP_PACKETS || nrxfree != NRXBUF)
		die("synflood: %lu dropped", (unsigned long)(netstat_ext.tcp_req_qfull_drop - dropped));
	batch_done(LWIP_PACKETS, out_frames, "listen: SYN, SYN queue full, tcp_syncookies=0: dropped");

	sysctl_tcp_syncookies = 1;
	for (int resolved = 0; resolved < 2; resolved++) {
		peer_host = resolved ? 2 : 99;
		syn_batch(WARMUP, input);
		uint64_t sent = netstat_ext.syncookies_sent;
		out_frames = 0;
		syn_batch(LWIP_PACKETS, measure_input);
		if (netstat_ext.syncookies_sent - sent != LWIP_PACKETS || nrxfree != NRXBUF ||
		    (resolved && out_frames != LWIP_PACKETS))
			die("synflood: %lu cookies, %lu frames out",
			    (unsigned long)(netstat_ext.syncookies_sent - sent), out_frames);
		batch_done(LWIP_PACKETS, out_frames,
			   resolved ? "listen: SYN, SYN queue full, tcp_syncookies=1: cookie SYN-ACK sent"
				    : "listen: SYN, SYN queue full, tcp_syncookies=1: cookie SYN-ACK, source unresolved");
	}
	peer_host = 2;
	our_port = PORT;
}

/* The HTTP request parser on wrk's request, as the server calls it. */
__attribute__((noinline)) static void measure_parse(const char *req, size_t len, int n)
{
	for (int i = 0; i < n; i++) {
		struct http_parser p;
		size_t used;
		http_parser_init(&p);
		if (http_parse(&p, req, len, &used) != HTTP_PARSE_DONE || used != len)
			die("parser");
	}
}

static void bench_parser(void)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: 10.0.2.15\r\n\r\n";
	measure_parse(req, sizeof(req) - 1, 1); /* (collected too: one more is noise) */
	measure_parse(req, sizeof(req) - 1, LWIP_PACKETS - 1);
	batch_done(LWIP_PACKETS, 0, "HTTP parser: wrk's GET / request (35 bytes)");
	/* a browser's: the fields a server reads past without interpreting */
	static const char big[] = "GET /index.html?lang=en HTTP/1.1\r\n"
				  "Host: 10.0.2.15\r\n"
				  "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
				  "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
				  "Accept-Language: en-US,en;q=0.5\r\n"
				  "Accept-Encoding: gzip, deflate\r\n"
				  "Connection: keep-alive\r\n"
				  "Upgrade-Insecure-Requests: 1\r\n"
				  "\r\n";
	measure_parse(big, sizeof(big) - 1, 1);
	measure_parse(big, sizeof(big) - 1, LWIP_PACKETS - 1);
	batch_done(LWIP_PACKETS, 0, "HTTP parser: a browser's GET request (329 bytes)");
}

/* ---- (f) transmit: what net/core/netdev_tx.c does to a frame besides the driver */

#define TX_FLOWS 4        /* connections whose frames take turns */
#define TX_STEP_NS 1200   /* ns: a 1514-byte frame at 10 Gbit/s */
#define TX_BATCH 16       /* frames one TX completion reports */
#define NTXPKT 4          /* handles, recycled (the kernel's free list) */

static uint8_t tx_frame[TX_FLOWS][FRAME];
static struct qpkt txpkt[NTXPKT];
static uint32_t tx_hash[TX_FLOWS];
static unsigned long tx_out, tx_drops, tx_ce;
static uint64_t tx_now = 1000000000;

static void tx_dropped(struct qpkt *p, void *ctx)
{
	(void)p, (void)ctx;
	tx_drops++;
}

/* net/core/netdev_tx.c's classify on the frame's one piece (lwIP's segment of
 * a copied tcp_write). */
static void tx_classify(struct qpkt *qp, const uint8_t *b, uint32_t len)
{
	netdev_classify(qp, b, len, flow_key);
}

/* netdev_linkoutput's handle filled, classified and enqueued, then
 * tx_feed's dequeue and CE check: the queue holds this frame only. */
static struct qpkt *tx_qdisc(struct qdisc *q, struct qpkt *qp, uint8_t *b, uint64_t now)
{
	qp->len = FRAME;
	qp->truesize = 0;
	qp->owner = b;
	tx_classify(qp, b, FRAME);
	if (qdisc_enqueue(q, qp, now) == QDISC_ENQ_DROP)
		return NULL;
	qp = qdisc_dequeue(q, now);
	if (qp && qp->ecn == QPKT_ECN_CE && netdev_frame_set_ce(qp->owner, qp->len) == 0)
		tx_ce++;
	return qp;
}

__attribute__((noinline)) struct qpkt *measure_qdisc(struct qdisc *q, struct qpkt *qp, uint8_t *b,
						     uint64_t now)
{
	struct qpkt *p = tx_qdisc(q, qp, b, now);
	tx_out++;
	return p;
}

/* TCP frames of TX_FLOWS connections (port 80 to 40001...), 1460 data
 * bytes each, and their flow hashes. */
static void tx_frames(void)
{
	uint16_t port = peer_port, their = our_port;
	for (int i = 0; i < TX_FLOWS; i++) {
		peer_port = 80;
		our_port = (uint16_t)(40001 + i);
		if (build_tcp(tx_frame[i], TCP_ACK | TCP_PSH, NULL, 0, MSS) != FRAME)
			die("tx: frame length");
		struct qpkt qp;
		tx_classify(&qp, tx_frame[i], FRAME);
		if (qp.flags != QPKT_TSQ)
			die("tx: not classified as TCP");
		tx_hash[i] = qp.hash;
	}
	peer_port = port;
	our_port = their;
}

/* One frame in, one out, round robin over the flows, the clock moving
 * TX_STEP_NS a frame (sojourn 0: CoDel never drops). */
static void bench_qdisc(struct qdisc *q, const char *what)
{
	char label[128];
	for (int k = -WARMUP; k < LWIP_PACKETS; k++) {
		if (k == 0)
			tx_out = 0;
		tx_now += TX_STEP_NS;
		struct qpkt *qp = &txpkt[k & (NTXPKT - 1)];
		uint8_t *b = tx_frame[k & (TX_FLOWS - 1)];
		struct qpkt *out = k >= 0 ? measure_qdisc(q, qp, b, tx_now) : tx_qdisc(q, qp, b, tx_now);
		if (out != qp)
			die("tx %s: frame %d did not come back", what, k);
	}
	if (tx_out != LWIP_PACKETS || tx_drops || tx_ce || q->stats.qlen || q->stats.overlimits)
		die("tx %s: %lu out, %lu dropped, %u overlimits", what, tx_out, tx_drops,
		    q->stats.overlimits);
	snprintf(label, sizeof(label), "qdisc: %s, 1514-byte TCP frames of 4 flows, one queued", what);
	batch_done(LWIP_PACKETS, tx_out, label);
	qdisc_destroy(q);
}

static struct qdisc *tx_create(const char *kind, const union qdisc_conf *c)
{
	int err;
	struct qdisc *q = qdisc_create(kind, c, NETDEV_TXQUEUELEN, tx_dropped, NULL, tx_now, &err);
	if (!q)
		die("qdisc_create %s: %d", kind, err);
	return q;
}

/* BQL as tx_feed and tx_completed use it: dql_avail and dql_queued per
 * frame, and one dql_completed for TX_BATCH frames, the ring emptied by
 * then (the limit settles at the batch, never stopping the feed). */
static void tx_bql(struct dql *d, uint32_t done, uint64_t now)
{
	if (done)
		dql_completed(d, done, now);
	if (dql_avail(d) < 0)
		tx_drops++; /* tx_feed would stop here */
	dql_queued(d, FRAME);
}

__attribute__((noinline)) void measure_bql(struct dql *d, uint32_t done, uint64_t now)
{
	tx_bql(d, done, now);
	tx_out++;
}

static void bench_bql(void)
{
	static struct dql d;
	dql_init(&d, tx_now);
	unsigned long stops = 0;
	for (int k = -WARMUP; k < LWIP_PACKETS; k++) {
		if (k == 0) {
			tx_out = 0;
			stops = tx_drops;
		}
		tx_now += TX_STEP_NS;
		uint32_t done = k > -WARMUP && k % TX_BATCH == 0 ? TX_BATCH * FRAME : 0;
		(k >= 0 ? measure_bql : tx_bql)(&d, done, tx_now);
	}
	if (tx_out != LWIP_PACKETS || tx_drops != stops || dql_limit(&d) < TX_BATCH * FRAME)
		die("tx bql: %lu stops, limit %u", tx_drops - stops, dql_limit(&d));
	batch_done(LWIP_PACKETS, tx_out, "BQL: dql_avail + dql_queued a frame, dql_completed per 16");
}

/* TCP Small Queues: the frame charged at enqueue, uncharged at completion. */
__attribute__((noinline)) void measure_tsq(uint32_t hash)
{
	tsq_charge(hash, FRAME);
	tsq_uncharge(hash, FRAME);
	tx_out++;
}

/* build_req: the driver's request for the frame's one piece, its TCP
 * checksum left to the device. */
__attribute__((noinline)) int measure_txreq(struct netdev_txreq *req, uint8_t *b, void *cookie)
{
	netdev_txreq_init(req, cookie);
	int err = netdev_txreq_add(req, b, FRAME);
	if (!err)
		err = netdev_txreq_finish(req, 1);
	tx_out++;
	return err;
}

static void bench_tx(void)
{
	tx_frames();
	bench_qdisc(tx_create("fq_codel", NULL), "fq_codel");
	bench_qdisc(tx_create("pfifo", NULL), "pfifo");
	union qdisc_conf c = { .tbf = { .rate = 100000000000ull / 8, .burst = 32 * 1024,
					 .latency_ns = 400000000 } };
	const char *errs[TBF_MAX_ERRS];
	if (tbf_check(&c.tbf, errs))
		die("tbf: %s", errs[0]);
	struct qdisc *tbf = tx_create("tbf", &c);
	if (qdisc_graft_child(tbf, tx_create("fq_codel", NULL)))
		die("qdisc_graft_child");
	bench_qdisc(tbf, "tbf 100gbit, fq_codel under it");
	bench_bql();
	tx_out = 0;
	for (int k = 0; k < LWIP_PACKETS; k++)
		measure_tsq(tx_hash[k & (TX_FLOWS - 1)]);
	if (tsq_wake_pending())
		die("tsq: a wake");
	batch_done(LWIP_PACKETS, tx_out, "TSQ: tsq_charge + tsq_uncharge a TCP frame");
	tx_out = 0;
	for (int k = 0; k < LWIP_PACKETS; k++) {
		struct netdev_txreq req;
		if (measure_txreq(&req, tx_frame[k & (TX_FLOWS - 1)], &txpkt[0]) || !req.needs_csum)
			die("txreq: not offloaded");
	}
	batch_done(LWIP_PACKETS, tx_out, "txreq: 1514-byte frame, one piece, TCP checksum offloaded");
}

int main(void)
{
	bench_driver();
	setup_lwip();
	bench_icmp(VIA_LWIP);
	setup_tcp();
	bench_tcp(1, VIA_LWIP);
	bench_tcp(0, VIA_LWIP);
	bench_exchange(RESPOND_TWO_WRITES, VIA_LWIP);
	bench_exchange(RESPOND_ONE_WRITE, VIA_LWIP);
	/* The same through net/core/netdev_rx.c, with its copy rule and without. */
	bench_icmp(VIA_NETDEV);
	bench_icmp(VIA_NETDEV_NOCOPY);
	bench_tcp(1, VIA_NETDEV);
	bench_tcp(1, VIA_NETDEV_GRO);
	bench_exchange(RESPOND_ONE_WRITE, VIA_NETDEV);
	bench_exchange(RESPOND_ONE_WRITE, VIA_NETDEV_NOCOPY);
	bench_bulk(0); /* before the SYN flood, which moves the peer's address */
	bench_bulk(1);
	bench_bulk_queued();
	bench_synflood();
	bench_parser();
	bench_tx(); /* last: the rows above stay as they were */
	return 0;
}
