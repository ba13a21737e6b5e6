/*
 * Every runtime tunable, in name order (sysctl -a prints it as is; a unit
 * test keeps it sorted).  Defaults are Linux 6.1's unless the doc says
 * otherwise; "(not yet effective)" marks knobs registered before their
 * behaviour exists.  docs/tuning.md is generated from this table.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>

#include "kernel/fault.h"
#include "kernel/sysctl.h"
#include "net/ipv4/devinet.h"
#include "net/ipv4/ip_ttl.h"
#include "net/sched/sch_api.h"

int sysctl_somaxconn;
int sysctl_netdev_max_backlog;
int sysctl_netdev_budget;
int sysctl_netdev_budget_usecs;
int sysctl_busy_poll;
int sysctl_max_syn_backlog;
int sysctl_tcp_syncookies;
int sysctl_tcp_abort_on_overflow;
int sysctl_tcp_synack_retries;
int sysctl_tcp_synq_sizing;
int sysctl_tcp_fin_timeout;
int sysctl_tcp_max_tw_buckets;
int sysctl_tcp_min_snd_mss;
int sysctl_icmp_echo_ignore_all;
int sysctl_neigh_unres_qlen_bytes;
int sysctl_icmp_echo_ignore_broadcasts;
int sysctl_icmp_ignore_bogus_error_responses;
int sysctl_icmp_ratelimit, sysctl_icmp_ratemask, sysctl_icmp_msgs_per_sec, sysctl_icmp_msgs_burst;
int sysctl_ip_default_ttl;
char sysctl_default_qdisc[16];
int sysctl_tcp_limit_output_bytes;
int sysctl_panic_on_warn;
int sysctl_tcp_mem[3], sysctl_tcp_mem_default[3]; /* pages; the default from memory at boot (net/ipv4/tcp_mem.c) */

/* Linux's net.core.default_qdisc takes any qdisc the kernel knows
 * (ENOENT otherwise: "No such file or directory"). */
static int qdisc_known(const struct sysctl *s, long v, const char *str)
{
	(void)s, (void)v;
	return qdisc_has_defaults(str) ? 0 : -ENOENT;
}

#define INT(name_, var, lo, hi, def_, doc_)                                              \
	{ .name = name_, .type = SYSCTL_INT, .data = &var, .min = lo, .max = hi, .def = def_, .doc = doc_ }
#define INTVEC(name_, arr, lo, hi, defs, defstr_, doc_)                                     \
	{ .name = name_, .type = SYSCTL_INTVEC, .data = arr, .min = lo, .max = hi, .defstr = defstr_, \
	  .doc = doc_, .n = sizeof(arr) / sizeof(arr[0]), .defvec = defs }

/* net.ipv4.conf.IF.*: Linux's per-interface settings (net/ipv4/devinet.h),
 * in name order.  Rows of an interface exist once it is registered. */
#define CONF_ROW(ifname, key, conf, hi, def_, present_, handler_, doc_)                     \
	{ .name = "net.ipv4.conf." ifname "." #key, .type = SYSCTL_INT, .data = &(conf).key, \
	  .min = 0, .max = hi, .def = def_, .doc = doc_, .present = present_, .handler = handler_ }
#define CONF_INT(ifname, key, conf, hi, present_, doc_) CONF_ROW(ifname, key, conf, hi, 0, present_, NULL, doc_)
/* An interface's rows: a write makes the setting its own (devinet.c). */
#define IFACE_DOC "This interface's value: conf.default's when the interface registers and after each write to conf.default, until written here; what it means: see conf.all."
#define CONF_IF(ifname, i, key, hi, def_) \
	CONF_ROW(ifname, key, devconf_dev[i], hi, def_, devconf_present, devconf_set_iface, IFACE_DOC)
#define CONF_IFACE(ifname, i)                                                                             \
	CONF_IF(ifname, i, accept_local, 1, 0), CONF_IF(ifname, i, arp_announce, 2, 0),                    \
	CONF_IF(ifname, i, arp_filter, 1, 0), CONF_IF(ifname, i, arp_ignore, 8, 0),                        \
	CONF_ROW(ifname, forwarding, devconf_dev[i], 1, 0, devconf_present, NULL,                          \
		 "This interface's value: conf.default's when the interface registers; writing conf.all.forwarding or ip_forward sets it; what it means: see conf.all."), \
	CONF_IF(ifname, i, log_martians, 1, 0), CONF_IF(ifname, i, rp_filter, 2, 0),                       \
	CONF_IF(ifname, i, send_redirects, 1, 1)
/* conf.default's rows: a write reaches the interfaces that never set their own. */
#define DEFAULT_DOC(key) "Given to interfaces as they register, and on each write to every interface whose conf.IFACE." key " was never written (Linux's devinet_copy_dflt_conf)."
#define CONF_DEFAULT(key, hi, def_) CONF_ROW("default", key, devconf_default, hi, def_, NULL, devconf_set_default, DEFAULT_DOC(#key))

const struct sysctl sysctl_table[] = {
	INT("debug.fail_lwip_alloc", fault_lwip_alloc.percent, 0, 100, 0,
	    "(debugging aid) Percent of lwIP's heap allocations that fail on purpose: every pbuf, and the segments and connections lwIP allocates the same way. Counts in /proc/fault_injection."),
	INT("debug.fail_rx_alloc", fault_rx_alloc.percent, 0, 100, 0,
	    "(debugging aid) Percent of receive buffer allocations that fail on purpose: the driver's ring refills and the stack's copies of received frames."),
	INT("debug.fail_tx_ring", fault_tx_ring.percent, 0, 100, 0,
	    "(debugging aid) Percent of frames that fail on purpose as they are handed to the device's transmit ring (dropped and counted as tx_errors; TCP retransmits)."),
	INT("debug.fail_tx_ring_full", fault_tx_ring_full.percent, 0, 100, 0,
	    "(debugging aid) Percent of transmit requests the device refuses on purpose as if its ring were full: nothing is lost, the frame waits in the qdisc (a requeue) and goes at the next try, within 1 ms."),
	INT("kernel.panic_on_warn", sysctl_panic_on_warn, 0, 1, 0,
	    "Panic when a warning fires (a failed lwIP assertion) instead of counting it, logging it once and dropping the connection it concerns; the integration tests boot with sysctl.kernel.panic_on_warn=1."),
	INT("net.core.busy_poll", sysctl_busy_poll, 0, INT_MAX, 0,
	    "Microseconds the idle event loop keeps polling devices before it halts (0: halt at once)."),
	{ .name = "net.core.default_qdisc", .type = SYSCTL_STRING, .data = sysctl_default_qdisc,
	  .max = sizeof(sysctl_default_qdisc), .defstr = "fq_codel", .handler = qdisc_known,
	  .doc = "The root qdisc a device gets when it first comes up or when `tc qdisc del dev D root` removes its own: pfifo, bfifo, codel or fq_codel (Linux's name; current distributions set fq_codel). Devices already up keep theirs." },
	INT("net.core.netdev_budget", sysctl_netdev_budget, 0, INT_MAX, 300,
	    "Most frames all devices together may handle in one NAPI round; a round that runs out counts a time_squeeze."),
	INT("net.core.netdev_budget_usecs", sysctl_netdev_budget_usecs, 0, INT_MAX, 2000,
	    "Longest NAPI round in microseconds (Linux: 2 jiffies, 2000 at HZ=1000); running out counts a time_squeeze."),
	INT("net.core.netdev_max_backlog", sysctl_netdev_max_backlog, 0, INT_MAX, 1000,
	    "Most frames waiting in a device's input backlog; more are dropped and counted (softnet_stat dropped)."),
	INT("net.core.somaxconn", sysctl_somaxconn, 0, INT_MAX, 4096,
	    "Upper limit on a listener's accept queue, read at listen() time: min(backlog, somaxconn) connections may wait, plus one (Linux lets backlog + 1 in)."),
	CONF_INT("all", accept_local, devconf_all, 1, NULL,
		 "Accept packets whose source address is one of our own instead of dropping them as martians (either all or the interface)."),
	CONF_INT("all", arp_announce, devconf_all, 2, NULL,
		 "Sender address of the ARP requests an interface sends for a packet waiting to leave through it (the larger of all and that interface): 0 the packet's source if it is any of our addresses, on any interface (Linux's weak host model), 1 that source only if the target shares a subnet of this interface with it, 2 always this interface's own address; otherwise, and for refreshing an entry with no packet waiting, the interface's own. As Linux's arp_solicit; resends ask in the address of the packet queued last."),
	CONF_INT("all", arp_filter, devconf_all, 1, NULL,
		 "Answer an ARP request only if the route to its sender (the routing table's lookup of the sender's address) leaves through the interface the request came in on (either all or the interface). No route, or a blackhole, unreachable or prohibit one, refuses uncounted, as Linux; a route through another device (lo for one of our own addresses) refuses and counts ArpFilter (netstat -s, TcpExt)."),
	CONF_INT("all", arp_ignore, devconf_all, 8, NULL,
		 "Which ARP requests get a reply (the larger of all and the interface): 0 for any of our addresses on any interface (Linux's weak host model; the reply names the address asked for), 1 only if the target address is the incoming interface's own, 2 also only from senders in that interface's subnet, 3 not for scope host addresses (nagare's interface addresses are all scope global: as 0), 8 none (4-7 reserved: as 0). A probe from 0.0.0.0 is answered under 2 as under 1. Requests from martian senders or failing rp_filter get no reply."),
	{ .name = "net.ipv4.conf.all.forwarding", .type = SYSCTL_INT, .data = &devconf_all.forwarding,
	  .min = 0, .max = 1, .def = 0, .handler = devconf_forward_all,
	  .doc = "Forward IPv4 packets between interfaces (router mode); the same variable as net.ipv4.ip_forward. Writing it sets conf.default and every interface's forwarding, which decides for packets that interface receives: TTL less one, ICMP time exceeded at 1, fragmentation needed (with the MTU) for DF packets too long for the way out, network unreachable without a route (IpExt InNoRoutes), out through the egress device's qdisc (Ip ForwDatagrams)." },
	CONF_INT("all", log_martians, devconf_all, 1, NULL,
		 "Log packets dropped for impossible addresses or a failed reverse-path check to dmesg in Linux's words (martian source D from S, on dev eth0 with an ll header line; martian destination D from S, dev eth0), at most 10 per 5 s with net_ratelimit (either all or the interface). The drops count InMartianSrc and InMartianDst (netstat -s, NagareExt) either way."),
	CONF_INT("all", rp_filter, devconf_all, 2, NULL,
		 "Reverse-path filter (RFC 3704): 0 off, 1 strict (the route back to the source must leave through the receiving interface), 2 loose (any unicast route back will do); the larger of all and the interface counts. A source with no route back fails either mode; a route back that is not unicast (blackhole, unreachable, broadcast, one of our addresses) is a martian. Failures count IPReversePathFilter (netstat -s, TcpExt)."),
	CONF_ROW("all", send_redirects, devconf_all, 1, 1, NULL, NULL,
		 "Send ICMP redirects when forwarding a packet out of the interface it came in on (either all or the interface). As Linux's ip_rt_send_redirect, per source host: the first at once, the next after more than 20 ms << n, at most 9, then none until 20 s pass with nothing to redirect (with log_martians, the ninth logs \"host A/ifN ignores redirects for D to G\"); counted as Icmp OutRedirects (IcmpMsg OutType5)."),
	CONF_DEFAULT(accept_local, 1, 0),
	CONF_DEFAULT(arp_announce, 2, 0),
	CONF_DEFAULT(arp_filter, 1, 0),
	CONF_DEFAULT(arp_ignore, 8, 0),
	CONF_INT("default", forwarding, devconf_default, 1, NULL,
		 "Given to interfaces as they register; a write changes no interface's (Linux's devinet_sysctl_forward); writing conf.all.forwarding or ip_forward sets it and every interface's."),
	CONF_DEFAULT(log_martians, 1, 0),
	CONF_DEFAULT(rp_filter, 2, 0),
	CONF_DEFAULT(send_redirects, 1, 1),
	CONF_IFACE("eth0", 0),
	CONF_IFACE("eth1", 1),
	CONF_IFACE("eth2", 2),
	CONF_IFACE("eth3", 3),
	CONF_IFACE("eth4", 4),
	CONF_IFACE("eth5", 5),
	CONF_IFACE("eth6", 6),
	CONF_IFACE("eth7", 7),
	INT("net.ipv4.icmp_echo_ignore_all", sysctl_icmp_echo_ignore_all, 0, 1, 0,
	    "Ignore every ICMP echo request: none is answered; each still counts as received (netstat -s: ICMP messages received, echo requests), none as an echo reply sent."),
	INT("net.ipv4.icmp_echo_ignore_broadcasts", sysctl_icmp_echo_ignore_broadcasts, 0, 1, 1,
	    "Ignore ICMP echo and timestamp requests sent to a broadcast (255.255.255.255, 0.0.0.0 or a subnet's directed broadcast) or multicast address: each counts as received and as an error (netstat -s: ICMP messages received, input ICMP message failed, echo requests or timestamp request), as Linux counts it. With 0 echo requests to them are answered from the interface's address (nagare answers no timestamp request). Other ICMP messages to such addresses are refused and counted the same way either way, address mask requests and replies excepted, as Linux does. A fragmented request is judged by its first fragment (its checksum unchecked); the others wait out reassembly."),
	INT("net.ipv4.icmp_ignore_bogus_error_responses", sysctl_icmp_ignore_bogus_error_responses, 0, 1, 1,
	    "0: log an ICMP error (destination unreachable, source quench, time exceeded, parameter problem) whose quoted datagram was sent to a broadcast address, in Linux's words (\"icmp: A sent an invalid ICMP type T, code C error to a broadcast: B on eth0\"; at most 10 per 5 s, as net_ratelimit). Linux then also withholds the error from the transport; nagare passes no ICMP error to TCP or UDP either way. 1: no log (RFC 1122 3.2.2)."),
	INT("net.ipv4.icmp_msgs_burst", sysctl_icmp_msgs_burst, 0, INT_MAX, 50,
	    "Global ICMP error token bucket: most errors (of the types in icmp_ratemask) sent in a burst. Over it they are not sent and count OutRateLimitGlobal (netstat -s, Icmp)."),
	INT("net.ipv4.icmp_msgs_per_sec", sysctl_icmp_msgs_per_sec, 0, INT_MAX, 1000,
	    "Global ICMP error token bucket: its rate, errors per second (refilled at most every 20 ms). Each error sent takes 0, 1 or 2 tokens at random, one on average, as Linux against a side channel. Checked before and charged after the per-host limit (Linux 6.1.y's order since 2024)."),
	INT("net.ipv4.icmp_ratelimit", sysctl_icmp_ratelimit, 0, INT_MAX, 1000,
	    "Milliseconds per ICMP error to one destination host, for the types in icmp_ratemask: a token bucket of 6 (Linux's inetpeer XRLIM_BURST_FACTOR), full for a host not seen before; over it errors count OutRateLimitHost (netstat -s, Icmp). 0: no per-host limit. nagare keeps the 256 most recently limited hosts (64 sets of 4 by a keyed hash; Linux keeps an inet_peer per host until memory pressure), so a host pushed out starts full again."),
	INT("net.ipv4.icmp_ratemask", sysctl_icmp_ratemask, INT_MIN, INT_MAX, 6168,
	    "ICMP types rate-limited by icmp_ratelimit and icmp_msgs_per_sec, one bit per type: 6168 is destination unreachable (3), source quench (4), time exceeded (11) and parameter problem (12). Fragmentation needed is never limited (PMTU discovery), nor echo replies unless bit 0 is set. nagare sends destination unreachable (closed UDP port, unknown protocol) and time exceeded (reassembly timeout)."),
	{ .name = "net.ipv4.ip_default_ttl", .type = SYSCTL_INT, .data = &sysctl_ip_default_ttl, .min = 1,
	  .max = 255, .def = 64, .handler = ip_ttl_default_set,
	  .doc = "TTL of locally generated IPv4 packets: TCP, UDP, ICMP (echo replies, errors) and raw. A change applies at once to connections and other endpoints that still use the old default, as Linux's does to sockets that did not set IP_TTL (nagare's applications set none)." },
	{ .name = "net.ipv4.ip_forward", .type = SYSCTL_INT, .data = &devconf_all.forwarding,
	  .min = 0, .max = 1, .def = 0, .handler = devconf_forward_all,
	  .doc = "Router mode: the same variable as net.ipv4.conf.all.forwarding (writing either sets every interface's forwarding)." },
	INT("net.ipv4.neigh.default.unres_qlen_bytes", sysctl_neigh_unres_qlen_bytes, 0, INT_MAX, 212992,
	    "Bytes of packets queued for each neighbour whose ARP reply is awaited (every neighbour: nagare has no per-device neigh tables). A packet is charged its IP length plus 64 bytes (Linux: its skb truesize, so Linux holds fewer); when a new one would exceed this the oldest queued are dropped and counted (netstat -s: NagareExt ArpUnresDiscards, Linux's unres_discards), the newest always kept. The queues of all neighbours together hold at most 4096 packets."),
	INT("net.ipv4.tcp_abort_on_overflow", sysctl_tcp_abort_on_overflow, 0, 1, 0,
	    "Accept queue full when the handshake's last ACK arrives: 0 drop the ACK and keep the connection half-open (the SYN-ACK is retransmitted), 1 answer with a reset."),
	INT("net.ipv4.tcp_fin_timeout", sysctl_tcp_fin_timeout, 0, INT_MAX / 1000, 60,
	    "Seconds a connection closed by us stays in FIN-WAIT-2 waiting for the peer's FIN."),
	INT("net.ipv4.tcp_limit_output_bytes", sysctl_tcp_limit_output_bytes, 0, INT_MAX, 1048576,
	    "TCP Small Queues: most bytes one connection may hold in its device's qdisc and TX ring together; its next segment waits until transmit completion frees some (Linux's default until 6.x; 4194304 since 2025). Held segments count TSQThrottled (netstat -s, NagareExt)."),
	INT("net.ipv4.tcp_max_syn_backlog", sysctl_max_syn_backlog, 0, INT_MAX, 128,
	    "Without SYN cookies (tcp_syncookies=0), SYNs are dropped once fewer than a quarter of this many half-open connections remain free on a listener (Linux keeps that quarter for peers proven alive; nagare proves none). With net.ipv4.tcp_synq_sizing=1 it also sizes the SYN queue at listen(): min(min(backlog, somaxconn), this), at least 8, plus one, rounded up to a power of two. Linux scales the default with memory (128 on small machines)."),
	INT("net.ipv4.tcp_max_tw_buckets", sysctl_tcp_max_tw_buckets, 0, INT_MAX, 4096,
	    "Most connections in TIME-WAIT (60 s); past it a connection closes without one. Linux derives its default from memory."),
	INTVEC("net.ipv4.tcp_mem", sysctl_tcp_mem, 1, INT_MAX, sysctl_tcp_mem_default,
	       "from memory at boot, as Linux",
	       "Pages TCP may hold in all connections' send, receive and out-of-order queues: low, pressure, high. Past pressure a connection holding more than 4 KiB each way takes no more (incoming data is dropped, TCPRcvQDrop) and out-of-order queues are dropped (OfoPruned), until TCP holds less than low; past high only a connection with nothing queued one way takes more that way (one delivery, or 4 KiB to send: Linux forces one skb), and connections stalled by a closed peer window are reset (TCPAbortOnMemory); the rest of memory stays for everything else. Linux's defaults: 3/4, 1 and 3/2 of a sixteenth of free memory at boot (at least 128 pages)."),
	INT("net.ipv4.tcp_min_snd_mss", sysctl_tcp_min_snd_mss, 48, 65535, 48,
	    "The smallest segment size a peer's MSS option may set (a smaller one counts as this); only a SYN's MSS option counts. Linux's default and floor (TCP_MIN_SND_MSS, after CVE-2019-11479: a tiny MSS makes every response thousands of segments)."),
	INT("net.ipv4.tcp_synack_retries", sysctl_tcp_synack_retries, 0, 255, 5,
	    "SYN-ACK retransmissions for a half-open connection before it is dropped: the first after 1 s, then doubling (5: resent at 1, 3, 7, 15 and 31 s, dropped at 63 s); fewer, down to 2, for old requests while more than half of the listener's limit is half-open."),
	INT("net.ipv4.tcp_syncookies", sysctl_tcp_syncookies, 0, 2, 1,
	    "SYN cookies (RFC 4987): 0 never (SYNs past the half-open limit are dropped), 1 when a listener has more than min(backlog, somaxconn) half-open connections, 2 for every SYN."),
	INT("net.ipv4.tcp_synq_sizing", sysctl_tcp_synq_sizing, 0, 1, 0,
	    "(nagare only) The half-open limit of a listener, taken at listen(): 0 as Linux 4.4 and later, more than min(backlog, somaxconn) half-open connections is full; 1 as Linux before 4.4 and the design notes, a SYN queue of tcp_max_syn_backlog-bounded size (see tcp_max_syn_backlog). Only the sizing changes; every other listen rule stays Linux 6.x's."),
};

const size_t sysctl_table_len = sizeof(sysctl_table) / sizeof(sysctl_table[0]);
