/*
 * The glue world's life (tests/glue/glue.h): boot as the kernel boots
 * (net_init, the device, net_start, the default nagare.rc), the event
 * loop, the clock, and the return to idle that every test and fuzz input
 * ends with, checked pool by pool.
 */
#include <signal.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/console.h"
#include "kernel/param.h"
#include "kernel/sysctl.h"
#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "net/core/net.h"
#include "net/core/netdev_priv.h"
#include "tests/glue/glue.h"

void fakedev_register(void);
int fakedev_pending(void);
int fakedev_unkicked(void);
extern const char glue_default_rc[];

static int booted;
static u32_t idle_memp[MEMP_MAX];
static mem_size_t idle_mem;

static void record_idle(void)
{
	for (int i = 0; i < MEMP_MAX; i++)
		idle_memp[i] = memp_pools[i]->stats->used;
	idle_mem = lwip_stats.mem.used;
}

/* The world boots as the integration tests boot the kernel: with
 * sysctl.kernel.panic_on_warn=1 on its command line. */
void glue_sysctl_defaults(void)
{
	sysctl_init();
	sysctl_apply_cmdline("sysctl.kernel.panic_on_warn=1");
}

void glue_sysctl(const char *name, const char *value)
{
	if (sysctl_set(sysctl_find(name), value) != 0) {
		fprintf(stderr, "glue: sysctl %s=%s did not take\n", name, value);
		abort();
	}
}

void glue_boot(void)
{
	if (booted)
		return;
	booted = 1;
	glue_sysctl_defaults();
	net_init();
	fakedev_register();
	net_start();
	console_run_script(glue_default_rc, strlen(glue_default_rc));
	ip4_addr_t peer;
	IP4_ADDR(&peer, 10, 0, 2, 2);
	struct eth_addr mac;
	memcpy(mac.addr, glue_peer_mac, 6);
	if (etharp_add_static_entry(&peer, &mac) != ERR_OK)
		abort();
	glue_console_clear();
	glue_advance(1000); /* the boot's frames (gratuitous ARP) completed */
	glue_tx_clear();
	record_idle();
}

/* The hang watchdog: rounds counts event-loop rounds; every 30 s the timer
 * checks it moved.  One interval timer for the whole run, so a poll costs
 * no system call (the fuzzers leave SIGALRM to libFuzzer's -timeout). */
static volatile unsigned long rounds, rounds_seen;

static void hung(int sig)
{
	(void)sig;
	if (rounds != rounds_seen) {
		rounds_seen = rounds;
		return;
	}
	static const char msg[] = "glue: one event loop round ran for 30 s (a hang)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	abort();
}

void glue_watchdog(void)
{
	struct itimerval t = { { 30, 0 }, { 30, 0 } };
	signal(SIGALRM, hung);
	setitimer(ITIMER_REAL, &t, NULL);
}

void glue_poll(void)
{
	for (int i = 0; i < 100000; i++) {
		rounds++;
		if (glue_loop_round() || fakedev_pending() || glue_loop_next_ms() == 0)
			continue; /* the kernel's loop would not sleep either */
		if (fakedev_unkicked()) {
			fprintf(stderr, "glue: the loop would sleep with %d transmit requests the device "
				"was never told of (no kick: the ring stalls)\n", fakedev_unkicked());
			abort();
		}
		return;
	}
	fprintf(stderr, "glue: the event loop still has work after 100000 rounds (a hang)\n");
	abort();
}

void glue_advance(uint64_t ms)
{
	glue_poll();
	while (ms) {
		uint64_t step = ms < 10 ? ms : 10;
		glue_clock_add_ns(step * 1000000ULL);
		ms -= step;
		glue_poll();
	}
}

int glue_cmd(const char *line)
{
	char buf[CONSOLE_LINE_MAX];
	snprintf(buf, sizeof(buf), "%s", line);
	glue_console_clear();
	return console_run(buf);
}

long long glue_ethtool_stat(const char *name)
{
	if (glue_cmd("ethtool -S eth0"))
		return -1;
	char key[80];
	snprintf(key, sizeof(key), "\n     %s: ", name);
	const char *at = strstr(glue_console(), key);
	return at ? strtoll(at + strlen(key), NULL, 10) : -1;
}

static void check_idle(void)
{
	int bad = 0;
	for (int i = 0; i < MEMP_MAX; i++) {
		if (memp_pools[i]->stats->used != idle_memp[i]) {
			fprintf(stderr, "glue: pool %s holds %u, %u when idle\n", net_pool_names[i],
				(unsigned)memp_pools[i]->stats->used, (unsigned)idle_memp[i]);
			bad = 1;
		}
	}
	if (lwip_stats.mem.used != idle_mem) {
		fprintf(stderr, "glue: lwIP's heap holds %lu bytes, %lu when idle\n",
			(unsigned long)lwip_stats.mem.used, (unsigned long)idle_mem);
		bad = 1;
	}
	struct glue_dev_stats s;
	glue_dev_stats(&s);
	if (s.rx_bufs_out) {
		fprintf(stderr, "glue: the stack holds %d RX buffers\n", s.rx_bufs_out);
		bad = 1;
	}
	struct netdev_state *st = netdev_get(0)->stack;
	uint32_t txq = st->qdisc ? st->qdisc->stats.qlen : 0;
	if (st->rx_len || txq) {
		fprintf(stderr, "glue: %d frames in the input backlog, %u in the qdisc\n", st->rx_len, txq);
		bad = 1;
	}
	if (bad)
		abort();
}

void glue_quiesce(void)
{
	glue_poll();
	while (tcp_active_pcbs)
		tcp_abort(tcp_active_pcbs);
	while (tcp_tw_pcbs)
		tcp_abort(tcp_tw_pcbs);
	/* Reassembly (15 s), ARP queues, delayed work: lwIP's timers in their
	 * own 250 ms steps, so tick-counted timeouts see every tick. */
	for (int i = 0; i < 4 * 30; i++) {
		glue_clock_add_ns(250000000ULL);
		glue_poll();
	}
	glue_tx_clear();
	check_idle();
}
