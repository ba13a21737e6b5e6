/*
 * net/sched/fq_codel.c: flow isolation (a sparse flow's packet leaves
 * before a fat flow's backlog), DRR byte fairness within one quantum,
 * the new/old list moves of RFC 8290 section 4.2, the fattest-flow drop
 * with the batch rule and its CoDel count, the memory limit, quantum and
 * flows bounds, CoDel per flow under a standing queue, and tc's shape
 * (the sample in shared/notes/qdisc-facts.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/sched/fq_codel.h"
#include "tests/unit/unit.h"

#define MS 1000000ull
#define NP 4096

struct fx {
	struct fq_codel fq;
	struct fq_codel_conf conf;
	struct fq_codel_flow flows[FQ_CODEL_FLOWS_DEFAULT];
	struct qpkt p[NP];
	int used;
	int freed;
	uint32_t freed_by_hash[8];
};

static void fx_free(struct qpkt *p, void *ctx)
{
	struct fx *x = ctx;
	x->freed++;
	if (p->hash >> 29 < 8)
		x->freed_by_hash[p->hash >> 29]++;
}

/* Flow k of 8 uses hash k << 29: flows 0, 128, 256, ... of 1024. */
static uint32_t flow_hash(int k)
{
	return (uint32_t)k << 29;
}

static struct fx *fx_new(void (*tweak)(struct fq_codel_conf *))
{
	struct fx *x = calloc(1, sizeof(*x));
	fq_codel_conf_default(&x->conf);
	if (tweak)
		tweak(&x->conf);
	ck_assert_int_eq(fq_codel_init(&x->fq, &x->conf, x->flows, fx_free, x), 0);
	return x;
}

static struct qpkt *send(struct fx *x, int flow, uint32_t len, uint64_t now, int *ret)
{
	ck_assert_int_lt(x->used, NP);
	struct qpkt *p = &x->p[x->used++];
	*p = (struct qpkt){ .len = len, .hash = flow_hash(flow) };
	int r = qdisc_enqueue(&x->fq.q, p, now);
	if (ret)
		*ret = r;
	return p;
}

static int flow_of(const struct qpkt *p)
{
	return (int)(p->hash >> 29);
}

START_TEST(defaults_and_hash_scaling)
{
	struct fx *x = fx_new(NULL);
	ck_assert_uint_eq(x->fq.limit, 10240);
	ck_assert_uint_eq(x->fq.nflows, 1024);
	ck_assert_uint_eq(x->fq.quantum, 1514);
	ck_assert_uint_eq(x->fq.memory_limit, 32u << 20);
	ck_assert_uint_eq(x->fq.drop_batch, 64);
	ck_assert(x->fq.cparams.ecn);
	ck_assert_uint_eq(x->fq.cparams.target_ns, 5 * MS);
	ck_assert_uint_eq(x->fq.cparams.interval_ns, 100 * MS);
	ck_assert_uint_eq(fq_codel_flow_index(&x->fq, 0), 0);
	ck_assert_uint_eq(fq_codel_flow_index(&x->fq, 0xffffffffu), 1023);
	ck_assert_uint_eq(fq_codel_flow_index(&x->fq, 0x80000000u), 512);
	ck_assert_uint_eq(fq_codel_flow_index(&x->fq, flow_hash(3)), 384);
	free(x);
}
END_TEST

static void quantum_100(struct fq_codel_conf *c)
{
	c->quantum = 100;
}

/* Below 256 is raised to 256; 1 MiB is taken, one byte more refused
 * (tc: "Invalid quantum"), and a refused change changes nothing; flows
 * is 1..65536 and fixed once created. */
START_TEST(quantum_and_flows_bounds)
{
	struct fx *x = fx_new(quantum_100);
	ck_assert_uint_eq(x->fq.quantum, 256);
	struct fq_codel_conf c = x->conf;
	c.quantum = FQ_CODEL_QUANTUM_MAX;
	ck_assert_int_eq(x->fq.q.ops->change(&x->fq.q, &c, 0), 0);
	ck_assert_uint_eq(x->fq.quantum, 1u << 20);
	c.quantum = FQ_CODEL_QUANTUM_MAX + 1;
	c.limit = 5;
	ck_assert_int_eq(x->fq.q.ops->change(&x->fq.q, &c, 0), -EINVAL);
	ck_assert_uint_eq(x->fq.quantum, 1u << 20);
	ck_assert_uint_eq(x->fq.limit, 10240);
	c.quantum = 1514;
	c.flows = 512;
	ck_assert_int_eq(x->fq.q.ops->change(&x->fq.q, &c, 0), -EINVAL);
	ck_assert_uint_eq(x->fq.nflows, 1024);

	struct fq_codel_conf d;
	fq_codel_conf_default(&d);
	ck_assert_int_eq(fq_codel_conf_check(&d), 0);
	d.flows = 0;
	ck_assert_int_eq(fq_codel_conf_check(&d), -EINVAL);
	d.flows = 65537;
	ck_assert_int_eq(fq_codel_conf_check(&d), -EINVAL);
	d.flows = 65536;
	ck_assert_int_eq(fq_codel_conf_check(&d), 0);
	d.quantum = FQ_CODEL_QUANTUM_MAX + 1;
	ck_assert_int_eq(fq_codel_init(&x->fq, &d, x->flows, fx_free, x), -EINVAL);
	free(x);
}
END_TEST

/* A fat flow with 200 full packets queued, then one small packet of a
 * sparse flow: it leaves second (the fat flow used its quantum on the
 * first packet), and again second when the fat flow is an old flow. */
START_TEST(sparse_flow_isolation)
{
	struct fx *x = fx_new(NULL);
	for (int i = 0; i < 200; i++)
		send(x, 1, 1514, 0, NULL);
	struct qpkt *ping = send(x, 2, 98, 0, NULL);
	ck_assert_ptr_eq(qdisc_dequeue(&x->fq.q, 0), &x->p[0]);
	ck_assert_ptr_eq(qdisc_dequeue(&x->fq.q, 0), ping);
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(flow_of(qdisc_dequeue(&x->fq.q, 0)), 1);
	/* the fat flow is old now; a new ping goes ahead of it at once */
	ck_assert_uint_eq(x->fq.old_flows.len, 1);
	struct qpkt *ping2 = send(x, 3, 98, 0, NULL);
	ck_assert_ptr_eq(qdisc_dequeue(&x->fq.q, 0), ping2);
	ck_assert_uint_eq(x->fq.q.stats.qlen, 200 - 51);
	free(x);
}
END_TEST

/* Two backlogged flows, full packets against 64-byte packets: at every
 * point, the bytes each got differ by at most one quantum plus one
 * packet; and three flows of mixed sizes share within a quantum. */
START_TEST(drr_byte_fairness)
{
	struct fx *x = fx_new(NULL);
	for (int i = 0; i < 200; i++)
		send(x, 0, 1514, 0, NULL);
	for (int i = 0; i < 3000; i++)
		send(x, 1, 64, 0, NULL);
	uint64_t bytes[2] = { 0, 0 };
	for (int i = 0; i < 1500; i++) {
		struct qpkt *p = qdisc_dequeue(&x->fq.q, 0);
		ck_assert_ptr_nonnull(p);
		bytes[flow_of(p)] += p->len;
		uint64_t d = bytes[0] > bytes[1] ? bytes[0] - bytes[1] : bytes[1] - bytes[0];
		ck_assert_msg(d <= 1514 + 1514, "after %d: %llu vs %llu", i,
			      (unsigned long long)bytes[0], (unsigned long long)bytes[1]);
	}
	ck_assert_uint_gt(bytes[0], 20000);
	ck_assert_uint_gt(bytes[1], 20000);
	free(x);

	x = fx_new(NULL);
	static const uint32_t sizes[3] = { 1514, 700, 333 };
	for (int i = 0; i < 1000; i++)
		send(x, i % 3, sizes[i % 3], 0, NULL);
	uint64_t got[3] = { 0, 0, 0 };
	for (int i = 0; i < 300; i++) {
		struct qpkt *p = qdisc_dequeue(&x->fq.q, 0);
		got[flow_of(p)] += p->len;
	}
	for (int a = 0; a < 3; a++)
		for (int b = 0; b < 3; b++)
			ck_assert(got[a] <= got[b] + 2 * 1514);
	free(x);
}
END_TEST

/* RFC 8290 section 4.2's moves, as the list lengths show them. */
START_TEST(new_old_moves)
{
	struct fx *x = fx_new(NULL);
	struct fq_codel *fq = &x->fq;
	/* A joins new_flows */
	send(x, 0, 1000, 0, NULL);
	send(x, 0, 1000, 0, NULL);
	ck_assert_uint_eq(fq->new_flows.len, 1);
	ck_assert_uint_eq(fq->new_flow_count, 1);
	send(x, 0, 1000, 0, NULL);                      /* still listed: not new again */
	ck_assert_uint_eq(fq->new_flow_count, 1);
	/* deficit 1514 - 1000 > 0: A stays new for a second packet */
	qdisc_dequeue(&fq->q, 0);
	ck_assert_uint_eq(fq->new_flows.len, 1);
	qdisc_dequeue(&fq->q, 0);
	/* deficit 514 - 1000 < 0: the next dequeue moves it to old */
	ck_assert_int_eq(fq->flows[0].deficit, -486);
	qdisc_dequeue(&fq->q, 0);
	ck_assert_uint_eq(fq->new_flows.len, 0);
	ck_assert_uint_eq(fq->old_flows.len, 1);
	ck_assert_int_eq(fq->flows[0].deficit, 1514 - 486 - 1000);
	/* A is empty on old_flows: the next dequeue finds nothing and
	 * removes it */
	ck_assert_ptr_null(qdisc_dequeue(&fq->q, 0));
	ck_assert_uint_eq(fq->old_flows.len, 0);
	ck_assert(!fq->flows[0].listed);

	/* B new, emptied while old_flows is empty: it leaves the lists */
	send(x, 1, 100, 0, NULL);
	ck_assert_ptr_nonnull(qdisc_dequeue(&fq->q, 0));
	ck_assert_ptr_null(qdisc_dequeue(&fq->q, 0));
	ck_assert_uint_eq(fq->new_flows.len + fq->old_flows.len, 0);
	ck_assert_uint_eq(fq->new_flow_count, 2);

	/* C old and busy (500-byte packets: 528 bytes of deficit left),
	 * D new and emptied: D goes behind C on old_flows (anti-starvation)
	 * and C is served next */
	for (int i = 0; i < 10; i++)
		send(x, 2, 500, 0, NULL);
	for (int i = 0; i < 5; i++)                     /* the 5th after C moved to old */
		ck_assert_int_eq(flow_of(qdisc_dequeue(&fq->q, 0)), 2);
	ck_assert_uint_eq(fq->old_flows.len, 1);
	ck_assert_int_eq(fq->flows[2 * 128].deficit, 528);
	send(x, 3, 100, 0, NULL);
	ck_assert_int_eq(flow_of(qdisc_dequeue(&fq->q, 0)), 3);
	ck_assert_uint_eq(fq->new_flows.len, 1);        /* D, empty, still new */
	ck_assert_int_eq(flow_of(qdisc_dequeue(&fq->q, 0)), 2);
	ck_assert_uint_eq(fq->new_flows.len, 0);
	ck_assert_uint_eq(fq->old_flows.len, 2);        /* C then D */
	ck_assert_ptr_eq(fq->old_flows.head, &fq->flows[2 * 128]);
	ck_assert_ptr_eq(fq->old_flows.tail, &fq->flows[3 * 128]);
	/* D sends again while still listed on old: no new_flow_count */
	uint32_t nfc = fq->new_flow_count;
	send(x, 3, 100, 0, NULL);
	ck_assert_uint_eq(fq->new_flow_count, nfc);
	free(x);
}
END_TEST

static void limit_100(struct fq_codel_conf *c)
{
	c->limit = 100;
}

static void limit_200(struct fq_codel_conf *c)
{
	c->limit = 200;
}

/* Over the limit: the flow with the most bytes (not the most packets)
 * loses packets from its head until half its bytes are gone, at most
 * drop_batch; its CoDel count grows by as many. */
START_TEST(fattest_flow_drop)
{
	struct fx *x = fx_new(limit_100);
	struct fq_codel *fq = &x->fq;
	int r;
	for (int i = 0; i < 70; i++)
		send(x, 0, 100, 0, NULL);               /* 7000 bytes, more packets */
	for (int i = 0; i < 30; i++)
		send(x, 1, 1000, 0, NULL);              /* 30000 bytes */
	ck_assert_int_eq(x->freed, 0);
	send(x, 0, 100, 0, &r);                          /* 101 > limit */
	ck_assert_int_eq(r, QDISC_ENQ_OK);              /* flow 0 did not pay */
	ck_assert_uint_eq(x->freed_by_hash[1], 15);     /* half of 30000 bytes */
	ck_assert_uint_eq(x->freed_by_hash[0], 0);
	ck_assert_uint_eq(fq->flows[128].cvars.count, 15);
	ck_assert_uint_eq(fq->flows[128].backlog, 15000);
	ck_assert_uint_eq(fq->drop_overlimit, 15);
	ck_assert_uint_eq(fq->drop_overmemory, 0);
	ck_assert_uint_eq(fq->q.stats.drops, 15);
	ck_assert_uint_eq(fq->q.stats.qlen, 86);
	ck_assert_uint_eq(fq->q.stats.backlog, 15000 + 7100);
	/* dropped from the head: the next of flow 1 is its 16th packet */
	ck_assert_ptr_eq(fq->flows[128].q.head, &x->p[70 + 15]);
	free(x);

	/* 200 small packets in one flow: half its bytes would be 101
	 * packets, the batch of 64 stops first, and the sender's own flow
	 * paid (NET_XMIT_CN) */
	x = fx_new(limit_200);
	fq = &x->fq;
	for (int i = 0; i < 200; i++)
		send(x, 2, 100, 0, NULL);
	send(x, 2, 100, 0, &r);
	ck_assert_int_eq(r, QDISC_ENQ_CN);
	ck_assert_int_eq(x->freed, 64);
	ck_assert_uint_eq(fq->flows[2 * 128].cvars.count, 64);
	ck_assert_uint_eq(fq->q.stats.qlen, 137);
	ck_assert_uint_eq(fq->drop_overlimit, 64);
	free(x);
}
END_TEST

static void small_memory(struct fq_codel_conf *c)
{
	c->memory_limit = 64 * 1024;
}

/* Over memory_limit (truesize counts): the same drop, counted in
 * drop_overmemory too; memory_used shows in the dump while not zero. */
START_TEST(memory_limit)
{
	struct fx *x = fx_new(small_memory);
	struct fq_codel *fq = &x->fq;
	for (int i = 0; i < 32; i++) {
		struct qpkt *p = &x->p[x->used++];
		*p = (struct qpkt){ .len = 1514, .truesize = 2048, .hash = flow_hash(i % 2) };
		qdisc_enqueue(&fq->q, p, 0);
	}
	ck_assert_int_eq(x->freed, 0);
	ck_assert_uint_eq(fq->memory_usage, 65536);
	struct qpkt *p = &x->p[x->used++];
	*p = (struct qpkt){ .len = 1514, .truesize = 2048, .hash = flow_hash(0) };
	qdisc_enqueue(&fq->q, p, 0);                    /* flow 0: 17 packets, the fattest */
	ck_assert_uint_eq(x->freed_by_hash[0], 9);     /* 9 * 1514 >= 25738 / 2 */
	ck_assert_uint_eq(fq->drop_overmemory, 9);
	ck_assert_uint_eq(fq->drop_overlimit, 9);
	ck_assert_uint_eq(fq->memory_usage, (33 - 9) * 2048);
	char buf[512];
	fq->q.ops->dump(&fq->q, "0: root refcnt 2", 1, 0, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "ecn_mark 0 memory_used 49152 drop_overmemory 9\n"));
	free(x);
}
END_TEST

/* A fat flow over a 10 Mbit/s link keeps a standing queue: CoDel in its
 * flow marks its ECT packets (ECN is on by default) and drops the
 * others, while a sparse flow, one packet every 50 ms, loses nothing
 * and waits at most about one full packet. */
START_TEST(codel_per_flow)
{
	struct fx *x = fx_new(NULL);
	struct fq_codel *fq = &x->fq;
	uint64_t busy = 0, next_fat = 0, next_ping = 0, worst_ping = 0;
	for (uint64_t now = 0; now < 3000 * MS; now += 100000) {
		if (now >= next_fat && x->used < NP - 100) {
			struct qpkt *p = &x->p[x->used++];
			*p = (struct qpkt){ .len = 1514, .hash = flow_hash(0),
					    .ecn = x->used % 2 ? QPKT_ECN_ECT0 : QPKT_ECN_NOT_ECT };
			qdisc_enqueue(&fq->q, p, now);
			next_fat = now + 1000000;       /* 1.25x the link */
		}
		if (now >= next_ping) {
			send(x, 1, 98, now, NULL);
			next_ping = now + 50 * MS;
		}
		if (now >= busy) {
			struct qpkt *p = qdisc_dequeue(&fq->q, now);
			if (p) {
				busy = now + p->len * 800ull;
				if (flow_of(p) == 1 && now - p->enqueue_ns > worst_ping)
					worst_ping = now - p->enqueue_ns;
			}
		}
	}
	ck_assert_uint_gt(fq->cstats.ecn_mark, 5);
	ck_assert_uint_gt(x->freed_by_hash[0], 5);
	ck_assert_uint_eq(x->freed_by_hash[1], 0);
	ck_assert_uint_le(worst_ping, 1514 * 800 + 100000);
	ck_assert_uint_eq(fq->q.stats.drops, (uint32_t)x->freed);
	free(x);
}
END_TEST

/* A lower limit drops in dequeue order; reset frees everything. */
START_TEST(change_and_reset)
{
	struct fx *x = fx_new(NULL);
	struct fq_codel *fq = &x->fq;
	for (int i = 0; i < 20; i++)
		send(x, i % 4, 500, 0, NULL);
	struct fq_codel_conf c = x->conf;
	c.limit = 12;
	ck_assert_int_eq(fq->q.ops->change(&fq->q, &c, 0), 0);
	ck_assert_uint_eq(fq->q.stats.qlen, 12);
	ck_assert_uint_eq(fq->q.stats.drops, 8);
	ck_assert_uint_eq(fq->q.stats.packets, 0);      /* not counted as sent */
	/* DRR order: flow 0 spends its quantum on 4 packets, then flow 1 */
	ck_assert_uint_eq(x->freed_by_hash[0], 4);
	ck_assert_uint_eq(x->freed_by_hash[1], 4);
	ck_assert_uint_eq(qdisc_reset(&fq->q), 12);
	ck_assert_uint_eq(fq->q.stats.qlen, 0);
	ck_assert_uint_eq(fq->q.stats.backlog, 0);
	ck_assert_uint_eq(fq->memory_usage, 0);
	ck_assert_uint_eq(fq->new_flows.len + fq->old_flows.len, 0);
	ck_assert_ptr_null(qdisc_dequeue(&fq->q, 0));
	free(x);
}
END_TEST


/* The notes' sample, a fresh fq_codel under tbf's class 1:1: iproute2's
 * bytes, and the notes' lines without trailing spaces. */
START_TEST(dump_shape)
{
	struct fx *x = fx_new(NULL);
	char buf[512];
	int n = x->fq.q.ops->dump(&x->fq.q, "10: parent 1:1", 1, 0, buf, sizeof(buf));
	const char *want =
		"qdisc fq_codel 10: parent 1:1 limit 10240p flows 1024 quantum 1514 target 5ms "
		"interval 100ms memory_limit 32Mb ecn drop_batch 64 \n"
		" Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n"
		" backlog 0b 0p requeues 0\n"
		"  maxpacket 0 drop_overlimit 0 new_flow_count 0 ecn_mark 0\n"
		"  new_flows_len 0 old_flows_len 0\n";
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(n, (int)strlen(want));
	unit_strip_trailing(buf);
	ck_assert_str_eq(buf,
			 "qdisc fq_codel 10: parent 1:1 limit 10240p flows 1024 quantum 1514 target 5ms "
			 "interval 100ms memory_limit 32Mb ecn drop_batch 64\n"
			 " Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\n"
			 " backlog 0b 0p requeues 0\n"
			 "  maxpacket 0 drop_overlimit 0 new_flow_count 0 ecn_mark 0\n"
			 "  new_flows_len 0 old_flows_len 0");
	struct fq_codel_conf c = x->conf;
	c.ecn = 0;
	c.target_ns = 2500000;
	c.quantum = 300;
	c.memory_limit = 4 << 20;
	x->fq.q.ops->change(&x->fq.q, &c, 0);
	x->fq.q.ops->dump(&x->fq.q, "8002: dev eth0 root refcnt 2", 0, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "qdisc fq_codel 8002: dev eth0 root refcnt 2 limit 10240p flows 1024 "
			      "quantum 300 target 2.5ms interval 100ms memory_limit 4Mb drop_batch 64 \n");
	free(x);
}
END_TEST

Suite *fq_codel_suite(void)
{
	Suite *s = suite_create("fq_codel");
	TCase *tc = tcase_create("fq_codel");
	tcase_add_test(tc, defaults_and_hash_scaling);
	tcase_add_test(tc, quantum_and_flows_bounds);
	tcase_add_test(tc, sparse_flow_isolation);
	tcase_add_test(tc, drr_byte_fairness);
	tcase_add_test(tc, new_old_moves);
	tcase_add_test(tc, fattest_flow_drop);
	tcase_add_test(tc, memory_limit);
	tcase_add_test(tc, codel_per_flow);
	tcase_add_test(tc, change_and_reset);
	tcase_add_test(tc, dump_shape);
	suite_add_tcase(s, tc);
	return s;
}
