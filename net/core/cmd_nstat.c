/*
 * `nstat`: the SNMP counters by Linux's names, as iproute2's nstat prints
 * them (nstat(8), iproute2 6.1): "#kernel", then one row a counter, the
 * section and name run together ("IpForwDatagrams"), the value and a rate,
 * as nstat's "%-32s%-16llu%6.1f".  Rows: the registry's sections Ip to IpExt in
 * /proc/net/snmp's then /proc/net/netstat's order, and NagareExt (ours).
 * Like nstat it leaves out the numbers that are no counters (IpForwarding,
 * TcpCurrEstab: the registry's gauges), and IcmpMsg has only the types seen
 * (/proc/net/snmp lists no others).
 *
 * By default it prints what moved since the last nstat (the history nstat
 * keeps in a file, here in memory) and only nonzero rows; -a absolute
 * values, -z zero rows too, -n history only, -r from zero, -s keep the
 * history; PATTERNs are shell globs, matched without case, as nstat's
 * fnmatch(FNM_CASEFOLD).  The rate column is 0.0: nstat computes rates
 * only with its daemon (-d), which is not here.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "net/core/counter.h"
#include "net/core/netstat.h"

#define NSTAT_ROWS 256 /* net/core/counter.c's COUNTER_MAX */

static uint64_t history[NSTAT_ROWS];

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* A '[...]' class; *pp is just past the '['.  1 and *pp past the ']' and
 * *ok set; 0 when there is no ']' (the '[' is then an ordinary character). */
static int glob_class(const char **pp, int c, int *ok)
{
	const char *p = *pp;
	int neg = *p == '!' || *p == '^';
	if (neg)
		p++;
	int hit = 0, first = 1;
	while (*p && (*p != ']' || first)) {
		int lo = lower((unsigned char)*p), hi = lo;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hi = lower((unsigned char)p[2]);
			p += 2;
		}
		if (c >= lo && c <= hi)
			hit = 1;
		p++;
		first = 0;
	}
	if (*p != ']')
		return 0;
	*pp = p + 1;
	*ok = hit != neg;
	return 1;
}

/* '*' remembers where it was; a mismatch goes back there, one character
 * further into s (linear backtracking: no recursion on hostile patterns). */
int nstat_glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		int ok = 0;
		if (*p == '*') {
			star = ++p;
			resume = s;
			continue;
		}
		const char *next = p + 1;
		if (*p == '?') {
			ok = 1;
		} else if (*p == '[' && glob_class(&next, lower((unsigned char)*s), &ok)) {
			/* next is past the class */
		} else if (*p) {
			const char *q = p;
			if (*q == '\\' && q[1])
				next = ++q + 1;
			ok = lower((unsigned char)*q) == lower((unsigned char)*s);
		}
		if (ok) {
			p = next;
			s++;
		} else if (star) {
			p = star;
			s = ++resume;
		} else {
			return 0;
		}
	}
	while (*p == '*')
		p++;
	return !*p;
}

static int shown(const struct counter *c)
{
	return c->sec <= COUNTER_SEC_NagareExt /* Ip is the first */ && c->line != COUNTER_LINE_TITLE &&
	       !(c->flags & COUNTER_F_GAUGE);
}

static void usage(void)
{
	con_printf("Usage: nstat [OPTION] [ PATTERN [ PATTERN ] ]\n"
		   "   -h, --help          this message\n"
		   "   -a, --ignore        ignore history\n"
		   "   -n, --nooutput      do history only\n"
		   "   -r, --reset         reset history\n"
		   "   -s, --noupdate      don't update history\n"
		   "   -V, --version       output version information\n"
		   "   -z, --zeros         show entries with zero activity\n");
}

static const struct {
	const char *name;
	char c;
} longopts[] = {
	{ "help", 'h' }, { "ignore", 'a' }, { "nooutput", 'n' }, { "reset", 'r' },
	{ "noupdate", 's' }, { "version", 'V' }, { "zeros", 'z' },
};

static int cmd_nstat(int argc, char **argv)
{
	int absolute = 0, zeros = 0, quiet = 0, reset = 0, keep = 0;
	const char *patterns[16];
	int npat = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char opts[2] = { 0, 0 };
		const char *flags = a + 1;
		if (a[0] == '-' && a[1] == '-') {
			size_t k = 0;
			while (k < sizeof(longopts) / sizeof(longopts[0]) && strcmp(a + 2, longopts[k].name))
				k++;
			if (k == sizeof(longopts) / sizeof(longopts[0])) {
				con_printf("nstat: unrecognized option '%s'\n", a);
				usage();
				return 255;
			}
			opts[0] = longopts[k].c;
			flags = opts;
		} else if (a[0] != '-' || !a[1]) {
			if (npat == (int)(sizeof(patterns) / sizeof(patterns[0]))) {
				con_printf("nstat: at most %d patterns\n", npat);
				return 255;
			}
			patterns[npat++] = a;
			continue;
		}
		for (const char *f = flags; *f; f++) {
			switch (*f) {
			case 'a': absolute = 1; break;
			case 'z': zeros = 1; break;
			case 'n': quiet = 1; break;
			case 'r': reset = 1; break;
			case 's': keep = 1; break;
			case 'V':
				con_printf("nstat utility, iproute2-6.1.0 (nagare)\n");
				return 0;
			case 'h':
				usage();
				return 255;
			case 'd': case 't': case 'j': case 'p':
				con_printf("nstat: -%c is not supported here (no daemon, no JSON)\n", *f);
				return 255;
			default:
				con_printf("nstat: invalid option -- '%c'\n", *f);
				usage();
				return 255;
			}
		}
	}
	if (reset)
		memset(history, 0, sizeof(history));
	if (!quiet)
		con_printf("#kernel\n");
	int n = counter_count();
	for (int i = 0; i < n && i < NSTAT_ROWS; i++) {
		const struct counter *c = counter_get(i);
		if (!shown(c))
			continue;
		uint64_t v = counter_read(c, NULL);
		uint64_t d = absolute ? v : v - history[i];
		if (!keep)
			history[i] = v;
		if (quiet || (c->sec == COUNTER_SEC_IcmpMsg && !v) || (!d && !zeros))
			continue;
		char id[64];
		snprintf(id, sizeof(id), "%s%s", counter_section(c->sec)->name, c->name);
		int match = !npat;
		for (int k = 0; k < npat && !match; k++)
			match = nstat_glob(patterns[k], id);
		if (match)
			con_printf("%-32s%-16lu%6s\n", id, (unsigned long)d, "0.0");
	}
	return 0;
}
CONSOLE_CMD(nstat, "nstat", cmd_nstat, "nstat [-azrns] [PATTERN...]",
	    "SNMP counters by Linux's names, since the last nstat (iproute2's nstat)");
