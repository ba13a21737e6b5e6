/*
 * The network's event loop hook (kernel/loop.h).  Each round: the NAPI
 * round (net/core/napi.c), each device's backlog fed to lwIP after its poll;
 * at a timer wakeup, finished transmissions reclaimed and lwIP's timers
 * run; TCP memory relief; then each device's transmit step
 * (net/core/netdev_tx.c), one notify per device per round.  Before the CPU
 * sleeps, a device with frames no interrupt announced is polled.
 * /proc/net/cycles: where the hook's time goes.  Caller: net/core/net.c
 * (netdev_init registers the hook).
 */
#include <stdio.h>

#include "kernel/console.h"
#include "kernel/loop.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"
#include "net/core/napi.h"
#include "net/core/net.h"
#include "net/core/netdev_priv.h"
#include "net/ipv4/tcp_mem.h"

/* Where the network hook's time goes, in TSC cycles (/proc/net/cycles). */
static struct {
	uint64_t napi, stack, timers, tx, rounds;
} cyc;

/* Feeds a device's backlog to lwIP (napi_run calls it after each poll). */
static void drain_backlog(struct netdev *dev)
{
	uint64_t t0 = rdtsc();
	netdev_rx_drain(dev);
	cyc.stack += rdtsc() - t0; /* lwIP input and the applications it calls */
	netdev_rx_relieve(dev);
}

/* Returns nonzero if it did anything (the loop then polls again at once). */
static int net_poll(void)
{
	uint64_t polls = softnet.polls, t0 = rdtsc();
	int work = napi_run(sysctl_netdev_budget, sysctl_netdev_budget_usecs, drain_backlog);
	work |= softnet.polls != polls;
	uint64_t t1 = rdtsc();
	cyc.napi += t1 - t0;
	cyc.rounds++;
	if (sys_timeouts_sleeptime() == 0) {
		for (int i = 0; i < netdev_count(); i++) {
			struct netdev *dev = netdev_get(i);
			dev->ops->tx_reclaim(dev);
		}
		sys_check_timeouts();
		net_trim_caches(); /* its own 1 s clock; here only when a timer is due */
		if (net_lwip_assert_pending)
			net_lwip_assert_settle();
	}
	tcp_mem_relieve();
	uint64_t t2 = rdtsc();
	cyc.timers += t2 - t1;
	int restart = 0;
	for (int i = 0; i < netdev_count(); i++)
		restart |= netdev_tx_run(netdev_get(i));
	/* A segment lwIP could not queue waits for an ACK or the slow timer
	 * (TF_NAGLEMEMERR): send it as soon as the queue has room instead. */
	if (restart)
		tcp_txnow();
	cyc.tx += rdtsc() - t2;
	return work;
}

static struct {
	const char *name;
	const uint64_t *tsc;
} parts[4];

void net_cycles_part(const char *name, const uint64_t *tsc)
{
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i].tsc == tsc)
			return;
		if (!parts[i].tsc) {
			parts[i].name = name;
			parts[i].tsc = tsc;
			return;
		}
	}
}

static uint64_t ns_of(uint64_t cycles)
{
	uint64_t hz = time_tsc_hz();
	return hz ? mul_div_u64(cycles, 1000000000ULL, hz) : 0;
}

/* The TSC around the network hook's parts, and the loop's idle time. */
static void proc_cycles(void)
{
	uint64_t driver = cyc.napi > cyc.stack ? cyc.napi - cyc.stack : 0;
	con_printf("part               ns\n");
	con_printf("driver_poll        %lu\n", ns_of(driver));
	con_printf("stack_input        %lu\n", ns_of(cyc.stack));
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]) && parts[i].tsc; i++) {
		char key[40];
		snprintf(key, sizeof(key), "stack_input.%s", parts[i].name);
		con_printf("%-18s %lu\n", key, ns_of(*parts[i].tsc));
	}
	con_printf("timers             %lu\n", ns_of(cyc.timers));
	con_printf("tx_drain_kick      %lu\n", ns_of(cyc.tx));
	con_printf("idle_halted        %lu\n", loop_idle_ns());
	con_printf("uptime             %lu\n", time_ns());
	con_printf("net_rounds         %lu\n", cyc.rounds);
}
PROC_FILE(net_cycles, "/proc/net/cycles", proc_cycles);

/* The loop asks before it sleeps: a device with frames no interrupt
 * announced is polled now rather than after the next interrupt, which may
 * never come (netdev.h, rx_pending). */
static uint64_t net_next_ms(void)
{
	for (int i = 0; i < netdev_count(); i++) {
		struct netdev *dev = netdev_get(i);
		if (!dev->napi.scheduled && dev->ops->rx_pending && dev->ops->rx_pending(dev)) {
			napi_schedule(&dev->napi);
			return 0;
		}
		if (netdev_tso_held(dev) || netdev_tx_unkicked(dev))
			return 0; /* frames another hook sent wait in a bundle or for the notify: the transmit step */
	}
	u32_t ms = sys_timeouts_sleeptime();
	if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
		ms = 1000;
	/* Frames held by a shaper or by BQL: look again within 1 ms (Linux's
	 * qdisc watchdog; and a lost TX interrupt costs no more than that). */
	for (int i = 0; i < netdev_count() && ms > 1; i++) {
		if (netdev_tx_pending(netdev_get(i)))
			ms = 1;
	}
	return ms;
}

static const struct loop_hook net_hook = { "net", net_poll, net_next_ms };

void netdev_init(void)
{
	loop_register(&net_hook);
}
