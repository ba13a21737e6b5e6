/*
 * drivers/virtio_pci.c (the virtio 1.x PCI transport) against the fake
 * PCI function of tests/unit/vdev.c: device configuration reads with
 * each field's own width (virtio 1.1 4.1.3.1) and the generation check
 * (2.4.1).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_net.h>

#include "drivers/virtio.h"
#include "tests/unit/fakes.h"
#include "tests/unit/unit.h"
#include "tests/unit/vdev.h"

#define NET_FEATURES                                                                                 \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) | (1ULL << VIRTIO_NET_F_STATUS) | \
	 (1ULL << VIRTIO_NET_F_MTU))
#define NETCFG(field) offsetof(struct virtio_net_config, field)

static struct virtio_dev vd;

static void setup(void)
{
	vdev_init(NET_FEATURES);
	fake_pmm_reset();
	con_reset();
	memset(&vd, 0, sizeof(vd));
}

static void teardown(void)
{
	vdev_exit();
	fake_pmm_reset();
}

/* The device configuration of a virtio-net with this MAC, status, MTU. */
static void netcfg(const uint8_t mac[6], uint16_t status, uint16_t mtu)
{
	uint8_t *c = vdev.bar + VDEV_DEVCFG;
	memcpy(c + NETCFG(mac), mac, 6);
	memcpy(c + NETCFG(status), &status, 2);
	memcpy(c + NETCFG(mtu), &mtu, 2);
}

/* 4.1.3.1: "the driver MUST access each field using the natural access
 * method": a 16-bit field is one 16-bit read, not two byte reads (vdev.c
 * fails the test on any other width). */
START_TEST(config_read_natural_width)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	netcfg(mac, VIRTIO_NET_S_LINK_UP, 1400);
	vdev_log_clear();
	uint16_t status = 0, mtu = 0;
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(status), &status, 2), 0);
	ck_assert_int_eq(status, VIRTIO_NET_S_LINK_UP);
	ck_assert_int_eq(vdev_count(VDEV_DEVCFG + NETCFG(status), 2, 0), 1);
	ck_assert_int_eq(vdev.nlog, 1);
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mtu), &mtu, 2), 0);
	ck_assert_int_eq(mtu, 1400);
	ck_assert_int_eq(vdev_count(VDEV_DEVCFG + NETCFG(mtu), 2, 0), 1);
	ck_assert_int_eq(vdev.nlog, 2);
	/* The MAC is six 8-bit fields: six byte reads. */
	uint8_t got[6];
	vdev_log_clear();
	ck_assert_int_eq(virtio_config_read_bytes(&vd, NETCFG(mac), got, 6), 0);
	ck_assert_mem_eq(got, mac, 6);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(vdev_count(VDEV_DEVCFG + NETCFG(mac) + i, 1, 0), 1);
	ck_assert_int_eq(vdev.nlog, 6);
	/* A 32-bit field (speed) is one 32-bit read. */
	uint32_t speed = 0;
	memcpy(vdev.bar + VDEV_DEVCFG + NETCFG(speed), &(uint32_t){ 10000 }, 4);
	vdev_log_clear();
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(speed), &speed, 4), 0);
	ck_assert_int_eq(speed, 10000);
	ck_assert_int_eq(vdev_count(VDEV_DEVCFG + NETCFG(speed), 4, 0), 1);
}
END_TEST

/* No width but 1, 2, 4, 8 and no field off its alignment: refused, no access. */
START_TEST(config_read_bad_width)
{
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	vdev_log_clear();
	uint8_t buf[8];
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mac), buf, 6), -EINVAL);
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mac), buf, 3), -EINVAL);
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(status) + 1, buf, 2), -EINVAL);
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mtu), buf, 4), -EINVAL);
	ck_assert_int_eq(virtio_config_read(&vd, 2, buf, 8), -EINVAL);
	ck_assert_int_eq(vdev.nlog, 0);
}
END_TEST

/* 2.4.1: read again while config_generation moves; give up (-EIO) on a
 * device whose generation never settles instead of returning torn data
 * as good. */
START_TEST(config_read_generation)
{
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	netcfg((const uint8_t[6]){ 0 }, 0, 1500);
	vdev.gen_bump = 3; /* the next three generation reads each see a new one */
	vdev_log_clear();
	uint16_t mtu = 0;
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mtu), &mtu, 2), 0);
	ck_assert_int_eq(mtu, 1500);
	ck_assert_int_eq(vdev_count(VDEV_DEVCFG + NETCFG(mtu), 2, 0), 2);
	vdev.gen_bump = -1; /* for ever */
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mtu), &mtu, 2), -EIO);
}
END_TEST

/* Only these capabilities, in this order. */
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

/* No DEVICE_CFG capability: nothing to read, and no read near address 0. */
START_TEST(config_read_without_device_config)
{
	caps(1, 1, 0, 1);
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	ck_assert_uint_eq(vd.devcfg, 0);
	uint16_t status = 0xbeef;
	uint8_t mac[6];
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(status), &status, 2), -ENODEV);
	ck_assert_int_eq(virtio_config_read_bytes(&vd, NETCFG(mac), mac, 6), -ENODEV);
	ck_assert_int_eq(status, 0xbeef);
}
END_TEST

/* A capability is only taken if its structure lies inside its BAR: the
 * device does not get to point us past what we mapped.  And a field past
 * the device configuration's length is not read. */
START_TEST(capabilities_inside_bar)
{
	caps(1, 1, 0, 1);
	vdev_add_cap(VIRTIO_PCI_CAP_DEVICE_CFG, VDEV_BAR, VDEV_BAR_SIZE - 8, 0x100);
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	ck_assert_uint_eq(vd.devcfg, 0);
	uint16_t v;
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mtu), &v, 2), -ENODEV);
	/* offset + length wrapping 32 bits */
	caps(1, 1, 0, 1);
	vdev_add_cap(VIRTIO_PCI_CAP_DEVICE_CFG, VDEV_BAR, 0xfffffff0u, 0x20);
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	ck_assert_uint_eq(vd.devcfg, 0);
	/* 8 bytes: mac and status, no MTU */
	caps(1, 1, 0, 1);
	vdev_add_cap(VIRTIO_PCI_CAP_DEVICE_CFG, VDEV_BAR, VDEV_DEVCFG, 8);
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(status), &v, 2), 0);
	ck_assert_int_eq(virtio_config_read(&vd, NETCFG(mtu), &v, 2), -EINVAL);
	/* The common configuration past the BAR, or shorter than its registers:
	 * no modern interface. */
	vdev_clear_caps();
	vdev_add_cap(VIRTIO_PCI_CAP_COMMON_CFG, VDEV_BAR, VDEV_BAR_SIZE - 0x20, 0x1000);
	vdev_add_cap(VIRTIO_PCI_CAP_ISR_CFG, VDEV_BAR, VDEV_ISR, 1);
	vdev_add_cap(VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_BAR, VDEV_NOTIFY, 0x1000);
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), -ENODEV);
	vdev_clear_caps();
	vdev_add_cap(VIRTIO_PCI_CAP_COMMON_CFG, VDEV_BAR, VDEV_COMMON, 0x20);
	vdev_add_cap(VIRTIO_PCI_CAP_ISR_CFG, VDEV_BAR, VDEV_ISR, 1);
	vdev_add_cap(VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_BAR, VDEV_NOTIFY, 0x1000);
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), -ENODEV);
	/* A doorbell (queue_notify_off * multiplier, 2 bytes) past the
	 * notification structure: that queue is refused. */
	caps(1, 1, 1, 0);
	vdev_add_cap(VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_BAR, VDEV_NOTIFY, 4);
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	struct virtqueue q0, q1;
	uintptr_t bell0, bell1;
	ck_assert_int_eq(virtio_queue_setup(&vd, 0, &q0, 256, VIRTIO_MSI_NO_VECTOR, &bell0), 0);
	ck_assert_uint_eq(bell0, (uintptr_t)vdev.bar + VDEV_NOTIFY);
	ck_assert_int_eq(virtio_queue_setup(&vd, 1, &q1, 256, VIRTIO_MSI_NO_VECTOR, &bell1), -EIO);
}
END_TEST

/* Split virtqueue sizes are powers of two (2.6): the largest one within
 * both the device's maximum and ours; a queue of size 0 does not exist. */
START_TEST(queue_size_power_of_two)
{
	static const struct {
		uint16_t dev_max, our_max, want;
	} cases[] = {
		{ 300, 256, 256 }, { 300, 1024, 256 }, { 256, 256, 256 }, { 1024, 256, 256 },
		{ 5, 256, 4 },     { 1, 256, 1 },      { 255, 256, 128 }, { 256, 300, 256 },
		{ 65535, 65535, 32768 }, { 8, 8, 8 },  { 1000, 8, 8 },
	};
	ck_assert_int_eq(virtio_pci_init(&vd, &vdev.pci), 0);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct virtqueue vq;
		uintptr_t bell;
		vdev.q[0].max_size = vdev.q[0].size = cases[i].dev_max;
		ck_assert_int_eq(virtio_queue_setup(&vd, 0, &vq, cases[i].our_max, VIRTIO_MSI_NO_VECTOR, &bell), 0);
		ck_assert_msg(vdev.q[0].size == cases[i].want && vq.size == cases[i].want,
			      "device max %u, ours %u: queue_size %u, ring %u (want %u)", cases[i].dev_max,
			      cases[i].our_max, vdev.q[0].size, vq.size, cases[i].want);
		fake_pmm_reset();
	}
	struct virtqueue vq;
	uintptr_t bell;
	vdev.q[0].max_size = vdev.q[0].size = 0;
	ck_assert_int_eq(virtio_queue_setup(&vd, 0, &vq, 256, VIRTIO_MSI_NO_VECTOR, &bell), -ENOENT);
	vdev.q[0].max_size = vdev.q[0].size = 256;
	ck_assert_int_eq(virtio_queue_setup(&vd, 0, &vq, 0, VIRTIO_MSI_NO_VECTOR, &bell), -ENOENT);
	ck_assert_int_eq(virtio_queue_setup(&vd, 2, &vq, 256, VIRTIO_MSI_NO_VECTOR, &bell), -ENOENT);
	ck_assert_uint_eq(fake_pmm_out(), 0);
}
END_TEST

Suite *virtio_pci_suite(void)
{
	Suite *s = suite_create("virtio_pci");
	TCase *tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, config_read_natural_width);
	tcase_add_test(tc, config_read_bad_width);
	tcase_add_test(tc, config_read_generation);
	tcase_add_test(tc, config_read_without_device_config);
	tcase_add_test(tc, capabilities_inside_bar);
	suite_add_tcase(s, tc);
	tc = tcase_create("queue");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, queue_size_power_of_two);
	suite_add_tcase(s, tc);
	return s;
}
