/*
 * The sysctl registry and the `sysctl` command.  Pure logic over
 * sysctl_table[]: no hardware, builds on the host for tests/unit.
 * Integer values parse as Linux's proc_dointvec_minmax does (optional
 * sign, base 0, only whitespace after, bounds checked); command words,
 * output and error texts are procps-ng sysctl(8)'s.  Output goes through
 * con_printf; files for -p come from bootfile_get.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/bootfile.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"

#define NAME_MAX_LEN 128
#define VALUE_MAX_LEN 256
#define DEFAULT_CONF "sysctl.conf"

void sysctl_init(void)
{
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const struct sysctl *s = &sysctl_table[i];
		if (s->type == SYSCTL_INT)
			*(int *)s->data = (int)s->def;
		else if (s->type == SYSCTL_INTVEC)
			memcpy(s->data, s->defvec, (size_t)s->n * sizeof(int));
		else
			strlcpy(s->data, s->defstr ? s->defstr : "", s->max);
	}
}

/* "net/core/x" and "net.core.x" both name net.core.x. */
static void dotted(const char *in, char *out, size_t size)
{
	size_t i;
	for (i = 0; in[i] && i + 1 < size; i++)
		out[i] = in[i] == '/' ? '.' : in[i];
	out[i] = 0;
}

const struct sysctl *sysctl_find(const char *name)
{
	char key[NAME_MAX_LEN];
	dotted(name, key, sizeof(key));
	for (size_t i = 0; i < sysctl_table_len; i++) {
		if (!strcmp(sysctl_table[i].name, key))
			return sysctl_exists(&sysctl_table[i]) ? &sysctl_table[i] : NULL;
	}
	return NULL;
}

static int parse_int(const char *v, long *out)
{
	while (*v == ' ' || *v == '\t')
		v++;
	int neg = *v == '-';
	if (neg)
		v++;
	if (*v < '0' || *v > '9')
		return -EINVAL;
	char *end;
	unsigned long long mag = strtoull(v, &end, 0);
	if (mag == ULLONG_MAX || mag > (unsigned long long)INT_MAX + neg)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*out = neg ? -(long)mag : (long)mag;
	return 0;
}

/* n whitespace-separated ints, each in [min, max], and nothing else. */
static int parse_vec(const struct sysctl *s, const char *value, int *out)
{
	const char *p = value;
	for (int i = 0; i < s->n; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		char word[24];
		size_t len = 0;
		while (p[len] && p[len] != ' ' && p[len] != '\t' && p[len] != '\n')
			len++;
		if (!len || len >= sizeof(word))
			return -EINVAL;
		memcpy(word, p, len);
		word[len] = 0;
		long v;
		if (parse_int(word, &v) || v < s->min || v > s->max)
			return -EINVAL;
		out[i] = (int)v;
		p += len;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	return *p ? -EINVAL : 0;
}

int sysctl_set(const struct sysctl *s, const char *value)
{
	if (s->type == SYSCTL_INTVEC) {
		int v[8];
		if (s->n > 8 || parse_vec(s, value, v))
			return -EINVAL;
		if (s->handler && s->handler(s, 0, value))
			return -EINVAL;
		memcpy(s->data, v, (size_t)s->n * sizeof(int));
		return 0;
	}
	if (s->type == SYSCTL_INT) {
		long v;
		if (parse_int(value, &v) || v < s->min || v > s->max)
			return -EINVAL;
		if (s->handler && s->handler(s, v, value))
			return -EINVAL;
		*(int *)s->data = (int)v;
		return 0;
	}
	size_t len = strlen(value);
	while (len && (value[len - 1] == '\n' || value[len - 1] == ' '))
		len--;
	char tmp[VALUE_MAX_LEN];
	if (len + 1 > (size_t)s->max || len + 1 > sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, value, len);
	tmp[len] = 0;
	/* A string handler may say which error (default_qdisc: -ENOENT). */
	int err = s->handler ? s->handler(s, 0, tmp) : 0;
	if (err)
		return err < 0 ? err : -EINVAL;
	strlcpy(s->data, tmp, s->max);
	return 0;
}

int sysctl_format(const struct sysctl *s, char *buf, size_t size)
{
	if (s->type == SYSCTL_INT)
		return snprintf(buf, size, "%d", *(const int *)s->data);
	if (s->type == SYSCTL_INTVEC) {
		size_t n = 0;
		for (int i = 0; i < s->n; i++) {
			int k = snprintf(buf + n, n < size ? size - n : 0, "%s%d", i ? "\t" : "", ((const int *)s->data)[i]);
			n += (size_t)k;
		}
		return (int)n;
	}
	return snprintf(buf, size, "%s", (const char *)s->data);
}

struct opts {
	int names_only, values_only, quiet, ignore_unknown;
};

static void show(const struct opts *o, const struct sysctl *s)
{
	char v[VALUE_MAX_LEN];
	sysctl_format(s, v, sizeof(v));
	if (o->names_only)
		con_printf("%s\n", s->name);
	else if (o->values_only)
		con_printf("%s\n", v);
	else
		con_printf("%s = %s\n", s->name, v);
}

static void no_such_key(const struct opts *o, const char *key)
{
	if (o->ignore_unknown)
		return;
	char path[NAME_MAX_LEN + 16];
	size_t n = strlcpy(path, "/proc/sys/", sizeof(path));
	for (size_t i = 0; key[i] && n + 1 < sizeof(path); i++)
		path[n++] = key[i] == '.' ? '/' : key[i];
	path[n] = 0;
	con_printf("sysctl: cannot stat %s: No such file or directory\n", path);
}

/* `sysctl KEY`: one key, or every key below a prefix as procps does for a directory. */
static int read_key(const struct opts *o, const char *arg)
{
	char key[NAME_MAX_LEN];
	dotted(arg, key, sizeof(key));
	size_t klen = strlen(key);
	while (klen && key[klen - 1] == '.')
		key[--klen] = 0;
	int found = 0;
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const char *name = sysctl_table[i].name;
		if (!strncmp(name, key, klen) && (name[klen] == 0 || (name[klen] == '.' && klen)) &&
		    sysctl_exists(&sysctl_table[i])) {
			show(o, &sysctl_table[i]);
			found = 1;
		}
	}
	if (!found) {
		no_such_key(o, key);
		return o->ignore_unknown ? 0 : -ENOENT;
	}
	return 0;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = 0;
	return s;
}

/* `KEY=VALUE`; key and value already split and trimmed. */
static int write_key(const struct opts *o, const char *key, const char *value, int quiet_unknown)
{
	char name[NAME_MAX_LEN];
	dotted(key, name, sizeof(name));
	const struct sysctl *s = sysctl_find(name);
	if (!s) {
		if (quiet_unknown)
			return 0;
		no_such_key(o, name);
		return o->ignore_unknown ? 0 : -ENOENT;
	}
	int err = sysctl_set(s, value);
	if (err) {
		con_printf("sysctl: setting key \"%s\": %s\n", name,
			   err == -ENOENT ? "No such file or directory" : "Invalid argument");
		return -EINVAL;
	}
	if (!o->quiet) {
		if (o->values_only)
			con_printf("%s\n", value);
		else
			con_printf("%s = %s\n", name, value);
	}
	return 0;
}

static int write_arg(const struct opts *o, char *arg)
{
	char *eq = strchr(arg, '=');
	if (!eq) {
		con_printf("sysctl: \"%s\" must be of the form name=value\n", arg);
		return -EINVAL;
	}
	*eq = 0;
	char *key = trim(arg), *value = trim(eq + 1);
	if (!*key) {
		con_printf("sysctl: malformed setting \"=%s\"\n", value);
		return -EINVAL;
	}
	return write_key(o, key, value, 0);
}

static int apply_text(const struct opts *o, const char *file, const char *text, size_t len)
{
	int bad = 0, lineno = 0, too_long;
	char line[NAME_MAX_LEN + VALUE_MAX_LEN];
	for (size_t pos = 0; cmdline_getline(text, len, &pos, line, sizeof(line), &too_long);) {
		lineno++;
		char *p = trim(line);
		if (!*p || *p == '#' || *p == ';')
			continue;
		char *eq = strchr(p, '=');
		if (!eq || too_long) { /* a cut line could set a wrong value */
			con_printf("sysctl: %s(%d): invalid syntax, continuing...\n", file, lineno);
			bad++;
			continue;
		}
		*eq = 0;
		char *key = trim(p), *value = trim(eq + 1);
		int ignore = *key == '-'; /* procps: "-key = v" ignores a missing key */
		if (ignore)
			key++;
		if (!*key) {
			con_printf("sysctl: %s(%d): invalid syntax, continuing...\n", file, lineno);
			bad++;
			continue;
		}
		if (write_key(o, key, value, ignore))
			bad++;
	}
	return bad;
}

/* Linux 5.8+ (fs/proc/proc_sysctl.c process_sysctl_arg): words
 * sysctl.NAME=VALUE on the kernel command line, applied at boot, with its
 * messages for a name or value that does not take. */
int sysctl_apply_cmdline(const char *cmdline)
{
	int bad = 0;
	for (const char *p = cmdline; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *end = p;
		while (*end && *end != ' ' && *end != '\t')
			end++;
		char word[NAME_MAX_LEN + VALUE_MAX_LEN];
		size_t n = (size_t)(end - p);
		if (n > 7 && !strncmp(p, "sysctl.", 7) && n < sizeof(word)) {
			memcpy(word, p + 7, n - 7);
			word[n - 7] = 0;
			char *eq = strchr(word, '=');
			if (eq) {
				*eq = 0;
				const struct sysctl *s = sysctl_find(word);
				if (!s) {
					printk("Failed to set sysctl parameter '%s=%s': parameter not found\n", word, eq + 1);
					bad++;
				} else if (sysctl_set(s, eq + 1)) {
					printk("Failed to set sysctl parameter '%s=%s': invalid value\n", word, eq + 1);
					bad++;
				}
			}
		}
		p = end;
	}
	return bad;
}

int sysctl_apply_text(const char *file, const char *text, size_t len, int quiet)
{
	struct opts o = { .quiet = quiet };
	return apply_text(&o, file, text, len);
}

static int load_file(const struct opts *o, const char *file)
{
	size_t len;
	const char *text = bootfile_get(file, &len);
	if (!text) {
		con_printf("sysctl: cannot open \"%s\": No such file or directory\n", file);
		return -ENOENT;
	}
	return apply_text(o, file, text, len) ? -EINVAL : 0;
}

static void usage(void)
{
	con_printf("\nUsage:\n sysctl [options] [variable[=value] ...]\n\n"
		   "Options:\n"
		   "  -a, --all            display all variables\n"
		   "  -A, -X               alias of -a\n"
		   "  -e, --ignore         ignore unknown variables errors\n"
		   "  -N, --names          print variable names without values\n"
		   "  -n, --values         print only values of the given variable(s)\n"
		   "  -p, --load[=<file>]  read values from file (default: sysctl.conf on the boot volume)\n"
		   "  -q, --quiet          do not echo variable set\n"
		   "  -w, --write          enable writing a value to variable\n"
		   "  -h, --help           display this help and exit\n");
}

int sysctl_main(int argc, char **argv)
{
	struct opts o = { 0 };
	int all = 0, write = 0, load = 0, i, err = 0;
	const char *load_name = NULL;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "--all")) { all = 1; continue; }
		if (!strcmp(a, "--ignore")) { o.ignore_unknown = 1; continue; }
		if (!strcmp(a, "--names")) { o.names_only = 1; continue; }
		if (!strcmp(a, "--values")) { o.values_only = 1; continue; }
		if (!strcmp(a, "--quiet")) { o.quiet = 1; continue; }
		if (!strcmp(a, "--write")) { write = 1; continue; }
		if (!strcmp(a, "--help")) { usage(); return 0; }
		if (!strncmp(a, "--load", 6) && (a[6] == 0 || a[6] == '=')) {
			load = 1;
			if (a[6] == '=')
				load_name = a + 7;
			continue;
		}
		if (a[1] == '-') {
			con_printf("sysctl: unrecognized option '%s'\nTry 'sysctl --help' for more information.\n", a);
			return 1;
		}
		for (const char *f = a + 1; *f; f++) {
			switch (*f) {
			case 'a': case 'A': case 'X': all = 1; break;
			case 'e': o.ignore_unknown = 1; break;
			case 'N': o.names_only = 1; break;
			case 'n': o.values_only = 1; break;
			case 'q': o.quiet = 1; break;
			case 'w': write = 1; break;
			case 'h': usage(); return 0;
			case 'p':
				load = 1;
				if (f[1]) { /* -pFILE */
					load_name = f + 1;
					f += strlen(f) - 1;
				}
				break;
			default:
				con_printf("sysctl: invalid option -- '%c'\nTry 'sysctl --help' for more information.\n", *f);
				return 1;
			}
		}
	}

	if (load) {
		if (!load_name && i < argc)
			load_name = argv[i++];
		err |= load_file(&o, load_name ? load_name : DEFAULT_CONF);
		for (; i < argc; i++)
			err |= load_file(&o, argv[i]);
		return err ? 1 : 0;
	}
	if (all) {
		for (size_t k = 0; k < sysctl_table_len; k++) {
			if (sysctl_exists(&sysctl_table[k]))
				show(&o, &sysctl_table[k]);
		}
		return 0;
	}
	if (i >= argc) {
		con_printf("sysctl: no variables specified\nTry 'sysctl --help' for more information.\n");
		return 1;
	}
	for (; i < argc; i++) {
		if (write || strchr(argv[i], '='))
			err |= write_arg(&o, argv[i]);
		else
			err |= read_key(&o, argv[i]);
	}
	return err ? 1 : 0;
}

void sysctl_doc_markdown(void)
{
	con_printf("| Name | Default | Range | Description |\n|---|---|---|---|\n");
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const struct sysctl *s = &sysctl_table[i];
		if (s->present)
			continue; /* per-interface rows: conf.all's and conf.default's say it */
		if (s->type == SYSCTL_INT)
			con_printf("| `%s` | %ld | %ld to %ld | %s |\n", s->name, s->def, s->min, s->max, s->doc);
		else if (s->type == SYSCTL_INTVEC)
			con_printf("| `%s` | %s | %d values, each %ld to %ld | %s |\n", s->name, s->defstr, s->n,
				   s->min, s->max, s->doc);
		else
			con_printf("| `%s` | `%s` | text | %s |\n", s->name, s->defstr ? s->defstr : "", s->doc);
	}
}
