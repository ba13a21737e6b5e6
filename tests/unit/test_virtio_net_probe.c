/*
 * drivers/virtio_net.c's probe (through its PCI_DRIVER entry) against the
 * fake virtio PCI function of tests/unit/vdev.c, over the shared fakes of
 * tests/unit/fakes.c (pages, vectors, netdev_register) and a counted heap
 * (drivers/drivers.mk renames virtio_net.c's calloc and free to
 * vnet_test_*).  A probe that fails, at whichever step, by an allocation
 * or by the device, leaves nothing behind: the device reset before any
 * page it may write to is freed, MSI-X off, no vector, page or heap block
 * kept (Linux virtnet_probe's unwinding).
 */
#include <errno.h>
#include <stdio.h>
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

/* Until it is reset (or can no longer master the bus), the device may
 * write to whatever it was given. */
static void on_free(uint64_t pa, size_t n)
{
	ck_assert_msg(!vdev.master || !vdev_reaches(pa, n * 4096),
		      "%zu page(s) at %#lx freed while the device may still write to them", n,
		      (unsigned long)pa);
}

/* Until the stack knows the device, its interrupts stay masked: a handler
 * would schedule a NAPI poll for a device that may yet be freed. */
static void on_register(struct netdev *dev)
{
	(void)dev;
	for (int e = 0; e < 3; e++)
		ck_assert_msg(vdev.msix_masked[e], "MSI-X entry %d unmasked before netdev_register", e);
}

static void setup(void)
{
	vdev_init(QEMU_FEATURES);
	fake_pmm_reset();
	fake_irq_reset();
	fake_netdev_reset();
	con_reset();
	fake_pmm_on_free = on_free;
	fake_netdev_on_register = on_register;
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

/* Nothing of a refused device stays with us: no heap block, vector or
 * page, MSI-X off, the device reset (at most FAILED left in its status). */
static void expect_released(const char *what)
{
	ck_assert_msg(nheap == 0, "%s: %d heap block(s) kept", what, nheap);
	ck_assert_msg(fake_irq_live() == 0, "%s: %d interrupt vector(s) kept", what, fake_irq_live());
	ck_assert_msg(fake_pmm_out() == 0, "%s: %zu page(s) kept", what, fake_pmm_out());
	ck_assert_msg(!vdev.armed, "%s: the device was not reset (status %#x)", what, vdev.status);
	ck_assert_msg(!(vdev.status & ~VIRTIO_CONFIG_S_FAILED), "%s: device status %#x", what, vdev.status);
	ck_assert_msg(!vdev.msix_enabled, "%s: MSI-X left enabled", what);
	ck_assert_ptr_null(fake_netdev_registered);
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
	/* What we asked for and nothing we cannot handle (no control queue);
	 * HOST_TSO4 (with CSUM) makes TSO an offload ethtool -K switches;
	 * GUEST_TSO4 with mergeable buffers: merged frames in. */
	ck_assert_uint_eq(vdev.guest, QEMU_FEATURES & ~(1ULL << VIRTIO_NET_F_CTRL_VQ));
	ck_assert_uint_eq(dev->features & (NETDEV_F_TSO | NETDEV_F_GSO), NETDEV_F_TSO | NETDEV_F_GSO);
	ck_assert_uint_eq(dev->hw_features & (NETDEV_F_TSO | NETDEV_F_GSO), NETDEV_F_TSO | NETDEV_F_GSO);
	ck_assert(dev->features & NETDEV_F_GRO_HW);
	ck_assert_int_eq(vn->rxq.size, 256);
	ck_assert_int_eq(vn->txq.size, 256);
	ck_assert_int_eq(vn->rx_posted, 256);
	ck_assert_int_eq(fake_irq_bound(vn), 3);
	/* Named after the interface, so two devices' rows in /proc/interrupts differ. */
	ck_assert_str_eq(fake_irq_name(vn->vec_cfg), "eth0-config");
	ck_assert_str_eq(fake_irq_name(vn->vec_rx), "eth0-input.0");
	ck_assert_str_eq(fake_irq_name(vn->vec_tx), "eth0-output.0");
	for (int q = 0; q < 2; q++) {
		ck_assert_int_eq(vdev.q[q].size, 256);
		ck_assert_int_eq(vdev.q[q].enable, 1);
		ck_assert_int_eq(vdev.q[q].msix, 1 + q);
	}
	ck_assert_int_eq(vdev.msix_config, 0);
	for (int e = 0; e < 3; e++) /* unmasked once the stack has the device */
		ck_assert(!vdev.msix_masked[e]);
	ck_assert(vdev.msix_enabled && vdev.master);
}
END_TEST

/* Each fallible call of a whole probe (heap, vectors, ring pages, TX
 * headers, RX buffers, netdev_register) fails in turn: the probe either
 * still succeeds (an RX page after the first, the indirect tables) or
 * releases everything it took. */
START_TEST(probe_fails_at_each_allocation)
{
	ck_assert_int_eq(probe(), 0);
	int n = fake_calls, failed = 0, last_failed = 0;
	for (int k = 1; k <= n; k++) {
		teardown();
		setup();
		fake_fail_at = k;
		int err = probe();
		if (err == 0) {
			ck_assert_ptr_nonnull(fake_netdev_registered);
			continue;
		}
		char what[48];
		snprintf(what, sizeof(what), "call %d of %d failed (%d)", k, n, err);
		expect_released(what);
		failed++;
		last_failed = k == n;
	}
	/* heap, 3 vectors, 2 x (ring, cookies), TX headers, RX stack, first RX page, register */
	ck_assert_int_eq(failed, 12);
	ck_assert(last_failed);
}
END_TEST

/* A device that refuses what the driver needs, at each step. */
static void no_common(void) { vdev_clear_caps(); vdev_add_cap(VIRTIO_PCI_CAP_ISR_CFG, VDEV_BAR, VDEV_ISR, 1); vdev_add_cap(VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_BAR, VDEV_NOTIFY, 0x1000); }
static void no_version_1(void) { vdev.offered &= ~(1ULL << VIRTIO_F_VERSION_1); }
static void features_refused(void) { vdev.refuse_features = 1; }
static void no_msix(void) { vdev.msix_entries = 0; }
static void two_vectors(void) { vdev.msix_entries = 2; }
static void config_vector_refused(void) { vdev.refuse_msix = 1; }
static void rx_vector_refused(void) { vdev.refuse_msix = 2; }
static void tx_vector_refused(void) { vdev.refuse_msix = 4; }
static void one_queue(void) { vdev.num_queues = 1; }
static void tx_queue_empty(void) { vdev.q[1].max_size = vdev.q[1].size = 0; }
static void tx_doorbell_outside(void) { caps(1, 1, 1, 0); vdev_add_cap(VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_BAR, VDEV_NOTIFY, 4); }
static void register_full(void) { fake_netdev_err = -ENOSPC; }
static void never_resets(void) { vdev.status = VIRTIO_CONFIG_S_DRIVER_OK; vdev.stuck_reset = 1; }
static void stuck_at_register(struct netdev *dev) { on_register(dev); vdev.stuck_reset = 1; }
static void resets_no_more(void) { fake_netdev_err = -ENOSPC; fake_netdev_on_register = stuck_at_register; }

static const struct {
	const char *what;
	void (*make)(void);
	int err;
} refusals[] = {
	{ "no common configuration", no_common, -ENODEV },
	{ "no VERSION_1", no_version_1, -ENODEV },
	{ "FEATURES_OK refused", features_refused, -ENODEV },
	{ "no MSI-X", no_msix, -ENODEV },
	{ "two MSI-X vectors", two_vectors, -ENODEV },
	{ "config vector refused", config_vector_refused, -EIO },
	{ "RX vector refused", rx_vector_refused, -EIO },
	{ "TX vector refused", tx_vector_refused, -EIO },
	{ "no TX queue", one_queue, -ENOENT },
	{ "TX queue of size 0", tx_queue_empty, -ENOENT },
	{ "TX doorbell outside", tx_doorbell_outside, -EIO },
	{ "netdev_register fails", register_full, -ENOSPC },
	{ "device never resets", never_resets, -EIO },
	{ "device stops resetting", resets_no_more, -ENOSPC },
};

START_TEST(probe_refused)
{
	refusals[_i].make();
	ck_assert_int_eq(probe(), refusals[_i].err);
	if (vdev.stuck_reset) {
		/* It cannot be reset, so it may no longer master the bus; what it
		 * shows in its status is its own affair. */
		ck_assert(!vdev.master);
		vdev.armed = 0;
		vdev.status = 0;
	}
	expect_released(refusals[_i].what);
}
END_TEST

/* virtio 1.1 5.1.3.1: HOST_TSO4 without CSUM is no TSO (the device would
 * need every checksum whole); bundles are still made and sent one by one. */
START_TEST(tso_needs_csum)
{
	vdev_init(QEMU_FEATURES & ~(1ULL << VIRTIO_NET_F_CSUM));
	caps(1, 1, 1, 1);
	ck_assert_int_eq(probe(), 0);
	struct netdev *dev = fake_netdev_registered;
	ck_assert_ptr_nonnull(dev);
	ck_assert_uint_eq(dev->features & (NETDEV_F_TSO | NETDEV_F_TXCSUM), 0);
	ck_assert_uint_eq(dev->hw_features & NETDEV_F_TSO, 0);
	ck_assert_uint_eq(dev->features & NETDEV_F_GSO, NETDEV_F_GSO);
	ck_assert_uint_eq(vdev.guest & (1ULL << VIRTIO_NET_F_HOST_TSO4), 0); /* not even negotiated */
}
END_TEST

/* GUEST_TSO4 needs GUEST_CSUM (5.1.3.1) and, with our 2 KiB buffers,
 * MRG_RXBUF (5.1.6.3.1): offered without either, it is not negotiated. */
START_TEST(guest_tso4_needs_csum_and_mergeable)
{
	static const uint64_t lack[] = { 1ULL << VIRTIO_NET_F_GUEST_CSUM, 1ULL << VIRTIO_NET_F_MRG_RXBUF };
	for (int i = 0; i < 2; i++) {
		teardown();
		setup();
		vdev_init(QEMU_FEATURES & ~lack[i]);
		caps(1, 1, 1, 1);
		ck_assert_int_eq(probe(), 0);
		ck_assert_uint_eq(vdev.guest & (1ULL << VIRTIO_NET_F_GUEST_TSO4), 0);
		ck_assert_uint_eq(fake_netdev_registered->features & NETDEV_F_GRO_HW, 0);
		ck_assert_uint_ne(vdev.guest & (1ULL << VIRTIO_NET_F_HOST_TSO4), 0);
	}
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
	expect_released("no device configuration");
	ck_assert(vdev.status & VIRTIO_CONFIG_S_FAILED);
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
	tcase_add_test(tc, tso_needs_csum);
	tcase_add_test(tc, guest_tso4_needs_csum_and_mergeable);
	tcase_add_test(tc, probe_fails_at_each_allocation);
	tcase_add_loop_test(tc, probe_refused, 0, sizeof(refusals) / sizeof(refusals[0]));
	suite_add_tcase(s, tc);
	return s;
}
