/*
 * Helpers of the /metrics writer, net/http/metrics.c.
 * Prometheus text exposition format 0.0.4: a family's # HELP and # TYPE
 * lines come once, before all of its samples, and its samples stay together.
 */
#ifndef NET_HTTP_METRICS_PRIV_H
#define NET_HTTP_METRICS_PRIV_H

#include <stdint.h>

#include "net/http/sbuf.h"

/* "# HELP name help" and "# TYPE name type"; help must hold no '\' or newline. */
void metrics_family(struct sbuf *b, const char *name, const char *type, const char *help);
/* A one-sample family without labels. */
void metrics_one(struct sbuf *b, const char *name, const char *type, const char *help, uint64_t v);
/* name{key="value"} v, the value escaped (backslash, quote, newline). */
void metrics_label_sample(struct sbuf *b, const char *name, const char *key, const char *value,
			  uint64_t v);
/* Writes s escaped as a label value (no quotes around it). */
void metrics_escape(struct sbuf *b, const char *s);

#endif
