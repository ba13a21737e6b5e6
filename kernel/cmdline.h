/*
 * Splitting a console line into words, shell style.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stddef.h>

/* Splits line in place into argv: at most max words, then a NULL, so argv
 * holds max + 1 pointers.  Words are separated by blanks; '...' and "..."
 * quote blanks; a backslash escapes the next byte (inside "..." only \" and
 * \\); '#' at a word start begins a comment.  Returns argc, -E2BIG (too
 * many words) or -EINVAL (open quote). */
int cmdline_split(char *line, char **argv, int max);
/* The next line of a text file (nagare.rc, sysctl.conf) from *pos into
 * line (NUL-terminated, without the newline or trailing CRs).  Returns 1
 * with a line, 0 at the end; *too_long is set when the line did not fit
 * (it is cut, and the caller must not act on it). */
int cmdline_getline(const char *text, size_t len, size_t *pos, char *line, size_t size, int *too_long);

#endif
