/*
 * Prints docs/tuning.md: a short preface, then the table that
 * kernel/sysctl.c's sysctl_doc_markdown() writes from sysctl_table[].
 * A host program: `make docs` runs it; tests/unit checks the committed
 * file against its output.  con_printf goes to stdout here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/bootfile.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"

void con_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* The kernel command line's sysctls go to printk: never run here. */
void printk(const char *fmt, ...)
{
	(void)fmt;
}

/* The fault-injection points draw randomness: never run here. */
int random_get(void *buf, size_t len)
{
	(void)buf, (void)len;
	return -1;
}

/* sysctl -p is linked in but never run here. */
const char *bootfile_get(const char *name, size_t *size)
{
	(void)name;
	*size = 0;
	return NULL;
}

/* net.ipv4.ip_default_ttl's handler (net/ipv4/ip_ttl.c) walks lwIP's
 * endpoints: never run here. */
int ip_ttl_default_set(const struct sysctl *s, long v, const char *str)
{
	(void)s, (void)v, (void)str;
	return 0;
}

static const char preface[] =
	"# Tuning reference\n"
	"\n"
	"This file is generated from the sysctl table in `kernel/sysctl_table.c` by `make docs`;\n"
	"do not edit it by hand. Change the table and run `make docs` (`make check-unit` fails\n"
	"while this file and the table disagree).\n"
	"\n"
	"Every tunable below is set at run time from the serial console with\n"
	"`sysctl -w NAME=VALUE` or `sysctl NAME=VALUE`, and read with `sysctl NAME` or\n"
	"`sysctl -a`. At boot, `sysctl.conf` on the boot volume is applied the way\n"
	"`sysctl -p` reads it: one `NAME = VALUE` per line, `#` or `;` starts a comment, and a\n"
	"leading `-` on a name ignores it if it is unknown. Names, defaults and meanings are\n"
	"Linux's unless the description says otherwise; integers are parsed as Linux's\n"
	"`proc_dointvec` parses them (decimal, `0x` hex or `0` octal, bounds checked), and a\n"
	"refused value changes nothing.\n"
	"\n"
	"Keys marked \"(not yet effective)\" are registered ahead of their behaviour: they can\n"
	"be read and set, and keep their value, but nothing in the kernel acts on it yet.\n"
	"\n"
	"`net.ipv4.conf.IFACE.*` exist for each interface (`eth0`, `eth1`, ...) once it is\n"
	"registered, as on Linux: each takes `conf.default`'s value then, and later writes to\n"
	"`conf.default` until it is written itself (forwarding excepted); what it means is\n"
	"said under `conf.all` (the table lists `all` and `default` only).\n"
	"\n";

int main(void)
{
	fputs(preface, stdout);
	sysctl_doc_markdown();
	return fflush(stdout) || ferror(stdout) ? EXIT_FAILURE : EXIT_SUCCESS;
}
