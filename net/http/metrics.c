/*
 * /metrics and /sysctl bodies.  /metrics is every counter the system keeps,
 * in Prometheus text exposition format 0.0.4: time and memory, interrupts,
 * then the network stack's counter registry (net/core/counter.h: what `netstat
 * -s` shows, softnet, each device as `ip -s link` and `ethtool -S`, lwIP's
 * own counters and pools, the listen queues), the drivers' counters and the
 * HTTP server's.  Counters end in _total; gauges do not.  Text goes into an
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
#include "net/core/counter.h"
#include "net/http/http.h"
#include "net/http/metrics_priv.h"

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

/* ---- the network stack's counter registry ------------------------------- */

static void registry_metrics(struct sbuf *b)
{
	char name[80];
	for (int i = 0; i < counter_count(); i++) {
		const struct counter *c = counter_get(i);
		if (counter_metric_name(c, name, sizeof(name)))
			continue;
		metrics_family(b, name, c->flags & COUNTER_F_GAUGE ? "gauge" : "counter", c->help);
		const char *key = counter_section(c->sec)->label;
		uint64_t v;
		const char *label;
		for (int k = 0, r; (r = counter_instance(c, k, &v, &label)) >= 0; k++) {
			if (!r)
				continue;
			if (key)
				metrics_label_sample(b, name, key, label, v);
			else
				sbuf_printf(b, "%s %lu\n", name, (unsigned long)v);
		}
	}
}

static struct sbuf *emit_buf; /* the drivers' emit has no argument */

static void driver_sample(const char *dev, const char *name, uint64_t v)
{
	sbuf_printf(emit_buf, "nagare_driver_stat{device=\"");
	metrics_escape(emit_buf, dev);
	sbuf_printf(emit_buf, "\",name=\"");
	metrics_escape(emit_buf, name);
	sbuf_printf(emit_buf, "\"} %lu\n", (unsigned long)v);
}

static void driver_metrics(struct sbuf *b)
{
	metrics_family(b, "nagare_driver_stat", "untyped", "Driver counters (ethtool -S), by name.");
	emit_buf = b;
	netdev_counter_drivers(driver_sample);
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
	metrics_one(b, "nagare_http_copied_bytes_total", "counter",
		    "HTTP response bytes copied into the stack's buffers (the rest are sent by reference).",
		    s->bytes_copied);
	metrics_one(b, "nagare_http_timeouts_total", "counter", "HTTP 408s and idle keep-alive closes.",
		    s->timeouts);
}

void http_metrics(struct sbuf *b)
{
	system_metrics(b);
	registry_metrics(b);
	driver_metrics(b);
	http_server_metrics(b);
	/* A new counter of the network stack is one row beside the code that
	 * counts it (net/core/counter.h); nothing to add here. */
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
	int first = 1;
	for (size_t i = 0; i < sysctl_table_len; i++) {
		const struct sysctl *s = &sysctl_table[i];
		char v[256];
		if (!sysctl_exists(s))
			continue;
		sysctl_format(s, v, sizeof(v));
		if (!first)
			sbuf_add(b, ", ", 2);
		first = 0;
		json_string(b, s->name);
		sbuf_add(b, ": ", 2);
		if (s->type == SYSCTL_INT)
			sbuf_add(b, v, strlen(v)); /* a decimal int is a JSON number */
		else
			json_string(b, v);
	}
	sbuf_add(b, "}\n", 2);
}
