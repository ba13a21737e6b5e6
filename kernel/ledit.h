/*
 * Serial line editor: bytes in, echo bytes out, a finished line at Enter.
 * Pure state machine (no I/O), so tests/unit drives it byte by byte.
 * Keys: printable ASCII, Backspace/DEL, Ctrl-C (cancel line), Ctrl-U
 * (kill to start), Ctrl-W (kill word), Ctrl-A/E and Home/End, Left/Right,
 * Up/Down (history), Delete.  Other control bytes and non-ASCII are ignored.
 */
#ifndef KERNEL_LEDIT_H
#define KERNEL_LEDIT_H

#include <stddef.h>

#include "kernel/param.h"

enum ledit_result {
	LEDIT_MORE,   /* keep feeding */
	LEDIT_DONE,   /* e->buf holds a finished line */
	LEDIT_CANCEL, /* Ctrl-C: the line was thrown away */
};

struct ledit_out {
	char buf[3 * CONSOLE_LINE_MAX];
	size_t len;
};

struct ledit {
	const char *prompt;
	char buf[CONSOLE_LINE_MAX];
	int len, cur;
	int esc, esc_num;  /* escape sequence parser */
	int last_cr;       /* swallow the LF of a CR LF pair */
	char hist[CONSOLE_HISTORY][CONSOLE_LINE_MAX];
	int hist_count;    /* lines stored (at most CONSOLE_HISTORY) */
	int hist_next;     /* slot the next line goes into */
	int hist_back;     /* 0 = editing a new line, n = n-th most recent */
	char draft[CONSOLE_LINE_MAX];
};

void ledit_init(struct ledit *e, const char *prompt);
enum ledit_result ledit_feed(struct ledit *e, int c, struct ledit_out *out);
/* After LEDIT_DONE: remember the line (if not blank) and start a new one. */
void ledit_accept(struct ledit *e);

#endif
