/*
 * net/ipv4/tcp_isn.c: RFC 6528 ISN = M + F(4-tuple, secret).  Determinism,
 * sensitivity to each input, the 4 us clock (section 3), per-tuple offsets
 * that look unrelated, and wrap-around of M and of the sum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/siphash.h"
#include "net/ipv4/tcp_isn.h"
#include "tests/unit/unit.h"

#define T0 123456789012345ULL   /* ns: an arbitrary uptime of about 34 hours */

static uint8_t secret[16];

/* Addresses and ports in network byte order, as the hook glue passes them. */
static const uint32_t LIP = 0x0a00020fu, RIP = 0x0202000au;     /* bytes 0f.02.00.0a, 0a.00.02.02 */
static const uint16_t LPORT = 0x5000, RPORT = 0x39d4;

static void setup(void)
{
	for (int i = 0; i < 16; i++)
		secret[i] = (uint8_t)(0xa5 ^ (i * 37));
}

static uint32_t isn_at(uint64_t now_ns)
{
	return tcp_isn_compute(secret, LIP, LPORT, RIP, RPORT, now_ns);
}

START_TEST(deterministic)
{
	ck_assert_uint_eq(isn_at(T0), isn_at(T0));
	uint8_t copy[16];
	memcpy(copy, secret, 16);
	ck_assert_uint_eq(tcp_isn_compute(copy, LIP, LPORT, RIP, RPORT, T0), isn_at(T0));
}
END_TEST

/* F is the low 32 bits of SipHash-2-4 over lip, lport, rip, rport as stored. */
START_TEST(layout)
{
	uint8_t tuple[12];
	memcpy(tuple, &LIP, 4);
	memcpy(tuple + 4, &LPORT, 2);
	memcpy(tuple + 6, &RIP, 4);
	memcpy(tuple + 10, &RPORT, 2);
	uint32_t f = (uint32_t)siphash_2_4(secret, tuple, 12);
	ck_assert_uint_eq(isn_at(0), f);
	ck_assert_uint_eq(isn_at(3999), f);
	ck_assert_uint_eq(isn_at(T0), (uint32_t)(f + T0 / 4000));
}
END_TEST

START_TEST(each_input_matters)
{
	uint32_t isn = isn_at(T0);
	for (int bit = 0; bit < 32; bit++) {
		ck_assert_uint_ne(tcp_isn_compute(secret, LIP ^ (1u << bit), LPORT, RIP, RPORT, T0), isn);
		ck_assert_uint_ne(tcp_isn_compute(secret, LIP, LPORT, RIP ^ (1u << bit), RPORT, T0), isn);
	}
	for (int bit = 0; bit < 16; bit++) {
		ck_assert_uint_ne(tcp_isn_compute(secret, LIP, LPORT ^ (1u << bit), RIP, RPORT, T0), isn);
		ck_assert_uint_ne(tcp_isn_compute(secret, LIP, LPORT, RIP, RPORT ^ (1u << bit), T0), isn);
	}
	/* Swapping the ends is another connection. */
	ck_assert_uint_ne(tcp_isn_compute(secret, RIP, RPORT, LIP, LPORT, T0), isn);
	for (int bit = 0; bit < 128; bit++) {
		secret[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		ck_assert_uint_ne(isn_at(T0), isn);
		secret[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}
END_TEST

/* RFC 6528 section 3: M is a timer that ticks every 4 microseconds. */
START_TEST(four_microsecond_clock)
{
	uint64_t base = T0 - T0 % 4000;         /* the start of a tick */
	uint32_t isn = isn_at(base);
	for (uint64_t ns = 0; ns < 4000; ns += 250)
		ck_assert_uint_eq(isn_at(base + ns), isn);
	for (uint32_t k = 1; k <= 10000; k++)
		ck_assert_uint_eq(isn_at(base + 4000ULL * k) - isn, k);
	ck_assert_uint_eq(isn_at(base + 3999), isn);
	ck_assert_uint_eq(isn_at(base + 4000), isn + 1);
	ck_assert_uint_eq(isn_at(base + 1000000000ULL) - isn, 250000);    /* one second */
}
END_TEST

/* Unrelated offsets: 1000 tuples at one instant, all distinct, bits balanced. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

START_TEST(tuples_uncorrelated)
{
	enum { N = 1000 };
	static uint32_t isn[N];
	int bits[32] = { 0 };
	for (int i = 0; i < N; i++) {
		/* Neighbouring client ports and addresses: the worst case for a weak F. */
		uint32_t rip = RIP + (uint32_t)(i / 100);
		uint16_t rport = (uint16_t)(RPORT + i % 100);
		isn[i] = tcp_isn_compute(secret, LIP, LPORT, rip, rport, T0);
		for (int b = 0; b < 32; b++)
			bits[b] += (isn[i] >> b) & 1;
	}
	qsort(isn, N, sizeof(isn[0]), cmp_u32);
	for (int i = 1; i < N; i++)
		ck_assert_uint_ne(isn[i], isn[i - 1]);
	/* Each bit set about N/2 times: 350..650 is over 9 standard deviations wide. */
	for (int b = 0; b < 32; b++)
		ck_assert_msg(bits[b] > 350 && bits[b] < 650, "bit %d set %d times of %d", b, bits[b], N);
}
END_TEST

START_TEST(wraps)
{
	uint32_t f = isn_at(0);
	/* M wraps: 2^32 ticks later it is back where it started. */
	uint64_t m_top = 4000ULL * 0xffffffffULL;
	ck_assert_uint_eq(isn_at(m_top), f + 0xffffffffu);
	ck_assert_uint_eq(isn_at(m_top + 4000), f);
	ck_assert_uint_eq(isn_at(m_top + 4000) - isn_at(m_top), 1);
	/* The sum wraps: the tick where M + F = 2^32 - 1, then 0. */
	uint64_t k = (uint64_t)(uint32_t)(0xffffffffu - f);
	ck_assert_uint_eq(isn_at(4000 * k), 0xffffffffu);
	ck_assert_uint_eq(isn_at(4000 * (k + 1)), 0);
	/* The clock's own end. */
	ck_assert_uint_eq(isn_at(UINT64_MAX), f + (uint32_t)(UINT64_MAX / 4000));
}
END_TEST

Suite *tcp_isn_suite(void)
{
	Suite *s = suite_create("tcp_isn");
	TCase *tc = tcase_create("rfc6528");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, deterministic);
	tcase_add_test(tc, layout);
	tcase_add_test(tc, each_input_matters);
	tcase_add_test(tc, four_microsecond_clock);
	tcase_add_test(tc, tuples_uncorrelated);
	tcase_add_test(tc, wraps);
	suite_add_tcase(s, tc);
	return s;
}
