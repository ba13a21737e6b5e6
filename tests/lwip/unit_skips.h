/*
 * Rows of unittests_main.c's unit_skips[]: lwIP unit tests that cannot
 * hold under a run's options, as { "test", "why" }, each under the option
 * that rules it out, so the list follows the lwipopts.h the run is built
 * with (all of them concern the run with net/lwip/lwipopts.h).  Whole test files
 * left out are listed in lwip.mk.
 */
#if TCP_SND_BUF <= TCP_WND
{ "test_tcp_tx_full_window_lost_from_unsent",
  "fills the peer's window from the send buffer: needs TCP_SND_BUF > TCP_WND" },
{ "test_tcp_tx_full_window_lost_from_unacked",
  "fills the peer's window from the send buffer: needs TCP_SND_BUF > TCP_WND" },
#elif TCP_WND > 0xffff
{ "test_tcp_tx_full_window_lost_from_unsent",
  "counts the bytes of a window in a u16_t: needs TCP_WND below 64 KiB" },
{ "test_tcp_tx_full_window_lost_from_unacked",
  "counts the bytes of a window in a u16_t: needs TCP_WND below 64 KiB" },
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
#if TCP_LIMITED_TRANSMIT
{ "test_tcp_fast_rexmit_wraparound",
  "expects nothing sent on the first two duplicate ACKs; Limited Transmit (patch 0019) sends a "
  "segment on each (test_tcp_recovery.c)" },
#endif
#if TCP_TMR_INTERVAL != 250
{ "test_tcp_rto_rexmit_wraparound",
  "counts tcp_tmr calls to the 3 s initial RTO in 250 ms steps; TCP_TMR_INTERVAL is 100" },
{ "test_tcp_retx_add_to_sent",
  "waits at most 20 tcp_tmr calls for the 3 s initial RTO: 250 ms steps; TCP_TMR_INTERVAL is 100" },
#endif
