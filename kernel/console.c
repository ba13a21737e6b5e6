/*
 * The shell on the serial console: line editor (kernel/ledit.c), word
 * splitting (kernel/cmdline.c) and dispatch over the CONSOLE_CMD linker
 * set.  Runs from the event loop; commands run to completion there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/uart16550.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/ledit.h"
#include "kernel/param.h"
#include "kernel/printk.h"

extern const struct console_cmd __start_console_cmds[], __stop_console_cmds[];
extern const struct proc_file __start_proc_files[], __stop_proc_files[];

static struct ledit editor;
static int editing; /* the prompt is out and the line editor has the input */

void console_init(void)
{
	ledit_init(&editor, CONSOLE_PROMPT);
}

void console_prompt(void)
{
	con_puts(CONSOLE_PROMPT);
	editing = 1;
}

/* A kernel message while a line is being typed (background work: the
 * clock's 1 s check, a late probe) goes on a line of its own, and the
 * prompt and what was typed so far are written again after it, as
 * readline does; otherwise the message would split the line's echo. */
void console_async_begin(void)
{
	if (editing)
		con_write_raw("\r\n", 2);
}

void console_async_end(void)
{
	if (!editing)
		return;
	con_puts(CONSOLE_PROMPT);
	con_write_raw(editor.buf, (size_t)editor.len);
	if (editor.cur < editor.len) {
		char back[16];
		int n = snprintf(back, sizeof(back), "\033[%dD", editor.len - editor.cur);
		con_write_raw(back, (size_t)n);
	}
}

static const struct console_cmd *find(const char *name)
{
	for (const struct console_cmd *c = __start_console_cmds; c < __stop_console_cmds; c++) {
		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

int console_run(char *line)
{
	char *argv[CONSOLE_ARGV_MAX + 1];
	int argc = cmdline_split(line, argv, CONSOLE_ARGV_MAX);
	if (argc == -E2BIG) {
		con_printf("nagare: too many words (at most %d)\n", CONSOLE_ARGV_MAX);
		return 2;
	}
	if (argc < 0) {
		con_printf("nagare: unterminated quote\n");
		return 2;
	}
	if (argc == 0)
		return 0;
	const struct console_cmd *c = find(argv[0]);
	if (!c) {
		con_printf("%s: command not found (try 'help')\n", argv[0]);
		return 127;
	}
	return c->fn(argc, argv);
}

int console_poll(void)
{
	int did = 0, c;
	while ((c = uart_getc()) >= 0) {
		struct ledit_out out;
		out.len = 0;
		enum ledit_result r = ledit_feed(&editor, c, &out);
		con_write_raw(out.buf, out.len); /* terminal bytes already: no \n translation */
		did = 1;
		if (r == LEDIT_DONE) {
			char line[CONSOLE_LINE_MAX];
			strlcpy(line, editor.buf, sizeof(line));
			ledit_accept(&editor);
			editing = 0;
			console_run(line);
			console_prompt();
		} else if (r == LEDIT_CANCEL) {
			editing = 0;
			console_prompt();
		}
	}
	return did;
}

static void (*script_hook)(const char *line);

void console_run_script(const char *text, size_t len)
{
	char line[CONSOLE_LINE_MAX];
	int too_long;
	for (size_t pos = 0; cmdline_getline(text, len, &pos, line, sizeof(line), &too_long);) {
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		con_printf("%s%s\n", CONSOLE_PROMPT, line);
		if (too_long) {
			con_printf("nagare: line longer than %d bytes, skipped\n", CONSOLE_LINE_MAX - 1);
			continue;
		}
		char copy[CONSOLE_LINE_MAX];
		if (script_hook)
			strlcpy(copy, p, sizeof(copy)); /* console_run splits line in place */
		console_run(line);
		if (script_hook)
			script_hook(copy);
	}
}

void console_script_hook(void (*fn)(const char *line))
{
	script_hook = fn;
}

int console_interrupted(void)
{
	int c;
	while ((c = uart_getc()) >= 0) {
		if (c == 0x03)
			return 1;
	}
	return 0;
}

/* help, and cat for the PROC_FILE set; the other built-ins live in kernel/cmds.c. */
static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	con_printf("nagare shell: commands (Linux names and output shapes)\n");
	/* Print in name order without sorting storage: repeated minimum search. */
	const char *last = "";
	for (;;) {
		const struct console_cmd *next = NULL;
		for (const struct console_cmd *c = __start_console_cmds; c < __stop_console_cmds; c++) {
			if (!c->hidden && strcmp(c->name, last) > 0 && (!next || strcmp(c->name, next->name) < 0))
				next = c;
		}
		if (!next)
			break;
		con_printf("  %-34s %s\n", next->usage, next->help);
		last = next->name;
	}
	return 0;
}
CONSOLE_CMD(help, "help", cmd_help, "help", "list the commands");

/* The file at path: a PROC_FILE, or the PROC_DIR it is under (*name the
 * rest of the path); NULL if neither. */
static const struct proc_file *proc_find(const char *path, const char **name)
{
	for (const struct proc_file *f = __start_proc_files; f < __stop_proc_files; f++) {
		size_t n = strlen(f->path);
		if (f->show ? !strcmp(f->path, path) : !strncmp(f->path, path, n) && path[n]) {
			*name = path + n;
			return f;
		}
	}
	return NULL;
}

/* echo ARGS, or with "> FILE" the words written to a PROC_DIR file (the
 * shell's redirection, for sysfs-style knobs). */
static int cmd_echo(int argc, char **argv)
{
	const char *file = NULL;
	char val[128];
	size_t len = 0;
	val[0] = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '>') {
			file = argv[i][1] ? argv[i] + 1 : i + 1 < argc ? argv[++i] : NULL;
			if (!file) {
				con_printf("sh: syntax error: unexpected newline\n");
				return 1;
			}
			continue;
		}
		int n = snprintf(val + len, sizeof(val) - len, "%s%s", len ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(val) - len) {
			con_printf("echo: argument list too long\n");
			return 1;
		}
		len += (size_t)n;
	}
	if (!file) {
		con_printf("%s\n", val);
		return 0;
	}
	const char *name;
	const struct proc_file *f = proc_find(file, &name);
	if (!f || !f->write) {
		con_printf("sh: can't create %s: %s\n", file, f ? "Permission denied" : "nonexistent directory");
		return 1;
	}
	int err = f->write(name, val);
	if (err) {
		con_printf("sh: write error: %s\n", err == -ENOENT ? "No such file or directory" : "Invalid argument");
		return 1;
	}
	return 0;
}
CONSOLE_CMD(echo, "echo", cmd_echo, "echo [WORD...] [> FILE]", "print words, or write them to a /sys file");

static int cmd_cat(int argc, char **argv)
{
	if (argc < 2) {
		con_printf("usage: cat FILE...\nfiles:");
		for (const struct proc_file *f = __start_proc_files; f < __stop_proc_files; f++)
			con_printf(" %s", f->path);
		con_printf("\n");
		return 1;
	}
	int err = 0;
	for (int i = 1; i < argc; i++) {
		const char *name;
		const struct proc_file *f = proc_find(argv[i], &name);
		if (f && f->show) {
			f->show();
			continue;
		}
		if (!f || f->read(name)) {
			con_printf("cat: %s: No such file or directory\n", argv[i]);
			err = 1;
		}
	}
	return err;
}
CONSOLE_CMD(cat, "cat", cmd_cat, "cat FILE...", "print /proc files (without FILE: list them)");
