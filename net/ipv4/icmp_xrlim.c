/*
 * The ICMP error rate limiter (net/ipv4/icmp_xrlim.h), as Linux 6.1.y's
 * net/ipv4/icmp.c (icmpv4_mask_allow, icmp_global_allow,
 * icmp_global_consume, icmpv4_xrlim_allow), net/ipv4/inetpeer.c
 * (inet_peer_xrlim_allow) and net/ipv4/route.c (ip_error's limit), in
 * milliseconds where Linux counts jiffies.
 * Called by net/ipv4/icmp.c for each ICMP error lwIP is about to send.
 */
#include "net/ipv4/icmp_xrlim.h"

#define ICMP_TYPE_MAX 18       /* NR_ICMP_TYPES */
#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define GLOBAL_MIN_MS 20       /* HZ / 50: no refill more often */
#define GLOBAL_MAX_MS 1000     /* HZ: at most a second's worth at once */

int icmp_xrlim_mask_allow(int type, int code, int ratemask)
{
	if (type < 0 || type > ICMP_TYPE_MAX)
		return 1;
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		return 1; /* "Don't limit PMTU discovery." */
	return !((1u << type) & (unsigned)ratemask);
}

int icmp_xrlim_global_allow(struct icmp_xrlim *rl, const struct icmp_xrlim_params *pp, uint64_t now)
{
	if (rl->credit > 0)
		return 1;
	uint64_t delta = rl->stamped ? now - rl->stamp : GLOBAL_MAX_MS;
	if (delta > GLOBAL_MAX_MS)
		delta = GLOBAL_MAX_MS;
	if (delta < GLOBAL_MIN_MS)
		return 0;
	int64_t incr = (int64_t)pp->msgs_per_sec * (int64_t)delta / 1000;
	if (incr <= 0)
		return 0;
	rl->stamp = now;
	rl->stamped = 1;
	int64_t credit = rl->credit + incr;
	rl->credit = credit < pp->msgs_burst ? credit : pp->msgs_burst;
	return 1; /* even when the burst is 0: Linux returns true here too */
}

void icmp_xrlim_global_consume(struct icmp_xrlim *rl, unsigned rnd3)
{
	rl->credit -= rnd3 % 3;
}

/* The entry for addr, or a free or least recently used one taken for it as
 * a new inet_peer (no tokens, last 60 s back: a full burst). */
static struct icmp_xrlim_peer *peer_get(struct icmp_xrlim *rl, uint32_t addr, uint32_t hash, uint64_t now)
{
	struct icmp_xrlim_peer *set = rl->peer[hash % ICMP_XRLIM_SETS], *victim = &set[0];
	for (int i = 0; i < ICMP_XRLIM_WAYS; i++) {
		if (set[i].used && set[i].addr == addr)
			return &set[i];
		if (!set[i].used)
			victim = &set[i];
		else if (victim->used && set[i].last < victim->last)
			victim = &set[i];
	}
	victim->used = 1;
	victim->addr = addr;
	victim->tokens = 0;
	victim->n_redirects = 0;
	victim->last = now - ICMP_XRLIM_NEW_PEER_MS; /* wraps below 0 as jiffies do; only differences count */
	return victim;
}

int icmp_xrlim_peer_allow(struct icmp_xrlim *rl, uint32_t addr, uint32_t hash, int ratelimit, uint64_t now)
{
	struct icmp_xrlim_peer *p = peer_get(rl, addr, hash, now);
	uint64_t timeout = ratelimit > 0 ? (uint64_t)ratelimit : 0;
	uint64_t token = p->tokens + (now - p->last);
	p->last = now;
	if (token > ICMP_XRLIM_BURST_FACTOR * timeout)
		token = ICMP_XRLIM_BURST_FACTOR * timeout;
	int rc = 0;
	if (token >= timeout) {
		token -= timeout;
		rc = 1;
	}
	p->tokens = token;
	return rc;
}

int icmp_xrlim_error_allow(struct icmp_xrlim *rl, uint32_t addr, uint32_t hash, uint64_t now)
{
	struct icmp_xrlim_peer *p = peer_get(rl, addr, hash, now);
	uint64_t token = p->tokens + (now - p->last);
	p->last = now;
	if (token > ICMP_XRLIM_ERROR_BURST_MS)
		token = ICMP_XRLIM_ERROR_BURST_MS;
	int rc = token >= ICMP_XRLIM_ERROR_COST_MS;
	if (rc)
		token -= ICMP_XRLIM_ERROR_COST_MS;
	p->tokens = token;
	return rc;
}

int icmp_xrlim_redirect_allow(struct icmp_xrlim *rl, uint32_t addr, uint32_t hash, uint64_t now)
{
	struct icmp_xrlim_peer *p = peer_get(rl, addr, hash, now);
	if ((int64_t)(now - p->last) > ICMP_XRLIM_REDIRECT_SILENCE_MS) { /* time_after: strictly */
		p->tokens = 0;
		p->n_redirects = 0;
	}
	if (p->n_redirects >= ICMP_XRLIM_REDIRECT_NUMBER) {
		p->last = now; /* every packet redirected keeps the silence away */
		return ICMP_XRLIM_REDIRECT_NO;
	}
	if (p->n_redirects && (int64_t)(now - p->last) <= (int64_t)ICMP_XRLIM_REDIRECT_LOAD_MS << p->n_redirects)
		return ICMP_XRLIM_REDIRECT_NO;
	p->last = now;
	return ++p->n_redirects == ICMP_XRLIM_REDIRECT_NUMBER ? ICMP_XRLIM_REDIRECT_LAST : ICMP_XRLIM_REDIRECT_SEND;
}

enum icmp_xrlim_verdict icmp_xrlim_allow(struct icmp_xrlim *rl, const struct icmp_xrlim_params *pp, int type,
					 int code, uint32_t addr, uint32_t hash, uint64_t now, unsigned rnd3)
{
	if (icmp_xrlim_mask_allow(type, code, pp->ratemask))
		return ICMP_XRLIM_SEND;
	if (!icmp_xrlim_global_allow(rl, pp, now))
		return ICMP_XRLIM_DENY_GLOBAL;
	if (!icmp_xrlim_peer_allow(rl, addr, hash, pp->ratelimit, now))
		return ICMP_XRLIM_DENY_HOST;
	icmp_xrlim_global_consume(rl, rnd3);
	return ICMP_XRLIM_SEND;
}
