/*
 * net/listen_size.c: the accept queue limit from listen(backlog) and
 * somaxconn, "full" as queued > max, and the SYN queue size from
 * backlog and tcp_max_syn_backlog.  Tables of Linux's results.
 */
#include <limits.h>

#include "net/listen_size.h"
#include "tests/unit/unit.h"

START_TEST(acceptq_max)
{
	static const struct { int backlog, somaxconn, want; } cases[] = {
		{ 0, 128, 0 }, { 1, 128, 1 }, { 7, 128, 7 }, { 8, 128, 8 }, { 9, 128, 9 },
		{ 127, 128, 127 }, { 128, 128, 128 }, { 200, 128, 128 }, { 256, 128, 128 },
		{ 4096, 128, 128 }, { 65535, 128, 128 }, { -1, 128, 128 }, { INT_MIN, 128, 128 },
		{ INT_MAX, 128, 128 },
		/* somaxconn 4096, Linux's default since 5.4 */
		{ 0, 4096, 0 }, { 200, 4096, 200 }, { 4096, 4096, 4096 }, { 4097, 4096, 4096 },
		{ 65535, 4096, 4096 }, { -1, 4096, 4096 }, { INT_MAX, 4096, 4096 },
		{ 65535, 65535, 65535 }, { INT_MAX, 65535, 65535 },
		{ 0, 0, 0 }, { 1, 0, 0 }, { -1, 0, 0 }, { INT_MAX, 0, 0 },
		{ INT_MAX, INT_MAX, INT_MAX }, { -1, INT_MAX, INT_MAX },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = listen_acceptq_max(cases[i].backlog, cases[i].somaxconn);
		ck_assert_msg(got == cases[i].want, "backlog %d somaxconn %d: got %d want %d", cases[i].backlog,
			      cases[i].somaxconn, got, cases[i].want);
	}
}
END_TEST

/* Full means more than max wait, so max + 1 connections fit; backlog 0
 * still takes one, as on Linux. */
START_TEST(acceptq_full)
{
	static const int maxes[] = { 0, 1, 7, 8, 9, 127, 128, 200, 4096 };
	for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		int max = maxes[i], queued = 0;
		while (!listen_acceptq_full(queued, max))
			queued++;               /* the next connection is queued */
		ck_assert_int_eq(queued, max + 1);
		ck_assert(!listen_acceptq_full(max, max));
		ck_assert(listen_acceptq_full(max + 1, max));
		ck_assert(!listen_acceptq_full(0, max));
	}
	ck_assert(listen_acceptq_full(INT_MAX, INT_MAX - 1));
	ck_assert(!listen_acceptq_full(INT_MAX, INT_MAX));
}
END_TEST

START_TEST(synq_size)
{
	static const struct { int backlog, max_syn_backlog, want; } cases[] = {
		/* the default tcp_max_syn_backlog of 128 */
		{ 0, 128, 16 }, { 1, 128, 16 }, { 7, 128, 16 }, { 8, 128, 16 }, { 9, 128, 16 },
		{ 15, 128, 16 }, { 16, 128, 32 }, { 127, 128, 128 }, { 128, 128, 256 },
		{ 200, 128, 256 }, { 256, 128, 256 }, { 4096, 128, 256 }, { 65535, 128, 256 },
		{ -1, 128, 256 }, { INT_MIN, 128, 256 }, { INT_MAX, 128, 256 },
		/* max_syn_backlog 256 */
		{ 127, 256, 128 }, { 128, 256, 256 }, { 200, 256, 256 }, { 255, 256, 256 },
		{ 256, 256, 512 }, { 4096, 256, 512 }, { -1, 256, 512 }, { INT_MAX, 256, 512 },
		/* max_syn_backlog 4096 */
		{ 200, 4096, 256 }, { 256, 4096, 512 }, { 4095, 4096, 4096 }, { 4096, 4096, 8192 },
		{ 65535, 4096, 8192 },
		/* large: the power of two and the 1 << 30 cap */
		{ 65535, 65535, 65536 }, { 65535, INT_MAX, 65536 }, { 65536, INT_MAX, 131072 },
		{ (1 << 29) - 1, INT_MAX, 1 << 29 }, { 1 << 29, INT_MAX, 1 << 30 },
		{ (1 << 30) - 1, INT_MAX, 1 << 30 }, { 1 << 30, INT_MAX, 1 << 30 },
		{ INT_MAX, INT_MAX, 1 << 30 }, { -1, INT_MAX, 1 << 30 }, { -1, -1, 1 << 30 },
		{ INT_MAX, -1, 1 << 30 },
		/* a max_syn_backlog below 8 still gets the minimum */
		{ 0, 0, 16 }, { 200, 0, 16 }, { 200, 1, 16 }, { 200, 7, 16 }, { 200, 8, 16 },
		{ 200, 9, 16 }, { -1, 0, 16 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = listen_synq_size(cases[i].backlog, cases[i].max_syn_backlog);
		ck_assert_msg(got == cases[i].want, "backlog %d max_syn_backlog %d: got %d want %d",
			      cases[i].backlog, cases[i].max_syn_backlog, got, cases[i].want);
	}
}
END_TEST

/* Over a sweep: a power of two, more than the clamped backlog, less than
 * twice its successor. */
START_TEST(synq_size_sweep)
{
	for (int msb = 0; msb <= 1100; msb += 37)
		for (int b = -3; b <= 1200; b++) {
			int got = listen_synq_size(b, msb);
			unsigned n = (unsigned)b < (unsigned)msb ? (unsigned)b : (unsigned)msb;
			if (n < 8)
				n = 8;
			ck_assert_int_eq(got & (got - 1), 0);
			ck_assert_uint_gt((unsigned)got, n);
			ck_assert_uint_le((unsigned)got, 2 * n);
		}
}
END_TEST

Suite *listen_size_suite(void)
{
	Suite *s = suite_create("listen_size");
	TCase *tc = tcase_create("linux");
	tcase_add_test(tc, acceptq_max);
	tcase_add_test(tc, acceptq_full);
	tcase_add_test(tc, synq_size);
	tcase_add_test(tc, synq_size_sweep);
	suite_add_tcase(s, tc);
	return s;
}
