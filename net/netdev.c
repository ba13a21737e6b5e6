/*
 * The netdev layer: with net/netdev_rx.c (receive: the input backlog and
 * who holds the driver's buffers) and net/netdev_tx.c (transmit: the
 * queue in front of the ring and the bounded request builder), the one
 * place that knows both drivers (drivers/netdev.h) and lwIP.  Here: the
 * device table, each device's netif, link and admin state, and the event
 * loop hook, which runs the NAPI round, lwIP's timers, and one transmit
 * notify per device per round.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/loop.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "lwip/etharp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip.h"
#include "lwip/timeouts.h"
#include "net/napi.h"
#include "net/net.h"
#include "net/netdev_priv.h"
#include "net/tcp_mem.h"
#include "netif/ethernet.h"

#define COUNTER(f, name, help) { name, offsetof(struct netdev_state, f), help }
const struct netdev_counter netdev_counters[] = {
	COUNTER(rx_backlog_drops, "rx_backlog_drops", "Frames dropped: input backlog full."),
	COUNTER(rx_copybreak_frames, "rx_copybreak", "Short frames copied, their driver buffer given back at once."),
	COUNTER(rx_copy_lowbuf, "rx_copy_lowbuf", "Frames copied because the driver's free buffers ran low."),
	COUNTER(rx_copy_headers, "rx_copy_headers", "Frames copied because their headers were split over buffers."),
	COUNTER(rx_copy_nomem, "rx_copy_nomem", "Frames dropped: no memory to copy them."),
	COUNTER(rx_length_errors, "rx_length_errors", "Frames dropped: shorter than their Ethernet or ARP header."),
	COUNTER(tx_queue_drops, "tx_queue_drops", "Frames dropped: transmit queue full."),
	COUNTER(tx_linearized, "tx_linearized", "Frames copied: too many fragments for the device."),
};
const int netdev_ncounters = sizeof(netdev_counters) / sizeof(netdev_counters[0]);

static struct netdev *devs[NETDEV_MAX];
static int ndevs;

int netdev_count(void)
{
	return ndevs;
}

struct netdev *netdev_get(int i)
{
	return i >= 0 && i < ndevs ? devs[i] : NULL;
}

struct netdev *netdev_by_name(const char *name)
{
	for (int i = 0; i < ndevs; i++) {
		if (!strcmp(devs[i]->name, name))
			return devs[i];
	}
	return NULL;
}

struct netdev *netdev_of_netif(const struct netif *netif)
{
	return netif && netif->state ? ((struct netdev_state *)netif->state)->dev : NULL;
}

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

/* ---- device state ------------------------------------------------------- */

void netdev_link_change(struct netdev *dev, int up)
{
	dev->link_up = up;
	struct netif *netif = netdev_netif(dev);
	if (up) {
		netif_set_link_up(netif);
		printk("%s: link becomes ready\n", dev->name);
	} else {
		netif_set_link_down(netif);
		printk("%s: link is down\n", dev->name);
	}
}

int netdev_set_up(struct netdev *dev, int up)
{
	struct netdev_state *st = dev->stack;
	st->admin_up = up;
	if (up)
		netif_set_up(&st->netif);
	else
		netif_set_down(&st->netif);
	return 0;
}

int netdev_set_mtu(struct netdev *dev, int mtu)
{
	if (!dev->ops->set_mtu || dev->ops->set_mtu(dev, mtu))
		return -EINVAL;
	dev->mtu = mtu;
	netdev_netif(dev)->mtu = (u16_t)mtu;
	return 0;
}

static err_t netif_init_cb(struct netif *netif)
{
	struct netdev_state *st = netif->state;
	struct netdev *dev = st->dev;
	netif->name[0] = 'e';
	netif->name[1] = 't';
	netif->output = etharp_output;
	netif->linkoutput = netdev_linkoutput;
	netif->mtu = (u16_t)dev->mtu;
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, dev->mac, ETH_HWADDR_LEN);
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

int netdev_register(struct netdev *dev)
{
	if (ndevs == NETDEV_MAX)
		return -ENOSPC;
	struct netdev_state *st = calloc(1, sizeof(*st));
	struct pbuf **txq = calloc(NETDEV_TXQUEUELEN, sizeof(*txq));
	if (!st || !txq) {
		free(st);
		free(txq);
		return -ENOMEM;
	}
	st->dev = dev;
	st->txq = txq;
	st->txqueuelen = NETDEV_TXQUEUELEN;
	st->rx_copybreak = NETDEV_RX_COPYBREAK;
	snprintf(dev->name, sizeof(dev->name), "eth%d", ndevs);
	dev->index = ndevs + 2; /* ifindex 1 is lo, as on Linux */
	dev->stack = st;
	dev->napi.dev = dev;
	if (!netif_add(&st->netif, NULL, NULL, NULL, st, netif_init_cb, ethernet_input)) {
		free(st);
		free(txq);
		return -ENOMEM;
	}
	/* The device completes TCP checksums; UDP stays in software because
	 * lwIP may fragment a datagram and the device sees one frame. */
	if (dev->features & NETDEV_F_TXCSUM)
		NETIF_SET_CHECKSUM_CTRL(&st->netif, NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP);
	devs[ndevs++] = dev;
	return 0;
}

/* The loop's transmit step for one device: what the queue holds goes to
 * the ring, one notify for the round.  Nonzero if the queue refused a TCP
 * segment and has room again (the caller runs tcp_txnow). */
int netdev_tx_run(struct netdev *dev)
{
	struct netdev_state *st = dev->stack;
	int restart = 0;
	if (st->txq_len)
		netdev_tx_drain(st);
	if (st->restart_tcp && st->txq_len < st->txqueuelen / 2) {
		st->restart_tcp = 0;
		restart = 1;
	}
	if (st->need_kick) {
		st->need_kick = 0;
		dev->ops->kick(dev);
	}
	return restart;
}

/* ---- the event loop hook ------------------------------------------------ */

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
		if (net_lwip_assert_pending)
			net_lwip_assert_settle();
	}
	tcp_mem_relieve();
	uint64_t t2 = rdtsc();
	cyc.timers += t2 - t1;
	int restart = 0;
	for (int i = 0; i < netdev_count(); i++)
		restart |= netdev_tx_run(netdev_get(i));
	/* A segment lwIP could not queue waits for an ACK or the 500 ms timer
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
	}
	u32_t ms = sys_timeouts_sleeptime();
	return ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? 1000 : ms;
}

static const struct loop_hook net_hook = { "net", net_poll, net_next_ms };

void netdev_init(void)
{
	loop_register(&net_hook);
}
