/*
 * kernel/boottime.c: the boot timeline's table and its /proc/boottime
 * lines (microseconds since entry and since the stage before).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/boottime.h"
#include "tests/unit/unit.h"

#define HZ 2000000000ULL /* 2 GHz: 2000 cycles a microsecond */

static struct boottime bt;

static void line(int i, uint64_t hz, char *buf, size_t cap)
{
	int n = boottime_line(&bt, i, hz, buf, cap);
	ck_assert_int_ge(n, 0);
}

START_TEST(lines)
{
	memset(&bt, 0, sizeof(bt));
	uint64_t t0 = 1000000007ULL; /* entry need not be at TSC 0 */
	ck_assert_int_eq(boottime_add(&bt, "entry", t0), 0);
	ck_assert_int_eq(boottime_add(&bt, "clock", t0 + 2000 * 150), 0);
	ck_assert_int_eq(boottime_add(&bt, "prompt", t0 + 2000 * 4150 + 1999), 0);
	char buf[128];
	line(-1, HZ, buf, sizeof(buf));
	ck_assert_str_eq(buf, "     at_us   delta_us  stage\n");
	line(0, HZ, buf, sizeof(buf));
	ck_assert_str_eq(buf, "         0          0  entry\n");
	line(1, HZ, buf, sizeof(buf));
	ck_assert_str_eq(buf, "       150        150  clock\n");
	line(2, HZ, buf, sizeof(buf));
	ck_assert_str_eq(buf, "      4150       4000  prompt\n");
	line(3, HZ, buf, sizeof(buf));
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(boottime_ns(&bt, t0 + 2000 * 4150 + 1999, HZ), 4150999);
}
END_TEST

/* Before the rate is known every stage reads 0; a stage stamped before
 * entry (cannot happen, but the TSC is not ours to trust) reads 0 too. */
START_TEST(no_rate)
{
	memset(&bt, 0, sizeof(bt));
	boottime_add(&bt, "entry", 5000);
	boottime_add(&bt, "later", 9000);
	char buf[128];
	line(1, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "         0          0  later\n");
	ck_assert_uint_eq(boottime_ns(&bt, 4000, HZ), 0);
	memset(&bt, 0, sizeof(bt));
	ck_assert_uint_eq(boottime_ns(&bt, 4000, HZ), 0);
}
END_TEST

START_TEST(full_and_long_names)
{
	memset(&bt, 0, sizeof(bt));
	for (int i = 0; i < BOOTTIME_STAGES; i++)
		ck_assert_int_eq(boottime_add(&bt, "x", (uint64_t)i), 0);
	ck_assert_int_eq(boottime_add(&bt, "y", 99), -ENOSPC);
	ck_assert_int_eq(boottime_add(&bt, "z", 99), -ENOSPC);
	ck_assert_int_eq(bt.n, BOOTTIME_STAGES);
	ck_assert_uint_eq(bt.dropped, 2);

	memset(&bt, 0, sizeof(bt));
	char name[200];
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	boottime_add(&bt, name, 0);
	ck_assert_uint_eq(strlen(bt.st[0].name), BOOTTIME_NAME_MAX - 1);
	/* A short buffer gets a cut, terminated line; the return says what was needed. */
	char small[16];
	int n = boottime_line(&bt, 0, HZ, small, sizeof(small));
	ck_assert_int_eq(n, 23 + BOOTTIME_NAME_MAX - 1 + 1); /* "%10lu %10lu  " */
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}
END_TEST

/* Hours of cycles at a high rate: no overflow in the conversion. */
START_TEST(large)
{
	memset(&bt, 0, sizeof(bt));
	boottime_add(&bt, "entry", 0);
	uint64_t hz = 5000000000ULL, secs = 86400ULL * 365;
	ck_assert_uint_eq(boottime_ns(&bt, hz * secs + hz / 2, hz), secs * 1000000000ULL + 500000000ULL);
}
END_TEST

Suite *boottime_suite(void)
{
	Suite *s = suite_create("boottime");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, lines);
	tcase_add_test(tc, no_rate);
	tcase_add_test(tc, full_and_long_names);
	tcase_add_test(tc, large);
	suite_add_tcase(s, tc);
	return s;
}
