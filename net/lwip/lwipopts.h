/*
 * lwIP 2.1.3 configuration for nagare (every option is documented in
 * src/include/lwip/opt.h).  NO_SYS with the raw API: one core, one event
 * loop, no threads, no locks.  Memory comes from the kernel heap
 * (MEM_LIBC_MALLOC, MEMP_MEM_MALLOC) so nothing is reserved in .bss; our
 * patch 0001 keeps each MEMP_NUM_* below as the most elements that may be
 * live, so a flood is bounded.  Limits are sized for thousands of
 * concurrent TCP connections in 256 MiB; the heap, not these numbers,
 * bounds small guests.
 */
#ifndef NET_LWIPOPTS_H
#define NET_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0 /* interrupt handlers never touch lwIP */
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_TIMERS 1

/* ---- memory ---- */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
/* patch 0030: each pool keeps up to this many freed elements for its next
 * allocations (a segment's tcp_seg and pbufs without the heap's path);
 * net/core/netdev_loop.c gives them back every second.  The glue and fuzz
 * builds set 0, so AddressSanitizer sees every free. */
#ifndef MEMP_FREE_CACHE
#define MEMP_FREE_CACHE 128
#endif
#define MEM_ALIGNMENT 8
#define MEMP_NUM_TCP_PCB 32768        /* TCP PCBs: connections, TIME-WAIT (bounded below), SYN-RCVD */
#define MEMP_NUM_TCP_PCB_LISTEN 32    /* listening sockets */
#define MEMP_NUM_TCP_SEG 32768        /* segments queued for send/retransmit, all connections */
#define MEMP_NUM_PBUF 32768           /* PBUF_REF/ROM headers (zero-copy TX data) */
/* patch 0033: PBUF_RAM pbufs of up to 128 bytes, struct included (a zero-copy
 * segment's headers, an ACK with timestamps and SACK blocks) come from their
 * own pool and its free cache instead of the heap; past the pool's limit,
 * from the heap. */
#define PBUF_SMALL_SIZE 128
#define MEMP_NUM_PBUF_SMALL 32768
#define PBUF_POOL_SIZE 2048           /* PBUF_POOL buffers (reassembly, copies); RX uses driver buffers */
#define MEMP_NUM_UDP_PCB 16
#define MEMP_NUM_RAW_PCB 8            /* ping sockets */
#define MEMP_NUM_REASSDATA 64         /* IPv4 datagrams being reassembled at once */
#define MEMP_NUM_FRAG_PBUF 512        /* fragments of outgoing datagrams in flight */
#define MEMP_NUM_ARP_QUEUE 4096       /* packets waiting for ARP replies, all neighbours (see below) */
#define IP_REASS_MAX_PBUFS 256        /* fragments held for reassembly (a 64 KiB ping is 45) */
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8) /* lwIP's timers + room for apps */

/* ---- link and IPv4 ---- */
#define LWIP_ETHERNET 1
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 64
#define ARP_QUEUEING 1
/* Patch 0013: a neighbour being resolved queues packets up to
 * net.ipv4.neigh.default.unres_qlen_bytes (Linux's default 212992), the
 * oldest dropped and counted (etharp_unres_discards, Linux's
 * unres_discards) when a new one would exceed it.  Each packet is charged
 * its IP length (tot_len) plus ETHARP_QUEUE_OVERHEAD, a fixed 64 bytes for
 * what queueing it can cost besides those bytes: the queue entry (24),
 * struct pbuf (24) and the Ethernet header room in front of a copy (14),
 * rounded up (net/core/net.c checks the sum fits).  Without it a flood of tiny
 * packets would hold many more entries per byte charged.  Linux charges
 * skb->truesize, the buffer plus struct sk_buff and skb_shared_info, some
 * hundreds of bytes more per packet, so the same limit holds more packets
 * here: 212992 bytes are 1972 SYN-ACKs with the MSS option (44 + 64).  The
 * pool above is the bound over all neighbours: a full default queue of the
 * smallest packets (212992 / (20 + 64) = 2535) fits in it. */
extern int sysctl_neigh_unres_qlen_bytes;
#define ETHARP_QUEUE_BYTES ((u32_t)sysctl_neigh_unres_qlen_bytes)
#define ETHARP_QUEUE_OVERHEAD 64
#define ETHARP_SUPPORT_STATIC_ENTRIES 1
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define IP_FORWARD 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
/* net.ipv4.ip_default_ttl: TCP_TTL, UDP_TTL, RAW_TTL and ICMP_TTL default to
 * it; lwIP copies it into each new pcb, ICMP reads it at each message
 * (net/ipv4/ip_ttl.c carries a change to existing pcbs). */
extern int sysctl_ip_default_ttl;
#define IP_DEFAULT_TTL ((u8_t)sysctl_ip_default_ttl)
#define LWIP_ICMP 1
#define ICMP_ECHO_IGNORE net_icmp_echo_ignore() /* patch 0014: no echo reply (net/ipv4/icmp.c) */
/* Echo requests to broadcast and multicast addresses are answered;
 * net.ipv4.icmp_echo_ignore_broadcasts refuses them first (net/ipv4/icmp.c). */
#define LWIP_BROADCAST_PING 1
#define LWIP_MULTICAST_PING 1
/* Patch 0020: each ICMP error lwIP is about to send asks net/ipv4/icmp.c
 * (icmp_ratelimit, icmp_ratemask, icmp_msgs_per_sec, icmp_msgs_burst). */
#define LWIP_HOOK_ICMP_ERR_ALLOW(p, type, code) net_icmp_err_allow(p, type, code)
#define LWIP_RAW 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_SINGLE_NETIF 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1 /* offloads are per device (net/core/netdev.c) */
#define LWIP_CHECKSUM_ON_COPY 0
#include "net/core/csum.h"
#define LWIP_CHKSUM csum_sum           /* net/core/csum.c: 8 bytes a step, not lwIP's 2 */

/* ---- TCP ---- */
#define LWIP_TCP 1
/* Linux's loss recovery where a window is small (patch 0019): the TCP
 * timers every 100 ms (lwIP's slow timer, whose ticks count the RTO, every
 * 200 ms instead of 500), an RTO of at least TCP_RTO_MIN (200 ms, against
 * lwIP's 1.5 s floor), and RFC 3042's Limited Transmit. */
#define TCP_TMR_INTERVAL 100
#define TCP_RTO_MIN_MS 200
#define TCP_LIMITED_TRANSMIT 1
#define TCP_MSS 1460
/* patch 0031: a peer's MSS option counts only in its SYN, and never below
 * net.ipv4.tcp_min_snd_mss (Linux's 48) */
extern int sysctl_tcp_min_snd_mss;
#define TCP_MIN_SND_MSS ((u16_t)sysctl_tcp_min_snd_mss)
#define LWIP_WND_SCALE 1
#define TCP_RCV_SCALE 2               /* windows up to 256 KiB */
#define TCP_WND (128 * 1024)          /* advertised receive window, bytes */
#define TCP_SND_BUF (512 * 1024)      /* send buffer ceiling, bytes: lwiperf's, and what net/ipv4/tcp_mem.h grows to */
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF) / TCP_MSS)
#define TCP_SNDLOWAT (16 * TCP_MSS)         /* sent callback once this much room (u16 in lwIP) */
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_PBUFS 64        /* out-of-order segments kept per connection */
#define TCP_LISTEN_BACKLOG 0          /* net/ipv4/listen.c keeps Linux's two queues instead */
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1   /* net/ipv4/listen.c: half-open accounting */
#define LWIP_TCP_TIMESTAMPS 1         /* RFC 7323; SYN cookies keep options in the TSval */
#define LWIP_TCP_KEEPALIVE 1
#define SO_REUSE 1                    /* SO_REUSEADDR: listen again while old connections live */
/* Linux's lifetimes and limits, runtime through sysctls (patch 0002 guards them). */
extern int sysctl_tcp_fin_timeout, sysctl_tcp_max_tw_buckets;
#define TCP_MSL 30000UL               /* TIME-WAIT = 2 MSL = 60 s, Linux's TCP_TIMEWAIT_LEN */
#define TCP_FIN_WAIT_TIMEOUT ((u32_t)sysctl_tcp_fin_timeout * 1000)
#define TCP_MAX_TW_BUCKETS ((u32_t)sysctl_tcp_max_tw_buckets)
#define LWIP_TCP_SACK_OUT 1           /* send SACK blocks for out-of-order data (RFC 2018) */
/* Losses found while the peer's window still grows (patch 0024): a
 * duplicate ACK told by its new SACK blocks even when the window changed
 * (RFC 6675's DupAck), and the RTO from the first RTT measured (RFC 6298
 * 2.2) instead of from lwIP's 3 s deviation. */
#define TCP_SACK_DUPACK 1
#define TCP_RTT_FIRST_SAMPLE 1
#define TCP_SACK_RTO_SKIP 1             /* patch 0026: after a timeout, SACKed segments are not sent again */
#define TCP_LOST_REXMIT 1               /* patch 0027: a retransmission lost again is found by SACK, not the RTO */
#define TCP_DEMUX_BUCKETS 4096        /* patch 0004: 32 KiB; 4096 TIME-WAIT + 10k open fit short chains */
#define LWIP_UDP 1

/* ---- statistics: netstat -s, ethtool, /metrics ---- */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define LWIP_STATS_LARGE 1 /* 32-bit counters: 16-bit ones wrap within a second of iperf */
#define LINK_STATS 1
#define ETHARP_STATS 1
#define IP_STATS 1
#define IPFRAG_STATS 1
#define ICMP_STATS 1
#define UDP_STATS 1
#define TCP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define SYS_STATS 0
#define MIB2_STATS 1

/* ---- hooks (net/lwip/lwip_hooks.h) ---- */
#define LWIP_HOOK_FILENAME "net/lwip/lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
	net_tcp_isn(local_ip, local_port, remote_ip, remote_port)
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
	net_tcp_inpacket(pcb, hdr, optlen, opt1len, opt2, p)
#define LWIP_HOOK_TCP_SYNRCVD_ACK(pcb) net_tcp_synrcvd_ack(pcb)
#define LWIP_HOOK_TCP_SYNRCVD_RST(pcb) net_tcp_synrcvd_rst(pcb)
#define LWIP_HOOK_TCP_SYNRCVD_DUPSYN(pcb) net_tcp_synrcvd_dupsyn(pcb)
#define LWIP_HOOK_TCP_SYNRCVD_TIMER(pcb) net_tcp_synrcvd_timer(pcb)
#define TCP_OUTPUT_THROTTLED(pcb) net_tcp_output_throttled(pcb) /* patch 0018: TCP Small Queues */
#define LWIP_HOOK_TCP_OUTPUT_JOIN(pcb, p, netif) net_tcp_output_join(pcb, p, netif) /* patch 0032 */
#define LWIP_HOOK_IP4_INPUT(p, inp) net_ip4_input(p, inp)
#define LWIP_NETIF_EXT_STATUS_CALLBACK 1 /* net/ipv4/fib.c: routes follow addresses and state */
#define LWIP_HOOK_IP4_ROUTE_FIB(dest) net_fib_route(dest)          /* patch 0021 */
#define LWIP_HOOK_ETHARP_FIB_GW(netif, dest) net_fib_gw(netif, dest) /* patch 0021 */
#define LWIP_HOOK_ETHARP_REPLY(netif, sip, dip) net_arp_reply(netif, sip, dip) /* patch 0022 */
#define LWIP_HOOK_ETHARP_REQUEST_SRC(netif, dst, q, src) net_arp_request_src(netif, dst, q, src) /* patch 0023 */

#endif
