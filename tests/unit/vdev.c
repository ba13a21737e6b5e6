/*
 * The fake virtio PCI function of tests/unit/vdev.h: drivers/pci.h's
 * calls over a configuration-space array, and the mmio_* accessors of
 * tests/unit/shim/kernel/x86.h over a BAR in host memory, the common
 * configuration played register by register (virtio 1.1 4.1.4.3).
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "tests/unit/shim/kernel/x86.h"
#include "tests/unit/vdev.h"

#define CC(field) offsetof(struct virtio_pci_common_cfg, field)
/* Every register access comes through here: test first, call Check only
 * on failure (each ck_assert is a write to Check's pipe). */
#define CHECK(c, ...)                          \
	do {                                   \
		if (!(c))                      \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)
#define NO_VECTOR VIRTIO_MSI_NO_VECTOR

struct vdev vdev;

/* ---- configuration space and capabilities --------------------------------- */

static void put(uint16_t off, uint64_t v, int width)
{
	ck_assert_int_le(off + width, sizeof(vdev.cfg));
	for (int i = 0; i < width; i++)
		vdev.cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get(uint16_t off, int width)
{
	ck_assert_msg(off + width <= (int)sizeof(vdev.cfg), "config space read at %#x", off);
	uint32_t v = 0;
	for (int i = 0; i < width; i++)
		v |= (uint32_t)vdev.cfg[off + i] << (8 * i);
	return v;
}

void vdev_clear_caps(void)
{
	put(0x34, 0, 1);
	vdev.next_cap = 0x40;
}

/* Each capability takes 20 bytes (the notify one carries its multiplier). */
void vdev_add_cap(uint8_t type, uint8_t bar, uint32_t off, uint32_t len)
{
	uint8_t at = vdev.next_cap, prev = 0x34;
	while (get(prev, 1))
		prev = (uint8_t)(get(prev, 1) + 1);
	put(prev, at, 1);
	put(at + 0, PCI_CAP_VENDOR, 1);
	put(at + 1, 0, 1);
	put(at + 2, 20, 1);
	put(at + VIRTIO_PCI_CAP_CFG_TYPE, type, 1);
	put(at + VIRTIO_PCI_CAP_BAR, bar, 1);
	put(at + VIRTIO_PCI_CAP_OFFSET, off, 4);
	put(at + VIRTIO_PCI_CAP_LENGTH, len, 4);
	put(at + 16, type == VIRTIO_PCI_CAP_NOTIFY_CFG ? VDEV_NOTIFY_MUL : 0, 4);
	vdev.next_cap = at + 20;
}

static void device_reset(void)
{
	vdev.status = 0;
	vdev.dfsel = vdev.gfsel = 0;
	vdev.guest = 0;
	vdev.msix_config = NO_VECTOR;
	vdev.qsel = 0;
	for (int i = 0; i < VDEV_QUEUES; i++) {
		struct vdev_queue *q = &vdev.q[i];
		q->size = q->max_size;
		q->msix = NO_VECTOR;
		q->enable = 0;
		memset(q->addr, 0, sizeof(q->addr));
	}
	vdev.armed = 0;
}

void vdev_init(uint64_t offered)
{
	vdev_exit();
	memset(&vdev, 0, sizeof(vdev));
	vdev.bar = aligned_alloc(4096, VDEV_BAR_SIZE);
	ck_assert_ptr_nonnull(vdev.bar);
	memset(vdev.bar, 0, VDEV_BAR_SIZE);
	vdev.pci = (struct pci_dev){ .bus = 0, .dev = 3, .fn = 0, .vendor = 0x1af4, .device = 0x1041 };
	vdev.pci.bar[VDEV_BAR] = (struct pci_bar){ .addr = 0xfe000000, .size = VDEV_BAR_SIZE, .is64 = 1 };
	put(0x00, 0x1af4, 2);
	put(0x02, 0x1041, 2);
	put(0x06, 0x10, 2); /* status: capability list */
	vdev_clear_caps();
	vdev_add_cap(VIRTIO_PCI_CAP_COMMON_CFG, VDEV_BAR, VDEV_COMMON, sizeof(struct virtio_pci_common_cfg));
	vdev_add_cap(VIRTIO_PCI_CAP_ISR_CFG, VDEV_BAR, VDEV_ISR, 1);
	vdev_add_cap(VIRTIO_PCI_CAP_DEVICE_CFG, VDEV_BAR, VDEV_DEVCFG, sizeof(struct virtio_net_config));
	vdev_add_cap(VIRTIO_PCI_CAP_NOTIFY_CFG, VDEV_BAR, VDEV_NOTIFY, 0x1000);
	vdev.offered = offered;
	vdev.num_queues = 2;
	for (int i = 0; i < VDEV_QUEUES; i++) {
		vdev.q[i].max_size = 256;
		vdev.q[i].notify_off = (uint16_t)i;
	}
	vdev.msix_entries = 3;
	device_reset();
	for (int i = 0; i < 8; i++)
		vdev.msix_masked[i] = 1;
}

void vdev_exit(void)
{
	free(vdev.bar);
	vdev.bar = NULL;
}

int vdev_count(uint32_t off, int width, int write)
{
	int n = 0;
	for (int i = 0; i < vdev.nlog; i++)
		n += vdev.log[i].off == off && (!width || vdev.log[i].width == width) &&
		     vdev.log[i].write == write;
	return n;
}

static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

int vdev_reaches(uint64_t pa, uint64_t len)
{
	for (int i = 0; i < VDEV_QUEUES; i++) {
		const struct vdev_queue *q = &vdev.q[i];
		uint64_t desc = q->addr[0] | (uint64_t)q->addr[1] << 32;
		uint64_t avail = q->addr[2] | (uint64_t)q->addr[3] << 32;
		uint64_t used = q->addr[4] | (uint64_t)q->addr[5] << 32;
		if (!desc && !avail && !used)
			continue;
		if (overlap(desc, 16ULL * q->size, pa, len) || overlap(avail, 6 + 2ULL * q->size, pa, len) ||
		    overlap(used, 6 + 8ULL * q->size, pa, len))
			return 1;
		const struct vring_desc *d = (const struct vring_desc *)(uintptr_t)desc;
		for (int k = 0; d && k < q->size; k++)
			if (overlap(d[k].addr, d[k].len, pa, len))
				return 1;
	}
	return 0;
}

void vdev_log_clear(void)
{
	vdev.nlog = 0;
}

/* ---- drivers/pci.h ------------------------------------------------------------ */

static void is_ours(const struct pci_dev *d)
{
	ck_assert_msg(d == &vdev.pci, "a pci_dev that is not the fake's");
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	is_ours(d);
	return get(off, 4);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	is_ours(d);
	return (uint16_t)get(off, 2);
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	is_ours(d);
	return (uint8_t)get(off, 1);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	is_ours(d);
	put(off, v, 4);
}

void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	is_ours(d);
	put(off, v, 2);
}

/* As drivers/pci.c walks the list (PCI 3.0 6.7). */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id, uint8_t from)
{
	if (!(pci_read16(d, 0x06) & 0x10))
		return 0;
	uint8_t p = from ? pci_read8(d, from + 1) : pci_read8(d, 0x34);
	for (int n = 0; p >= 0x40 && n < 48; n++) {
		p &= ~3;
		if (pci_read8(d, p) == id)
			return p;
		p = pci_read8(d, p + 1);
	}
	return 0;
}

uintptr_t pci_map_bar(struct pci_dev *d, int bar)
{
	is_ours(d);
	if (bar != VDEV_BAR || !d->bar[bar].size)
		return 0;
	return (uintptr_t)vdev.bar;
}

void pci_enable_master(const struct pci_dev *d)
{
	is_ours(d);
	vdev.master = 1;
}

void pci_enable(struct pci_dev *d)
{
	pci_enable_master(d);
}

void pci_disable_master(const struct pci_dev *d)
{
	is_ours(d);
	vdev.master = 0;
}

int pci_msix_enable(struct pci_dev *d)
{
	is_ours(d);
	if (!vdev.msix_entries)
		return -ENODEV;
	vdev.msix_enabled = 1;
	for (int i = 0; i < 8; i++)
		vdev.msix_masked[i] = 1;
	return vdev.msix_entries;
}

void pci_msix_disable(struct pci_dev *d)
{
	is_ours(d);
	vdev.msix_enabled = 0;
	for (int i = 0; i < 8; i++)
		vdev.msix_masked[i] = 1;
}

/* As drivers/pci.c: the entry stays masked. */
int pci_msix_route(struct pci_dev *d, int entry, int vec)
{
	is_ours(d);
	ck_assert(vdev.msix_enabled);
	ck_assert_int_lt(entry, vdev.msix_entries);
	vdev.msix_vec[entry] = vec;
	return 0;
}

void pci_msix_mask(struct pci_dev *d, int entry, int masked)
{
	is_ours(d);
	ck_assert_int_lt(entry, vdev.msix_entries);
	vdev.msix_masked[entry] = masked;
}

/* ---- the common configuration (4.1.4.3), register by register ---------------- */

static const struct {
	uint32_t off;
	int width;
} regs[] = {
	{ CC(device_feature_select), 4 }, { CC(device_feature), 4 }, { CC(guest_feature_select), 4 },
	{ CC(guest_feature), 4 }, { CC(msix_config), 2 }, { CC(num_queues), 2 },
	{ CC(device_status), 1 }, { CC(config_generation), 1 }, { CC(queue_select), 2 },
	{ CC(queue_size), 2 }, { CC(queue_msix_vector), 2 }, { CC(queue_enable), 2 },
	{ CC(queue_notify_off), 2 }, { CC(queue_desc_lo), 4 }, { CC(queue_desc_hi), 4 },
	{ CC(queue_avail_lo), 4 }, { CC(queue_avail_hi), 4 }, { CC(queue_used_lo), 4 },
	{ CC(queue_used_hi), 4 },
};

static void natural(uint32_t off, int width)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (regs[i].off == off) {
			CHECK(regs[i].width == width, "common config offset %#x accessed with width %d (field width %d)",
			      off, width, regs[i].width);
			return;
		}
	}
	ck_abort_msg("common config offset %#x (width %d) is no register", off, width);
}

static struct vdev_queue *selq(void)
{
	return vdev.qsel < vdev.num_queues && vdev.qsel < VDEV_QUEUES ? &vdev.q[vdev.qsel] : NULL;
}

static uint32_t common_read(uint32_t off, int width)
{
	natural(off, width);
	struct vdev_queue *q = selq();
	switch (off) {
	case CC(device_feature_select): return vdev.dfsel;
	case CC(device_feature): return vdev.dfsel < 2 ? (uint32_t)(vdev.offered >> (32 * vdev.dfsel)) : 0;
	case CC(guest_feature_select): return vdev.gfsel;
	case CC(guest_feature): return vdev.gfsel < 2 ? (uint32_t)(vdev.guest >> (32 * vdev.gfsel)) : 0;
	case CC(msix_config): return vdev.msix_config;
	case CC(num_queues): return vdev.num_queues;
	case CC(device_status): return vdev.status;
	case CC(config_generation):
		if (vdev.gen_bump) {
			vdev.generation++;
			if (vdev.gen_bump > 0)
				vdev.gen_bump--;
		}
		return vdev.generation;
	case CC(queue_select): return vdev.qsel;
	case CC(queue_size): return q ? q->size : 0;
	case CC(queue_msix_vector): return q ? q->msix : NO_VECTOR;
	case CC(queue_enable): return q ? q->enable : 0;
	case CC(queue_notify_off): return q ? q->notify_off : 0;
	default: return q ? q->addr[(off - CC(queue_desc_lo)) / 4] : 0;
	}
}

static void set_status(uint8_t v)
{
	if (v == 0) {
		vdev.resets++;
		if (!vdev.stuck_reset)
			device_reset();
		return;
	}
	if (vdev.refuse_features)
		v &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;
	vdev.status = v;
	if (v & VIRTIO_CONFIG_S_DRIVER_OK)
		vdev.armed = 1;
}

static void common_write(uint32_t off, int width, uint32_t v)
{
	natural(off, width);
	struct vdev_queue *q = selq();
	switch (off) {
	case CC(device_feature_select): vdev.dfsel = v; break;
	case CC(guest_feature_select): vdev.gfsel = v; break;
	case CC(guest_feature):
		if (vdev.gfsel < 2)
			vdev.guest = (vdev.guest & ~(0xffffffffull << (32 * vdev.gfsel))) |
				     (uint64_t)v << (32 * vdev.gfsel);
		break;
	case CC(msix_config): vdev.msix_config = vdev.refuse_msix & 1 ? NO_VECTOR : (uint16_t)v; break;
	case CC(device_status): set_status((uint8_t)v); break;
	case CC(queue_select): vdev.qsel = (uint16_t)v; break;
	case CC(queue_size):
		if (q)
			q->size = (uint16_t)v;
		break;
	case CC(queue_msix_vector):
		if (q)
			q->msix = vdev.refuse_msix >> (1 + vdev.qsel) & 1 ? NO_VECTOR : (uint16_t)v;
		break;
	case CC(queue_enable):
		if (q) {
			q->enable = (uint16_t)v;
			vdev.armed |= v != 0;
		}
		break;
	case CC(queue_desc_lo): case CC(queue_desc_hi): case CC(queue_avail_lo):
	case CC(queue_avail_hi): case CC(queue_used_lo): case CC(queue_used_hi):
		if (q) {
			q->addr[(off - CC(queue_desc_lo)) / 4] = v;
			vdev.armed = 1; /* the device knows where the ring is */
		}
		break;
	default:
		ck_abort_msg("common config offset %#x is read-only", off);
	}
}

/* ---- the rest of the BAR ------------------------------------------------------- */

/* virtio_net_config's fields (5.1.4): the width each offset starts, 0 inside one. */
static int devcfg_width(uint32_t off)
{
	static const uint8_t w[24] = { 1, 1, 1, 1, 1, 1, 2, 0, 2, 0, 2, 0, 4, 0, 0, 0, 1, 1, 2, 0, 4, 0, 0, 0 };
	return off < sizeof(w) ? w[off] : 0;
}

static void note(uint32_t off, int width, int write)
{
	if (vdev.nlog < VDEV_LOG)
		vdev.log[vdev.nlog++] = (struct vdev_access){ off, (uint8_t)width, (uint8_t)write };
	if (off >= VDEV_DEVCFG && off < VDEV_NOTIFY) {
		uint32_t f = off - VDEV_DEVCFG;
		CHECK(devcfg_width(f) == width, "device config offset %u accessed with width %d (field width %d)", f,
		      width, devcfg_width(f));
	}
}

/* 1 if [a, a + width) is in the BAR (its offset in *off); an access that
 * straddles the BAR's end fails the test. */
static int in_bar(uintptr_t a, int width, uint32_t *off)
{
	uintptr_t base = (uintptr_t)vdev.bar;
	if (!vdev.bar || a < base || a >= base + VDEV_BAR_SIZE)
		return 0;
	CHECK(a + width <= base + VDEV_BAR_SIZE, "access past the BAR's end");
	*off = (uint32_t)(a - base);
	return 1;
}

static uint64_t rd(uintptr_t a, int width)
{
	uint32_t off;
	uint64_t v = 0;
	if (!in_bar(a, width, &off)) {
		memcpy(&v, (const void *)a, width);
		return v;
	}
	if (off < VDEV_ISR)
		return common_read(off, width);
	note(off, width, 0);
	memcpy(&v, vdev.bar + off, width);
	if (off == VDEV_ISR)
		vdev.bar[off] = 0; /* reading the ISR status clears it (4.1.4.5) */
	return v;
}

static void wr(uintptr_t a, int width, uint64_t v)
{
	uint32_t off;
	if (!in_bar(a, width, &off)) {
		memcpy((void *)a, &v, width);
		return;
	}
	if (off < VDEV_ISR) {
		common_write(off, width, (uint32_t)v);
		return;
	}
	note(off, width, 1);
	memcpy(vdev.bar + off, &v, width);
}

uint8_t mmio_read8(uintptr_t a) { return (uint8_t)rd(a, 1); }
uint16_t mmio_read16(uintptr_t a) { return (uint16_t)rd(a, 2); }
uint32_t mmio_read32(uintptr_t a) { return (uint32_t)rd(a, 4); }
uint64_t mmio_read64(uintptr_t a) { return rd(a, 8); }
void mmio_write8(uintptr_t a, uint8_t v) { wr(a, 1, v); }
void mmio_write16(uintptr_t a, uint16_t v) { wr(a, 2, v); }
void mmio_write32(uintptr_t a, uint32_t v) { wr(a, 4, v); }
void mmio_write64(uintptr_t a, uint64_t v) { wr(a, 8, v); }
