/*
 * Splitting a console line into words, shell style.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

/* Splits line in place into argv: at most max words, then a NULL, so argv
 * holds max + 1 pointers.  Words are separated by blanks; '...' and "..."
 * quote blanks; a backslash escapes the next byte (inside "..." only \" and
 * \\); '#' at a word start begins a comment.  Returns argc, -E2BIG (too
 * many words) or -EINVAL (open quote). */
int cmdline_split(char *line, char **argv, int max);

#endif
