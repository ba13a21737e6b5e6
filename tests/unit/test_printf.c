/*
 * kernel/libc/printf.c (as k_snprintf/k_vsnprintf) against glibc's
 * snprintf: same bytes and same return value for each format and value
 * (C11 7.21.6.1), and the same truncation.  %p only with non-NULL
 * pointers: glibc prints NULL as "(nil)", the kernel as "0".
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "tests/unit/klibc.h"
#include "tests/unit/unit.h"

/* Compares one call; the format is a literal so gcc checks both calls. */
#define CMP(fmt, ...)                                                                                  \
	do {                                                                                           \
		char k_[512], g_[512];                                                                 \
		memset(k_, 0x5a, sizeof(k_));                                                          \
		memset(g_, 0x5a, sizeof(g_));                                                          \
		int kr_ = k_snprintf(k_, sizeof(k_), fmt, __VA_ARGS__);                                \
		int gr_ = snprintf(g_, sizeof(g_), fmt, __VA_ARGS__);                                  \
		ck_assert_msg(kr_ == gr_ && !memcmp(k_, g_, gr_ + 1 > 0 ? (size_t)gr_ + 1 : 0),        \
			      "format \"%s\" (%s): kernel \"%s\" (%d), glibc \"%s\" (%d)", fmt, #__VA_ARGS__, \
			      k_, kr_, g_, gr_);                                                       \
	} while (0)

#define INT_FORMATS(X)                                                                                 \
	X("%d") X("%i") X("[%5d]") X("[%-5d]") X("[%05d]") X("[%+d]") X("[% d]") X("[%+5d]")           \
	X("[%-+5d]") X("[% 05d]") X("[%+05d]") X("[%.3d]") X("[%.0d]") X("[%8.3d]") X("[%-8.3d]")      \
	X("[%+.0d]") X("[% .0d]") X("[%5.0d]") X("[%1d]") X("[%-1d]") X("[%.12d]")       \
	X("[%20d]")

#define UINT_FORMATS(X)                                                                                \
	X("%u") X("%x") X("%X") X("%o") X("[%#x]") X("[%#X]") X("[%#o]") X("[%#.0o]") X("[%#.0x]")     \
	X("[%#8x]") X("[%#08x]") X("[%-#8x]") X("[%#-8X]") X("[%.5x]") X("[%10o]")      \
	X("[%#.3o]") X("[%#.2o]") X("[%#5.0o]") X("[%.0u]") X("[%.0x]") X("[%#12.10x]") X("[%012u]")  \
	X("[%-12o]") X("[%#012o]") X("[%.0o]") X("[%5.0x]")

static const int ints[] = { 0, 1, -1, 7, 42, -42, 100, 255, -255, 12345, -99999, 65535, INT_MAX, INT_MIN,
			    INT_MIN + 1 };
static const unsigned uints[] = { 0, 1, 7, 8, 15, 16, 255, 256, 4095, 0xdeadbeef, 0x7fffffff, 0x80000000,
				  UINT_MAX };

START_TEST(ints_)
{
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		int v = ints[i];
#define X(f) CMP(f, v);
		INT_FORMATS(X)
#undef X
	}
}
END_TEST

START_TEST(uints_)
{
	for (size_t i = 0; i < sizeof(uints) / sizeof(uints[0]); i++) {
		unsigned v = uints[i];
#define X(f) CMP(f, v);
		UINT_FORMATS(X)
#undef X
	}
}
END_TEST

START_TEST(star)
{
	static const int widths[] = { 0, 1, 5, 12, -1, -5, -12 };
	static const int precs[] = { -10, -1, 0, 1, 3, 8 };
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
			int wi = widths[w], pr = precs[p];
			CMP("[%*d]", wi, 42);
			CMP("[%*d]", wi, -42);
			CMP("[%0*d]", wi, -42);
			CMP("[%.*d]", pr, 42);
			CMP("[%.*d]", pr, 0);
			CMP("[%*.*d]", wi, pr, -7);
			CMP("[%-*.*s]", wi, pr, "string");
			CMP("[%*.*s]", wi, pr, "");
			CMP("[%*c]", wi, 'c');
		}
	}
}
END_TEST

/* C11: with '-' or a precision, the '0' flag is ignored.  gcc warns about
 * such formats, so no kernel code should use them, but the rule holds. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
START_TEST(zero_flag_ignored)
{
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		int v = ints[i];
		CMP("[%08.3d]", v);
		CMP("[%-+012.4d]", v);
		CMP("[%-020d]", v);
		CMP("[%08.3x]", (unsigned)v);
		CMP("[%-08o]", (unsigned)v);
		CMP("[%0*.*x]", 9, 4, (unsigned)v);
		CMP("[%0*.*x]", 9, -1, (unsigned)v);
	}
}
END_TEST
#pragma GCC diagnostic pop

START_TEST(lengths)
{
	static const long long lls[] = { 0, 1, -1, 127, 128, 200, -129, 255, 256, 32767, 32768, 70000, -70000, 65535,
					 INT_MAX, (long long)INT_MAX + 1, INT_MIN, LLONG_MAX, LLONG_MIN,
					 0x123456789abcdefLL };
	for (size_t i = 0; i < sizeof(lls) / sizeof(lls[0]); i++) {
		long long v = lls[i];
		CMP("%hhd", (int)v);
		CMP("%hhu", (unsigned)v);
		CMP("%hhx", (unsigned)v);
		CMP("%hd", (int)v);
		CMP("%hu", (unsigned)v);
		CMP("%#ho", (unsigned)v);
		CMP("%ld", (long)v);
		CMP("%lu", (unsigned long)v);
		CMP("%lx", (unsigned long)v);
		CMP("[%+20ld]", (long)v);
		CMP("%lld", v);
		CMP("%llu", (unsigned long long)v);
		CMP("[%#llX]", (unsigned long long)v);
		CMP("[%-24llo]", (unsigned long long)v);
		CMP("%zu", (size_t)v);
		CMP("%zd", (ssize_t)v);
		CMP("%zx", (size_t)v);
		CMP("%jd", (intmax_t)v);
		CMP("%ju", (uintmax_t)v);
		CMP("%td", (ptrdiff_t)v);
		CMP("[%.30lld]", v);
	}
	CMP("%lu %zu %llu", ULONG_MAX, SIZE_MAX, ULLONG_MAX);
}
END_TEST

START_TEST(strings_chars)
{
	static const char *const strs[] = { "", "a", "hello", "hello, world", "tab\there" };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		const char *s = strs[i];
		CMP("%s", s);
		CMP("[%10s]", s);
		CMP("[%-10s]", s);
		CMP("[%.2s]", s);
		CMP("[%10.2s]", s);
		CMP("[%-10.3s]", s);
		CMP("[%.0s]", s);
		CMP("[%3s]", s);
		CMP("<%s|%s>", s, s);
	}
	/* Precision bounds the read: the array need not be NUL-terminated. */
	static const char unterminated[4] = { 'a', 'b', 'c', 'd' };
	CMP("[%.4s]", unterminated);
	CMP("[%.2s]", unterminated);
	for (int c = 1; c < 128; c += 9) {
		CMP("%c", c);
		CMP("[%5c]", c);
		CMP("[%-5c]", c);
		CMP("%c%c", c, c + 1);
	}
	CMP("%s", "100%");
	CMP("%d%%", 50);
	CMP("a%%b%%%s", "c");
	CMP("%%%d%%", -1);
	CMP("%s", "no conversions at all");
}
END_TEST

START_TEST(nul_char)
{
	/* A NUL from %c counts as written (and is in the buffer). */
	char k[16], g[16];
	memset(k, 'x', sizeof(k));
	memset(g, 'x', sizeof(g));
	int kr = k_snprintf(k, sizeof(k), "a%cb", 0);
	int gr = snprintf(g, sizeof(g), "a%cb", 0);
	ck_assert_int_eq(kr, gr);
	ck_assert_int_eq(kr, 3);
	ck_assert_int_eq(memcmp(k, g, 4), 0);
	kr = k_snprintf(k, sizeof(k), "[%3c|%-3c]", 0, 0);
	gr = snprintf(g, sizeof(g), "[%3c|%-3c]", 0, 0);
	ck_assert_int_eq(kr, gr);
	ck_assert_int_eq(memcmp(k, g, gr + 1), 0);
}
END_TEST

START_TEST(pointers)
{
	int x;
	void *ps[] = { &x, (void *)1, (void *)0xdeadbeef, (void *)UINTPTR_MAX, (void *)ints };
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		void *p = ps[i];
		CMP("%p", p);
		CMP("[%20p]", p);
		CMP("[%-20p]", p);
		CMP("[%3p]", p);
	}
}
END_TEST

START_TEST(mixed)
{
	CMP("%s = %d (%#x) at %p", "somaxconn", 4096, 4096u, (void *)&ints);
	CMP("%d %s %c %u %x %ld %lld %zu", -1, "s", 'c', 2u, 255u, -3L, 4LL, (size_t)5);
	CMP("%s%s%s", "", "x", "");
}
END_TEST

/* Every buffer size from 0 up: the same prefix, always NUL-terminated,
 * nothing written past size, the full length returned. */
START_TEST(truncation)
{
	static const char fmt[] = "%s|%5d|%-6x|%c";
	char full[64];
	int n = snprintf(full, sizeof(full), fmt, "abc", -42, 0xbeefu, 'z');
	for (size_t size = 0; size <= (size_t)n + 2; size++) {
		char k[64], g[64];
		memset(k, 0x5a, sizeof(k));
		memset(g, 0x5a, sizeof(g));
		int kr = k_snprintf(size ? k : NULL, size, fmt, "abc", -42, 0xbeefu, 'z');
		int gr = snprintf(size ? g : NULL, size, fmt, "abc", -42, 0xbeefu, 'z');
		ck_assert_int_eq(kr, n);
		ck_assert_int_eq(kr, gr);
		ck_assert_msg(!memcmp(k, g, sizeof(k)), "size %zu: \"%.*s\" vs \"%.*s\"", size, (int)size, k, (int)size,
			      g);
		if (size) {
			ck_assert_int_eq(k[size - 1 < (size_t)n ? size - 1 : (size_t)n], 0);
			ck_assert_int_eq(k[size], 0x5a);
		}
	}
	/* Size 1: just the NUL. */
	char one[2] = { 'q', 'q' };
	ck_assert_int_eq(k_snprintf(one, 1, "%d", 12345), 5);
	ck_assert_int_eq(one[0], 0);
	ck_assert_int_eq(one[1], 'q');
}
END_TEST

static int k_wrap(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int k_wrap(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = k_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(vsnprintf_)
{
	char buf[64];
	ck_assert_int_eq(k_wrap(buf, sizeof(buf), "%d-%s-%x", 12, "ab", 255u), 8);
	ck_assert_str_eq(buf, "12-ab-ff");
	ck_assert_int_eq(k_wrap(buf, 4, "%d-%s-%x", 12, "ab", 255u), 8);
	ck_assert_str_eq(buf, "12-");
}
END_TEST

Suite *printf_suite(void)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("vs-glibc");
	tcase_add_test(tc, ints_);
	tcase_add_test(tc, uints_);
	tcase_add_test(tc, star);
	tcase_add_test(tc, zero_flag_ignored);
	tcase_add_test(tc, lengths);
	tcase_add_test(tc, strings_chars);
	tcase_add_test(tc, nul_char);
	tcase_add_test(tc, pointers);
	tcase_add_test(tc, mixed);
	tcase_add_test(tc, truncation);
	tcase_add_test(tc, vsnprintf_);
	suite_add_tcase(s, tc);
	return s;
}
