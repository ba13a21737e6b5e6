/*
 * Token bucket filter, the pure part: tc's tbf parameter rules (tc-tbf(8),
 * ../shared/notes/qdisc-facts.md) and the bucket maths of Linux's sch_tbf
 * (a packet of len bytes may leave when the bucket holds len bytes of
 * tokens; tokens accrue at rate up to burst; with peakrate a second bucket
 * of mtu bytes refills at peakrate).  Time is passed in (ns).  Nothing
 * calls this yet: the tbf qdisc will, with its watchdog at tbf_next_ns().
 */
#ifndef NET_SCHED_TBF_H
#define NET_SCHED_TBF_H

#include <stdint.h>

/* What `tc qdisc ... tbf rate R burst B (latency L | limit N) [peakrate P
 * mtu M]` gives; 0 means "not given" (tc treats a 0 value the same way). */
struct tbf_params {
	uint64_t rate;        /* bytes/s */
	uint64_t peakrate;    /* bytes/s, 0: no peak bucket */
	uint32_t burst;       /* bytes (tc's buffer/maxburst) */
	uint32_t mtu;         /* bytes: the peak bucket (tc's minburst) */
	uint32_t limit;       /* bytes waiting at most; tbf_check() fills it from latency */
	uint64_t latency_ns;  /* instead of limit */
};

/* tc's words, exactly (iproute2 tc/q_tbf.c). */
#define TBF_ERR_RATE "tbf: the \"rate\" parameter is mandatory."
#define TBF_ERR_BURST "tbf: the \"burst\" parameter is mandatory."
#define TBF_ERR_PEAK_MTU "tbf: when \"peakrate\" is specified, \"mtu\" must also be specified."
#define TBF_ERR_LIMIT "tbf: either \"limit\" or \"latency\" is required."
#define TBF_ERR_BOTH "tbf: specifying both \"latency\" and \"limit\" is not allowed"
/* What the kernel refuses with EINVAL (sch_tbf's tbf_change): a peakrate
 * not above rate.  tc prints strerror after "RTNETLINK answers: ". */
#define TBF_ERR_KERNEL "RTNETLINK answers: Invalid argument"
#define TBF_MAX_ERRS 4

/* Checks p the way tc does and, when latency was given, sets p->limit =
 * rate * latency + burst (with peakrate, the smaller of that and
 * peakrate * latency + mtu), at most UINT32_MAX.  Returns how many errors
 * it put in errs (0: valid).  Like tc it reports all of rate, burst,
 * peakrate/mtu and limit/latency at once; both latency and limit is
 * refused alone, as tc refuses it while still reading the line. */
int tbf_check(struct tbf_params *p, const char *errs[TBF_MAX_ERRS]);

/* What tc prints as "lat": how long limit bytes wait beyond the burst,
 * (limit - burst) / rate (the larger with the peak bucket); negative:
 * tc prints no "lat". */
int64_t tbf_latency_ns(const struct tbf_params *p);

/* The largest packet that can ever conform: burst, or mtu if smaller with
 * peakrate.  Linux drops larger ones at enqueue. */
uint32_t tbf_max_size(const struct tbf_params *p);

struct tbf {
	struct tbf_params p;
	uint64_t t_c;          /* ns: when the buckets were last brought up to date */
	uint64_t toks;         /* nanobytes (bytes * 1e9): exact, no rounding */
	uint64_t ptoks;        /* nanobytes in the peak bucket */
	uint64_t overlimits;   /* throttle events */
};

/* Buckets full at now_ns; p must have passed tbf_check(). */
void tbf_init(struct tbf *t, const struct tbf_params *p, uint64_t now_ns);

/* Nonzero when len bytes may leave now.  Zero is a throttle event (the
 * dequeue has to wait) and counts overlimits, as Linux counts each
 * dequeue that finds the head packet early. */
int tbf_conforms(struct tbf *t, uint64_t now_ns, uint32_t len);

/* Take len bytes of tokens; -EAGAIN and nothing taken if they are not
 * there (call tbf_conforms() first). */
int tbf_consume(struct tbf *t, uint64_t now_ns, uint32_t len);

/* The earliest ns at which len conforms (now_ns if it does already);
 * UINT64_MAX if len > tbf_max_size(). */
uint64_t tbf_next_ns(const struct tbf *t, uint64_t now_ns, uint32_t len);

#endif
