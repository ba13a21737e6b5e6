/*
 * Fuzz target: a whole nagare.rc through console_run_script
 * (kernel/console.c) in the booted glue world, as the boot runs it:
 * comments, blank and over-long lines, CR LF endings, any command.  Lines
 * glue_restore_skips refuses (panic-test, poweroff, reboot) are
 * blanked first.  The peer answers ping, and Ctrl-C comes once the
 * script has waited 5 s of fake time (glue_restore_arm).  Checks beyond
 * the sanitizers: glue_restore() finds the booted state, every pool idle.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "tests/glue/glue.h"

#define WAIT_BUDGET_MS 5000

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	glue_restore_init();
	glue_restore(); /* the first input starts where every later one does */
	return 0;
}

/* The script with each line that would end the machine overwritten by
 * blanks (the same length: line numbers and positions stay). */
static char *without_fatal_lines(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1);
	memcpy(text, data, size);
	for (size_t pos = 0; pos < size;) {
		char *nl = memchr(text + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : size - pos;
		char *line = strndup(text + pos, n);
		if (glue_restore_skips(line))
			memset(text + pos, ' ', n);
		free(line);
		pos += n + 1;
	}
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = without_fatal_lines(data, size);
	glue_console_clear();
	glue_restore_arm(WAIT_BUDGET_MS);
	console_run_script(text, size);
	glue_restore_disarm();
	free(text);
	glue_restore();
	return 0;
}
