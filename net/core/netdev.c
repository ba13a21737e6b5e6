/*
 * The netdev layer's device table, the one place with net/core/netdev_rx.c
 * (receive: the input backlog and who holds the driver's buffers),
 * net/core/netdev_tx.c (transmit: the queue in front of the ring and the
 * bounded request builder) and net/core/netdev_loop.c (the event loop hook and
 * /proc/net/cycles) that knows both drivers (drivers/netdev.h) and lwIP.
 * Here: registration, each device's netif, link and admin state and MTU,
 * and the registry's per-device sections (net/core/counter.h): ip -s link's
 * counters and the device's state for /metrics.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/printk.h"
#include "lwip/etharp.h"
#include "net/core/counter.h"
#include "net/core/netdev_priv.h"
#include "net/ipv4/devinet.h"
#include "netif/ethernet.h"


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

/* ---- the registry's per-device sections ---------------------------------- */

/* Device i: its struct netdev (link) or struct netdev_state (netdev). */
int netdev_counter_link(int i, const void **obj, const char **label)
{
	if (i >= ndevs)
		return -1;
	*obj = devs[i];
	*label = devs[i]->name;
	return 1;
}

int netdev_counter_state(int i, const void **obj, const char **label)
{
	if (i >= ndevs)
		return -1;
	*obj = devs[i]->stack;
	*label = devs[i]->name;
	return 1;
}

static const char *driver_dev;                                  /* ops->stats' emit has no argument */
static void (*driver_emit)(const char *dev, const char *name, uint64_t v);

static void driver_stat(const char *name, uint64_t v)
{
	driver_emit(driver_dev, name, v);
}

void netdev_counter_drivers(void (*emit)(const char *dev, const char *name, uint64_t v))
{
	driver_emit = emit;
	for (int i = 0; i < ndevs; i++) {
		driver_dev = devs[i]->name;
		if (devs[i]->ops->stats)
			devs[i]->ops->stats(devs[i], driver_stat);
	}
}

#define LINK_STAT(ord, f, help) COUNTER_FIELD(link, ord, f, struct netdev, stats.f, 0, NONE, help)
LINK_STAT(10, rx_packets, "Frames received (ip -s link).");
LINK_STAT(20, rx_bytes, "Bytes received.");
LINK_STAT(30, rx_dropped, "Received frames dropped.");
LINK_STAT(40, rx_errors, "Receive errors.");
LINK_STAT(50, tx_packets, "Frames transmitted.");
LINK_STAT(60, tx_bytes, "Bytes transmitted.");
LINK_STAT(70, tx_dropped, "Frames dropped on transmit.");
LINK_STAT(80, tx_errors, "Transmit errors.");
COUNTER_FIELD(link, 90, mtu, struct netdev, mtu, COUNTER_F_GAUGE, NONE, "MTU, bytes.");
COUNTER_FIELD(link, 100, carrier, struct netdev, link_up, COUNTER_F_GAUGE, NONE, "1 if the link is up.");
/* Gauges of the stack's state: /metrics only (ethtool -S prints ALWAYS rows). */
COUNTER_FIELD(netdev, 1, up, struct netdev_state, admin_up, COUNTER_F_GAUGE, NONE, "1 if administratively up.");
COUNTER_FIELD(netdev, 2, rx_backlog, struct netdev_state, rx_len, COUNTER_F_GAUGE, NONE, "Frames on the input backlog.");
COUNTER_FIELD(netdev, 3, tx_queue, struct netdev_state, txq_len, COUNTER_F_GAUGE, NONE, "Frames in the root qdisc.");

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
	/* Linux's dev_activate: the default root qdisc at the first up. */
	if (up && !st->qdisc && netdev_qdisc_default(dev))
		return -ENOMEM;
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
	if (!st)
		return -ENOMEM;
	st->dev = dev;
	netdev_tx_init(st);
	st->rx_copybreak = NETDEV_RX_COPYBREAK;
	/* GRO is the stack's (net/core/netdev_rx.c): on for every device and
	 * switchable, as Linux's register_netdevice adds NETIF_F_SOFT_FEATURES. */
	dev->features |= NETDEV_F_GRO;
	dev->hw_features |= NETDEV_F_GRO;
	snprintf(dev->name, sizeof(dev->name), "eth%d", ndevs);
	dev->index = ndevs + 2; /* ifindex 1 is lo, as on Linux */
	dev->stack = st;
	dev->napi.dev = dev;
	if (!netif_add(&st->netif, NULL, NULL, NULL, st, netif_init_cb, ethernet_input)) {
		free(st);
		return -ENOMEM;
	}
	/* The device completes TCP checksums; UDP stays in software because
	 * lwIP may fragment a datagram and the device sees one frame.  IPv4
	 * header checksums are set on the way to the device
	 * (netdev_txreq_finish), so a TSO bundle's segments are not summed. */
	u16_t sums = NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_IP;
	if (dev->features & NETDEV_F_TXCSUM)
		sums &= (u16_t)~NETIF_CHECKSUM_GEN_TCP;
	NETIF_SET_CHECKSUM_CTRL(&st->netif, sums);
	devconf_register(ndevs); /* net.ipv4.conf.ethN.* from conf.default */
	devs[ndevs++] = dev;
	return 0;
}
