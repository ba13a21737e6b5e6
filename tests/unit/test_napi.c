/*
 * net/core/napi.c: the NAPI state machine against fake devices whose poll()
 * does what each test scripts: weight and budget, time limit and
 * time_squeeze, the order of the next round, and the complete/re-enable
 * race (a poll that completes and finds new work reschedules itself).
 * The clock, interrupt masking and the loop kick are faked here.
 */
#include <stdint.h>
#include <string.h>

#include "net/core/napi.h"
#include "tests/unit/unit.h"

/* ---- fakes for kernel/time.h, kernel/irq.h, kernel/loop.h ---- */
static uint64_t now_ns, ns_per_poll;
static int kicks, irq_depth;

uint64_t time_ns(void)
{
	return now_ns;
}

uint64_t irq_lock(void)
{
	irq_depth++;
	return 0;
}

void irq_unlock(uint64_t f)
{
	(void)f;
	irq_depth--;
}

void loop_kick(void)
{
	kicks++;
}

/* ---- fake devices ---- */
struct fake {
	struct netdev dev;
	int pending;      /* frames waiting in its "ring" */
	int polls;
	int order;        /* position in the last round */
	int race;         /* frames that "arrive" right after it completes */
	int schedule_other; /* index of a device its poll schedules (an IRQ meanwhile), or -1 */
};

static struct fake fk[4];
static int poll_seq, after_calls;
static struct netdev *after_dev[64];

static int fake_poll(struct netdev *dev, int budget)
{
	struct fake *f = (struct fake *)dev;
	f->polls++;
	f->order = ++poll_seq;
	now_ns += ns_per_poll;
	int n = f->pending < budget ? f->pending : budget;
	f->pending -= n;
	if (f->schedule_other >= 0) {
		napi_schedule(&fk[f->schedule_other].dev.napi);
		f->schedule_other = -1;
	}
	if (n < budget) {
		napi_complete(&dev->napi);
		/* Re-enable the interrupt, look at the ring again: the race. */
		if (f->race) {
			f->pending += f->race;
			f->race = 0;
			napi_schedule(&dev->napi);
		}
	}
	return n;
}

static void after(struct netdev *dev)
{
	if (after_calls < 64)
		after_dev[after_calls] = dev;
	after_calls++;
}

static const struct netdev_ops fake_ops = { .poll = fake_poll };

static void setup(void)
{
	memset(fk, 0, sizeof(fk));
	memset(&softnet, 0, sizeof(softnet));
	now_ns = ns_per_poll = 0;
	kicks = irq_depth = poll_seq = after_calls = 0;
	for (int i = 0; i < 4; i++) {
		fk[i].dev.ops = &fake_ops;
		fk[i].dev.napi.dev = &fk[i].dev;
		fk[i].dev.napi.weight = 64;
		fk[i].schedule_other = -1;
	}
	/* Drain anything a previous test left scheduled. */
	while (napi_run(1 << 30, 1 << 30, NULL))
		;
	memset(&softnet, 0, sizeof(softnet));
	poll_seq = 0;
	for (int i = 0; i < 4; i++)
		fk[i].polls = 0;
}

static void teardown(void)
{
	ck_assert_int_eq(irq_depth, 0);
}

START_TEST(schedule_is_idempotent_and_kicks)
{
	fk[0].pending = 3;
	napi_schedule(&fk[0].dev.napi);
	napi_schedule(&fk[0].dev.napi);
	ck_assert_int_eq(kicks, 2);
	ck_assert(napi_pending());
	ck_assert_int_eq(napi_run(300, 2000, after), 0);
	ck_assert_int_eq(fk[0].polls, 1); /* on the list once */
	ck_assert_int_eq(fk[0].pending, 0);
	ck_assert_int_eq(fk[0].dev.napi.scheduled, 0);
	ck_assert(!napi_pending());
	ck_assert_int_eq(after_calls, 1);
	ck_assert_ptr_eq(after_dev[0], &fk[0].dev);
	ck_assert_int_eq(softnet.polls, 1);
	ck_assert_int_eq(softnet.time_squeeze, 0);
}
END_TEST

START_TEST(nothing_scheduled_polls_nothing)
{
	ck_assert_int_eq(napi_run(300, 2000, after), 0);
	ck_assert_int_eq(after_calls, 0);
	ck_assert_int_eq(softnet.rounds, 0);
}
END_TEST

START_TEST(full_weight_stays_scheduled)
{
	fk[0].pending = 150;
	napi_schedule(&fk[0].dev.napi);
	ck_assert_int_eq(napi_run(300, 2000, NULL), 1); /* 64 done, more to do */
	ck_assert_int_eq(fk[0].pending, 86);
	ck_assert_int_eq(fk[0].dev.napi.scheduled, 1);
	ck_assert_int_eq(softnet.time_squeeze, 0);      /* stopped for weight, not budget */
	ck_assert_int_eq(napi_run(300, 2000, NULL), 1);
	ck_assert_int_eq(fk[0].pending, 22);
	ck_assert_int_eq(napi_run(300, 2000, NULL), 0);
	ck_assert_int_eq(fk[0].pending, 0);
	ck_assert_int_eq(fk[0].polls, 3);
}
END_TEST

START_TEST(budget_shared_and_squeezed)
{
	for (int i = 0; i < 3; i++) {
		fk[i].pending = 1000;
		napi_schedule(&fk[i].dev.napi);
	}
	/* 64 + 64 > 100: the round stops after the second device. */
	ck_assert_int_eq(napi_run(100, 1 << 30, NULL), 1);
	ck_assert_int_eq(fk[0].polls, 1);
	ck_assert_int_eq(fk[1].polls, 1);
	ck_assert_int_eq(fk[2].polls, 0);
	ck_assert_int_eq(softnet.time_squeeze, 1);
	/* Next round: the device left out goes first, then the repolled ones. */
	poll_seq = 0;
	ck_assert_int_eq(napi_run(1000, 1 << 30, NULL), 1);
	ck_assert_int_eq(fk[2].order, 1);
	ck_assert_int_eq(fk[0].order, 2);
	ck_assert_int_eq(fk[1].order, 3);
	ck_assert_int_eq(softnet.time_squeeze, 1);
}
END_TEST

START_TEST(zero_budget_still_polls_one)
{
	fk[0].pending = 10;
	fk[1].pending = 10;
	napi_schedule(&fk[0].dev.napi);
	napi_schedule(&fk[1].dev.napi);
	ck_assert_int_eq(napi_run(0, 2000, NULL), 1);
	ck_assert_int_eq(fk[0].polls, 1);
	ck_assert_int_eq(fk[1].polls, 0);
	ck_assert_int_eq(softnet.time_squeeze, 1);
	ck_assert_int_eq(napi_run(300, 2000, NULL), 0);
	ck_assert_int_eq(fk[1].pending, 0);
}
END_TEST

START_TEST(time_limit_squeezes)
{
	ns_per_poll = 1500000; /* each poll takes 1.5 ms */
	for (int i = 0; i < 3; i++) {
		fk[i].pending = 5;
		napi_schedule(&fk[i].dev.napi);
	}
	ck_assert_int_eq(napi_run(300, 2000, NULL), 1); /* 2 ms: two polls */
	ck_assert_int_eq(fk[0].polls + fk[1].polls + fk[2].polls, 2);
	ck_assert_int_eq(softnet.time_squeeze, 1);
	ck_assert_int_eq(napi_run(300, 2000, NULL), 0);
	ck_assert_int_eq(fk[2].pending, 0);
}
END_TEST

START_TEST(complete_then_race_reschedules)
{
	fk[0].pending = 5;
	fk[0].race = 7; /* frames arrive between the last look and re-enable */
	napi_schedule(&fk[0].dev.napi);
	ck_assert_int_eq(napi_run(300, 2000, NULL), 1); /* not lost: polled again */
	ck_assert_int_eq(fk[0].dev.napi.scheduled, 1);
	ck_assert_int_eq(napi_run(300, 2000, NULL), 0);
	ck_assert_int_eq(fk[0].pending, 0);
	ck_assert_int_eq(fk[0].polls, 2);
}
END_TEST

START_TEST(interrupt_during_round_goes_to_next_round)
{
	fk[0].pending = 3;
	fk[0].schedule_other = 1; /* device 1's interrupt fires while 0 polls */
	fk[1].pending = 4;
	napi_schedule(&fk[0].dev.napi);
	ck_assert_int_eq(napi_run(300, 2000, after), 1);
	ck_assert_int_eq(fk[1].polls, 0);
	ck_assert_int_eq(napi_run(300, 2000, after), 0);
	ck_assert_int_eq(fk[1].polls, 1);
	ck_assert_int_eq(fk[1].pending, 0);
	ck_assert_int_eq(after_calls, 2);
}
END_TEST

START_TEST(weight_smaller_than_budget_round_robin)
{
	fk[0].dev.napi.weight = 4;
	fk[1].dev.napi.weight = 4;
	fk[0].pending = 12;
	fk[1].pending = 12;
	napi_schedule(&fk[0].dev.napi);
	napi_schedule(&fk[1].dev.napi);
	int rounds = 0;
	while (napi_run(300, 2000, NULL))
		rounds++;
	ck_assert_int_eq(fk[0].pending + fk[1].pending, 0);
	ck_assert_int_eq(fk[0].polls, 4); /* 4+4+4, then an empty poll completes */
	ck_assert_int_eq(fk[1].polls, 4);
	ck_assert_int_eq(rounds, 3);
}
END_TEST

Suite *napi_suite(void)
{
	Suite *s = suite_create("napi");
	TCase *tc = tcase_create("napi");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, schedule_is_idempotent_and_kicks);
	tcase_add_test(tc, nothing_scheduled_polls_nothing);
	tcase_add_test(tc, full_weight_stays_scheduled);
	tcase_add_test(tc, budget_shared_and_squeezed);
	tcase_add_test(tc, zero_budget_still_polls_one);
	tcase_add_test(tc, time_limit_squeezes);
	tcase_add_test(tc, complete_then_race_reschedules);
	tcase_add_test(tc, interrupt_during_round_goes_to_next_round);
	tcase_add_test(tc, weight_smaller_than_budget_round_robin);
	suite_add_tcase(s, tc);
	return s;
}
