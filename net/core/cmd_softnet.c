/*
 * The NET_RX softnet counters (net/core/napi.h): /proc/net/softnet_stat in
 * Linux 6.1's format (net/core/net-procfs.c softnet_seq_show: one line
 * per CPU, 13 columns of %08x: processed, dropped, time_squeeze, five
 * zeros once fastroute, cpu_collision 0, received_rps, flow_limit_count,
 * backlog length, CPU index; 32-bit values, as there), and `softnet`,
 * the registry's softnet section (net/core/counter.h: processed, dropped,
 * time_squeeze, rounds, polls) by name, then the backlog.  One CPU: one line.
 */
#include <stdint.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "net/core/counter.h"
#include "net/core/napi.h"
#include "net/core/netdev_priv.h"

/* Frames waiting on all input backlogs (Linux: softnet_backlog_len). */
static unsigned backlog_len(void)
{
	unsigned n = 0;
	for (int i = 0; i < netdev_count(); i++)
		n += (unsigned)netdev_state(netdev_get(i))->rx_len;
	return n;
}

static void proc_softnet_stat(void)
{
	con_printf("%08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x\n",
		   (uint32_t)softnet.processed, (uint32_t)softnet.dropped,
		   (uint32_t)softnet.time_squeeze, 0, 0, 0, 0, 0, 0, /* fastroute, cpu_collision */
		   0, 0, /* received_rps, flow_limit_count: no RPS, no flow limit */
		   backlog_len(), 0 /* CPU index */);
}
PROC_FILE(softnet_stat, "/proc/net/softnet_stat", proc_softnet_stat);

static int cmd_softnet(int argc, char **argv)
{
	if (argc > 1) {
		con_printf("softnet: unexpected argument '%s'\n", argv[1]);
		return 1;
	}
	con_printf("cpu");
	for (int i = 0; i < counter_count(); i++) {
		const struct counter *c = counter_get(i);
		if (c->sec == COUNTER_SEC_softnet)
			con_printf(" %12s", c->name);
	}
	con_printf(" %7s\n%3d", "backlog", 0);
	for (int i = 0; i < counter_count(); i++) {
		const struct counter *c = counter_get(i);
		if (c->sec == COUNTER_SEC_softnet)
			con_printf(" %12lu", (unsigned long)counter_read(c, NULL));
	}
	con_printf(" %7u\n", backlog_len());
	return 0;
}
CONSOLE_CMD(softnet, "softnet", cmd_softnet, "softnet",
	    "NET_RX counters: processed, dropped, time_squeeze, rounds, polls");
