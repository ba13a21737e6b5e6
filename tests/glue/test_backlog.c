/*
 * Listen backlogs (issue 9, point 9): `http start [PORT] [backlog N]` and
 * `echo-server [backlog N]` size the accept queue as listen(2) does (ss
 * Send-Q = min(backlog, somaxconn)), and a bad backlog changes nothing.
 */
#include <stdio.h>
#include <string.h>

#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

static void setup(void)
{
	glue_restore_init();
}

static void teardown(void)
{
	glue_restore();
}

/* `ss -lnt`'s row for 0.0.0.0:port: 1 and its queues, or 0 if none. */
static int ss_row(int port, int *recvq, int *sendq)
{
	char want[32];
	snprintf(want, sizeof(want), "0.0.0.0:%d", port);
	ck_assert_int_eq(glue_cmd("ss -lnt"), 0);
	const char *s = glue_console();
	while (*s) {
		char state[16], local[64];
		int r, q;
		if (sscanf(s, "%15s %d %d %63s", state, &r, &q, local) == 4 && !strcmp(state, "LISTEN") &&
		    !strcmp(local, want)) {
			*recvq = r;
			*sendq = q;
			return 1;
		}
		const char *nl = strchr(s, '\n');
		if (!nl)
			break;
		s = nl + 1;
	}
	return 0;
}

static int sendq_of(int port)
{
	int r, q;
	ck_assert_msg(ss_row(port, &r, &q), "no listener on port %d: %s", port, glue_console());
	return q;
}

static void cmd_ok(const char *line)
{
	ck_assert_msg(glue_cmd(line) == 0, "%s: %s", line, glue_console());
}

START_TEST(http_backlog_is_send_q)
{
	cmd_ok("http stop");
	cmd_ok("http start 8080 backlog 3");
	ck_assert_int_eq(sendq_of(8080), 3);
	cmd_ok("http");
	ck_assert_msg(strstr(glue_console(), "  backlog 3: accept queue 0 of 3, SYN queue 0 of 16"), "%s",
		      glue_console());
	/* somaxconn below the backlog: clamped at listen, the asked value kept */
	cmd_ok("sysctl -w net.core.somaxconn=2");
	cmd_ok("http stop");
	cmd_ok("http start 8080 backlog 3");
	ck_assert_int_eq(sendq_of(8080), 2);
	cmd_ok("http");
	ck_assert(strstr(glue_console(), "  backlog 3: accept queue 0 of 2,"));
	/* without a backlog: nginx's 511 again, whatever the last start asked */
	cmd_ok("sysctl -w net.core.somaxconn=4096");
	cmd_ok("http stop");
	cmd_ok("http start 8080");
	ck_assert_int_eq(sendq_of(8080), 511);
	cmd_ok("http stop");
	cmd_ok("http start backlog 0"); /* the last port; Linux's backlog 0 */
	ck_assert_int_eq(sendq_of(8080), 0);
	cmd_ok("http stop");
	cmd_ok("http start 80 backlog 0");
	ck_assert(wire_http_get(42000, "/", 100)); /* backlog 0 still lets one in */
	cmd_ok("http stop");
	cmd_ok("http start 80"); /* the form the integration tests use */
	ck_assert_int_eq(sendq_of(80), 511);
}
END_TEST

START_TEST(http_bad_backlog_changes_nothing)
{
	static const char *const bad[] = {
		"http start 8080 backlog",       "http start 8080 backlog -1", "http start 8080 backlog 3x",
		"http start 8080 backlog 3 x",   "http start 8080 backlog +3", "http start 8080 backlog ''",
		"http start 8080 backlog 2147483648", "http start backlog 0x10", "http start 8080 backlog 3 backlog 4",
		"http start 8080 junk",          "http start x backlog 3",     "http start 8080 3",
	};
	for (int running = 1; running >= 0; running--) {
		if (!running)
			cmd_ok("http stop");
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			glue_restore_mark();
			ck_assert_msg(glue_cmd(bad[i]) == 1, "%s: %s", bad[i], glue_console());
			const char *out = glue_console();
			ck_assert_msg(!strncmp(out, "http: ", 6) && strchr(out, '\n') == out + strlen(out) - 1,
				      "%s: %s", bad[i], out);
			ck_assert_msg(!strstr(out, "already listening"), "%s: %s", bad[i], out);
			ck_assert_msg(!glue_restore_changed(), "%s changed something", bad[i]);
		}
	}
	glue_cmd("http start 8080 backlog -1");
	ck_assert_str_eq(glue_console(), "http: invalid backlog '-1' (0 to 2147483647)\n");
	glue_cmd("http start 8080 backlog");
	ck_assert_str_eq(glue_console(), "http: backlog needs a number (0 to 2147483647)\n");
	glue_cmd("http start 8080 backlog 3 x");
	ck_assert_str_eq(glue_console(), "http: unexpected argument 'x' (http start [PORT] [backlog N])\n");
	cmd_ok("http start 8080 backlog 2147483647");
	ck_assert_int_eq(sendq_of(8080), 4096);
}
END_TEST

START_TEST(echo_server_backlog)
{
	ck_assert_int_eq(sendq_of(7), 128);
	static const char *const bad[] = { "echo-server backlog", "echo-server backlog -1", "echo-server backlog 1x",
					   "echo-server backlog 5 x", "echo-server 5", "echo-server backlog 5" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(glue_cmd(bad[i]) == 1, "%s: %s", bad[i], glue_console());
		ck_assert_msg(!strncmp(glue_console(), "echo-server: ", 13), "%s", glue_console());
	}
	glue_cmd("echo-server backlog 5");
	ck_assert_str_eq(glue_console(), "echo-server: already listening on port 7\n");
	ck_assert_int_eq(sendq_of(7), 128);
	cmd_ok("echo-server");
	ck_assert(strstr(glue_console(), "listening on port 7, "));
}
END_TEST

Suite *backlog_suite(void)
{
	Suite *s = suite_create("backlog");
	TCase *tc = tcase_create("backlog");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, http_backlog_is_send_q);
	tcase_add_test(tc, http_bad_backlog_changes_nothing);
	tcase_add_test(tc, echo_server_backlog);
	suite_add_tcase(s, tc);
	return s;
}
