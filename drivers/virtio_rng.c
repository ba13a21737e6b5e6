/*
 * virtio entropy device (virtio 1.1 section 5.4): one request queue; the
 * driver posts a writable buffer and the device fills it.  Used only for
 * secrets at boot, so reads are synchronous and polled (no interrupt),
 * bounded by RNG_TIMEOUT_NS.  QEMU: -device virtio-rng-pci.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/time.h"
#include "kernel/x86.h"

#define RNG_QUEUE 8
#define RNG_TIMEOUT_NS 100000000ULL

static struct virtio_dev vd;
static struct virtqueue vq;
static uintptr_t notify;
static uint8_t buf[64] __attribute__((aligned(64)));

static int rng_read(void *out, size_t len)
{
	if (len > sizeof(buf))
		len = sizeof(buf);
	struct vq_buf in = { (uint64_t)buf, (uint32_t)len };
	if (vq_add(&vq, NULL, 0, &in, 1, buf) < 0)
		return -EBUSY;
	if (vq_kick_prepare(&vq))
		virtio_notify(notify, 0);
	uint64_t deadline = time_ns() + RNG_TIMEOUT_NS;
	uint32_t got = 0;
	while (!vq_get(&vq, &got)) {
		if (time_ns() > deadline)
			return -ETIMEDOUT; /* the entry stays queued; the next read reaps it */
		cpu_relax();
	}
	memcpy(out, buf, got);
	return (int)got;
}

static int probe(struct pci_dev *d)
{
	int err = virtio_pci_init(&vd, d);
	if (!err)
		err = virtio_negotiate(&vd, 0, 1ULL << VIRTIO_F_VERSION_1);
	if (!err)
		err = virtio_queue_setup(&vd, 0, &vq, RNG_QUEUE, VIRTIO_MSI_NO_VECTOR, &notify);
	if (err)
		return err;
	vq_disable_cb(&vq);
	virtio_driver_ok(&vd);
	random_register("virtio-rng", rng_read);
	printk("virtio-rng at %02x:%02x.%x: entropy source\n", d->bus, d->dev, d->fn);
	return 0;
}

static const uint16_t ids[] = { 0x1044, 0x1005, 0 };
PCI_DRIVER(virtio_rng, "virtio_rng", VIRTIO_VENDOR, ids, probe);
