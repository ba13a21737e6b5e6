/*
 * Runtime tunables.  One table (kernel/sysctl_table.c) lists every knob:
 * name, type, variable, bounds, default, doc, optional side-effect
 * handler.  The `sysctl` command, sysctl.conf at boot, /sysctl over HTTP
 * and docs/tuning.md all walk it; nothing else parses a tunable.
 * Names, defaults and messages follow Linux and procps-ng's sysctl(8).
 */
#ifndef KERNEL_SYSCTL_H
#define KERNEL_SYSCTL_H

#include <stddef.h>

enum sysctl_type {
	SYSCTL_INT,    /* int, checked against [min, max] */
	SYSCTL_STRING, /* char[max], validated by the handler */
	SYSCTL_INTVEC, /* int[n], each in [min, max]: Linux's vectors (tcp_mem), tab-separated */
};

struct sysctl {
	const char *name;  /* dotted: "net.core.somaxconn" */
	enum sysctl_type type;
	void *data;        /* int * or char[max] */
	long min, max;     /* INT: bounds; STRING: max = buffer size */
	long def;          /* INT default */
	const char *defstr; /* STRING default */
	const char *doc;   /* one line; "(not yet effective)" when only registered */
	/* Optional: called with the parsed value before it is stored; non-zero
	 * refuses it (Invalid argument).  For knobs with side effects. */
	int (*handler)(const struct sysctl *s, long v, const char *str);
	/* INTVEC: how many ints, and the defaults (filled at boot where Linux
	 * computes them from memory; defstr then says how). */
	int n;
	const int *defvec;
	/* Optional: zero while the row does not exist (a per-interface knob
	 * of an interface not registered); NULL: always. */
	int (*present)(const struct sysctl *s);
};

extern const struct sysctl sysctl_table[];
extern const size_t sysctl_table_len;

/* Sets every variable to its default. */
void sysctl_init(void);
/* Whether the row exists now (see struct sysctl's present). */
static inline int sysctl_exists(const struct sysctl *s)
{
	return !s->present || s->present(s);
}
/* By dotted or slash-separated name; NULL if unknown or not existing. */
const struct sysctl *sysctl_find(const char *name);
/* Parses and stores value; 0 or -EINVAL, and then nothing changed. */
int sysctl_set(const struct sysctl *s, const char *value);
/* The current value as text; returns its length. */
int sysctl_format(const struct sysctl *s, char *buf, size_t size);
/* Applies the kernel command line's sysctl.NAME=VALUE words (as Linux);
 * returns how many did not take (each printed). */
int sysctl_apply_cmdline(const char *cmdline);
/* Applies a sysctl.conf text (procps -p rules); returns the number of bad lines. */
int sysctl_apply_text(const char *file, const char *text, size_t len, int quiet);
/* The `sysctl` console command. */
int sysctl_main(int argc, char **argv);
/* Writes docs/tuning.md's body (Markdown) through con_printf. */
void sysctl_doc_markdown(void);

/* The tunables, named as Linux names their variables. */
extern int sysctl_somaxconn;
extern int sysctl_netdev_max_backlog;
extern int sysctl_netdev_budget;
extern int sysctl_netdev_budget_usecs;
extern int sysctl_busy_poll;
extern int sysctl_max_syn_backlog;
extern int sysctl_tcp_syncookies;
extern int sysctl_tcp_abort_on_overflow;
extern int sysctl_tcp_synack_retries;
extern int sysctl_tcp_synq_sizing;
extern int sysctl_tcp_fin_timeout;
extern int sysctl_tcp_min_snd_mss;
extern int sysctl_tcp_max_tw_buckets;
extern int sysctl_icmp_echo_ignore_all;
extern int sysctl_neigh_unres_qlen_bytes;
extern int sysctl_icmp_echo_ignore_broadcasts;
extern int sysctl_icmp_ignore_bogus_error_responses;
extern int sysctl_icmp_ratelimit, sysctl_icmp_ratemask, sysctl_icmp_msgs_per_sec, sysctl_icmp_msgs_burst;
extern int sysctl_ip_default_ttl;
extern char sysctl_default_qdisc[16];
extern int sysctl_tcp_limit_output_bytes;
extern int sysctl_panic_on_warn;
extern int sysctl_tcp_mem[3], sysctl_tcp_mem_default[3];

#endif
