/*
 * virtio-net (virtio 1.1 section 5.1) over the modern PCI transport:
 * probe, feature negotiation, queues with their own MSI-X vectors
 * (config 0, RX 1, TX 2), interrupt handlers that only mask and schedule
 * NAPI, link status, ethtool data, and the netdev_ops table.  QEMU:
 * -device virtio-net-pci,disable-legacy=on,romfile=
 * Receive and transmit are in virtio_net_rx.c and virtio_net_tx.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio_net_priv.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define MSIX_CFG 0
#define MSIX_RX 1
#define MSIX_TX 2
#define VNET_MAX_MTU 9000

/* What makes the data path fast, and nothing it cannot handle (no GSO:
 * lwIP neither splits nor coalesces segments). */
#define WANT ((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |            \
	      (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_NET_F_CSUM) |          \
	      (1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |   \
	      (1ULL << VIRTIO_NET_F_MTU) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC))
#define NEED (1ULL << VIRTIO_F_VERSION_1)
/* Features whose data is in the device configuration (5.1.4). */
#define NEEDS_CFG ((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MTU))

static void rx_irq(void *arg)
{
	struct virtio_net *vn = arg;
	vn->st.rx_irqs++;
	vq_disable_cb(&vn->rxq);
	napi_schedule(&vn->dev.napi);
}

static void tx_irq(void *arg)
{
	struct virtio_net *vn = arg;
	vn->st.tx_irqs++;
	vq_disable_cb(&vn->txq);
	napi_schedule(&vn->dev.napi);
}

static void cfg_irq(void *arg)
{
	struct virtio_net *vn = arg;
	vn->st.cfg_irqs++;
	vn->cfg_changed = 1;
	napi_schedule(&vn->dev.napi);
}

void vnet_check_link(struct virtio_net *vn)
{
	int up = 1;
	if (virtio_has(&vn->vd, VIRTIO_NET_F_STATUS)) {
		uint16_t status;
		if (virtio_config_read(&vn->vd, offsetof(struct virtio_net_config, status), &status, 2))
			return; /* unreadable: the carrier stays as it was */
		up = !!(status & VIRTIO_NET_S_LINK_UP);
	}
	if (up != vn->dev.link_up)
		netdev_link_change(&vn->dev, up);
}

static int set_mtu(struct netdev *dev, int mtu)
{
	return mtu < 68 || mtu > dev->max_mtu ? -EINVAL : 0;
}

static void stats(struct netdev *dev, void (*emit)(const char *name, uint64_t v))
{
	struct virtio_net *vn = dev->priv;
	const struct vnet_stats *s = &vn->st;
	static const char *const hist[VNET_HIST] = {
		"poll_packets_0", "poll_packets_1", "poll_packets_2_3", "poll_packets_4_7",
		"poll_packets_8_15", "poll_packets_16_31", "poll_packets_32_63", "poll_packets_64",
	};
	emit("rx_queue_0_packets", s->rx_packets);
	emit("rx_queue_0_bytes", s->rx_bytes);
	emit("rx_queue_0_errors", s->rx_errors);
	emit("rx_queue_0_mergeable", s->rx_mergeable);
	emit("rx_queue_0_csum_valid", s->rx_csum_valid);
	emit("rx_queue_0_csum_partial", s->rx_csum_partial);
	emit("rx_queue_0_csum_none", s->rx_csum_none);
	emit("rx_queue_0_kicks", s->refill_notifies);
	emit("rx_queue_0_refill_failures", s->refill_failures);
	emit("rx_queue_0_buffers_posted", vn->rx_posted);
	emit("rx_queue_0_buffers_total", vn->rx_total);
	emit("rx_queue_0_buffers_lent", (uint64_t)vnet_rx_lent(vn));
	emit("tx_queue_0_packets", s->tx_packets);
	emit("tx_queue_0_bytes", s->tx_bytes);
	emit("tx_queue_0_kicks", s->tx_kicks);
	emit("tx_queue_0_kicks_suppressed", s->tx_kicks_suppressed);
	emit("tx_queue_0_ring_full", s->tx_ring_full);
	emit("tx_queue_0_reclaimed", s->tx_reclaimed);
	emit("rx_irqs", s->rx_irqs);
	emit("rx_missed_irqs", s->rx_missed_irqs);
	emit("tx_irqs", s->tx_irqs);
	emit("config_irqs", s->cfg_irqs);
	emit("napi_polls", s->napi_polls);
	emit("napi_complete", s->napi_complete);
	emit("napi_repoll", s->napi_repoll);
	for (int i = 0; i < VNET_HIST; i++)
		emit(hist[i], s->poll_hist[i]);
}

static void info(struct netdev *dev, char *driver, char *version, char *bus, size_t len)
{
	struct virtio_net *vn = dev->priv;
	strlcpy(driver, "virtio_net", len);
	strlcpy(version, "1.0.0", len);
	snprintf(bus, len, "0000:%02x:%02x.%x", vn->vd.pci->bus, vn->vd.pci->dev, vn->vd.pci->fn);
}

static const struct netdev_ops virtio_net_ops = {
	.xmit = vnet_xmit,
	.kick = vnet_kick,
	.poll = vnet_poll,
	.tx_reclaim = vnet_tx_reclaim_op,
	.rx_pending = vnet_rx_pending,
	.rx_release = vnet_rx_release,
	.set_mtu = set_mtu,
	.stats = stats,
	.info = info,
};

/* A device that offers MAC, STATUS or MTU but has no device configuration
 * to read them from (4.1.4.6) is refused. */
static int check_config(struct virtio_net *vn)
{
	struct pci_dev *d = vn->vd.pci;
	if (vn->vd.devcfg || !(vn->vd.features & NEEDS_CFG))
		return 0;
	printk("virtio-net %02x:%02x.%x: no device configuration (needed for MAC, STATUS, MTU)\n", d->bus,
	       d->dev, d->fn);
	return -ENODEV;
}

static int setup_irqs(struct virtio_net *vn)
{
	struct pci_dev *d = vn->vd.pci;
	if (pci_msix_enable(d) < 3) {
		printk("virtio-net %02x:%02x.%x: needs 3 MSI-X vectors (QEMU: vectors=3 or more)\n",
		       d->bus, d->dev, d->fn);
		return -ENODEV;
	}
	vn->vec_cfg = irq_alloc_vector(cfg_irq, vn, "virtio-net-config");
	vn->vec_rx = irq_alloc_vector(rx_irq, vn, "virtio-net-rx");
	vn->vec_tx = irq_alloc_vector(tx_irq, vn, "virtio-net-tx");
	if (vn->vec_cfg < 0 || vn->vec_rx < 0 || vn->vec_tx < 0)
		return -ENOSPC;
	pci_msix_route(d, MSIX_CFG, vn->vec_cfg);
	pci_msix_route(d, MSIX_RX, vn->vec_rx);
	pci_msix_route(d, MSIX_TX, vn->vec_tx);
	return 0;
}

static int probe(struct pci_dev *d)
{
	struct virtio_net *vn = calloc(1, sizeof(*vn));
	if (!vn)
		return -ENOMEM;
	int err = virtio_pci_init(&vn->vd, d);
	if (!err)
		err = virtio_negotiate(&vn->vd, WANT, NEED);
	if (!err)
		err = check_config(vn);
	if (!err)
		err = setup_irqs(vn);
	if (!err)
		err = virtio_config_vector(&vn->vd, MSIX_CFG);
	if (!err)
		err = virtio_queue_setup(&vn->vd, 0, &vn->rxq, VNET_QUEUE_MAX, MSIX_RX, &vn->rx_notify);
	if (!err)
		err = virtio_queue_setup(&vn->vd, 1, &vn->txq, VNET_QUEUE_MAX, MSIX_TX, &vn->tx_notify);
	if (err) {
		if (vn->vd.common)
			virtio_fail(&vn->vd);
		free(vn); /* its vectors and ring pages stay allocated: a boot-time loss */
		return err;
	}
	struct netdev *dev = &vn->dev;
	dev->ops = &virtio_net_ops;
	dev->priv = vn;
	dev->mtu = 1500;
	dev->max_mtu = VNET_MAX_MTU;
	vn->hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	if (virtio_has(&vn->vd, VIRTIO_NET_F_MAC))
		virtio_config_read_bytes(&vn->vd, offsetof(struct virtio_net_config, mac), dev->mac, 6);
	if (virtio_has(&vn->vd, VIRTIO_NET_F_MTU)) {
		uint16_t mtu;
		if (!virtio_config_read(&vn->vd, offsetof(struct virtio_net_config, mtu), &mtu, 2) &&
		    mtu >= 68 && mtu < dev->max_mtu)
			dev->max_mtu = mtu;
	}
	dev->features = NETDEV_F_SG;
	if (virtio_has(&vn->vd, VIRTIO_NET_F_GUEST_CSUM))
		dev->features |= NETDEV_F_RXCSUM;
	if (virtio_has(&vn->vd, VIRTIO_NET_F_CSUM))
		dev->features |= NETDEV_F_TXCSUM;
	dev->napi.weight = 64;
	if ((err = vnet_tx_init(vn)) || (err = vnet_rx_init(vn))) {
		virtio_fail(&vn->vd);
		return err;
	}
	virtio_driver_ok(&vn->vd);
	if ((err = netdev_register(dev)) != 0)
		return err;
	vnet_check_link(vn);
	printk("%s: virtio-net at %02x:%02x.%x, MAC %02x:%02x:%02x:%02x:%02x:%02x, features 0x%lx, "
	       "rings %u/%u\n", dev->name, d->bus, d->dev, d->fn, dev->mac[0], dev->mac[1], dev->mac[2],
	       dev->mac[3], dev->mac[4], dev->mac[5], vn->vd.features, vn->rxq.size, vn->txq.size);
	return 0;
}

static const uint16_t ids[] = { 0x1041, 0x1000, 0 }; /* modern, transitional */
PCI_DRIVER(virtio_net, "virtio_net", VIRTIO_VENDOR, ids, probe);
