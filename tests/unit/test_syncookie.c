/*
 * net/ipv4/syncookie.c: the cookie's layout, round trips, the two-window
 * validity and its wrap at 2^8, rejection of other tuples, ISNs, keys and
 * flipped bits; the MSS table; the options in the timestamp's low 6 bits.
 */
#include <stdint.h>
#include <string.h>

#include "net/core/siphash.h"
#include "net/ipv4/syncookie.h"
#include "tests/unit/unit.h"

static struct syncookie_keys keys;
static struct syncookie_tuple tup;

static const uint32_t COUNTERS[] = { 0, 1, 2, 77, 128, 254, 255, 256, 0x12345, 0xffffffffu };
#define NCOUNTERS (sizeof(COUNTERS) / sizeof(COUNTERS[0]))

static void setup(void)
{
	for (int i = 0; i < SYNCOOKIE_KEY_LEN; i++) {
		keys.key[0][i] = (uint8_t)(0x3c ^ (i * 29));
		keys.key[1][i] = (uint8_t)(0xc5 ^ (i * 71));
	}
	tup.saddr = 0x0202000au;        /* 10.0.2.2 as on the wire (little-endian host) */
	tup.daddr = 0x0f02000au;        /* 10.0.2.15 */
	tup.sport = 0xd439;             /* 14804 */
	tup.dport = 0x5000;             /* 80 */
	tup.client_isn = 0x9e3779b9u;
}

static uint32_t make(uint32_t counter, int idx)
{
	return syncookie_make(&keys, &tup, counter, idx);
}

static int check(uint32_t counter, uint32_t cookie)
{
	return syncookie_check(&keys, &tup, counter, cookie);
}

/* The documented layout, rebuilt from SipHash itself. */
START_TEST(layout)
{
	uint8_t b[13];
	memcpy(b, &tup.saddr, 4);
	memcpy(b + 4, &tup.daddr, 4);
	memcpy(b + 8, &tup.sport, 2);
	memcpy(b + 10, &tup.dport, 2);
	for (uint32_t c = 0; c < 600; c += 7) {
		const uint8_t *key = keys.key[c & 1];
		b[12] = (uint8_t)c;
		uint32_t h1 = (uint32_t)siphash_2_4(key, b, 12);
		uint32_t h2 = (uint32_t)siphash_2_4(key, b, 13);
		for (int idx = 0; idx < 4; idx++) {
			uint32_t want = h1 + tup.client_isn + ((c & 0xff) << 24) + ((h2 + (uint32_t)idx) & 0xffffff);
			ck_assert_uint_eq(make(c, idx), want);
		}
	}
}
END_TEST

START_TEST(round_trip)
{
	for (size_t i = 0; i < NCOUNTERS; i++) {
		uint32_t c = COUNTERS[i];
		for (int idx = 0; idx < 4; idx++) {
			uint32_t cookie = make(c, idx);
			ck_assert_int_eq(check(c, cookie), idx);
			ck_assert_int_eq(check(c + 1, cookie), idx);        /* previous window */
		}
	}
	/* Many tuples and ISNs, so the sums wrap every way. */
	for (uint32_t n = 0; n < 2000; n++) {
		tup.sport = (uint16_t)(0x8000 + n);
		tup.client_isn = n * 0x9e3779b9u;
		int idx = (int)(n % 4);
		ck_assert_int_eq(check(n, make(n, idx)), idx);
		ck_assert_int_eq(check(n + 1, make(n, idx)), idx);
	}
}
END_TEST

/* A cookie is valid in its window and the next, and in no other. */
START_TEST(windows)
{
	for (size_t i = 0; i < NCOUNTERS; i++) {
		uint32_t c = COUNTERS[i];
		for (int idx = 0; idx < 4; idx++) {
			uint32_t cookie = make(c, idx);
			ck_assert_int_eq(check(c + 2, cookie), -1);         /* stale */
			ck_assert_int_eq(check(c + 3, cookie), -1);
			ck_assert_int_eq(check(c + 100, cookie), -1);
			ck_assert_int_eq(check(c - 1, cookie), -1);         /* from the future */
			ck_assert_int_eq(check(c - 2, cookie), -1);
		}
	}
}
END_TEST

/* Only counter mod 2^8 is in the cookie: 0 follows 255. */
START_TEST(counter_wrap)
{
	for (int idx = 0; idx < 4; idx++) {
		ck_assert_int_eq(check(0, make(255, idx)), idx);
		ck_assert_int_eq(check(256, make(255, idx)), idx);
		ck_assert_int_eq(check(0, make(0xffffffffu, idx)), idx);
		ck_assert_int_eq(check(0x100, make(0xff, idx)), idx);
		ck_assert_int_eq(check(255, make(0, idx)), -1);             /* future */
		ck_assert_int_eq(check(0, make(254, idx)), -1);             /* two back */
		ck_assert_int_eq(check(1, make(255, idx)), -1);
		/* 256 windows on, the counter byte is back: only rotating keys
		 * (below) tells those cookies apart. */
		ck_assert_int_eq(check(7 + 256, make(7, idx)), idx);
		ck_assert_int_eq(make(7 + 256, idx), make(7, idx));
	}
}
END_TEST

/* The caller's rotation: entering window c replaces keys[c & 1]. */
START_TEST(key_rotation)
{
	uint32_t c = 40;
	uint32_t cookie = make(c, 2);
	keys.key[(c + 1) & 1][0] ^= 0x5a;       /* enter c + 1: c's key stays */
	ck_assert_int_eq(check(c + 1, cookie), 2);
	keys.key[(c + 2) & 1][0] ^= 0x5a;       /* enter c + 2: c's key is gone */
	ck_assert_int_eq(check(c + 2, cookie), -1);
	/* Even a counter that came round again does not help. */
	ck_assert_int_eq(check(c + 256, cookie), -1);
}
END_TEST

START_TEST(other_key)
{
	uint32_t c = 91;
	for (int idx = 0; idx < 4; idx++) {
		uint32_t cookie = make(c, idx);
		for (int bit = 0; bit < 128; bit++) {
			uint8_t m = (uint8_t)(1u << (bit % 8));
			keys.key[c & 1][bit / 8] ^= m;                      /* its own key */
			ck_assert_int_eq(check(c, cookie), -1);
			ck_assert_int_eq(check(c + 1, cookie), -1);
			keys.key[c & 1][bit / 8] ^= m;
			keys.key[(c + 1) & 1][bit / 8] ^= m;                /* the other one: no effect */
			ck_assert_int_eq(check(c, cookie), idx);
			ck_assert_int_eq(check(c + 1, cookie), idx);
			keys.key[(c + 1) & 1][bit / 8] ^= m;
		}
		/* Swapped keys: the windows' keys are not interchangeable. */
		struct syncookie_keys sw;
		memcpy(sw.key[0], keys.key[1], SYNCOOKIE_KEY_LEN);
		memcpy(sw.key[1], keys.key[0], SYNCOOKIE_KEY_LEN);
		ck_assert_int_eq(syncookie_check(&sw, &tup, c, cookie), -1);
	}
}
END_TEST

START_TEST(other_tuple)
{
	uint32_t c = 200;
	for (int idx = 0; idx < 4; idx++) {
		uint32_t cookie = make(c, idx);
		struct syncookie_tuple saved = tup;
		for (int bit = 0; bit < 32; bit++) {
			tup.saddr ^= 1u << bit;
			ck_assert_int_eq(check(c, cookie), -1);
			ck_assert_int_eq(check(c + 1, cookie), -1);
			tup = saved;
			tup.daddr ^= 1u << bit;
			ck_assert_int_eq(check(c, cookie), -1);
			ck_assert_int_eq(check(c + 1, cookie), -1);
			tup = saved;
		}
		for (int bit = 0; bit < 16; bit++) {
			tup.sport ^= (uint16_t)(1u << bit);
			ck_assert_int_eq(check(c, cookie), -1);
			ck_assert_int_eq(check(c + 1, cookie), -1);
			tup = saved;
			tup.dport ^= (uint16_t)(1u << bit);
			ck_assert_int_eq(check(c, cookie), -1);
			ck_assert_int_eq(check(c + 1, cookie), -1);
			tup = saved;
		}
		/* The reply direction is another connection. */
		tup.saddr = saved.daddr;
		tup.daddr = saved.saddr;
		tup.sport = saved.dport;
		tup.dport = saved.sport;
		ck_assert_int_eq(check(c, cookie), -1);
		tup = saved;
	}
}
END_TEST

/*
 * A change of d to the cookie or to the client ISN moves the recovered
 * index by +d or -d; as in Linux the index sits in the clear, so only
 * |d| >= 4 (and any change above bit 23, through the counter byte) is
 * sure to be rejected.  Flips of bits 0 and 1 either fail or land on the
 * neighbouring index they arithmetically point to, never the same one.
 */
static void assert_flip(int got, int idx, int64_t delta, int bit)
{
	if (bit >= 2) {
		ck_assert_msg(got == -1, "bit %d: got %d", bit, got);
		return;
	}
	int64_t moved = idx + delta;
	ck_assert_msg(got == -1 || got == moved, "bit %d: got %d from %d", bit, got, idx);
	ck_assert_int_ne(got, idx);
}

START_TEST(cookie_bit_flips)
{
	int accepted = 0;
	for (size_t i = 0; i < NCOUNTERS; i++) {
		uint32_t c = COUNTERS[i];
		for (int idx = 0; idx < 4; idx++) {
			uint32_t cookie = make(c, idx);
			for (int bit = 0; bit < 32; bit++) {
				uint32_t f = cookie ^ (1u << bit);
				int64_t delta = (int64_t)f - (int64_t)cookie;
				for (uint32_t at = c; at != c + 2; at++) {
					int got = check(at, f);
					assert_flip(got, idx, delta, bit);
					accepted += got != -1;
				}
			}
		}
	}
	/* The limitation is real: some low-bit flips do pass (5 in 8 of them
	 * on average: from index 1 or 2 either way of bit 0 stays in 0-3). */
	ck_assert_int_gt(accepted, 0);
}
END_TEST

START_TEST(client_isn_changes)
{
	uint32_t c = 13;
	uint32_t isn = tup.client_isn;
	for (int idx = 0; idx < 4; idx++) {
		uint32_t cookie = make(c, idx);
		for (int bit = 0; bit < 32; bit++) {
			tup.client_isn = isn ^ (1u << bit);
			/* cookie - isn': the index moves by -(isn' - isn). */
			int64_t delta = -((int64_t)tup.client_isn - (int64_t)isn);
			assert_flip(check(c, cookie), idx, delta, bit);
			assert_flip(check(c + 1, cookie), idx, delta, bit);
		}
		/* Off by one, as when the glue forgets seq - 1. */
		tup.client_isn = isn + 1;
		ck_assert_int_eq(check(c, cookie), idx == 0 ? -1 : idx - 1);
		for (uint32_t d = 4; d < 100000; d = d * 3 + 1) {
			tup.client_isn = isn + d;
			ck_assert_int_eq(check(c, cookie), -1);
			tup.client_isn = isn - d;
			ck_assert_int_eq(check(c, cookie), -1);
		}
		tup.client_isn = isn;
	}
}
END_TEST

/* A random cookie passes about 2 * 4 / 2^32 of the time: none of these. */
START_TEST(forgeries)
{
	uint32_t x = 0x2545f491u;
	for (int n = 0; n < 200000; n++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		ck_assert_int_eq(check(5, x), -1);
	}
}
END_TEST

START_TEST(bad_index)
{
	ck_assert_uint_eq(make(3, -1), make(3, 0));
	ck_assert_uint_eq(make(3, 4), make(3, 0));
	ck_assert_uint_eq(make(3, 1000), make(3, 0));
}
END_TEST

START_TEST(mss_index)
{
	static const struct { uint16_t client; int idx; } cases[] = {
		{ 0, 0 }, { 100, 0 }, { 535, 0 }, { 536, 0 }, { 1299, 0 }, { 1300, 1 },
		{ 1439, 1 }, { 1440, 2 }, { 1459, 2 }, { 1460, 3 }, { 1461, 3 },
		{ 9000, 3 }, { 65535, 3 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(syncookie_mss_index(cases[i].client) == cases[i].idx, "mss %u: got %d want %d",
			      cases[i].client, syncookie_mss_index(cases[i].client), cases[i].idx);
	ck_assert_uint_eq(syncookie_mss_table[0], 536);
	ck_assert_uint_eq(syncookie_mss_table[1], 1300);
	ck_assert_uint_eq(syncookie_mss_table[2], 1440);
	ck_assert_uint_eq(syncookie_mss_table[3], 1460);
	/* Never above the client's MSS unless it is below them all. */
	for (uint32_t m = 536; m <= 65535; m++)
		ck_assert_uint_le(syncookie_mss_table[syncookie_mss_index((uint16_t)m)], m);
}
END_TEST

static void assert_opts_eq(const struct syncookie_opts *got, const struct syncookie_opts *want)
{
	ck_assert_int_eq(!!got->wscale_ok, !!want->wscale_ok);
	ck_assert_uint_eq(got->snd_wscale, want->wscale_ok ? want->snd_wscale : 0);
	ck_assert_int_eq(!!got->sack_ok, !!want->sack_ok);
	ck_assert_int_eq(!!got->ecn_ok, !!want->ecn_ok);
}

/* base - ts is 1..64: below the clock (brief: 1..128), and the newest such. */
static void assert_ts_bounds(uint32_t base, uint32_t ts)
{
	uint32_t back = base - ts;
	ck_assert_msg(back >= 1 && back <= 64, "base %u ts %u", base, ts);
}

START_TEST(ts_round_trip)
{
	static const uint32_t bases[] = { 0, 1, 2, 63, 64, 65, 127, 128, 1000, 0x7fffffffu,
					  0x80000000u, 0xffffffc0u, 0xfffffffeu, 0xffffffffu };
	int combos = 0;
	for (int ws = -1; ws <= 14; ws++)
		for (int sack = 0; sack < 2; sack++)
			for (int ecn = 0; ecn < 2; ecn++) {
				struct syncookie_opts o = { .mss = 1460, .wscale_ok = ws >= 0,
							    .snd_wscale = (uint8_t)(ws >= 0 ? ws : 9),
							    .sack_ok = sack, .ecn_ok = ecn };
				combos++;
				for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
					uint32_t ts = syncookie_ts_make(bases[i], &o);
					assert_ts_bounds(bases[i], ts);
					struct syncookie_opts d = { .mss = 1234 };
					ck_assert_int_eq(syncookie_ts_decode(ts, &d), 0);
					assert_opts_eq(&d, &o);
					ck_assert_uint_eq(d.mss, 1234);     /* untouched */
				}
			}
	ck_assert_int_eq(combos, 16 * 2 * 2);
}
END_TEST

/* Every millisecond of a stretch: bounds hold, and as the clock moves the
 * TSval never goes back. */
START_TEST(ts_monotonic)
{
	struct syncookie_opts o = { .wscale_ok = 1, .snd_wscale = 7, .sack_ok = 1 };
	uint32_t start = 0xffffff00u, prev = syncookie_ts_make(start, &o);
	for (uint32_t n = 1; n < 1000; n++) {
		uint32_t base = start + n;
		uint32_t ts = syncookie_ts_make(base, &o);
		assert_ts_bounds(base, ts);
		ck_assert_uint_eq(ts & 0x3f, 7 | 0x10);
		ck_assert_int_ge((int32_t)(ts - prev), 0);
		/* The newest: 64 later would be at or above base. */
		ck_assert_int_ge((int32_t)(ts + 64 - base), 0);
		prev = ts;
	}
}
END_TEST

/* Shifts above 14 mean 14 (RFC 7323 section 2.3), never "none" (15). */
START_TEST(ts_wscale_clamp)
{
	for (int ws = 15; ws <= 255; ws++) {
		struct syncookie_opts o = { .wscale_ok = 1, .snd_wscale = (uint8_t)ws }, d;
		uint32_t ts = syncookie_ts_make(5000, &o);
		ck_assert_uint_eq(ts & 0x3f, 14);
		ck_assert_int_eq(syncookie_ts_decode(ts, &d), 0);
		ck_assert(d.wscale_ok);
		ck_assert_uint_eq(d.snd_wscale, 14);
	}
}
END_TEST

/*
 * What is invalid: nothing.  Bits 0-3 are 0-14 or 15 (none), so "above
 * 14 but not 15" is empty; every 6-bit pattern decodes, re-encodes to
 * itself, and the bits above 5 are ignored.
 */
START_TEST(ts_decode_all_patterns)
{
	for (uint32_t bits = 0; bits < 64; bits++) {
		struct syncookie_opts d;
		ck_assert_int_eq(syncookie_ts_decode(bits, &d), 0);
		ck_assert_int_eq(d.wscale_ok, (bits & 0xf) != 0xf);
		ck_assert_uint_eq(d.snd_wscale, (bits & 0xf) == 0xf ? 0 : (bits & 0xf));
		ck_assert_int_eq(d.sack_ok, (bits >> 4) & 1);
		ck_assert_int_eq(d.ecn_ok, (bits >> 5) & 1);
		ck_assert_uint_eq(syncookie_ts_make(100000, &d) & 0x3f, bits);
		struct syncookie_opts hi;
		ck_assert_int_eq(syncookie_ts_decode(bits | 0xabcdef00u, &hi), 0);
		assert_opts_eq(&hi, &d);
	}
	/* No scaling with SACK and ECN: 15 with the other bits. */
	struct syncookie_opts d;
	ck_assert_int_eq(syncookie_ts_decode(0x3f, &d), 0);
	ck_assert(!d.wscale_ok && d.sack_ok && d.ecn_ok);
}
END_TEST

Suite *syncookie_suite(void)
{
	Suite *s = suite_create("syncookie");
	TCase *tc = tcase_create("cookie");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, layout);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, windows);
	tcase_add_test(tc, counter_wrap);
	tcase_add_test(tc, key_rotation);
	tcase_add_test(tc, other_key);
	tcase_add_test(tc, other_tuple);
	tcase_add_test(tc, cookie_bit_flips);
	tcase_add_test(tc, client_isn_changes);
	tcase_add_test(tc, forgeries);
	tcase_add_test(tc, bad_index);
	tcase_add_test(tc, mss_index);
	suite_add_tcase(s, tc);
	TCase *ts = tcase_create("timestamp");
	tcase_add_test(ts, ts_round_trip);
	tcase_add_test(ts, ts_monotonic);
	tcase_add_test(ts, ts_wscale_clamp);
	tcase_add_test(ts, ts_decode_all_patterns);
	suite_add_tcase(s, ts);
	return s;
}
