/*
 * net/sched/sch_api.c: qdiscs by tc's name with Linux's defaults (pfifo's
 * limit is the device's txqueuelen), the kernel's refusals (fq_codel
 * flows outside 1..65536, quantum above 1 MiB), and destroy handing every
 * queued packet to the drop callback exactly once.
 */
#include <errno.h>
#include <string.h>

#include "net/sched/sch_api.h"
#include "tests/unit/unit.h"

static int dropped;
static void drop(struct qpkt *p, void *ctx)
{
	(void)p, (void)ctx;
	dropped++;
}

START_TEST(kinds_and_defaults)
{
	union qdisc_conf c;
	ck_assert_ptr_eq(qdisc_kind("fq_codel"), &fq_codel_ops);
	ck_assert_ptr_eq(qdisc_kind("codel"), &codel_ops);
	ck_assert_ptr_eq(qdisc_kind("pfifo"), &pfifo_ops);
	ck_assert_ptr_null(qdisc_kind("cake"));
	ck_assert_ptr_null(qdisc_kind(""));
	ck_assert_int_eq(qdisc_conf_default("pfifo", &c, 500), 0);
	ck_assert_uint_eq(c.pfifo.limit, 500);
	ck_assert_int_eq(qdisc_conf_default("fq_codel", &c, 500), 0);
	ck_assert_uint_eq(c.fq_codel.limit, 10240);
	ck_assert_uint_eq(c.fq_codel.flows, 1024);
	ck_assert_int_eq(c.fq_codel.ecn, 1);
	ck_assert_int_eq(qdisc_conf_default("codel", &c, 500), 0);
	ck_assert_uint_eq(c.codel.limit, 1000);
	ck_assert_int_eq(c.codel.ecn, 0);
	ck_assert_int_eq(qdisc_conf_default("sfq", &c, 500), -ENOENT);
}
END_TEST

START_TEST(create_refusals)
{
	int err = 0;
	ck_assert_ptr_null(qdisc_create("sfq", NULL, 1000, drop, NULL, 0, &err));
	ck_assert_int_eq(err, -ENOENT);
	union qdisc_conf c;
	qdisc_conf_default("fq_codel", &c, 1000);
	c.fq_codel.flows = 0;
	ck_assert_ptr_null(qdisc_create("fq_codel", &c, 1000, drop, NULL, 0, &err));
	ck_assert_int_eq(err, -EINVAL);
	c.fq_codel.flows = 65537;
	ck_assert_ptr_null(qdisc_create("fq_codel", &c, 1000, drop, NULL, 0, &err));
	ck_assert_int_eq(err, -EINVAL);
	c.fq_codel.flows = 16;
	c.fq_codel.quantum = (1u << 20) + 1;
	ck_assert_ptr_null(qdisc_create("fq_codel", &c, 1000, drop, NULL, 0, &err));
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_uint_eq(qdisc_destroy(NULL), 0);
}
END_TEST

/* Each kind queues and gives back; destroy drops what is left once. */
START_TEST(create_queue_destroy)
{
	static const char *const kinds[] = { "pfifo", "codel", "fq_codel" };
	for (unsigned k = 0; k < 3; k++) {
		int err = 1;
		struct qdisc *q = qdisc_create(kinds[k], NULL, 1000, drop, NULL, 0, &err);
		ck_assert_ptr_nonnull(q);
		ck_assert_int_eq(err, 0);
		ck_assert_str_eq(q->ops->id, kinds[k]);
		static struct qpkt p[40];
		for (int i = 0; i < 40; i++) {
			p[i] = (struct qpkt){ .len = 1000, .hash = (uint32_t)i * 0x9e3779b9u };
			ck_assert_int_eq(qdisc_enqueue(q, &p[i], 1000), QDISC_ENQ_OK);
		}
		ck_assert_ptr_nonnull(qdisc_dequeue(q, 2000));
		ck_assert_ptr_nonnull(qdisc_peek(q, 2000));
		dropped = 0;
		ck_assert_uint_eq(qdisc_destroy(q), 39);
		ck_assert_int_eq(dropped, 39);
	}
}
END_TEST

/* fq_codel's flow table comes with it: the largest one is usable. */
START_TEST(fq_codel_flow_table)
{
	union qdisc_conf c;
	qdisc_conf_default("fq_codel", &c, 1000);
	c.fq_codel.flows = 65536;
	int err;
	struct qdisc *q = qdisc_create("fq_codel", &c, 1000, drop, NULL, 0, &err);
	ck_assert_ptr_nonnull(q);
	static struct qpkt p = { .len = 100, .hash = 0xffffffffu };
	ck_assert_int_eq(qdisc_enqueue(q, &p, 1), QDISC_ENQ_OK);
	ck_assert_uint_eq(fq_codel_flow_index((struct fq_codel *)q, p.hash), 65535);
	ck_assert_ptr_eq(qdisc_dequeue(q, 2), &p);
	ck_assert_uint_eq(qdisc_destroy(q), 0);
}
END_TEST

/* tbf by name: refused without rate and burst; a grafted fq_codel child
 * goes with it at destroy (every packet dropped once), and a graft
 * replaces the child, dropping what the old one held. */
START_TEST(tbf_with_children)
{
	union qdisc_conf c;
	int err;
	ck_assert_int_eq(qdisc_conf_default("tbf", &c, 1000), 0);
	ck_assert_ptr_null(qdisc_create("tbf", &c, 1000, drop, NULL, 0, &err));
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_int_eq(qdisc_has_defaults("tbf"), 0);
	ck_assert_int_eq(qdisc_has_defaults("bfifo"), 1);
	ck_assert_int_eq(qdisc_has_defaults("cake"), 0);
	c.tbf = (struct tbf_params){ .rate = 1250000, .burst = 4000, .latency_ns = 400000000 };
	const char *errs[TBF_MAX_ERRS];
	ck_assert_int_eq(tbf_check(&c.tbf, errs), 0);
	struct qdisc *t = qdisc_create("tbf", &c, 1000, drop, NULL, 0, &err);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(qdisc_child(t)->ops->id, "bfifo");
	ck_assert_ptr_null(qdisc_child(qdisc_child(t)));
	struct qdisc *fq = qdisc_create("fq_codel", NULL, 1000, drop, NULL, 0, &err);
	ck_assert_ptr_nonnull(fq);
	static struct qpkt p[30];
	for (int i = 0; i < 10; i++) {
		p[i] = (struct qpkt){ .len = 1000, .hash = (uint32_t)i };
		ck_assert_int_eq(qdisc_enqueue(t, &p[i], 1), QDISC_ENQ_OK);
	}
	dropped = 0;
	ck_assert_int_eq(qdisc_graft_child(t, fq), 10); /* the bfifo's ten */
	ck_assert_int_eq(dropped, 10);
	ck_assert_ptr_eq(qdisc_child(t), fq);
	for (int i = 10; i < 30; i++) {
		p[i] = (struct qpkt){ .len = 1000, .hash = (uint32_t)i };
		ck_assert_int_eq(qdisc_enqueue(t, &p[i], 2), QDISC_ENQ_OK);
	}
	ck_assert_uint_eq(t->stats.qlen, 20);
	ck_assert_int_eq(qdisc_graft_child(fq, NULL), -EINVAL);
	dropped = 0;
	ck_assert_uint_eq(qdisc_destroy(t), 20);
	ck_assert_int_eq(dropped, 20);
}
END_TEST

START_TEST(bfifo_default_limit)
{
	union qdisc_conf c;
	ck_assert_int_eq(qdisc_conf_default("bfifo", &c, 1000), 0);
	ck_assert_uint_eq(c.pfifo.limit, 1514000);
	int err;
	struct qdisc *q = qdisc_create("bfifo", NULL, 2, drop, NULL, 0, &err);
	ck_assert_ptr_nonnull(q);
	static struct qpkt p[3] = { { .len = 1514 }, { .len = 1514 }, { .len = 60 } };
	ck_assert_int_eq(qdisc_enqueue(q, &p[0], 1), QDISC_ENQ_OK);
	ck_assert_int_eq(qdisc_enqueue(q, &p[1], 1), QDISC_ENQ_OK);
	dropped = 0;
	ck_assert_int_eq(qdisc_enqueue(q, &p[2], 1), QDISC_ENQ_DROP); /* 3028 bytes is the limit */
	ck_assert_int_eq(dropped, 1);
	ck_assert_uint_eq(qdisc_destroy(q), 2);
}
END_TEST

Suite *sch_api_suite(void)
{
	Suite *s = suite_create("sch_api");
	TCase *tc = tcase_create("create");
	tcase_add_test(tc, kinds_and_defaults);
	tcase_add_test(tc, create_refusals);
	tcase_add_test(tc, create_queue_destroy);
	tcase_add_test(tc, fq_codel_flow_table);
	tcase_add_test(tc, tbf_with_children);
	tcase_add_test(tc, bfifo_default_limit);
	suite_add_tcase(s, tc);
	return s;
}
