/*
 * `netstat -s`: protocol statistics in net-tools' words and order (its
 * statistics.c reading Linux's /proc/net/snmp and /proc/net/netstat),
 * from lwIP's SNMP MIB-2 counters (lwip_stats.mib2), lwIP's per-protocol
 * counters, netstat_ext (net/netstat.h) and the netdev layer.  As in
 * net-tools, "optional" lines appear only when nonzero and counters with
 * no sentence print as "Name: value"; the exceptions are TcpExt's
 * ListenOverflows and ListenDrops, always shown.  NagareExt is ours:
 * receive backlog, device and ARP queue drops that Linux shows elsewhere
 * (/proc/net/softnet_stat, ip -s link, /proc/net/stat/arp_cache).
 */
#include <stdint.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/etharp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "net/napi.h"
#include "net/net.h"
#include "net/netdev_priv.h"
#include "net/netstat.h"

struct netstat_ext netstat_ext;

#define MIB (&lwip_stats.mib2)

/* "    12 incoming packets delivered" */
static void num(uint64_t v, const char *text)
{
	con_printf("    %lu %s\n", (unsigned long)v, text);
}

/* net-tools' opt_number: only when nonzero. */
static void opt(uint64_t v, const char *text)
{
	if (v)
		num(v, text);
}

/* A counter net-tools has no sentence for: "    Name: value", nonzero only. */
static void named(uint64_t v, const char *name)
{
	if (v)
		con_printf("    %s: %lu\n", name, (unsigned long)v);
}

static void show_ip(void)
{
	con_printf("Ip:\n");
	con_printf("    Forwarding: %d\n", IP_FORWARD ? 1 : 2); /* SNMP ipForwarding: 2 = host */
	num(MIB->ipinreceives, "total packets received");
	opt(MIB->ipinhdrerrors, "with invalid headers");
	opt(MIB->ipinaddrerrors, "with invalid addresses");
	num(MIB->ipforwdatagrams, "forwarded");
	opt(MIB->ipinunknownprotos, "with unknown protocol");
	num(MIB->ipindiscards, "incoming packets discarded");
	num(MIB->ipindelivers, "incoming packets delivered");
	num(MIB->ipoutrequests, "requests sent out");
	opt(MIB->ipoutdiscards, "outgoing packets dropped");
	opt(MIB->ipoutnoroutes, "dropped because of missing route");
	opt(MIB->ipreasmreqds, "reassemblies required");
	opt(MIB->ipreasmoks, "packets reassembled ok");
	opt(MIB->ipreasmfails, "packet reassemblies failed");
	opt(MIB->ipfragoks, "outgoing packets fragmented ok");
	opt(MIB->ipfragfails, "outgoing packets failed fragmentation");
	opt(lwip_stats.ip_frag.xmit, "fragments created");
}

struct hist {
	const char *name;
	u32_t v;
};

/* net-tools prints the title even when every entry is zero. */
static void histogram(const char *title, const struct hist *h, size_t n)
{
	con_printf("    %s\n", title);
	for (size_t i = 0; i < n; i++) {
		if (h[i].v)
			con_printf("        %s: %u\n", h[i].name, (unsigned)h[i].v);
	}
}

static void show_icmp(void)
{
	const struct hist in[] = {
		{ "destination unreachable", MIB->icmpindestunreachs },
		{ "timeout in transit", MIB->icmpintimeexcds },
		{ "wrong parameters", MIB->icmpinparmprobs },
		{ "source quenches", MIB->icmpinsrcquenchs },
		{ "redirects", MIB->icmpinredirects },
		{ "echo requests", MIB->icmpinechos },
		{ "echo replies", MIB->icmpinechoreps },
		{ "timestamp request", MIB->icmpintimestamps },
		{ "timestamp reply", MIB->icmpintimestampreps },
		{ "address mask request", MIB->icmpinaddrmasks },
		{ "address mask replies", MIB->icmpinaddrmaskreps },
	};
	const struct hist out[] = {
		{ "destination unreachable", MIB->icmpoutdestunreachs },
		{ "time exceeded", MIB->icmpouttimeexcds },
		{ "echo requests", MIB->icmpoutechos },
		{ "echo replies", MIB->icmpoutechoreps },
	};
	con_printf("Icmp:\n");
	num(MIB->icmpinmsgs, "ICMP messages received");
	num(MIB->icmpinerrors, "input ICMP message failed");
	named(lwip_stats.icmp.chkerr, "InCsumErrors");
	histogram("ICMP input histogram:", in, sizeof(in) / sizeof(in[0]));
	num(MIB->icmpoutmsgs, "ICMP messages sent");
	num(MIB->icmpouterrors, "ICMP messages failed");
	histogram("ICMP output histogram:", out, sizeof(out) / sizeof(out[0]));
}

/* Linux's IcmpMsg: per-type counts, the section only when one is nonzero. */
static void show_icmpmsg(void)
{
	const struct {
		const char *name;
		u32_t v;
	} t[] = {
		{ "InType0", MIB->icmpinechoreps },      { "InType3", MIB->icmpindestunreachs },
		{ "InType4", MIB->icmpinsrcquenchs },    { "InType5", MIB->icmpinredirects },
		{ "InType8", MIB->icmpinechos },         { "InType11", MIB->icmpintimeexcds },
		{ "InType12", MIB->icmpinparmprobs },    { "InType13", MIB->icmpintimestamps },
		{ "InType14", MIB->icmpintimestampreps }, { "InType17", MIB->icmpinaddrmasks },
		{ "InType18", MIB->icmpinaddrmaskreps }, { "OutType0", MIB->icmpoutechoreps },
		{ "OutType3", MIB->icmpoutdestunreachs }, { "OutType8", MIB->icmpoutechos },
		{ "OutType11", MIB->icmpouttimeexcds },
	};
	int any = 0;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!t[i].v)
			continue;
		if (!any++)
			con_printf("IcmpMsg:\n");
		con_printf("        %s: %u\n", t[i].name, (unsigned)t[i].v);
	}
}

unsigned netstat_curr_estab(void)
{
	unsigned n = 0;
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next) {
		if (pcb->state == ESTABLISHED || pcb->state == CLOSE_WAIT)
			n++;
	}
	return n;
}

static void show_tcp(void)
{
	con_printf("Tcp:\n");
	num(MIB->tcpactiveopens, "active connection openings");
	num(MIB->tcppassiveopens, "passive connection openings");
	num(MIB->tcpattemptfails, "failed connection attempts");
	num(MIB->tcpestabresets, "connection resets received");
	num(netstat_curr_estab(), "connections established");
	num(MIB->tcpinsegs, "segments received");
	num(MIB->tcpoutsegs, "segments sent out");
	num(MIB->tcpretranssegs, "segments retransmitted");
	num(MIB->tcpinerrs, "bad segments received");
	num(MIB->tcpoutrsts, "resets sent");
	named(lwip_stats.tcp.chkerr, "InCsumErrors");
}

static void show_udp(void)
{
	con_printf("Udp:\n");
	num(MIB->udpindatagrams, "packets received");
	num(MIB->udpnoports, "packets to unknown port received");
	num(MIB->udpinerrors, "packet receive errors");
	num(MIB->udpoutdatagrams, "packets sent");
	num(0, "receive buffer errors"); /* no socket buffers: callbacks take the data */
	num(0, "send buffer errors");
	named(lwip_stats.udp.chkerr, "InCsumErrors");
	con_printf("UdpLite:\n");
}

static void show_ext(void)
{
	const struct netstat_ext *x = &netstat_ext;
	con_printf("TcpExt:\n");
	opt(x->syncookies_sent, "SYN cookies sent");
	opt(x->syncookies_recv, "SYN cookies received");
	opt(x->syncookies_failed, "invalid SYN cookies received");
	num(x->embryonic_rsts, "resets received for embryonic SYN_RECV sockets");
	opt(x->tcp_timeouts, "other TCP timeouts");
	num(x->listen_overflows, "times the listen queue of a socket overflowed");
	num(x->listen_drops, "SYNs to LISTEN sockets dropped");
	opt(x->ofo_pruned, "packets dropped from out-of-order queue because of socket buffer overrun");
	opt(x->tcp_rcv_collapsed, "packets collapsed in receive queue due to low socket buffer");
	named(tcp_tw_overflows, "TCPTimeWaitOverflow");
	named(x->tcp_req_qfull_do_cookies, "TCPReqQFullDoCookies");
	named(x->tcp_req_qfull_drop, "TCPReqQFullDrop");
	named(x->tcp_syn_retrans, "TCPSynRetrans");
	named(x->tcp_rcvq_drop, "TCPRcvQDrop");
	named(x->tcp_memory_pressures, "TCPMemoryPressures");
	opt(x->tcp_abort_on_memory, "connections aborted due to memory pressure");
	con_printf("IpExt:\n");
	named(lwip_stats.ip.lenerr, "InTruncatedPkts");
	named(lwip_stats.ip.chkerr, "InCsumErrors");
}

static void show_nagare(void)
{
	struct netdev_stats sum = { 0 };
	uint64_t txq_drops = 0;
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		sum.rx_dropped += dev->stats.rx_dropped;
		sum.rx_errors += dev->stats.rx_errors;
		sum.tx_dropped += dev->stats.tx_dropped;
		sum.tx_errors += dev->stats.tx_errors;
		txq_drops += netdev_state(dev)->tx_queue_drops;
	}
	con_printf("NagareExt:\n");
	con_printf("    BacklogDrops: %lu\n", (unsigned long)softnet.dropped);
	con_printf("    TimeSqueeze: %lu\n", (unsigned long)softnet.time_squeeze);
	con_printf("    RxDropped: %lu\n", (unsigned long)sum.rx_dropped);
	con_printf("    RxErrors: %lu\n", (unsigned long)sum.rx_errors);
	con_printf("    TxDropped: %lu\n", (unsigned long)sum.tx_dropped);
	con_printf("    TxErrors: %lu\n", (unsigned long)sum.tx_errors);
	con_printf("    TxQueueDrops: %lu\n", (unsigned long)txq_drops);
	/* lwIP's ethernet_input counts frames it cannot use (unknown EtherType
	 * such as IPv6, runts, bad ARP) as etharp drops */
	con_printf("    EthernetDrops: %u\n", (unsigned)lwip_stats.etharp.drop);
	/* Linux's unres_discards (/proc/net/stat/arp_cache): packets dropped
	 * from a full queue of a neighbour being resolved (patch 0013) */
	con_printf("    ArpUnresDiscards: %lu\n", etharp_unres_discards);
	con_printf("    LwipAssertFailures: %lu\n", (unsigned long)net_lwip_asserts);
}

static int cmd_netstat(int argc, char **argv)
{
	int stats = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--statistics")) {
			stats = 1;
		} else if (a[0] == '-' && a[1] == '-') {
			con_printf("netstat: unrecognized option '%s'\n", a);
			return 1;
		} else if (a[0] == '-' && a[1]) {
			size_t bad = 1;
			while (a[bad] == 's') /* -ss is -s */
				bad++;
			if (a[bad]) {
				con_printf("netstat: invalid option -- '%c'\n", a[bad]);
				return 1;
			}
			stats = 1;
		} else {
			con_printf("netstat: unexpected argument '%s'\n", a);
			return 1;
		}
	}
	if (!stats) {
		con_printf("netstat: only 'netstat -s' is supported (sockets: see 'ip', devices: 'ip -s link')\n");
		return 1;
	}
	show_ip();
	show_icmp();
	show_icmpmsg();
	show_tcp();
	show_udp();
	show_ext();
	show_nagare();
	return 0;
}
CONSOLE_CMD(netstat, "netstat", cmd_netstat, "netstat -s", "protocol statistics (IP, ICMP, TCP, UDP)");
