/*
 * The counter registry (net/core/counter.h) on the glue world: its rows are
 * unique (per section, by name and by place), every /metrics family it
 * makes is named once and in Prometheus's syntax (text exposition format
 * 0.0.4), and `netstat -s` over a known set of counter values is exactly
 * the text net/core/cmd_netstat.c printed before the registry (net-tools'
 * words and order), as is ethtool -S's stack part.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "net/core/counter.h"
#include "net/http/http.h"
#include "net/http/sbuf.h"
#include "net/core/napi.h"
#include "net/core/net.h"
#include "net/core/netdev_priv.h"
#include "net/core/netstat.h"
#include "net/ipv4/tsq.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"

#define METRIC_NAME "^[a-zA-Z_:][a-zA-Z0-9_:]*$"

static int valid_name(const char *name)
{
	regex_t re;
	ck_assert_int_eq(regcomp(&re, METRIC_NAME, REG_EXTENDED | REG_NOSUB), 0);
	int ok = !regexec(&re, name, 0, NULL, 0);
	regfree(&re);
	return ok;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n >= m && !strcmp(s + n - m, tail);
}

START_TEST(registry_rows_unique_and_metric_names_valid)
{
	int n = counter_count();
	ck_assert_int_gt(n, 100);
	char (*names)[80] = calloc((size_t)n, sizeof(*names));
	ck_assert_ptr_nonnull(names);
	for (int i = 0; i < n; i++) {
		const struct counter *a = counter_get(i);
		ck_assert_int_lt(a->sec, COUNTER_NSEC);
		if (i)
			ck_assert_msg(counter_get(i - 1)->sec <= a->sec, "%s out of order", a->name);
		for (int j = 0; j < i; j++) {
			const struct counter *b = counter_get(j);
			if (a->sec != b->sec)
				continue;
			ck_assert_msg(strcmp(a->name, b->name), "%s twice in section %d", a->name, a->sec);
			ck_assert_msg(a->ord != b->ord, "%s and %s share ord %u", a->name, b->name, a->ord);
		}
		int prose = a->line == COUNTER_LINE_NUM || a->line == COUNTER_LINE_OPT ||
			    a->line == COUNTER_LINE_HIST || a->line == COUNTER_LINE_TITLE;
		ck_assert_msg(!prose || a->text, "%s: its line needs a sentence", a->name);
		if (counter_metric_name(a, names[i], sizeof(names[i]))) {
			ck_assert_msg(a->flags & COUNTER_F_NOMETRIC, "%s: name too long", a->name);
			names[i][0] = 0;
			continue;
		}
		ck_assert_msg(valid_name(names[i]), "bad metric name %s", names[i]);
		ck_assert_msg(ends_with(names[i], "_total") == !(a->flags & COUNTER_F_GAUGE), "%s", names[i]);
		ck_assert_msg(a->help && *a->help && !strpbrk(a->help, "\\\n"), "%s: bad help", names[i]);
		for (int j = 0; j < i; j++)
			ck_assert_msg(strcmp(names[i], names[j]), "metric %s twice", names[i]);
	}
	free(names);
}
END_TEST

/* Every family of the whole /metrics body: one # TYPE, a valid name,
 * counters ending in _total, and the registry's all there. */
START_TEST(metrics_families_unique_and_valid)
{
	struct sbuf b;
	sbuf_init(&b);
	http_metrics(&b);
	ck_assert(!b.oom);
	sbuf_add(&b, "", 1);
	char *text = b.p, *save = NULL;
	int nfam = 0, cap = 512;
	char (*fam)[96] = calloc((size_t)cap, sizeof(*fam));
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[96], type[16];
		if (sscanf(line, "# TYPE %95s %15s", name, type) != 2)
			continue;
		ck_assert_msg(valid_name(name), "bad family name %s", name);
		ck_assert_msg(ends_with(name, "_total") == !strcmp(type, "counter"), "%s %s", name, type);
		for (int j = 0; j < nfam; j++)
			ck_assert_msg(strcmp(fam[j], name), "family %s twice", name);
		ck_assert_int_lt(nfam, cap);
		snprintf(fam[nfam++], sizeof(fam[0]), "%s", name);
	}
	for (int i = 0; i < counter_count(); i++) {
		char name[80];
		int found = 0;
		if (counter_metric_name(counter_get(i), name, sizeof(name)))
			continue;
		for (int j = 0; j < nfam && !found; j++)
			found = !strcmp(fam[j], name);
		ck_assert_msg(found, "%s missing from /metrics", name);
	}
	free(fam);
	sbuf_free(&b);
}
END_TEST

/* ---- a known counter set --------------------------------------------------- */

static struct {
	struct stats_mib2 mib2;
	struct stats_proto proto[7];
	struct netstat_ext ext;
	u32_t tw_overflows, tw_recycled, timeouts, lost_rexmits;
	uint64_t asserts, tsq;
	unsigned long unres;
	struct softnet_stat softnet;
	struct netdev_stats dev;
	struct netdev_state st;
} saved;

static struct stats_proto *const protos[7] = {
	&lwip_stats.link, &lwip_stats.etharp, &lwip_stats.ip_frag, &lwip_stats.ip,
	&lwip_stats.icmp, &lwip_stats.udp, &lwip_stats.tcp,
};

static void fill32(void *p, size_t n, uint32_t base)
{
	for (size_t i = 0; i < n / 4; i++)
		((uint32_t *)p)[i] = base + (uint32_t)i;
}

static void fill64(void *p, size_t n, uint64_t base)
{
	for (size_t i = 0; i < n / 8; i++)
		((uint64_t *)p)[i] = base + i;
}

/* Each counter its own value: MIB-2 from 1000 in field order, lwIP's
 * protocols from 2000 (100 apart), netstat_ext from 3000, ours from
 * 4001, softnet from 5000, eth0's ip -s link counters from 6000 and its
 * stack counters from 7001.  Saved first: known_restore() puts it back. */
static void known_set(void)
{
	struct netdev *dev = netdev_get(0);
	struct netdev_state *st = netdev_state(dev);
	saved.mib2 = lwip_stats.mib2;
	for (int i = 0; i < 7; i++)
		saved.proto[i] = *protos[i];
	saved.ext = netstat_ext;
	saved.tw_overflows = tcp_tw_overflows, saved.tw_recycled = tcp_tw_recycled;
	saved.timeouts = tcp_timeouts, saved.lost_rexmits = tcp_lost_retransmits;
	saved.asserts = net_lwip_asserts, saved.unres = etharp_unres_discards;
	saved.tsq = tsq_throttled;
	saved.softnet = softnet, saved.dev = dev->stats, saved.st = *st;

	fill32(&lwip_stats.mib2, sizeof(lwip_stats.mib2), 1000);
	for (int i = 0; i < 7; i++)
		fill32(protos[i], sizeof(*protos[i]), 2000 + 100 * (uint32_t)i);
	fill64(&netstat_ext, sizeof(netstat_ext), 3000);
	tcp_tw_overflows = 4001, tcp_tw_recycled = 4002;
	net_lwip_asserts = 4003, etharp_unres_discards = 4004, tsq_throttled = 4005;
	tcp_timeouts = 4006, tcp_lost_retransmits = 4007;
	fill64(&softnet, sizeof(softnet), 5000);
	fill64(&dev->stats, sizeof(dev->stats), 6000);
	st->tx_queue_drops = 7001, st->tx_linearized = 7002, st->rx_backlog_drops = 7003;
	st->rx_copybreak_frames = 7004, st->rx_copy_lowbuf = 7005, st->rx_copy_headers = 7006;
	st->rx_copy_nomem = 7007, st->rx_length_errors = 7008;
}

static void known_restore(void)
{
	struct netdev *dev = netdev_get(0);
	lwip_stats.mib2 = saved.mib2;
	for (int i = 0; i < 7; i++)
		*protos[i] = saved.proto[i];
	netstat_ext = saved.ext;
	tcp_tw_overflows = saved.tw_overflows, tcp_tw_recycled = saved.tw_recycled;
	tcp_timeouts = saved.timeouts, tcp_lost_retransmits = saved.lost_rexmits;
	net_lwip_asserts = saved.asserts, etharp_unres_discards = saved.unres;
	tsq_throttled = saved.tsq;
	softnet = saved.softnet, dev->stats = saved.dev, *netdev_state(dev) = saved.st;
}

/* What netstat -s printed for known_set() before the registry. */
static const char netstat_known[] =
	"Ip:\n"
	"    Forwarding: 2\n"
	"    1015 total packets received\n"
	"    1000 with invalid headers\n"
	"    1001 with invalid addresses\n"
	"    1014 forwarded\n"
	"    1002 with unknown protocol\n"
	"    1003 incoming packets discarded\n"
	"    1004 incoming packets delivered\n"
	"    1005 requests sent out\n"
	"    1006 outgoing packets dropped\n"
	"    1007 dropped because of missing route\n"
	"    1013 reassemblies required\n"
	"    1008 packets reassembled ok\n"
	"    1009 packet reassemblies failed\n"
	"    1010 outgoing packets fragmented ok\n"
	"    1011 outgoing packets failed fragmentation\n"
	"    2200 fragments created\n"
	"Icmp:\n"
	"    1029 ICMP messages received\n"
	"    1030 input ICMP message failed\n"
	"    InCsumErrors: 2404\n"
	"    ICMP input histogram:\n"
	"        destination unreachable: 1031\n"
	"        timeout in transit: 1032\n"
	"        wrong parameters: 1033\n"
	"        source quenches: 1034\n"
	"        redirects: 1035\n"
	"        echo requests: 1036\n"
	"        echo replies: 1037\n"
	"        timestamp request: 1038\n"
	"        timestamp reply: 1039\n"
	"        address mask request: 1040\n"
	"        address mask replies: 1041\n"
	"    1042 ICMP messages sent\n"
	"    1043 ICMP messages failed\n"
	"    ICMP output histogram:\n"
	"        destination unreachable: 1044\n"
	"        time exceeded: 1045\n"
	"        echo requests: 1046\n"
	"        echo replies: 1047\n"
	"IcmpMsg:\n"
	"        InType0: 1037\n"
	"        InType3: 1031\n"
	"        InType4: 1034\n"
	"        InType5: 1035\n"
	"        InType8: 1036\n"
	"        InType11: 1032\n"
	"        InType12: 1033\n"
	"        InType13: 1038\n"
	"        InType14: 1039\n"
	"        InType17: 1040\n"
	"        InType18: 1041\n"
	"        OutType0: 1047\n"
	"        OutType3: 1044\n"
	"        OutType8: 1046\n"
	"        OutType11: 1045\n"
	"Tcp:\n"
	"    1016 active connection openings\n"
	"    1017 passive connection openings\n"
	"    1018 failed connection attempts\n"
	"    1019 connection resets received\n"
	"    0 connections established\n"
	"    1022 segments received\n"
	"    1020 segments sent out\n"
	"    1021 segments retransmitted\n"
	"    1023 bad segments received\n"
	"    1024 resets sent\n"
	"    InCsumErrors: 2604\n"
	"Udp:\n"
	"    1025 packets received\n"
	"    1026 packets to unknown port received\n"
	"    1027 packet receive errors\n"
	"    1028 packets sent\n"
	"    0 receive buffer errors\n"
	"    0 send buffer errors\n"
	"    InCsumErrors: 2504\n"
	"UdpLite:\n"
	"TcpExt:\n"
	"    3002 SYN cookies sent\n"
	"    3003 SYN cookies received\n"
	"    3004 invalid SYN cookies received\n"
	"    3012 resets received for embryonic SYN_RECV sockets\n"
	"    TCPLostRetransmit: 4007\n"
	"    4006 other TCP timeouts\n"
	"    3000 times the listen queue of a socket overflowed\n"
	"    3001 SYNs to LISTEN sockets dropped\n"
	"    3009 packets dropped from out-of-order queue because of socket buffer overrun\n"
	"    3007 packets collapsed in receive queue due to low socket buffer\n"
	"    TCPTimeWaitOverflow: 4001\n"
	"    TCPReqQFullDoCookies: 3006\n"
	"    TCPReqQFullDrop: 3005\n"
	"    TCPSynRetrans: 3013\n"
	"    TCPRcvQDrop: 3008\n"
	"    TCPMemoryPressures: 3010\n"
	"    3011 connections aborted due to memory pressure\n"
	"IpExt:\n"
	"    InTruncatedPkts: 2305\n"
	"    InCsumErrors: 2304\n"
	"NagareExt:\n"
	"    BacklogDrops: 5001\n"
	"    TimeSqueeze: 5002\n"
	"    RxDropped: 6002\n"
	"    RxErrors: 6003\n"
	"    TxDropped: 6006\n"
	"    TxErrors: 6007\n"
	"    TxQueueDrops: 7001\n"
	"    EthernetDrops: 2103\n"
	"    ArpUnresDiscards: 4004\n"
	"    LwipAssertFailures: 4003\n"
	"    TSQThrottled: 4005\n"
	;

START_TEST(netstat_s_text_exact)
{
	glue_restore_init();
	known_set();
	int rc = glue_cmd("netstat -s");
	char *out = strdup(glue_console());
	rc |= glue_cmd("ethtool -S eth0");
	char *eth = strdup(glue_console());
	known_restore();
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out, netstat_known);
	ck_assert_ptr_nonnull(strstr(eth, "\n"
					  "     rx_backlog_drops: 7003\n"
					  "     rx_copybreak: 7004\n"
					  "     rx_copy_lowbuf: 7005\n"
					  "     rx_copy_headers: 7006\n"
					  "     rx_copy_nomem: 7007\n"
					  "     rx_length_errors: 7008\n"
					  "     tx_queue_drops: 7001\n"
					  "     tx_linearized: 7002\n"));
	free(out);
	free(eth);
	glue_restore();
}
END_TEST

/* The /metrics side of the same set: a value by name, as netstat -s has it. */
START_TEST(metrics_known_values)
{
	glue_restore_init();
	known_set();
	struct sbuf b;
	sbuf_init(&b);
	http_metrics(&b);
	sbuf_add(&b, "", 1);
	known_restore();
	static const char *const want[] = {
		"\nnagare_netstat_Ip_InReceives_total 1015\n",
		"\nnagare_netstat_Ip_FragCreates_total 2200\n", /* as netstat -s: fragments created */
		"\nnagare_netstat_TcpExt_ListenOverflows_total 3000\n",
		"\nnagare_netstat_TcpExt_TWRecycled_total 4002\n",
		"\nnagare_netstat_NagareExt_ArpUnresDiscards_total 4004\n",
		"\nnagare_netstat_NagareExt_LwipAssertFailures_total 4003\n",
		"\nnagare_netstat_NagareExt_TSQThrottled_total 4005\n",
		"\nnagare_softnet_dropped_total 5001\n",
		"\nnagare_netdev_rx_dropped_total{device=\"eth0\"} 6002\n",
		"\nnagare_netdev_tx_linearized_total{device=\"eth0\"} 7002\n",
		"\nnagare_lwip_drop_total{proto=\"etharp\"} 2103\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_msg(strstr(b.p, want[i]), "/metrics lacks %s", want[i] + 1);
	sbuf_free(&b);
	glue_restore();
}
END_TEST

extern uint64_t ip_rp_filter_drops; /* net/ipv4/ip_input.c */

static char *nstat_line(char *buf, size_t size, const char *id, unsigned long v)
{
	snprintf(buf, size, "%-32s%-16lu%6.1f\n", id, v, 0.0); /* iproute2 nstat's row */
	return buf;
}

/* nstat over the known set: Linux's names and row format, the gauges
 * (IpForwarding, TcpCurrEstab) and unseen IcmpMsg types left out, the
 * history between runs, and iproute2's errors. */
START_TEST(nstat_rows_history_and_errors)
{
	glue_restore_init();
	known_set();
	uint64_t rp_saved = ip_rp_filter_drops;
	ip_rp_filter_drops = 95;
	char want[512], a[96], b[96], c[96];
	int rc = glue_cmd("nstat -az IpForw* tcpextiprev* IpForwarding TcpCurrEstab IcmpMsgOutType3 IcmpMsgOutType5");
	snprintf(want, sizeof(want), "#kernel\n%s%s%s",
		 nstat_line(a, sizeof(a), "IpForwDatagrams", lwip_stats.mib2.ipforwdatagrams),
		 nstat_line(b, sizeof(b), "IcmpMsgOutType3", lwip_stats.mib2.icmpoutdestunreachs),
		 nstat_line(c, sizeof(c), "TcpExtIPReversePathFilter", 95));
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(glue_console(), want);

	ck_assert_int_eq(glue_cmd("nstat -n"), 0);
	ck_assert_str_eq(glue_console(), "");
	lwip_stats.mib2.ipforwdatagrams += 3;
	for (int i = 0; i < 2; i++) { /* -s keeps the history: 3 twice */
		ck_assert_int_eq(glue_cmd(i ? "nstat IpForwDatagrams" : "nstat -s IpForwDatagrams"), 0);
		snprintf(want, sizeof(want), "#kernel\n%s", nstat_line(a, sizeof(a), "IpForwDatagrams", 3));
		ck_assert_str_eq(glue_console(), want);
	}
	ck_assert_int_eq(glue_cmd("nstat IpForwDatagrams"), 0);
	ck_assert_str_eq(glue_console(), "#kernel\n");
	ck_assert_int_eq(glue_cmd("nstat -rs IpForwDatagrams"), 0); /* from zero: the absolute value */
	snprintf(want, sizeof(want), "#kernel\n%s",
		 nstat_line(a, sizeof(a), "IpForwDatagrams", lwip_stats.mib2.ipforwdatagrams));
	ck_assert_str_eq(glue_console(), want);

	ck_assert_int_eq(glue_cmd("nstat -x"), 255);
	ck_assert_ptr_eq(strstr(glue_console(), "nstat: invalid option -- 'x'\nUsage: nstat [OPTION]"),
			 glue_console());
	ck_assert_int_eq(glue_cmd("nstat --bogus"), 255);
	ck_assert_ptr_eq(strstr(glue_console(), "nstat: unrecognized option '--bogus'\nUsage:"), glue_console());
	ip_rp_filter_drops = rp_saved;
	known_restore();
	glue_restore();
}
END_TEST

START_TEST(nstat_glob_matches_as_fnmatch_casefold)
{
	static const struct {
		const char *p, *s;
		int want;
	} t[] = {
		{ "*", "IpInReceives", 1 },          { "ip*", "IpInReceives", 1 },
		{ "IP?NRECEIVES", "IpInReceives", 1 }, { "Ip*Receives", "IpInReceives", 1 },
		{ "Ip*Receive", "IpInReceives", 0 }, { "*Drops*", "TcpExtListenDrops", 1 },
		{ "[st]cp*", "TcpInSegs", 1 },       { "[!t]cp*", "TcpInSegs", 0 },
		{ "[a-c]*", "IcmpInMsgs", 0 },       { "[h-j]*", "IcmpInMsgs", 1 },
		{ "Tcp\\Ext*", "TcpExtSyncookiesSent", 1 }, { "[Tcp", "[tcp", 1 },
		{ "", "", 1 },                       { "", "Ip", 0 },
		{ "**a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(nstat_glob(t[i].p, t[i].s) == t[i].want, "'%s' vs '%s'", t[i].p, t[i].s);
}
END_TEST

Suite *counters_suite(void)
{
	Suite *s = suite_create("counters");
	glue_add_test(s, registry_rows_unique_and_metric_names_valid);
	glue_add_test(s, metrics_families_unique_and_valid);
	glue_add_test(s, netstat_s_text_exact);
	glue_add_test(s, metrics_known_values);
	glue_add_test(s, nstat_rows_history_and_errors);
	glue_add_test(s, nstat_glob_matches_as_fnmatch_casefold);
	return s;
}
