/*
 * /metrics and /sysctl bodies.  /metrics is every counter the system keeps,
 * in Prometheus text exposition format 0.0.4: time and memory, interrupts,
 * each device (stack counters as `ip -s link`, driver counters as
 * `ethtool -S`), softnet (/proc/net/softnet_stat), the HTTP server and, in
 * metrics_lwip.c, everything `netstat -s` shows plus lwIP's own counters
 * and pools.  Counters end in _total; gauges do not.  Text goes into an
 * sbuf: if the heap runs out it sets oom and routes.c answers 503, so no
 * half body is ever served.  /sysctl is the tunables table as JSON.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kernel/heap.h"
#include "kernel/irq.h"
#include "kernel/loop.h"
#include "kernel/pmm.h"
#include "kernel/sysctl.h"
#include "kernel/time.h"
#include "lwip/priv/tcp_priv.h"
#include "net/http/http.h"
#include "net/listen.h"
#include "net/http/metrics_priv.h"
#include "net/napi.h"
#include "net/netdev_priv.h"

/* ---- format helpers ---------------------------------------------------- */

void metrics_family(struct sbuf *b, const char *name, const char *type, const char *help)
{
	sbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_one(struct sbuf *b, const char *name, const char *type, const char *help, uint64_t v)
{
	metrics_family(b, name, type, help);
	sbuf_printf(b, "%s %lu\n", name, (unsigned long)v);
}

void metrics_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sbuf_add(b, "\\\\", 2);
		else if (*s == '"')
			sbuf_add(b, "\\\"", 2);
		else if (*s == '\n')
			sbuf_add(b, "\\n", 2);
		else
			sbuf_add(b, s, 1);
	}
}

void metrics_label_sample(struct sbuf *b, const char *name, const char *key, const char *value,
			  uint64_t v)
{
	sbuf_printf(b, "%s{%s=\"", name, key);
	metrics_escape(b, value);
	sbuf_printf(b, "\"} %lu\n", (unsigned long)v);
}

/* ns as decimal seconds. */
static void seconds(struct sbuf *b, const char *name, const char *type, const char *help, uint64_t ns)
{
	metrics_family(b, name, type, help);
	sbuf_printf(b, "%s %lu.%09lu\n", name, (unsigned long)(ns / 1000000000),
		    (unsigned long)(ns % 1000000000));
}

/* ---- time, memory, interrupts ------------------------------------------ */

static struct sbuf *irq_buf; /* irq_foreach's callback has no argument */

static void irq_sample(int vec, const char *name, uint64_t count)
{
	sbuf_printf(irq_buf, "nagare_interrupts_total{vector=\"%d\",name=\"", vec);
	metrics_escape(irq_buf, name);
	sbuf_printf(irq_buf, "\"} %lu\n", (unsigned long)count);
}

static void system_metrics(struct sbuf *b)
{
	static const char *const load_name[3] = { "nagare_load1", "nagare_load5", "nagare_load15" };
	unsigned long avg[3];
	struct heap_stats h;
	struct pmm_stats p;

	seconds(b, "nagare_uptime_seconds", "gauge", "Seconds since kernel entry.", time_ns());
	seconds(b, "nagare_idle_seconds_total", "counter", "Seconds the CPU spent halted.",
		loop_idle_ns());
	loop_loadavg(avg);
	for (int i = 0; i < 3; i++) {
		metrics_family(b, load_name[i], "gauge", "Load average (runnable = the loop was busy).");
		sbuf_printf(b, "%s %lu.%03lu\n", load_name[i], avg[i] >> 11, ((avg[i] & 2047) * 1000) >> 11);
	}
	heap_stats(&h);
	metrics_one(b, "nagare_heap_bytes", "gauge", "Bytes in live heap blocks.", h.bytes);
	metrics_one(b, "nagare_heap_blocks", "gauge", "Live heap allocations.", h.blocks);
	metrics_one(b, "nagare_heap_pages", "gauge", "Pages the heap holds.", h.pages);
	metrics_one(b, "nagare_heap_failures_total", "counter", "Heap allocations that found no memory.",
		    h.failures);
	pmm_stats(&p);
	metrics_one(b, "nagare_pmm_usable_pages", "gauge", "Usable 4 KiB pages in the memory map.", p.total);
	metrics_one(b, "nagare_pmm_free_pages", "gauge", "Free 4 KiB pages.", p.free);
	metrics_one(b, "nagare_pmm_kernel_pages", "gauge", "Pages of the kernel image.", p.kernel);
	metrics_family(b, "nagare_interrupts_total", "counter", "Interrupts by vector.");
	irq_buf = b;
	irq_foreach(irq_sample);
}

/* ---- devices and softnet ------------------------------------------------ */

struct dev_family {
	const char *name, *type, *help;
	uint8_t in_state, is_int; /* field of struct netdev_state (else netdev); an int (else u64) */
	uint16_t off;
};

#define DEV_STAT(f, h) { "nagare_netdev_" #f "_total", "counter", h, 0, 0, offsetof(struct netdev, stats.f) }
static const struct dev_family dev_families[] = {
	DEV_STAT(rx_packets, "Frames received (ip -s link)."),
	DEV_STAT(rx_bytes, "Bytes received."),
	DEV_STAT(rx_dropped, "Received frames dropped."),
	DEV_STAT(rx_errors, "Receive errors."),
	DEV_STAT(tx_packets, "Frames transmitted."),
	DEV_STAT(tx_bytes, "Bytes transmitted."),
	DEV_STAT(tx_dropped, "Frames dropped on transmit."),
	DEV_STAT(tx_errors, "Transmit errors."),
	{ "nagare_netdev_mtu", "gauge", "MTU, bytes.", 0, 1, offsetof(struct netdev, mtu) },
	{ "nagare_netdev_carrier", "gauge", "1 if the link is up.", 0, 1, offsetof(struct netdev, link_up) },
	{ "nagare_netdev_up", "gauge", "1 if administratively up.", 1, 1, offsetof(struct netdev_state, admin_up) },
	{ "nagare_netdev_rx_backlog", "gauge", "Frames on the input backlog.", 1, 1, offsetof(struct netdev_state, rx_len) },
};

static uint64_t dev_value(struct netdev *dev, const struct dev_family *f)
{
	const char *base = f->in_state ? (const char *)netdev_state(dev) : (const char *)dev;
	if (f->is_int)
		return (uint64_t)*(const int *)(base + f->off);
	return *(const uint64_t *)(base + f->off);
}

static struct sbuf *emit_buf; /* ops->stats' emit has no argument */
static const char *emit_dev;

static void driver_sample(const char *name, uint64_t v)
{
	sbuf_printf(emit_buf, "nagare_driver_stat{device=\"");
	metrics_escape(emit_buf, emit_dev);
	sbuf_printf(emit_buf, "\",name=\"");
	metrics_escape(emit_buf, name);
	sbuf_printf(emit_buf, "\"} %lu\n", (unsigned long)v);
}

static void device_metrics(struct sbuf *b)
{
	for (size_t i = 0; i < sizeof(dev_families) / sizeof(dev_families[0]); i++) {
		const struct dev_family *f = &dev_families[i];
		metrics_family(b, f->name, f->type, f->help);
		for (int d = 0; d < netdev_count(); d++)
			metrics_label_sample(b, f->name, "device", netdev_get(d)->name,
					     dev_value(netdev_get(d), f));
	}
	for (int i = 0; i < netdev_ncounters; i++) {
		const struct netdev_counter *c = &netdev_counters[i];
		char name[64];
		snprintf(name, sizeof(name), "nagare_netdev_%s_total", c->name);
		metrics_family(b, name, "counter", c->help);
		for (int d = 0; d < netdev_count(); d++)
			metrics_label_sample(b, name, "device", netdev_get(d)->name,
					     netdev_counter_value(netdev_get(d), c));
	}
	/* Drivers mix counters and gauges (buffers posted) without saying which. */
	metrics_family(b, "nagare_driver_stat", "untyped", "Driver counters (ethtool -S), by name.");
	emit_buf = b;
	for (int d = 0; d < netdev_count(); d++) {
		struct netdev *dev = netdev_get(d);
		emit_dev = dev->name;
		if (dev->ops->stats)
			dev->ops->stats(dev, driver_sample);
	}
	metrics_one(b, "nagare_softnet_processed_total", "counter", "Frames handed to the protocol stack.",
		    softnet.processed);
	metrics_one(b, "nagare_softnet_dropped_total", "counter", "Frames dropped: input backlog full.",
		    softnet.dropped);
	metrics_one(b, "nagare_softnet_time_squeeze_total", "counter",
		    "NET_RX rounds ended with work left.", softnet.time_squeeze);
	metrics_one(b, "nagare_softnet_rounds_total", "counter", "NET_RX rounds that polled a device.",
		    softnet.rounds);
	metrics_one(b, "nagare_softnet_polls_total", "counter", "Device poll calls.", softnet.polls);
}

/* ---- the HTTP server ---------------------------------------------------- */

static void http_server_metrics(struct sbuf *b)
{
	const struct http_stats *s = &http_stats;
	metrics_one(b, "nagare_http_connections_total", "counter", "HTTP connections accepted.",
		    s->conns_total);
	metrics_one(b, "nagare_http_connections", "gauge", "HTTP connections open.", s->conns_now);
	metrics_one(b, "nagare_http_connections_failed_total", "counter",
		    "HTTP connections refused: no memory.", s->conns_failed);
	metrics_one(b, "nagare_http_resets_nomem_total", "counter",
		    "HTTP connections reset: no memory to queue a response.", s->resets_nomem);
	metrics_one(b, "nagare_http_requests_total", "counter", "HTTP requests parsed.", s->requests);
	metrics_family(b, "nagare_http_responses_total", "counter", "HTTP responses by status class.");
	for (int i = 1; i <= 5; i++)
		sbuf_printf(b, "nagare_http_responses_total{code=\"%dxx\"} %lu\n", i,
			    (unsigned long)s->responses[i]);
	metrics_one(b, "nagare_http_sent_bytes_total", "counter", "HTTP response bytes queued.",
		    s->bytes_out);
	metrics_one(b, "nagare_http_timeouts_total", "counter", "HTTP 408s and idle keep-alive closes.",
		    s->timeouts);
}

/* The listen queues, as ss -lnt shows them: one series per listener. */
static void listen_metrics(struct sbuf *b)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} f[] = {
		{ "nagare_listen_accept_queue", "Connections waiting on the accept queue (ss Recv-Q).",
		  offsetof(struct listen_info, acceptq_len) },
		{ "nagare_listen_accept_queue_max", "Accept queue limit: min(backlog, somaxconn) (ss Send-Q).",
		  offsetof(struct listen_info, acceptq_max) },
		{ "nagare_listen_syn_queue", "Half-open connections (SYN-RECV).",
		  offsetof(struct listen_info, synq_len) },
		{ "nagare_listen_syn_queue_max",
		  "Half-open connections that fit: min(backlog, somaxconn) + 1 (tcp_synq_sizing=1: the SYN table).",
		  offsetof(struct listen_info, synq_max) },
	};
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++) {
		metrics_family(b, f[k].name, "gauge", f[k].help);
		for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
			struct listen_info i;
			if (listen_info_of((const struct tcp_pcb *)l, &i))
				continue;
			char port[8];
			snprintf(port, sizeof(port), "%u", i.port);
			metrics_label_sample(b, f[k].name, "port", port, *(const int *)((const char *)&i + f[k].off));
		}
	}
}

void http_metrics(struct sbuf *b)
{
	system_metrics(b);
	device_metrics(b);
	metrics_lwip(b);
	listen_metrics(b);
	http_server_metrics(b);
	/* Layers still to come add their families here, one function each:
	 * qdiscs (tc -s qdisc: nagare_qdisc_*{device="eth0",kind="codel"}).
	 * A new netstat_ext field gets one row in metrics_lwip.c's counters[]. */
}

/* ---- /sysctl ------------------------------------------------------------ */

/* s as a JSON string (RFC 8259 7). */
static void json_string(struct sbuf *b, const char *s)
{
	sbuf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sbuf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			sbuf_printf(b, "\\u%04x", c);
		else
			sbuf_add(b, s, 1);
	}
	sbuf_add(b, "\"", 1);
}

void http_sysctl_json(struct sbuf *b)
{
	sbuf_add(b, "{", 1);
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const struct sysctl *s = &sysctl_table[i];
		char v[256];
		sysctl_format(s, v, sizeof(v));
		if (i)
			sbuf_add(b, ", ", 2);
		json_string(b, s->name);
		sbuf_add(b, ": ", 2);
		if (s->type == SYSCTL_INT)
			sbuf_add(b, v, strlen(v)); /* a decimal int is a JSON number */
		else
			json_string(b, v);
	}
	sbuf_add(b, "}\n", 2);
}
