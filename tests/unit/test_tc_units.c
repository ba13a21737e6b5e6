/*
 * net/sched/tc_units.c: tc's rate/size/time words in and out.  The
 * printed forms are tc's own (../shared/notes/qdisc-facts.md: "rate 10Mbit
 * burst 4Kb lat 400ms", "memory_limit 32Mb", "backlog 0b", "target 5ms
 * interval 100ms", "ldelay 2us drop_next 0us"); the %g cases were checked
 * against glibc's printf on the host while writing the printer.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "net/sched/tc_units.h"
#include "tests/unit/unit.h"

START_TEST(parse_rate)
{
	static const struct { const char *s; uint64_t bytes; } ok[] = {
		{ "10mbit", 1250000 }, { "10Mbit", 1250000 }, { "10MBIT", 1250000 },
		{ "1gbit", 125000000 }, { "1Gbit", 125000000 }, { "100kbit", 12500 },
		{ "8kbps", 8000 }, { "8KBps", 8000 }, { "1mbps", 1000000 }, { "2gbps", 2000000000 },
		{ "1tbit", 125000000000ull }, { "1tbps", 1000000000000ull },
		{ "800", 100 }, { "800bit", 100 }, { "12bps", 12 }, { "7bit", 0 },
		{ "1.5mbit", 187500 }, { "0.5kbit", 62 }, { ".5mbit", 62500 }, { "5.mbit", 625000 },
		{ "1kibit", 128 }, { "1mibit", 131072 }, { "1gibit", 134217728 }, { "1kibps", 1024 },
		{ "0", 0 }, { "0mbit", 0 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t v = 12345;
		ck_assert_msg(tc_parse_rate(ok[i].s, &v) == 0, "%s refused", ok[i].s);
		ck_assert_msg(v == ok[i].bytes, "%s: %llu", ok[i].s, (unsigned long long)v);
	}
	static const char *const bad[] = { "", "mbit", "10 mbit", " 10mbit", "10mbits", "10mb",
					   "10k", "-1mbit", "+1mbit", "1e6", "0x10", "10mbit ", ".",
					   "1..5mbit", "abc", "10Mibit/s", "10kbitx" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 7;
		ck_assert_msg(tc_parse_rate(bad[i], &v) == -EINVAL, "%s accepted", bad[i]);
		ck_assert_uint_eq(v, 7);
	}
	uint64_t v;
	ck_assert_int_eq(tc_parse_rate(NULL, &v), -EINVAL);
	ck_assert_int_eq(tc_parse_rate("18446744073709551616", &v), -ERANGE);
	ck_assert_int_eq(tc_parse_rate("18446744073709551615", &v), 0);
	ck_assert_int_eq(tc_parse_rate("18446744073709551615bps", &v), -ERANGE);
	ck_assert_int_eq(tc_parse_rate("100000000tbit", &v), -ERANGE);
}
END_TEST

START_TEST(parse_size)
{
	static const struct { const char *s; uint32_t bytes; } ok[] = {
		{ "32kbit", 4096 }, { "4Kb", 4096 }, { "4kb", 4096 }, { "4k", 4096 }, { "4K", 4096 },
		{ "1mb", 1048576 }, { "32Mb", 33554432 }, { "32m", 33554432 }, { "1mbit", 131072 },
		{ "1gb", 1073741824 }, { "1g", 1073741824 }, { "1gbit", 134217728 },
		{ "1514", 1514 }, { "1514b", 1514 }, { "0b", 0 }, { "0", 0 },
		{ "1.5kb", 1536 }, { "0.5k", 512 }, { "3gb", 3221225472u }, { "4294967295", 4294967295u },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint32_t v = 12345;
		ck_assert_msg(tc_parse_size(ok[i].s, &v) == 0, "%s refused", ok[i].s);
		ck_assert_msg(v == ok[i].bytes, "%s: %u", ok[i].s, v);
	}
	static const char *const bad[] = { "", "kb", "4 kb", "4kbps", "4kib", "4t", "4tb", "-4k",
					   "4bytes", "4kbitx" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t v = 7;
		ck_assert_msg(tc_parse_size(bad[i], &v) == -EINVAL, "%s accepted", bad[i]);
		ck_assert_uint_eq(v, 7);
	}
	uint32_t v = 7;
	ck_assert_int_eq(tc_parse_size("4gb", &v), -ERANGE);
	ck_assert_int_eq(tc_parse_size("4294967296", &v), -ERANGE);
	ck_assert_int_eq(tc_parse_size("99999999999999999999", &v), -ERANGE);
	ck_assert_uint_eq(v, 7);
}
END_TEST

START_TEST(parse_time)
{
	static const struct { const char *s; uint64_t ns; } ok[] = {
		{ "400ms", 400000000 }, { "5ms", 5000000 }, { "100ms", 100000000 }, { "2us", 2000 },
		{ "1s", 1000000000 }, { "1sec", 1000000000 }, { "2secs", 2000000000 },
		{ "3msec", 3000000 }, { "3msecs", 3000000 }, { "7usec", 7000 }, { "7usecs", 7000 },
		{ "5MS", 5000000 }, { "250", 250000 }, { "1.5ms", 1500000 }, { "0.5s", 500000000 },
		{ "0us", 0 }, { "0.0001ms", 100 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t v = 12345;
		ck_assert_msg(tc_parse_time(ok[i].s, &v) == 0, "%s refused", ok[i].s);
		ck_assert_msg(v == ok[i].ns, "%s: %llu", ok[i].s, (unsigned long long)v);
	}
	static const char *const bad[] = { "", "ms", "5 ms", "5m", "5min", "5h", "-5ms", "5mss" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 7;
		ck_assert_msg(tc_parse_time(bad[i], &v) == -EINVAL, "%s accepted", bad[i]);
		ck_assert_uint_eq(v, 7);
	}
	uint64_t v;
	ck_assert_int_eq(tc_parse_time("18446744074s", &v), -ERANGE);
}
END_TEST

#define PRINTS(fn, val, want)                                                        \
	do {                                                                         \
		char b_[TC_UNITS_BUF];                                               \
		int n_ = fn(b_, sizeof(b_), val);                                    \
		ck_assert_str_eq(b_, want);                                          \
		ck_assert_int_eq(n_, (int)strlen(want));                             \
	} while (0)

START_TEST(print_rate)
{
	PRINTS(tc_print_rate, 1250000, "10Mbit");
	PRINTS(tc_print_rate, 125000000, "1Gbit");
	PRINTS(tc_print_rate, 125000, "1Mbit");
	PRINTS(tc_print_rate, 187500, "1500Kbit");  /* not exact in Mbit, under 1000 Mbit */
	PRINTS(tc_print_rate, 8000, "64Kbit");
	PRINTS(tc_print_rate, 100, "800bit");
	PRINTS(tc_print_rate, 0, "0bit");
	PRINTS(tc_print_rate, 154320987, "1234Mbit"); /* 1234567896 bit: at least 1000 of the unit */
	PRINTS(tc_print_rate, 125000000000ull, "1Tbit");
	PRINTS(tc_print_rate, 125000000000000ull, "1000Tbit");
}
END_TEST

START_TEST(print_size)
{
	PRINTS(tc_print_size, 4096, "4Kb");
	PRINTS(tc_print_size, 33554432, "32Mb");
	PRINTS(tc_print_size, 0, "0b");
	PRINTS(tc_print_size, 1514, "1514b");
	PRINTS(tc_print_size, 1023, "1023b");
	PRINTS(tc_print_size, 1024, "1Kb");
	PRINTS(tc_print_size, 4096 + 15, "4Kb");
	PRINTS(tc_print_size, 4096 + 16, "4112b");
	PRINTS(tc_print_size, 4096 - 15, "4Kb");
	PRINTS(tc_print_size, 1048576 + 1023, "1Mb");
	PRINTS(tc_print_size, 1048576 + 1024, "1025Kb");
	PRINTS(tc_print_size, 1048576 + 1040, "1049616b");
	PRINTS(tc_print_size, 1024000000, "1e+06Kb"); /* printf's %g */
	PRINTS(tc_print_size, 4294967295u, "4096Mb");
}
END_TEST

START_TEST(print_time)
{
	PRINTS(tc_print_time, 5000000, "5ms");
	PRINTS(tc_print_time, 100000000, "100ms");
	PRINTS(tc_print_time, 400000000, "400ms");
	PRINTS(tc_print_time, 2000, "2us");
	PRINTS(tc_print_time, 2999, "2us");
	PRINTS(tc_print_time, 0, "0us");
	PRINTS(tc_print_time, 999000, "999us");
	PRINTS(tc_print_time, 1000000, "1ms");
	PRINTS(tc_print_time, 1000000000, "1s");
	PRINTS(tc_print_time, 1500000000, "1.5s");
	PRINTS(tc_print_time, 12345000, "12.3ms");
	PRINTS(tc_print_time, 1235000, "1.24ms");   /* 1.235 is a hair above in binary */
	PRINTS(tc_print_time, 1225000, "1.23ms");   /* and 1.225 a hair above too */
	PRINTS(tc_print_time, 123500000, "124ms");  /* 123.5 exact: a tie, to even */
	PRINTS(tc_print_time, 122500000, "122ms");
	PRINTS(tc_print_time, 999500000, "1e+03ms");
	PRINTS(tc_print_time, 1000000000000ull, "1e+03s");
	PRINTS(tc_print_time, 1500000000000ull, "1.5e+03s");
}
END_TEST

START_TEST(print_truncates)
{
	char b[5];
	ck_assert_int_eq(tc_print_rate(b, sizeof(b), 1250000), 6);
	ck_assert_str_eq(b, "10Mb");
	ck_assert_int_eq(tc_print_time(b, sizeof(b), 12345000), 6);
	ck_assert_str_eq(b, "12.3");
}
END_TEST

Suite *tc_units_suite(void)
{
	Suite *s = suite_create("tc_units");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, parse_rate);
	tcase_add_test(tc, parse_size);
	tcase_add_test(tc, parse_time);
	tcase_add_test(tc, print_rate);
	tcase_add_test(tc, print_size);
	tcase_add_test(tc, print_time);
	tcase_add_test(tc, print_truncates);
	suite_add_tcase(s, tc);
	return s;
}
