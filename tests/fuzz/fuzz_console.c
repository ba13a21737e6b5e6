/*
 * Fuzz target: up to 16 console lines ('\n'-separated, any byte, each cut
 * to CONSOLE_LINE_MAX - 1) through console_run() in the booted world, the
 * peer holding an echo and an HTTP connection open.  glue_restore_skips:
 * panic-test, poweroff, reboot (they end the machine on purpose).  The
 * peer answers ping; Ctrl-C comes after
 * 5 s of fake time.  Checks: output ends with a newline; a failing command
 * printed something and, sysctl apart (procps sets each good argument),
 * changed nothing; the loop settles; glue_restore() finds the booted state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/param.h"
#include "tests/glue/glue.h"
#include "tests/glue/wire.h"

#define MAX_LINES 16
#define WAIT_BUDGET_MS 5000

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	glue_restore_init();
	glue_restore(); /* the first input starts where every later one does */
	return 0;
}

/* Live connections for the commands to act on (ss shows them, ip addr
 * del and http stop end them): an echo session with data in flight and
 * an HTTP request half sent. */
static void connect_peers(void)
{
	struct wire_peer echo = { 0 }, web = { 0 };
	if (wire_peer_connect(&echo, 40007, 7) || wire_peer_connect(&web, 40080, 80))
		abort();
	wire_peer_send(&echo, WIRE_PSH, "hello", 5);
	wire_peer_send(&web, WIRE_PSH, "GET / HTTP/1.1\r\nHo", 18);
	glue_poll();
	wire_peer_free(&echo);
	wire_peer_free(&web);
	glue_tx_clear();
}

static int first_word_is(const char *line, const char *word)
{
	char copy[CONSOLE_LINE_MAX], *argv[CONSOLE_ARGV_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", line);
	return cmdline_split(copy, argv, CONSOLE_ARGV_MAX) > 0 && !strcmp(argv[0], word);
}

static void run_line(const char *s, size_t n)
{
	if (n > CONSOLE_LINE_MAX - 1)
		n = CONSOLE_LINE_MAX - 1;
	char *line = malloc(n + 1); /* exactly: a read past the line is caught */
	memcpy(line, s, n);
	line[n] = 0;
	if (glue_restore_skips(line)) {
		free(line);
		return;
	}
	glue_restore_mark();
	int sysctl = first_word_is(line, "sysctl");
	glue_console_clear();
	glue_restore_arm(WAIT_BUDGET_MS);
	int status = console_run(line);
	glue_restore_disarm();
	if (status && !glue_console()[0]) {
		fprintf(stderr, "fuzz_console: status %d and nothing printed\n", status);
		abort();
	}
	const char *out = glue_console();
	size_t outlen = strlen(out);
	if (outlen && out[outlen - 1] != '\n') {
		fprintf(stderr, "fuzz_console: the output's last line has no newline:\n%s\n", out);
		abort();
	}
	if (status && !sysctl && glue_restore_changed()) {
		fprintf(stderr, "fuzz_console: status %d, yet the line changed the state above; it printed:\n%s",
			status, glue_console());
		abort();
	}
	free(line);
	glue_advance(100); /* the loop runs on between lines, as the operator types */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;
	connect_peers();
	for (int lines = 0; pos < size && lines < MAX_LINES; lines++) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - data) - pos : size - pos;
		run_line((const char *)data + pos, n);
		pos += n + 1;
	}
	glue_restore();
	return 0;
}
