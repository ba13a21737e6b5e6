/*
 * The glue layer on the host: lwIP built with net/lwip/lwipopts.h and our
 * patches, net/ (netdev, NAPI, listen queues, SYN cookies, HTTP, echo,
 * the console commands) and kernel/'s console, line editor and sysctl
 * table, all as the kernel links them, over a fake network device
 * (fakedev.c) that implements drivers/netdev.h's ops the way virtio-net
 * does.  kernel.c stands in for the hardware-facing kernel services.
 * Single-threaded and deterministic: the clock moves only when a test
 * moves it.  Used by tests/glue's tests and by tests/fuzz's targets, all
 * built with AddressSanitizer and UndefinedBehaviorSanitizer.
 */
#ifndef TESTS_GLUE_GLUE_H
#define TESTS_GLUE_GLUE_H

#include <stddef.h>
#include <stdint.h>

#define GLUE_IP 0x0a00020f      /* 10.0.2.15, eth0 (the default nagare.rc) */
#define GLUE_PEER_IP 0x0a000202 /* 10.0.2.2, the namespace's end */
extern const uint8_t glue_mac[6], glue_peer_mac[6];

/* Boots the world once per process: sysctl defaults, lwIP, eth0 on the
 * fake device, then the default nagare.rc (address, route, echo on 7,
 * iperf on 5001, HTTP on 80).  The peer's ARP entry is made static so
 * frames flow at once. */
void glue_boot(void);
/* Every sysctl as the world boots them: the table's defaults, then its
 * command line (sysctl.kernel.panic_on_warn=1, as the tests boot). */
void glue_sysctl_defaults(void);
/* sysctl -w NAME=VALUE, asserted to take. */
void glue_sysctl(const char *name, const char *value);
/* Runs the event loop until no hook reports work (bounded: aborts past
 * 100000 rounds, which would be a hang; see glue_watchdog for one round
 * that never ends). */
void glue_poll(void);
/* Aborts the process when one event-loop round runs for 30 s (a hang):
 * the glue tests arm it; fuzz targets have libFuzzer's -timeout. */
void glue_watchdog(void);
/* Moves the clock forward ms milliseconds in steps of at most 10 ms,
 * polling at each (lwIP's timers run as they come due). */
void glue_advance(uint64_t ms);
/* Ends every connection and expires every timer-held state, so the next
 * test starts from idle (TIME-WAIT, reassembly, ARP queues, the accept
 * queues); then checks the pools are back to idle and aborts if not. */
void glue_quiesce(void);

/* ---- the fake device (fakedev.c) ---- */
struct glue_dev_stats {
	uint64_t rx_frames;          /* handed to the stack */
	uint64_t rx_dropped_nobuf;   /* arrived with no free RX buffer (ring starved) */
	uint64_t tx_frames, tx_bytes;  /* requests (a TSO one is one) */
	uint64_t tx_tso;               /* TSO requests, cut into segments by the device */
	int rx_bufs_out;             /* RX buffers the stack holds now */
	int rx_bufs_total;           /* the pool's size */
};
/* One frame, arriving in one RX buffer (copied; delivered at the next poll). */
void glue_rx(const void *frame, size_t len);
/* One frame spread over several RX buffers, cut at the given offsets
 * (as mergeable buffers deliver it). */
void glue_rx_split(const void *frame, size_t len, const size_t *cuts, int ncuts);
/* Frames transmitted since the last glue_tx_clear(), checksums completed
 * as the device would. */
int glue_tx_count(void);
const uint8_t *glue_tx_frame(int i, size_t *len);
void glue_tx_clear(void);
void glue_dev_stats(struct glue_dev_stats *s);
/* RX buffers the device has (default 1024, as virtio-net's 256-entry
 * ring with 4 buffers per entry); call before glue_boot or when idle. */
void glue_dev_set_rxbufs(int n);
/* dev->features |= set, &= ~clear (ethtool -K); returns the old features. */
unsigned glue_dev_set_features(unsigned set, unsigned clear);
/* Transmit completions: 1 (default) hands each frame back at the next
 * reclaim; 0 keeps them in the ring, as a device that stopped would. */
void glue_dev_tx_complete(int on);
/* Requests the transmit ring takes at once (1..256, default 256). */
void glue_dev_tx_ring(int n);
/* For frame i of glue_tx_frame: the segments of the TSO request the device
 * cut it from, or 1 for a frame sent as it was. */
int glue_tx_segs(int i);
/* A counter of `ethtool -S eth0` (the driver's, then the stack's), by
 * name; -1 if there is none.  Clears the console capture. */
long long glue_ethtool_stat(const char *name);

/* ---- a second interface (eth1.c) ---- */
/* eth1 (registered on first use, transmit only: it receives nothing)
 * with address cidr ("10.0.3.15/24"), link up; its boot frames cleared. */
void glue_eth1_up(const char *cidr);
/* Takes that address away and the link down: no route through eth1. */
void glue_eth1_down(const char *cidr);
/* Frames eth1 sent since the last glue_eth1_tx_clear() (the first 256). */
int glue_eth1_tx_count(void);
const uint8_t *glue_eth1_tx_frame(int i, size_t *len);
void glue_eth1_tx_clear(void);

/* ---- the heap (alloc.c) ---- */
/* Bytes the world's own code and lwIP hold from the heap. */
size_t glue_heap_used(void);
/* Caps that (0: no cap): allocations past it fail, as in a small guest. */
void glue_heap_limit(size_t bytes);
/* The next count allocations of exactly size bytes fail. */
void glue_alloc_fail(size_t size, int count);

/* ---- console and logs (kernel.c) ---- */
/* Runs one console line; returns its status.  glue_console() then has
 * what it printed (cleared before each command). */
int glue_cmd(const char *line);
const char *glue_console(void);
void glue_console_clear(void);
const char *glue_dmesg(void);
void glue_dmesg_clear(void);
/* Bytes uart_getc() hands out (not copied: keep them alive). */
void glue_uart_type(const char *s, size_t n);

/* ---- back to the booted state (restore.c) ---- */
/* glue_boot(), then records the state it booted in (once). */
void glue_restore_init(void);
/* Puts back everything a console line can change: sysctls to their
 * defaults, eth0's address, netmask, default route, link, MTU and
 * txqueuelen as the default nagare.rc set them, the HTTP server (port,
 * queues as sized at boot, not paused, timeouts), the ARP cache (only the
 * peer's static entry), the kernel log and the random generator; then
 * glue_quiesce(), and aborts if any of it is not as it booted. */
void glue_restore(void);
/* While console commands run: the peer 10.0.2.2 answers ICMP echo
 * requests (and reports other destinations unreachable), and Ctrl-C is
 * typed once budget_ms of fake time have passed, ending a command that
 * waits (ping).  glue_restore() disarms it. */
void glue_restore_arm(uint64_t budget_ms);
void glue_restore_disarm(void);
/* glue_restore_mark() records the state glue_restore() puts back;
 * glue_restore_changed() prints (stderr) what differs from the mark and
 * returns nonzero if anything does: a failing command must change nothing. */
void glue_restore_mark(void);
int glue_restore_changed(void);
/* 1 if the line's first word is a command that ends the machine on
 * purpose (panic-test, poweroff, reboot: in the glue world they abort), so
 * the console targets skip the line; a longer line is judged by its
 * first CONSOLE_LINE_MAX - 1 bytes.  Also 1 for "iperf -c HOST" until
 * lwIP's lwiperf is patched: its sessions end in a use after free. */
int glue_restore_skips(const char *line);

/* ---- kernel.c internals the harness uses ---- */
void glue_clock_add_ns(uint64_t ns);
void glue_random_seed(uint64_t seed);
int glue_loop_round(void);
uint64_t glue_loop_next_ms(void);

#endif
