/*
 * `netstat -s`: protocol statistics in net-tools' words and order (its
 * statistics.c reading Linux's /proc/net/snmp and /proc/net/netstat): the
 * registry's sections Ip to NagareExt (net/core/counter.h), each row printed in
 * its line shape.  As in net-tools, "optional" lines appear only when
 * nonzero and counters with no sentence print as "Name: value".
 * NagareExt is ours: receive backlog, device and ARP queue drops that Linux
 * shows elsewhere (/proc/net/softnet_stat, ip -s link,
 * /proc/net/stat/arp_cache); its totals over devices are declared here.
 */
#include <stdint.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "net/core/counter.h"
#include "net/core/napi.h"
#include "net/core/netdev_priv.h"
#include "net/core/netstat.h"

struct netstat_ext netstat_ext;

/* NagareExt's totals over devices (/metrics has them per device). */
static uint64_t dev_sum(size_t off, int in_state)
{
	uint64_t sum = 0;
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		const char *base = in_state ? (const char *)netdev_state(dev) : (const char *)dev;
		sum += *(const uint64_t *)(base + off);
	}
	return sum;
}
#define DEV_SUM(ord, name, in_state, type, field)                                        \
	static uint64_t sum_##name(void)                                                   \
	{                                                                                  \
		return dev_sum(offsetof(type, field), in_state);                           \
	}                                                                                  \
	COUNTER_FN(NagareExt, ord, name, sum_##name, COUNTER_F_NOMETRIC, ALWAYS, NULL, NULL)
COUNTER_ROW(NagareExt, 10, BacklogDrops, ALWAYS, COUNTER_F_NOMETRIC, 8, { .p = &softnet.dropped }, NULL, NULL);
COUNTER_ROW(NagareExt, 20, TimeSqueeze, ALWAYS, COUNTER_F_NOMETRIC, 8, { .p = &softnet.time_squeeze }, NULL, NULL);
DEV_SUM(30, RxDropped, 0, struct netdev, stats.rx_dropped);
DEV_SUM(40, RxErrors, 0, struct netdev, stats.rx_errors);
DEV_SUM(50, TxDropped, 0, struct netdev, stats.tx_dropped);
DEV_SUM(60, TxErrors, 0, struct netdev, stats.tx_errors);
DEV_SUM(70, TxQueueDrops, 1, struct netdev_state, tx_queue_drops);

/* One row in its line shape; 1 if it printed. */
static int show_row(const struct counter *c)
{
	uint64_t v = c->line == COUNTER_LINE_TITLE ? 0 : counter_read(c, NULL);
	switch (c->line) {
	case COUNTER_LINE_OPT:
		if (!v)
			return 0;
		/* fall through */
	case COUNTER_LINE_NUM:
		con_printf("    %lu %s\n", (unsigned long)v, c->text);
		return 1;
	case COUNTER_LINE_NAMED:
		if (!v)
			return 0;
		/* fall through */
	case COUNTER_LINE_ALWAYS:
		con_printf("    %s: %lu\n", c->name, (unsigned long)v);
		return 1;
	case COUNTER_LINE_HIST:
		if (!v)
			return 0;
		con_printf("        %s: %lu\n", c->text, (unsigned long)v);
		return 1;
	case COUNTER_LINE_TITLE:
		con_printf("    %s\n", c->text);
		return 1;
	default:
		return 0;
	}
}

static int nonzero(enum counter_sec sec)
{
	for (int i = 0; i < counter_count(); i++) {
		const struct counter *c = counter_get(i);
		if (c->sec == sec && c->line != COUNTER_LINE_TITLE && counter_read(c, NULL))
			return 1;
	}
	return 0;
}

static void show_section(enum counter_sec sec)
{
	const struct counter_section *s = counter_section(sec);
	if (s->hide_empty && !nonzero(sec))
		return;
	con_printf("%s:\n", s->name);
	for (int i = 0; i < counter_count(); i++) {
		const struct counter *c = counter_get(i);
		if (c->sec == sec)
			show_row(c);
	}
}

static int cmd_netstat(int argc, char **argv)
{
	int stats = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--statistics")) {
			stats = 1;
		} else if (a[0] == '-' && a[1] == '-') {
			con_printf("netstat: unrecognized option '%s'\n", a);
			return 1;
		} else if (a[0] == '-' && a[1]) {
			size_t bad = 1;
			while (a[bad] == 's') /* -ss is -s */
				bad++;
			if (a[bad]) {
				con_printf("netstat: invalid option -- '%c'\n", a[bad]);
				return 1;
			}
			stats = 1;
		} else {
			con_printf("netstat: unexpected argument '%s'\n", a);
			return 1;
		}
	}
	if (!stats) {
		con_printf("netstat: only 'netstat -s' is supported (sockets: see 'ip', devices: 'ip -s link')\n");
		return 1;
	}
	for (int sec = COUNTER_SEC_Ip; sec <= COUNTER_SEC_NagareExt; sec++)
		show_section(sec);
	return 0;
}
CONSOLE_CMD(netstat, "netstat", cmd_netstat, "netstat -s", "protocol statistics (IP, ICMP, TCP, UDP)");
