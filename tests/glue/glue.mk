# tests/glue/: the glue layer on the host (tests/glue/glue.h says what it
# is), under AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   make check-glue     build $(B)/glue/glue_tests (Check) and run it
#                       (CK_RUN_SUITE=... and CK_RUN_CASE=... pick tests)
#
# Built with Debian's clang: the same objects, with coverage
# instrumentation, link into the libFuzzer targets of tests/fuzz.  Every
# net/ file the kernel links is here, with lwIP built from the fetched
# tree with net/lwip/lwipopts.h and our patches; tests/glue/kernel.c and
# fakedev.c stand in for the hardware.  tests/glue/arch/cc.h comes before
# net/lwip/arch/cc.h (lwIP's heap is glibc's, so the sanitizers see it), and
# tests/glue/shim/kernel/x86.h before kernel/x86.h.  Receive copies are not
# pooled here (NETDEV_COPY_POOL_MAX=0): each is its own malloc for ASan.

.PHONY: check-glue

GLUE_CC := clang
GLUE_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
GLUE_CFLAGS := -std=gnu11 -O1 -g $(GLUE_SAN) -fsanitize=fuzzer-no-link -Itests/glue -Itests/glue/shim \
	-I. -Inet/lwip -I$(LWIP)/src/include -isystem $(B)/sysinc -include tests/unit/compat.h -MMD -MP \
	-DNETDEV_COPY_POOL_MAX=0 -DTCP_QUEUE_TAILS_CHECK_ON=1 -DMEMP_FREE_CACHE=0
GLUE_OWN_WARN := $(OWN_WARN) -Wno-unknown-warning-option
GLUE_KERNEL_SRCS := kernel/sysctl.c kernel/sysctl_table.c kernel/fault.c kernel/cmdline.c kernel/console.c \
	kernel/ledit.c kernel/cmds.c
GLUE_SRCS := $(filter net/%.c,$(KERNEL_SRCS)) $(GLUE_KERNEL_SRCS) tests/unit/compat.c \
	tests/glue/kernel.c tests/glue/fakedev.c tests/glue/world.c tests/glue/wire.c tests/glue/alloc.c \
	tests/glue/restore.c tests/glue/eth1.c tests/glue/txlog.c
GLUE_OBJS := $(patsubst %.c,$(B)/glue/%.o,$(GLUE_SRCS)) $(B)/glue/rc.o \
	$(patsubst $(LWIP)/%.c,$(B)/glue/lwip/%.o,$(LWIP_SRCS))
GLUE_TEST_SRCS := $(sort $(wildcard tests/glue/test_*.c)) tests/glue/main.c
GLUE_TEST_OBJS := $(patsubst %.c,$(B)/glue/%.o,$(GLUE_TEST_SRCS))

$(B)/glue/%.o: %.c | $(LWIP_STAMP) $(SYSINC)
	@mkdir -p $(dir $@)
	$(GLUE_CC) $(GLUE_CFLAGS) $(GLUE_OWN_WARN) -c $< -o $@

$(B)/glue/lwip/%.o: $(LWIP)/%.c | $(LWIP_STAMP) $(SYSINC)
	@mkdir -p $(dir $@)
	$(GLUE_CC) $(GLUE_CFLAGS) $(LWIP_WARN) -c $< -o $@

$(B)/glue/tests/glue/test_%.o $(B)/glue/tests/glue/main.o: GLUE_CFLAGS += $(CHECK_CFLAGS)
# The world's code and lwIP allocate through tests/glue/alloc.c (counted, cappable).
$(B)/glue/net/%.o $(B)/glue/kernel/%.o $(B)/glue/lwip/%.o: GLUE_CFLAGS += -include tests/glue/alloc.h

# The default nagare.rc as a C string (the kernel embeds it with rc_blob.S).
$(B)/glue/rc.c: kernel/nagare.rc
	@mkdir -p $(dir $@)
	{ echo 'const char glue_default_rc[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } > $@

$(B)/glue/rc.o: $(B)/glue/rc.c
	$(GLUE_CC) $(GLUE_CFLAGS) -c $< -o $@

$(B)/glue/glue_tests: $(GLUE_OBJS) $(GLUE_TEST_OBJS)
	$(GLUE_CC) $(GLUE_SAN) -o $@ $^ $(CHECK_LIBS)

check-glue: $(B)/glue/glue_tests
	$(B)/glue/glue_tests

-include $(GLUE_OBJS:.o=.d) $(GLUE_TEST_OBJS:.o=.d)
