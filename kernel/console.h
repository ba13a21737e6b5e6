/*
 * The serial console shell.  Subsystems add commands with CONSOLE_CMD
 * (a linker set: no central list to edit) and files for `cat` with
 * PROC_FILE.  Commands print through con_printf and return 0 on success;
 * on bad input they print one line saying what is wrong and change nothing.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>

#define CONSOLE_PROMPT "nagare# "

struct console_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;  /* "NAME [-a] ..." */
	const char *help;   /* one line */
	int hidden;         /* left out of `help` */
};

struct proc_file {
	const char *path;   /* "/proc/uptime"; a directory's ends in '/' */
	void (*show)(void); /* prints the contents */
	/* A directory of files (PROC_DIR), name the rest of the path: */
	int (*read)(const char *name);                      /* 0, or -ENOENT */
	int (*write)(const char *name, const char *value);  /* 0, -ENOENT, -EINVAL */
};

#define CONSOLE_CMD(id, ...)                                                         \
	static const struct console_cmd console_cmd_##id                            \
		__attribute__((used, section("console_cmds"), aligned(8))) = { __VA_ARGS__ }
#define PROC_FILE(id, path, fn)                                                      \
	static const struct proc_file proc_file_##id                                \
		__attribute__((used, section("proc_files"), aligned(8))) = { path, fn, NULL, NULL }
/* Files under path (which ends in '/') that cat reads and `echo V > FILE`
 * writes, as sysfs's. */
#define PROC_DIR(id, path, rd, wr)                                                   \
	static const struct proc_file proc_file_##id                                \
		__attribute__((used, section("proc_files"), aligned(8))) = { path, NULL, rd, wr }

void console_init(void);
/* Feeds waiting serial input to the line editor and runs finished lines.
 * Returns nonzero if it did anything. */
int console_poll(void);
/* Runs one command line (modified in place); returns the command's status. */
int console_run(char *line);
/* Runs a script (nagare.rc), echoing each line after the prompt. */
void console_run_script(const char *text, size_t len);
/* Called with each script line after it ran (the boot timeline's stages). */
void console_script_hook(void (*fn)(const char *line));
/* Prints the prompt (after boot, and after asynchronous output). */
void console_prompt(void);
/* Around a kernel message's console echo (kernel/printk.c): off the line
 * being typed, then the prompt and the typed text again. */
void console_async_begin(void);
void console_async_end(void);
/* For long-running commands: nonzero once Ctrl-C has been typed (bytes
 * typed before it are discarded, as a terminal's interrupt would). */
int console_interrupted(void);

#endif
