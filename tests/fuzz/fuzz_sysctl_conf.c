/*
 * Fuzz target: sysctl.conf text through sysctl_apply_text (kernel/sysctl.c,
 * procps-ng's -p rules: comments, a '-' prefix, blanks around '=', long
 * lines, bad names and values), as the boot applies the file.  The text
 * goes through twice from the defaults: whole, then line by line (as
 * cmdline_getline cuts it).  Checks: every stored value within its table
 * bounds; a bad line changed nothing and printed one line; the whole text
 * leaves the same values as its lines one after another, and counts the
 * same bad lines.  Then the defaults come back (sysctl_init).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/sysctl.h"
#include "tests/glue/glue.h"

#define SYSCTLS_MAX 256

struct values {
	int v[SYSCTLS_MAX];
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	glue_boot(); /* a knob's handler may reach into the world */
	if (sysctl_table_len > SYSCTLS_MAX)
		abort();
	return 0;
}

static void take(struct values *s)
{
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const struct sysctl *t = &sysctl_table[i];
		s->v[i] = t->type == SYSCTL_INT ? *(int *)t->data : 0;
		if (t->type == SYSCTL_INT && (s->v[i] < t->min || s->v[i] > t->max)) {
			fprintf(stderr, "fuzz_sysctl_conf: %s = %d, outside %ld..%ld\n", t->name, s->v[i],
				t->min, t->max);
			abort();
		}
	}
}

static int lines_printed(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct values whole = { 0 }, before = { 0 }, after = { 0 };
	sysctl_init();
	glue_console_clear();
	int bad_whole = sysctl_apply_text("sysctl.conf", text, size, 0);
	take(&whole);

	sysctl_init();
	take(&after);
	int bad_lines = 0;
	for (size_t pos = 0; pos < size;) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - text) - pos + 1 : size - pos;
		take(&before);
		glue_console_clear();
		int bad = sysctl_apply_text("sysctl.conf", text + pos, n, 0);
		take(&after);
		if (bad < 0 || bad > 1)
			abort();
		if (bad && (memcmp(&before, &after, sizeof(before)) || lines_printed(glue_console()) != 1)) {
			fprintf(stderr, "fuzz_sysctl_conf: a bad line changed a value or printed %d lines:\n%s",
				lines_printed(glue_console()), glue_console());
			abort();
		}
		bad_lines += bad;
		pos += n;
	}
	if (bad_lines != bad_whole || memcmp(&whole, &after, sizeof(whole))) {
		fprintf(stderr, "fuzz_sysctl_conf: the whole text (%d bad) and its lines (%d bad) differ\n",
			bad_whole, bad_lines);
		abort();
	}
	sysctl_init();
	glue_console_clear();
	return 0;
}
