/*
 * Dynamic queue limits (BQL), the pure part: how many bytes a driver may
 * have on its TX ring.  Semantics of Linux's lib/dynamic_queue_limits.c as
 * ../shared/notes/qdisc-facts.md and Documentation/ABI/testing/
 * sysfs-class-net-queues (tx-<n>/byte_queue_limits) describe them; the time
 * is passed in (ns).  Nothing calls this yet: the virtio TX path will call
 * dql_queued() per frame, dql_completed() per reclaim and stop the queue
 * while dql_avail() < 0.
 */
#ifndef NET_SCHED_DQL_H
#define NET_SCHED_DQL_H

#include <stdint.h>

#define DQL_MAX_OBJECT (UINT32_MAX / 16)                  /* largest one queued() */
#define DQL_MAX_LIMIT ((UINT32_MAX / 2) - DQL_MAX_OBJECT) /* default limit_max */
#define DQL_HOLD_TIME_MS 1000u                            /* default hold_time */

struct dql {
	/* Running byte totals; they wrap and are compared by difference. */
	uint32_t num_queued;         /* bytes ever queued */
	uint32_t num_completed;      /* bytes ever completed */
	uint32_t adj_limit;          /* limit + num_completed: avail = this - num_queued */
	uint32_t last_obj;           /* bytes of the last queued() */

	uint32_t limit;              /* bytes in flight allowed */
	uint32_t limit_min, limit_max; /* bytes */
	uint64_t hold_ns;            /* hold_time: busy this long before shrinking */

	/* The previous completion interval. */
	uint32_t prev_ovlimit;       /* bytes over the limit at the last completion */
	uint32_t prev_num_queued;    /* num_queued at the last completion */
	uint32_t prev_last_obj;      /* last_obj at the last completion */

	uint32_t lowest_slack;       /* bytes; smallest slack since slack_start_ns */
	uint64_t slack_start_ns;

	uint64_t refused;            /* queued()/completed() calls refused (bad counts) */
};

/* Linux's defaults: limit 0, limit_min 0, limit_max DQL_MAX_LIMIT, hold_time
 * 1000 ms; now_ns starts the first hold period. */
void dql_init(struct dql *d, uint64_t now_ns);

/* Forget what is in flight (ring reset); keeps the knobs and the limit. */
void dql_reset(struct dql *d, uint64_t now_ns);

/* A frame of bytes went onto the ring.  -EINVAL (and refused++) above
 * DQL_MAX_OBJECT, where Linux BUG()s. */
int dql_queued(struct dql *d, uint32_t bytes);

/* The device finished bytes; adapts the limit.  -EINVAL (and refused++,
 * nothing changed) when bytes exceed what is in flight, where Linux BUG()s:
 * inflight never goes negative. */
int dql_completed(struct dql *d, uint32_t bytes, uint64_t now_ns);

/* Bytes that may still be queued; negative: stop the queue. */
int32_t dql_avail(const struct dql *d);

/* byte_queue_limits/inflight: bytes queued and not completed. */
uint32_t dql_inflight(const struct dql *d);

/* The knobs, in sysfs's units (bytes; hold_time in ms).  Setters return 0
 * or -EINVAL and change nothing on error: limit within [limit_min,
 * limit_max]; limit_min <= limit_max <= DQL_MAX_LIMIT; hold_time at most
 * DQL_HOLD_TIME_MAX_MS.  Moving min or max past limit pulls limit along. */
#define DQL_HOLD_TIME_MAX_MS 3600000u /* an hour; Linux takes any jiffies value */
uint32_t dql_limit(const struct dql *d);
uint32_t dql_limit_min(const struct dql *d);
uint32_t dql_limit_max(const struct dql *d);
uint32_t dql_hold_time_ms(const struct dql *d);
int dql_set_limit(struct dql *d, uint32_t v);
int dql_set_limit_min(struct dql *d, uint32_t v);
int dql_set_limit_max(struct dql *d, uint32_t v);
int dql_set_hold_time_ms(struct dql *d, uint32_t ms);

#endif
