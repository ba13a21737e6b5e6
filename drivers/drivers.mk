# drivers/: serial console, PCI, virtio transport and virtqueues, virtio-net, virtio-rng.
KERNEL_SRCS += drivers/uart16550.c drivers/pci.c drivers/virtio_pci.c drivers/virtqueue.c \
	drivers/virtio_net.c drivers/virtio_net_rx.c drivers/virtio_net_tx.c drivers/virtio_rng.c
HOST_TEST_SRCS += drivers/virtqueue.c drivers/virtio_net_rx.c drivers/virtio_net_tx.c \
	drivers/virtio_pci.c drivers/virtio_net.c
# net/core/napi.c shares the unit-test binary: the host build of the driver calls test_virtio_net_rx.c's NAPI fakes.
$(B)/host/pure/drivers/virtio_net_rx.o: HOST_CFLAGS += -Dnapi_schedule=vnet_test_napi_schedule -Dnapi_complete=vnet_test_napi_complete
# virtio_pci.c reaches its device through mmio_*: tests/unit/shim's kernel/x86.h
# (searched first for quoted includes) makes them calls into tests/unit/vdev.c.
$(B)/host/pure/drivers/virtio_pci.o: HOST_CFLAGS += -iquote tests/unit/shim
# virtio_net.c's one heap allocation goes through tests/unit/test_virtio_net_probe.c's counter.
$(B)/host/pure/drivers/virtio_net.o: HOST_CFLAGS += -Dcalloc=vnet_test_calloc -Dfree=vnet_test_free
