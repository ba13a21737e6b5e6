/*
 * strtoul/strtol and their long long forms, C11 7.22.1.4 semantics:
 * leading space, optional sign, base 0 detects 0x and 0 prefixes, *end at
 * the first unparsed character, saturation at the type's limit on overflow
 * (the kernel has no errno, so callers that care compare with the limit or
 * parse with kernel/sysctl.c's strict parser instead).
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

static int digit(int c, int base)
{
	int v;
	if (isdigit(c))
		v = c - '0';
	else if (isalpha(c))
		v = tolower(c) - 'a' + 10;
	else
		return -1;
	return v < base ? v : -1;
}

/* Magnitude of the number at s; sign and overflow reported separately. */
static unsigned long long parse(const char *s, char **end, int base, int *neg, int *over)
{
	const char *p = s;
	int any = 0;
	unsigned long long v = 0;

	*neg = *over = 0;
	while (isspace(*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' && digit(p[2], 16) >= 0) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (int d; (d = digit(*p, base)) >= 0; p++) {
		any = 1;
		if (v > (ULLONG_MAX - d) / base)
			*over = 1;
		v = v * base + d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long long v = parse(s, end, base, &neg, &over);
	if (over)
		return ULLONG_MAX;
	return neg ? -v : v;
}

long long strtoll(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long long v = parse(s, end, base, &neg, &over);
	if (!neg)
		return over || v > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)v;
	if (over || v > (unsigned long long)LLONG_MAX + 1)
		return LLONG_MIN;
	return v ? -(long long)(v - 1) - 1 : 0;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

long strtol(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
