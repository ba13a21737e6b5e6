/*
 * IPv4 address parsing and printing for the console (ip, ping, route),
 * following iproute2's lib/utils.c get_addr_ipv4 / get_prefix rules.
 * Pure: tests/unit covers it.
 */
#include <errno.h>
#include <stdio.h>

#include "net/ipv4/inet.h"

int inet_parse_addr(const char *s, uint32_t *addr)
{
	uint32_t a = 0;
	int parts = 0;
	const char *p = s;
	for (;;) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		unsigned v = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p++ - '0');
			if (++digits > 3 || v > 255)
				return -EINVAL;
		}
		a |= v << (24 - 8 * parts);
		parts++;
		if (*p == 0)
			break;
		if (*p != '.' || parts == 4)
			return -EINVAL;
		p++;
	}
	*addr = a;
	return 0;
}

int inet_parse_prefix(const char *s, uint32_t *addr, int *len)
{
	char buf[20];
	int i;
	for (i = 0; s[i] && s[i] != '/'; i++) {
		if (i >= (int)sizeof(buf) - 1)
			return -EINVAL;
		buf[i] = s[i];
	}
	buf[i] = 0;
	if (inet_parse_addr(buf, addr))
		return -EINVAL;
	if (!s[i]) {
		*len = 32;
		return 0;
	}
	const char *p = s + i + 1;
	int n = 0, digits = 0;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p++ - '0');
		if (++digits > 2)
			return -EINVAL;
	}
	if (!digits || *p || n > 32)
		return -EINVAL;
	*len = n;
	return 0;
}

uint32_t inet_mask(int len)
{
	return len <= 0 ? 0 : len >= 32 ? 0xffffffffu : ~(0xffffffffu >> len);
}

int inet_masklen(uint32_t mask)
{
	int n = 0;
	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	return inet_mask(n) == mask ? n : -1;
}

char *inet_format(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}
