/*
 * virtio-net (virtio 1.1 section 5.1) over the modern PCI transport:
 * probe (undone in reverse on failure), feature negotiation, queues with
 * their own MSI-X vectors (config 0, RX 1, TX 2), interrupt handlers that
 * only mask and schedule NAPI, link status, ethtool data, and the
 * netdev_ops table.  QEMU:
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

/* What makes the data path fast, and nothing it cannot handle.  HOST_TSO4:
 * the device cuts our TSO bundles (net/core/netdev_tso.c); it needs CSUM
 * (virtio 1.1 5.1.3.1), and a device offering it without CSUM gets no
 * bundles (init_netdev).  GUEST_TSO4 (needs GUEST_CSUM, 5.1.3.1): the
 * device may hand us IPv4 TCP frames of up to 64 KiB over mergeable
 * buffers (virtio_net_rx.c checks their headers); lwIP takes one as one
 * long segment. */
#define WANT ((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) |            \
	      (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_NET_F_CSUM) |          \
	      (1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |   \
	      (1ULL << VIRTIO_NET_F_MTU) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |      \
	      (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_GUEST_TSO4))
#define NEED (1ULL << VIRTIO_F_VERSION_1)

/* WANT less what the device's offer cannot back (virtio 1.1 5.1.3.1):
 * HOST_TSO4 requires CSUM, GUEST_TSO4 GUEST_CSUM; and GUEST_TSO4 without
 * MRG_RXBUF would need 65562-byte receive buffers (5.1.6.3.1) where ours
 * are 2 KiB. */
static uint64_t want_of(uint64_t offered)
{
	uint64_t want = WANT;
	if (!(offered & (1ULL << VIRTIO_NET_F_CSUM)))
		want &= ~(1ULL << VIRTIO_NET_F_HOST_TSO4);
	if (!(offered & (1ULL << VIRTIO_NET_F_GUEST_CSUM)) || !(offered & (1ULL << VIRTIO_NET_F_MRG_RXBUF)))
		want &= ~(1ULL << VIRTIO_NET_F_GUEST_TSO4);
	return want;
}
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
	emit("rx_queue_0_gso", s->rx_gso);
	emit("rx_queue_0_gso_errors", s->rx_gso_errors);
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
	emit("tx_queue_0_tx_timeouts", s->tx_timeouts);
	emit("tx_queue_0_tso_packets", s->tx_tso);
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
	.tx_arm = vnet_tx_arm,
	.poll = vnet_poll,
	.tx_reclaim = vnet_tx_reclaim_op,
	.rx_pending = vnet_rx_pending,
	.rx_release = vnet_rx_release,
	.set_mtu = set_mtu,
	.stats = stats,
	.info = info,
};

/* MAC and MTU from the device configuration (5.1.4).  A device that offers
 * MAC, STATUS or MTU without a device configuration to read them from
 * (4.1.4.6), or whose MAC cannot be read, is refused. */
static int read_config(struct virtio_net *vn)
{
	struct pci_dev *d = vn->vd.pci;
	struct netdev *dev = &vn->dev;
	if (!vn->vd.devcfg && (vn->vd.features & NEEDS_CFG)) {
		printk("virtio-net %02x:%02x.%x: no device configuration (needed for MAC, STATUS, MTU)\n",
		       d->bus, d->dev, d->fn);
		return -ENODEV;
	}
	if (virtio_has(&vn->vd, VIRTIO_NET_F_MAC)) {
		int err = virtio_config_read_bytes(&vn->vd, offsetof(struct virtio_net_config, mac), dev->mac, 6);
		if (err)
			return err;
	}
	dev->max_mtu = VNET_MAX_MTU;
	if (virtio_has(&vn->vd, VIRTIO_NET_F_MTU)) {
		uint16_t mtu;
		if (!virtio_config_read(&vn->vd, offsetof(struct virtio_net_config, mtu), &mtu, 2) &&
		    mtu >= 68 && mtu < dev->max_mtu)
			dev->max_mtu = mtu;
	}
	return 0;
}

static void init_netdev(struct virtio_net *vn)
{
	struct netdev *dev = &vn->dev;
	dev->ops = &virtio_net_ops;
	dev->priv = vn;
	dev->mtu = 1500;
	vn->hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	dev->features = NETDEV_F_SG;
	if (virtio_has(&vn->vd, VIRTIO_NET_F_GUEST_CSUM))
		dev->features |= NETDEV_F_RXCSUM;
	if (virtio_has(&vn->vd, VIRTIO_NET_F_CSUM))
		dev->features |= NETDEV_F_TXCSUM;
	/* Bundles are made (gso) whatever the device; it cuts them itself
	 * (tso) with HOST_TSO4 and CSUM.  Both switch with ethtool -K. */
	dev->features |= NETDEV_F_GSO;
	dev->hw_features |= NETDEV_F_GSO;
	if (virtio_has(&vn->vd, VIRTIO_NET_F_CSUM) && virtio_has(&vn->vd, VIRTIO_NET_F_HOST_TSO4)) {
		dev->features |= NETDEV_F_TSO;
		dev->hw_features |= NETDEV_F_TSO;
	}
	/* GUEST_TSO4 is only taken with mergeable buffers (a 64 KiB frame
	 * over 2 KiB buffers): without them it would need 64 KiB buffers. */
	if (virtio_has(&vn->vd, VIRTIO_NET_F_GUEST_TSO4) && virtio_has(&vn->vd, VIRTIO_NET_F_MRG_RXBUF))
		dev->features |= NETDEV_F_GRO_HW;
	dev->napi.weight = 64;
}

/* MSI-X with a vector each for config, RX and TX, routed but masked until
 * the stack has the device (irqs_on): an interrupt before that would
 * schedule a NAPI poll of a device that may yet be freed.  Their names
 * (/proc/interrupts) say which device: Linux virtio_net's config,
 * input.0 and output.0 after the PCI address, then the interface's name
 * once it has one (name_irqs). */
static void name_irqs(struct virtio_net *vn, const char *dev)
{
	static const char *const what[3] = { [MSIX_CFG] = "config", [MSIX_RX] = "input.0",
					     [MSIX_TX] = "output.0" };
	for (int e = 0; e < 3; e++)
		snprintf(vn->irq_name[e], sizeof(vn->irq_name[e]), "%s-%s", dev, what[e]);
}

static int setup_irqs(struct virtio_net *vn)
{
	struct pci_dev *d = vn->vd.pci;
	char bdf[16];
	snprintf(bdf, sizeof(bdf), "%02x:%02x.%x", d->bus, d->dev, d->fn);
	name_irqs(vn, bdf);
	int n = pci_msix_enable(d), err = -ENODEV;
	if (n < 3) {
		printk("virtio-net %02x:%02x.%x: needs 3 MSI-X vectors (QEMU: vectors=3 or more)\n",
		       d->bus, d->dev, d->fn);
		if (n < 0)
			return err;
		goto err_msix;
	}
	if ((err = vn->vec_cfg = irq_alloc_vector(cfg_irq, vn, vn->irq_name[MSIX_CFG])) < 0)
		goto err_msix;
	if ((err = vn->vec_rx = irq_alloc_vector(rx_irq, vn, vn->irq_name[MSIX_RX])) < 0)
		goto err_cfg;
	if ((err = vn->vec_tx = irq_alloc_vector(tx_irq, vn, vn->irq_name[MSIX_TX])) < 0)
		goto err_rx;
	pci_msix_route(d, MSIX_CFG, vn->vec_cfg);
	pci_msix_route(d, MSIX_RX, vn->vec_rx);
	pci_msix_route(d, MSIX_TX, vn->vec_tx);
	return 0;

err_rx:
	irq_free_vector(vn->vec_rx);
err_cfg:
	irq_free_vector(vn->vec_cfg);
err_msix:
	pci_msix_disable(d);
	return err;
}

static void irqs_on(struct virtio_net *vn)
{
	for (int e = MSIX_CFG; e <= MSIX_TX; e++)
		pci_msix_mask(vn->vd.pci, e, 0);
}

static void free_irqs(struct virtio_net *vn)
{
	irq_free_vector(vn->vec_tx);
	irq_free_vector(vn->vec_rx);
	irq_free_vector(vn->vec_cfg);
	pci_msix_disable(vn->vd.pci);
}

/* The rings, the TX headers and RX buffers: the memory the device writes
 * to.  On failure what was made stays for probe to release after the
 * device's reset (each teardown skips what is not there). */
static int setup_queues(struct virtio_net *vn)
{
	int err = virtio_queue_setup(&vn->vd, 0, &vn->rxq, VNET_QUEUE_MAX, MSIX_RX, &vn->rx_notify);
	if (!err)
		err = virtio_queue_setup(&vn->vd, 1, &vn->txq, VNET_QUEUE_MAX, MSIX_TX, &vn->tx_notify);
	if (!err)
		err = vnet_tx_init(vn);
	if (!err)
		err = vnet_rx_init(vn);
	return err;
}

/* Linux virtnet_probe's shape: each step's undoing is under the label
 * below it, and the device is reset before anything it could write to
 * is freed (3.1.1, 4.1.4.3.2). */
static int probe(struct pci_dev *d)
{
	struct virtio_net *vn = calloc(1, sizeof(*vn));
	if (!vn)
		return -ENOMEM;
	int err = virtio_pci_init(&vn->vd, d);
	if (err)
		goto err_free;
	if ((err = virtio_negotiate(&vn->vd, want_of(vn->vd.offered), NEED)) ||
	    (err = read_config(vn)))
		goto err_reset;
	init_netdev(vn);
	if ((err = setup_irqs(vn)))
		goto err_reset;
	if ((err = virtio_config_vector(&vn->vd, MSIX_CFG)))
		goto err_irqs;
	if ((err = setup_queues(vn)))
		goto err_queues;
	virtio_driver_ok(&vn->vd);
	if ((err = netdev_register(&vn->dev)))
		goto err_queues;
	name_irqs(vn, vn->dev.name);
	irqs_on(vn);
	vnet_check_link(vn);
	printk("%s: virtio-net at %02x:%02x.%x, MAC %02x:%02x:%02x:%02x:%02x:%02x, features 0x%lx, "
	       "rings %u/%u\n", vn->dev.name, d->bus, d->dev, d->fn, vn->dev.mac[0], vn->dev.mac[1],
	       vn->dev.mac[2], vn->dev.mac[3], vn->dev.mac[4], vn->dev.mac[5], vn->vd.features,
	       vn->rxq.size, vn->txq.size);
	return 0;

err_queues:
	virtio_reset(&vn->vd); /* first: until then it may write to the rings and buffers */
	vnet_rx_teardown(vn);
	vnet_tx_teardown(vn);
	virtio_queue_teardown(&vn->txq);
	virtio_queue_teardown(&vn->rxq);
err_irqs:
	free_irqs(vn);
err_reset:
	virtio_reset(&vn->vd);
	virtio_fail(&vn->vd); /* 3.1.1: the driver gave up on it */
err_free:
	free(vn);
	return err;
}

static const uint16_t ids[] = { 0x1041, 0x1000, 0 }; /* modern, transitional */
PCI_DRIVER(virtio_net, "virtio_net", VIRTIO_VENDOR, ids, probe);
