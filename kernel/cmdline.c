/*
 * Console line parser: POSIX-shell-like word splitting without expansion
 * (XCU 2.2 quoting, 2.3 comments), in place; and reading a boot file
 * (nagare.rc, sysctl.conf) line by line.  Pure; tests/unit covers it.
 */
#include <errno.h>

#include "kernel/cmdline.h"

int cmdline_getline(const char *text, size_t len, size_t *pos, char *line, size_t size, int *too_long)
{
	size_t p = *pos, n = 0;
	if (p >= len)
		return 0;
	*too_long = 0;
	for (; p < len && text[p] != '\n'; p++) {
		if (n + 1 < size)
			line[n++] = text[p];
		else
			*too_long = 1;
	}
	*pos = p + 1;
	while (n && line[n - 1] == '\r')
		n--;
	line[n] = 0;
	return 1;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int cmdline_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *r = line, *w = line;
	for (;;) {
		while (blank(*r))
			r++;
		if (!*r || *r == '#')
			break;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = w;
		char quote = 0;
		for (; *r; r++) {
			if (quote) {
				if (*r == quote)
					quote = 0;
				else if (quote == '"' && *r == '\\' && (r[1] == '"' || r[1] == '\\'))
					*w++ = *++r; /* XCU 2.2.3; $ and ` are not special here */
				else
					*w++ = *r;
			} else if (*r == '\'' || *r == '"') {
				quote = *r;
			} else if (*r == '\\' && r[1]) {
				*w++ = *++r;
			} else if (blank(*r)) {
				break;
			} else {
				*w++ = *r;
			}
		}
		if (quote)
			return -EINVAL;
		if (*r)
			r++;
		*w++ = 0;
	}
	argv[argc] = 0;
	return argc;
}
