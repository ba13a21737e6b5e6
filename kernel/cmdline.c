/*
 * Console line parser: POSIX-shell-like word splitting without expansion
 * (XCU 2.2 quoting, 2.3 comments), in place.  Pure; tests/unit covers it.
 */
#include <errno.h>

#include "kernel/cmdline.h"

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
