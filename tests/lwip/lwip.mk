# tests/lwip/: lwIP's own unit suite (third_party/lwip/test/unit, Check),
# built with the host compiler from the fetched tree, so with our
# net/lwip/patches applied, and against the suite's own
# test/unit/lwipopts.h (not net/lwipopts.h).  tests/lwip holds only the
# glue the tarball lacks: arch/cc.h, an empty config.h, unittests_main.c
# (lwIP's lwip_unittests.c fixes its suite list, so our main runs the
# suites of the test files built, SUITE(NAME) for each test_NAME.c) and
# unit_skips.h (tests a run leaves out, and why).  test_tcp_hardening.c
# is ours: segments from a peer that made lwIP 2.1.3 assert or read past
# a header.
#
#   make check-lwip     fetch lwIP if needed, build $(B)/lwip-unit/lwip_unittests
#                       and run it there (it writes lwip_unittests.xml to its cwd;
#                       CK_RUN_CASE=test_name runs one test)
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

# Glue first (arch/cc.h); lwIP's test/unit supplies lwipopts.h and arch/sys_arch.h.
LWIP_UNIT_B := $(B)/lwip-unit
LWIP_UNIT_SRCS := $(subst /src/../,/,$(COREFILES) $(CORE4FILES) $(CORE6FILES) $(APIFILES) \
	$(LWIPDIR)/netif/ethernet.c $(MDNSFILES) $(MQTTFILES) \
	$(filter-out %/lwip_unittests.c,$(TESTFILES))) $(LWIP_UNIT_OURS)
LWIP_UNIT_CFLAGS = -std=gnu11 -O1 -g $(LWIP_UNIT_WARN) -MMD -MP \
	-Itests/lwip -I$(LWIP)/src/include -I$(LWIP_UNIT_T) $(CHECK_CFLAGS) \
	'-DLWIP_UNIT_SUITES=$(call lwip_unit_suites,$(LWIP_UNIT_SRCS))'

LWIP_UNIT_OBJS := $(patsubst %.c,$(LWIP_UNIT_B)/%.o,$(LWIP_UNIT_SRCS))

check-lwip: $(LWIP_STAMP)
	@$(MAKE) --no-print-directory lwip-unit
	cd $(LWIP_UNIT_B) && ./lwip_unittests

lwip-unit: $(LWIP_UNIT_B)/lwip_unittests

# The stamp as a prerequisite: a re-fetch (new patch) rebuilds everything,
# as does a change here (flags, suite lists).  Our own test files are held
# to -Werror.
$(LWIP_UNIT_B)/%.o: %.c $(LWIP_STAMP) tests/lwip/lwip.mk
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_UNIT_CFLAGS) -c $< -o $@

$(LWIP_UNIT_B)/tests/%.o: LWIP_UNIT_WARN += -Werror

$(LWIP_UNIT_B)/lwip_unittests: $(LWIP_UNIT_OBJS)
	$(CC) -o $@ $^ $(CHECK_LIBS)

-include $(LWIP_UNIT_OBJS:.o=.d)
