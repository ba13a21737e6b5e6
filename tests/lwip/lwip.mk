# tests/lwip/: lwIP's own unit suite (third_party/lwip/test/unit, Check),
# built with the host compiler from the fetched tree, so with our
# net/lwip/patches applied, and against the suite's own
# test/unit/lwipopts.h (not net/lwipopts.h).  tests/lwip holds only the
# port glue the tarball lacks: arch/cc.h and an empty config.h.
#
#   make check-lwip     fetch lwIP if needed, build $(B)/lwip-unit/lwip_unittests
#                       and run it there (it writes lwip_unittests.xml to its cwd)
#
# The source lists are lwIP's own (src/Filelists.mk, test/unit/Filelists.mk;
# they define COREFILES, TESTFILES, ... at top level).  They exist only
# after the fetch, so check-lwip builds in a sub-make that can read them.
# lwIP's files get no -Werror; -Wno-format-extra-args hides the suite's only
# warning (Check's fail() given a plain message), so a patch's warnings stand out.

.PHONY: check-lwip lwip-unit

LWIPDIR := $(LWIP)/src
-include $(LWIP)/src/Filelists.mk $(LWIP)/test/unit/Filelists.mk

LWIP_UNIT_B := $(B)/lwip-unit
LWIP_UNIT_SRCS := $(subst /src/../,/,$(COREFILES) $(CORE4FILES) $(CORE6FILES) $(APIFILES) \
	$(LWIPDIR)/netif/ethernet.c $(MDNSFILES) $(MQTTFILES) $(TESTFILES))
LWIP_UNIT_OBJS := $(patsubst $(LWIP)/%.c,$(LWIP_UNIT_B)/%.o,$(LWIP_UNIT_SRCS))
# Glue first: its arch/cc.h; lwIP's test/unit supplies lwipopts.h and arch/sys_arch.h.
LWIP_UNIT_CFLAGS = -std=gnu11 -O1 -g -Wall -Wno-address -Wno-format-extra-args -MMD -MP \
	-Itests/lwip -I$(LWIP)/src/include -I$(LWIP)/test/unit $(CHECK_CFLAGS)

check-lwip: $(LWIP_STAMP)
	@$(MAKE) --no-print-directory lwip-unit
	cd $(LWIP_UNIT_B) && ./lwip_unittests

lwip-unit: $(LWIP_UNIT_B)/lwip_unittests

# The stamp as a prerequisite: a re-fetch (new patch) rebuilds everything.
$(LWIP_UNIT_B)/%.o: $(LWIP)/%.c $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_UNIT_CFLAGS) -c $< -o $@

$(LWIP_UNIT_B)/lwip_unittests: $(LWIP_UNIT_OBJS)
	$(CC) -o $@ $^ $(CHECK_LIBS)

-include $(LWIP_UNIT_OBJS:.o=.d)
