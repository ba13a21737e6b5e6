/*
 * Text helpers shared by the unit tests (tests/unit/unit.h).
 */
#include "tests/unit/unit.h"

void unit_strip_trailing(char *s)
{
	char *w = s;
	for (const char *r = s; *r; r++) {
		if (*r == '\n' || !r[1]) {
			char c = *r;
			while (w > s && w[-1] == ' ' && c == '\n')
				w--;
			if (c == '\n' && r[1])
				*w++ = c;
			else if (c != '\n')
				*w++ = c;
			continue;
		}
		*w++ = *r;
	}
	*w = 0;
}
