/*
 * virtio PCI modern transport (virtio 1.1: 4.1.4 capabilities, 3.1.1
 * device initialisation, 4.1.4.3.2 reset, 4.1.5.1.3 virtqueue
 * configuration, 4.1.4.4 notifications).  Callers: drivers/virtio_net.c,
 * drivers/virtio_rng.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers/virtio.h"
#include "kernel/param.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

#define VIRTIO_RESET_POLLS 1000000 /* device_status reads before a reset counts as failed */

/* The common configuration's registers (struct virtio_pci_common_cfg),
 * each accessed with its own width (4.1.3.1). */
#define CC(field) offsetof(struct virtio_pci_common_cfg, field)

static uint8_t cc_read8(const struct virtio_dev *vd, size_t off)
{
	return mmio_read8(vd->common + off);
}

static uint16_t cc_read16(const struct virtio_dev *vd, size_t off)
{
	return mmio_read16(vd->common + off);
}

static uint32_t cc_read32(const struct virtio_dev *vd, size_t off)
{
	return mmio_read32(vd->common + off);
}

static void cc_write8(const struct virtio_dev *vd, size_t off, uint8_t v)
{
	mmio_write8(vd->common + off, v);
}

static void cc_write16(const struct virtio_dev *vd, size_t off, uint16_t v)
{
	mmio_write16(vd->common + off, v);
}

static void cc_write32(const struct virtio_dev *vd, size_t off, uint32_t v)
{
	mmio_write32(vd->common + off, v);
}

/* Where a capability's structure is mapped, or 0 unless it lies inside a
 * memory BAR with at least `min` bytes: a device does not get to point us
 * past what we mapped (4.1.4: offset and length within the BAR). */
static uintptr_t cap_addr(struct pci_dev *d, uint8_t cap, uint32_t min, uint32_t *len)
{
	uint8_t bar = pci_read8(d, cap + VIRTIO_PCI_CAP_BAR);
	uint32_t off = pci_read32(d, cap + VIRTIO_PCI_CAP_OFFSET);
	uint32_t n = pci_read32(d, cap + VIRTIO_PCI_CAP_LENGTH);
	if (bar > 5 || n < min || (uint64_t)off + n > d->bar[bar].size)
		return 0;
	uintptr_t base = pci_map_bar(d, bar);
	if (!base)
		return 0;
	if (len)
		*len = n;
	return base + off;
}

/* The first usable capability of each type (4.1.4: the driver uses the
 * first one it can). */
static void find_caps(struct virtio_dev *vd, struct pci_dev *d)
{
	for (uint8_t cap = pci_find_cap(d, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(d, PCI_CAP_VENDOR, cap)) {
		uint8_t type = pci_read8(d, cap + VIRTIO_PCI_CAP_CFG_TYPE);
		if (type == VIRTIO_PCI_CAP_COMMON_CFG && !vd->common) {
			vd->common = cap_addr(d, cap, sizeof(struct virtio_pci_common_cfg), NULL);
		} else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !vd->notify) {
			vd->notify = cap_addr(d, cap, 2, &vd->notify_len);
			vd->notify_mul = pci_read32(d, cap + sizeof(struct virtio_pci_cap));
		} else if (type == VIRTIO_PCI_CAP_ISR_CFG && !vd->isr) {
			vd->isr = cap_addr(d, cap, 1, NULL);
		} else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !vd->devcfg) {
			vd->devcfg = cap_addr(d, cap, 1, &vd->devcfg_len);
		}
	}
}

int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *d)
{
	memset(vd, 0, sizeof(*vd));
	vd->pci = d;
	pci_enable(d); /* the BARs' sizes, which find_caps checks against */
	find_caps(vd, d);
	if (!vd->common || !vd->notify || !vd->isr) {
		printk("virtio %02x:%02x.%x: no modern (virtio 1.x) interface\n", d->bus, d->dev, d->fn);
		pci_disable_master(d);
		return -ENODEV;
	}
	int err = virtio_reset(vd);
	if (err)
		return err;
	cc_write8(vd, CC(device_status), VIRTIO_CONFIG_S_ACKNOWLEDGE);
	cc_write8(vd, CC(device_status), VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	cc_write32(vd, CC(device_feature_select), 0);
	vd->offered = cc_read32(vd, CC(device_feature));
	cc_write32(vd, CC(device_feature_select), 1);
	vd->offered |= (uint64_t)cc_read32(vd, CC(device_feature)) << 32;
	return 0;
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t want, uint64_t need)
{
	uint64_t offered = vd->offered;
	if ((offered & need) != need) {
		printk("virtio %02x:%02x.%x: device lacks required features 0x%lx (offers 0x%lx)\n",
		       vd->pci->bus, vd->pci->dev, vd->pci->fn, need & ~offered, offered);
		virtio_fail(vd);
		return -ENODEV;
	}
	vd->features = offered & (want | need);
	cc_write32(vd, CC(guest_feature_select), 0);
	cc_write32(vd, CC(guest_feature), (uint32_t)vd->features);
	cc_write32(vd, CC(guest_feature_select), 1);
	cc_write32(vd, CC(guest_feature), (uint32_t)(vd->features >> 32));
	cc_write8(vd, CC(device_status), cc_read8(vd, CC(device_status)) | VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(cc_read8(vd, CC(device_status)) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		printk("virtio %02x:%02x.%x: device refused features 0x%lx\n", vd->pci->bus,
		       vd->pci->dev, vd->pci->fn, vd->features);
		virtio_fail(vd);
		return -ENODEV;
	}
	return 0;
}

int virtio_reset(struct virtio_dev *vd)
{
	cc_write8(vd, CC(device_status), 0);
	for (int i = 0; i < VIRTIO_RESET_POLLS; i++) {
		if (!cc_read8(vd, CC(device_status)))
			return 0; /* 4.1.4.3.2: reset is done when device_status reads 0 */
		cpu_relax();
	}
	pci_disable_master(vd->pci); /* it may still be writing: it can no longer reach memory */
	return -EIO;
}

static size_t cookie_pages(uint16_t size)
{
	return (size * sizeof(void *) + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* 4.1.5.1.3 steps 1-3 and 5, before the device learns of any memory of
 * ours: select the queue, find its doorbell, pick its size, give it its
 * vector.  Returns the size, or -ENOENT / -EIO. */
static int queue_prepare(struct virtio_dev *vd, int idx, uint16_t max_size, uint16_t msix,
			 uint64_t *doorbell)
{
	if (idx >= cc_read16(vd, CC(num_queues)))
		return -ENOENT;
	cc_write16(vd, CC(queue_select), (uint16_t)idx);
	/* 4.1.4.4: the doorbell is 2 bytes at queue_notify_off * multiplier,
	 * inside the notification structure. */
	*doorbell = (uint64_t)cc_read16(vd, CC(queue_notify_off)) * vd->notify_mul;
	if (*doorbell + 2 > vd->notify_len)
		return -EIO;
	uint16_t size = vq_pick_size(cc_read16(vd, CC(queue_size)), max_size);
	if (!size)
		return -ENOENT; /* 4.1.4.3: a queue_size of 0 means the queue is unavailable */
	cc_write16(vd, CC(queue_size), size);
	cc_write16(vd, CC(queue_msix_vector), msix);
	if (msix != VIRTIO_MSI_NO_VECTOR && cc_read16(vd, CC(queue_msix_vector)) != msix)
		return -EIO; /* the device could not take the vector */
	return size;
}

int virtio_queue_setup(struct virtio_dev *vd, int idx, struct virtqueue *vq, uint16_t max_size,
		       uint16_t msix, uintptr_t *notify_addr)
{
	uint64_t doorbell;
	int size = queue_prepare(vd, idx, max_size, msix, &doorbell);
	if (size < 0)
		return size;
	uint64_t mem = pmm_alloc_pages(vq_ring_bytes((uint16_t)size) / PAGE_SIZE);
	if (!mem)
		return -ENOMEM;
	void **cookies = (void **)pmm_alloc_pages(cookie_pages((uint16_t)size));
	if (!cookies) {
		pmm_free_pages(mem, vq_ring_bytes((uint16_t)size) / PAGE_SIZE);
		return -ENOMEM;
	}
	vq_init(vq, (uint16_t)size, (void *)mem, cookies, virtio_has(vd, VIRTIO_RING_F_EVENT_IDX));
	/* Steps 6-7: from here the device knows where the ring is. */
	uint64_t d = vq_desc_addr(vq), a = vq_avail_addr(vq), u = vq_used_addr(vq);
	cc_write32(vd, CC(queue_desc_lo), (uint32_t)d);
	cc_write32(vd, CC(queue_desc_hi), (uint32_t)(d >> 32));
	cc_write32(vd, CC(queue_avail_lo), (uint32_t)a);
	cc_write32(vd, CC(queue_avail_hi), (uint32_t)(a >> 32));
	cc_write32(vd, CC(queue_used_lo), (uint32_t)u);
	cc_write32(vd, CC(queue_used_hi), (uint32_t)(u >> 32));
	*notify_addr = vd->notify + (uintptr_t)doorbell;
	cc_write16(vd, CC(queue_enable), 1);
	return 0;
}

void virtio_queue_teardown(struct virtqueue *vq)
{
	if (!vq->desc)
		return;
	pmm_free_pages(vq_desc_addr(vq), vq_ring_bytes(vq->size) / PAGE_SIZE);
	pmm_free_pages((uint64_t)(uintptr_t)vq->cookie, cookie_pages(vq->size));
	memset(vq, 0, sizeof(*vq));
}

int virtio_config_vector(struct virtio_dev *vd, uint16_t msix)
{
	cc_write16(vd, CC(msix_config), msix);
	return cc_read16(vd, CC(msix_config)) == msix ? 0 : -EIO;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	cc_write8(vd, CC(device_status), cc_read8(vd, CC(device_status)) | VIRTIO_CONFIG_S_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *vd)
{
	cc_write8(vd, CC(device_status), cc_read8(vd, CC(device_status)) | VIRTIO_CONFIG_S_FAILED);
}

/* One field of `width` bytes at off, with accesses of its own width; a
 * 64-bit field as two 32-bit halves (4.1.3.1). */
static void read_field(const struct virtio_dev *vd, uint32_t off, void *val, uint32_t width)
{
	uintptr_t a = vd->devcfg + off;
	uint64_t v;
	switch (width) {
	case 1: v = mmio_read8(a); break;
	case 2: v = mmio_read16(a); break;
	case 4: v = mmio_read32(a); break;
	default: v = mmio_read32(a) | (uint64_t)mmio_read32(a + 4) << 32; break;
	}
	memcpy(val, &v, width); /* little-endian, as the device's fields */
}

/* len bytes as fields of `width`, again until config_generation reads the
 * same before and after (2.4.1: the device may change them meanwhile). */
static int stable_read(struct virtio_dev *vd, uint32_t off, void *buf, uint32_t len, uint32_t width)
{
	if (!vd->devcfg)
		return -ENODEV; /* no DEVICE_CFG capability (4.1.4.6) */
	if ((uint64_t)off + len > vd->devcfg_len)
		return -EINVAL;
	for (int tries = 0; tries < 16; tries++) {
		uint8_t gen = cc_read8(vd, CC(config_generation));
		for (uint32_t i = 0; i < len; i += width)
			read_field(vd, off + i, (uint8_t *)buf + i, width);
		if (cc_read8(vd, CC(config_generation)) == gen)
			return 0;
	}
	return -EIO;
}

int virtio_config_read(struct virtio_dev *vd, uint32_t off, void *val, uint32_t width)
{
	if ((width != 1 && width != 2 && width != 4 && width != 8) || off % (width < 4 ? width : 4))
		return -EINVAL;
	return stable_read(vd, off, val, width, width);
}

int virtio_config_read_bytes(struct virtio_dev *vd, uint32_t off, void *buf, uint32_t len)
{
	return stable_read(vd, off, buf, len, 1);
}
