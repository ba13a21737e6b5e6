# tests/fuzz/: libFuzzer targets (Debian's clang), one per input path,
# each running the real code: tests/fuzz/fuzz_NAME.c is target NAME and
# links every object of the glue world (tests/glue/glue.mk), built with
# AddressSanitizer, UndefinedBehaviorSanitizer and coverage.
#
# A target that needs code the glue world does not have (a driver) names
# it, after this header:
#   FUZZ_SRCS_NAME := drivers/x.c ...   built for NAME alone with the glue's
#                                       flags into $(B)/fuzz/obj/NAME/, and
#                                       linked into NAME only
#   FUZZ_CFLAGS_NAME := -D...           added for those sources only (e.g. to
#                                       rename a call the target intercepts)
#
#   make fuzz                 every target for FUZZ_SECONDS (60) each, from its
#                             seeds; what it finds new goes to $(B)/fuzz/corpus/NAME
#   make fuzz-NAME            one target (FUZZ_SECONDS, FUZZ_JOBS as libFuzzer's -jobs;
#                             tests/fuzz/NAME.dict, if there is one, as its -dict)
#   make check-fuzz           (make check) replays every seed in tests/fuzz/corpus/NAME
#                             and every crash reproducer in tests/fuzz/crashes/NAME once
#
# A crash, hang (-timeout) or leak found by `make fuzz` leaves its input as
# $(B)/fuzz/crash-NAME-*; once fixed, it goes into tests/fuzz/crashes/NAME
# so check-fuzz keeps it fixed.  Seeds stay small (tests/fuzz/README.md).

.PHONY: fuzz check-fuzz

FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS := $(addprefix $(B)/fuzz/,$(FUZZ_TARGETS))

$(B)/fuzz/%.o: tests/fuzz/fuzz_%.c | $(LWIP_STAMP) $(SYSINC)
	@mkdir -p $(dir $@)
	$(GLUE_CC) $(GLUE_CFLAGS) $(GLUE_OWN_WARN) -c $< -o $@

# virtio_rx: the virtio-net receive and transmit paths over the real
# virtqueue against a hostile device; netdev_rx goes through the target's
# checks on its way to the real stack (tests/fuzz/fuzz_virtio_rx.c).
FUZZ_SRCS_virtio_rx := drivers/virtio_net_rx.c drivers/virtio_net_tx.c drivers/virtqueue.c
FUZZ_CFLAGS_virtio_rx := -Dnetdev_rx=fuzz_netdev_rx

# offload: software GSO and GRO (net/core/gso.c, gro.c; both and tcp4_frame.c
# are in the glue objects already), checked with the unit tests' independent
# frame builder.  tso: TSO bundles (net/core/tso.c, in the glue objects).
FUZZ_SRCS_offload := tests/unit/tcpseg.c
FUZZ_SRCS_tso := tests/unit/tcpseg.c

# Each target's own objects, and its binary: the target, those, the glue.
define fuzz_target
$(B)/fuzz/obj/$(1)/%.o: %.c | $$(LWIP_STAMP) $$(SYSINC)
	@mkdir -p $$(dir $$@)
	$$(GLUE_CC) $$(GLUE_CFLAGS) $$(FUZZ_CFLAGS_$(1)) $$(GLUE_OWN_WARN) -c $$< -o $$@

$(B)/fuzz/$(1): $(B)/fuzz/$(1).o $(patsubst %.c,$(B)/fuzz/obj/$(1)/%.o,$(FUZZ_SRCS_$(1))) $$(GLUE_OBJS)
	$$(GLUE_CC) $$(GLUE_SAN) -fsanitize=fuzzer -o $$@ $$^
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_target,$(t))))

# -runs=0: run the inputs given, once each, and stop.
check-fuzz: $(FUZZ_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do \
		dirs=$$(for d in tests/fuzz/corpus/$$t tests/fuzz/crashes/$$t; do if [ -d $$d ]; then echo $$d; fi; done); \
		n=$$(find $$dirs -type f | wc -l); \
		echo "fuzz: $$t: replaying $$n inputs"; \
		$(B)/fuzz/$$t -runs=0 $$dirs 2>$(B)/fuzz/$$t.replay.log || \
			{ tail -40 $(B)/fuzz/$$t.replay.log; echo "fuzz: $$t failed on a stored input" >&2; exit 1; }; \
	done

fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))

# A target's dictionary: tests/fuzz/NAME.dict, or the one FUZZ_DICT_NAME names.
FUZZ_DICT_nagare_rc := tests/fuzz/console.dict
fuzz_dict = $(firstword $(FUZZ_DICT_$(1)) $(wildcard tests/fuzz/$(1).dict))

# Each target runs in its own directory: libFuzzer's -jobs write
# fuzz-JOB.log there, and two targets at once must not share one.
fuzz-%: $(B)/fuzz/%
	@mkdir -p $(B)/fuzz/corpus/$* $(B)/fuzz/run/$*
	cd $(B)/fuzz/run/$* && ../../$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
		-jobs=$(FUZZ_JOBS) -workers=$(FUZZ_JOBS) -artifact_prefix=../../crash-$*- \
		$(if $(call fuzz_dict,$*),-dict=$(abspath $(call fuzz_dict,$*))) \
		../../corpus/$* $(abspath tests/fuzz/corpus/$*) 2>&1 | tail -25

-include $(B)/fuzz/*.d $(foreach t,$(FUZZ_TARGETS),$(patsubst %.c,$(B)/fuzz/obj/$(t)/%.d,$(FUZZ_SRCS_$(t))))
