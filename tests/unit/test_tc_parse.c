/*
 * net/sched/tc_parse.c and tc_parse_kind.c: the tc command line.  Every
 * expected message below was copied from iproute2 6.1's tc (run in a
 * scratch network namespace for tc's own refusals, and in the Linux peer VM,
 * kernel 6.1, for the kernel's: "Error: Invalid quantum.", "RTNETLINK
 * answers: Invalid argument" for flows 65537 and a peakrate not above rate,
 * "Error: Handle cannot be zero.", "Error: Specified qdisc kind is
 * unknown.", "RTNETLINK answers: No such device").
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/sched/tc_parse.h"
#include "tests/unit/unit.h"

#define MAXARGS 64

static char linebuf[1024];
static char *args[MAXARGS];
static char err[TC_ERR_LEN];

/* Splits line at spaces (no quoting: tests needing odd words build argv). */
static int split(const char *line)
{
	int n = 0;
	snprintf(linebuf, sizeof(linebuf), "%s", line);
	for (char *t = strtok(linebuf, " "); t && n < MAXARGS; t = strtok(NULL, " "))
		args[n++] = t;
	return n;
}

static int parse(const char *line, struct tc_req *r)
{
	memset(err, 'x', sizeof(err));
	int n = split(line);
	return tc_parse(n, args, r, err, sizeof(err));
}

static void ok(const char *line, struct tc_req *r)
{
	int rc = parse(line, r);
	ck_assert_msg(rc == 0, "\"%s\" refused: %s", line, err);
	ck_assert_msg(err[0] == 0, "\"%s\": err not cleared", line);
}

static void bad(const char *line, const char *want)
{
	struct tc_req r;
	ck_assert_msg(parse(line, &r) == -EINVAL, "\"%s\" accepted", line);
	ck_assert_msg(!strcmp(err, want), "\"%s\":\n got  [%s]\n want [%s]", line, err, want);
}

START_TEST(show_forms)
{
	static const char *const lines[] = {
		"qdisc", "q", "qd", "q s", "qdisc show", "qdisc sh", "qdisc sho", "qdisc list",
		"qdisc lis", "qdisc ls", "qdisc lst", "qdisc show help",
	};
	struct tc_req r;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ok(lines[i], &r);
		ck_assert_int_eq(r.cmd, TC_CMD_SHOW);
		ck_assert_str_eq(r.dev, "");
		ck_assert(!r.stats && !r.details && !r.parent && !r.has_handle);
		ck_assert_int_eq(r.kind, TC_KIND_NONE);
	}
	static const struct { const char *line; int stats, details; } opts[] = {
		{ "-s qdisc", 1, 0 }, { "-st q", 1, 0 }, { "-stats q", 1, 0 }, { "-statistics q", 1, 0 },
		{ "--stats q", 1, 0 }, { "- q", 1, 0 }, { "-d q", 0, 1 }, { "-de q", 0, 1 },
		{ "-details q", 0, 1 }, { "-s -d qdisc show", 1, 1 }, { "-s -s q", 2, 0 },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		ok(opts[i].line, &r);
		ck_assert_int_eq(r.cmd, TC_CMD_SHOW);
		ck_assert_int_eq(r.stats, opts[i].stats);
		ck_assert_int_eq(r.details, opts[i].details);
	}
	ok("-s qdisc show dev eth0", &r);
	ck_assert_str_eq(r.dev, "eth0");
	ok("qdisc show dev eth0 dev eth1", &r);  /* tc: the second wins */
	ck_assert_str_eq(r.dev, "eth1");
	ok("qdisc show dev eth0 root", &r);
	ck_assert(r.is_root && r.parent == TC_H_ROOT);
	ok("qdisc show parent 1:1 handle 10: invisible", &r);
	ck_assert_uint_eq(r.parent, 0x10001);
	ck_assert(!r.is_root && r.has_handle && r.invisible);
	ck_assert_uint_eq(r.handle, 0x100000);
	ok("qdisc show ingress", &r);
	ck_assert_uint_eq(r.parent, TC_H_INGRESS);
	ok("qdisc show dev averyveryverylongname", &r);  /* tc keeps 15 */
	ck_assert_str_eq(r.dev, "averyveryverylo");
}
END_TEST

START_TEST(commands)
{
	static const struct { const char *w; enum tc_cmd cmd; } t[] = {
		{ "a", TC_CMD_ADD }, { "add", TC_CMD_ADD }, { "c", TC_CMD_CHANGE },
		{ "change", TC_CMD_CHANGE }, { "r", TC_CMD_REPLACE }, { "replace", TC_CMD_REPLACE },
		{ "l", TC_CMD_LINK }, { "li", TC_CMD_LINK }, { "link", TC_CMD_LINK },
		{ "d", TC_CMD_DELETE }, { "de", TC_CMD_DELETE }, { "del", TC_CMD_DELETE },
		{ "delete", TC_CMD_DELETE }, { "h", TC_CMD_HELP }, { "help", TC_CMD_HELP },
	};
	char line[64];
	struct tc_req r;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(line, sizeof(line), "qdisc %s", t[i].w);
		ok(line, &r);
		ck_assert_msg(r.cmd == t[i].cmd, "%s", t[i].w);
	}
	ok("qdisc add dev eth0 root handle 1: help", &r);
	ck_assert_int_eq(r.cmd, TC_CMD_HELP);
	ok("qdisc del dev eth0 root", &r);
	ck_assert_int_eq(r.cmd, TC_CMD_DELETE);
	ck_assert_str_eq(r.dev, "eth0");
	ck_assert(r.is_root && !r.has_handle && r.kind == TC_KIND_NONE);
	ok("-s qdisc replace dev eth0 parent 1:1 handle 10: fq_codel", &r);
	ck_assert_int_eq(r.cmd, TC_CMD_REPLACE);
	ck_assert_uint_eq(r.parent, 0x10001);
	ck_assert(!r.is_root && r.has_handle);
	ck_assert_uint_eq(r.handle, 0x100000);
	ck_assert_int_eq(r.kind, TC_KIND_FQ_CODEL);
	ck_assert_str_eq(r.kind_name, "fq_codel");
	ok("qdisc add handle 1: root dev eth0 pfifo", &r);  /* any order before the kind */
	ck_assert(r.is_root && r.handle == 0x10000 && r.kind == TC_KIND_PFIFO);
	ok("qdisc add dev eth0 root handle 0: pfifo", &r);  /* 0: the kernel picks */
	ck_assert(r.has_handle && r.handle == 0);
	ok("qdisc add dev eth0 root handle 0: handle 1: pfifo", &r);  /* tc: 0 is not a value */
	ck_assert_uint_eq(r.handle, 0x10000);
	ok("qdisc add dev eth0 parent 0: root pfifo", &r);
	ck_assert(r.is_root);
	ok("qdisc add dev eth0 root prio", &r);  /* a kind nagare lacks, no options */
	ck_assert_int_eq(r.kind, TC_KIND_OTHER);
	ck_assert_str_eq(r.kind_name, "prio");
	ok("qdisc add dev eth0 root abcdefghijklmnopq", &r);
	ck_assert_str_eq(r.kind_name, "abcdefghijklmno");
	ok("qdisc add dev eth0 ingress handle 1:", &r);
	ck_assert(r.kind == TC_KIND_OTHER && r.parent == TC_H_INGRESS);
	ck_assert_str_eq(r.kind_name, "ingress");
}
END_TEST

START_TEST(handles)
{
	static const struct { const char *s; uint32_t h; } good[] = {
		{ "1:", 0x10000 }, { "10:", 0x100000 }, { "1", 0x10000 }, { "1:1", 0x10000 },
		{ "ffff:", 0xffff0000 }, { "abc:", 0xabc0000 }, { "Ab:", 0xab0000 },
		{ "0x10:", 0x100000 }, { "10:x", 0x100000 }, { "1::", 0x10000 }, { " 1:", 0x10000 },
		{ "+1:", 0x10000 }, { "00000001:", 0x10000 }, { "0:", 0 }, { "0", 0 },
	};
	static const char *const no[] = { "xyz", ":", "", "-1:", "fffff:", "10000:", "1x", "1 x",
					  "99999999999999999999999:" };
	char *argv[8] = { "qdisc", "add", "dev", "eth0", "root", "handle", NULL, "pfifo" };
	char want[128];
	struct tc_req r;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		argv[6] = (char *)good[i].s;
		ck_assert_msg(tc_parse(8, argv, &r, err, sizeof(err)) == 0, "%s: %s", good[i].s, err);
		ck_assert_msg(r.handle == good[i].h, "%s: %x", good[i].s, r.handle);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		argv[6] = (char *)no[i];
		ck_assert_msg(tc_parse(8, argv, &r, err, sizeof(err)) == -EINVAL, "%s", no[i]);
		snprintf(want, sizeof(want), "Error: argument \"%s\" is wrong: invalid qdisc ID", no[i]);
		ck_assert_str_eq(err, want);
	}
}
END_TEST

START_TEST(parents)
{
	static const struct { const char *s; uint32_t h; } good[] = {
		{ "1:", 0x10000 }, { "1:1", 0x10001 }, { ":1", 1 }, { "1", 1 }, { "10", 0x10 },
		{ "ffff:ffff", TC_H_ROOT }, { "ffffffff", TC_H_ROOT }, { "root", TC_H_ROOT },
		{ "none", 0 }, { ":", 0 }, { " 1:", 0x10000 }, { "0x1:0x2", 0x10002 },
		{ "1:+2", 0x10002 }, { "1: 2", 0x10002 }, { "ffff:", 0xffff0000 }, { "0:", 0 },
		{ "fffff", 0xfffff }, { "a:B", 0xa000b },
	};
	static const char *const no[] = { "10000:", "1:10000", "1:x", "1x", "", "1: ", "-1:", "xyz",
					  "100000000", "1:-1", "99999999999999999999999" };
	char *argv[7] = { "qdisc", "add", "dev", "eth0", "parent", NULL, "pfifo" };
	char want[128];
	struct tc_req r;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		argv[5] = (char *)good[i].s;
		ck_assert_msg(tc_parse(7, argv, &r, err, sizeof(err)) == 0, "%s: %s", good[i].s, err);
		ck_assert_msg(r.parent == good[i].h, "%s: %x", good[i].s, r.parent);
		ck_assert_int_eq(r.is_root, good[i].h == TC_H_ROOT);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		argv[5] = (char *)no[i];
		ck_assert_msg(tc_parse(7, argv, &r, err, sizeof(err)) == -EINVAL, "%s", no[i]);
		snprintf(want, sizeof(want), "Error: argument \"%s\" is wrong: invalid parent ID", no[i]);
		ck_assert_str_eq(err, want);
	}
}
END_TEST

START_TEST(defaults)
{
	struct tc_req r;
	ok("qdisc add dev eth0 root pfifo", &r);
	ck_assert_uint_eq(r.u.pfifo.limit, 1000);
	ck_assert_uint_eq(r.given, 0);
	ok("qdisc add dev eth0 root bfifo", &r);
	ck_assert_uint_eq(r.u.bfifo_limit, 1514000);
	ck_assert_uint_eq(r.given, 0);
	ok("qdisc add dev eth0 root codel", &r);
	ck_assert_uint_eq(r.u.codel.limit, 1000);
	ck_assert_uint_eq(r.u.codel.target_ns, 5000000);
	ck_assert_uint_eq(r.u.codel.interval_ns, 100000000);
	ck_assert_uint_eq(r.u.codel.ecn, 0);
	ck_assert_uint_eq(r.given, 0);
	ok("qdisc add dev eth0 root fq_codel", &r);
	struct fq_codel_conf d;
	fq_codel_conf_default(&d);
	ck_assert_uint_eq(r.u.fq_codel.target_ns, d.target_ns);
	ck_assert_uint_eq(r.u.fq_codel.interval_ns, d.interval_ns);
	ck_assert_uint_eq(r.u.fq_codel.mtu, d.mtu);
	ck_assert_uint_eq(r.u.fq_codel.limit, 10240);
	ck_assert_uint_eq(r.u.fq_codel.flows, 1024);
	ck_assert_uint_eq(r.u.fq_codel.quantum, 1514);
	ck_assert_uint_eq(r.u.fq_codel.memory_limit, 32u << 20);
	ck_assert_uint_eq(r.u.fq_codel.drop_batch, 64);
	ck_assert_uint_eq(r.u.fq_codel.ecn, 1);
	ck_assert_uint_eq(r.given, 0);
}
END_TEST

START_TEST(options)
{
	struct tc_req r;
	ok("qdisc add dev eth0 root pfifo limit 10k", &r);  /* tc's size reader, for pfifo too */
	ck_assert_uint_eq(r.u.pfifo.limit, 10240);
	ck_assert_uint_eq(r.given, TC_GIVEN_LIMIT);
	ok("qdisc add dev eth0 root pfifo limit 5 limit 6", &r);
	ck_assert_uint_eq(r.u.pfifo.limit, 6);
	ok("qdisc add dev eth0 root pfifo limit 0", &r);  /* fifo sends 0 */
	ck_assert_uint_eq(r.u.pfifo.limit, 0);
	ck_assert_uint_eq(r.given, TC_GIVEN_LIMIT);
	ok("qdisc add dev eth0 root bfifo limit 10kbit", &r);
	ck_assert_uint_eq(r.u.bfifo_limit, 1280);
	ok("qdisc add dev eth0 root codel limit 0x10 target 2 interval 1s ecn ce_threshold 3ms", &r);
	ck_assert_uint_eq(r.u.codel.limit, 16);
	ck_assert_uint_eq(r.u.codel.target_ns, 2000);
	ck_assert_uint_eq(r.u.codel.interval_ns, 1000000000);
	ck_assert_uint_eq(r.u.codel.ecn, 1);
	ck_assert_uint_eq(r.ce_threshold_ns, 3000000);
	ck_assert_uint_eq(r.given, TC_GIVEN_LIMIT | TC_GIVEN_TARGET | TC_GIVEN_INTERVAL |
			  TC_GIVEN_ECN | TC_GIVEN_CE_THRESHOLD);
	ok("qdisc add dev eth0 root codel limit 010 ecn noecn", &r);  /* octal; the last wins */
	ck_assert_uint_eq(r.u.codel.limit, 8);
	ck_assert_uint_eq(r.u.codel.ecn, 0);
	ok("qdisc add dev eth0 root fq_codel limit 100 flows 16 quantum 300 memory_limit 1k "
	   "target 1ms interval 20ms noecn ce_threshold 0 drop_batch 7", &r);
	const struct fq_codel_conf *f = &r.u.fq_codel;
	ck_assert(f->limit == 100 && f->flows == 16 && f->quantum == 300);
	ck_assert(f->memory_limit == 1024 && f->drop_batch == 7 && f->ecn == 0);
	ck_assert(f->target_ns == 1000000 && f->interval_ns == 20000000);
	ck_assert_uint_eq(r.ce_threshold_ns, 0);
	ck_assert_uint_eq(r.given, TC_GIVEN_LIMIT | TC_GIVEN_FLOWS | TC_GIVEN_QUANTUM |
			  TC_GIVEN_MEMORY_LIMIT | TC_GIVEN_TARGET | TC_GIVEN_INTERVAL |
			  TC_GIVEN_ECN | TC_GIVEN_CE_THRESHOLD | TC_GIVEN_DROP_BATCH);
	/* tc leaves a 0 out: not given, the default stays (flows 0 is taken) */
	ok("qdisc add dev eth0 root fq_codel limit 0 flows 0 quantum 0 target 0 drop_batch 0 "
	   "memory_limit 0", &r);
	ck_assert_uint_eq(r.given, 0);
	ck_assert_uint_eq(r.u.fq_codel.flows, 1024);
	ck_assert_uint_eq(r.u.fq_codel.limit, 10240);
	ok("qdisc add dev eth0 root tbf rate 10mbit burst 32kbit latency 400ms", &r);
	ck_assert_uint_eq(r.u.tbf.rate, 1250000);
	ck_assert_uint_eq(r.u.tbf.burst, 4096);
	ck_assert_uint_eq(r.u.tbf.latency_ns, 400000000);
	ck_assert_uint_eq(r.u.tbf.limit, 0);
	ck_assert_uint_eq(r.given, TC_GIVEN_RATE | TC_GIVEN_BURST | TC_GIVEN_LATENCY);
	ok("qdisc add dev eth0 root tbf rate 1mbit buffer 10k/8 l 20k peakrate 2mbit minburst 1500", &r);
	ck_assert_uint_eq(r.u.tbf.burst, 10240);
	ck_assert_uint_eq(r.u.tbf.limit, 20480);
	ck_assert_uint_eq(r.u.tbf.peakrate, 250000);
	ck_assert_uint_eq(r.u.tbf.mtu, 1500);
	ck_assert_uint_eq(r.given, TC_GIVEN_RATE | TC_GIVEN_BURST | TC_GIVEN_LIMIT |
			  TC_GIVEN_PEAKRATE | TC_GIVEN_MTU);
	ok("qdisc add dev eth0 root tbf rate 1mbit maxburst 10k lat 1ms p 2mbit mtu 1500", &r);
	ck_assert_uint_eq(r.u.tbf.latency_ns, 1000000);
	ck_assert_uint_eq(r.u.tbf.peakrate, 250000);
	ok("qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 0 limit 1k", &r);  /* 0: unset */
	ck_assert_uint_eq(r.u.tbf.limit, 1024);
	/* the kernel, not tc, refuses a peakrate not above rate */
	ok("qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 1ms peakrate 1mbit mtu 1500", &r);
}
END_TEST

START_TEST(merge)
{
	struct tc_req r;
	struct fq_codel_conf cur;
	fq_codel_conf_default(&cur);
	cur.limit = 5000;
	cur.ecn = 0;
	ok("qdisc change dev eth0 root fq_codel quantum 300 target 2ms", &r);
	ck_assert_int_eq(r.cmd, TC_CMD_CHANGE);
	ck_assert_int_eq(tc_req_merge(&r, &cur), 0);
	ck_assert_uint_eq(cur.quantum, 300);
	ck_assert_uint_eq(cur.target_ns, 2000000);
	ck_assert_uint_eq(cur.limit, 5000);   /* kept, not reset to the default */
	ck_assert_uint_eq(cur.ecn, 0);
	ck_assert_uint_eq(cur.interval_ns, 100000000);
	ok("qdisc change dev eth0 root fq_codel ecn limit 10 flows 8 memory_limit 1m drop_batch 3 "
	   "interval 9ms", &r);
	ck_assert_int_eq(tc_req_merge(&r, &cur), 0);
	ck_assert(cur.ecn == 1 && cur.limit == 10 && cur.flows == 8 && cur.memory_limit == 1u << 20);
	ck_assert(cur.drop_batch == 3 && cur.interval_ns == 9000000 && cur.quantum == 300);

	struct codel_conf cc;
	codel_conf_default(&cc);
	cc.ecn = 1;
	cc.target_ns = 1;
	ok("qdisc change dev eth0 root codel interval 50ms", &r);
	ck_assert_int_eq(tc_req_merge(&r, &cc), 0);
	ck_assert(cc.interval_ns == 50000000 && cc.ecn == 1 && cc.target_ns == 1 && cc.limit == 1000);
	ok("qdisc change dev eth0 root codel limit 7 target 3ms noecn", &r);
	ck_assert_int_eq(tc_req_merge(&r, &cc), 0);
	ck_assert(cc.limit == 7 && cc.target_ns == 3000000 && cc.ecn == 0);

	struct pfifo_conf pc = { 77 };
	ok("qdisc change dev eth0 root pfifo", &r);
	ck_assert_int_eq(tc_req_merge(&r, &pc), 0);
	ck_assert_uint_eq(pc.limit, 77);
	ok("qdisc change dev eth0 root pfifo limit 9", &r);
	ck_assert_int_eq(tc_req_merge(&r, &pc), 0);
	ck_assert_uint_eq(pc.limit, 9);
	uint32_t bl = 5;
	ok("qdisc change dev eth0 root bfifo", &r);
	ck_assert_int_eq(tc_req_merge(&r, &bl), 0);
	ck_assert_uint_eq(bl, 5);
	ok("qdisc change dev eth0 root bfifo limit 2k", &r);
	ck_assert_int_eq(tc_req_merge(&r, &bl), 0);
	ck_assert_uint_eq(bl, 2048);

	struct tbf_params tp = { .rate = 1, .peakrate = 9, .mtu = 9, .burst = 1, .limit = 1 };
	ok("qdisc change dev eth0 root tbf rate 1mbit burst 10k latency 5ms", &r);
	ck_assert_int_eq(tc_req_merge(&r, &tp), 0);  /* the whole set, as tc sends it */
	ck_assert(tp.rate == 125000 && tp.peakrate == 0 && tp.mtu == 0 && tp.limit == 0);
	ck_assert_uint_eq(tp.latency_ns, 5000000);

	ok("qdisc change dev eth0 root", &r);
	ck_assert_int_eq(tc_req_merge(&r, &tp), -EINVAL);
	ok("qdisc change dev eth0 root foo", &r);
	ck_assert_int_eq(tc_req_merge(&r, &tp), -EINVAL);
}
END_TEST

static const struct { const char *line, *err; } errors[] = {
	/* tc itself, then its options and objects */
	{ "", "Usage:\ttc [ OPTIONS ] OBJECT { COMMAND | help }" },
	{ "-s", "Usage:\ttc [ OPTIONS ] OBJECT { COMMAND | help }" },
	{ "-x q", "Option \"-x\" is unknown, try \"tc -help\"." },
	{ "-sx q", "Option \"-sx\" is unknown, try \"tc -help\"." },
	{ "-dx q", "Option \"-dx\" is unknown, try \"tc -help\"." },
	{ "-S q", "Option \"-S\" is unknown, try \"tc -help\"." },
	{ "qdiscx", "Object \"qdiscx\" is unknown, try \"tc help\"." },
	{ "QDISC", "Object \"QDISC\" is unknown, try \"tc help\"." },
	{ "qdisc foo", "Command \"foo\" is unknown, try \"tc qdisc help\"." },
	{ "qdisc showx", "Command \"showx\" is unknown, try \"tc qdisc help\"." },
	{ "qdisc lsx", "Command \"lsx\" is unknown, try \"tc qdisc help\"." },
	{ "qdisc SHOW", "Command \"SHOW\" is unknown, try \"tc qdisc help\"." },
	/* show */
	{ "qdisc s foo", "What is \"foo\"? Try \"tc qdisc help\"." },
	{ "qdisc show eth0", "What is \"eth0\"? Try \"tc qdisc help\"." },
	{ "q show dev", "Command line is not complete. Try option \"help\"" },
	{ "qdisc show handle", "Command line is not complete. Try option \"help\"" },
	{ "qdisc show handle xx", "Error: argument \"xx\" is wrong: invalid handle ID" },
	{ "qdisc show parent xx", "Error: argument \"xx\" is wrong: invalid parent ID" },
	{ "qdisc show root root", "Error: argument \"root\" is wrong: parent is already specified" },
	{ "qdisc show handle 1: handle 2:",
	  "Error: argument \"handle\" is wrong: handle is already specified" },
	{ "qdisc show parent 1: root", "Error: argument \"root\" is wrong: parent is already specified" },
	{ "qdisc show root parent 1:",
	  "Error: argument \"parent\" is wrong: parent is already specified" },
	/* add and friends */
	{ "qdisc add dev", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root handle", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 parent", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root root pfifo", "Error: \"root\" is duplicate parent ID" },
	{ "qdisc add dev eth0 parent 1: root pfifo", "Error: \"root\" is duplicate parent ID" },
	{ "qdisc add dev eth0 root parent 1: pfifo",
	  "Error: duplicate \"parent\": \"1:\" is the second value." },
	{ "qdisc add dev eth0 parent 1:1 parent 1:2 pfifo",
	  "Error: duplicate \"parent\": \"1:2\" is the second value." },
	{ "qdisc add dev eth0 dev eth1 root pfifo",
	  "Error: duplicate \"dev\": \"eth1\" is the second value." },
	{ "qdisc add dev eth0 root handle 1: handle 2: pfifo",
	  "Error: duplicate \"handle\": \"handle\" is the second value." },
	{ "qdisc add dev eth0 root handle xyz pfifo",
	  "Error: argument \"xyz\" is wrong: invalid qdisc ID" },
	{ "qdisc add dev eth0 parent xyz pfifo", "Error: argument \"xyz\" is wrong: invalid parent ID" },
	{ "qdisc add dev eth0 root ingress", "Error: \"ingress\" is a duplicate parent ID" },
	{ "qdisc add dev eth0 root clsact", "Error: \"clsact\" is a duplicate parent ID" },
	{ "qdisc add dev eth0 ingress root", "What is \"root\"?" },
	{ "qdisc add dev eth0 ingress pfifo", "What is \"pfifo\"?" },
	{ "qdisc add dev eth0 ingress handle 1: dev eth1", "What is \"dev\"?" },
	{ "qdisc add dev eth0 clsact handle", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root foo bar", "Unknown qdisc \"foo\", hence option \"bar\" is unparsable" },
	{ "qdisc add dev eth0 root foo help",
	  "Unknown qdisc \"foo\", hence option \"help\" is unparsable" },
	{ "qdisc add dev eth0 root abcdefghijklmnopq x",
	  "Unknown qdisc \"abcdefghijklmno\", hence option \"x\" is unparsable" },
	{ "qdisc add dev eth0 root est 1s 8s pfifo", "nagare: tc qdisc \"est\" is not supported" },
	/* fifo */
	{ "qdisc add dev eth0 root pfifo limit", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root pfifo limit x", "pfifo: Illegal value for \"limit\": \"x\"" },
	{ "qdisc add dev eth0 root pfifo limit -1", "pfifo: Illegal value for \"limit\": \"-1\"" },
	{ "qdisc add dev eth0 root pfifo limit 4294967296",
	  "pfifo: Illegal value for \"limit\": \"4294967296\"" },
	{ "qdisc add dev eth0 root bfifo limit x", "bfifo: Illegal value for \"limit\": \"x\"" },
	{ "qdisc add dev eth0 root bfifo limit 5gb", "bfifo: Illegal value for \"limit\": \"5gb\"" },
	{ "qdisc add dev eth0 root pfifo bar",
	  "pfifo: unknown parameter \"bar\"\nUsage: ... <[p|b]fifo | pfifo_head_drop> [ limit NUMBER ]" },
	{ "qdisc add dev eth0 root pfifo lim 5",
	  "pfifo: unknown parameter \"lim\"\nUsage: ... <[p|b]fifo | pfifo_head_drop> [ limit NUMBER ]" },
	{ "qdisc add dev eth0 root pfifo help",
	  "Usage: ... <[p|b]fifo | pfifo_head_drop> [ limit NUMBER ]" },
	/* codel */
	{ "qdisc add dev eth0 root codel limit x", "Illegal \"limit\"" },
	{ "qdisc add dev eth0 root codel limit 10k", "Illegal \"limit\"" },
	{ "qdisc add dev eth0 root codel limit -1", "Illegal \"limit\"" },
	{ "qdisc add dev eth0 root codel target x", "Illegal \"target\"" },
	{ "qdisc add dev eth0 root codel interval x", "Illegal \"interval\"" },
	{ "qdisc add dev eth0 root codel ce_threshold x", "Illegal \"ce_threshold\"" },
	{ "qdisc add dev eth0 root codel limit", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root codel foo", "What is \"foo\"?" },
	{ "qdisc add dev eth0 root codel lim 5", "What is \"lim\"?" },
	{ "qdisc add dev eth0 root codel tar 5ms", "What is \"tar\"?" },
	{ "qdisc add dev eth0 root codel ce 1ms", "What is \"ce\"?" },
	{ "qdisc add dev eth0 root codel help",
	  "Usage: ... codel [ limit PACKETS ] [ target TIME ]\n\t\t [ interval TIME ] [ ecn | noecn ]\n"
	  "\t\t [ ce_threshold TIME ]" },
	/* fq_codel */
	{ "qdisc add dev eth0 root fq_codel limit x", "Illegal \"limit\"" },
	{ "qdisc add dev eth0 root fq_codel flows x", "Illegal \"flows\"" },
	{ "qdisc add dev eth0 root fq_codel quantum x", "Illegal \"quantum\"" },
	{ "qdisc add dev eth0 root fq_codel quantum 1mb", "Illegal \"quantum\"" },
	{ "qdisc add dev eth0 root fq_codel quantum 10k", "Illegal \"quantum\"" },
	{ "qdisc add dev eth0 root fq_codel target x", "Illegal \"target\"" },
	{ "qdisc add dev eth0 root fq_codel interval x", "Illegal \"interval\"" },
	{ "qdisc add dev eth0 root fq_codel memory_limit x", "Illegal \"memory_limit\"" },
	{ "qdisc add dev eth0 root fq_codel ce_threshold x", "Illegal \"ce_threshold\"" },
	{ "qdisc add dev eth0 root fq_codel drop_batch x", "Illegal \"drop_batch\"" },
	{ "qdisc add dev eth0 root fq_codel foo", "What is \"foo\"?" },
	{ "qdisc add dev eth0 root fq_codel fl 5", "What is \"fl\"?" },
	{ "qdisc add dev eth0 root fq_codel help",
	  "Usage: ... fq_codel\t[ limit PACKETS ] [ flows NUMBER ]\n[ memory_limit BYTES ]\n"
	  "[ target TIME ] [ interval TIME ]\n[ quantum BYTES ] [ [no]ecn ]\n[ ce_threshold TIME ]\n"
	  "[ ce_threshold_selector VALUE/MASK ]\n[ drop_batch SIZE ]" },
	/* tbf */
	{ "qdisc add dev eth0 root tbf",
	  TBF_ERR_RATE "\n" TBF_ERR_BURST "\n" TBF_ERR_LIMIT },
	{ "qdisc add dev eth0 root tbf rate 1mbit", TBF_ERR_BURST "\n" TBF_ERR_LIMIT },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k", TBF_ERR_LIMIT },
	{ "qdisc add dev eth0 root tbf lat 1ms", TBF_ERR_RATE "\n" TBF_ERR_BURST },
	{ "qdisc add dev eth0 root tbf rate 0 burst 10k latency 1ms", TBF_ERR_RATE },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 0 latency 1ms", TBF_ERR_BURST },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 0", TBF_ERR_LIMIT },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k limit 0", TBF_ERR_LIMIT },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 1ms peakrate 2mbit",
	  "tbf: when \"peakrate\" is specified, \"mtu\" must also be specified." },
	{ "qdisc add dev eth0 root tbf rate x", "tbf: illegal value for \"rate\": \"x\"" },
	{ "qdisc add dev eth0 root tbf burst x", "tbf: illegal value for \"burst\": \"x\"" },
	{ "qdisc add dev eth0 root tbf buffer x", "tbf: illegal value for \"buffer\": \"x\"" },
	{ "qdisc add dev eth0 root tbf maxburst x", "tbf: illegal value for \"maxburst\": \"x\"" },
	{ "qdisc add dev eth0 root tbf latency x", "tbf: illegal value for \"latency\": \"x\"" },
	{ "qdisc add dev eth0 root tbf limit x", "tbf: illegal value for \"limit\": \"x\"" },
	{ "qdisc add dev eth0 root tbf limit 5gb", "tbf: illegal value for \"limit\": \"5gb\"" },
	{ "qdisc add dev eth0 root tbf peakrate x", "tbf: illegal value for \"peakrate\": \"x\"" },
	{ "qdisc add dev eth0 root tbf mtu x", "tbf: illegal value for \"mtu\": \"x\"" },
	{ "qdisc add dev eth0 root tbf minburst x", "tbf: illegal value for \"minburst\": \"x\"" },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k l 1ms",
	  "tbf: illegal value for \"l\": \"1ms\"" },
	{ "qdisc add dev eth0 root tbf rate 1mbit rate 2mbit", "tbf: duplicate \"rate\" specification" },
	{ "qdisc add dev eth0 root tbf burst 1k buffer 2k",
	  "tbf: duplicate \"buffer/burst/maxburst\" specification" },
	{ "qdisc add dev eth0 root tbf latency 1ms latency 2ms",
	  "tbf: duplicate \"latency\" specification" },
	{ "qdisc add dev eth0 root tbf limit 1 limit 2", "tbf: duplicate \"limit\" specification" },
	{ "qdisc add dev eth0 root tbf mtu 1 minburst 2", "tbf: duplicate \"mtu/minburst\" specification" },
	{ "qdisc add dev eth0 root tbf peakrate 1mbit peakrate 2mbit",
	  "tbf: duplicate \"peakrate\" specification" },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 1ms limit 1k", TBF_ERR_BOTH },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k limit 1k latency 1ms",
	  "tbf: specifying both \"limit\" and \"/latency\" is not allowed" },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 1ms limit",
	  "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root tbf limit 1 limit", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root tbf limit 1 latency", "Command line is not complete. Try option \"help\"" },
	{ "qdisc add dev eth0 root tbf foo", "tbf: unknown parameter \"foo\"" },
	{ "qdisc add dev eth0 root tbf r 1mbit b 10k l 10k", "tbf: unknown parameter \"r\"" },
	{ "qdisc add dev eth0 root tbf ra 1mbit bu 10k la 1ms", "tbf: unknown parameter \"ra\"" },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k la 1ms p 2mbit m 1500",
	  "tbf: unknown parameter \"m\"" },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 1ms peak 2mbit mt 1500",
	  "tbf: unknown parameter \"mt\"" },
	{ "qdisc add dev eth0 root tbf rate 1mbit max 10k latency 1ms", "tbf: unknown parameter \"max\"" },
	{ "qdisc add dev eth0 root tbf rate 1mbit buf 10k latency 1ms", "tbf: unknown parameter \"buf\"" },
	{ "qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 1ms help",
	  "Usage: ... tbf limit BYTES burst BYTES[/BYTES] rate KBPS [ mtu BYTES[/BYTES] ]\n"
	  "\t[ peakrate KBPS ] [ latency TIME ] [ overhead BYTES ] [ linklayer TYPE ]" },
};

START_TEST(error_words)
{
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		bad(errors[i].line, errors[i].err);
}
END_TEST

static void check_err(const char *line, int code, const char *want)
{
	struct tc_req r;
	ok(line, &r);
	memset(err, 'x', sizeof(err));
	int rc = tc_req_check(&r, err, sizeof(err));
	ck_assert_msg(rc == code, "\"%s\": %d", line, rc);
	if (want)
		ck_assert_msg(!strcmp(err, want), "\"%s\": [%s]", line, err);
}

START_TEST(kernel_refusals)
{
	check_err("qdisc add root pfifo", -ENODEV, "RTNETLINK answers: No such device");
	check_err("qdisc add", -ENODEV, "RTNETLINK answers: No such device");
	check_err("qdisc del root", -ENODEV, "RTNETLINK answers: No such device");
	check_err("qdisc add dev eth0", -EINVAL, "Error: Handle cannot be zero.");
	check_err("qdisc add dev eth0 pfifo", -EINVAL, "Error: Handle cannot be zero.");
	check_err("qdisc add dev eth0 root foo", -EINVAL, "Error: Specified qdisc kind is unknown.");
	check_err("qdisc replace dev eth0 root prio", -EINVAL, "Error: Specified qdisc kind is unknown.");
	check_err("qdisc add dev eth0 ingress", -EINVAL, "Error: Specified qdisc kind is unknown.");
	check_err("qdisc add dev eth0 root fq_codel quantum 2000000", -EINVAL, "Error: Invalid quantum.");
	check_err("qdisc add dev eth0 root fq_codel quantum 1048577", -EINVAL, "Error: Invalid quantum.");
	check_err("qdisc add dev eth0 root fq_codel quantum 1048576", 0, NULL);
	check_err("qdisc add dev eth0 root fq_codel flows 65537", -EINVAL,
		  "RTNETLINK answers: Invalid argument");
	check_err("qdisc add dev eth0 root fq_codel flows 65536", 0, NULL);
	check_err("qdisc add dev eth0 root fq_codel flows 0", 0, NULL);
	check_err("qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 10ms peakrate 1mbit mtu 1500",
		  -EINVAL, "RTNETLINK answers: Invalid argument");
	check_err("qdisc add dev eth0 root tbf rate 1mbit burst 10k latency 10ms peakrate 500kbit mtu 1500",
		  -EINVAL, "RTNETLINK answers: Invalid argument");
	check_err("qdisc del dev eth0 root", 0, NULL);
	check_err("qdisc change dev eth0 root", 0, NULL);
	check_err("qdisc show", 0, NULL);
	check_err("qdisc show dev eth0", 0, NULL);
	/* the check completes tbf's limit as tc does: rate * latency + burst */
	struct tc_req r;
	ok("qdisc add dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency 400ms", &r);
	ck_assert_int_eq(tc_req_check(&r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.u.tbf.limit, 1250000 * 4 / 10 + 4096);
}
END_TEST

START_TEST(print_handle)
{
	static const struct { uint32_t h; const char *s; } t[] = {
		{ 0x10000, "1:" }, { 0x100000, "10:" }, { 0x10001, "1:1" }, { TC_H_ROOT, "root" },
		{ 0xffff0000, "ffff:" }, { 0x0abc00de, "abc:de" }, { 1, ":1" }, { 0, "0:" },
		{ TC_H_INGRESS, "ingress" }, { 0xffffffe0, "ffff:ffe0" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(tc_print_handle(buf, sizeof(buf), t[i].h), (int)strlen(t[i].s));
		ck_assert_str_eq(buf, t[i].s);
	}
	ck_assert_int_eq(tc_print_handle(buf, 3, 0xabc0000), 4);
	ck_assert_str_eq(buf, "ab");
}
END_TEST

START_TEST(odd_argv)
{
	struct tc_req r;
	char small[8];
	/* NULL argv, NULL words, tiny and zero error buffers */
	ck_assert_int_eq(tc_parse(0, NULL, &r, err, sizeof(err)), -EINVAL);
	char *a1[] = { "qdisc", "add", "dev", NULL, "root", "pfifo" };
	ck_assert_int_eq(tc_parse(6, a1, &r, err, sizeof(err)), 0);
	ck_assert_str_eq(r.dev, "");
	char *a2[] = { "qdisc", "add", "dev", "eth0", "root", "tbf" };
	ck_assert_int_eq(tc_parse(6, a2, &r, small, sizeof(small)), -EINVAL);
	ck_assert_str_eq(small, "tbf: th");
	ck_assert_int_eq(tc_parse(6, a2, &r, small, 0), -EINVAL);
	ck_assert_int_eq(tc_parse(6, a2, &r, NULL, 0), -EINVAL);
	/* words far longer than any buffer */
	static char huge[4096];
	memset(huge, 'a', sizeof(huge) - 1);
	char *a3[] = { "qdisc", "add", "dev", huge, "root", huge, huge };
	ck_assert_int_eq(tc_parse(7, a3, &r, err, sizeof(err)), -EINVAL);
	ck_assert_uint_lt(strlen(err), sizeof(err));
	ck_assert_int_eq(strlen(r.dev), TC_DEV_LEN - 1);
	char *a4[] = { "qdisc", "add", "dev", "eth0", "root", "tbf", "burst", huge };
	ck_assert_int_eq(tc_parse(8, a4, &r, err, sizeof(err)), -EINVAL);
	huge[10] = '/';
	ck_assert_int_eq(tc_parse(8, a4, &r, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(tc_parse(-3, a4, &r, err, sizeof(err)), -EINVAL);  /* a negative count: none */
	huge[10] = 'a';
}
END_TEST

/* Random lines from tc's vocabulary and some junk, under ASan: no crash,
 * no read past argv, err always terminated and within its buffer. */
START_TEST(fuzz)
{
	static const char *const vocab[] = {
		"qdisc", "q", "-s", "-d", "--stats", "-", "-x", "show", "ls", "l", "add", "a", "change",
		"replace", "del", "d", "link", "help", "h", "dev", "eth0", "root", "parent", "handle",
		"1:", "1:1", ":", "ffff:ffff", "10000:", "ingress", "clsact", "est", "stab", "invisible",
		"pfifo", "bfifo", "codel", "fq_codel", "tbf", "prio", "limit", "flows", "quantum",
		"target", "interval", "memory_limit", "ecn", "noecn", "ce_threshold", "drop_batch",
		"rate", "burst", "buffer", "maxburst", "latency", "lat", "l", "peakrate", "p", "mtu",
		"minburst", "10mbit", "32kbit", "400ms", "0", "1", "0x10", "-1", "4294967296", "1k/8",
		"1k/3", "/", "", "x", "5gb", "1e3", "\t", "999999999999999999999999",
	};
	const size_t nv = sizeof(vocab) / sizeof(vocab[0]);
	char *argv[24];
	char e[40];
	struct tc_req r;
	unsigned seed = 12345;
	for (int iter = 0; iter < 200000; iter++) {
		seed = seed * 1103515245u + 12345u;
		int n = (int)(seed >> 16) % 24;
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			argv[i] = (char *)vocab[(seed >> 16) % nv];
		}
		if (n > 0 && (seed & 3))
			argv[0] = "qdisc";
		size_t elen = (seed >> 8) % sizeof(e);
		memset(e, 'z', sizeof(e));
		int rc = tc_parse(n, argv, &r, e, elen);
		ck_assert(rc == 0 || rc == -EINVAL);
		if (elen) {
			ck_assert(memchr(e, 0, elen) != NULL);
			if (rc == 0)
				ck_assert_int_eq(e[0], 0);
			else if (elen > 1)
				ck_assert_int_ne(e[0], 0);
		}
		ck_assert(memchr(r.dev, 0, sizeof(r.dev)) && memchr(r.kind_name, 0, sizeof(r.kind_name)));
		if (rc == 0) {
			char ke[TC_ERR_LEN];
			int kc = tc_req_check(&r, ke, sizeof(ke));
			ck_assert(kc == 0 || kc == -EINVAL || kc == -ENODEV);
		}
	}
}
END_TEST

Suite *tc_parse_suite(void)
{
	Suite *s = suite_create("tc_parse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, show_forms);
	tcase_add_test(tc, commands);
	tcase_add_test(tc, handles);
	tcase_add_test(tc, parents);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, options);
	tcase_add_test(tc, merge);
	tcase_add_test(tc, error_words);
	tcase_add_test(tc, kernel_refusals);
	tcase_add_test(tc, print_handle);
	tcase_add_test(tc, odd_argv);
	tcase_add_test(tc, fuzz);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
