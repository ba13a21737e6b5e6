/*
 * Dynamic queue limits (BQL): Linux's lib/dynamic_queue_limits.c behaviour
 * as ../shared/notes/qdisc-facts.md states it, written from that
 * description.  Byte totals are free-running u32 counters compared by
 * signed difference, so they may wrap.  Pure: time comes in as now_ns.
 * Callers: none yet (the virtio TX ring, later).
 */
#include <errno.h>
#include <stdint.h>

#include "net/sched/dql.h"

/* a - b when a is after b, else 0 (counters that wrap) */
static uint32_t posdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0 ? a - b : 0;
}

static int after_eq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static void slack_restart(struct dql *d, uint64_t now_ns)
{
	d->lowest_slack = UINT32_MAX;
	d->slack_start_ns = now_ns;
}

void dql_init(struct dql *d, uint64_t now_ns)
{
	*d = (struct dql){ 0 };
	d->limit_max = DQL_MAX_LIMIT;
	d->hold_ns = (uint64_t)DQL_HOLD_TIME_MS * 1000000u;
	dql_reset(d, now_ns);
}

void dql_reset(struct dql *d, uint64_t now_ns)
{
	d->num_queued = d->num_completed = 0;
	d->last_obj = d->prev_last_obj = 0;
	d->prev_ovlimit = 0;
	d->prev_num_queued = 0;
	d->adj_limit = d->limit;
	slack_restart(d, now_ns);
}

int dql_queued(struct dql *d, uint32_t bytes)
{
	if (bytes > DQL_MAX_OBJECT) {
		d->refused++;
		return -EINVAL;
	}
	d->last_obj = bytes;
	d->num_queued += bytes;
	return 0;
}

uint32_t dql_inflight(const struct dql *d)
{
	return d->num_queued - d->num_completed;
}

int32_t dql_avail(const struct dql *d)
{
	return (int32_t)(d->adj_limit - d->num_queued);
}

/* The ring was busy the whole interval: remember the smallest slack (what
 * the limit, plus the overshoot, exceeds twice this interval's completions
 * by, or the last frame's share of the overshoot if larger) and after
 * hold_time of that shrink the limit by it. */
static uint32_t busy_interval(struct dql *d, uint32_t limit, uint32_t count, uint64_t now_ns)
{
	uint64_t need = 2ull * count, have = (uint64_t)limit + d->prev_ovlimit;
	uint32_t slack = have > need ? (uint32_t)(have - need) : 0;
	uint32_t slack_last = d->prev_ovlimit ? posdiff(d->prev_last_obj, d->prev_ovlimit) : 0;
	if (slack_last > slack)
		slack = slack_last;
	if (slack < d->lowest_slack)
		d->lowest_slack = slack;
	if (now_ns - d->slack_start_ns > d->hold_ns) { /* strictly after, as time_after() */
		limit = limit > d->lowest_slack ? limit - d->lowest_slack : 0;
		slack_restart(d, now_ns);
	}
	return limit;
}

int dql_completed(struct dql *d, uint32_t count, uint64_t now_ns)
{
	uint32_t queued = d->num_queued;
	if (count > queued - d->num_completed) {
		d->refused++;
		return -EINVAL;
	}
	uint32_t completed = d->num_completed + count;
	uint32_t limit = d->limit;
	uint32_t ovlimit = posdiff(queued - d->num_completed, limit);
	uint32_t inprogress = queued - completed;
	uint32_t prev_inprogress = d->prev_num_queued - d->num_completed;
	int all_prev_completed = after_eq(completed, d->prev_num_queued);

	if ((ovlimit && !inprogress) || (d->prev_ovlimit && all_prev_completed)) {
		/* Starved: the ring ran dry while over the limit (or may have,
		 * between the last completion and the next queueing).  Grow by
		 * what completed beyond the previous queue plus the previous
		 * overshoot. */
		uint64_t grown = (uint64_t)limit + posdiff(completed, d->prev_num_queued) + d->prev_ovlimit;
		limit = grown > DQL_MAX_LIMIT ? DQL_MAX_LIMIT : (uint32_t)grown;
		slack_restart(d, now_ns);
	} else if (inprogress && prev_inprogress && !all_prev_completed) {
		limit = busy_interval(d, limit, count, now_ns);
	}

	if (limit > d->limit_max)
		limit = d->limit_max;
	if (limit < d->limit_min)
		limit = d->limit_min;
	d->limit = limit;
	d->adj_limit = limit + completed;
	d->prev_ovlimit = ovlimit;
	d->prev_last_obj = d->last_obj;
	d->num_completed = completed;
	d->prev_num_queued = queued;
	return 0;
}

uint32_t dql_limit(const struct dql *d)
{
	return d->limit;
}

uint32_t dql_limit_min(const struct dql *d)
{
	return d->limit_min;
}

uint32_t dql_limit_max(const struct dql *d)
{
	return d->limit_max;
}

uint32_t dql_hold_time_ms(const struct dql *d)
{
	return (uint32_t)(d->hold_ns / 1000000u);
}

static void set_limit(struct dql *d, uint32_t v)
{
	d->limit = v;
	d->adj_limit = v + d->num_completed;
}

int dql_set_limit(struct dql *d, uint32_t v)
{
	if (v < d->limit_min || v > d->limit_max)
		return -EINVAL;
	set_limit(d, v);
	return 0;
}

int dql_set_limit_min(struct dql *d, uint32_t v)
{
	if (v > d->limit_max)
		return -EINVAL;
	d->limit_min = v;
	if (d->limit < v)
		set_limit(d, v);
	return 0;
}

int dql_set_limit_max(struct dql *d, uint32_t v)
{
	if (v > DQL_MAX_LIMIT || v < d->limit_min)
		return -EINVAL;
	d->limit_max = v;
	if (d->limit > v)
		set_limit(d, v);
	return 0;
}

int dql_set_hold_time_ms(struct dql *d, uint32_t ms)
{
	if (ms > DQL_HOLD_TIME_MAX_MS)
		return -EINVAL;
	d->hold_ns = (uint64_t)ms * 1000000u;
	return 0;
}
