# net/: lwIP (fetched into third_party/lwip by net/lwip/fetch.sh, configured by
# net/lwip/lwipopts.h) and ours, grouped as Linux groups it: core/ (netdev, NAPI,
# backlog, counters), ipv4/ (listen queues, SYN cookies, ISN, TCP memory, ip/ss/ping),
# sched/ (qdiscs, tc), http/ and apps/ (echo, iperf).  docs/architecture.md has the map.
KERNEL_SRCS += net/core/net.c net/core/netdev.c net/core/netdev_rx.c net/core/netdev_tx.c net/ipv4/tsq.c net/core/netdev_txreq.c net/core/netdev_loop.c net/core/napi.c net/ipv4/inet.c net/ipv4/cmd_ip.c net/apps/echo.c net/apps/iperf.c
LWIP_SRCS += $(addprefix $(LWIP)/src/core/, init.c def.c inet_chksum.c ip.c mem.c memp.c \
	netif.c pbuf.c raw.c stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c) \
	$(addprefix $(LWIP)/src/core/ipv4/, etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) \
	$(LWIP)/src/netif/ethernet.c $(LWIP)/src/apps/lwiperf/lwiperf.c
KERNEL_SRCS += net/core/siphash.c net/ipv4/tcp_isn.c net/core/csum.c net/core/counter.c net/core/counter_lwip.c
HOST_TEST_SRCS += net/core/siphash.c net/ipv4/tcp_isn.c net/core/napi.c net/ipv4/inet.c net/core/csum.c net/core/netdev_txreq.c
# net/core/gso.c, gro.c (over tcp4_frame.c): software GSO and GRO for IPv4 TCP, host-tested;
# gro.c serves the NAPI path (net/core/netdev_rx.c).
HOST_TEST_SRCS += net/core/tcp4_frame.c net/core/gso.c net/core/gro.c net/core/tso.c
# net/core/tso.c decides TSO bundles, netdev_tso.c sends them (issue 12).
KERNEL_SRCS += net/core/tcp4_frame.c net/core/tso.c net/core/tso_tcp.c net/core/netdev_tso.c net/core/gro.c
# gso.c also cuts a device-merged frame that is forwarded (net/core/netdev_rx.c).
KERNEL_SRCS += net/core/gso.c
KERNEL_SRCS += net/core/cmd_ethtool.c net/core/cmd_netstat.c net/core/cmd_nstat.c net/core/cmd_softnet.c net/ipv4/cmd_ping.c net/sched/cmd_tc.c
KERNEL_SRCS += net/http/parser.c net/http/server.c net/http/routes.c net/http/sbuf.c net/http/cmd_http.c net/http/metrics.c net/ipv4/listen.c net/ipv4/listen_adopt.c net/ipv4/syncookie_tcp.c net/ipv4/cmd_ss.c
HOST_TEST_SRCS += net/http/parser.c
KERNEL_SRCS += net/ipv4/ip_input.c net/ipv4/devinet.c net/ipv4/fib.c net/ipv4/cmd_ip_route.c net/ipv4/rp_filter.c net/ipv4/arp.c net/ipv4/arp_policy.c
KERNEL_SRCS += net/ipv4/icmp.c net/ipv4/icmp_xrlim.c net/ipv4/ip_ttl.c net/ipv4/ip_forward.c
HOST_TEST_SRCS += net/ipv4/devinet.c net/ipv4/rp_filter.c net/ipv4/icmp_xrlim.c net/ipv4/arp_policy.c
KERNEL_SRCS += net/ipv4/syncookie.c net/ipv4/listen_size.c net/core/rxq.c net/ipv4/tcp_mem.c net/core/meminfo.c
HOST_TEST_SRCS += net/ipv4/syncookie.c net/ipv4/listen_size.c
# net/ipv4/fib_trie*.c: the FIB's longest-prefix-match table (pure; bench/route times it):
# changes in fib_trie.c, lookups in fib_trie_lookup.c, whole-table jobs (walk, stats,
# check, compaction) in fib_trie_walk.c, its allocator in fib_trie_mem.c.
KERNEL_SRCS += net/ipv4/fib_trie.c net/ipv4/fib_trie_lookup.c net/ipv4/fib_trie_walk.c net/ipv4/fib_trie_mem.c
HOST_TEST_SRCS += net/ipv4/fib_trie.c net/ipv4/fib_trie_lookup.c net/ipv4/fib_trie_walk.c net/ipv4/fib_trie_mem.c
# net/sched/: the packet scheduler (pure, host-tested; net/core/netdev_tx.c feeds the root):
# qdiscs, and the maths of BQL, the token bucket and tc's units.
KERNEL_SRCS += net/sched/qdisc.c net/sched/pfifo.c net/sched/codel.c net/sched/fq_codel.c
KERNEL_SRCS += net/sched/dql.c net/sched/tc_units.c net/sched/tbf.c net/sched/sch_tbf.c net/sched/sch_api.c
KERNEL_SRCS += net/sched/tc_parse.c net/sched/tc_parse_kind.c
HOST_TEST_SRCS += net/sched/qdisc.c net/sched/pfifo.c net/sched/codel.c net/sched/fq_codel.c
HOST_TEST_SRCS += net/sched/dql.c net/sched/tc_units.c net/sched/tbf.c net/sched/sch_tbf.c net/sched/sch_api.c
HOST_TEST_SRCS += net/sched/tc_parse.c net/sched/tc_parse_kind.c
