/*
 * lwIP's counters in the registry (net/core/counter.h): the code that counts
 * them is lwIP's (its SNMP MIB-2 counters in lwip_stats.mib2, its
 * per-protocol struct stats_proto, memory pools, and the counters of our
 * patches 0002 (TIME-WAIT) and 0013 (ARP queues)), so they are declared
 * here, at the boundary.  netstat -s words and order are net-tools'
 * (statistics.c over /proc/net/snmp and /proc/net/netstat).
 */
#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "net/core/counter.h"
#include "net/core/net.h"
#include "net/core/netstat.h"

#define MIB lwip_stats.mib2

/* SNMP ipForwarding: 1 forwarding, 2 host. */
static uint64_t ip_forwarding(void)
{
	return IP_FORWARD ? 1 : 2;
}

COUNTER_FN(Ip, 10, Forwarding, ip_forwarding, COUNTER_F_GAUGE, ALWAYS, NULL, "1: forwarding, 2: host (SNMP).");
COUNTER(Ip, 20, InReceives, MIB.ipinreceives, NUM, "total packets received", "IP datagrams received.");
COUNTER(Ip, 30, InHdrErrors, MIB.ipinhdrerrors, OPT, "with invalid headers", "IP datagrams with invalid headers.");
COUNTER(Ip, 40, InAddrErrors, MIB.ipinaddrerrors, OPT, "with invalid addresses", "IP datagrams with invalid addresses.");
COUNTER(Ip, 50, ForwDatagrams, MIB.ipforwdatagrams, NUM, "forwarded", "IP datagrams forwarded.");
COUNTER(Ip, 60, InUnknownProtos, MIB.ipinunknownprotos, OPT, "with unknown protocol", "IP datagrams with unknown protocol.");
COUNTER(Ip, 70, InDiscards, MIB.ipindiscards, NUM, "incoming packets discarded", "Incoming IP datagrams discarded.");
COUNTER(Ip, 80, InDelivers, MIB.ipindelivers, NUM, "incoming packets delivered", "Incoming IP datagrams delivered.");
COUNTER(Ip, 90, OutRequests, MIB.ipoutrequests, NUM, "requests sent out", "IP datagrams sent out.");
COUNTER(Ip, 100, OutDiscards, MIB.ipoutdiscards, OPT, "outgoing packets dropped", "Outgoing IP datagrams dropped.");
COUNTER(Ip, 110, OutNoRoutes, MIB.ipoutnoroutes, OPT, "dropped because of missing route", "IP datagrams dropped: no route.");
COUNTER(Ip, 120, ReasmReqds, MIB.ipreasmreqds, OPT, "reassemblies required", "IP fragments needing reassembly.");
COUNTER(Ip, 130, ReasmOKs, MIB.ipreasmoks, OPT, "packets reassembled ok", "IP datagrams reassembled.");
COUNTER(Ip, 140, ReasmFails, MIB.ipreasmfails, OPT, "packet reassemblies failed", "IP reassemblies failed.");
COUNTER(Ip, 150, FragOKs, MIB.ipfragoks, OPT, "outgoing packets fragmented ok", "IP datagrams fragmented.");
COUNTER(Ip, 160, FragFails, MIB.ipfragfails, OPT, "outgoing packets failed fragmentation", "IP datagrams that failed fragmentation.");
/* lwIP never counts mib2.ipfragcreates; ip4_frag counts each fragment here */
COUNTER(Ip, 170, FragCreates, lwip_stats.ip_frag.xmit, OPT, "fragments created", "IP fragments created.");

COUNTER(Icmp, 10, InMsgs, MIB.icmpinmsgs, NUM, "ICMP messages received", "ICMP messages received.");
COUNTER(Icmp, 20, InErrors, MIB.icmpinerrors, NUM, "input ICMP message failed", "ICMP messages received with errors.");
COUNTER(Icmp, 30, InCsumErrors, lwip_stats.icmp.chkerr, NAMED, NULL, "ICMP messages with bad checksums.");
COUNTER_TITLE(Icmp, 40, InHistogram, "ICMP input histogram:"); /* net-tools prints it even when all are 0 */
COUNTER(Icmp, 50, InDestUnreachs, MIB.icmpindestunreachs, HIST, "destination unreachable", "ICMP destination unreachable received.");
COUNTER(Icmp, 60, InTimeExcds, MIB.icmpintimeexcds, HIST, "timeout in transit", "ICMP time exceeded received.");
COUNTER(Icmp, 70, InParmProbs, MIB.icmpinparmprobs, HIST, "wrong parameters", "ICMP parameter problems received.");
COUNTER(Icmp, 80, InSrcQuenchs, MIB.icmpinsrcquenchs, HIST, "source quenches", "ICMP source quenches received.");
COUNTER(Icmp, 90, InRedirects, MIB.icmpinredirects, HIST, "redirects", "ICMP redirects received.");
COUNTER(Icmp, 100, InEchos, MIB.icmpinechos, HIST, "echo requests", "ICMP echo requests received.");
COUNTER(Icmp, 110, InEchoReps, MIB.icmpinechoreps, HIST, "echo replies", "ICMP echo replies received.");
COUNTER(Icmp, 120, InTimestamps, MIB.icmpintimestamps, HIST, "timestamp request", "ICMP timestamp requests received.");
COUNTER(Icmp, 130, InTimestampReps, MIB.icmpintimestampreps, HIST, "timestamp reply", "ICMP timestamp replies received.");
COUNTER(Icmp, 140, InAddrMasks, MIB.icmpinaddrmasks, HIST, "address mask request", "ICMP address mask requests received.");
COUNTER(Icmp, 150, InAddrMaskReps, MIB.icmpinaddrmaskreps, HIST, "address mask replies", "ICMP address mask replies received.");
COUNTER(Icmp, 160, OutMsgs, MIB.icmpoutmsgs, NUM, "ICMP messages sent", "ICMP messages sent.");
COUNTER(Icmp, 170, OutErrors, MIB.icmpouterrors, NUM, "ICMP messages failed", "ICMP messages that failed to send.");
COUNTER_TITLE(Icmp, 180, OutHistogram, "ICMP output histogram:");
COUNTER(Icmp, 190, OutDestUnreachs, MIB.icmpoutdestunreachs, HIST, "destination unreachable", "ICMP destination unreachable sent.");
COUNTER(Icmp, 200, OutTimeExcds, MIB.icmpouttimeexcds, HIST, "time exceeded", "ICMP time exceeded sent.");
COUNTER(Icmp, 210, OutEchos, MIB.icmpoutechos, HIST, "echo requests", "ICMP echo requests sent.");
COUNTER(Icmp, 220, OutEchoReps, MIB.icmpoutechoreps, HIST, "echo replies", "ICMP echo replies sent.");

/* Linux's IcmpMsg: the same counts by ICMP type (/metrics has them as Icmp's). */
#define ICMPMSG(ord, name, var) \
	COUNTER_ROW(IcmpMsg, ord, name, HIST, COUNTER_F_NOMETRIC, sizeof(var), { .p = &(var) }, #name, NULL)
ICMPMSG(10, InType0, MIB.icmpinechoreps);
ICMPMSG(20, InType3, MIB.icmpindestunreachs);
ICMPMSG(30, InType4, MIB.icmpinsrcquenchs);
ICMPMSG(40, InType5, MIB.icmpinredirects);
ICMPMSG(50, InType8, MIB.icmpinechos);
ICMPMSG(60, InType11, MIB.icmpintimeexcds);
ICMPMSG(70, InType12, MIB.icmpinparmprobs);
ICMPMSG(80, InType13, MIB.icmpintimestamps);
ICMPMSG(90, InType14, MIB.icmpintimestampreps);
ICMPMSG(100, InType17, MIB.icmpinaddrmasks);
ICMPMSG(110, InType18, MIB.icmpinaddrmaskreps);
ICMPMSG(120, OutType0, MIB.icmpoutechoreps);
ICMPMSG(130, OutType3, MIB.icmpoutdestunreachs);
ICMPMSG(140, OutType8, MIB.icmpoutechos);
ICMPMSG(150, OutType11, MIB.icmpouttimeexcds);

/* Linux's CurrEstab: connections in ESTABLISHED or CLOSE_WAIT. */
unsigned netstat_curr_estab(void)
{
	unsigned n = 0;
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next) {
		if (pcb->state == ESTABLISHED || pcb->state == CLOSE_WAIT)
			n++;
	}
	return n;
}

static uint64_t curr_estab(void)
{
	return netstat_curr_estab();
}

COUNTER(Tcp, 10, ActiveOpens, MIB.tcpactiveopens, NUM, "active connection openings", "TCP active connection openings.");
COUNTER(Tcp, 20, PassiveOpens, MIB.tcppassiveopens, NUM, "passive connection openings", "TCP passive connection openings.");
COUNTER(Tcp, 30, AttemptFails, MIB.tcpattemptfails, NUM, "failed connection attempts", "TCP failed connection attempts.");
COUNTER(Tcp, 40, EstabResets, MIB.tcpestabresets, NUM, "connection resets received", "TCP connection resets received.");
COUNTER_FN(Tcp, 50, CurrEstab, curr_estab, COUNTER_F_GAUGE, NUM, "connections established", "TCP connections in ESTABLISHED or CLOSE-WAIT.");
COUNTER(Tcp, 60, InSegs, MIB.tcpinsegs, NUM, "segments received", "TCP segments received.");
COUNTER(Tcp, 70, OutSegs, MIB.tcpoutsegs, NUM, "segments sent out", "TCP segments sent.");
COUNTER(Tcp, 80, RetransSegs, MIB.tcpretranssegs, NUM, "segments retransmitted", "TCP segments retransmitted.");
COUNTER(Tcp, 90, InErrs, MIB.tcpinerrs, NUM, "bad segments received", "Bad TCP segments received.");
COUNTER(Tcp, 100, OutRsts, MIB.tcpoutrsts, NUM, "resets sent", "TCP resets sent.");
COUNTER(Tcp, 110, InCsumErrors, lwip_stats.tcp.chkerr, NAMED, NULL, "TCP segments with bad checksums.");

/* No socket buffers (callbacks take the data): Linux's two are always 0 here. */
static const uint32_t no_buffers;
COUNTER(Udp, 10, InDatagrams, MIB.udpindatagrams, NUM, "packets received", "UDP datagrams received.");
COUNTER(Udp, 20, NoPorts, MIB.udpnoports, NUM, "packets to unknown port received", "UDP datagrams to unknown ports.");
COUNTER(Udp, 30, InErrors, MIB.udpinerrors, NUM, "packet receive errors", "UDP receive errors.");
COUNTER(Udp, 40, OutDatagrams, MIB.udpoutdatagrams, NUM, "packets sent", "UDP datagrams sent.");
COUNTER_ROW(Udp, 50, RcvbufErrors, NUM, COUNTER_F_NOMETRIC, 4, { .p = &no_buffers }, "receive buffer errors", NULL);
COUNTER_ROW(Udp, 60, SndbufErrors, NUM, COUNTER_F_NOMETRIC, 4, { .p = &no_buffers }, "send buffer errors", NULL);
COUNTER(Udp, 70, InCsumErrors, lwip_stats.udp.chkerr, NAMED, NULL, "UDP datagrams with bad checksums.");

/* Patch 0002's TIME-WAIT counters. */
COUNTER(TcpExt, 100, TCPTimeWaitOverflow, tcp_tw_overflows, NAMED, NULL, "Closed without TIME-WAIT: too many buckets.");
/* Patch 0027's counters.  TCPTimeouts is Linux's one count of every
 * retransmission timer firing: lwIP's RTOs and the SYN-ACK timer of
 * net/ipv4/listen.c (tcp_retransmit_timer and tcp_syn_ack_timeout). */
COUNTER(TcpExt, 50, TCPTimeouts, tcp_timeouts, OPT, "other TCP timeouts", "Retransmission timer firings: RTOs and SYN-ACKs.");
COUNTER(TcpExt, 45, TCPLostRetransmit, tcp_lost_retransmits, NAMED, NULL, "Retransmissions found lost again (by SACK).");
COUNTER(TcpExt, 900, TWRecycled, tcp_tw_recycled, NONE, NULL, "TIME-WAIT ended early by a new SYN.");
COUNTER_GAUGE(tcp, 10, timewait_sockets, tcp_tw_count, NONE, NULL, "TCP connections in TIME-WAIT.");

COUNTER(IpExt, 10, InTruncatedPkts, lwip_stats.ip.lenerr, NAMED, NULL, "IP datagrams shorter than their header says.");
COUNTER(IpExt, 20, InCsumErrors, lwip_stats.ip.chkerr, NAMED, NULL, "IP headers with bad checksums.");

/* lwIP's ethernet_input counts frames it cannot use (unknown EtherType such
 * as IPv6, runts, bad ARP) as etharp drops (/metrics: nagare_lwip_drop_total). */
COUNTER_ROW(NagareExt, 80, EthernetDrops, ALWAYS, COUNTER_F_NOMETRIC, sizeof(lwip_stats.etharp.drop),
	    { .p = &lwip_stats.etharp.drop }, NULL, NULL);
/* Linux's unres_discards (/proc/net/stat/arp_cache): packets dropped from a
 * full queue of a neighbour being resolved (patch 0013). */
COUNTER(NagareExt, 90, ArpUnresDiscards, etharp_unres_discards, ALWAYS, NULL,
	"Packets dropped from a full queue of a neighbour awaiting ARP (Linux unres_discards).");

/* lwIP's per-protocol counters (struct stats_proto), by protocol. */
static const struct {
	const char *name;
	const struct stats_proto *s;
} protos[] = {
	{ "link", &lwip_stats.link }, { "etharp", &lwip_stats.etharp }, { "ip_frag", &lwip_stats.ip_frag },
	{ "ip", &lwip_stats.ip },     { "icmp", &lwip_stats.icmp },     { "udp", &lwip_stats.udp },
	{ "tcp", &lwip_stats.tcp },
};

int counter_lwip_proto(int i, const void **obj, const char **label)
{
	if (i >= (int)(sizeof(protos) / sizeof(protos[0])))
		return -1;
	*obj = protos[i].s;
	*label = protos[i].name;
	return 1;
}

#define PROTO(ord, f, help) COUNTER_FIELD(lwip, ord, f, struct stats_proto, f, 0, NONE, help)
PROTO(10, xmit, "lwIP: packets transmitted.");
PROTO(20, recv, "lwIP: packets received.");
PROTO(30, fw, "lwIP: packets forwarded.");
PROTO(40, drop, "lwIP: packets dropped.");
PROTO(50, chkerr, "lwIP: checksum errors.");
PROTO(60, lenerr, "lwIP: invalid length errors.");
PROTO(70, memerr, "lwIP: out of memory errors.");
PROTO(80, rterr, "lwIP: routing errors.");
PROTO(90, proterr, "lwIP: protocol errors.");
PROTO(100, opterr, "lwIP: errors in options.");
PROTO(110, err, "lwIP: other errors.");
PROTO(120, cachehit, "lwIP: cache hits.");

/* Each memory pool (MEMP_STATS; with patch 0001 `avail` is the pool's
 * limit even though elements come from the heap). */
int counter_lwip_pool(int i, const void **obj, const char **label)
{
	if (i >= MEMP_MAX)
		return -1;
	if (!lwip_stats.memp[i])
		return 0;
	*obj = lwip_stats.memp[i];
	*label = net_pool_names[i];
	return 1;
}

COUNTER_FIELD(memp, 10, used, struct stats_mem, used, COUNTER_F_GAUGE, NONE, "lwIP pool elements in use.");
COUNTER_FIELD(memp, 20, max, struct stats_mem, max, COUNTER_F_GAUGE, NONE, "Most lwIP pool elements ever in use at once.");
COUNTER_FIELD(memp, 30, avail, struct stats_mem, avail, COUNTER_F_GAUGE, NONE, "lwIP pool size: the most elements that may be live.");
COUNTER_FIELD(memp, 40, errors, struct stats_mem, err, 0, NONE, "lwIP pool allocations refused.");
COUNTER_FIELD(memp, 50, illegal, struct stats_mem, illegal, 0, NONE, "lwIP pool frees of elements not allocated.");
