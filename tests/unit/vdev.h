/*
 * A fake virtio PCI function on the host (virtio 1.1 4.1): configuration
 * space with the virtio capabilities, one memory BAR in host memory with
 * the common configuration played register by register (feature and
 * queue select banks, reset, FEATURES_OK, MSI-X vector read-back), the
 * device configuration, ISR and notification regions, and MSI-X.  It
 * implements drivers/pci.h's calls and, through tests/unit/shim's
 * kernel/x86.h, the mmio_* accessors, checking that every register is
 * accessed with its natural width (4.1.3.1).
 */
#ifndef TESTS_UNIT_VDEV_H
#define TESTS_UNIT_VDEV_H

#include <stdint.h>

#include "drivers/pci.h"

#define VDEV_BAR 4
#define VDEV_BAR_SIZE 0x4000
#define VDEV_COMMON 0x0000   /* layout of the BAR, as QEMU's virtio-pci */
#define VDEV_ISR 0x1000
#define VDEV_DEVCFG 0x2000
#define VDEV_NOTIFY 0x3000
#define VDEV_NOTIFY_MUL 4
#define VDEV_QUEUES 3
#define VDEV_LOG 512

/* One access to the BAR outside the common configuration. */
struct vdev_access {
	uint32_t off;    /* from the BAR's start */
	uint8_t width;   /* bytes */
	uint8_t write;
};

struct vdev_queue {
	uint16_t max_size;                     /* queue_size before the driver writes it */
	uint16_t size, msix, enable, notify_off;
	uint32_t addr[6];                      /* desc, avail, used: lo, hi */
};

struct vdev {
	struct pci_dev pci;        /* what the driver probes */
	uint8_t cfg[256];          /* PCI configuration space */
	uint8_t *bar;              /* VDEV_BAR_SIZE bytes */
	uint8_t next_cap;
	/* the device */
	uint64_t offered;
	uint32_t dfsel, gfsel;
	uint64_t guest;            /* features the driver wrote */
	uint16_t msix_config, num_queues, qsel;
	uint8_t status;
	struct vdev_queue q[VDEV_QUEUES];
	int msix_entries;          /* table size; 0: no MSI-X */
	/* how it misbehaves */
	int refuse_features;       /* FEATURES_OK does not stick */
	unsigned refuse_msix;      /* vector writes read back NO_VECTOR: bit 0 config, bit 1 + n queue n */
	int stuck_reset;           /* device_status never reads 0 */
	int gen_bump;              /* config_generation moves on each of this many reads */
	/* what the driver did */
	uint8_t generation;
	int resets;                /* writes of 0 to device_status */
	int armed;                 /* ring addresses given or DRIVER_OK, since the last reset */
	int master;                /* bus mastering on */
	int msix_enabled;
	int msix_vec[8], msix_masked[8];
	struct vdev_access log[VDEV_LOG];
	int nlog;
};

extern struct vdev vdev;

/* A virtio-net-pci as QEMU 7.2 makes it (disable-legacy=on): common,
 * ISR, device and notify capabilities in BAR 4, two queues of 256, three
 * MSI-X vectors, offering `offered`. */
void vdev_init(uint64_t offered);
/* Capability list editing: start empty, then add in order. */
void vdev_clear_caps(void);
void vdev_add_cap(uint8_t type, uint8_t bar, uint32_t off, uint32_t len);
void vdev_exit(void);
/* Nonzero if the device can reach [pa, pa + len) now: a queue's rings it
 * was given, or a buffer one of their descriptors points to.  Nothing
 * after a reset, which makes it forget its queues. */
int vdev_reaches(uint64_t pa, uint64_t len);
/* Log entries at BAR offset off of this width (0: any) and direction. */
int vdev_count(uint32_t off, int width, int write);
void vdev_log_clear(void);

#endif
