/*
 * drivers/virtio_net.c's probe (through its PCI_DRIVER entry) against the
 * fake virtio PCI function of tests/unit/vdev.c, over the shared fakes of
 * tests/unit/fakes.c (pages, vectors, netdev_register) and a counted heap
 * (drivers/drivers.mk renames virtio_net.c's calloc and free to
 * vnet_test_*).  A device without what the driver needs is refused with
 * a message.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_net.h>

#include "drivers/pci.h"
#include "drivers/virtio_net_priv.h"
#include "tests/unit/fakes.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdev.h"

/* What QEMU 7.2's virtio-net-pci offers by default, less nothing. */
#define QEMU_FEATURES                                                                             \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | \
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF) | (1ULL << VIRTIO_NET_F_CSUM) |                            \
	 (1ULL << VIRTIO_NET_F_GUEST_CSUM) | (1ULL << VIRTIO_RING_F_EVENT_IDX) |                     \
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_NET_F_HOST_TSO4) |                  \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_CTRL_VQ))
#define NEEDS_CFG ((1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_MTU))

extern const struct pci_driver __start_pci_drivers[], __stop_pci_drivers[];

/* ---- virtio_net.c's heap ------------------------------------------------------ */

#define HEAP_MAX 16
static void *heap[HEAP_MAX];
static int nheap;

void *vnet_test_calloc(size_t n, size_t size);
void vnet_test_free(void *p);

void *vnet_test_calloc(size_t n, size_t size)
{
	if (fake_fail_now())
		return NULL;
	ck_assert_int_lt(nheap, HEAP_MAX);
	void *p = calloc(n, size);
	ck_assert_ptr_nonnull(p);
	heap[nheap++] = p;
	return p;
}

/* The original bug: the device's struct freed while its interrupt
 * vectors still had it as their argument. */
void vnet_test_free(void *p)
{
	if (!p)
		return;
	ck_assert_msg(fake_irq_bound(p) == 0, "freed with %d interrupt vectors still bound to it",
		      fake_irq_bound(p));
	int i = 0;
	while (i < nheap && heap[i] != p)
		i++;
	ck_assert_msg(i < nheap, "free(%p): not from calloc", p);
	heap[i] = heap[--nheap];
	free(p);
}

/* ---- the rig ------------------------------------------------------------------ */

static int probe(void)
{
	for (const struct pci_driver *d = __start_pci_drivers; d < __stop_pci_drivers; d++)
		if (!strcmp(d->name, "virtio_net"))
			return d->probe(&vdev.pci);
	ck_abort_msg("no virtio_net in the pci_drivers linker set");
	return -1;
}

static void setup(void)
{
	vdev_init(QEMU_FEATURES);
	fake_pmm_reset();
	fake_irq_reset();
	fake_netdev_reset();
	con_reset();
	nheap = 0;
}

static void teardown(void)
{
	while (nheap)
		free(heap[--nheap]);
	vdev_exit();
	fake_pmm_reset();
	fake_irq_reset();
}

/* Nothing of a refused device stays with us, and it is marked FAILED. */
static void expect_released(void)
{
	ck_assert_int_eq(nheap, 0);
	ck_assert_int_eq(fake_irq_live(), 0);
	ck_assert_uint_eq(fake_pmm_out(), 0);
	ck_assert_ptr_null(fake_netdev_registered);
	ck_assert(vdev.status & VIRTIO_CONFIG_S_FAILED);
}

/* Only the capabilities of these types, each as QEMU places it. */
static void caps(int common, int isr, int devcfg, int notify)
{
	vdev_clear_caps();
	if (common)
		vdev_add_cap(VIRTIO_PCI_CAP_COMMON_CFG, VDEV_BAR, VDEV_COMMON, 0x1000);
	if (isr)
		vdev_add_cap(VIRTIO_PCI_CAP_ISR_CFG, VDEV_BAR, VDEV_ISR, 0x1000);
	if (devcfg)
		vdev_add_cap(VIRTIO_PCI_CAP_DEVICE_CFG, VDEV_BAR, VDEV_DEVCFG, 0x1000);
	if (notify)
		vdev_add_cap(VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_BAR, VDEV_NOTIFY, 0x1000);
}

/* ---- tests ---------------------------------------------------------------------- */

START_TEST(probe_qemu_device)
{
	uint16_t status = VIRTIO_NET_S_LINK_UP, mtu = 1500;
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	memcpy(vdev.bar + VDEV_DEVCFG, mac, 6);
	memcpy(vdev.bar + VDEV_DEVCFG + 6, &status, 2);
	memcpy(vdev.bar + VDEV_DEVCFG + 10, &mtu, 2);
	ck_assert_int_eq(probe(), 0);
	struct netdev *dev = fake_netdev_registered;
	ck_assert_ptr_nonnull(dev);
	struct virtio_net *vn = dev->priv;
	ck_assert_mem_eq(dev->mac, mac, 6);
	ck_assert(dev->link_up);
	ck_assert(vdev.status & VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(!(vdev.status & VIRTIO_CONFIG_S_FAILED));
	/* What we asked for and nothing we cannot handle (no GSO, no control queue). */
	ck_assert_uint_eq(vdev.guest, QEMU_FEATURES & ~((1ULL << VIRTIO_NET_F_HOST_TSO4) |
						     (1ULL << VIRTIO_NET_F_GUEST_TSO4) |
						     (1ULL << VIRTIO_NET_F_CTRL_VQ)));
	ck_assert_int_eq(vn->rxq.size, 256);
	ck_assert_int_eq(vn->txq.size, 256);
	ck_assert_int_eq(vn->rx_posted, 256);
	ck_assert_int_eq(fake_irq_bound(vn), 3);
	for (int q = 0; q < 2; q++) {
		ck_assert_int_eq(vdev.q[q].size, 256);
		ck_assert_int_eq(vdev.q[q].enable, 1);
		ck_assert_int_eq(vdev.q[q].msix, 1 + q);
	}
	ck_assert_int_eq(vdev.msix_config, 0);
}
END_TEST

/* virtio 1.1 4.1.4.6: the device configuration has its own capability.
 * Without it there is no MAC, status or MTU to read: refused, with a
 * message, instead of reads near address 0. */
START_TEST(probe_without_device_config)
{
	caps(1, 1, 0, 1);
	ck_assert_int_eq(probe(), -ENODEV);
	ck_assert_ptr_nonnull(strstr(con_text(), "no device configuration"));
	expect_released();
	/* A device that offers none of MAC, STATUS, MTU needs none. */
	vdev_init(QEMU_FEATURES & ~NEEDS_CFG);
	caps(1, 1, 0, 1);
	ck_assert_int_eq(probe(), 0);
	ck_assert_ptr_nonnull(fake_netdev_registered);
}
END_TEST

Suite *virtio_net_probe_suite(void)
{
	Suite *s = suite_create("virtio_net_probe");
	TCase *tc = tcase_create("probe");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, probe_qemu_device);
	tcase_add_test(tc, probe_without_device_config);
	suite_add_tcase(s, tc);
	return s;
}
