/*
 * The `http` console command: start the server (port, listen backlog),
 * show its state, queues and routes, set its timeouts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "net/http/http.h"
#include "net/http/server_priv.h"

static int number(const char *s, long lo, long hi, long *v)
{
	char *end;
	*v = strtol(s, &end, 10);
	return *s && !*end && *v >= lo && *v <= hi;
}

static void status(void)
{
	const struct http_stats *s = &http_stats;
	con_printf("http: %s on port %u%s\n", http_running() ? "listening" : "stopped", http_config.port,
		   http_config.paused ? ", accepting paused (http resume)" : "");
	struct listen_info q;
	if (!http_queue(&q))
		con_printf("  backlog %d: accept queue %d of %d, half-open %d of %d (ss -lnt)\n", q.backlog,
			   q.acceptq_len, q.acceptq_max, q.synq_len, q.synq_max);
	con_printf("  routes: / (612-byte page), /bytes/N (N <= %llu), /metrics, /sysctl; GET and HEAD\n",
		   (unsigned long long)HTTP_BYTES_MAX);
	con_printf("  connections: %lu open, %lu accepted, %lu refused\n", s->conns_now, s->conns_total,
		   s->conns_failed);
	con_printf("  requests: %lu; responses 2xx %lu, 4xx %lu, 5xx %lu; %lu timeouts\n", s->requests,
		   s->responses[2], s->responses[4], s->responses[5], s->timeouts);
	con_printf("  bytes sent: %lu (%lu copied, the rest by reference); %lu connections reset for want of memory\n",
		   s->bytes_out, s->bytes_copied, s->resets_nomem);
	con_printf("  timeouts: header %u s, keep-alive %u s\n", http_config.header_timeout,
		   http_config.keepalive_timeout);
}

/* http start [PORT] [backlog N]: the whole line is checked before anything changes. */
static int start(int argc, char **argv)
{
	long port = http_config.port;
	int backlog = HTTP_BACKLOG, i = 0;
	if (i < argc && strcmp(argv[i], "backlog")) {
		if (!number(argv[i], 1, 65535, &port)) {
			con_printf("http: invalid port '%s'\n", argv[i]);
			return 1;
		}
		i++;
	}
	if (listen_backlog_arg("http", argc, argv, &i, &backlog))
		return 1;
	if (i < argc) {
		con_printf("http: unexpected argument '%s' (http start [PORT] [backlog N])\n", argv[i]);
		return 1;
	}
	if (http_running()) {
		con_printf("http: already listening on port %u\n", http_config.port);
		return 1;
	}
	int err = http_listen((uint16_t)port, backlog);
	if (err) {
		con_printf("http: cannot listen on port %ld: %s\n", port,
			   err == -EADDRINUSE ? "Address already in use" : "Cannot allocate memory");
		return 1;
	}
	printk("http: listening on TCP port %ld, backlog %d\n", port, backlog);
	return 0;
}

static int cmd_http(int argc, char **argv)
{
	long v;
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "status"))) {
		status();
		return 0;
	}
	if (!strcmp(argv[1], "start"))
		return start(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "stop")) {
		if (!http_running()) {
			con_printf("http: not running\n");
			return 1;
		}
		http_stop();
		printk("http: stopped listening on port %u\n", http_config.port);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "pause") || !strcmp(argv[1], "resume"))) {
		http_pause(argv[1][0] == 'p');
		return 0;
	}
	if (!strcmp(argv[1], "set") && argc == 4) {
		if (!number(argv[3], 1, 3600, &v)) {
			con_printf("http: invalid value '%s' (1 to 3600 seconds)\n", argv[3]);
			return 1;
		}
		if (!strcmp(argv[2], "header-timeout"))
			http_config.header_timeout = v;
		else if (!strcmp(argv[2], "keepalive-timeout"))
			http_config.keepalive_timeout = v;
		else {
			con_printf("http: unknown setting '%s' (header-timeout, keepalive-timeout)\n", argv[2]);
			return 1;
		}
		return 0;
	}
	con_printf("usage: http [status] | http start [PORT] [backlog N] | http stop | http pause | http resume | "
		   "http set {header-timeout|keepalive-timeout} SECONDS\n");
	return 1;
}
CONSOLE_CMD(http, "http", cmd_http,
	    "http [status|start [PORT] [backlog N]|stop|pause|resume|set NAME SECONDS]",
	    "the HTTP server: state, routes, start, accepting, timeouts");
