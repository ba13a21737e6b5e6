# bench/route/: the FIB trie's lookup against a linear scan, on the host
# (bench/route/route.c says what is measured and how).
#
#   make bench-route    build $(B)/bench/route/route, run it (ns per lookup,
#                       bytes per prefix), then under callgrind for the
#                       instructions per lookup of the 1k, 10k and 100k tables
#                       (ROUTE_CG_SIZES=4 adds the 800k one: minutes)

.PHONY: bench-route

ROUTE_B := $(B)/bench/route
ROUTE_CG_SIZES ?= 3
# -O2 with the kernel's aliasing and frame-pointer choices; glibc's malloc.
ROUTE_CFLAGS := -std=gnu11 -O2 -g -fno-strict-aliasing -fno-omit-frame-pointer -I. -MMD -MP

$(ROUTE_B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ROUTE_CFLAGS) $(OWN_WARN) -c $< -o $@

$(ROUTE_B)/route: $(ROUTE_B)/bench/route/route.o $(ROUTE_B)/net/ipv4/fib_trie.o \
		$(ROUTE_B)/net/ipv4/fib_trie_lookup.o $(ROUTE_B)/net/ipv4/fib_trie_walk.o \
		$(ROUTE_B)/net/ipv4/fib_trie_mem.o
	$(CC) -o $@ $^

bench-route: $(ROUTE_B)/route
	$(ROUTE_B)/route
	@rm -f $(ROUTE_B)/callgrind.out*
	valgrind -q --tool=callgrind --collect-atstart=no --toggle-collect='measure_*' \
		--compress-strings=no --compress-pos=no \
		--callgrind-out-file=$(ROUTE_B)/callgrind.out $(ROUTE_B)/route $(ROUTE_CG_SIZES)
	@awk -f bench/rxpath/report.awk $$(ls -v $(ROUTE_B)/callgrind.out.*) | \
		sed '1s/packets/lookups/; 1s/Ir\/packet/Ir\/lookup/'

-include $(ROUTE_B)/bench/route/route.d $(ROUTE_B)/net/ipv4/fib_trie.d \
	$(ROUTE_B)/net/ipv4/fib_trie_lookup.d $(ROUTE_B)/net/ipv4/fib_trie_walk.d \
	$(ROUTE_B)/net/ipv4/fib_trie_mem.d
