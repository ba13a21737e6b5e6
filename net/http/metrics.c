/*
 * /metrics and /sysctl bodies.  (Placeholder: a fuller /metrics comes next.)
 */
#include <stdio.h>

#include "kernel/sysctl.h"
#include "net/http/http.h"

void http_metrics(struct sbuf *b)
{
	sbuf_printf(b, "# HELP nagare_http_requests_total HTTP requests parsed.\n");
	sbuf_printf(b, "# TYPE nagare_http_requests_total counter\n");
	sbuf_printf(b, "nagare_http_requests_total %lu\n", http_stats.requests);
}

void http_sysctl_json(struct sbuf *b)
{
	sbuf_printf(b, "{");
	for (size_t i = 0; i < sysctl_table_len; i++) {
		char v[256];
		sysctl_format(&sysctl_table[i], v, sizeof(v));
		if (sysctl_table[i].type == SYSCTL_INT)
			sbuf_printf(b, "%s\"%s\": %s", i ? ", " : "", sysctl_table[i].name, v);
		else
			sbuf_printf(b, "%s\"%s\": \"%s\"", i ? ", " : "", sysctl_table[i].name, v);
	}
	sbuf_printf(b, "}\n");
}
