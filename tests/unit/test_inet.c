/*
 * net/ipv4/inet.c: IPv4 address and prefix text, iproute2's rules.
 */
#include <stdint.h>

#include "net/ipv4/inet.h"
#include "tests/unit/unit.h"

START_TEST(addresses)
{
	uint32_t a;
	ck_assert_int_eq(inet_parse_addr("10.0.2.15", &a), 0);
	ck_assert_uint_eq(a, 0x0a00020f);
	ck_assert_int_eq(inet_parse_addr("255.255.255.255", &a), 0);
	ck_assert_uint_eq(a, 0xffffffff);
	ck_assert_int_eq(inet_parse_addr("10", &a), 0); /* iproute2: missing parts are 0 */
	ck_assert_uint_eq(a, 0x0a000000);
	ck_assert_int_eq(inet_parse_addr("192.168", &a), 0);
	ck_assert_uint_eq(a, 0xc0a80000);
	const char *bad[] = { "", "256.0.0.1", "1.2.3.4.5", "1..2", "1.2.3.", "a.b.c.d", "1.2.3.4 ",
			      "-1.2.3.4", "1.2.3.0004", "0x1.2.3.4", ".1.2.3" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(inet_parse_addr(bad[i], &a) < 0, "%s accepted", bad[i]);
}
END_TEST

START_TEST(prefixes)
{
	uint32_t a;
	int len;
	ck_assert_int_eq(inet_parse_prefix("10.0.2.15/24", &a, &len), 0);
	ck_assert_uint_eq(a, 0x0a00020f);
	ck_assert_int_eq(len, 24);
	ck_assert_int_eq(inet_parse_prefix("10.0.2.15", &a, &len), 0);
	ck_assert_int_eq(len, 32);
	ck_assert_int_eq(inet_parse_prefix("10/8", &a, &len), 0);
	ck_assert_uint_eq(a, 0x0a000000);
	ck_assert_int_eq(len, 8);
	ck_assert_int_eq(inet_parse_prefix("0.0.0.0/0", &a, &len), 0);
	ck_assert_int_eq(len, 0);
	const char *bad[] = { "10.0.2.15/33", "10.0.2.15/", "10.0.2.15/-1", "10.0.2.15/2x", "/24",
			      "10.0.2.15/024", "300.1.1.1/8", "1.2.3.4/8/8" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(inet_parse_prefix(bad[i], &a, &len) < 0, "%s accepted", bad[i]);
}
END_TEST

START_TEST(masks_and_format)
{
	ck_assert_uint_eq(inet_mask(0), 0);
	ck_assert_uint_eq(inet_mask(24), 0xffffff00);
	ck_assert_uint_eq(inet_mask(32), 0xffffffff);
	for (int n = 0; n <= 32; n++)
		ck_assert_int_eq(inet_masklen(inet_mask(n)), n);
	ck_assert_int_eq(inet_masklen(0xff00ff00), -1);
	char buf[16];
	ck_assert_str_eq(inet_format(0x0a00020f, buf), "10.0.2.15");
	ck_assert_str_eq(inet_format(0xffffffff, buf), "255.255.255.255");
}
END_TEST

Suite *inet_suite(void)
{
	Suite *s = suite_create("inet");
	TCase *tc = tcase_create("inet");
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, masks_and_format);
	suite_add_tcase(s, tc);
	return s;
}
