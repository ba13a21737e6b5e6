/*
 * What a glue world's fake device transmitted: each frame gathered from its
 * fragments into one copy (the checks a device makes on a request: at
 * least one fragment, none empty, lengths adding up), kept in order until
 * cleared.  tests/glue/fakedev.c (eth0) and eth1.c each keep one.
 */
#ifndef TESTS_GLUE_TXLOG_H
#define TESTS_GLUE_TXLOG_H

#include <stddef.h>
#include <stdint.h>

#include "net/core/netdev_txreq.h"

struct txlog {
	struct {
		uint8_t *data;
		size_t len;
	} *rec;
	int n, cap;
};

/* The frame req describes, gathered and logged; aborts on a malformed
 * request (who: the device, for the message). */
uint8_t *txlog_add(struct txlog *l, const struct netdev_txreq *req, const char *who);
int txlog_count(const struct txlog *l);
const uint8_t *txlog_frame(const struct txlog *l, int i, size_t *len);
void txlog_clear(struct txlog *l);

#endif
