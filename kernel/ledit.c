/*
 * Line editing for the serial console, in the spirit of a minimal
 * readline: ANSI/VT100 cursor keys (ECMA-48 CSI sequences ESC [ A..D, H, F,
 * n ~ and SS3 ESC O H/F), a small history ring, and echo that redraws
 * only what changed.  Pure logic; callers: kernel/console.c, tests/unit.
 */
#include <stdio.h>
#include <string.h>

#include "kernel/ledit.h"

#define CTRL(c) ((c) & 0x1f)

static void emit(struct ledit_out *o, const char *s, size_t n)
{
	if (n > sizeof(o->buf) - o->len)
		n = sizeof(o->buf) - o->len;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void emits(struct ledit_out *o, const char *s)
{
	emit(o, s, strlen(s));
}

/* Prompt, line, clear to end of line, cursor back into place. */
static void redraw(struct ledit *e, struct ledit_out *o)
{
	emits(o, "\r");
	emits(o, e->prompt);
	emit(o, e->buf, e->len);
	emits(o, "\x1b[K");
	if (e->cur < e->len) {
		char mv[16];
		snprintf(mv, sizeof(mv), "\x1b[%dD", e->len - e->cur);
		emits(o, mv);
	}
}

void ledit_init(struct ledit *e, const char *prompt)
{
	memset(e, 0, sizeof(*e));
	e->prompt = prompt;
}

static void set_line(struct ledit *e, const char *s)
{
	strlcpy(e->buf, s, sizeof(e->buf));
	e->len = e->cur = (int)strlen(e->buf);
}

static void history(struct ledit *e, int dir, struct ledit_out *o)
{
	int back = e->hist_back + dir;
	if (back < 0 || back > e->hist_count)
		return;
	if (e->hist_back == 0)
		strlcpy(e->draft, e->buf, sizeof(e->draft));
	e->hist_back = back;
	if (back == 0) {
		set_line(e, e->draft);
	} else {
		int slot = (e->hist_next - back + CONSOLE_HISTORY) % CONSOLE_HISTORY;
		set_line(e, e->hist[slot]);
	}
	redraw(e, o);
}

static void delete_range(struct ledit *e, int from, int to)
{
	memmove(e->buf + from, e->buf + to, e->len - to);
	e->len -= to - from;
	e->buf[e->len] = 0;
	e->cur = from;
}

static void insert(struct ledit *e, char c, struct ledit_out *o)
{
	if (e->len >= CONSOLE_LINE_MAX - 1) {
		emits(o, "\a"); /* full: refuse, keep what is there */
		return;
	}
	memmove(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur);
	e->buf[e->cur++] = c;
	e->buf[++e->len] = 0;
	if (e->cur == e->len)
		emit(o, &c, 1);
	else
		redraw(e, o);
}

static void backspace(struct ledit *e, struct ledit_out *o)
{
	if (!e->cur)
		return;
	int at_end = e->cur == e->len;
	delete_range(e, e->cur - 1, e->cur);
	if (at_end)
		emits(o, "\b \b");
	else
		redraw(e, o);
}

static void move_to(struct ledit *e, int pos, struct ledit_out *o)
{
	if (pos < 0 || pos > e->len || pos == e->cur)
		return;
	e->cur = pos;
	redraw(e, o);
}

/* Final byte of a CSI / SS3 sequence. */
static void escape_key(struct ledit *e, int c, int num, struct ledit_out *o)
{
	switch (c) {
	case 'A': history(e, +1, o); break;
	case 'B': history(e, -1, o); break;
	case 'C': move_to(e, e->cur + 1, o); break;
	case 'D': move_to(e, e->cur - 1, o); break;
	case 'H': move_to(e, 0, o); break;
	case 'F': move_to(e, e->len, o); break;
	case '~':
		if (num == 1 || num == 7)
			move_to(e, 0, o);
		else if (num == 4 || num == 8)
			move_to(e, e->len, o);
		else if (num == 3 && e->cur < e->len) {
			delete_range(e, e->cur, e->cur + 1);
			redraw(e, o);
		}
		break;
	}
}

enum ledit_result ledit_feed(struct ledit *e, int c, struct ledit_out *o)
{
	c &= 0xff;
	if (e->esc == 1) { /* after ESC: CSI, SS3, or a lone ESC we drop */
		e->esc = 0;
		if (c == '[' || c == 'O') {
			e->esc = c == '[' ? 2 : 3;
			e->esc_num = 0;
			return LEDIT_MORE;
		}
	} else if (e->esc >= 2) {
		/* ECMA-48 5.4: parameter bytes 0x30-0x3f, intermediates 0x20-0x2f,
		 * a final byte 0x40-0x7e; anything else aborts the sequence and
		 * counts as a key of its own (Enter, Ctrl-C). */
		if (c >= 0x20 && c <= 0x3f) {
			if (c >= '0' && c <= '9' && e->esc == 2 && e->esc_num < 1000)
				e->esc_num = e->esc_num * 10 + (c - '0');
			return LEDIT_MORE;
		}
		int final = c >= 0x40 && c <= 0x7e;
		e->esc = 0;
		if (final) {
			escape_key(e, c, e->esc_num, o);
			return LEDIT_MORE;
		}
	}
	int was_cr = e->last_cr;
	e->last_cr = c == '\r';
	switch (c) {
	case '\r':
	case '\n':
		if (c == '\n' && was_cr)
			return LEDIT_MORE;
		emits(o, "\r\n");
		e->buf[e->len] = 0;
		return LEDIT_DONE;
	case 0x1b:
		e->esc = 1;
		return LEDIT_MORE;
	case CTRL('C'):
		emits(o, "^C\r\n");
		e->len = e->cur = e->hist_back = 0;
		e->buf[0] = 0;
		return LEDIT_CANCEL;
	case CTRL('U'):
		delete_range(e, 0, e->cur);
		redraw(e, o);
		return LEDIT_MORE;
	case CTRL('W'): {
		int p = e->cur;
		while (p > 0 && e->buf[p - 1] == ' ')
			p--;
		while (p > 0 && e->buf[p - 1] != ' ')
			p--;
		delete_range(e, p, e->cur);
		redraw(e, o);
		return LEDIT_MORE;
	}
	case CTRL('A'):
		move_to(e, 0, o);
		return LEDIT_MORE;
	case CTRL('E'):
		move_to(e, e->len, o);
		return LEDIT_MORE;
	case CTRL('L'):
		emits(o, "\x1b[H\x1b[2J");
		redraw(e, o);
		return LEDIT_MORE;
	case 0x7f:
	case '\b':
		backspace(e, o);
		return LEDIT_MORE;
	}
	if (c >= 0x20 && c < 0x7f)
		insert(e, (char)c, o);
	return LEDIT_MORE;
}

void ledit_accept(struct ledit *e)
{
	const char *p = e->buf;
	while (*p == ' ' || *p == '\t')
		p++;
	int last = (e->hist_next - 1 + CONSOLE_HISTORY) % CONSOLE_HISTORY;
	if (*p && !(e->hist_count && !strcmp(e->hist[last], e->buf))) {
		strlcpy(e->hist[e->hist_next], e->buf, CONSOLE_LINE_MAX);
		e->hist_next = (e->hist_next + 1) % CONSOLE_HISTORY;
		if (e->hist_count < CONSOLE_HISTORY)
			e->hist_count++;
	}
	e->len = e->cur = e->hist_back = 0;
	e->buf[0] = 0;
}
