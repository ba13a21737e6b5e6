# net/: lwIP (fetched into third_party/lwip by net/lwip/fetch.sh) and our glue.
KERNEL_SRCS += net/net.c net/netdev.c net/netdev_rx.c net/netdev_tx.c net/tsq.c net/netdev_txreq.c net/netdev_loop.c net/napi.c net/inet.c net/cmd_ip.c net/echo.c net/iperf.c
LWIP_SRCS += $(addprefix $(LWIP)/src/core/, init.c def.c inet_chksum.c ip.c mem.c memp.c \
	netif.c pbuf.c raw.c stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c) \
	$(addprefix $(LWIP)/src/core/ipv4/, etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) \
	$(LWIP)/src/netif/ethernet.c $(LWIP)/src/apps/lwiperf/lwiperf.c
KERNEL_SRCS += net/siphash.c net/tcp_isn.c net/csum.c net/counter.c net/counter_lwip.c
HOST_TEST_SRCS += net/siphash.c net/tcp_isn.c net/napi.c net/inet.c net/csum.c net/netdev_txreq.c
KERNEL_SRCS += net/cmd_ethtool.c net/cmd_netstat.c net/cmd_softnet.c net/cmd_ping.c net/cmd_tc.c
KERNEL_SRCS += net/http/parser.c net/http/server.c net/http/routes.c net/http/sbuf.c net/http/cmd_http.c net/http/metrics.c net/listen.c net/listen_adopt.c net/syncookie_tcp.c net/cmd_ss.c
HOST_TEST_SRCS += net/http/parser.c
KERNEL_SRCS += net/syncookie.c net/listen_size.c net/rxq.c net/tcp_mem.c net/meminfo.c
HOST_TEST_SRCS += net/syncookie.c net/listen_size.c
# net/sched/: the packet scheduler (pure, host-tested; net/netdev_tx.c feeds the root):
# qdiscs, and the maths of BQL, the token bucket and tc's units.
KERNEL_SRCS += net/sched/qdisc.c net/sched/pfifo.c net/sched/codel.c net/sched/fq_codel.c
KERNEL_SRCS += net/sched/dql.c net/sched/tc_units.c net/sched/tbf.c net/sched/sch_tbf.c net/sched/sch_api.c
KERNEL_SRCS += net/sched/tc_parse.c net/sched/tc_parse_kind.c
HOST_TEST_SRCS += net/sched/qdisc.c net/sched/pfifo.c net/sched/codel.c net/sched/fq_codel.c
HOST_TEST_SRCS += net/sched/dql.c net/sched/tc_units.c net/sched/tbf.c net/sched/sch_tbf.c net/sched/sch_api.c
HOST_TEST_SRCS += net/sched/tc_parse.c net/sched/tc_parse_kind.c
