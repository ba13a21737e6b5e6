/*
 * virtio entropy device (virtio 1.1 section 5.4): one request queue; the
 * driver posts a writable buffer and the device fills it.  Used only for
 * secrets, so reads are synchronous and polled (no interrupt), bounded by
 * RNG_TIMEOUT_NS.  Where the CPU has RDRAND, boot's secrets need no
 * device and the device is set up in the background (an idle hook,
 * RNG_DEFER_MS after the prompt; about 3 ms under TCG, two of them QEMU
 * rebuilding its memory map for the BAR sizing), then joins the pool for
 * later secrets (SYN-cookie keys, 64 s windows), as Linux's hwrng fills
 * its pool from a kthread.  QEMU: -device virtio-rng-pci.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio.h"
#include "kernel/boot.h"
#include "kernel/loop.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/time.h"
#include "kernel/x86.h"

#define RNG_QUEUE 8
#define RNG_TIMEOUT_NS 100000000ULL
#define RNG_DEFER_MS 100 /* after the prompt: boot's first connections go first */

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

static int setup(struct pci_dev *d)
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

static struct pci_dev *deferred;

static int deferred_setup(void)
{
	uint64_t prompt = boot_prompt_ns();
	if (!deferred || !prompt || time_ns() < prompt + RNG_DEFER_MS * 1000000ULL)
		return 0;
	struct pci_dev *d = deferred;
	deferred = NULL;
	int err = setup(d);
	if (err)
		printk("virtio-rng at %02x:%02x.%x: setup failed (%d)\n", d->bus, d->dev, d->fn, err);
	return 1;
}

static const struct loop_hook deferred_hook = { "virtio-rng", deferred_setup, NULL };

static int probe(struct pci_dev *d)
{
	if (!random_cpu_has_rdrand() || deferred)
		return setup(d); /* boot's secrets need it now */
	deferred = d;
	loop_register_idle(&deferred_hook);
	return 0;
}

static const uint16_t ids[] = { 0x1044, 0x1005, 0 };
PCI_DRIVER(virtio_rng, "virtio_rng", VIRTIO_VENDOR, ids, probe);
