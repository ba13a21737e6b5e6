/*
 * kernel/libc/strtol.c (as k_strto*) against glibc: value and end
 * pointer for each input and base (C11 7.22.1.4), saturation on overflow.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/klibc.h"
#include "tests/unit/unit.h"

static const char *const inputs[] = {
	"0", "1", "-1", "+1", "42", "  42", "\t\n\v\f\r 42", "42abc", "-0", "+0", "007", "08", "09", "0x", "0X",
	"0x1f", "0X1F", "0xg", "-0x10", "+0x10", "0x-1", "- 1", "+-1", "--1", "", " ", "-", "+", "abc", "z", "Z",
	"zz", "1010", "777", "0b101", "12 34", "1e5", "0x7fffffffffffffff", "0x8000000000000000",
	"0xffffffffffffffff", "0x10000000000000000", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
	"-18446744073709551615", "-18446744073709551616", "99999999999999999999999999999999",
	"-99999999999999999999999999999999", "000000000000000000000000000000000000001", "2147483647",
	"2147483648", "4294967295", "4294967296", "\x80" "1", "1\xff", "0x\xff",
};
static const int bases[] = { 0, 2, 8, 10, 16, 36 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(strtol_vs_glibc)
{
	for (size_t i = 0; i < N(inputs); i++) {
		for (size_t b = 0; b < N(bases); b++) {
			const char *s = inputs[i];
			char *ke, *ge;
			long k = k_strtol(s, &ke, bases[b]);
			long g = strtol(s, &ge, bases[b]);
			ck_assert_msg(k == g && ke == ge, "strtol(\"%s\", %d): kernel %ld end +%td, glibc %ld end +%td", s,
				      bases[b], k, ke - s, g, ge - s);
		}
	}
}
END_TEST

START_TEST(strtoul_vs_glibc)
{
	for (size_t i = 0; i < N(inputs); i++) {
		for (size_t b = 0; b < N(bases); b++) {
			const char *s = inputs[i];
			char *ke, *ge;
			unsigned long k = k_strtoul(s, &ke, bases[b]);
			unsigned long g = strtoul(s, &ge, bases[b]);
			ck_assert_msg(k == g && ke == ge, "strtoul(\"%s\", %d): kernel %lu end +%td, glibc %lu end +%td",
				      s, bases[b], k, ke - s, g, ge - s);
		}
	}
}
END_TEST

START_TEST(strtoll_vs_glibc)
{
	for (size_t i = 0; i < N(inputs); i++) {
		for (size_t b = 0; b < N(bases); b++) {
			const char *s = inputs[i];
			char *ke, *ge;
			long long k = k_strtoll(s, &ke, bases[b]);
			long long g = strtoll(s, &ge, bases[b]);
			ck_assert_msg(k == g && ke == ge, "strtoll(\"%s\", %d): kernel %lld, glibc %lld", s, bases[b], k,
				      g);
			unsigned long long ku = k_strtoull(s, &ke, bases[b]);
			unsigned long long gu = strtoull(s, &ge, bases[b]);
			ck_assert_msg(ku == gu && ke == ge, "strtoull(\"%s\", %d): kernel %llu, glibc %llu", s, bases[b],
				      ku, gu);
		}
	}
}
END_TEST

/* The same facts spelled out, independent of glibc. */
START_TEST(explicit)
{
	char *end;
	const char *s;
	ck_assert_int_eq(k_strtol("0x1A", NULL, 0), 26);
	ck_assert_int_eq(k_strtol("0x1A", NULL, 16), 26);
	ck_assert_int_eq(k_strtol("1A", NULL, 16), 26);
	ck_assert_int_eq(k_strtol("0x1A", NULL, 10), 0);
	ck_assert_int_eq(k_strtol("010", NULL, 0), 8);
	ck_assert_int_eq(k_strtol("010", NULL, 10), 10);
	ck_assert_int_eq(k_strtol("  -25", NULL, 10), -25);
	ck_assert_int_eq(k_strtol("+25", NULL, 0), 25);
	s = "123xyz";
	ck_assert_int_eq(k_strtol(s, &end, 10), 123);
	ck_assert_ptr_eq(end, s + 3);
	s = "0x";
	ck_assert_int_eq(k_strtol(s, &end, 0), 0);
	ck_assert_ptr_eq(end, s + 1); /* "0", then 'x' is not part of it */
	s = "  +";
	ck_assert_int_eq(k_strtol(s, &end, 10), 0);
	ck_assert_ptr_eq(end, s); /* no digits: end is the start */
	s = "99999999999999999999x";
	ck_assert_int_eq(k_strtol(s, &end, 10), LONG_MAX);
	ck_assert_ptr_eq(end, s + 20); /* all digits consumed */
	ck_assert_int_eq(k_strtol("-99999999999999999999", NULL, 10), LONG_MIN);
	ck_assert_int_eq(k_strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	ck_assert_uint_eq(k_strtoul("18446744073709551615", NULL, 10), ULONG_MAX);
	ck_assert_uint_eq(k_strtoul("18446744073709551616", NULL, 10), ULONG_MAX);
	ck_assert_uint_eq(k_strtoul("-1", NULL, 10), ULONG_MAX);
	ck_assert_uint_eq(k_strtoull("0xFFFFFFFFFFFFFFFF", NULL, 0), ULLONG_MAX);
	ck_assert_int_eq(k_strtoll("0x8000000000000000", NULL, 16), LLONG_MAX);
	ck_assert_int_eq(k_strtol("zz", NULL, 36), 35 * 36 + 35);
	ck_assert_int_eq(k_atoi("  -123abc"), -123);
	ck_assert_int_eq(k_atoi("x"), 0);
}
END_TEST

Suite *strtol_suite(void)
{
	Suite *s = suite_create("strtol");
	TCase *tc = tcase_create("vs-glibc");
	tcase_add_test(tc, strtol_vs_glibc);
	tcase_add_test(tc, strtoul_vs_glibc);
	tcase_add_test(tc, strtoll_vs_glibc);
	tcase_add_test(tc, explicit);
	suite_add_tcase(s, tc);
	return s;
}
