/*
 * kernel/cmdline.c: splitting a console line into words (POSIX shell
 * quoting without expansion).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "tests/unit/unit.h"

#define MAXW 8

static char line[256];
static char *argv[MAXW + 1];

/* Splits a copy of s; argv slots start out as a poison value. */
static int split(const char *s, int max)
{
	snprintf(line, sizeof(line), "%s", s);
	for (int i = 0; i <= MAXW; i++)
		argv[i] = (char *)"poison";
	return cmdline_split(line, argv, max);
}

/* The words, joined with '|', then argv[argc] must be NULL. */
static void ck_words(const char *s, const char *joined)
{
	int argc = split(s, MAXW);
	char got[256] = "";
	size_t n = 0;
	ck_assert_msg(argc >= 0, "\"%s\": error %d", s, argc);
	for (int i = 0; i < argc; i++)
		n += snprintf(got + n, sizeof(got) - n, "%s%s", i ? "|" : "", argv[i]);
	ck_assert_msg(!strcmp(got, joined), "\"%s\": split as \"%s\", want \"%s\"", s, got, joined);
	ck_assert_msg(argv[argc] == NULL, "\"%s\": argv[%d] is not NULL", s, argc);
	/* Words live inside the line buffer. */
	for (int i = 0; i < argc; i++)
		ck_assert(argv[i] >= line && argv[i] < line + sizeof(line));
}

START_TEST(blanks)
{
	ck_words("ls", "ls");
	ck_words("ls -l /tmp", "ls|-l|/tmp");
	ck_words("  ls   -l\t\t/tmp  ", "ls|-l|/tmp");
	ck_words("\tsysctl\t-a\r\n", "sysctl|-a");
	ck_assert_int_eq(split("a b c", MAXW), 3);
}
END_TEST

START_TEST(empty)
{
	ck_assert_int_eq(split("", MAXW), 0);
	ck_assert_ptr_null(argv[0]);
	ck_assert_int_eq(split("   \t  ", MAXW), 0);
	ck_assert_ptr_null(argv[0]);
	ck_assert_int_eq(split("\r\n", MAXW), 0);
	ck_assert_ptr_null(argv[0]);
}
END_TEST

START_TEST(quotes)
{
	ck_words("echo 'a b'  \"c d\"", "echo|a b|c d");
	ck_words("a'b c'd", "ab cd");
	ck_words("'' x \"\"", "|x|");
	ck_words("'it''s'", "its");
	ck_words("\"it's\" 'say \"hi\"'", "it's|say \"hi\"");
	ck_words("'a\\b'", "a\\b");
	ck_words("'#not a comment'", "#not a comment");
	ck_words("sysctl -w 'net.core.somaxconn = 5'", "sysctl|-w|net.core.somaxconn = 5");
}
END_TEST

START_TEST(backslash)
{
	ck_words("a\\ b", "a b");
	ck_words("\\'x", "'x");
	ck_words("\\\"x\\\"", "\"x\"");
	ck_words("a\\\\b", "a\\b");
	ck_words("\\#x", "#x");
	ck_words("a\\", "a\\"); /* at the end of the line: kept */
	/* In double quotes, backslash escapes " and \ only (XCU 2.2.3). */
	ck_words("\"say \\\"hi\\\"\"", "say \"hi\"");
	ck_words("\"a\\\\b\"", "a\\b");
	ck_words("\"a\\b\"", "a\\b");
}
END_TEST

START_TEST(comments)
{
	ck_assert_int_eq(split("# all comment", MAXW), 0);
	ck_assert_ptr_null(argv[0]);
	ck_assert_int_eq(split("   #x y", MAXW), 0);
	ck_words("ls # the rest", "ls");
	ck_words("ls #", "ls");
	ck_words("a#b c", "a#b|c"); /* not at a word start */
	ck_words("a '#' b", "a|#|b");
}
END_TEST

START_TEST(too_many)
{
	ck_assert_int_eq(split("a b c d", 3), -E2BIG);
	ck_assert_int_eq(split("1 2 3 4 5 6 7 8 9", MAXW), -E2BIG);
	/* Exactly max words fit, and argv[max] is NULL. */
	ck_assert_int_eq(split("a b c", 3), 3);
	ck_assert_str_eq(argv[2], "c");
	ck_assert_ptr_null(argv[3]);
	ck_assert_int_eq(split("a b c # d e f", 3), 3);
	ck_assert_int_eq(split("", 0), 0);
	ck_assert_ptr_null(argv[0]);
	ck_assert_int_eq(split("a", 0), -E2BIG);
}
END_TEST

START_TEST(open_quote)
{
	ck_assert_int_eq(split("echo 'abc", MAXW), -EINVAL);
	ck_assert_int_eq(split("echo \"abc", MAXW), -EINVAL);
	ck_assert_int_eq(split("'", MAXW), -EINVAL);
	ck_assert_int_eq(split("a \"b'c", MAXW), -EINVAL);
	ck_assert_int_eq(split("\"say \\\"", MAXW), -EINVAL);
}
END_TEST

START_TEST(getline_lines)
{
	const char text[] = "one\r\ntwo\n\nlonger than eight\nlast";
	char line[9];
	size_t pos = 0;
	int too_long;
	ck_assert_int_eq(cmdline_getline(text, sizeof(text) - 1, &pos, line, sizeof(line), &too_long), 1);
	ck_assert_str_eq(line, "one"); /* CR LF: the CR goes too */
	ck_assert_int_eq(too_long, 0);
	ck_assert_int_eq(cmdline_getline(text, sizeof(text) - 1, &pos, line, sizeof(line), &too_long), 1);
	ck_assert_str_eq(line, "two");
	ck_assert_int_eq(cmdline_getline(text, sizeof(text) - 1, &pos, line, sizeof(line), &too_long), 1);
	ck_assert_str_eq(line, "");
	ck_assert_int_eq(cmdline_getline(text, sizeof(text) - 1, &pos, line, sizeof(line), &too_long), 1);
	ck_assert_str_eq(line, "longer t"); /* cut, and flagged */
	ck_assert_int_eq(too_long, 1);
	ck_assert_int_eq(cmdline_getline(text, sizeof(text) - 1, &pos, line, sizeof(line), &too_long), 1);
	ck_assert_str_eq(line, "last"); /* no newline at the end */
	ck_assert_int_eq(too_long, 0);
	ck_assert_int_eq(cmdline_getline(text, sizeof(text) - 1, &pos, line, sizeof(line), &too_long), 0);
	pos = 0;
	ck_assert_int_eq(cmdline_getline("", 0, &pos, line, sizeof(line), &too_long), 0);
}
END_TEST

Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("split");
	tcase_add_test(tc, blanks);
	tcase_add_test(tc, empty);
	tcase_add_test(tc, quotes);
	tcase_add_test(tc, backslash);
	tcase_add_test(tc, comments);
	tcase_add_test(tc, too_many);
	tcase_add_test(tc, open_quote);
	tcase_add_test(tc, getline_lines);
	suite_add_tcase(s, tc);
	return s;
}
