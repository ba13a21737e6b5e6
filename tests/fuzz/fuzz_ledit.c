/*
 * Fuzz target: the console's line editor (kernel/ledit.c) fed a keystroke
 * stream byte by byte as console_poll feeds it (escape sequences, Ctrl
 * keys, history, lines longer than CONSOLE_LINE_MAX, non-ASCII), each
 * finished line accepted into the history.  Checks after every byte: the
 * line is NUL-terminated at len, within CONSOLE_LINE_MAX and printable;
 * the cursor is within the line; the escape and history indexes are in
 * range; the echo for one key fits a full redraw (prompt, line, cursor
 * moves, a screen clear) and is never cut by the output buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/ledit.h"

/* The most one key may echo: Ctrl-L's screen clear, then a redraw ("\r",
 * the prompt, the line, "\x1b[K", "\x1b[NNND"); "^C\r\n" and "\b \b" are
 * shorter. */
#define ECHO_MAX (7 + 1 + sizeof(CONSOLE_PROMPT) - 1 + (CONSOLE_LINE_MAX - 1) + 3 + 16)

static const char *broken(const struct ledit *e, const struct ledit_out *o)
{
	if (e->len < 0 || e->len > CONSOLE_LINE_MAX - 1)
		return "len out of range";
	if (e->cur < 0 || e->cur > e->len)
		return "cursor out of range";
	if (e->buf[e->len] || strnlen(e->buf, CONSOLE_LINE_MAX) != (size_t)e->len)
		return "line not NUL-terminated at len";
	for (int i = 0; i < e->len; i++) {
		if (e->buf[i] < 0x20 || e->buf[i] >= 0x7f)
			return "unprintable byte in the line";
	}
	if (e->esc < 0 || e->esc > 3 || e->esc_num < 0)
		return "escape state out of range";
	if (e->hist_count < 0 || e->hist_count > CONSOLE_HISTORY || e->hist_next < 0 ||
	    e->hist_next >= CONSOLE_HISTORY || e->hist_back < 0 || e->hist_back > e->hist_count)
		return "history indexes out of range";
	for (int i = 0; i < CONSOLE_HISTORY; i++) {
		if (strnlen(e->hist[i], CONSOLE_LINE_MAX) >= CONSOLE_LINE_MAX)
			return "history line not terminated";
	}
	if (strnlen(e->draft, CONSOLE_LINE_MAX) >= CONSOLE_LINE_MAX)
		return "draft not terminated";
	if (o->len > ECHO_MAX || o->len >= sizeof(o->buf))
		return "echo for one key too long (or cut)";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ledit e;
	ledit_init(&e, CONSOLE_PROMPT);
	for (size_t i = 0; i < size; i++) {
		struct ledit_out out;
		out.len = 0;
		enum ledit_result r = ledit_feed(&e, data[i], &out);
		const char *why = broken(&e, &out);
		if (why) {
			fprintf(stderr, "fuzz_ledit: after byte %zu (0x%02x): %s (len %d cur %d echo %zu)\n", i,
				data[i], why, e.len, e.cur, out.len);
			abort();
		}
		if (r == LEDIT_DONE) {
			char line[CONSOLE_LINE_MAX];
			if (strlcpy(line, e.buf, sizeof(line)) >= sizeof(line))
				abort();
			ledit_accept(&e);
			if (e.len || e.cur || e.buf[0] || e.hist_back)
				abort(); /* a new line starts empty */
		} else if (r == LEDIT_CANCEL) {
			if (e.len || e.cur || e.buf[0])
				abort();
		} else if (r != LEDIT_MORE) {
			abort();
		}
	}
	return 0;
}
