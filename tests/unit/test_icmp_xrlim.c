/*
 * net/ipv4/icmp_xrlim.c: Linux 6.1.y's ICMP error rate limits on simulated
 * time.  icmp_ratemask's types (6168: 3, 4, 11, 12; never "fragmentation
 * needed"); per host a burst of 6 then one per icmp_ratelimit ms
 * (inet_peer_xrlim_allow, a new peer 60 s back); the global bucket of
 * icmp_msgs_burst refilled at icmp_msgs_per_sec no more often than every
 * 20 ms, charged 0-2 tokens per message sent and only for messages the
 * host limit let through; the bounded host table.
 */
#include <stdint.h>
#include <string.h>

#include "net/ipv4/icmp_xrlim.h"
#include "tests/unit/unit.h"

#define T0 123456789ull /* ms: an arbitrary uptime */
#define HOST 0x0a000202u

static const struct icmp_xrlim_params linux_defaults = {
	.ratelimit = 1000, .ratemask = 6168, .msgs_per_sec = 1000, .msgs_burst = 50,
};
static struct icmp_xrlim rl;

static void setup(void)
{
	memset(&rl, 0, sizeof(rl));
}

/* A port unreachable (3/3) to addr at now, each sent one charged rnd3. */
static enum icmp_xrlim_verdict unreach(const struct icmp_xrlim_params *pp, uint32_t addr, uint64_t now, unsigned rnd3)
{
	return icmp_xrlim_allow(&rl, pp, 3, 3, addr, addr * 2654435761u, now, rnd3);
}

/* How many of n port unreachables to addr at now are sent. */
static int burst(const struct icmp_xrlim_params *pp, uint32_t addr, uint64_t now, int n, unsigned rnd3)
{
	int sent = 0;
	for (int i = 0; i < n; i++)
		sent += unreach(pp, addr, now, rnd3) == ICMP_XRLIM_SEND;
	return sent;
}

START_TEST(mask)
{
	static const int limited[] = { 3, 4, 11, 12 };
	for (int t = 0; t <= 40; t++) {
		int in = 0;
		for (unsigned i = 0; i < 4; i++)
			in |= t == limited[i];
		ck_assert_int_eq(icmp_xrlim_mask_allow(t, 0, 6168), !in);
	}
	ck_assert(icmp_xrlim_mask_allow(3, 4, 6168));  /* fragmentation needed: PMTU discovery */
	ck_assert(!icmp_xrlim_mask_allow(3, 13, 6168));
	ck_assert(!icmp_xrlim_mask_allow(0, 0, -1));   /* echo replies only when bit 0 is set */
	ck_assert(icmp_xrlim_mask_allow(3, 4, -1));
	ck_assert(icmp_xrlim_mask_allow(19, 0, -1));   /* above NR_ICMP_TYPES: never */
	ck_assert(icmp_xrlim_mask_allow(3, 3, 0));
	/* Unlimited types touch no state: an echo reply is always sent. */
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(icmp_xrlim_allow(&rl, &linux_defaults, 0, 0, HOST, 1, T0, 2), ICMP_XRLIM_SEND);
	ck_assert_int_eq(rl.credit, 0);
	ck_assert_int_eq(rl.stamped, 0);
}
END_TEST

/* What the Linux 6.1 peer did: 20 UDP datagrams to a closed port at once,
 * 6 port unreachables, OutRateLimitHost 14. */
START_TEST(host_burst_of_six)
{
	int sent = 0, host = 0;
	for (int i = 0; i < 20; i++) {
		enum icmp_xrlim_verdict v = unreach(&linux_defaults, HOST, T0, 1);
		sent += v == ICMP_XRLIM_SEND;
		host += v == ICMP_XRLIM_DENY_HOST;
	}
	ck_assert_int_eq(sent, 6);
	ck_assert_int_eq(host, 14);
	/* Then one per second: not at 999 ms, at 1000 ms (999 kept + 1). */
	ck_assert_int_eq(unreach(&linux_defaults, HOST, T0 + 999, 1), ICMP_XRLIM_DENY_HOST);
	ck_assert_int_eq(unreach(&linux_defaults, HOST, T0 + 1000, 1), ICMP_XRLIM_SEND);
	ck_assert_int_eq(unreach(&linux_defaults, HOST, T0 + 1000, 1), ICMP_XRLIM_DENY_HOST);
	/* A steady sender gets one a second. */
	int n = 0;
	for (uint64_t t = T0 + 1010; t <= T0 + 11000; t += 10) /* sent at 2 s, 3 s, ... 11 s */
		n += unreach(&linux_defaults, HOST, t, 0) == ICMP_XRLIM_SEND;
	ck_assert_int_eq(n, 10);
	/* Idle an hour: the bucket holds 6, no more. */
	ck_assert_int_eq(burst(&linux_defaults, HOST, T0 + 3600000, 20, 0), 6);
	/* Another host has its own bucket. */
	ck_assert_int_eq(burst(&linux_defaults, HOST + 1, T0 + 3600000, 20, 0), 6);
}
END_TEST

/* A new peer starts 60 s back, capped at 6 timeouts: with 20 s, 3. */
START_TEST(new_host_sixty_seconds)
{
	struct icmp_xrlim_params pp = linux_defaults;
	pp.ratelimit = 20000;
	ck_assert_int_eq(burst(&pp, HOST, T0, 10, 0), 3);
	pp.ratelimit = 10000;
	ck_assert_int_eq(burst(&pp, HOST + 1, T0, 10, 0), 6);
	/* Early after boot too (now below 60 s). */
	setup();
	ck_assert_int_eq(burst(&linux_defaults, HOST, 5, 10, 0), 6);
}
END_TEST

/* icmp_ratelimit=0: no host limit; the global bucket still applies. */
START_TEST(ratelimit_zero)
{
	struct icmp_xrlim_params pp = linux_defaults;
	pp.ratelimit = 0;
	ck_assert_int_eq(burst(&pp, HOST, T0, 20, 1), 20);
	ck_assert_int_eq(burst(&pp, HOST, T0, 100, 1), 30); /* 50 tokens, one each */
	ck_assert_int_eq(unreach(&pp, HOST, T0, 1), ICMP_XRLIM_DENY_GLOBAL);
}
END_TEST

/* icmp_global_allow: 50 at once, then nothing until 20 ms have passed,
 * then icmp_msgs_per_sec * elapsed (20 per 20 ms), capped at the burst. */
START_TEST(global_bucket)
{
	uint32_t a = 0x0a010000u;
	int sent = 0, global = 0;
	for (int i = 0; i < 60; i++) { /* one each to 60 hosts: no host limit */
		enum icmp_xrlim_verdict v = unreach(&linux_defaults, a++, T0, 1);
		sent += v == ICMP_XRLIM_SEND;
		global += v == ICMP_XRLIM_DENY_GLOBAL;
	}
	ck_assert_int_eq(sent, 50);
	ck_assert_int_eq(global, 10);
	ck_assert_int_eq(unreach(&linux_defaults, a++, T0 + 19, 1), ICMP_XRLIM_DENY_GLOBAL);
	sent = 0;
	for (int i = 0; i < 30; i++)
		sent += unreach(&linux_defaults, a++, T0 + 20, 1) == ICMP_XRLIM_SEND;
	ck_assert_int_eq(sent, 20);
	/* A second idle: 1000 tokens, capped at 50. */
	sent = 0;
	for (int i = 0; i < 100; i++)
		sent += unreach(&linux_defaults, a++, T0 + 2000, 1) == ICMP_XRLIM_SEND;
	ck_assert_int_eq(sent, 50);
	/* Two tokens a message: 25; none: no global limit at all. */
	setup();
	sent = 0;
	for (int i = 0; i < 100; i++)
		sent += unreach(&linux_defaults, a++, T0, 2) == ICMP_XRLIM_SEND;
	ck_assert_int_eq(sent, 25);
	setup();
	sent = 0;
	for (int i = 0; i < 200; i++)
		sent += unreach(&linux_defaults, a++, T0, 0) == ICMP_XRLIM_SEND;
	ck_assert_int_eq(sent, 200);
	ck_assert_int_eq(rl.credit, 50);
	/* rnd3 is taken modulo 3. */
	icmp_xrlim_global_consume(&rl, 4);
	ck_assert_int_eq(rl.credit, 49);
}
END_TEST

/* Linux 6.1.y's order: a message the host limit stops costs no global token. */
START_TEST(host_denied_costs_no_global_token)
{
	ck_assert_int_eq(burst(&linux_defaults, HOST, T0, 100, 1), 6);
	ck_assert_int_eq(rl.credit, 44);
	uint32_t a = 0x0a010000u;
	int sent = 0;
	for (int i = 0; i < 60; i++)
		sent += unreach(&linux_defaults, a++, T0, 1) == ICMP_XRLIM_SEND;
	ck_assert_int_eq(sent, 44);
}
END_TEST

/* icmp_msgs_burst=0 (or per_sec so low a refill is 0 tokens): Linux's
 * icmp_global_allow still lets one through per refill of at least one. */
START_TEST(global_burst_zero)
{
	struct icmp_xrlim_params pp = linux_defaults;
	pp.msgs_burst = 0;
	uint32_t a = 0x0a010000u;
	ck_assert_int_eq(unreach(&pp, a++, T0, 1), ICMP_XRLIM_SEND);
	ck_assert_int_eq(unreach(&pp, a++, T0 + 10, 1), ICMP_XRLIM_DENY_GLOBAL);
	ck_assert_int_eq(unreach(&pp, a++, T0 + 30, 1), ICMP_XRLIM_SEND);
	pp = linux_defaults;
	pp.msgs_per_sec = 0;
	setup();
	ck_assert_int_eq(unreach(&pp, a++, T0, 1), ICMP_XRLIM_DENY_GLOBAL);
}
END_TEST

/* The host table is bounded: a set's least recently used entry gives way,
 * and the host it held starts with a full bucket again. */
START_TEST(table_bounded_lru)
{
	const struct icmp_xrlim_params *pp = &linux_defaults;
	for (uint32_t i = 0; i < ICMP_XRLIM_WAYS; i++) { /* one set (hash 7), full, each host exhausted */
		int sent = 0;
		for (int k = 0; k < 8; k++)
			sent += icmp_xrlim_allow(&rl, pp, 3, 3, HOST + i, 7, T0 + i, 0) == ICMP_XRLIM_SEND;
		ck_assert_int_eq(sent, 6);
	}
	/* A fifth host in that set takes the oldest entry (HOST). */
	ck_assert_int_eq(icmp_xrlim_allow(&rl, pp, 3, 3, HOST + 9, 7 + ICMP_XRLIM_SETS, T0 + 10, 0), ICMP_XRLIM_SEND);
	ck_assert_int_eq(icmp_xrlim_allow(&rl, pp, 3, 3, HOST + 1, 7, T0 + 10, 0), ICMP_XRLIM_DENY_HOST);
	ck_assert_int_eq(icmp_xrlim_allow(&rl, pp, 3, 3, HOST, 7, T0 + 11, 0), ICMP_XRLIM_SEND);
	/* Every entry of every set: still only the table. */
	for (uint32_t i = 0; i < 100000; i++)
		icmp_xrlim_allow(&rl, pp, 3, 3, 0x0b000000u + i, i * 2654435761u, T0 + 20, 0);
	int used = 0;
	for (int s = 0; s < ICMP_XRLIM_SETS; s++)
		for (int w = 0; w < ICMP_XRLIM_WAYS; w++)
			used += rl.peer[s][w].used;
	ck_assert_int_eq(used, ICMP_XRLIM_SETS * ICMP_XRLIM_WAYS);
}
END_TEST

/* What the Linux 6.1 peer did as a router (tests/router_cases.py no_route,
 * route_unreachable, route_prohibit): 3 packets 0.1 s apart with no route,
 * seconds after the last error to that host, under icmp_ratelimit=0: one
 * network unreachable.  ip_error finds the burst's credit and takes a
 * second; icmp_send's inet_peer_xrlim_allow then leaves none (its burst
 * is 6 * 0); 0.1 s and 0.2 s later there is not a second's worth. */
START_TEST(ip_error_one_a_second)
{
	struct icmp_xrlim_params pp = linux_defaults;
	pp.ratelimit = 0;
	int sent = 0;
	for (int i = 0; i < 3; i++) {
		uint64_t t = T0 + 100 * (uint64_t)i;
		if (icmp_xrlim_error_allow(&rl, HOST, HOST * 2654435761u, t) && unreach(&pp, HOST, t, 1) == ICMP_XRLIM_SEND)
			sent++;
	}
	ck_assert_int_eq(sent, 1);
	/* Alone (no icmp_send between): a new host's burst of five, then one
	 * a second, never more than five seconds' credit. */
	setup();
	int n = 0;
	for (int i = 0; i < 20; i++)
		n += icmp_xrlim_error_allow(&rl, HOST, HOST, T0);
	ck_assert_int_eq(n, 5);
	ck_assert(!icmp_xrlim_error_allow(&rl, HOST, HOST, T0 + 999));
	ck_assert(icmp_xrlim_error_allow(&rl, HOST, HOST, T0 + 1000));
	n = 0;
	for (int i = 0; i < 20; i++)
		n += icmp_xrlim_error_allow(&rl, HOST, HOST, T0 + 3600000);
	ck_assert_int_eq(n, 5);
	/* Another host has its own credit. */
	ck_assert(icmp_xrlim_error_allow(&rl, HOST + 1, HOST + 1, T0 + 3600000));
}
END_TEST

/* ip_rt_send_redirect's backoff: a host sending every 100 ms through the
 * router is redirected at 0, 100, 200 (each after more than 20 ms << n),
 * 400, 800, 1500, 2800, 5400 and 10600 ms, the ninth the last; then never,
 * while it keeps sending; after 20480 ms of nothing to redirect it starts
 * over. */
START_TEST(redirect_backoff)
{
	static const uint64_t want[] = { 0, 100, 200, 400, 800, 1500, 2800, 5400, 10600 };
	unsigned n = 0;
	for (uint64_t t = 0; t <= 40000; t += 100) {
		int v = icmp_xrlim_redirect_allow(&rl, HOST, HOST, T0 + t);
		if (v == ICMP_XRLIM_REDIRECT_NO)
			continue;
		ck_assert_uint_lt(n, 9);
		ck_assert_uint_eq(t, want[n]);
		n++;
		ck_assert_int_eq(v, n == 9 ? ICMP_XRLIM_REDIRECT_LAST : ICMP_XRLIM_REDIRECT_SEND);
	}
	ck_assert_uint_eq(n, 9);
	/* 20480 ms since the last packet is not yet silence (time_after). */
	ck_assert_int_eq(icmp_xrlim_redirect_allow(&rl, HOST, HOST, T0 + 40000 + 20480), ICMP_XRLIM_REDIRECT_NO);
	ck_assert_int_eq(icmp_xrlim_redirect_allow(&rl, HOST, HOST, T0 + 60480 + 20481), ICMP_XRLIM_REDIRECT_SEND);
	/* The second needs more than 40 ms. */
	ck_assert_int_eq(icmp_xrlim_redirect_allow(&rl, HOST, HOST, T0 + 80961 + 40), ICMP_XRLIM_REDIRECT_NO);
	ck_assert_int_eq(icmp_xrlim_redirect_allow(&rl, HOST, HOST, T0 + 80961 + 41), ICMP_XRLIM_REDIRECT_SEND);
	/* Each host has its own count. */
	ck_assert_int_eq(icmp_xrlim_redirect_allow(&rl, HOST + 1, HOST + 1, T0 + 80961 + 41), ICMP_XRLIM_REDIRECT_SEND);
}
END_TEST

Suite *icmp_xrlim_suite(void)
{
	Suite *s = suite_create("icmp_xrlim");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, mask);
	tcase_add_test(tc, host_burst_of_six);
	tcase_add_test(tc, new_host_sixty_seconds);
	tcase_add_test(tc, ratelimit_zero);
	tcase_add_test(tc, global_bucket);
	tcase_add_test(tc, host_denied_costs_no_global_token);
	tcase_add_test(tc, global_burst_zero);
	tcase_add_test(tc, table_bounded_lru);
	tcase_add_test(tc, ip_error_one_a_second);
	tcase_add_test(tc, redirect_backoff);
	suite_add_tcase(s, tc);
	return s;
}
