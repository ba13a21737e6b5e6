/*
 * Token bucket filter (net/sched/tbf.h): tc's tbf parameter rules and the
 * bucket maths, written from tc-tbf(8), Linux's documented sch_tbf
 * behaviour and ../shared/notes/qdisc-facts.md.  Tokens are kept in
 * nanobytes (bytes * 1e9) so rate (bytes/s) times elapsed ns adds them
 * exactly: no drift from rounding, and a full bucket is exactly burst.
 * Callers: the tbf qdisc (later); tests/unit/test_tbf.c.
 */
#include <errno.h>
#include <stdint.h>

#include "net/sched/tbf.h"

#define NS 1000000000ull

/* rate (bytes/s) * ns / 1e9, truncated, at most UINT32_MAX + 1 */
static uint64_t bytes_in(uint64_t rate, uint64_t ns)
{
	uint64_t s = ns / NS, f = ns % NS, v;
	if (__builtin_mul_overflow(rate, s, &v))
		return (uint64_t)UINT32_MAX + 1;
	/* rate * f / 1e9 = (rate / 1e9) * f + (rate % 1e9) * f / 1e9 */
	uint64_t hi;
	if (__builtin_mul_overflow(rate / NS, f, &hi) || __builtin_add_overflow(v, hi, &v) ||
	    __builtin_add_overflow(v, (rate % NS) * f / NS, &v) || v > UINT32_MAX)
		return (uint64_t)UINT32_MAX + 1;
	return v;
}

static uint32_t clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

int tbf_check(struct tbf_params *p, const char *errs[TBF_MAX_ERRS])
{
	int n = 0;
	if (p->limit && p->latency_ns) {
		errs[0] = TBF_ERR_BOTH;
		return 1;
	}
	if (!p->rate)
		errs[n++] = TBF_ERR_RATE;
	if (!p->burst)
		errs[n++] = TBF_ERR_BURST;
	if (p->peakrate && !p->mtu)
		errs[n++] = TBF_ERR_PEAK_MTU;
	if (!p->limit && !p->latency_ns)
		errs[n++] = TBF_ERR_LIMIT;
	if (n)
		return n;
	if (p->peakrate && p->peakrate <= p->rate) {
		errs[0] = TBF_ERR_KERNEL;
		return 1;
	}
	if (!p->limit) {
		uint64_t lim = bytes_in(p->rate, p->latency_ns) + p->burst;
		if (p->peakrate) {
			uint64_t lim2 = bytes_in(p->peakrate, p->latency_ns) + p->mtu;
			if (lim2 < lim)
				lim = lim2;
		}
		p->limit = clamp32(lim);
	}
	return 0;
}

static int64_t wait_ns(uint64_t bytes, uint64_t rate)
{
	return (int64_t)(bytes * NS / rate);  /* bytes < 2^32: no overflow */
}

int64_t tbf_latency_ns(const struct tbf_params *p)
{
	int64_t lat = wait_ns(p->limit, p->rate) - wait_ns(p->burst, p->rate);
	if (p->peakrate) {
		int64_t lat2 = wait_ns(p->limit, p->peakrate) - wait_ns(p->mtu, p->peakrate);
		if (lat2 > lat)
			lat = lat2;
	}
	return lat;
}

uint32_t tbf_max_size(const struct tbf_params *p)
{
	if (p->peakrate && p->mtu < p->burst)
		return p->mtu;
	return p->burst;
}

void tbf_init(struct tbf *t, const struct tbf_params *p, uint64_t now_ns)
{
	*t = (struct tbf){ .p = *p, .t_c = now_ns };
	t->toks = (uint64_t)p->burst * NS;
	t->ptoks = (uint64_t)p->mtu * NS;
}

/* cap >= have; the bucket after dt ns at rate, at most cap */
static uint64_t fill(uint64_t have, uint64_t cap, uint64_t rate, uint64_t dt)
{
	uint64_t room = cap - have;
	if (!rate || dt >= room / rate + 1)
		return rate ? cap : have;
	uint64_t add = dt * rate;  /* < room + rate: fits */
	return add >= room ? cap : have + add;
}

static void refill(struct tbf *t, uint64_t now_ns)
{
	if (now_ns <= t->t_c)
		return;  /* time never runs backwards for the buckets */
	uint64_t dt = now_ns - t->t_c;
	t->toks = fill(t->toks, (uint64_t)t->p.burst * NS, t->p.rate, dt);
	if (t->p.peakrate)
		t->ptoks = fill(t->ptoks, (uint64_t)t->p.mtu * NS, t->p.peakrate, dt);
	t->t_c = now_ns;
}

static int enough(const struct tbf *t, uint32_t len)
{
	uint64_t need = (uint64_t)len * NS;
	return t->toks >= need && (!t->p.peakrate || t->ptoks >= need);
}

int tbf_conforms(struct tbf *t, uint64_t now_ns, uint32_t len)
{
	refill(t, now_ns);
	if (enough(t, len))
		return 1;
	t->overlimits++;
	return 0;
}

int tbf_consume(struct tbf *t, uint64_t now_ns, uint32_t len)
{
	refill(t, now_ns);
	if (!enough(t, len))
		return -EAGAIN;
	t->toks -= (uint64_t)len * NS;
	if (t->p.peakrate)
		t->ptoks -= (uint64_t)len * NS;
	return 0;
}

/* ns until a bucket holding have (as of t_c) reaches need at rate */
static uint64_t until(uint64_t have, uint64_t need, uint64_t rate)
{
	return have >= need ? 0 : (need - have + rate - 1) / rate;
}

uint64_t tbf_next_ns(const struct tbf *t, uint64_t now_ns, uint32_t len)
{
	if (len > tbf_max_size(&t->p))
		return UINT64_MAX;
	uint64_t need = (uint64_t)len * NS;
	uint64_t w = until(t->toks, need, t->p.rate);
	if (t->p.peakrate) {
		uint64_t pw = until(t->ptoks, need, t->p.peakrate);
		if (pw > w)
			w = pw;
	}
	uint64_t at = t->t_c + w;
	return at > now_ns ? at : now_ns;
}
