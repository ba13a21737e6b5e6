/*
 * virtio PCI modern transport (virtio 1.1: 4.1.4 capabilities, 3.1.1
 * device initialisation, 4.1.5.1.3 virtqueue configuration, 4.1.4.4
 * notifications).  Callers: drivers/virtio_net.c, drivers/virtio_rng.c.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "drivers/virtio.h"
#include "kernel/param.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

static uintptr_t cap_addr(struct pci_dev *d, uint8_t cap)
{
	uint8_t bar = pci_read8(d, cap + VIRTIO_PCI_CAP_BAR);
	uint32_t off = pci_read32(d, cap + VIRTIO_PCI_CAP_OFFSET);
	if (bar > 5)
		return 0;
	uintptr_t base = pci_map_bar(d, bar);
	return base ? base + off : 0;
}

int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *d)
{
	memset(vd, 0, sizeof(*vd));
	vd->pci = d;
	for (uint8_t cap = pci_find_cap(d, PCI_CAP_VENDOR, 0); cap; cap = pci_find_cap(d, PCI_CAP_VENDOR, cap)) {
		uint8_t type = pci_read8(d, cap + VIRTIO_PCI_CAP_CFG_TYPE);
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			if (!vd->common)
				vd->common = (volatile void *)cap_addr(d, cap);
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			if (!vd->notify) {
				vd->notify = cap_addr(d, cap);
				vd->notify_mul = pci_read32(d, cap + sizeof(struct virtio_pci_cap));
			}
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			if (!vd->isr)
				vd->isr = (volatile uint8_t *)cap_addr(d, cap);
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			if (!vd->devcfg)
				vd->devcfg = cap_addr(d, cap);
			break;
		}
	}
	if (!vd->common || !vd->notify || !vd->isr) {
		printk("virtio %02x:%02x.%x: no modern (virtio 1.x) interface\n", d->bus, d->dev, d->fn);
		return -ENODEV;
	}
	pci_enable_master(d);
	vd->common->device_status = 0; /* reset; reads 0 once done (4.1.4.3.2) */
	for (int i = 0; i < 1000000 && vd->common->device_status; i++)
		cpu_relax();
	vd->common->device_status = VIRTIO_CONFIG_S_ACKNOWLEDGE;
	vd->common->device_status |= VIRTIO_CONFIG_S_DRIVER;
	return 0;
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t want, uint64_t need)
{
	volatile struct virtio_pci_common_cfg *c = vd->common;
	c->device_feature_select = 0;
	uint64_t offered = c->device_feature;
	c->device_feature_select = 1;
	offered |= (uint64_t)c->device_feature << 32;
	vd->offered = offered;
	if ((offered & need) != need) {
		printk("virtio %02x:%02x.%x: device lacks required features 0x%lx (offers 0x%lx)\n",
		       vd->pci->bus, vd->pci->dev, vd->pci->fn, need & ~offered, offered);
		virtio_fail(vd);
		return -ENODEV;
	}
	vd->features = offered & (want | need);
	c->guest_feature_select = 0;
	c->guest_feature = (uint32_t)vd->features;
	c->guest_feature_select = 1;
	c->guest_feature = (uint32_t)(vd->features >> 32);
	c->device_status |= VIRTIO_CONFIG_S_FEATURES_OK;
	if (!(c->device_status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		printk("virtio %02x:%02x.%x: device refused features 0x%lx\n", vd->pci->bus,
		       vd->pci->dev, vd->pci->fn, vd->features);
		virtio_fail(vd);
		return -ENODEV;
	}
	return 0;
}

int virtio_queue_setup(struct virtio_dev *vd, int idx, struct virtqueue *vq, uint16_t max_size,
		       uint16_t msix, uintptr_t *notify_addr)
{
	volatile struct virtio_pci_common_cfg *c = vd->common;
	if (idx >= c->num_queues)
		return -ENOENT;
	c->queue_select = idx;
	uint16_t size = c->queue_size;
	if (!size)
		return -ENOENT;
	while (size > max_size)
		size /= 2; /* sizes are powers of two */
	c->queue_size = size;
	size_t bytes = vq_ring_bytes(size);
	uint64_t mem = pmm_alloc_pages(bytes / PAGE_SIZE);
	void **cookies = (void **)pmm_alloc_pages((size * sizeof(void *) + PAGE_SIZE - 1) / PAGE_SIZE);
	if (!mem || !cookies)
		return -ENOMEM;
	vq_init(vq, size, (void *)mem, cookies, virtio_has(vd, VIRTIO_RING_F_EVENT_IDX));
	uint64_t d = vq_desc_addr(vq), a = vq_avail_addr(vq), u = vq_used_addr(vq);
	c->queue_desc_lo = (uint32_t)d;
	c->queue_desc_hi = d >> 32;
	c->queue_avail_lo = (uint32_t)a;
	c->queue_avail_hi = a >> 32;
	c->queue_used_lo = (uint32_t)u;
	c->queue_used_hi = u >> 32;
	c->queue_msix_vector = msix;
	if (msix != VIRTIO_MSI_NO_VECTOR && c->queue_msix_vector != msix)
		return -EIO; /* the device could not take the vector */
	*notify_addr = vd->notify + (uintptr_t)c->queue_notify_off * vd->notify_mul;
	c->queue_enable = 1;
	return 0;
}

int virtio_config_vector(struct virtio_dev *vd, uint16_t msix)
{
	vd->common->msix_config = msix;
	return vd->common->msix_config == msix ? 0 : -EIO;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	vd->common->device_status |= VIRTIO_CONFIG_S_DRIVER_OK;
}

void virtio_fail(struct virtio_dev *vd)
{
	vd->common->device_status |= VIRTIO_CONFIG_S_FAILED;
}

void virtio_config_read(struct virtio_dev *vd, uint32_t off, void *buf, uint32_t len)
{
	uint8_t gen;
	int tries = 0;
	do {
		gen = vd->common->config_generation;
		for (uint32_t i = 0; i < len; i++)
			((uint8_t *)buf)[i] = *(volatile uint8_t *)(vd->devcfg + off + i);
	} while (gen != vd->common->config_generation && ++tries < 16);
}
