/*
 * Rows of unittests_main.c's unit_skips[]: lwIP unit tests that cannot
 * hold under a run's options, as { "test", "why" }, each under the option
 * that rules it out, so the list follows the lwipopts.h the run is built
 * with (all of them concern the run with net/lwipopts.h).  Whole test files
 * left out are listed in lwip.mk.
 */
#if TCP_SND_BUF <= TCP_WND
{ "test_tcp_tx_full_window_lost_from_unsent",
  "fills the peer's window from the send buffer: needs TCP_SND_BUF > TCP_WND" },
{ "test_tcp_tx_full_window_lost_from_unacked",
  "fills the peer's window from the send buffer: needs TCP_SND_BUF > TCP_WND" },
#endif
#if MEMP_MEM_MALLOC
{ "test_pbuf_copy_zero_pbuf",
  "expects an empty heap; with MEMP_MEM_MALLOC lwIP's timers live on it" },
#endif
#if PBUF_POOL_BUFSIZE >= 1024
{ "test_pbuf_take_at_edge",
  "expects 1024 bytes of PBUF_POOL to be a chain; PBUF_POOL_BUFSIZE holds them in one" },
{ "test_pbuf_get_put_at_edge",
  "expects 1024 bytes of PBUF_POOL to be a chain; PBUF_POOL_BUFSIZE holds them in one" },
#endif
#if !LWIP_IPV6
{ "test_udp_bind",
  "binds an IPv4 and an IPv6 PCB to one port; without LWIP_IPV6 both are IPv4" },
#endif
