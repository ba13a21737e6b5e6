# tests/: host unit tests (Check) and integration tests (pytest + QEMU).
#
#   make check-unit     build $(B)/host/unit_tests and run it (one Check
#                       suite per pure file; CK_RUN_SUITE=ledit runs one)
#
# HOST_TEST_SRCS (from the folders' fragments) are built with the host
# compiler and tests/unit/compat.h force-included; they get no -DTEST.
# kernel/libc's printf.c and strtol.c define C library names, so they are
# built with the kernel's own headers and renamed to k_* to sit next to
# glibc's, which the tests compare them with.

.PHONY: check-unit

# Under AddressSanitizer and UndefinedBehaviorSanitizer: an overflow or
# undefined behaviour is a failure, not a silent pass.
HOST_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror $(HOST_SAN) -I. -MMD -MP
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS = $(shell pkg-config --libs check)

HOST_KLIBC_SRCS := kernel/libc/printf.c kernel/libc/strtol.c
HOST_KLIBC_FLAGS := -ffreestanding -nostdinc -isystem kernel/libc/include -isystem $(GCC_INC) \
	-Dvsnprintf=k_vsnprintf -Dsnprintf=k_snprintf -Dstrtoul=k_strtoul -Dstrtol=k_strtol \
	-Dstrtoull=k_strtoull -Dstrtoll=k_strtoll -Datoi=k_atoi
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))

HOST_PURE_OBJS := $(patsubst %.c,$(B)/host/pure/%.o,$(HOST_TEST_SRCS))
HOST_KLIBC_OBJS := $(patsubst %.c,$(B)/host/klibc/%.o,$(HOST_KLIBC_SRCS))
UNIT_OBJS := $(patsubst %.c,$(B)/host/%.o,$(UNIT_SRCS))
TUNING_GEN_OBJS := $(B)/host/docs/tuning_gen.o $(B)/host/pure/kernel/sysctl.o \
	$(B)/host/pure/kernel/sysctl_table.o $(B)/host/pure/kernel/fault.o $(B)/host/pure/kernel/cmdline.o $(B)/host/tests/unit/compat.o \
	$(patsubst %.c,$(B)/host/pure/%.o,net/ipv4/devinet.c net/sched/sch_api.c net/sched/qdisc.c net/sched/pfifo.c \
		net/sched/codel.c net/sched/fq_codel.c net/sched/sch_tbf.c net/sched/tbf.c net/sched/tc_units.c)

$(B)/host/pure/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -include tests/unit/compat.h -c $< -o $@

$(B)/host/klibc/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(HOST_KLIBC_FLAGS) -c $< -o $@

$(B)/host/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(CHECK_CFLAGS) -c $< -o $@

# net/ipv4/fib_trie.c's allocations (fib_trie_mem.c's blocks, and the chunks
# and tables it asks malloc for) can be made to fail (tests/unit/fakes.c).
$(B)/host/pure/net/ipv4/fib_trie_mem.o: HOST_CFLAGS += '-DFIB_MEM_FAIL()=fake_fail_now()' \
	-Dmalloc=fake_malloc -Drealloc=fake_realloc -Dfree=fake_free -include tests/unit/fakes.h

# The docs test runs the generator and reads docs/tuning.md by absolute path.
$(B)/host/tests/unit/test_docs.o: HOST_CFLAGS += -DTUNING_GEN='"$(abspath $(B)/host/tuning_gen)"' \
	-DTUNING_MD='"$(abspath docs/tuning.md)"'

$(B)/host/docs/%.o: docs/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -c $< -o $@

$(B)/host/unit_tests: $(UNIT_OBJS) $(HOST_PURE_OBJS) $(HOST_KLIBC_OBJS)
	$(CC) $(HOST_SAN) -o $@ $^ $(CHECK_LIBS)

$(B)/host/tuning_gen: $(TUNING_GEN_OBJS)
	$(CC) $(HOST_SAN) -o $@ $^

check-unit: $(B)/host/unit_tests $(B)/host/tuning_gen
	$(B)/host/unit_tests

-include $(HOST_PURE_OBJS:.o=.d) $(HOST_KLIBC_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(TUNING_GEN_OBJS:.o=.d)
include tests/lwip/lwip.mk
