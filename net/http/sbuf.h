/*
 * A growable text buffer on the kernel heap, for generated responses
 * (/metrics, /sysctl).  Running out of memory sets `oom` and drops
 * further text; the caller answers 503 then.
 */
#ifndef NET_HTTP_SBUF_H
#define NET_HTTP_SBUF_H

#include <stddef.h>

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

void sbuf_init(struct sbuf *b);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_add(struct sbuf *b, const char *s, size_t n);
void sbuf_free(struct sbuf *b);

#endif
