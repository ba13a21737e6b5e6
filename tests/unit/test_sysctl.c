/*
 * kernel/sysctl.c and kernel/sysctl_table.c: the table, value parsing
 * (Linux proc_dointvec_minmax rules) and the `sysctl` command's words,
 * output and error texts (procps-ng sysctl(8)).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kernel/sysctl.h"
#include "net/ipv4/devinet.h"
#include "tests/unit/fakes.h"
#include "tests/unit/unit.h"

#define BAD_SYNCOOKIES "sysctl: setting key \"net.ipv4.tcp_syncookies\": Invalid argument\n"

/* Runs `sysctl ARGS...` with writable copies of the words, as the shell does. */
static int run_v(const char *const *words)
{
	char store[16][512];
	char *argv[17];
	int argc = 0;
	argv[argc++] = "sysctl";
	for (; words[argc - 1]; argc++) {
		ck_assert_int_lt(argc, 16);
		snprintf(store[argc], sizeof(store[argc]), "%s", words[argc - 1]);
		argv[argc] = store[argc];
	}
	argv[argc] = NULL;
	con_reset();
	return sysctl_main(argc, argv);
}
#define SYSCTL(...) run_v((const char *const[]){ __VA_ARGS__, NULL })
#define SYSCTL0() run_v((const char *const[]){ NULL })

#define ck_out(expect) ck_assert_str_eq(con_text(), expect)

static void setup(void)
{
	sysctl_init();
	fake_bootfile_clear();
	con_reset();
}

static const struct sysctl *must_find(const char *name)
{
	const struct sysctl *s = sysctl_find(name);
	ck_assert_msg(s != NULL, "%s not registered", name);
	return s;
}

/* Each variable, as sysctl_init leaves it, is the table's default. */
static void ck_all_defaults_except(const char *const *changed)
{
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const struct sysctl *s = &sysctl_table[i];
		int skip = 0;
		for (const char *const *c = changed; c && *c; c++)
			skip |= !strcmp(*c, s->name);
		if (!skip && s->type == SYSCTL_INT)
			ck_assert_msg(*(int *)s->data == s->def, "%s changed to %d (default %ld)", s->name,
				      *(int *)s->data, s->def);
	}
}

/* --- the table ---------------------------------------------------------- */

START_TEST(defaults_are_linux)
{
	static const struct {
		const char *name;
		int *var;
		int def;
	} linux_defaults[] = {
		{ "net.core.somaxconn", &sysctl_somaxconn, 4096 },
		{ "net.core.netdev_max_backlog", &sysctl_netdev_max_backlog, 1000 },
		{ "net.core.netdev_budget", &sysctl_netdev_budget, 300 },
		{ "net.core.netdev_budget_usecs", &sysctl_netdev_budget_usecs, 2000 },
		{ "net.core.busy_poll", &sysctl_busy_poll, 0 },
		{ "net.ipv4.tcp_max_syn_backlog", &sysctl_max_syn_backlog, 128 },
		{ "net.ipv4.tcp_syncookies", &sysctl_tcp_syncookies, 1 },
		{ "net.ipv4.tcp_abort_on_overflow", &sysctl_tcp_abort_on_overflow, 0 },
		{ "net.ipv4.tcp_fin_timeout", &sysctl_tcp_fin_timeout, 60 },
		{ "net.ipv4.tcp_min_snd_mss", &sysctl_tcp_min_snd_mss, 48 },
		{ "net.ipv4.icmp_echo_ignore_all", &sysctl_icmp_echo_ignore_all, 0 },
		{ "net.ipv4.icmp_echo_ignore_broadcasts", &sysctl_icmp_echo_ignore_broadcasts, 1 },
		{ "net.ipv4.icmp_ignore_bogus_error_responses", &sysctl_icmp_ignore_bogus_error_responses, 1 },
		{ "net.ipv4.conf.all.rp_filter", &devconf_all.rp_filter, 0 },
		{ "net.ipv4.conf.default.rp_filter", &devconf_default.rp_filter, 0 },
		{ "net.ipv4.conf.all.arp_filter", &devconf_all.arp_filter, 0 },
		{ "net.ipv4.conf.default.arp_filter", &devconf_default.arp_filter, 0 },
		{ "net.ipv4.conf.all.send_redirects", &devconf_all.send_redirects, 1 },
		{ "net.ipv4.ip_forward", &devconf_all.forwarding, 0 },
		{ "net.ipv4.icmp_ratelimit", &sysctl_icmp_ratelimit, 1000 },
		{ "net.ipv4.icmp_ratemask", &sysctl_icmp_ratemask, 6168 },
		{ "net.ipv4.icmp_msgs_per_sec", &sysctl_icmp_msgs_per_sec, 1000 },
		{ "net.ipv4.icmp_msgs_burst", &sysctl_icmp_msgs_burst, 50 },
		{ "net.ipv4.ip_default_ttl", &sysctl_ip_default_ttl, 64 },
		{ "net.ipv4.neigh.default.unres_qlen_bytes", &sysctl_neigh_unres_qlen_bytes, 212992 },
	};
	for (size_t i = 0; i < sizeof(linux_defaults) / sizeof(linux_defaults[0]); i++) {
		const struct sysctl *s = must_find(linux_defaults[i].name);
		ck_assert_msg(s->data == linux_defaults[i].var, "%s points at the wrong variable", s->name);
		ck_assert_msg(s->def == linux_defaults[i].def, "%s default %ld, Linux has %d", s->name, s->def,
			      linux_defaults[i].def);
		ck_assert_msg(*linux_defaults[i].var == linux_defaults[i].def, "%s is %d after sysctl_init",
			      s->name, *linux_defaults[i].var);
	}
}
END_TEST

START_TEST(table_sorted_unique)
{
	ck_assert_uint_gt(sysctl_table_len, 0);
	for (size_t i = 1; i < sysctl_table_len; i++)
		ck_assert_msg(strcmp(sysctl_table[i - 1].name, sysctl_table[i].name) < 0,
			      "table out of order or duplicate at \"%s\", \"%s\"", sysctl_table[i - 1].name,
			      sysctl_table[i].name);
}
END_TEST

START_TEST(table_rows_sane)
{
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const struct sysctl *s = &sysctl_table[i];
		ck_assert_msg(s->data != NULL, "%s has no variable", s->name);
		ck_assert_msg(s->doc && *s->doc, "%s has no doc line", s->name);
		/* The doc is one Markdown table cell. */
		ck_assert_msg(!strchr(s->doc, '|') && !strchr(s->doc, '\n'), "%s: doc has '|' or newline", s->name);
		ck_assert_msg(strspn(s->name, "abcdefghijklmnopqrstuvwxyz0123456789_.") == strlen(s->name),
			      "%s: odd character in name", s->name);
		if (s->type == SYSCTL_INT) {
			ck_assert_msg(s->min <= s->def && s->def <= s->max, "%s: default outside its range", s->name);
			ck_assert_msg(s->min >= INT_MIN && s->max <= INT_MAX, "%s: range wider than int", s->name);
		}
		/* One variable, one row; Linux's own alias ip_forward = conf.all.forwarding excepted. */
		for (size_t j = 0; j < i; j++)
			ck_assert_msg(s->data != sysctl_table[j].data || s->data == &devconf_all.forwarding,
				      "%s and %s share a variable", s->name, sysctl_table[j].name);
	}
}
END_TEST

START_TEST(init_restores_defaults)
{
	sysctl_somaxconn = 1;
	sysctl_tcp_syncookies = 2;
	sysctl_ip_default_ttl = 3;
	sysctl_init();
	ck_all_defaults_except(NULL);
}
END_TEST

START_TEST(find_names)
{
	ck_assert_ptr_eq(sysctl_find("net.core.somaxconn"), sysctl_find("net/core/somaxconn"));
	ck_assert_ptr_nonnull(sysctl_find("net.core.somaxconn"));
	ck_assert_ptr_null(sysctl_find("net.core.foo"));
	ck_assert_ptr_null(sysctl_find("net.core"));
	ck_assert_ptr_null(sysctl_find("net.core.somaxconn."));
	ck_assert_ptr_null(sysctl_find("net.core.somaxconnx"));
	ck_assert_ptr_null(sysctl_find(""));
}
END_TEST

START_TEST(set_and_format)
{
	const struct sysctl *s = must_find("net.ipv4.ip_default_ttl");
	char buf[32];
	ck_assert_int_eq(sysctl_format(s, buf, sizeof(buf)), 2);
	ck_assert_str_eq(buf, "64");
	ck_assert_int_eq(sysctl_set(s, "255"), 0);
	ck_assert_int_eq(sysctl_ip_default_ttl, 255);
	ck_assert_int_eq(sysctl_set(s, "256"), -EINVAL);
	ck_assert_int_eq(sysctl_set(s, "0"), -EINVAL);
	ck_assert_int_eq(sysctl_set(s, "1"), 0);
	ck_assert_int_eq(sysctl_ip_default_ttl, 1);
	ck_assert_int_eq(sysctl_format(s, buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "1");
	/* Whole int range on an INT_MAX knob. */
	s = must_find("net.core.somaxconn");
	ck_assert_int_eq(sysctl_set(s, "2147483647"), 0);
	ck_assert_int_eq(sysctl_somaxconn, INT_MAX);
	ck_assert_int_eq(sysctl_set(s, "2147483648"), -EINVAL);
	ck_assert_int_eq(sysctl_somaxconn, INT_MAX);
}
END_TEST

/* Knobs with side effects and text knobs, on rows made up here (the real
 * table has neither yet). */
static int handler_calls;
static long handler_last;
static int refuse_odd(const struct sysctl *s, long v, const char *str)
{
	(void)s;
	(void)str;
	handler_calls++;
	handler_last = v;
	return v % 2 ? -EINVAL : 0;
}

static int refuse_bad(const struct sysctl *s, long v, const char *str)
{
	(void)s;
	(void)v;
	handler_calls++;
	return strcmp(str, "bad") ? 0 : -EINVAL;
}

START_TEST(handler_int)
{
	int var = 4;
	const struct sysctl s = { .name = "test.even", .type = SYSCTL_INT, .data = &var, .max = 100, .def = 4,
				  .doc = "doc", .handler = refuse_odd };
	ck_assert_int_eq(sysctl_set(&s, "10"), 0);
	ck_assert_int_eq(var, 10);
	ck_assert_int_eq(handler_calls, 1);
	ck_assert_int_eq(handler_last, 10);
	ck_assert_int_eq(sysctl_set(&s, "7"), -EINVAL);
	ck_assert_int_eq(var, 10);
	ck_assert_int_eq(handler_calls, 2);
	/* Out of range never reaches the handler. */
	ck_assert_int_eq(sysctl_set(&s, "102"), -EINVAL);
	ck_assert_int_eq(handler_calls, 2);
	ck_assert_int_eq(var, 10);
}
END_TEST

START_TEST(string_knob)
{
	char val[8] = "x";
	const struct sysctl s = { .name = "test.str", .type = SYSCTL_STRING, .data = val, .max = sizeof(val),
				  .defstr = "fq", .doc = "doc", .handler = refuse_bad };
	char buf[16];
	ck_assert_int_eq(sysctl_set(&s, "codel\n"), 0);
	ck_assert_str_eq(val, "codel");
	ck_assert_int_eq(sysctl_format(&s, buf, sizeof(buf)), 5);
	ck_assert_str_eq(buf, "codel");
	ck_assert_int_eq(sysctl_set(&s, "1234567"), 0); /* 7 bytes + NUL fill val[8] */
	ck_assert_str_eq(val, "1234567");
	ck_assert_int_eq(sysctl_set(&s, "12345678"), -EINVAL);
	ck_assert_str_eq(val, "1234567");
	ck_assert_int_eq(sysctl_set(&s, "bad"), -EINVAL);
	ck_assert_str_eq(val, "1234567");
	ck_assert_int_eq(sysctl_set(&s, "fq  "), 0);
	ck_assert_str_eq(val, "fq");
}
END_TEST

START_TEST(string_knob_long)
{
	/* A buffer bigger than the parser's own: too long is refused, not copied. */
	static char val[1024];
	const struct sysctl s = { .name = "test.long", .type = SYSCTL_STRING, .data = val, .max = sizeof(val),
				  .doc = "doc" };
	static char in[1000];
	memset(in, 'a', sizeof(in) - 1);
	ck_assert_int_eq(sysctl_set(&s, in), -EINVAL);
	ck_assert_str_eq(val, "");
	in[200] = 0;
	ck_assert_int_eq(sysctl_set(&s, in), 0);
	ck_assert_str_eq(val, in);
}
END_TEST

/* --- reading ------------------------------------------------------------ */

START_TEST(read_one)
{
	ck_assert_int_eq(SYSCTL("net.core.somaxconn"), 0);
	ck_out("net.core.somaxconn = 4096\n");
	ck_assert_int_eq(SYSCTL("net.ipv4.tcp_syncookies"), 0);
	ck_out("net.ipv4.tcp_syncookies = 1\n");
}
END_TEST

START_TEST(read_values_only)
{
	ck_assert_int_eq(SYSCTL("-n", "net.core.somaxconn"), 0);
	ck_out("4096\n");
	ck_assert_int_eq(SYSCTL("--values", "net.core.netdev_budget", "net.core.busy_poll"), 0);
	ck_out("300\n0\n");
}
END_TEST

START_TEST(read_names_only)
{
	ck_assert_int_eq(SYSCTL("-N", "net.core.somaxconn"), 0);
	ck_out("net.core.somaxconn\n");
}
END_TEST

START_TEST(read_slash_form)
{
	ck_assert_int_eq(SYSCTL("net/core/somaxconn"), 0);
	ck_out("net.core.somaxconn = 4096\n");
}
END_TEST

START_TEST(read_unknown)
{
	ck_assert_int_ne(SYSCTL("net.core.foo"), 0);
	ck_out("sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n");
	ck_assert_int_ne(SYSCTL("net/core/foo"), 0);
	ck_out("sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n");
	ck_assert_int_ne(SYSCTL("-n", "net.core.foo"), 0);
	ck_out("sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n");
	/* A partial last component is not a prefix. */
	ck_assert_int_ne(SYSCTL("net.core.somax"), 0);
	ck_out("sysctl: cannot stat /proc/sys/net/core/somax: No such file or directory\n");
}
END_TEST

START_TEST(read_unknown_ignored)
{
	ck_assert_int_eq(SYSCTL("-e", "net.core.foo"), 0);
	ck_out("");
	ck_assert_int_eq(SYSCTL("--ignore", "net.core.foo", "net.core.busy_poll"), 0);
	ck_out("net.core.busy_poll = 0\n");
}
END_TEST

START_TEST(read_many_keeps_going)
{
	ck_assert_int_ne(SYSCTL("net.core.busy_poll", "net.core.foo", "net.core.netdev_budget"), 0);
	ck_out("net.core.busy_poll = 0\n"
	       "sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n"
	       "net.core.netdev_budget = 300\n");
}
END_TEST

START_TEST(read_all)
{
	static char expect[16384];
	size_t n = 0;
	for (size_t i = 0; i < sysctl_table_len; i++) {
		char v[64];
		if (!sysctl_exists(&sysctl_table[i]))
			continue;
		sysctl_format(&sysctl_table[i], v, sizeof(v));
		n += snprintf(expect + n, sizeof(expect) - n, "%s = %s\n", sysctl_table[i].name, v);
	}
	ck_assert_int_eq(SYSCTL("-a"), 0);
	ck_out(expect);
	ck_assert_int_eq(SYSCTL("--all"), 0);
	ck_out(expect);
	ck_assert_int_eq(strncmp(expect, "debug.fail_lwip_alloc = 0\n", 26), 0);
	/* A changed value shows. */
	sysctl_somaxconn = 17;
	ck_assert_int_eq(SYSCTL("-a"), 0);
	ck_assert_ptr_nonnull(strstr(con_text(), "\nnet.core.somaxconn = 17\n"));
}
END_TEST

START_TEST(read_all_names)
{
	static char expect[16384];
	size_t n = 0;
	for (size_t i = 0; i < sysctl_table_len; i++) {
		if (sysctl_exists(&sysctl_table[i]))
			n += snprintf(expect + n, sizeof(expect) - n, "%s\n", sysctl_table[i].name);
	}
	ck_assert_int_eq(SYSCTL("-aN"), 0);
	ck_out(expect);
}
END_TEST

/* Linux refuses a qdisc it does not know with ENOENT (sysctl(8) prints
 * "No such file or directory") and keeps the old value. */
START_TEST(default_qdisc)
{
	ck_assert_int_eq(SYSCTL("-w", "net.core.default_qdisc=pfifo"), 0);
	ck_out("net.core.default_qdisc = pfifo\n");
	ck_assert_int_ne(SYSCTL("-w", "net.core.default_qdisc=cake"), 0);
	ck_out("sysctl: setting key \"net.core.default_qdisc\": No such file or directory\n");
	ck_assert_int_eq(SYSCTL("net.core.default_qdisc"), 0);
	ck_out("net.core.default_qdisc = pfifo\n");
	ck_assert_int_eq(SYSCTL("-w", "net.core.default_qdisc=fq_codel"), 0);
	ck_out("net.core.default_qdisc = fq_codel\n");
}
END_TEST

START_TEST(read_prefix)
{
	static const char core[] = "net.core.busy_poll = 0\n"
				   "net.core.default_qdisc = fq_codel\n"
				   "net.core.netdev_budget = 300\n"
				   "net.core.netdev_budget_usecs = 2000\n"
				   "net.core.netdev_max_backlog = 1000\n"
				   "net.core.somaxconn = 4096\n";
	ck_assert_int_eq(SYSCTL("net.core"), 0);
	ck_out(core);
	ck_assert_int_eq(SYSCTL("net.core."), 0);
	ck_out(core);
	ck_assert_int_eq(SYSCTL("net/core"), 0);
	ck_out(core);
	ck_assert_int_eq(SYSCTL("net.ipv4.conf.all"), 0);
	ck_out("net.ipv4.conf.all.accept_local = 0\nnet.ipv4.conf.all.arp_announce = 0\n"
	       "net.ipv4.conf.all.arp_filter = 0\nnet.ipv4.conf.all.arp_ignore = 0\n"
	       "net.ipv4.conf.all.forwarding = 0\nnet.ipv4.conf.all.log_martians = 0\n"
	       "net.ipv4.conf.all.rp_filter = 0\nnet.ipv4.conf.all.send_redirects = 1\n");
	ck_assert_int_ne(SYSCTL("net.cor"), 0);
	ck_out("sysctl: cannot stat /proc/sys/net/cor: No such file or directory\n");
}
END_TEST

START_TEST(no_variables)
{
	ck_assert_int_ne(SYSCTL0(), 0);
	ck_out("sysctl: no variables specified\nTry 'sysctl --help' for more information.\n");
}
END_TEST

/* --- writing ------------------------------------------------------------ */

START_TEST(write_w)
{
	ck_assert_int_eq(SYSCTL("-w", "net.core.somaxconn=1024"), 0);
	ck_out("net.core.somaxconn = 1024\n");
	ck_assert_int_eq(sysctl_somaxconn, 1024);
	ck_assert_int_eq(SYSCTL("net.core.somaxconn"), 0);
	ck_out("net.core.somaxconn = 1024\n");
	ck_assert_int_eq(SYSCTL("--write", "net.ipv4.tcp_syncookies=2"), 0);
	ck_out("net.ipv4.tcp_syncookies = 2\n");
	ck_assert_int_eq(sysctl_tcp_syncookies, 2);
	const char *changed[] = { "net.core.somaxconn", "net.ipv4.tcp_syncookies", NULL };
	ck_all_defaults_except(changed);
}
END_TEST

START_TEST(write_implicit)
{
	ck_assert_int_eq(SYSCTL("net.core.somaxconn=512"), 0);
	ck_out("net.core.somaxconn = 512\n");
	ck_assert_int_eq(sysctl_somaxconn, 512);
	/* Blanks around '=' (one quoted word) are trimmed. */
	ck_assert_int_eq(SYSCTL("net.core.somaxconn = 256 "), 0);
	ck_out("net.core.somaxconn = 256\n");
	ck_assert_int_eq(sysctl_somaxconn, 256);
}
END_TEST

START_TEST(write_many)
{
	ck_assert_int_ne(SYSCTL("net.core.busy_poll=50", "net.core.foo=1", "net.ipv4.tcp_syncookies=7",
				"net.core.netdev_budget=600"),
			 0);
	ck_out("net.core.busy_poll = 50\n"
	       "sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n"
	       BAD_SYNCOOKIES
	       "net.core.netdev_budget = 600\n");
	ck_assert_int_eq(sysctl_busy_poll, 50);
	ck_assert_int_eq(sysctl_netdev_budget, 600);
	ck_assert_int_eq(sysctl_tcp_syncookies, 1);
}
END_TEST

START_TEST(write_slash_form)
{
	ck_assert_int_eq(SYSCTL("-w", "net/core/somaxconn=77"), 0);
	ck_out("net.core.somaxconn = 77\n");
	ck_assert_int_eq(sysctl_somaxconn, 77);
	ck_assert_int_eq(SYSCTL("net/ipv4/conf/all/rp_filter=2"), 0);
	ck_out("net.ipv4.conf.all.rp_filter = 2\n");
	ck_assert_int_eq(devconf_all.rp_filter, 2);
}
END_TEST

/* net.ipv4.conf.IFACE.*: rows of registered interfaces only, seeded from
 * conf.default; all and the interface combine as Linux's IN_DEV_* rules;
 * ip_forward is conf.all.forwarding and reaches every interface. */
START_TEST(per_interface_rows)
{
	devconf_ndevs = 0;
	ck_assert_int_ne(SYSCTL("net.ipv4.conf.eth0.rp_filter"), 0);
	ck_assert_ptr_null(sysctl_find("net.ipv4.conf.eth0.rp_filter"));
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.default.rp_filter=2"), 0);
	devconf_register(0);
	con_reset();
	ck_assert_int_eq(SYSCTL("net.ipv4.conf.eth0.rp_filter"), 0);
	ck_out("net.ipv4.conf.eth0.rp_filter = 2\n");
	ck_assert_ptr_null(sysctl_find("net.ipv4.conf.eth1.rp_filter"));
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.all.rp_filter=1"), 0);
	ck_assert_int_eq(in_dev_rpfilter(0), 2);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.eth0.rp_filter=0"), 0);
	ck_assert_int_eq(in_dev_rpfilter(0), 1);
	ck_assert_int_eq(in_dev_tx_redirects(0), 1);

	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.ip_forward=1"), 0);
	ck_assert_int_eq(devconf_all.forwarding, 1);
	ck_assert_int_eq(devconf_default.forwarding, 1);
	ck_assert_int_eq(in_dev_forward(0), 1);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.eth0.forwarding=0"), 0);
	ck_assert_int_eq(in_dev_forward(0), 0);
	ck_assert_int_eq(devconf_all.forwarding, 1);
	con_reset();
	ck_assert_int_eq(SYSCTL("net.ipv4.conf.all.forwarding"), 0);
	ck_out("net.ipv4.conf.all.forwarding = 1\n");
	devconf_ndevs = 0;
	sysctl_init();
}
END_TEST

/* A write to conf.default reaches every registered interface that never
 * had that setting written itself (Linux's devinet_copy_dflt_conf; any
 * write, even of the same value, makes it the interface's own); not
 * forwarding (devinet_sysctl_forward); a refused value reaches none. */
START_TEST(default_reaches_interfaces)
{
	devconf_ndevs = 0;
	devconf_register(0);
	devconf_register(1);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.eth0.rp_filter=1"), 0);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.default.rp_filter=2"), 0);
	ck_assert_int_eq(devconf_dev[0].rp_filter, 1);
	ck_assert_int_eq(devconf_dev[1].rp_filter, 2);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.eth1.log_martians=0"), 0);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.default.log_martians=1"), 0);
	ck_assert_int_eq(devconf_dev[0].log_martians, 1);
	ck_assert_int_eq(devconf_dev[1].log_martians, 0);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.default.send_redirects=0"), 0);
	ck_assert_int_eq(devconf_dev[0].send_redirects, 0);
	ck_assert_int_eq(devconf_dev[1].send_redirects, 0);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.default.forwarding=1"), 0);
	ck_assert_int_eq(devconf_dev[0].forwarding, 0);
	ck_assert_int_eq(devconf_dev[1].forwarding, 0);
	ck_assert_int_ne(SYSCTL("-q", "net.ipv4.conf.default.rp_filter=3"), 0);
	ck_assert_int_eq(devconf_dev[1].rp_filter, 2);
	/* registered again, an interface starts from default, its own again */
	devconf_register(0);
	ck_assert_int_eq(devconf_dev[0].rp_filter, 2);
	ck_assert_int_eq(SYSCTL("-q", "net.ipv4.conf.default.rp_filter=0"), 0);
	ck_assert_int_eq(devconf_dev[0].rp_filter, 0);
	devconf_ndevs = 0;
	sysctl_init();
}
END_TEST

START_TEST(write_quiet)
{
	ck_assert_int_eq(SYSCTL("-q", "-w", "net.core.somaxconn=99"), 0);
	ck_out("");
	ck_assert_int_eq(sysctl_somaxconn, 99);
	ck_assert_int_eq(SYSCTL("-qw", "net.core.somaxconn=98"), 0);
	ck_out("");
	ck_assert_int_eq(sysctl_somaxconn, 98);
	ck_assert_int_eq(SYSCTL("--quiet", "net.core.somaxconn=97"), 0);
	ck_out("");
	ck_assert_int_eq(sysctl_somaxconn, 97);
	/* Errors still print. */
	ck_assert_int_ne(SYSCTL("-q", "net.ipv4.tcp_syncookies=9"), 0);
	ck_out(BAD_SYNCOOKIES);
}
END_TEST

START_TEST(write_values_only)
{
	ck_assert_int_eq(SYSCTL("-n", "-w", "net.core.somaxconn=5"), 0);
	ck_out("5\n");
	ck_assert_int_eq(sysctl_somaxconn, 5);
}
END_TEST

START_TEST(write_unknown)
{
	ck_assert_int_ne(SYSCTL("-w", "net.core.foo=1"), 0);
	ck_out("sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n");
	ck_assert_int_ne(SYSCTL("net.core=1"), 0);
	ck_out("sysctl: cannot stat /proc/sys/net/core: No such file or directory\n");
	ck_assert_int_eq(SYSCTL("-e", "net.core.foo=1"), 0);
	ck_out("");
	ck_all_defaults_except(NULL);
}
END_TEST

/* Values Linux's proc_dointvec_minmax refuses for a 0..2 knob. */
static const char *const bad_values[] = {
	"3", "-1", "abc", "12abc", "", " ", "99999999999", "18446744073709551615",
	"18446744073709551617", "4294967297", "-2147483649", "0x", "0x3", "1.0", "+1", "1 2", "- 1",
	"--1", "0x1g", "08", "1e1", "2\x01",
};

START_TEST(write_bad_value)
{
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		char arg[64];
		sysctl_tcp_syncookies = 2;
		snprintf(arg, sizeof(arg), "net.ipv4.tcp_syncookies=%s", bad_values[i]);
		ck_assert_msg(SYSCTL("-w", arg) != 0, "\"%s\" accepted", bad_values[i]);
		ck_assert_msg(!strcmp(con_text(), BAD_SYNCOOKIES), "\"%s\": printed \"%s\"", bad_values[i],
			      con_text());
		ck_assert_msg(sysctl_tcp_syncookies == 2, "\"%s\" changed the value to %d", bad_values[i],
			      sysctl_tcp_syncookies);
		ck_assert_msg(SYSCTL(arg) != 0, "\"%s\" accepted without -w", bad_values[i]);
		ck_assert_str_eq(con_text(), BAD_SYNCOOKIES);
		ck_assert_int_eq(sysctl_tcp_syncookies, 2);
		ck_assert_int_eq(sysctl_set(sysctl_find("net.ipv4.tcp_syncookies"), bad_values[i]), -EINVAL);
		ck_assert_int_eq(sysctl_tcp_syncookies, 2);
	}
}
END_TEST

START_TEST(write_bounds)
{
	ck_assert_int_ne(SYSCTL("net.core.somaxconn=2147483648"), 0);
	ck_out("sysctl: setting key \"net.core.somaxconn\": Invalid argument\n");
	ck_assert_int_ne(SYSCTL("net.core.somaxconn=-1"), 0);
	ck_assert_int_ne(SYSCTL("net.ipv4.ip_default_ttl=0"), 0);
	ck_assert_int_ne(SYSCTL("net.ipv4.ip_default_ttl=256"), 0);
	ck_assert_int_ne(SYSCTL("net.ipv4.tcp_fin_timeout=2147484"), 0);
	ck_all_defaults_except(NULL);
	ck_assert_int_eq(SYSCTL("net.ipv4.tcp_fin_timeout=2147483"), 0);
	ck_assert_int_eq(sysctl_tcp_fin_timeout, 2147483);
	ck_assert_int_eq(SYSCTL("net.ipv4.tcp_syncookies=0"), 0);
	ck_assert_int_eq(sysctl_tcp_syncookies, 0);
	ck_assert_int_eq(SYSCTL("net.ipv4.tcp_syncookies=-0"), 0);
	ck_assert_int_eq(sysctl_tcp_syncookies, 0);
	ck_assert_int_eq(SYSCTL("net.core.somaxconn=2147483647"), 0);
	ck_assert_int_eq(sysctl_somaxconn, INT_MAX);
}
END_TEST

START_TEST(write_base0)
{
	/* proc_dointvec parses with base 0: hex and octal, echoed as written. */
	ck_assert_int_eq(SYSCTL("net.core.somaxconn=0x10"), 0);
	ck_out("net.core.somaxconn = 0x10\n");
	ck_assert_int_eq(sysctl_somaxconn, 16);
	ck_assert_int_eq(SYSCTL("net.core.somaxconn=0X7fffffff"), 0);
	ck_assert_int_eq(sysctl_somaxconn, INT_MAX);
	ck_assert_int_eq(SYSCTL("net.core.somaxconn=010"), 0);
	ck_assert_int_eq(sysctl_somaxconn, 8);
	ck_assert_int_eq(SYSCTL("net.ipv4.tcp_syncookies=0x2"), 0);
	ck_assert_int_eq(sysctl_tcp_syncookies, 2);
	ck_assert_int_eq(SYSCTL("net.core.somaxconn=00"), 0);
	ck_assert_int_eq(sysctl_somaxconn, 0);
}
END_TEST

START_TEST(write_without_equals)
{
	ck_assert_int_ne(SYSCTL("-w", "net.core.somaxconn"), 0);
	ck_out("sysctl: \"net.core.somaxconn\" must be of the form name=value\n");
	ck_assert_int_ne(SYSCTL("-w", "net.core.somaxconn", "net.core.busy_poll=1"), 0);
	ck_out("sysctl: \"net.core.somaxconn\" must be of the form name=value\n"
	       "net.core.busy_poll = 1\n");
	ck_assert_int_ne(SYSCTL("=5"), 0);
	ck_out("sysctl: malformed setting \"=5\"\n");
	const char *changed[] = { "net.core.busy_poll", NULL };
	ck_all_defaults_except(changed);
}
END_TEST

/* --- options ------------------------------------------------------------ */

START_TEST(bad_option)
{
	ck_assert_int_ne(SYSCTL("-z", "net.core.somaxconn=1"), 0);
	ck_out("sysctl: invalid option -- 'z'\nTry 'sysctl --help' for more information.\n");
	ck_assert_int_ne(SYSCTL("-wz", "net.core.somaxconn=1"), 0);
	ck_out("sysctl: invalid option -- 'z'\nTry 'sysctl --help' for more information.\n");
	ck_assert_int_ne(SYSCTL("--bogus"), 0);
	ck_out("sysctl: unrecognized option '--bogus'\nTry 'sysctl --help' for more information.\n");
	ck_all_defaults_except(NULL);
}
END_TEST

START_TEST(help)
{
	ck_assert_int_eq(SYSCTL("-h"), 0);
	static const char usage[] = "\nUsage:\n sysctl [options] [variable[=value] ...]\n";
	ck_assert_int_eq(strncmp(con_text(), usage, strlen(usage)), 0);
	ck_assert_ptr_nonnull(strstr(con_text(), "-p, --load"));
	ck_assert_int_eq(SYSCTL("--help"), 0);
	ck_assert_int_eq(strncmp(con_text(), "\nUsage:\n", 8), 0);
}
END_TEST

START_TEST(double_dash)
{
	ck_assert_int_eq(SYSCTL("--", "net.core.busy_poll"), 0);
	ck_out("net.core.busy_poll = 0\n");
}
END_TEST

/* --- sysctl.conf (-p) ---------------------------------------------------- */

static const char conf[] =
	"# sysctl.conf for the tests\n"
	"; another comment = 5\n"
	"\n"
	"   \t\n"
	"net.core.somaxconn = 1024\n"
	"\tnet.core.netdev_max_backlog=2000   \n"
	"this line has no equals sign\n"
	"net.core.nonexistent = 1\n"
	"net.ipv4.tcp_syncookies = 3\n"
	"-net.core.also_missing = 1\n"
	"net/ipv4/tcp_fin_timeout = 30\r\n"
	"   # indented comment\n"
	" = 7\n"
	"net.ipv4.conf.all.rp_filter = 2"; /* no final newline */

static const char conf_out[] =
	"net.core.somaxconn = 1024\n"
	"net.core.netdev_max_backlog = 2000\n"
	"sysctl: sysctl.conf(7): invalid syntax, continuing...\n"
	"sysctl: cannot stat /proc/sys/net/core/nonexistent: No such file or directory\n"
	BAD_SYNCOOKIES
	"net.ipv4.tcp_fin_timeout = 30\n"
	"sysctl: sysctl.conf(13): invalid syntax, continuing...\n"
	"net.ipv4.conf.all.rp_filter = 2\n";

static void ck_conf_applied(void)
{
	ck_assert_int_eq(sysctl_somaxconn, 1024);
	ck_assert_int_eq(sysctl_netdev_max_backlog, 2000);
	ck_assert_int_eq(sysctl_tcp_fin_timeout, 30);
	ck_assert_int_eq(devconf_all.rp_filter, 2);
	ck_assert_int_eq(sysctl_tcp_syncookies, 1);
	const char *changed[] = { "net.core.somaxconn", "net.core.netdev_max_backlog", "net.ipv4.tcp_fin_timeout",
				  "net.ipv4.conf.all.rp_filter", NULL };
	ck_all_defaults_except(changed);
}

START_TEST(load_default_file)
{
	fake_bootfile_add("sysctl.conf", conf);
	ck_assert_int_ne(SYSCTL("-p"), 0);
	ck_out(conf_out);
	ck_conf_applied();
}
END_TEST

START_TEST(load_named_file)
{
	fake_bootfile_add("sysctl.conf", "net.core.busy_poll = 1\n");
	fake_bootfile_add("other.conf", "net.core.busy_poll = 2\n");
	ck_assert_int_eq(SYSCTL("-p", "other.conf"), 0);
	ck_out("net.core.busy_poll = 2\n");
	ck_assert_int_eq(sysctl_busy_poll, 2);
	ck_assert_int_eq(SYSCTL("-psysctl.conf"), 0);
	ck_out("net.core.busy_poll = 1\n");
	ck_assert_int_eq(SYSCTL("--load=other.conf"), 0);
	ck_out("net.core.busy_poll = 2\n");
	ck_assert_int_eq(SYSCTL("--load"), 0);
	ck_out("net.core.busy_poll = 1\n");
	ck_assert_int_eq(SYSCTL("-p", "other.conf", "sysctl.conf"), 0);
	ck_out("net.core.busy_poll = 2\nnet.core.busy_poll = 1\n");
	ck_assert_int_eq(sysctl_busy_poll, 1);
}
END_TEST

START_TEST(load_quiet)
{
	fake_bootfile_add("sysctl.conf", conf);
	ck_assert_int_ne(SYSCTL("-q", "-p"), 0);
	ck_out("sysctl: sysctl.conf(7): invalid syntax, continuing...\n"
	       "sysctl: cannot stat /proc/sys/net/core/nonexistent: No such file or directory\n"
	       BAD_SYNCOOKIES
	       "sysctl: sysctl.conf(13): invalid syntax, continuing...\n");
	ck_conf_applied();
}
END_TEST

START_TEST(load_missing)
{
	ck_assert_int_ne(SYSCTL("-p", "missing.conf"), 0);
	ck_out("sysctl: cannot open \"missing.conf\": No such file or directory\n");
	ck_assert_int_ne(SYSCTL("-p"), 0);
	ck_out("sysctl: cannot open \"sysctl.conf\": No such file or directory\n");
	ck_all_defaults_except(NULL);
}
END_TEST

START_TEST(load_good_file)
{
	fake_bootfile_add("sysctl.conf", "# ok\nnet.core.somaxconn=8\n-net.core.gone = 1\n");
	ck_assert_int_eq(SYSCTL("-p"), 0);
	ck_out("net.core.somaxconn = 8\n");
	ck_assert_int_eq(sysctl_somaxconn, 8);
}
END_TEST

START_TEST(load_dash_key_bad_value)
{
	/* '-' silences an unknown key only, not a bad value of a known one. */
	fake_bootfile_add("sysctl.conf", "-net.ipv4.tcp_syncookies = 5\n-net.core.somaxconn = 9\n");
	ck_assert_int_ne(SYSCTL("-p"), 0);
	ck_out(BAD_SYNCOOKIES "net.core.somaxconn = 9\n");
	ck_assert_int_eq(sysctl_somaxconn, 9);
	ck_assert_int_eq(sysctl_tcp_syncookies, 1);
}
END_TEST

START_TEST(load_long_line)
{
	/* A line longer than the parser's buffer is refused whole, not cut. */
	static char text[2048];
	size_t n = snprintf(text, sizeof(text), "net.core.somaxconn = ");
	memset(text + n, '0', 1000);
	n += 1000;
	n += snprintf(text + n, sizeof(text) - n, "1\n# %0600d\nnet.core.busy_poll = 3\n", 0);
	fake_bootfile_add("sysctl.conf", text);
	ck_assert_int_ne(SYSCTL("-p"), 0);
	ck_out("sysctl: sysctl.conf(1): invalid syntax, continuing...\nnet.core.busy_poll = 3\n");
	ck_assert_int_eq(sysctl_somaxconn, 4096);
	ck_assert_int_eq(sysctl_busy_poll, 3);
}
END_TEST

START_TEST(apply_text_api)
{
	con_reset();
	ck_assert_int_eq(sysctl_apply_text("boot.conf", conf, strlen(conf), 0), 4);
	ck_assert_str_eq(con_text(), "net.core.somaxconn = 1024\n"
				     "net.core.netdev_max_backlog = 2000\n"
				     "sysctl: boot.conf(7): invalid syntax, continuing...\n"
				     "sysctl: cannot stat /proc/sys/net/core/nonexistent: No such file or directory\n"
				     BAD_SYNCOOKIES
				     "net.ipv4.tcp_fin_timeout = 30\n"
				     "sysctl: boot.conf(13): invalid syntax, continuing...\n"
				     "net.ipv4.conf.all.rp_filter = 2\n");
	ck_conf_applied();
	/* len bounds the text: the part after it is not read. */
	sysctl_init();
	con_reset();
	static const char two[] = "net.core.busy_poll = 4\nnet.core.somaxconn = 5\n";
	ck_assert_int_eq(sysctl_apply_text("x", two, 23, 1), 0);
	ck_assert_str_eq(con_text(), "");
	ck_assert_int_eq(sysctl_busy_poll, 4);
	ck_assert_int_eq(sysctl_somaxconn, 4096);
	ck_assert_int_eq(sysctl_apply_text("x", "", 0, 0), 0);
}
END_TEST

/* A vector (net.ipv4.tcp_mem): exactly n ints, each in bounds, shown
 * tab-separated as Linux shows them; anything else changes nothing. */
START_TEST(int_vector)
{
	const struct sysctl *s = sysctl_find("net.ipv4.tcp_mem");
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(sysctl_set(s, "10 20\t30"), 0);
	ck_assert_int_eq(sysctl_tcp_mem[0], 10);
	ck_assert_int_eq(sysctl_tcp_mem[2], 30);
	char v[64];
	sysctl_format(s, v, sizeof(v));
	ck_assert_str_eq(v, "10\t20\t30");
	ck_assert_int_eq(sysctl_set(s, "1 2"), -EINVAL);
	ck_assert_int_eq(sysctl_set(s, "1 2 3 4"), -EINVAL);
	ck_assert_int_eq(sysctl_set(s, "1 0 3"), -EINVAL);
	ck_assert_int_eq(sysctl_set(s, "1 x 3"), -EINVAL);
	ck_assert_int_eq(sysctl_set(s, ""), -EINVAL);
	ck_assert_int_eq(sysctl_tcp_mem[1], 20);
	con_reset();
	ck_assert_int_eq(SYSCTL("net.ipv4.tcp_mem=5 6 7"), 0);
	ck_assert_str_eq(con_text(), "net.ipv4.tcp_mem = 5 6 7\n"); /* procps echoes what was written */
	con_reset();
	ck_assert_int_eq(SYSCTL("net.ipv4.tcp_mem"), 0);
	ck_assert_str_eq(con_text(), "net.ipv4.tcp_mem = 5\t6\t7\n");
}
END_TEST

/* Linux's sysctl.NAME=VALUE on the kernel command line: other words are
 * left alone; a name or value that does not take is said, as Linux says it. */
START_TEST(apply_cmdline)
{
	con_reset();
	ck_assert_int_eq(sysctl_apply_cmdline("console=ttyS0 sysctl.kernel.panic_on_warn=1 quiet "
					      "sysctl.net/core/somaxconn=64 sysctl.net.core.nope=1 "
					      "sysctl.net.ipv4.tcp_syncookies=7 sysctl.noequals sysctl."),
			 2);
	ck_assert_int_eq(sysctl_panic_on_warn, 1);
	ck_assert_int_eq(sysctl_somaxconn, 64);
	ck_assert_int_eq(sysctl_tcp_syncookies, 1);
	ck_assert_str_eq(con_text(), "Failed to set sysctl parameter 'net.core.nope=1': parameter not found\n"
				     "Failed to set sysctl parameter 'net.ipv4.tcp_syncookies=7': invalid value\n");
	ck_assert_int_eq(sysctl_apply_cmdline(""), 0);
}
END_TEST

/* --- docs/tuning.md's table ---------------------------------------------- */

START_TEST(doc_markdown)
{
	con_reset();
	sysctl_doc_markdown();
	const char *t = con_text();
	static const char head[] = "| Name | Default | Range | Description |\n|---|---|---|---|\n";
	ck_assert_int_eq(strncmp(t, head, strlen(head)), 0);
	size_t lines = 0;
	for (const char *p = t; *p; p++)
		lines += *p == '\n';
	size_t rows = 0;
	for (size_t i = 0; i < sysctl_table_len; i++)
		rows += !sysctl_table[i].present; /* per-interface rows are said once, under conf.all */
	ck_assert_uint_eq(lines, rows + 2);
	ck_assert_ptr_null(strstr(t, "conf.eth0."));
	ck_assert_ptr_nonnull(strstr(t, "\n| `net.core.somaxconn` | 4096 | 0 to 2147483647 | "));
	ck_assert_ptr_nonnull(strstr(t, "\n| `net.ipv4.tcp_syncookies` | 1 | 0 to 2 | SYN cookies (RFC 4987)"));
	ck_assert_ptr_nonnull(strstr(t, "\n| `net.ipv4.ip_default_ttl` | 64 | 1 to 255 | "));
	/* Rows in table order. */
	const char *last = t;
	for (size_t i = 0; i < sysctl_table_len; i++) {
		char cell[160];
		if (sysctl_table[i].present)
			continue;
		snprintf(cell, sizeof(cell), "\n| `%s` | ", sysctl_table[i].name);
		const char *at = strstr(t, cell);
		ck_assert_msg(at && at > last, "%s missing or out of order", sysctl_table[i].name);
		last = at;
	}
}
END_TEST

Suite *sysctl_suite(void)
{
	Suite *s = suite_create("sysctl");
	TCase *tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, defaults_are_linux);
	tcase_add_test(tc, table_sorted_unique);
	tcase_add_test(tc, table_rows_sane);
	tcase_add_test(tc, init_restores_defaults);
	tcase_add_test(tc, find_names);
	tcase_add_test(tc, set_and_format);
	tcase_add_test(tc, handler_int);
	tcase_add_test(tc, string_knob);
	tcase_add_test(tc, string_knob_long);
	tcase_add_test(tc, doc_markdown);
	suite_add_tcase(s, tc);

	tc = tcase_create("read");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, read_one);
	tcase_add_test(tc, read_values_only);
	tcase_add_test(tc, read_names_only);
	tcase_add_test(tc, read_slash_form);
	tcase_add_test(tc, read_unknown);
	tcase_add_test(tc, read_unknown_ignored);
	tcase_add_test(tc, read_many_keeps_going);
	tcase_add_test(tc, read_all);
	tcase_add_test(tc, read_all_names);
	tcase_add_test(tc, read_prefix);
	tcase_add_test(tc, default_qdisc);
	tcase_add_test(tc, no_variables);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, write_w);
	tcase_add_test(tc, write_implicit);
	tcase_add_test(tc, write_many);
	tcase_add_test(tc, write_slash_form);
	tcase_add_test(tc, write_quiet);
	tcase_add_test(tc, write_values_only);
	tcase_add_test(tc, write_unknown);
	tcase_add_test(tc, write_bad_value);
	tcase_add_test(tc, write_bounds);
	tcase_add_test(tc, write_base0);
	tcase_add_test(tc, write_without_equals);
	tcase_add_test(tc, per_interface_rows);
	tcase_add_test(tc, default_reaches_interfaces);
	suite_add_tcase(s, tc);

	tc = tcase_create("options");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, bad_option);
	tcase_add_test(tc, help);
	tcase_add_test(tc, double_dash);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, load_default_file);
	tcase_add_test(tc, load_named_file);
	tcase_add_test(tc, load_quiet);
	tcase_add_test(tc, load_missing);
	tcase_add_test(tc, load_good_file);
	tcase_add_test(tc, load_dash_key_bad_value);
	tcase_add_test(tc, load_long_line);
	tcase_add_test(tc, apply_text_api);
	tcase_add_test(tc, apply_cmdline);
	tcase_add_test(tc, int_vector);
	suite_add_tcase(s, tc);
	return s;
}
