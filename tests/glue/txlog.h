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
		int segs; /* segments of the request it was cut from (1: a plain one) */
	} *rec;
	int n, cap;
};

/* The frame req describes, gathered into a malloc'd copy (req->len bytes);
 * aborts on a malformed request (who: the device, for the message). */
uint8_t *txlog_gather(const struct netdev_txreq *req, const char *who);
/* Logs data (taken over: freed by txlog_clear). */
void txlog_push(struct txlog *l, uint8_t *data, size_t len, int segs);
/* txlog_gather, then txlog_push as a plain frame: the logged copy. */
uint8_t *txlog_add(struct txlog *l, const struct netdev_txreq *req, const char *who);
/* The segments frame i's request was cut into (1: not a TSO request). */
int txlog_segs(const struct txlog *l, int i);
int txlog_count(const struct txlog *l);
const uint8_t *txlog_frame(const struct txlog *l, int i, size_t *len);
void txlog_clear(struct txlog *l);

#endif
