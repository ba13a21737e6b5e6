/*
 * virtio 1.x over PCI, the modern interface (virtio 1.1 section 4.1):
 * capabilities, status handshake, feature negotiation, queue setup,
 * notification, device config.  Structures are <linux/virtio_pci.h>'s.
 */
#ifndef DRIVERS_VIRTIO_H
#define DRIVERS_VIRTIO_H

#include <stdint.h>

#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "drivers/pci.h"
#include "drivers/virtqueue.h"

#define VIRTIO_VENDOR 0x1af4

struct virtio_dev {
	struct pci_dev *pci;
	uintptr_t common;    /* struct virtio_pci_common_cfg, through mmio_* */
	uintptr_t notify;    /* notification region */
	uint32_t notify_len; /* bytes */
	uint32_t notify_mul; /* notify_off_multiplier */
	uintptr_t isr;       /* ISR status byte */
	uintptr_t devcfg;    /* device-specific configuration; 0: the device has none */
	uint32_t devcfg_len; /* bytes */
	uint64_t offered;    /* features the device offered (read by virtio_pci_init) */
	uint64_t features;   /* features both sides agreed on */
};

/* Finds the virtio capabilities (each inside its BAR, or ignored), maps
 * them, resets the device, sets ACKNOWLEDGE | DRIVER and reads the
 * features it offers into vd->offered (3.1.1 step 4), which a driver
 * whose wishes depend on them reads before virtio_negotiate.  0, -ENODEV (no
 * common, notify or ISR structure) or -EIO (it does not reset).  A device
 * without a device configuration leaves devcfg 0: drivers that need one
 * check it. */
int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *d);
/* Offers want & vd->offered; fails (-ENODEV, device marked FAILED) if the
 * device lacks a `need` feature or refuses FEATURES_OK (3.1.1 step 6). */
int virtio_negotiate(struct virtio_dev *vd, uint64_t want, uint64_t need);
static inline int virtio_has(const struct virtio_dev *vd, int bit)
{
	return (vd->features >> bit) & 1;
}
/* Sets up queue idx with the largest power of two of entries within the
 * device's maximum and max_size (vq_pick_size): ring memory from the
 * page allocator, MSI-X entry msix (or VIRTIO_MSI_NO_VECTOR).  Fills vq
 * and *notify_addr.  0, -ENOENT (no such queue), -ENOMEM, -EIO (the
 * device refused the vector, or its doorbell is outside the notification
 * structure).  On failure the device was given no memory and nothing is
 * kept; on success virtio_queue_teardown undoes it. */
int virtio_queue_setup(struct virtio_dev *vd, int idx, struct virtqueue *vq, uint16_t max_size,
		       uint16_t msix, uintptr_t *notify_addr);
/* After virtio_reset: gives back a queue's ring and cookie pages (the
 * caller first takes back the buffers its cookies name).  A queue never
 * set up is left alone. */
void virtio_queue_teardown(struct virtqueue *vq);
static inline void virtio_notify(uintptr_t notify_addr, uint16_t idx)
{
	*(volatile uint16_t *)notify_addr = idx;
}
int virtio_config_vector(struct virtio_dev *vd, uint16_t msix);
void virtio_driver_ok(struct virtio_dev *vd);
void virtio_fail(struct virtio_dev *vd);
/* Writes 0 to device_status and waits for it to read 0 (4.1.4.3.2): the
 * device then forgets its queues and writes to none of our memory.  0, or
 * -EIO if it never reads 0 (its bus mastering is then turned off, so that
 * memory it was given can still be reused). */
int virtio_reset(struct virtio_dev *vd);
/* One device configuration field of `width` bytes (1, 2, 4 or 8) at off
 * into *val, read with accesses of the field's own width (a 64-bit field
 * as two 32-bit halves: 4.1.3.1) and again while config_generation moves
 * (2.4.1).  0, -ENODEV (the device has no device configuration), -EINVAL
 * (another width, off not aligned to it, or past the configuration's
 * length), -EIO (the generation never settled). */
int virtio_config_read(struct virtio_dev *vd, uint32_t off, void *val, uint32_t width);
/* A byte-array field (virtio-net's mac): len one-byte reads, as above. */
int virtio_config_read_bytes(struct virtio_dev *vd, uint32_t off, void *buf, uint32_t len);

#endif
