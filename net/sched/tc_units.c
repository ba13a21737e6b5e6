/*
 * tc's units (net/sched/tc_units.h has the accepted tables): parsing as
 * tc(8)/tc-tbf(8) document it and printing as iproute2 6.x prints, written
 * from those documented behaviours and ../shared/notes/qdisc-facts.md.
 * printf's %g is reproduced with integers, including how glibc rounds a
 * decimal tie (by the binary double it was given).  Callers: the tc
 * command (later); tests/unit/test_tc_units.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "net/sched/tc_units.h"

struct unit {
	const char *name;
	uint64_t mult;  /* base units (bits, bytes, ns) per one */
};

static const struct unit rate_units[] = {  /* bit/s */
	{ "", 1 }, { "bit", 1 }, { "kbit", 1000ull }, { "mbit", 1000000ull },
	{ "gbit", 1000000000ull }, { "tbit", 1000000000000ull },
	{ "kibit", 1ull << 10 }, { "mibit", 1ull << 20 }, { "gibit", 1ull << 30 },
	{ "tibit", 1ull << 40 },
	{ "bps", 8 }, { "kbps", 8000ull }, { "mbps", 8000000ull }, { "gbps", 8000000000ull },
	{ "tbps", 8000000000000ull },
	{ "kibps", 8ull << 10 }, { "mibps", 8ull << 20 }, { "gibps", 8ull << 30 },
	{ "tibps", 8ull << 40 },
	{ 0, 0 },
};

/* Sizes in 1024s; "kbit" is 1024 bits, 128 bytes (tc-tbf's "32kbit" = 4Kb). */
static const struct unit size_units[] = {  /* bytes */
	{ "", 1 }, { "b", 1 }, { "k", 1024 }, { "kb", 1024 }, { "m", 1ull << 20 },
	{ "mb", 1ull << 20 }, { "g", 1ull << 30 }, { "gb", 1ull << 30 },
	{ "kbit", 1024 / 8 }, { "mbit", (1ull << 20) / 8 }, { "gbit", (1ull << 30) / 8 },
	{ 0, 0 },
};

static const struct unit time_units[] = {  /* ns; a bare number is in us */
	{ "", 1000 }, { "us", 1000 }, { "usec", 1000 }, { "usecs", 1000 },
	{ "ms", 1000000 }, { "msec", 1000000 }, { "msecs", 1000000 },
	{ "s", 1000000000 }, { "sec", 1000000000 }, { "secs", 1000000000 },
	{ 0, 0 },
};

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int same_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

#define FRAC_DIGITS 9 /* fraction digits kept; later ones are dropped */

/* "<digits>[.<digits>]<suffix>" times the suffix's multiplier, truncated. */
static int parse(const char *s, const struct unit *units, uint64_t *out)
{
	uint64_t ip = 0, frac = 0, fscale = 1;
	int digits = 0;
	if (!s)
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if (__builtin_mul_overflow(ip, 10, &ip) || __builtin_add_overflow(ip, (uint64_t)(*s - '0'), &ip))
			return -ERANGE;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
			if (fscale < 1000000000ull) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				fscale *= 10;
			}
		}
	}
	if (!digits)
		return -EINVAL;
	const struct unit *u = units;
	while (u->name && !same_nocase(s, u->name))
		u++;
	if (!u->name)
		return -EINVAL;
	/* frac * mult / fscale without overflow: mult = q * fscale + r */
	uint64_t q = u->mult / fscale, r = u->mult % fscale;
	uint64_t v;
	if (__builtin_mul_overflow(ip, u->mult, &v) ||
	    __builtin_add_overflow(v, frac * q + frac * r / fscale, &v))
		return -ERANGE;
	*out = v;
	return 0;
}

int tc_parse_rate(const char *s, uint64_t *bytes_per_s)
{
	uint64_t bits;
	int err = parse(s, rate_units, &bits);
	if (!err)
		*bytes_per_s = bits / 8;
	return err;
}

int tc_parse_size(const char *s, uint32_t *bytes)
{
	uint64_t v;
	int err = parse(s, size_units, &v);
	if (err)
		return err;
	if (v > UINT32_MAX)
		return -ERANGE;
	*bytes = (uint32_t)v;
	return 0;
}

int tc_parse_time(const char *s, uint64_t *ns)
{
	return parse(s, time_units, ns);
}

/* ---- printing ---- */

int tc_print_rate(char *buf, size_t n, uint64_t bytes_per_s)
{
	static const char *const prefix[] = { "", "K", "M", "G", "T" };
	uint64_t bits = bytes_per_s << 3;  /* wraps above 2^61 B/s, as tc's does */
	int i;
	for (i = 0; i < 4; i++) {
		if (bits < 1000)
			break;
		if (bits % 1000 && bits < 1000 * 1000)
			break;
		bits /= 1000;
	}
	return snprintf(buf, n, "%llu%sbit", (unsigned long long)bits, prefix[i]);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* printf got the double nearest num/den and the decimal digits hit an exact
 * tie: does that double lie above the tie (so glibc rounds up)?  If num/den
 * is a binary fraction, the tie is real and glibc rounds to even. */
static int tie_rounds_up(uint64_t num, uint64_t den, uint64_t q)
{
	uint64_t g = gcd(num, den), N = num / g, D = den / g, five = D;
	int a = 0;
	while (!(five & 1)) {
		five >>= 1;
		a++;
	}
	if (five == 1)                  /* only 5s remain (den is 10^k) */
		return q & 1;
	uint64_t ip = N / D;            /* v >= 1 here */
	int e2 = 63 - __builtin_clzll(ip);
	int k = 52 - e2 - a;            /* double = round(N * 2^k / 5^b) / 2^(52-e2) */
	uint64_t m = 1;
	for (int i = 0; i < k; i++)
		m = (m * 2) % five;
	uint64_t r = (N % five) * m % five;
	return 2 * r > five;
}

/* printf("%.<prec>g", num / den) for num / den >= 1 (den a power of ten),
 * then the suffix. */
static int print_g(char *buf, size_t n, uint64_t num, uint64_t den, int prec, const char *suffix)
{
	uint64_t p10[20];
	p10[0] = 1;
	for (int i = 1; i < 20; i++)
		p10[i] = p10[i - 1] * 10;
	int nd = 1;
	while (nd < 20 && num / den >= p10[nd])
		nd++;
	int exp = nd - 1, dec = 0;
	uint64_t q, r, div;
	if (nd <= prec) {               /* fixed: prec - nd decimals */
		dec = prec - nd;
		div = den;
		q = num * p10[dec] / div;  /* num < 10^prec * den: no overflow */
		r = num * p10[dec] % div;
	} else {                        /* exponent: prec digits of mantissa */
		div = den * p10[exp - (prec - 1)];
		q = num / div;
		r = num % div;
	}
	if (2 * r > div || (2 * r == div && tie_rounds_up(num, den, q)))
		q++;
	if (q == p10[prec]) {           /* 9.99 -> 10.0: one more integer digit */
		q /= 10;
		if (nd <= prec && dec > 0)
			dec--;
		else
			exp++, nd = prec + 1;
	}
	char digits[24], out[48];
	int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)q);
	int intd = nd <= prec ? len - dec : 1;
	int o = 0, last = len;
	while (last > intd && digits[last - 1] == '0')  /* %g drops trailing zeros */
		last--;
	for (int i = 0; i < last; i++) {
		if (i == intd)
			out[o++] = '.';
		out[o++] = digits[i];
	}
	if (nd > prec)
		o += snprintf(out + o, sizeof(out) - o, "e+%02d", exp);
	out[o] = 0;
	return snprintf(buf, n, "%s%s", out, suffix);
}

int tc_print_size(char *buf, size_t n, uint32_t sz)
{
	const uint64_t kib = 1024, mib = 1024 * 1024;
	if (sz >= mib) {
		uint64_t m = (sz + mib / 2) / mib;  /* rint; a tie is 512 KiB away anyway */
		uint64_t near = m * mib, d = near > sz ? near - sz : sz - near;
		if (d < 1024)
			return print_g(buf, n, m, 1, 6, "Mb");
	}
	if (sz >= kib) {
		uint64_t k = (sz + kib / 2) / kib;
		uint64_t near = k * kib, d = near > sz ? near - sz : sz - near;
		if (d < 16)
			return print_g(buf, n, k, 1, 6, "Kb");
	}
	return snprintf(buf, n, "%ub", sz);
}

int tc_print_time(char *buf, size_t n, uint64_t ns)
{
	uint64_t us = ns / 1000;  /* tc's times are whole microseconds */
	if (us >= 1000000)
		return print_g(buf, n, us, 1000000, 3, "s");
	if (us >= 1000)
		return print_g(buf, n, us, 1000, 3, "ms");
	return snprintf(buf, n, "%lluus", (unsigned long long)us);
}
