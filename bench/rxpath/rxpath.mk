# bench/rxpath/: instructions per received packet under callgrind
# (bench/rxpath/rxpath.c says what is measured and how).
#
#   make bench-rxpath   build $(B)/bench/rxpath/rxpath, run it under
#                       valgrind --tool=callgrind and print Ir per packet
#
# What the kernel runs (driver, virtqueue, lwIP with net/lwip/lwipopts.h and our
# patches, kernel/heap.c, kernel/libc/string.c) gets the kernel's code
# generation flags, so the counts are the kernel's instructions;
# bench/rxpath/arch/cc.h and shim/ stand in for the kernel's port.

.PHONY: bench-rxpath

RXPATH_B := $(B)/bench/rxpath
RXPATH_GEN := -std=gnu11 -O2 -g -ffreestanding -mgeneral-regs-only -mno-red-zone \
	-fno-stack-protector -fno-strict-aliasing -fno-omit-frame-pointer -fcf-protection=none -MMD -MP
RXPATH_CFLAGS := $(RXPATH_GEN) -Ibench/rxpath/shim -Ibench/rxpath -I. -Inet/lwip -I$(LWIP)/src/include
RXPATH_OWN := bench/rxpath/rxpath.c bench/rxpath/txbulk.c net/core/tso.c net/core/tso_tcp.c net/core/tcp4_frame.c net/core/gro.c net/core/gso.c drivers/virtio_net_rx.c drivers/virtio_net_tx.c drivers/virtqueue.c \
	net/core/csum.c net/http/parser.c net/ipv4/listen.c net/ipv4/listen_size.c net/ipv4/syncookie.c net/ipv4/syncookie_tcp.c net/core/siphash.c \
	net/core/netdev_rx.c net/core/rxq.c net/ipv4/tcp_mem.c net/ipv4/tsq.c net/core/netdev_txreq.c kernel/fault.c \
	net/sched/qdisc.c net/sched/pfifo.c net/sched/codel.c net/sched/fq_codel.c net/sched/dql.c \
	net/sched/tbf.c net/sched/sch_tbf.c net/sched/sch_api.c net/sched/tc_units.c
RXPATH_OBJS := $(patsubst %.c,$(RXPATH_B)/own/%.o,$(RXPATH_OWN)) \
	$(RXPATH_B)/heap.o $(RXPATH_B)/string.o \
	$(patsubst $(LWIP)/%.c,$(RXPATH_B)/lwip/%.o,$(filter-out %/lwiperf.c,$(LWIP_SRCS)))

$(RXPATH_B)/own/%.o: %.c | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(RXPATH_CFLAGS) $(OWN_WARN) -c $< -o $@

$(RXPATH_B)/lwip/%.o: $(LWIP)/%.c | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(RXPATH_CFLAGS) $(LWIP_WARN) -c $< -o $@

# The driver row hands frames to a counter of the bench's (bench_netdev_rx),
# not to net/core/netdev_rx.c, which the netdev_rx rows measure.
$(RXPATH_B)/own/drivers/virtio_net_rx.o: RXPATH_CFLAGS += -Dnetdev_rx=bench_netdev_rx \
	-Dnetdev_rx_error=bench_netdev_rx_error

# net/core/netdev_rx.c's copies come from the kernel heap, as in the kernel.
$(RXPATH_B)/own/net/core/netdev_rx.o: RXPATH_CFLAGS += -Dmalloc=kheap_malloc -Dfree=kheap_free

# The kernel heap as kheap_* (lwIP's mem_clib_* in arch/cc.h), beside glibc's.
$(RXPATH_B)/heap.o: kernel/heap.c
	@mkdir -p $(dir $@)
	$(CC) $(RXPATH_CFLAGS) $(OWN_WARN) -Dmalloc=kheap_malloc -Dcalloc=kheap_calloc \
		-Drealloc=kheap_realloc -Dfree=kheap_free -Dabort=kheap_abort -c $< -o $@

# The kernel's memcpy/memset/... replace glibc's for the whole program.
$(RXPATH_B)/string.o: kernel/libc/string.c
	@mkdir -p $(dir $@)
	$(CC) $(RXPATH_GEN) -nostdinc -isystem kernel/libc/include -isystem $(GCC_INC) -I. \
		$(OWN_WARN) -c $< -o $@

$(RXPATH_B)/rxpath: $(RXPATH_OBJS)
	$(CC) -o $@ $^

bench-rxpath: $(RXPATH_B)/rxpath
	@rm -f $(RXPATH_B)/callgrind.out*
	valgrind -q --tool=callgrind --collect-atstart=no --toggle-collect='measure_*' \
		--compress-strings=no --compress-pos=no \
		--callgrind-out-file=$(RXPATH_B)/callgrind.out $(RXPATH_B)/rxpath
	@awk -f bench/rxpath/report.awk $$(ls -v $(RXPATH_B)/callgrind.out.*)

-include $(RXPATH_OBJS:.o=.d)
