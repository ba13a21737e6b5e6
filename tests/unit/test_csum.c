/*
 * net/core/csum.c: the Internet checksum's sum against RFC 1071's worked
 * example and against a plain 16-bit reference at every length and
 * alignment, carries included.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/core/csum.h"
#include "tests/unit/unit.h"

/* RFC 1071 section 1 read literally: big-endian 16-bit words, a zero
 * byte after an odd last one, end-around carries; the result as the
 * bytes a checksum field would hold before the complement. */
static void reference(const uint8_t *p, int len, uint8_t out[2])
{
	uint32_t s = 0;
	for (int i = 0; i < len; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	out[0] = (uint8_t)(s >> 8);
	out[1] = (uint8_t)s;
}

static void bytes_of(uint16_t v, uint8_t out[2])
{
	memcpy(out, &v, 2); /* memory order, as lwIP stores it */
}

START_TEST(rfc1071_example)
{
	/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	static const uint8_t b[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint8_t got[2];
	bytes_of(csum_sum(b, 8), got);
	ck_assert_uint_eq(got[0], 0xdd);
	ck_assert_uint_eq(got[1], 0xf2);
	bytes_of(csum_sum(b, 0), got);
	ck_assert_uint_eq(got[0] | got[1], 0);
}
END_TEST

START_TEST(every_length_and_alignment)
{
	static uint8_t buf[2100];
	srand(1071);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand();
	for (int off = 0; off < 8; off++) {
		for (int len = 0; len <= 2048; len += len < 80 ? 1 : 37) {
			uint8_t want[2], got[2];
			reference(buf + off, len, want);
			bytes_of(csum_sum(buf + off, len), got);
			ck_assert_msg(!memcmp(want, got, 2), "off %d len %d: %02x%02x, want %02x%02x",
				      off, len, got[0], got[1], want[0], want[1]);
		}
	}
}
END_TEST

START_TEST(carries)
{
	/* all ones: every addition carries; 0xffff is the sum of any number of them */
	static uint8_t ff[1501];
	memset(ff, 0xff, sizeof(ff));
	for (int len = 1; len <= 1501; len += 100) {
		uint8_t want[2], got[2];
		reference(ff, len, want);
		bytes_of(csum_sum(ff, len), got);
		ck_assert_msg(!memcmp(want, got, 2), "len %d", len);
	}
}
END_TEST

START_TEST(ipv4_pseudo)
{
	/* 10.0.0.2 -> 192.168.77.1, TCP, 1234 bytes: the sum of 0a00 0002
	 * c0a8 4d01 0006 04d2 is 11c83, folded 0x1c84 */
	uint8_t ip[20] = { 0 };
	memcpy(ip + 12, (const uint8_t[]){ 10, 0, 0, 2, 192, 168, 77, 1 }, 8);
	ck_assert_uint_eq(csum_ipv4_pseudo(ip, 6, 1234), 0x1c84);
	/* five 0xffff words and 0xff: 500fa, folded with its carries 0x00ff */
	memset(ip + 12, 0xff, 8);
	ck_assert_uint_eq(csum_ipv4_pseudo(ip, 0xff, 0xffff), 0x00ff);
}
END_TEST

Suite *csum_suite(void)
{
	Suite *s = suite_create("csum");
	TCase *t = tcase_create("sum");
	tcase_add_test(t, rfc1071_example);
	tcase_add_test(t, every_length_and_alignment);
	tcase_add_test(t, carries);
	tcase_add_test(t, ipv4_pseudo);
	suite_add_tcase(s, t);
	return s;
}
