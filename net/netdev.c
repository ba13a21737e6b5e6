/*
 * The netdev layer's device table, the one place with net/netdev_rx.c
 * (receive: the input backlog and who holds the driver's buffers),
 * net/netdev_tx.c (transmit: the queue in front of the ring and the
 * bounded request builder) and net/netdev_loop.c (the event loop hook and
 * /proc/net/cycles) that knows both drivers (drivers/netdev.h) and lwIP.
 * Here: registration, each device's netif, link and admin state and MTU,
 * and the stack's per-device counters (ethtool -S, /metrics).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/printk.h"
#include "lwip/etharp.h"
#include "net/netdev_priv.h"
#include "netif/ethernet.h"

#define COUNTER(f, name, help) { name, offsetof(struct netdev_state, f), help }
const struct netdev_counter netdev_counters[] = {
	COUNTER(rx_backlog_drops, "rx_backlog_drops", "Frames dropped: input backlog full."),
	COUNTER(rx_copybreak_frames, "rx_copybreak", "Short frames copied, their driver buffer given back at once."),
	COUNTER(rx_copy_lowbuf, "rx_copy_lowbuf", "Frames copied because the driver's free buffers ran low."),
	COUNTER(rx_copy_headers, "rx_copy_headers", "Frames copied because their headers were split over buffers."),
	COUNTER(rx_copy_nomem, "rx_copy_nomem", "Frames dropped: no memory to copy them."),
	COUNTER(rx_length_errors, "rx_length_errors", "Frames dropped: shorter than their Ethernet or ARP header."),
	COUNTER(tx_queue_drops, "tx_queue_drops", "Frames the root qdisc refused (tail drop, no handle); TCP keeps its segment."),
	COUNTER(tx_linearized, "tx_linearized", "Frames copied: too many fragments for the device."),
	COUNTER(tx_replace_drops, "tx_qdisc_replace_drops", "Frames dropped with a qdisc tc replaced or deleted."),
	COUNTER(tx_ce_marked, "tx_ecn_ce_marked", "Frames CE-marked by the qdisc instead of dropped (RFC 3168)."),
	COUNTER(bql_stops, "tx_bql_stops", "Times Byte Queue Limits stopped the qdisc feeding the ring."),
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
	snprintf(dev->name, sizeof(dev->name), "eth%d", ndevs);
	dev->index = ndevs + 2; /* ifindex 1 is lo, as on Linux */
	dev->stack = st;
	dev->napi.dev = dev;
	if (!netif_add(&st->netif, NULL, NULL, NULL, st, netif_init_cb, ethernet_input)) {
		free(st);
		return -ENOMEM;
	}
	/* The device completes TCP checksums; UDP stays in software because
	 * lwIP may fragment a datagram and the device sees one frame. */
	if (dev->features & NETDEV_F_TXCSUM)
		NETIF_SET_CHECKSUM_CTRL(&st->netif, NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP);
	devs[ndevs++] = dev;
	return 0;
}
