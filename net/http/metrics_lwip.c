/*
 * The lwIP part of /metrics (see metrics.c): what `netstat -s` shows
 * (net/cmd_netstat.c), named nagare_netstat_<Section>_<Linux name>, from
 * lwIP's SNMP MIB-2 counters, its per-protocol counters, netstat_ext and
 * the TIME-WAIT counters of patch 0002; then every lwIP protocol counter
 * by protocol, and each memory pool (MEMP_STATS; with patch 0001 `avail`
 * is the pool's limit even though elements come from the heap).
 */
#include <stddef.h>
#include <stdio.h>

#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "net/http/metrics_priv.h"
#include "net/net.h"
#include "net/netstat.h"

#define MIB (&lwip_stats.mib2)

struct counter {
	const char *name; /* between nagare_netstat_ and _total */
	const void *p;
	uint8_t wide;     /* uint64_t, else a 32-bit lwIP counter */
	const char *help;
};

#define C(n, v, h) { n, &(v), 0, h }
#define C64(n, v, h) { n, &(v), 1, h }
static const struct counter counters[] = {
	C("Ip_InReceives", MIB->ipinreceives, "IP datagrams received."),
	C("Ip_InHdrErrors", MIB->ipinhdrerrors, "IP datagrams with invalid headers."),
	C("Ip_InAddrErrors", MIB->ipinaddrerrors, "IP datagrams with invalid addresses."),
	C("Ip_ForwDatagrams", MIB->ipforwdatagrams, "IP datagrams forwarded."),
	C("Ip_InUnknownProtos", MIB->ipinunknownprotos, "IP datagrams with unknown protocol."),
	C("Ip_InDiscards", MIB->ipindiscards, "Incoming IP datagrams discarded."),
	C("Ip_InDelivers", MIB->ipindelivers, "Incoming IP datagrams delivered."),
	C("Ip_OutRequests", MIB->ipoutrequests, "IP datagrams sent out."),
	C("Ip_OutDiscards", MIB->ipoutdiscards, "Outgoing IP datagrams dropped."),
	C("Ip_OutNoRoutes", MIB->ipoutnoroutes, "IP datagrams dropped: no route."),
	C("Ip_ReasmReqds", MIB->ipreasmreqds, "IP fragments needing reassembly."),
	C("Ip_ReasmOKs", MIB->ipreasmoks, "IP datagrams reassembled."),
	C("Ip_ReasmFails", MIB->ipreasmfails, "IP reassemblies failed."),
	C("Ip_FragOKs", MIB->ipfragoks, "IP datagrams fragmented."),
	C("Ip_FragFails", MIB->ipfragfails, "IP datagrams that failed fragmentation."),
	C("Ip_FragCreates", MIB->ipfragcreates, "IP fragments created."),
	C("Icmp_InMsgs", MIB->icmpinmsgs, "ICMP messages received."),
	C("Icmp_InErrors", MIB->icmpinerrors, "ICMP messages received with errors."),
	C("Icmp_InCsumErrors", lwip_stats.icmp.chkerr, "ICMP messages with bad checksums."),
	C("Icmp_InDestUnreachs", MIB->icmpindestunreachs, "ICMP destination unreachable received."),
	C("Icmp_InTimeExcds", MIB->icmpintimeexcds, "ICMP time exceeded received."),
	C("Icmp_InParmProbs", MIB->icmpinparmprobs, "ICMP parameter problems received."),
	C("Icmp_InSrcQuenchs", MIB->icmpinsrcquenchs, "ICMP source quenches received."),
	C("Icmp_InRedirects", MIB->icmpinredirects, "ICMP redirects received."),
	C("Icmp_InEchos", MIB->icmpinechos, "ICMP echo requests received."),
	C("Icmp_InEchoReps", MIB->icmpinechoreps, "ICMP echo replies received."),
	C("Icmp_InTimestamps", MIB->icmpintimestamps, "ICMP timestamp requests received."),
	C("Icmp_InTimestampReps", MIB->icmpintimestampreps, "ICMP timestamp replies received."),
	C("Icmp_InAddrMasks", MIB->icmpinaddrmasks, "ICMP address mask requests received."),
	C("Icmp_InAddrMaskReps", MIB->icmpinaddrmaskreps, "ICMP address mask replies received."),
	C("Icmp_OutMsgs", MIB->icmpoutmsgs, "ICMP messages sent."),
	C("Icmp_OutErrors", MIB->icmpouterrors, "ICMP messages that failed to send."),
	C("Icmp_OutDestUnreachs", MIB->icmpoutdestunreachs, "ICMP destination unreachable sent."),
	C("Icmp_OutTimeExcds", MIB->icmpouttimeexcds, "ICMP time exceeded sent."),
	C("Icmp_OutEchos", MIB->icmpoutechos, "ICMP echo requests sent."),
	C("Icmp_OutEchoReps", MIB->icmpoutechoreps, "ICMP echo replies sent."),
	C("Tcp_ActiveOpens", MIB->tcpactiveopens, "TCP active connection openings."),
	C("Tcp_PassiveOpens", MIB->tcppassiveopens, "TCP passive connection openings."),
	C("Tcp_AttemptFails", MIB->tcpattemptfails, "TCP failed connection attempts."),
	C("Tcp_EstabResets", MIB->tcpestabresets, "TCP connection resets received."),
	C("Tcp_InSegs", MIB->tcpinsegs, "TCP segments received."),
	C("Tcp_OutSegs", MIB->tcpoutsegs, "TCP segments sent."),
	C("Tcp_RetransSegs", MIB->tcpretranssegs, "TCP segments retransmitted."),
	C("Tcp_InErrs", MIB->tcpinerrs, "Bad TCP segments received."),
	C("Tcp_OutRsts", MIB->tcpoutrsts, "TCP resets sent."),
	C("Tcp_InCsumErrors", lwip_stats.tcp.chkerr, "TCP segments with bad checksums."),
	C("Udp_InDatagrams", MIB->udpindatagrams, "UDP datagrams received."),
	C("Udp_NoPorts", MIB->udpnoports, "UDP datagrams to unknown ports."),
	C("Udp_InErrors", MIB->udpinerrors, "UDP receive errors."),
	C("Udp_OutDatagrams", MIB->udpoutdatagrams, "UDP datagrams sent."),
	C("Udp_InCsumErrors", lwip_stats.udp.chkerr, "UDP datagrams with bad checksums."),
	C64("TcpExt_ListenOverflows", netstat_ext.listen_overflows, "Accept queue full."),
	C64("TcpExt_ListenDrops", netstat_ext.listen_drops, "SYNs to LISTEN sockets dropped."),
	C64("TcpExt_SyncookiesSent", netstat_ext.syncookies_sent, "SYN cookies sent."),
	C64("TcpExt_SyncookiesRecv", netstat_ext.syncookies_recv, "Valid SYN cookies received."),
	C64("TcpExt_SyncookiesFailed", netstat_ext.syncookies_failed, "Invalid SYN cookies received."),
	C64("TcpExt_TCPReqQFullDrop", netstat_ext.tcp_req_qfull_drop, "SYNs dropped: half-open limit reached."),
	C64("TcpExt_TCPReqQFullDoCookies", netstat_ext.tcp_req_qfull_do_cookies,
	    "SYNs answered with a cookie: half-open limit reached or tcp_syncookies=2."),
	C64("TcpExt_EmbryonicRsts", netstat_ext.embryonic_rsts, "Half-open connections reset."),
	C64("TcpExt_TCPTimeouts", netstat_ext.tcp_timeouts, "SYN-ACK timer firings."),
	C64("TcpExt_TCPSynRetrans", netstat_ext.tcp_syn_retrans, "SYN-ACKs retransmitted."),
	C64("TcpExt_TCPRcvCollapsed", netstat_ext.tcp_rcv_collapsed,
	    "Received pbufs copied into compact ones while an application kept them."),
	C64("TcpExt_TCPRcvQDrop", netstat_ext.tcp_rcvq_drop, "Received data dropped: no memory to queue it."),
	C64("TcpExt_TCPMemoryPressures", netstat_ext.tcp_memory_pressures,
	    "Times TCP memory went past net.ipv4.tcp_mem's pressure."),
	C64("TcpExt_TCPAbortOnMemory", netstat_ext.tcp_abort_on_memory,
	    "Connections reset to bring TCP memory back under net.ipv4.tcp_mem's high."),
	C64("TcpExt_OfoPruned", netstat_ext.ofo_pruned,
	    "Out-of-order queues dropped to give receive buffers back."),
	C("TcpExt_TCPTimeWaitOverflow", tcp_tw_overflows, "Closed without TIME-WAIT: too many buckets."),
	C("TcpExt_TWRecycled", tcp_tw_recycled, "TIME-WAIT ended early by a new SYN."),
	C("IpExt_InTruncatedPkts", lwip_stats.ip.lenerr, "IP datagrams shorter than their header says."),
	C("IpExt_InCsumErrors", lwip_stats.ip.chkerr, "IP headers with bad checksums."),
	C64("NagareExt_LwipAssertFailures", net_lwip_asserts, "lwIP assertions that failed (warnings)."),
};

/* lwIP's per-protocol counters (struct stats_proto), by protocol. */
static const struct {
	const char *name;
	const struct stats_proto *s;
} protos[] = {
	{ "link", &lwip_stats.link }, { "etharp", &lwip_stats.etharp }, { "ip_frag", &lwip_stats.ip_frag },
	{ "ip", &lwip_stats.ip },     { "icmp", &lwip_stats.icmp },     { "udp", &lwip_stats.udp },
	{ "tcp", &lwip_stats.tcp },
};

#define P(f, h) { "nagare_lwip_" #f "_total", h, offsetof(struct stats_proto, f) }
static const struct {
	const char *name, *help;
	size_t off;
} proto_fields[] = {
	P(xmit, "lwIP: packets transmitted."), P(recv, "lwIP: packets received."),
	P(fw, "lwIP: packets forwarded."),     P(drop, "lwIP: packets dropped."),
	P(chkerr, "lwIP: checksum errors."),   P(lenerr, "lwIP: invalid length errors."),
	P(memerr, "lwIP: out of memory errors."), P(rterr, "lwIP: routing errors."),
	P(proterr, "lwIP: protocol errors."),  P(opterr, "lwIP: errors in options."),
	P(err, "lwIP: other errors."),         P(cachehit, "lwIP: cache hits."),
};


#define POOL(f, t, h) { "nagare_lwip_memp_" f, t, h }
static const struct {
	const char *name, *type, *help;
} pool_fields[] = {
	POOL("used", "gauge", "lwIP pool elements in use."),
	POOL("max", "gauge", "Most lwIP pool elements ever in use at once."),
	POOL("avail", "gauge", "lwIP pool size: the most elements that may be live."),
	POOL("errors_total", "counter", "lwIP pool allocations refused."),
	POOL("illegal_total", "counter", "lwIP pool frees of elements not allocated."),
};

static uint64_t pool_value(const struct stats_mem *m, size_t field)
{
	switch (field) {
	case 0: return m->used;
	case 1: return m->max;
	case 2: return m->avail;
	case 3: return m->err;
	default: return m->illegal;
	}
}

void metrics_lwip(struct sbuf *b)
{
	char name[80];
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		const struct counter *c = &counters[i];
		snprintf(name, sizeof(name), "nagare_netstat_%s_total", c->name);
		metrics_one(b, name, "counter", c->help,
			    c->wide ? *(const uint64_t *)c->p : *(const u32_t *)c->p);
	}
	metrics_one(b, "nagare_netstat_Ip_Forwarding", "gauge", "1: forwarding, 2: host (SNMP).",
		    IP_FORWARD ? 1 : 2);
	metrics_one(b, "nagare_netstat_Tcp_CurrEstab", "gauge",
		    "TCP connections in ESTABLISHED or CLOSE-WAIT.", netstat_curr_estab());
	metrics_one(b, "nagare_tcp_timewait_sockets", "gauge", "TCP connections in TIME-WAIT.",
		    tcp_tw_count);
	for (size_t f = 0; f < sizeof(proto_fields) / sizeof(proto_fields[0]); f++) {
		metrics_family(b, proto_fields[f].name, "counter", proto_fields[f].help);
		for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
			const char *s = (const char *)protos[i].s + proto_fields[f].off;
			metrics_label_sample(b, proto_fields[f].name, "proto", protos[i].name,
					     *(const STAT_COUNTER *)s);
		}
	}
	for (size_t f = 0; f < sizeof(pool_fields) / sizeof(pool_fields[0]); f++) {
		metrics_family(b, pool_fields[f].name, pool_fields[f].type, pool_fields[f].help);
		for (int i = 0; i < MEMP_MAX; i++) {
			if (lwip_stats.memp[i])
				metrics_label_sample(b, pool_fields[f].name, "pool", net_pool_names[i],
						     pool_value(lwip_stats.memp[i], f));
		}
	}
}
