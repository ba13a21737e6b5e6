/*
 * The ICMP error rate limiter's decisions (pure: no lwIP, no clock; time
 * and randomness are arguments).  Linux 6.1.y's net/ipv4/icmp.c: a type in
 * icmp_ratemask (and not "fragmentation needed") is limited by a global
 * token bucket (icmp_global_allow / icmp_global_consume: icmp_msgs_per_sec,
 * icmp_msgs_burst) and per destination host (inet_peer_xrlim_allow: one
 * per icmp_ratelimit ms, a burst of 6).  net/ipv4/icmp.c is the glue.
 */
#ifndef NET_IPV4_ICMP_XRLIM_H
#define NET_IPV4_ICMP_XRLIM_H

#include <stdint.h>

/* Per-destination state: a fixed table of ICMP_XRLIM_SETS sets of
 * ICMP_XRLIM_WAYS entries (the set chosen by a keyed hash of the address,
 * the least recently used entry of a full set replaced): 256 hosts in 6 KiB. */
#define ICMP_XRLIM_SETS 64
#define ICMP_XRLIM_WAYS 4
#define ICMP_XRLIM_BURST_FACTOR 6 /* Linux's XRLIM_BURST_FACTOR (inetpeer.c) */
#define ICMP_XRLIM_NEW_PEER_MS 60000 /* a new inet_peer's rate_last is 60 s back */

/* The sysctls, as read at the decision. */
struct icmp_xrlim_params {
	int ratelimit;    /* ms: net.ipv4.icmp_ratelimit */
	int ratemask;     /* bit per ICMP type: net.ipv4.icmp_ratemask */
	int msgs_per_sec; /* net.ipv4.icmp_msgs_per_sec */
	int msgs_burst;   /* net.ipv4.icmp_msgs_burst */
};

struct icmp_xrlim_peer {
	uint32_t addr;    /* the destination (any byte order; 0 with used 0) */
	uint16_t used;    /* 1: this entry holds addr */
	uint16_t n_redirects; /* redirects sent since the last silence (inet_peer's) */
	uint64_t last;    /* ms: when its tokens were last brought up to date */
	uint64_t tokens;  /* ms of credit, at most BURST_FACTOR * ratelimit */
};

struct icmp_xrlim {
	int64_t credit;   /* global tokens (messages); may go below 0 */
	uint64_t stamp;   /* ms: last global refill */
	int stamped;      /* 0: never refilled (Linux: stamp 0, jiffies far past it) */
	struct icmp_xrlim_peer peer[ICMP_XRLIM_SETS][ICMP_XRLIM_WAYS];
};

enum icmp_xrlim_verdict {
	ICMP_XRLIM_SEND,        /* send it */
	ICMP_XRLIM_DENY_GLOBAL, /* over icmp_msgs_per_sec: OutRateLimitGlobal */
	ICMP_XRLIM_DENY_HOST,   /* over icmp_ratelimit for this host: OutRateLimitHost */
};

/* 1 if type/code is not limited at all (icmpv4_mask_allow): a type above 18,
 * "fragmentation needed" (PMTU discovery), or a type not in ratemask. */
int icmp_xrlim_mask_allow(int type, int code, int ratemask);
/* icmp_global_allow: 1 if a global token is left (refilled at msgs_per_sec,
 * at most every 20 ms, up to msgs_burst); takes none. */
int icmp_xrlim_global_allow(struct icmp_xrlim *rl, const struct icmp_xrlim_params *pp, uint64_t now);
/* icmp_global_consume: takes rnd3 tokens (0, 1 or 2 at random: one on
 * average, random against the side channel of CVE-2020-25705). */
void icmp_xrlim_global_consume(struct icmp_xrlim *rl, unsigned rnd3);
/* inet_peer_xrlim_allow for addr (hash: any keyed hash of it): 1 and a
 * token of ratelimit ms taken, or 0. */
int icmp_xrlim_peer_allow(struct icmp_xrlim *rl, uint32_t addr, uint32_t hash, int ratelimit, uint64_t now);

/* ip_error's own limit on the unreachables a router sends for a packet it
 * cannot forward (Linux 6.1 net/ipv4/route.c: ip_rt_error_cost HZ,
 * ip_rt_error_burst 5 * HZ), on the same per-host entry as
 * inet_peer_xrlim_allow (both use the inet_peer's rate_tokens/rate_last):
 * 1 and a second's token taken, or 0.  The icmp_send that follows passes
 * the entry through inet_peer_xrlim_allow too, which under
 * icmp_ratelimit=0 leaves it no tokens: a stream of such packets gets one
 * error a second whatever icmp_ratelimit says. */
#define ICMP_XRLIM_ERROR_COST_MS 1000
#define ICMP_XRLIM_ERROR_BURST_MS 5000
int icmp_xrlim_error_allow(struct icmp_xrlim *rl, uint32_t addr, uint32_t hash, uint64_t now);

/* ip_rt_send_redirect's backoff for the redirects a router sends to a host
 * (Linux 6.1 net/ipv4/route.c; the inet_peer's n_redirects and rate_last):
 * the first at once, each next one only after ip_rt_redirect_load << n
 * (20 ms, 40 ms, ...), none after ip_rt_redirect_number (9) until the host
 * sent nothing to redirect for ip_rt_redirect_silence (20 ms << 10).
 * Returns ICMP_XRLIM_REDIRECT_NO, _SEND, or _LAST: sent, and the host has
 * now been told ip_rt_redirect_number times (Linux logs "ignores
 * redirects" then, with log_martians). */
#define ICMP_XRLIM_REDIRECT_LOAD_MS 20     /* ip_rt_redirect_load, HZ / 50 */
#define ICMP_XRLIM_REDIRECT_NUMBER 9       /* ip_rt_redirect_number */
#define ICMP_XRLIM_REDIRECT_SILENCE_MS (ICMP_XRLIM_REDIRECT_LOAD_MS << (ICMP_XRLIM_REDIRECT_NUMBER + 1))
enum { ICMP_XRLIM_REDIRECT_NO, ICMP_XRLIM_REDIRECT_SEND, ICMP_XRLIM_REDIRECT_LAST };
int icmp_xrlim_redirect_allow(struct icmp_xrlim *rl, uint32_t addr, uint32_t hash, uint64_t now);
/* The whole decision for one ICMP message of type/code to addr, in Linux
 * 6.1.y's order (since "icmp: change the order of rate limits", 2024):
 * mask, global check, host limit, and only a message sent consumes
 * global tokens. */
enum icmp_xrlim_verdict icmp_xrlim_allow(struct icmp_xrlim *rl, const struct icmp_xrlim_params *pp, int type,
					 int code, uint32_t addr, uint32_t hash, uint64_t now, unsigned rnd3);

#endif
