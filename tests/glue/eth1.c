/*
 * A second interface for the glue world (tests/glue/glue.h): eth1, a
 * transmit-only device whose frames are logged for the test to read and
 * completed at the next reclaim, as fakedev.c does for eth0.  It receives
 * nothing.  netdev has no unregister, so eth1 is registered on first use
 * and stays; glue_eth1_down() takes its address away and its link down,
 * leaving no route through it.  Used by test_arp.c (arp_announce).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/netdev.h"
#include "tests/glue/glue.h"
#include "tests/glue/txlog.h"

#define TX_RING 64

static const uint8_t eth1_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };

static struct {
	struct netdev dev;
	int registered;
	void *ring[TX_RING];
	int ring_head, ring_len;
	struct txlog tx;
} e1;

static int xmit(struct netdev *dev, const struct netdev_txreq *req)
{
	(void)dev;
	if (e1.ring_len == TX_RING)
		return -ENOSPC;
	txlog_add(&e1.tx, req, "eth1");
	e1.ring[(e1.ring_head + e1.ring_len++) % TX_RING] = req->cookie;
	return 0;
}

static void kick(struct netdev *dev)
{
	(void)dev;
}

static void tx_reclaim(struct netdev *dev)
{
	while (e1.ring_len) {
		void *cookie = e1.ring[e1.ring_head];
		e1.ring_head = (e1.ring_head + 1) % TX_RING;
		e1.ring_len--;
		netdev_tx_done(dev, cookie);
	}
}

static int tx_arm(struct netdev *dev)
{
	int before = e1.ring_len;
	tx_reclaim(dev);
	return e1.ring_len != before;
}

static int poll(struct netdev *dev, int budget)
{
	(void)budget;
	tx_reclaim(dev);
	napi_complete(&dev->napi);
	return 0;
}

static void rx_release(struct netdev *dev, void *buf)
{
	(void)dev, (void)buf;
	abort(); /* nothing was lent */
}

static const struct netdev_ops eth1_ops = {
	.xmit = xmit,
	.tx_arm = tx_arm,
	.kick = kick,
	.poll = poll,
	.tx_reclaim = tx_reclaim,
	.rx_release = rx_release,
};

void glue_eth1_up(const char *cidr)
{
	if (!e1.registered) {
		e1.dev.ops = &eth1_ops;
		e1.dev.mtu = 1500;
		e1.dev.max_mtu = 1500;
		memcpy(e1.dev.mac, eth1_mac, 6);
		e1.dev.napi.weight = 64;
		if (netdev_register(&e1.dev) || strcmp(e1.dev.name, "eth1"))
			abort();
		netdev_link_change(&e1.dev, 1);
		e1.registered = 1;
	}
	char line[80];
	snprintf(line, sizeof(line), "ip addr add %s dev eth1", cidr);
	if (glue_cmd(line) || glue_cmd("ip link set eth1 up"))
		abort();
	glue_advance(1000); /* its gratuitous ARP completed */
	glue_eth1_tx_clear();
}

void glue_eth1_down(const char *cidr)
{
	char line[80];
	snprintf(line, sizeof(line), "ip addr del %s dev eth1", cidr);
	if (glue_cmd(line) || glue_cmd("ip link set eth1 down"))
		abort();
	glue_poll();
	glue_eth1_tx_clear();
}

int glue_eth1_tx_count(void)
{
	return txlog_count(&e1.tx);
}

const uint8_t *glue_eth1_tx_frame(int i, size_t *len)
{
	return txlog_frame(&e1.tx, i, len);
}

void glue_eth1_tx_clear(void)
{
	txlog_clear(&e1.tx);
}
