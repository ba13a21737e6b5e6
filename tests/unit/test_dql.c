/*
 * net/sched/dql.c: BQL on a simulated ring.  A device completes `rate`
 * bytes per 1 ms tick; the driver tops the ring up with 1514-byte frames
 * while dql_avail() >= 0 (Linux stops the queue once it goes negative).
 * The limit must settle near what completes per interval (Linux's slack
 * rule keeps twice one interval's completions: slack = limit + overshoot -
 * 2 * completed), grow when the ring
 * runs dry, shrink after hold_time when it is oversized, respect the
 * clamps, and inflight must never go negative.
 */
#include <errno.h>
#include <stdint.h>

#include "net/sched/dql.h"
#include "tests/unit/unit.h"

#define MS 1000000ull
#define FRAME 1514u

struct sim {
	struct dql d;
	uint64_t now;
	unsigned starved;  /* ticks the device had less than it could send */
	uint32_t max_inflight;
	unsigned errors;   /* refused calls, or topped up past limit + FRAME */
};

/* One tick: the device sends up to rate bytes, reports them, then the
 * driver refills (an endless backlog when busy, none when !busy). */
static void tick(struct sim *s, uint32_t rate, int busy)
{
	s->now += MS;
	uint32_t in = dql_inflight(&s->d);
	uint32_t done = in < rate ? in : rate;
	if (busy && in < rate)
		s->starved++;
	if (dql_completed(&s->d, done, s->now))
		s->errors++;
	int sent = 0;
	while (busy && dql_avail(&s->d) >= 0) {
		if (dql_queued(&s->d, FRAME))
			s->errors++;
		sent = 1;
	}
	/* topped up: over the limit by less than one frame */
	if (sent && dql_inflight(&s->d) > dql_limit(&s->d) + FRAME)
		s->errors++;
	if (dql_inflight(&s->d) > s->max_inflight)
		s->max_inflight = dql_inflight(&s->d);
}

static void sim_run(struct sim *s, uint32_t rate, int ticks)
{
	for (int i = 0; i < ticks; i++)
		tick(s, rate, 1);
	ck_assert_uint_eq(s->errors, 0);
}

static void sim_init(struct sim *s)
{
	*s = (struct sim){ 0 };
	dql_init(&s->d, 0);
	while (dql_avail(&s->d) >= 0) /* limit 0: one frame goes */
		dql_queued(&s->d, FRAME);
}

START_TEST(defaults)
{
	struct dql d;
	dql_init(&d, 0);
	ck_assert_uint_eq(dql_limit(&d), 0);
	ck_assert_uint_eq(dql_limit_min(&d), 0);
	ck_assert_uint_eq(dql_limit_max(&d), DQL_MAX_LIMIT);
	ck_assert_uint_eq(dql_hold_time_ms(&d), 1000);
	ck_assert_uint_eq(dql_inflight(&d), 0);
	ck_assert_int_eq(dql_avail(&d), 0);
}
END_TEST

/* From limit 0 the limit grows on starvation and settles at two ticks'
 * worth (within frame granularity): the ring never runs dry once settled. */
START_TEST(converges)
{
	static const uint32_t rates[] = { 1250, 12500, 125000 }; /* 10M..1G */
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint32_t rate = rates[i];
		struct sim s;
		sim_init(&s);
		sim_run(&s, rate, 5000);
		s.starved = 0;
		s.max_inflight = 0;
		sim_run(&s, rate, 3000);
		uint32_t lim = dql_limit(&s.d);
		ck_assert_msg(s.starved == 0, "rate %u: starved %u ticks", rate, s.starved);
		ck_assert_msg(lim + FRAME >= 2 * rate && lim <= 2 * rate + 2 * FRAME,
			      "rate %u: limit %u", rate, lim);
	}
}
END_TEST

/* Too big a limit for the device: after hold_time busy it comes down. */
START_TEST(shrinks_after_hold_time)
{
	struct sim s;
	sim_init(&s);
	ck_assert_int_eq(dql_set_limit(&s.d, 1000000), 0);
	sim_run(&s, 12500, 1);
	uint32_t before = dql_limit(&s.d);
	sim_run(&s, 12500, 900);        /* within hold_time: no shrink yet */
	ck_assert_uint_eq(dql_limit(&s.d), before);
	sim_run(&s, 12500, 200);        /* past 1 s */
	ck_assert_uint_lt(dql_limit(&s.d), before);
	sim_run(&s, 12500, 20000);
	ck_assert_msg(dql_limit(&s.d) <= 2 * 12500 + 2 * FRAME, "limit %u", dql_limit(&s.d));
	ck_assert_uint_ge(dql_limit(&s.d) + FRAME, 2 * 12500);

	/* A shorter hold_time shrinks sooner. */
	sim_init(&s);
	ck_assert_int_eq(dql_set_hold_time_ms(&s.d, 10), 0);
	ck_assert_int_eq(dql_set_limit(&s.d, 1000000), 0);
	sim_run(&s, 12500, 1);
	before = dql_limit(&s.d);
	sim_run(&s, 12500, 12);
	ck_assert_uint_lt(dql_limit(&s.d), before);
}
END_TEST

/* The device speeds up: the ring runs dry and the limit grows. */
START_TEST(grows_on_starvation)
{
	struct sim s;
	sim_init(&s);
	sim_run(&s, 12500, 3000);
	uint32_t slow = dql_limit(&s.d);
	sim_run(&s, 125000, 3000);
	ck_assert_uint_gt(dql_limit(&s.d), slow);
	ck_assert_uint_ge(dql_limit(&s.d) + FRAME, 2 * 125000);
	s.starved = 0;
	sim_run(&s, 125000, 1000);
	ck_assert_uint_eq(s.starved, 0);
}
END_TEST

/* The growth rule by hand: a starved completion adds what completed
 * beyond the previous queue plus the previous overshoot. */
START_TEST(grow_step)
{
	struct dql d;
	dql_init(&d, 0);
	ck_assert_int_eq(dql_queued(&d, FRAME), 0);     /* limit 0: over by 1514 */
	ck_assert_int_lt(dql_avail(&d), 0);
	ck_assert_int_eq(dql_completed(&d, FRAME, MS), 0);
	ck_assert_uint_eq(dql_limit(&d), FRAME);         /* 0 + 1514 beyond + 0 */
	ck_assert_int_eq(dql_avail(&d), FRAME);
	dql_queued(&d, FRAME);
	ck_assert_int_eq(dql_avail(&d), 0);
	dql_queued(&d, FRAME);                           /* 3028 in flight, 1514 over */
	ck_assert_int_eq(dql_completed(&d, 2 * FRAME, 2 * MS), 0);
	/* ran dry over the limit: 1514 + 3028 beyond the previous queue + 1514 */
	ck_assert_uint_eq(dql_limit(&d), 4 * FRAME);
	ck_assert_uint_eq(dql_inflight(&d), 0);
}
END_TEST

START_TEST(clamps)
{
	struct sim s;
	sim_init(&s);
	ck_assert_int_eq(dql_set_limit_max(&s.d, 8000), 0);
	sim_run(&s, 125000, 2000);
	ck_assert_uint_eq(dql_limit(&s.d), 8000);
	ck_assert_uint_le(s.max_inflight, 8000 + FRAME);

	sim_init(&s);
	ck_assert_int_eq(dql_set_limit_min(&s.d, 50000), 0);
	ck_assert_uint_eq(dql_limit(&s.d), 50000);  /* pulled up at once */
	sim_run(&s, 1250, 5000);                    /* would shrink to ~2500 */
	ck_assert_uint_eq(dql_limit(&s.d), 50000);
}
END_TEST

START_TEST(knob_validation)
{
	struct dql d;
	dql_init(&d, 0);
	ck_assert_int_eq(dql_set_limit_max(&d, DQL_MAX_LIMIT + 1), -EINVAL);
	ck_assert_int_eq(dql_set_limit_max(&d, 10000), 0);
	ck_assert_int_eq(dql_set_limit_min(&d, 10001), -EINVAL);
	ck_assert_uint_eq(dql_limit_min(&d), 0);
	ck_assert_int_eq(dql_set_limit_min(&d, 10000), 0);
	ck_assert_int_eq(dql_set_limit_max(&d, 9999), -EINVAL);
	ck_assert_uint_eq(dql_limit_max(&d), 10000);
	ck_assert_int_eq(dql_set_limit(&d, 10001), -EINVAL);
	ck_assert_int_eq(dql_set_limit(&d, 9999), -EINVAL);
	ck_assert_int_eq(dql_set_limit(&d, 10000), 0);
	ck_assert_int_eq(dql_set_limit_min(&d, 0), 0);
	ck_assert_int_eq(dql_set_limit_max(&d, 5000), 0);
	ck_assert_uint_eq(dql_limit(&d), 5000);     /* pulled down with max */
	ck_assert_int_eq(dql_avail(&d), 5000);
	ck_assert_int_eq(dql_set_hold_time_ms(&d, DQL_HOLD_TIME_MAX_MS + 1), -EINVAL);
	ck_assert_uint_eq(dql_hold_time_ms(&d), 1000);
	ck_assert_int_eq(dql_set_hold_time_ms(&d, 0), 0);
	ck_assert_uint_eq(dql_hold_time_ms(&d), 0);
}
END_TEST

/* Completing more than is in flight is refused and counted, not wrapped. */
START_TEST(inflight_never_negative)
{
	struct dql d;
	dql_init(&d, 0);
	ck_assert_int_eq(dql_completed(&d, 1, MS), -EINVAL);
	ck_assert_uint_eq(dql_inflight(&d), 0);
	ck_assert_int_eq(dql_queued(&d, 1000), 0);
	ck_assert_int_eq(dql_completed(&d, 1001, MS), -EINVAL);
	ck_assert_uint_eq(dql_inflight(&d), 1000);
	ck_assert_int_eq(dql_completed(&d, 600, MS), 0);
	ck_assert_uint_eq(dql_inflight(&d), 400);
	ck_assert_int_eq(dql_completed(&d, 400, 2 * MS), 0);
	ck_assert_uint_eq(dql_inflight(&d), 0);
	ck_assert_int_eq(dql_queued(&d, DQL_MAX_OBJECT + 1), -EINVAL);
	ck_assert_uint_eq(dql_inflight(&d), 0);
	ck_assert_uint_eq(d.refused, 3);
}
END_TEST

/* The byte totals wrap (u32) without disturbing inflight or the limit. */
START_TEST(counters_wrap)
{
	struct sim s;
	sim_init(&s);
	sim_run(&s, 12500, 3000);
	uint32_t lim = dql_limit(&s.d);
	uint32_t in = dql_inflight(&s.d);
	s.d.num_queued += 0xfffff000u;
	s.d.num_completed += 0xfffff000u;
	s.d.prev_num_queued += 0xfffff000u;
	s.d.adj_limit += 0xfffff000u;
	ck_assert_uint_eq(dql_inflight(&s.d), in);
	s.starved = 0;
	sim_run(&s, 12500, 2000);
	ck_assert_uint_eq(s.starved, 0);
	ck_assert_msg(dql_limit(&s.d) <= lim + 3 * FRAME && dql_limit(&s.d) + 3 * FRAME >= lim,
		      "limit %u was %u", dql_limit(&s.d), lim);
}
END_TEST

Suite *dql_suite(void)
{
	Suite *s = suite_create("dql");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, converges);
	tcase_add_test(tc, shrinks_after_hold_time);
	tcase_add_test(tc, grows_on_starvation);
	tcase_add_test(tc, grow_step);
	tcase_add_test(tc, clamps);
	tcase_add_test(tc, knob_validation);
	tcase_add_test(tc, inflight_never_negative);
	tcase_add_test(tc, counters_wrap);
	suite_add_tcase(s, tc);
	return s;
}
