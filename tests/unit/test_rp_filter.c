/*
 * The reverse-path decision (net/ipv4/rp_filter.c) over its whole table:
 * modes x what the route back is x which interface it leaves by, as
 * Linux 6.1's fib_validate_source / __fib_validate_source decide.
 */
#include <errno.h>

#include "net/ipv4/fib_trie.h"
#include "net/ipv4/rp_filter.h"
#include "tests/unit/unit.h"

enum back { NONE, UNICAST_IIF, UNICAST_OTHER, LOCAL_IIF, BROADCAST, BLACKHOLE, UNREACHABLE, PROHIBIT, NBACK };

static int decide(int mode, enum back b, int accept_local, int iif_has_addr, int src_is_local)
{
	static const int types[NBACK] = { 0, RTN_UNICAST, RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST,
					   RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT };
	struct rp_facts f = {
		.mode = mode, .accept_local = accept_local, .src_is_local = src_is_local,
		.iif_has_addr = iif_has_addr, .found = b != NONE, .type = types[b],
		.via_iif = b == UNICAST_IIF || b == LOCAL_IIF,
	};
	return rp_filter_decide(&f);
}

START_TEST(table)
{
	/* expected[mode][back], accept_local 0, the interface has an address */
	static const int expected[3][NBACK] = {
		/* NONE     U_IIF  U_OTHER  LOCAL    BRD      BLACK    UNREACH  PROHIBIT */
		{ 0, 0, 0, 0, 0, 0, 0, 0 },
		{ -EXDEV, 0, -EXDEV, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL },
		{ -EXDEV, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL },
	};
	for (int mode = 0; mode < 3; mode++) {
		for (int b = 0; b < NBACK; b++)
			ck_assert_msg(decide(mode, b, 0, 1, 0) == expected[mode][b], "mode %d back %d: %d", mode, b,
				      decide(mode, b, 0, 1, 0));
	}
}
END_TEST

/* Our own address as the source: a martian unless accept_local; with it
 * and a filter on, the local route through the interface passes. */
START_TEST(own_address_as_source)
{
	ck_assert_int_eq(decide(0, LOCAL_IIF, 0, 1, 1), -EINVAL);
	ck_assert_int_eq(decide(0, LOCAL_IIF, 1, 1, 1), 0);
	ck_assert_int_eq(decide(1, LOCAL_IIF, 1, 1, 1), 0);
	ck_assert_int_eq(decide(2, LOCAL_IIF, 0, 1, 1), -EINVAL);
}
END_TEST

/* An interface without an address takes no loose pass (last_resort). */
START_TEST(interface_without_address)
{
	ck_assert_int_eq(decide(2, UNICAST_OTHER, 0, 0, 0), -EXDEV);
	ck_assert_int_eq(decide(2, UNICAST_IIF, 0, 0, 0), 0);
	ck_assert_int_eq(decide(0, NONE, 0, 0, 0), 0);
}
END_TEST

Suite *rp_filter_suite(void)
{
	Suite *s = suite_create("rp_filter");
	TCase *tc = tcase_create("decide");
	tcase_add_test(tc, table);
	tcase_add_test(tc, own_address_as_source);
	tcase_add_test(tc, interface_without_address);
	suite_add_tcase(s, tc);
	return s;
}
