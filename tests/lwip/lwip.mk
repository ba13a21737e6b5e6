# tests/lwip/: lwIP's own unit suite (third_party/lwip/test/unit, Check),
# built with the host compiler from the fetched tree, so with our
# net/lwip/patches applied, twice:
#   1. against the suite's own test/unit/lwipopts.h (NO_SYS=0, sockets,
#      IPv6, DHCP, mDNS), all of its suites;
#   2. against net/lwip/lwipopts.h, the kernel's options (NO_SYS=1 raw API,
#      heap-backed pools under patch 0001's limits, our hooks, TIME-WAIT
#      limits tied to sysctls, patch 0004's demux table, window scaling,
#      SACK, timestamps), with the kernel's lwIP sources and the suites
#      that apply to them.
# Both add tests/lwip/test_tcp_hardening.c: segments from a peer that made
# lwIP 2.1.3 assert or read past a header (patches 0005-0007, 0009); run 2
# adds test_tcp_recovery.c, the loss recovery our options turn on (0019).
# tests/lwip holds only glue the tarball lacks: arch/cc.h, an empty
# config.h, unittests_main.c (lwIP's lwip_unittests.c fixes its suite
# list, so our main runs the suites of the test files built, SUITE(NAME)
# for each test_NAME.c), unit_skips.h (tests a run leaves out, and why),
# and for run 2 nagare/: the hooks and sysctls lwipopts.h names, and a
# sys_arch.h that fits NO_SYS=1.
#
#   make check-lwip     fetch lwIP if needed, build and run both; each
#                       writes lwip_unittests.xml in its build directory
#                       (CK_RUN_CASE=test_name runs one test)
#
# The source lists are lwIP's own (src/Filelists.mk, test/unit/Filelists.mk;
# they define COREFILES, TESTFILES, ... at top level).  They exist only
# after the fetch, so check-lwip builds in a sub-make that can read them.
# lwIP's files get no -Werror; -Wno-format-extra-args hides the suite's only
# warning (Check's fail() given a plain message), so a patch's warnings stand out.

.PHONY: check-lwip lwip-unit

LWIPDIR := $(LWIP)/src
-include $(LWIP)/src/Filelists.mk $(LWIP)/test/unit/Filelists.mk

LWIP_UNIT_T := $(LWIP)/test/unit
LWIP_UNIT_OURS := tests/lwip/unittests_main.c tests/lwip/test_tcp_hardening.c
# SUITE(NAME) for each test_NAME.c among $(1): what unittests_main.c runs.
lwip_unit_suites = $(foreach t,$(filter test_%,$(notdir $(basename $(1)))),SUITE($(t:test_%=%)))
LWIP_UNIT_WARN := -Wall -Wno-address -Wno-format-extra-args

# Run 1: the suite's options.  Glue first (arch/cc.h); lwIP's test/unit
# supplies lwipopts.h and arch/sys_arch.h.
LWIP_UNIT_B := $(B)/lwip-unit
LWIP_UNIT_SRCS := $(subst /src/../,/,$(COREFILES) $(CORE4FILES) $(CORE6FILES) $(APIFILES) \
	$(LWIPDIR)/netif/ethernet.c $(MDNSFILES) $(MQTTFILES) \
	$(filter-out %/lwip_unittests.c,$(TESTFILES))) $(LWIP_UNIT_OURS)
LWIP_UNIT_CFLAGS = -std=gnu11 -O1 -g $(LWIP_UNIT_WARN) -MMD -MP \
	-Itests/lwip -I$(LWIP)/src/include -I$(LWIP_UNIT_T) $(CHECK_CFLAGS) \
	-DTCP_QUEUE_TAILS_CHECK_ON=1 '-DLWIP_UNIT_SUITES=$(call lwip_unit_suites,$(LWIP_UNIT_SRCS))'

# Run 2: our options, the kernel's lwIP files (net/net.mk's LWIP_SRCS) and
# net/core/csum.c (LWIP_CHKSUM).  Test files left out:
#   test_sockets, test_ip6, test_dhcp, test_mdns, test_mqtt: sockets, IPv6,
#     DHCP, mDNS and MQTT are not in the kernel (NO_SYS=1 raw API);
#   test_netif: needs LWIP_NETIF_EXT_STATUS_CALLBACK, which we do not use;
#   test_mem: tests lwIP's own heap (MEM_LIBC_MALLOC puts the C library's
#     in its place) and expects it empty (MEMP_MEM_MALLOC keeps lwIP's
#     timers on it).
# Single tests left out of the files built are in unit_skips.h, with reasons.
# Three more compile to an empty body under our options by lwIP's own #if
# and count as passed: test_tcp_recv_ooseq_overrun_rxwin and _edge (not
# with a TCP_OOSEQ_MAX_* limit: we set TCP_OOSEQ_MAX_PBUFS) and
# test_tcp_recv_ooseq_max_bytes (needs TCP_OOSEQ_MAX_BYTES); run 1 has two
# such, max_bytes and max_pbufs.  test_tcp_hardening.c covers the window
# overrun under our options.
# Include order: nagare/ (sys_arch.h), the glue (arch/cc.h over
# net/lwip/arch/cc.h), net/ (lwipopts.h), the top (net/core/csum.h, net/lwip/lwip_hooks.h).
# LWIP_TESTMODE only exports two timer internals test_timers.c calls.
LWIP_NUNIT_B := $(B)/lwip-unit-nagare
LWIP_NUNIT_SRCS := $(LWIP_SRCS) net/core/csum.c tests/lwip/nagare/hooks.c \
	$(addprefix $(LWIP_UNIT_T)/,arch/sys_arch.c core/test_def.c core/test_pbuf.c \
	core/test_timers.c etharp/test_etharp.c ip4/test_ip4.c tcp/tcp_helper.c \
	tcp/test_tcp.c tcp/test_tcp_oos.c udp/test_udp.c) $(LWIP_UNIT_OURS) tests/lwip/test_tcp_recovery.c \
	tests/lwip/test_memp_cache.c
LWIP_NUNIT_CFLAGS = -std=gnu11 -O1 -g $(LWIP_UNIT_WARN) -MMD -MP \
	-Itests/lwip/nagare -Itests/lwip -Inet/lwip -I. -I$(LWIP)/src/include -I$(LWIP_UNIT_T) \
	-DLWIP_TESTMODE=1 -DTCP_QUEUE_TAILS_CHECK_ON=1 $(CHECK_CFLAGS) '-DLWIP_UNIT_SUITES=$(call lwip_unit_suites,$(LWIP_NUNIT_SRCS))'

LWIP_UNIT_OBJS := $(patsubst %.c,$(LWIP_UNIT_B)/%.o,$(LWIP_UNIT_SRCS))
LWIP_NUNIT_OBJS := $(patsubst %.c,$(LWIP_NUNIT_B)/%.o,$(LWIP_NUNIT_SRCS))

# Both runs, even when the first fails; the target fails if either did.
check-lwip: $(LWIP_STAMP)
	@$(MAKE) --no-print-directory lwip-unit
	@rc=0; \
	echo "lwIP unit suite, options of test/unit/lwipopts.h:"; \
	(cd $(LWIP_UNIT_B) && ./lwip_unittests) || rc=1; \
	echo "lwIP unit suite, options of net/lwip/lwipopts.h:"; \
	(cd $(LWIP_NUNIT_B) && ./lwip_unittests) || rc=1; \
	exit $$rc

lwip-unit: $(LWIP_UNIT_B)/lwip_unittests $(LWIP_NUNIT_B)/lwip_unittests

# The stamp as a prerequisite: a re-fetch (new patch) rebuilds everything,
# as does a change here (flags, suite lists).  Our own test files are held
# to -Werror.
$(LWIP_UNIT_B)/%.o: %.c $(LWIP_STAMP) tests/lwip/lwip.mk
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_UNIT_CFLAGS) -c $< -o $@

$(LWIP_NUNIT_B)/%.o: %.c $(LWIP_STAMP) tests/lwip/lwip.mk
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_NUNIT_CFLAGS) -c $< -o $@

$(LWIP_UNIT_B)/tests/%.o $(LWIP_NUNIT_B)/tests/%.o: LWIP_UNIT_WARN += -Werror

$(LWIP_UNIT_B)/lwip_unittests: $(LWIP_UNIT_OBJS)
	$(CC) -o $@ $^ $(CHECK_LIBS)

$(LWIP_NUNIT_B)/lwip_unittests: $(LWIP_NUNIT_OBJS)
	$(CC) -o $@ $^ $(CHECK_LIBS)

-include $(LWIP_UNIT_OBJS:.o=.d) $(LWIP_NUNIT_OBJS:.o=.d)
