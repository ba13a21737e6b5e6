/*
 * kernel/ledit.c: the console line editor, fed byte by byte; checks the
 * line, the cursor, the echo bytes and the editor's invariants.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/ledit.h"
#include "tests/unit/unit.h"

#define PROMPT "nagare# "
#define LEFT "\x1b[D"
#define RIGHT "\x1b[C"
#define UP "\x1b[A"
#define DOWN "\x1b[B"

static struct ledit ed;
static struct ledit_out out;

static void setup(void)
{
	ledit_init(&ed, PROMPT);
	out.len = 0;
}

/* What a well-formed editor always holds: NULL, or the rule broken.  (Plain
 * tests, one ck_assert: Check's asserts cost a pipe write each.) */
static const char *broken(const struct ledit *e)
{
	if (e->len < 0 || e->len > CONSOLE_LINE_MAX - 1)
		return "len out of range";
	if (e->cur < 0 || e->cur > e->len)
		return "cursor out of range";
	if (e->buf[e->len] || strlen(e->buf) != (size_t)e->len)
		return "line not NUL-terminated at len";
	for (int i = 0; i < e->len; i++)
		if (e->buf[i] < 0x20 || e->buf[i] >= 0x7f)
			return "unprintable byte in the line";
	if (e->esc < 0 || e->esc > 3)
		return "escape state out of range";
	if (e->hist_count < 0 || e->hist_count > CONSOLE_HISTORY || e->hist_next < 0 ||
	    e->hist_next >= CONSOLE_HISTORY || e->hist_back < 0 || e->hist_back > e->hist_count)
		return "history indexes out of range";
	for (int i = 0; i < CONSOLE_HISTORY; i++)
		if (strnlen(e->hist[i], CONSOLE_LINE_MAX) >= CONSOLE_LINE_MAX)
			return "history line not terminated";
	return NULL;
}

#define ck_sane(e)                                                                                     \
	do {                                                                                           \
		const char *why_ = broken(e);                                                          \
		ck_assert_msg(!why_, "editor state: %s (len %d cur %d)", why_, (e)->len, (e)->cur);    \
	} while (0)

/* Feeds n bytes, appending the echo to out; every byte but the last must
 * return LEDIT_MORE.  Returns the last byte's result. */
static enum ledit_result feedn(const char *s, size_t n)
{
	enum ledit_result r = LEDIT_MORE;
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(r == LEDIT_MORE, "line ended early, at byte %zu", i);
		r = ledit_feed(&ed, (unsigned char)s[i], &out);
		ck_sane(&ed);
	}
	return r;
}

static enum ledit_result feed(const char *s)
{
	return feedn(s, strlen(s));
}

/* Echo since the last call, as a string. */
static const char *echo(void)
{
	static char s[sizeof(out.buf) + 1];
	memcpy(s, out.buf, out.len);
	s[out.len] = 0;
	out.len = 0;
	return s;
}

#define ck_line(str) ck_assert_str_eq(ed.buf, str)

START_TEST(type_enter)
{
	ck_assert_int_eq(feed("ls -l"), LEDIT_MORE);
	ck_assert_str_eq(echo(), "ls -l");
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_assert_str_eq(echo(), "\r\n");
	ck_line("ls -l");
	ledit_accept(&ed);
	ck_line("");
	ck_assert_int_eq(ed.len, 0);
	ck_assert_int_eq(feed("\n"), LEDIT_MORE); /* the LF of CR LF */
	ck_assert_str_eq(echo(), "");
	ck_assert_int_eq(feed("x\n"), LEDIT_DONE);
	ck_line("x");
	ledit_accept(&ed);
	/* An empty line is a line too. */
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_line("");
}
END_TEST

START_TEST(crlf_counts_once)
{
	ck_assert_int_eq(feed("a\r"), LEDIT_DONE);
	ledit_accept(&ed);
	ck_assert_int_eq(feed("\n"), LEDIT_MORE);
	ck_assert_int_eq(feed("b\r"), LEDIT_DONE);
	ck_line("b");
	ledit_accept(&ed);
	ck_assert_int_eq(feed("\n"), LEDIT_MORE);
	/* LF LF and CR CR are two lines each. */
	ck_assert_int_eq(feed("\n"), LEDIT_DONE);
	ledit_accept(&ed);
	ck_assert_int_eq(feed("c\r"), LEDIT_DONE);
	ledit_accept(&ed);
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_line("");
	ledit_accept(&ed);
	ck_assert_int_eq(feed("\n"), LEDIT_MORE); /* the second CR's LF */
	/* LF then CR: two lines. */
	ck_assert_int_eq(feed("\n"), LEDIT_DONE);
	ledit_accept(&ed);
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
}
END_TEST

START_TEST(typed_char_echoes)
{
	for (int c = 0x20; c < 0x7f; c++) {
		ck_assert_int_eq(ledit_feed(&ed, c, &out), LEDIT_MORE);
		ck_assert_uint_eq(out.len, 1);
		ck_assert_int_eq(out.buf[0], c);
		out.len = 0;
	}
	ck_assert_int_eq(ed.len, 0x7f - 0x20);
	ck_assert_int_eq(ed.buf[0], ' ');
	ck_assert_int_eq(ed.buf[ed.len - 1], '~');
}
END_TEST

START_TEST(backspace)
{
	feed("abc");
	echo();
	feed("\x7f");
	ck_assert_str_eq(echo(), "\b \b");
	ck_line("ab");
	feed("\b");
	ck_assert_str_eq(echo(), "\b \b");
	ck_line("a");
	feed("\x7f\x7f\x7f");
	ck_assert_str_eq(echo(), "\b \b"); /* nothing left to erase: silent */
	ck_line("");
	ck_assert_int_eq(ed.cur, 0);
	ck_assert_int_eq(feed("ok\r"), LEDIT_DONE);
	ck_line("ok");
}
END_TEST

START_TEST(backspace_middle)
{
	feed("abcd" LEFT LEFT);
	echo();
	feed("\x7f");
	ck_line("acd");
	ck_assert_int_eq(ed.cur, 1);
	ck_assert_str_eq(echo(), "\r" PROMPT "acd\x1b[K\x1b[2D");
	feed("\x7f\x7f");
	ck_line("cd");
	ck_assert_int_eq(ed.cur, 0);
}
END_TEST

START_TEST(ctrl_u)
{
	feed("hello world\x15");
	ck_line("");
	ck_assert_int_eq(ed.cur, 0);
	feed("abcdef" LEFT LEFT);
	echo();
	feed("\x15");
	ck_line("ef");
	ck_assert_int_eq(ed.cur, 0);
	ck_assert_str_eq(echo(), "\r" PROMPT "ef\x1b[K\x1b[2D");
}
END_TEST

START_TEST(ctrl_w)
{
	feed("ls foo bar\x17");
	ck_line("ls foo ");
	feed("\x17");
	ck_line("ls ");
	feed("\x17");
	ck_line("");
	feed("\x17");
	ck_line("");
	feed("one two  \x17");
	ck_line("one ");
	/* In the middle: only the word before the cursor goes. */
	feed("\x15" "aa bb cc" LEFT LEFT "\x17");
	ck_line("aa cc");
	ck_assert_int_eq(ed.cur, 3);
}
END_TEST

START_TEST(ctrl_c)
{
	feed("abc");
	echo();
	ck_assert_int_eq(feed("\x03"), LEDIT_CANCEL);
	ck_assert_str_eq(echo(), "^C\r\n");
	ck_line("");
	ck_assert_int_eq(ed.len, 0);
	ck_assert_int_eq(ed.cur, 0);
	ck_assert_int_eq(feed("x\r"), LEDIT_DONE);
	ck_line("x");
	ledit_accept(&ed);
	/* Cancel while browsing history goes back to a new line. */
	feed(UP);
	ck_line("x");
	ck_assert_int_eq(feed("\x03"), LEDIT_CANCEL);
	ck_assert_int_eq(ed.hist_back, 0);
	feed(DOWN);
	ck_line("");
}
END_TEST

START_TEST(arrows_insert)
{
	feed("ac" LEFT);
	ck_assert_int_eq(ed.cur, 1);
	echo();
	feed("b");
	ck_line("abc");
	ck_assert_int_eq(ed.cur, 2);
	ck_assert_str_eq(echo(), "\r" PROMPT "abc\x1b[K\x1b[1D");
	feed(RIGHT);
	ck_assert_int_eq(ed.cur, 3);
	feed(RIGHT); /* at the end: stays */
	ck_assert_int_eq(ed.cur, 3);
	ck_assert_str_eq(echo(), "\r" PROMPT "abc\x1b[K");
	feed(LEFT LEFT LEFT LEFT LEFT);
	ck_assert_int_eq(ed.cur, 0);
	feed("X");
	ck_line("Xabc");
	/* SS3 arrows (application cursor mode) and CSI with a modifier. */
	feed("\x1bOC\x1b[1;5C");
	ck_assert_int_eq(ed.cur, 3);
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_line("Xabc");
}
END_TEST

START_TEST(home_end)
{
	static const char *const home[] = { "\x1b[H", "\x1b[1~", "\x1b[7~", "\x1bOH", "\x01" };
	static const char *const end[] = { "\x1b[F", "\x1b[4~", "\x1b[8~", "\x1bOF", "\x05" };
	for (size_t i = 0; i < 5; i++) {
		setup();
		feed("mid");
		feed(home[i]);
		ck_assert_msg(ed.cur == 0, "home key %zu", i);
		feed("<");
		feed(end[i]);
		ck_assert_msg(ed.cur == 4, "end key %zu", i);
		feed(">");
		ck_line("<mid>");
	}
}
END_TEST

START_TEST(delete_key)
{
	feed("abc\x1b[H\x1b[3~");
	ck_line("bc");
	ck_assert_int_eq(ed.cur, 0);
	feed(RIGHT "\x1b[3~");
	ck_line("b");
	ck_assert_int_eq(ed.cur, 1);
	echo();
	feed("\x1b[3~"); /* at the end: nothing */
	ck_line("b");
	ck_assert_str_eq(echo(), "");
}
END_TEST

static void enter(const char *line)
{
	feed(line);
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_line(line);
	ledit_accept(&ed);
	out.len = 0;
}

START_TEST(history)
{
	enter("one");
	enter("two");
	feed(UP);
	ck_line("two");
	ck_assert_int_eq(ed.cur, 3);
	feed(UP);
	ck_line("one");
	feed(UP); /* oldest: stays */
	ck_line("one");
	feed(DOWN);
	ck_line("two");
	feed(DOWN);
	ck_line("");
	feed(DOWN);
	ck_line("");
	/* The line being typed comes back after browsing. */
	feed("dr");
	feed(UP UP);
	ck_line("one");
	feed(DOWN DOWN);
	ck_line("dr");
	/* A recalled line can be edited and entered. */
	feed("\x15" UP "\x7f" "X\r");
	ck_line("twX");
	ledit_accept(&ed);
	feed(UP);
	ck_line("twX");
	feed(UP);
	ck_line("two");
}
END_TEST

START_TEST(history_skips_blank_and_repeat)
{
	enter("a");
	enter("a");
	enter("");
	enter("   ");
	enter("b");
	feed(UP UP);
	ck_line("a");
	feed(UP);
	ck_line("a");
	ck_assert_int_eq(ed.hist_count, 2);
}
END_TEST

START_TEST(history_ring)
{
	char line[16];
	for (int i = 0; i < CONSOLE_HISTORY + 5; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		enter(line);
	}
	ck_assert_int_eq(ed.hist_count, CONSOLE_HISTORY);
	for (int i = 0; i < CONSOLE_HISTORY + 3; i++)
		feed(UP);
	snprintf(line, sizeof(line), "cmd%d", 5);
	ck_line(line); /* the oldest one kept */
	feed(DOWN);
	ck_line("cmd6");
}
END_TEST

START_TEST(line_limit)
{
	for (int i = 0; i < CONSOLE_LINE_MAX - 1; i++)
		ck_assert_int_eq(ledit_feed(&ed, 'a' + i % 26, &out), LEDIT_MORE);
	ck_assert_int_eq(ed.len, CONSOLE_LINE_MAX - 1);
	ck_assert_uint_eq(out.len, CONSOLE_LINE_MAX - 1);
	out.len = 0;
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(ledit_feed(&ed, 'z', &out), LEDIT_MORE);
		ck_assert_str_eq(echo(), "\a");
	}
	ck_sane(&ed);
	/* Insertion in the middle is refused too. */
	feed(LEFT LEFT);
	echo();
	feed("Q");
	ck_assert_str_eq(echo(), "\a");
	ck_assert_int_eq(ed.len, CONSOLE_LINE_MAX - 1);
	ck_assert_ptr_null(strchr(ed.buf, 'Q'));
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_assert_uint_eq(strlen(ed.buf), CONSOLE_LINE_MAX - 1);
	ck_assert_int_eq(ed.buf[CONSOLE_LINE_MAX - 2], 'a' + (CONSOLE_LINE_MAX - 2) % 26);
	/* A full line survives history and redraws. */
	ledit_accept(&ed);
	feed(UP);
	ck_assert_int_eq(ed.len, CONSOLE_LINE_MAX - 1);
	feed("\x01\x1b[C\x7f");
	ck_assert_int_eq(ed.len, CONSOLE_LINE_MAX - 2);
	ck_assert_uint_le(out.len, sizeof(out.buf));
}
END_TEST

START_TEST(ignored_bytes)
{
	feed("ab");
	echo();
	for (int c = 0x80; c <= 0xff; c++)
		ck_assert_int_eq(ledit_feed(&ed, c, &out), LEDIT_MORE);
	/* Control bytes with no binding. */
	static const char ctl[] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x09, 0x0b, 0x0e, 0x0f, 0x10, 0x11, 0x12,
				    0x13, 0x14, 0x16, 0x18, 0x19, 0x1a, 0x1c, 0x1d, 0x1e, 0x1f };
	feedn(ctl, sizeof(ctl));
	ck_line("ab");
	ck_assert_int_eq(ed.cur, 2);
	ck_assert_str_eq(echo(), "");
	/* Values outside a byte are taken modulo 256. */
	ck_assert_int_eq(ledit_feed(&ed, 0x100 + 'c', &out), LEDIT_MORE);
	ck_line("abc");
	ck_assert_int_eq(ledit_feed(&ed, -1, &out), LEDIT_MORE);
	ck_line("abc");
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_line("abc");
}
END_TEST

START_TEST(broken_escapes)
{
	/* A lone ESC is dropped; the byte after it counts on its own. */
	feed("ab\x1bxyz");
	ck_line("abxyz");
	/* An unterminated CSI ends at the next byte in 0x40-0x7e, which is
	 * taken as an (unknown) final byte, as ECMA-48 parses it; intermediate
	 * bytes (here a space) do not end it. */
	feed("\x15" "ab\x1b[1 2xyz");
	ck_line("abyz");
	ck_assert_int_eq(ed.esc, 0);
	/* Huge parameters do not overflow. */
	feed("\x1b[99999999999999999999~");
	ck_assert_int_eq(ed.cur, 4);
	feed("\x1b[99999999999999999999;99999999999999999999D");
	ck_line("abyz");
	ck_assert_int_eq(ed.cur, 3);
	/* ESC ESC: the first is dropped, the second starts a sequence. */
	feed("\x1b\x1b");
	ck_assert_int_eq(ed.esc, 1);
	feed("[D");
	ck_assert_int_eq(ed.cur, 2);
	feed("\x1b[C");
	ck_assert_int_eq(ed.cur, 3);
	/* Unknown CSI and SS3 keys. */
	feed("\x1bOZ\x1b[Z\x1b[5~\x1b[;~\x1b[F");
	ck_line("abyz");
	ck_assert_int_eq(ed.esc, 0);
	ck_assert_int_eq(ed.cur, 4);
	ck_assert_int_eq(feed("!\r"), LEDIT_DONE);
	ck_line("abyz!");
}
END_TEST

START_TEST(control_keys_end_escape_sequences)
{
	/* Enter right after ESC, or inside a CSI, still ends the line. */
	feed("ls\x1b");
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_line("ls");
	ledit_accept(&ed);
	feed("ls\x1b[1");
	ck_assert_int_eq(feed("\r"), LEDIT_DONE);
	ck_line("ls");
	ledit_accept(&ed);
	/* Ctrl-C inside a CSI cancels the line. */
	feed("poweroff\x1b[");
	ck_assert_int_eq(feed("\x03"), LEDIT_CANCEL);
	ck_line("");
	ck_assert_int_eq(ed.esc, 0);
}
END_TEST

START_TEST(ctrl_l)
{
	feed("abc" LEFT);
	echo();
	feed("\x0c");
	ck_assert_str_eq(echo(), "\x1b[H\x1b[2J\r" PROMPT "abc\x1b[K\x1b[1D");
	ck_line("abc");
}
END_TEST

/* Random bytes, heavy on the bytes the editor acts on: the invariants
 * hold after each one (ck_sane), whatever the order. */
START_TEST(fuzz)
{
	static const unsigned char keys[] = { '\r', '\n', 0x1b, '[', 'O', 'A', 'B', 'C', 'D', 'H', 'F', '~', '1',
					      '3', '4', ';', 0x03, 0x15, 0x17, 0x01, 0x05, 0x0c, 0x7f, '\b', ' ',
					      'x', 0x00, 0x80, 0xff };
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int c = x % 3 ? keys[(x >> 8) % sizeof(keys)] : (int)((x >> 16) & 0xff);
		out.len = 0;
		enum ledit_result r = ledit_feed(&ed, c, &out);
		const char *why = broken(&ed);
		if (why || out.len > sizeof(out.buf))
			ck_abort_msg("byte %d (0x%02x): %s", i, c, why ? why : "echo overflow");
		if (r == LEDIT_DONE)
			ledit_accept(&ed);
	}
}
END_TEST

Suite *ledit_suite(void)
{
	Suite *s = suite_create("ledit");
	TCase *tc = tcase_create("keys");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, type_enter);
	tcase_add_test(tc, crlf_counts_once);
	tcase_add_test(tc, typed_char_echoes);
	tcase_add_test(tc, backspace);
	tcase_add_test(tc, backspace_middle);
	tcase_add_test(tc, ctrl_u);
	tcase_add_test(tc, ctrl_w);
	tcase_add_test(tc, ctrl_c);
	tcase_add_test(tc, arrows_insert);
	tcase_add_test(tc, home_end);
	tcase_add_test(tc, delete_key);
	tcase_add_test(tc, ctrl_l);
	suite_add_tcase(s, tc);

	tc = tcase_create("history");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, history);
	tcase_add_test(tc, history_skips_blank_and_repeat);
	tcase_add_test(tc, history_ring);
	suite_add_tcase(s, tc);

	tc = tcase_create("robustness");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, line_limit);
	tcase_add_test(tc, ignored_bytes);
	tcase_add_test(tc, broken_escapes);
	tcase_add_test(tc, control_keys_end_escape_sequences);
	tcase_add_test(tc, fuzz);
	suite_add_tcase(s, tc);
	return s;
}
