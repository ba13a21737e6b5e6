/*
 * net/sched/tbf.c: tc's tbf parameter rules with tc's own error words,
 * limit from latency (tc-tbf(8): limit = rate * latency + burst; the
 * notes' "rate 10Mbit burst 4Kb lat 400ms"), and the bucket on simulated
 * time: a greedy sender (each packet at tbf_next_ns()) gets the rate within
 * 1 % for 64..1514-byte packets at 1 Mbit..1 Gbit, exactly burst bytes back to back after
 * idle, peakrate spacing, overlimits on throttle.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "net/sched/tbf.h"
#include "net/sched/tc_units.h"
#include "tests/unit/unit.h"

#define NS 1000000000ull

static struct tbf_params params(const char *rate, const char *burst, const char *lat)
{
	struct tbf_params p = { 0 };
	ck_assert_int_eq(tc_parse_rate(rate, &p.rate), 0);
	ck_assert_int_eq(tc_parse_size(burst, &p.burst), 0);
	ck_assert_int_eq(tc_parse_time(lat, &p.latency_ns), 0);
	return p;
}

static void expect_errs(struct tbf_params p, int n, const char *e0, const char *e1, const char *e2,
			const char *e3)
{
	const char *errs[TBF_MAX_ERRS] = { 0 };
	const char *want[TBF_MAX_ERRS] = { e0, e1, e2, e3 };
	uint32_t limit = p.limit;
	ck_assert_int_eq(tbf_check(&p, errs), n);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(errs[i], want[i]);
	ck_assert_uint_eq(p.limit, limit);  /* nothing filled in on error */
}

START_TEST(error_texts)
{
	ck_assert_str_eq(TBF_ERR_RATE, "tbf: the \"rate\" parameter is mandatory.");
	ck_assert_str_eq(TBF_ERR_BURST, "tbf: the \"burst\" parameter is mandatory.");
	ck_assert_str_eq(TBF_ERR_LIMIT, "tbf: either \"limit\" or \"latency\" is required.");
	ck_assert_str_eq(TBF_ERR_BOTH, "tbf: specifying both \"latency\" and \"limit\" is not allowed");

	struct tbf_params ok = params("10mbit", "32kbit", "400ms");
	struct tbf_params p = ok;
	p.rate = 0;
	expect_errs(p, 1, TBF_ERR_RATE, 0, 0, 0);
	p = ok;
	p.burst = 0;
	expect_errs(p, 1, TBF_ERR_BURST, 0, 0, 0);
	p = ok;
	p.latency_ns = 0;
	expect_errs(p, 1, TBF_ERR_LIMIT, 0, 0, 0);
	p = ok;
	p.limit = 10000;
	expect_errs(p, 1, TBF_ERR_BOTH, 0, 0, 0);
	p = (struct tbf_params){ .limit = 1, .latency_ns = 1 };  /* read first: alone */
	expect_errs(p, 1, TBF_ERR_BOTH, 0, 0, 0);
	p = ok;
	p.peakrate = ok.rate * 2;
	expect_errs(p, 1, TBF_ERR_PEAK_MTU, 0, 0, 0);
	/* tc lists everything wrong at once, in this order */
	p = (struct tbf_params){ .peakrate = 1000 };
	expect_errs(p, 4, TBF_ERR_RATE, TBF_ERR_BURST, TBF_ERR_PEAK_MTU, TBF_ERR_LIMIT);
	p = (struct tbf_params){ 0 };
	expect_errs(p, 3, TBF_ERR_RATE, TBF_ERR_BURST, TBF_ERR_LIMIT, 0);
	/* the kernel refuses a peakrate not above rate */
	p = ok;
	p.peakrate = ok.rate;
	p.mtu = 1514;
	expect_errs(p, 1, TBF_ERR_KERNEL, 0, 0, 0);
}
END_TEST

START_TEST(limit_from_latency)
{
	/* tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency 400ms */
	struct tbf_params p = params("10mbit", "32kbit", "400ms");
	const char *errs[TBF_MAX_ERRS];
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	ck_assert_uint_eq(p.limit, 1250000 * 4 / 10 + 4096);
	char b[TC_UNITS_BUF], line[96];
	tc_print_rate(b, sizeof(b), p.rate);
	strcpy(line, "rate ");
	strcat(line, b);
	tc_print_size(b, sizeof(b), p.burst);
	strcat(line, " burst ");
	strcat(line, b);
	tc_print_time(b, sizeof(b), (uint64_t)tbf_latency_ns(&p));
	strcat(line, " lat ");
	strcat(line, b);
	ck_assert_str_eq(line, "rate 10Mbit burst 4Kb lat 400ms");

	p = params("1gbit", "64kb", "5ms");
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	ck_assert_uint_eq(p.limit, 625000 + 65536);
	ck_assert_int_eq(tbf_latency_ns(&p), 5000000);

	/* with a peak bucket the smaller of the two */
	p = params("1mbit", "10kb", "100ms");
	ck_assert_int_eq(tc_parse_rate("2mbit", &p.peakrate), 0);
	p.mtu = 1514;
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	ck_assert_uint_eq(p.limit, 12500 + 10240 < 25000 + 1514 ? 12500 + 10240 : 25000 + 1514);

	/* a limit given stays; a limit under burst has no "lat" */
	p = (struct tbf_params){ .rate = 125000, .burst = 5000, .limit = 3000 };
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	ck_assert_uint_eq(p.limit, 3000);
	ck_assert_int_lt(tbf_latency_ns(&p), 0);

	/* huge: clamped to 32 bits */
	p = params("100gbit", "1mb", "100s");
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	ck_assert_uint_eq(p.limit, UINT32_MAX);
}
END_TEST

/* A greedy sender: each packet leaves at tbf_next_ns(). */
static uint64_t greedy(struct tbf *t, uint32_t len, uint64_t until_ns)
{
	uint64_t now = 0, sent = 0, bad = 0;
	for (;;) {
		now = tbf_next_ns(t, now, len);
		if (now > until_ns)
			break;
		if (!tbf_conforms(t, now, len) || tbf_consume(t, now, len))
			bad++;  /* tbf_next_ns() promised too early */
		sent += len;
	}
	ck_assert_uint_eq(bad, 0);
	return sent;
}

START_TEST(rate_within_one_percent)
{
	static const char *const rates[] = { "1mbit", "3mbit", "10mbit", "33mbit", "100mbit", "1gbit" };
	static const uint32_t lens[] = { 64, 100, 576, 1000, 1514 };
	for (size_t r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			struct tbf_params p = params(rates[r], "10kb", "50ms");
			const char *errs[TBF_MAX_ERRS];
			ck_assert_int_eq(tbf_check(&p, errs), 0);
			struct tbf t;
			tbf_init(&t, &p, 0);
			/* 50000 packets' time, at most 5 s */
			uint64_t dur = 50000ull * lens[l] * NS / p.rate;
			if (dur > 5 * NS)
				dur = 5 * NS;
			uint64_t sent = greedy(&t, lens[l], dur);
			/* beyond the initial burst, the rate over the run */
			double got = (double)(sent - p.burst) * NS / dur, want = (double)p.rate;
			ck_assert_msg(got > want * 0.99 && got < want * 1.01, "%s len %u: %.0f B/s want %.0f",
				      rates[r], lens[l], got, want);
			ck_assert_uint_eq(t.overlimits, 0);
		}
	}
}
END_TEST

/* A poller every 1 ms (as a watchdog-less dequeue would): same rate, and
 * each early look counts an overlimit. */
START_TEST(rate_polled)
{
	struct tbf_params p = params("10mbit", "4kb", "50ms");
	const char *errs[TBF_MAX_ERRS];
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	struct tbf t;
	tbf_init(&t, &p, 0);
	uint64_t sent = 0, throttles = 0;
	for (uint64_t now = 0; now < 10 * NS; now += 1000000) {
		while (tbf_conforms(&t, now, 1514)) {
			ck_assert_int_eq(tbf_consume(&t, now, 1514), 0);
			sent += 1514;
		}
		throttles++;
	}
	ck_assert_uint_eq(t.overlimits, throttles);
	double got = (double)(sent - p.burst) / 10;
	ck_assert_msg(got > 1250000 * 0.99 && got < 1250000 * 1.01, "%.0f B/s", got);
}
END_TEST

START_TEST(burst_after_idle)
{
	static const uint32_t lens[] = { 1, 64, 512, 1024, 4096 };
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
		struct tbf_params p = params("10mbit", "32kbit", "400ms"); /* burst 4096 */
		const char *errs[TBF_MAX_ERRS];
		ck_assert_int_eq(tbf_check(&p, errs), 0);
		struct tbf t;
		tbf_init(&t, &p, 0);
		for (int round = 0; round < 2; round++) {
			uint64_t now = round * 10 * NS;  /* then idle for 10 s: full again */
			uint32_t sent = 0;
			while (tbf_conforms(&t, now, lens[l])) {
				ck_assert_int_eq(tbf_consume(&t, now, lens[l]), 0);
				sent += lens[l];
			}
			ck_assert_uint_eq(sent, 4096);
			ck_assert_int_eq(tbf_consume(&t, now, lens[l]), -EAGAIN);
			ck_assert_uint_eq(tbf_next_ns(&t, now, lens[l]), now + lens[l] * 800ull);
		}
	}
}
END_TEST

START_TEST(too_big_never)
{
	struct tbf_params p = params("10mbit", "1kb", "10ms");
	const char *errs[TBF_MAX_ERRS];
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	struct tbf t;
	tbf_init(&t, &p, 0);
	ck_assert_uint_eq(tbf_max_size(&p), 1024);
	ck_assert_uint_eq(tbf_next_ns(&t, 0, 1025), UINT64_MAX);
	ck_assert(!tbf_conforms(&t, 100 * NS, 1025));
	ck_assert_uint_eq(tbf_next_ns(&t, 200 * NS, 1024), 200 * NS);
}
END_TEST

/* peakrate 2 Mbit, mtu 1514: back-to-back packets are spaced by the peak
 * rate, and the long-run rate is still rate. */
START_TEST(peakrate)
{
	struct tbf_params p = params("1mbit", "10kb", "100ms");
	ck_assert_int_eq(tc_parse_rate("2mbit", &p.peakrate), 0);
	p.mtu = 1514;
	const char *errs[TBF_MAX_ERRS];
	ck_assert_int_eq(tbf_check(&p, errs), 0);
	ck_assert_uint_eq(tbf_max_size(&p), 1514);
	struct tbf t;
	tbf_init(&t, &p, 0);
	ck_assert(tbf_conforms(&t, 0, 1000));
	ck_assert_int_eq(tbf_consume(&t, 0, 1000), 0);
	ck_assert(!tbf_conforms(&t, 0, 1000));  /* peak bucket: 514 bytes left */
	/* 486 bytes more at 250000 B/s: 1.944 ms */
	ck_assert_uint_eq(tbf_next_ns(&t, 0, 1000), 1944000);
	tbf_init(&t, &p, 0);
	uint64_t sent = greedy(&t, 1000, 5 * NS);
	double got = (double)(sent - p.burst) / 5;
	ck_assert_msg(got > 125000 * 0.99 && got < 125000 * 1.01, "%.0f B/s", got);
}
END_TEST

Suite *tbf_suite(void)
{
	Suite *s = suite_create("tbf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, error_texts);
	tcase_add_test(tc, limit_from_latency);
	tcase_add_test(tc, rate_within_one_percent);
	tcase_add_test(tc, rate_polled);
	tcase_add_test(tc, burst_after_idle);
	tcase_add_test(tc, too_big_never);
	tcase_add_test(tc, peakrate);
	suite_add_tcase(s, tc);
	return s;
}
