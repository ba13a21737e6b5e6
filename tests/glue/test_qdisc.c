/*
 * The root qdisc between linkoutput and the fake device's ring
 * (net/core/netdev_tx.c): Byte Queue Limits keep frames in the qdisc while the
 * ring holds what BQL allows, completions let the rest go and grow the
 * limit (Linux's lib/dynamic_queue_limits.c: a ring that ran dry while
 * over its limit); a qdisc replaced under load drops what it held, counts
 * it and leaks nothing; a pfifo tail-drops at its limit and tells
 * linkoutput's caller.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "net/core/netdev_priv.h"
#include "net/sched/sch_api.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

/* One UDP frame (us -> peer) of flow port, 1000 bytes of payload. */
static err_t send_udp(uint16_t port)
{
	uint8_t udp[8 + 1000] = { 0 };
	udp[0] = (uint8_t)(port >> 8), udp[1] = (uint8_t)port;
	udp[2] = 0x30, udp[3] = 0x39;
	udp[4] = (uint8_t)(sizeof(udp) >> 8), udp[5] = (uint8_t)sizeof(udp);
	uint8_t f[14 + 20 + sizeof(udp)];
	size_t len = wire_ip(f, GLUE_IP, GLUE_PEER_IP, 17, port, 0, udp, sizeof(udp));
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	ck_assert_ptr_nonnull(p);
	memcpy(p->payload, f, len);
	struct netif *netif = netdev_netif(netdev_by_name("eth0"));
	err_t err = netif->linkoutput(netif, p);
	pbuf_free(p); /* the qdisc holds its own reference */
	return err;
}

static struct netdev_state *eth0(void)
{
	return netdev_state(netdev_by_name("eth0"));
}

/* BQL as at boot, limit 0 and held there: one frame in flight at a time. */
static void bql_pin(void)
{
	struct netdev_state *st = eth0();
	glue_advance(1000); /* what is in the ring completes */
	ck_assert_uint_eq(dql_inflight(&st->dql), 0);
	ck_assert_int_eq(dql_set_limit_max(&st->dql, 0), 0);
	ck_assert_uint_eq(dql_limit(&st->dql), 0);
}

static void bql_unpin(void)
{
	ck_assert_int_eq(dql_set_limit_max(&eth0()->dql, DQL_MAX_LIMIT), 0);
}

START_TEST(bql_holds_frames_in_the_qdisc)
{
	struct netdev_state *st = eth0();
	ck_assert_ptr_nonnull(st->qdisc);
	ck_assert_str_eq(st->qdisc->ops->id, "fq_codel");
	bql_pin();
	glue_tx_clear();
	glue_dev_tx_complete(0);
	long long stops = glue_ethtool_stat("tx_bql_stops");
	uint32_t sent = st->qdisc->stats.packets;
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(send_udp((uint16_t)(1000 + i)), ERR_OK);
	glue_poll();
	/* limit 0 at the start: one frame in flight, the rest wait */
	ck_assert_int_eq(glue_tx_count(), 1);
	ck_assert_uint_eq(st->qdisc->stats.qlen, 19);
	ck_assert_uint_eq(dql_inflight(&st->dql), 14 + 20 + 1008);
	ck_assert_int_gt(glue_ethtool_stat("tx_bql_stops"), stops);
	bql_unpin();
	glue_dev_tx_complete(1);
	for (int i = 0; i < 40 && st->qdisc->stats.qlen; i++)
		glue_advance(1);
	ck_assert_int_eq(glue_tx_count(), 20);
	ck_assert_uint_eq(st->qdisc->stats.qlen, 0);
	ck_assert_uint_eq(st->qdisc->stats.packets - sent, 20);
	/* the ring ran dry with frames waiting: the limit grew */
	ck_assert_uint_gt(dql_limit(&st->dql), 0);
	glue_tx_clear();
	glue_quiesce();
}
END_TEST

START_TEST(replace_under_load_drops_and_counts)
{
	struct netdev *dev = netdev_by_name("eth0");
	struct netdev_state *st = eth0();
	bql_pin();
	glue_tx_clear();
	glue_dev_tx_complete(0);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(send_udp((uint16_t)(2000 + i)), ERR_OK);
	glue_poll();
	uint32_t held = st->qdisc->stats.qlen;
	ck_assert_uint_gt(held, 0);
	long long before = glue_ethtool_stat("tx_qdisc_replace_drops");
	int err;
	struct qdisc *q = netdev_qdisc_new(dev, "pfifo", NULL, &err);
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(netdev_qdisc_graft(dev, q, 1u << 16), (int)held);
	ck_assert_int_eq(glue_ethtool_stat("tx_qdisc_replace_drops") - before, held);
	ck_assert_uint_eq(st->qdisc->handle, 1u << 16);
	/* the new root carries on */
	ck_assert_int_eq(send_udp(3000), ERR_OK);
	bql_unpin();
	glue_dev_tx_complete(1);
	for (int i = 0; i < 40 && st->qdisc->stats.qlen; i++)
		glue_advance(1);
	ck_assert_uint_eq(st->qdisc->stats.packets, 1);
	glue_tx_clear();
	ck_assert_int_eq(netdev_qdisc_default(dev), 0);
	glue_quiesce();
}
END_TEST

START_TEST(pfifo_tail_drop_refuses_the_frame)
{
	struct netdev *dev = netdev_by_name("eth0");
	struct netdev_state *st = eth0();
	union qdisc_conf c;
	ck_assert_int_eq(qdisc_conf_default("pfifo", &c, 1000), 0);
	c.pfifo.limit = 5;
	int err;
	struct qdisc *q = netdev_qdisc_new(dev, "pfifo", &c, &err);
	ck_assert_ptr_nonnull(q);
	netdev_qdisc_graft(dev, q, 1u << 16);
	bql_pin();
	glue_tx_clear();
	glue_dev_tx_complete(0);
	long long drops = glue_ethtool_stat("tx_queue_drops");
	int refused = 0;
	for (int i = 0; i < 20; i++)
		refused += send_udp((uint16_t)(4000 + i)) == ERR_MEM;
	/* one in the ring, five queued, the rest refused */
	ck_assert_int_eq(refused, 14);
	ck_assert_int_eq(glue_ethtool_stat("tx_queue_drops") - drops, 14);
	ck_assert_uint_eq(q->stats.drops, 14);
	ck_assert_uint_eq(q->stats.qlen, 5);
	bql_unpin();
	glue_dev_tx_complete(1);
	for (int i = 0; i < 40 && st->qdisc->stats.qlen; i++)
		glue_advance(1);
	ck_assert_int_eq(glue_tx_count(), 6);
	glue_tx_clear();
	ck_assert_int_eq(netdev_qdisc_default(dev), 0);
	glue_quiesce();
}
END_TEST

/* The loop looks again within 1 ms while frames wait in the qdisc. */
START_TEST(loop_wakes_for_waiting_frames)
{
	bql_pin();
	glue_tx_clear();
	glue_dev_tx_complete(0);
	ck_assert_int_eq(send_udp(5000), ERR_OK);
	ck_assert_int_eq(send_udp(5001), ERR_OK);
	glue_poll();
	ck_assert_uint_le(glue_loop_next_ms(), 1);
	bql_unpin();
	glue_dev_tx_complete(1);
	for (int i = 0; i < 40 && eth0()->qdisc->stats.qlen; i++)
		glue_advance(1);
	ck_assert_uint_gt(glue_loop_next_ms(), 1);
	glue_tx_clear();
	glue_quiesce();
}
END_TEST

/* Linux's sysfs files for BQL and txqueuelen: cat reads them, `echo V >`
 * writes them, bad values and read-only files are refused and change
 * nothing. */
START_TEST(bql_sysfs_knobs)
{
	struct netdev_state *st = eth0();
	const char *dir = "/sys/class/net/eth0/queues/tx-0/byte_queue_limits/";
	char line[256];
	snprintf(line, sizeof(line), "cat %shold_time %slimit_min %sinflight", dir, dir, dir);
	glue_console_clear();
	ck_assert_int_eq(glue_cmd(line), 0);
	char want[64];
	snprintf(want, sizeof(want), "1000\n0\n%u\n", dql_inflight(&st->dql));
	ck_assert_str_eq(glue_console(), want);
	snprintf(line, sizeof(line), "echo 3000 > %slimit_max", dir);
	ck_assert_int_eq(glue_cmd(line), 0);
	ck_assert_uint_eq(dql_limit_max(&st->dql), 3000);
	ck_assert_uint_le(dql_limit(&st->dql), 3000);
	/* limit_min above limit_max, words, negative, read-only: refused */
	static const char *const bad[] = { "4000 > %slimit_min", "lots > %slimit_max", "-1 > %slimit_max",
					   "5 > %sinflight", "'' > %shold_time" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char fmt[64];
		snprintf(fmt, sizeof(fmt), "echo %s", bad[i]);
		snprintf(line, sizeof(line), fmt, dir);
		glue_console_clear();
		ck_assert_int_ne(glue_cmd(line), 0);
		ck_assert_str_eq(glue_console(), "sh: write error: Invalid argument\n");
	}
	ck_assert_uint_eq(dql_limit_max(&st->dql), 3000);
	ck_assert_uint_eq(dql_limit_min(&st->dql), 0);
	glue_console_clear();
	ck_assert_int_ne(glue_cmd("echo 1 > /sys/class/net/eth9/tx_queue_len"), 0);
	ck_assert_str_eq(glue_console(), "sh: write error: No such file or directory\n");
	glue_console_clear();
	ck_assert_int_ne(glue_cmd("cat /sys/class/net/eth0/queues/tx-0/byte_queue_limits/nope"), 0);
	ck_assert_str_eq(glue_console(),
			 "cat: /sys/class/net/eth0/queues/tx-0/byte_queue_limits/nope: No such file or directory\n");
	glue_console_clear();
	ck_assert_int_ne(glue_cmd("echo 1 > /proc/uptime"), 0);
	ck_assert_str_eq(glue_console(), "sh: can't create /proc/uptime: Permission denied\n");
	ck_assert_int_eq(glue_cmd("echo 500 > /sys/class/net/eth0/tx_queue_len"), 0);
	glue_console_clear();
	ck_assert_int_eq(glue_cmd("cat /sys/class/net/eth0/tx_queue_len"), 0);
	ck_assert_str_eq(glue_console(), "500\n");
	glue_console_clear();
	ck_assert_int_eq(glue_cmd("echo hello  world"), 0);
	ck_assert_str_eq(glue_console(), "hello world\n");
	snprintf(line, sizeof(line), "echo %u > %slimit_max", DQL_MAX_LIMIT, dir);
	ck_assert_int_eq(glue_cmd(line), 0);
	ck_assert_int_eq(glue_cmd("echo 1000 > /sys/class/net/eth0/tx_queue_len"), 0);
	glue_quiesce();
}
END_TEST

static long long netstat_value(const char *name)
{
	glue_console_clear();
	ck_assert_int_eq(glue_cmd("netstat -s"), 0);
	char key[64];
	snprintf(key, sizeof(key), "    %s: ", name);
	const char *at = strstr(glue_console(), key);
	ck_assert_ptr_nonnull(at);
	return atoll(at + strlen(key));
}

/* Bytes of the HTTP body the peer has, -1 before the header's end. */
static long body_len(const struct wire_peer *p)
{
	const uint8_t *end = p->rx_len ? memmem(p->rx, p->rx_len, "\r\n\r\n", 4) : NULL;
	return end ? (long)(p->rx_len - (size_t)(end + 4 - p->rx)) : -1;
}

/* TCP Small Queues: with tcp_limit_output_bytes at 1000 one connection
 * never has more than that plus one frame in the qdisc and the ring (here
 * one full segment, where the initial window would allow three);
 * completions let the rest go, and the body arrives whole. */
START_TEST(tsq_caps_one_connection)
{
	struct netdev_state *st = eth0();
	glue_sysctl("net.ipv4.tcp_limit_output_bytes", "1000");
	long long held = netstat_value("TSQThrottled");
	struct wire_peer p = { 0 };
	ck_assert_int_eq(wire_peer_connect(&p, 40001, 80), 0);
	bql_pin();
	glue_dev_tx_complete(0);
	const char req[] = "GET /bytes/30000 HTTP/1.1\r\nHost: x\r\n\r\n";
	wire_peer_send(&p, WIRE_PSH, req, sizeof(req) - 1);
	for (int i = 0; i < 5; i++)
		glue_advance(1);
	uint32_t queued = st->qdisc->stats.backlog + dql_inflight(&st->dql);
	ck_assert_uint_gt(queued, 0);
	ck_assert_uint_eq(queued, 1514);
	ck_assert_int_gt(netstat_value("TSQThrottled"), held);
	bql_unpin();
	glue_dev_tx_complete(1);
	for (int i = 0; i < 400 && body_len(&p) < 30000; i++) {
		glue_advance(5);
		wire_peer_read(&p);
		wire_peer_send(&p, WIRE_ACK, NULL, 0);
	}
	ck_assert_int_eq(body_len(&p), 30000);
	wire_peer_send(&p, WIRE_RST, NULL, 0);
	wire_peer_free(&p);
	glue_sysctl("net.ipv4.tcp_limit_output_bytes", "1048576");
	glue_tx_clear();
	glue_advance(1000);
	glue_quiesce();
}
END_TEST

/* ---- tc qdisc ---- */

/* Runs a tc line, expecting status ok (0) or not; returns its output. */
static const char *tc(const char *line, int ok)
{
	glue_console_clear();
	int rc = glue_cmd(line);
	if (ok)
		ck_assert_msg(rc == 0, "%s: %d: %s", line, rc, glue_console());
	else
		ck_assert_msg(rc != 0, "%s: accepted: %s", line, glue_console());
	return glue_console();
}

#define FQ_CODEL_OPTS "limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64 \n"

/* The shaper of the issue: tbf 1: at the root, fq_codel 10: under it,
 * each shown as iproute2 6.1 shows it; the default child stays unlisted. */
START_TEST(tc_builds_the_shaper)
{
	struct netdev_state *st = eth0();
	ck_assert_str_eq(tc("tc qdisc show dev eth0", 1), "qdisc fq_codel 0: root refcnt 2 " FQ_CODEL_OPTS);
	ck_assert_str_eq(tc("tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency 400ms", 1),
			 "");
	ck_assert_str_eq(st->qdisc->ops->id, "tbf");
	ck_assert_uint_eq(st->qdisc->handle, 0x10000);
	ck_assert_str_eq(tc("tc qdisc show dev eth0", 1), "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n");
	ck_assert_str_eq(tc("tc qdisc replace dev eth0 parent 1:1 handle 10: fq_codel", 1), "");
	ck_assert_str_eq(tc("tc qdisc show dev eth0", 1),
			 "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n"
			 "qdisc fq_codel 10: parent 1:1 " FQ_CODEL_OPTS);
	ck_assert_str_eq(tc("tc qdisc show", 1),
			 "qdisc tbf 1: dev eth0 root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n"
			 "qdisc fq_codel 10: dev eth0 parent 1:1 " FQ_CODEL_OPTS);
	ck_assert_str_eq(tc("tc qdisc show dev eth0 handle 10:", 1), "qdisc fq_codel 10: parent 1:1 " FQ_CODEL_OPTS);
	ck_assert_str_eq(tc("tc qdisc show dev eth0 root", 1), "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n");
	/* change: only what is given */
	tc("tc qdisc change dev eth0 parent 1:1 handle 10: fq_codel target 10ms noecn", 1);
	ck_assert_str_eq(tc("tc qdisc show dev eth0 handle 10:", 1),
			 "qdisc fq_codel 10: parent 1:1 limit 10240p flows 1024 quantum 1514 target 10ms interval 100ms "
			 "memory_limit 32Mb drop_batch 64 \n");
	/* a frame goes through both and is counted by both */
	ck_assert_int_eq(send_udp(6000), ERR_OK);
	for (int i = 0; i < 20 && st->qdisc->stats.qlen; i++)
		glue_advance(1);
	const char *out = tc("tc -s qdisc show dev eth0", 1);
	ck_assert_ptr_nonnull(strstr(out, "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n"
					  " Sent 1042 bytes 1 pkt (dropped 0, overlimits 0 requeues 0) \n"));
	ck_assert_ptr_nonnull(strstr(out, "qdisc fq_codel 10: parent 1:1 "));
	ck_assert_ptr_nonnull(strstr(out, "target 10ms interval 100ms memory_limit 32Mb drop_batch 64 \n"
					  " Sent 1042 bytes 1 pkt"));
	/* del of the child puts tbf's default bfifo back; of the root, the default root */
	tc("tc qdisc del dev eth0 parent 1:1 handle 10:", 1);
	ck_assert_str_eq(tc("tc qdisc show dev eth0", 1), "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n");
	ck_assert_str_eq(tc("tc qdisc show dev eth0 invisible", 1),
			 "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb lat 400ms \n"
			 "qdisc bfifo 0: parent 1:1 limit 504096b\n" /* rate * latency + burst */);
	tc("tc qdisc del dev eth0 root", 1);
	ck_assert_str_eq(tc("tc qdisc show dev eth0", 1), "qdisc fq_codel 0: root refcnt 2 " FQ_CODEL_OPTS);
	ck_assert_uint_eq(st->qdisc->handle, 0);
	glue_tx_clear();
	glue_quiesce();
}
END_TEST

/* Bad lines get tc's (or the kernel's) words and change nothing. */
START_TEST(tc_bad_lines_change_nothing)
{
	struct netdev_state *st = eth0();
	tc("tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency 400ms", 1);
	tc("tc qdisc add dev eth0 parent 1:1 handle 10: codel", 1);
	const struct qdisc *root = st->qdisc, *child = qdisc_child(st->qdisc);
	char before[2048];
	snprintf(before, sizeof(before), "%s", tc("tc qdisc show dev eth0", 1));
	static const struct {
		const char *line, *says;
	} bad[] = {
		{ "tc qdisc add dev eth0 root tbf rate 1mbit burst 10kb latency 50ms",
		  "Error: Exclusivity flag on, cannot modify.\n" },
		{ "tc qdisc add dev eth0 parent 1:1 handle 10: codel", "Error: Exclusivity flag on, cannot modify.\n" },
		{ "tc qdisc add dev eth9 root pfifo", "Cannot find device \"eth9\"\n" },
		{ "tc qdisc show dev eth9", "Cannot find device \"eth9\"\n" },
		{ "tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit latency 1s",
		  "tbf: the \"burst\" parameter is mandatory.\n" },
		{ "tc qdisc change dev eth0 parent 1:1 handle 21: codel target 10ms",
		  "Error: NLM_F_REPLACE needed to override.\n" },
		{ "tc qdisc link dev eth0 root fq_codel", "Error: Invalid qdisc name.\n" },
		{ "tc qdisc replace dev eth0 root handle 10: codel",
		  "Error: Cannot move an existing qdisc to a different parent.\n" },
		{ "tc qdisc replace dev eth0 root handle 1: fq_codel", "Error: Invalid qdisc name.\n" },
		{ "tc qdisc add dev eth0 parent 5:1 handle 30: pfifo", "Error: Failed to find specified qdisc.\n" },
		{ "tc qdisc add dev eth0 parent 10:1 handle 30: pfifo", "Error: Parent qdisc is not classful.\n" },
		{ "tc qdisc del dev eth0 parent 10:1", "Error: Parent qdisc is not classful.\n" },
		{ "tc qdisc add dev eth0 root", "Error: Exclusivity flag on, cannot modify.\n" },
		{ "tc qdisc del dev eth0 parent 5:1", "Error: Failed to find qdisc with specified classid.\n" },
		{ "tc qdisc del dev eth0 parent 1:1 handle 20:", "Error: Invalid handle.\n" },
		{ "tc qdisc del dev eth0 root pfifo", "Error: Invalid qdisc name.\n" },
		{ "tc qdisc change dev eth0 parent 1:1 codel limit 0x", "Illegal \"limit\"\n" },
		{ "tc qdisc replace dev eth0 root cake", "Error: Specified qdisc kind is unknown.\n" },
		{ "tc qdisc foo", "Command \"foo\" is unknown, try \"tc qdisc help\".\n" },
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_str_eq(tc(bad[i].line, 0), bad[i].says);
		ck_assert_ptr_eq(st->qdisc, root);
		ck_assert_ptr_eq(qdisc_child(st->qdisc), child);
		ck_assert_str_eq(tc("tc qdisc show dev eth0", 1), before);
	}
	/* fq_codel's flows are fixed once it exists */
	tc("tc qdisc replace dev eth0 root handle 2: fq_codel", 1);
	ck_assert_str_eq(tc("tc qdisc change dev eth0 root fq_codel flows 2048", 0),
			 "RTNETLINK answers: Invalid argument\n");
	tc("tc qdisc del dev eth0 root", 1);
	ck_assert_str_eq(tc("tc qdisc del dev eth0 root", 0), "Error: Cannot delete qdisc with handle of zero.\n");
	glue_quiesce();
}
END_TEST

/* What Linux 6.1 does with a request for a place that holds a qdisc of
 * another kind, and without one (tc 6.1 on the peer VM gave each line's
 * result): add, replace and change all make a new qdisc; change of the
 * same kind changes in place; a default root is "not found" to change. */
START_TEST(tc_modify_follows_linux)
{
	struct netdev_state *st = eth0();
	ck_assert_str_eq(tc("tc qdisc change dev eth0 root pfifo limit 10", 0),
			 "Error: Qdisc not found. To create specify NLM_F_CREATE flag.\n");
	ck_assert_uint_eq(st->qdisc->handle, 0);
	tc("tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency 400ms", 1);
	ck_assert_str_eq(tc("tc -s -d qdisc show dev eth0", 1),
			 "qdisc tbf 1: root refcnt 2 rate 10Mbit burst 4Kb/1 mpu 0b lat 400ms linklayer ethernet \n"
			 " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
			 " backlog 0b 0p requeues 0\n");
	tc("tc qdisc add dev eth0 root pfifo", 1);
	ck_assert_str_eq(st->qdisc->ops->id, "pfifo");
	uint32_t h = st->qdisc->handle;
	ck_assert_uint_ge(h, 0x80010000u);
	tc("tc qdisc change dev eth0 root codel", 1);
	ck_assert_str_eq(st->qdisc->ops->id, "codel");
	ck_assert_uint_gt(st->qdisc->handle, h);
	h = st->qdisc->handle;
	const struct qdisc *codel = st->qdisc;
	tc("tc qdisc change dev eth0 root codel limit 99", 1);
	ck_assert_ptr_eq(st->qdisc, codel);
	char want[96];
	snprintf(want, sizeof(want), "qdisc codel %x: root refcnt 2 limit 99p target 5ms interval 100ms \n", h >> 16);
	ck_assert_str_eq(tc("tc qdisc show dev eth0", 1), want);
	ck_assert_str_eq(tc("tc qdisc change dev eth0 root handle 5: codel", 0),
			 "Error: NLM_F_REPLACE needed to override.\n");
	ck_assert_str_eq(tc("tc qdisc add dev eth0 root codel", 0), "Error: Exclusivity flag on, cannot modify.\n");
	ck_assert_str_eq(tc("tc qdisc replace dev eth0 root", 1), ""); /* nothing to change */
	ck_assert_str_eq(tc("tc qdisc replace dev eth0 parent 1:1 handle 3:", 0),
			 "Error: Failed to find specified qdisc.\n");
	ck_assert_ptr_eq(st->qdisc, codel);
	tc("tc qdisc del dev eth0 root", 1);
	ck_assert_uint_eq(st->qdisc->handle, 0);
	ck_assert_str_eq(tc("tc qdisc replace dev eth0 root", 0), "Error: Specified qdisc kind is unknown.\n");
	glue_quiesce();
}
END_TEST

/* Without a handle the kernel picks 8001:, 8002:, ...; replacing a root
 * under load drops (and counts) what it held; the ring keeps going. */
START_TEST(tc_replace_under_load)
{
	struct netdev_state *st = eth0();
	bql_pin();
	glue_tx_clear();
	glue_dev_tx_complete(0);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(send_udp((uint16_t)(7000 + i)), ERR_OK);
	glue_poll();
	uint32_t held = st->qdisc->stats.qlen;
	ck_assert_uint_eq(held, 7);
	long long before = glue_ethtool_stat("tx_qdisc_replace_drops");
	tc("tc qdisc replace dev eth0 root pfifo limit 100", 1);
	ck_assert_int_eq(glue_ethtool_stat("tx_qdisc_replace_drops") - before, held);
	ck_assert_uint_ge(st->qdisc->handle, 0x80010000u);
	char want[96];
	snprintf(want, sizeof(want), "qdisc pfifo %x: root refcnt 2 limit 100p\n", st->qdisc->handle >> 16);
	ck_assert_str_eq(tc("tc qdisc show dev eth0", 1), want);
	ck_assert_int_eq(send_udp(7100), ERR_OK);
	bql_unpin();
	glue_dev_tx_complete(1);
	for (int i = 0; i < 40 && st->qdisc->stats.qlen; i++)
		glue_advance(1);
	ck_assert_uint_eq(st->qdisc->stats.packets, 1);
	tc("tc qdisc del dev eth0 root", 1);
	glue_tx_clear();
	glue_quiesce();
}
END_TEST

Suite *qdisc_suite(void)
{
	Suite *s = suite_create("qdisc");
	glue_add_test(s, bql_holds_frames_in_the_qdisc);
	glue_add_test(s, replace_under_load_drops_and_counts);
	glue_add_test(s, pfifo_tail_drop_refuses_the_frame);
	glue_add_test(s, loop_wakes_for_waiting_frames);
	glue_add_test(s, bql_sysfs_knobs);
	glue_add_test(s, tsq_caps_one_connection);
	glue_add_test(s, tc_builds_the_shaper);
	glue_add_test(s, tc_bad_lines_change_nothing);
	glue_add_test(s, tc_modify_follows_linux);
	glue_add_test(s, tc_replace_under_load);
	return s;
}
