/*
 * net/ipv4/listen_size.c: the accept queue limit from listen(backlog) and
 * somaxconn, "full" as queued > max, and the SYN queue size from
 * backlog and tcp_max_syn_backlog.  Tables of Linux's results.  Then
 * the decisions at a listener, against what Linux 6.18 did in the runs
 * issue 9 describes (a flood of SYNs against somaxconn 8: 9 half-open and
 * cookies for the rest; tcp_max_syn_backlog 16 without cookies: 13 kept).
 */
#include <limits.h>

#include "net/ipv4/listen_size.h"
#include "tests/unit/unit.h"

START_TEST(acceptq_max)
{
	static const struct { int backlog, somaxconn, want; } cases[] = {
		{ 0, 128, 0 }, { 1, 128, 1 }, { 7, 128, 7 }, { 8, 128, 8 }, { 9, 128, 9 },
		{ 127, 128, 127 }, { 128, 128, 128 }, { 200, 128, 128 }, { 256, 128, 128 },
		{ 4096, 128, 128 }, { 65535, 128, 128 }, { -1, 128, 128 }, { INT_MIN, 128, 128 },
		{ INT_MAX, 128, 128 },
		/* somaxconn 4096, Linux's default since 5.4 */
		{ 0, 4096, 0 }, { 200, 4096, 200 }, { 4096, 4096, 4096 }, { 4097, 4096, 4096 },
		{ 65535, 4096, 4096 }, { -1, 4096, 4096 }, { INT_MAX, 4096, 4096 },
		{ 65535, 65535, 65535 }, { INT_MAX, 65535, 65535 },
		{ 0, 0, 0 }, { 1, 0, 0 }, { -1, 0, 0 }, { INT_MAX, 0, 0 },
		{ INT_MAX, INT_MAX, INT_MAX }, { -1, INT_MAX, INT_MAX },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = listen_acceptq_max(cases[i].backlog, cases[i].somaxconn);
		ck_assert_msg(got == cases[i].want, "backlog %d somaxconn %d: got %d want %d", cases[i].backlog,
			      cases[i].somaxconn, got, cases[i].want);
	}
}
END_TEST

/* Full means more than max wait, so max + 1 connections fit; backlog 0
 * still takes one, as on Linux. */
START_TEST(acceptq_full)
{
	static const int maxes[] = { 0, 1, 7, 8, 9, 127, 128, 200, 4096 };
	for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		int max = maxes[i], queued = 0;
		while (!listen_acceptq_full(queued, max))
			queued++;               /* the next connection is queued */
		ck_assert_int_eq(queued, max + 1);
		ck_assert(!listen_acceptq_full(max, max));
		ck_assert(listen_acceptq_full(max + 1, max));
		ck_assert(!listen_acceptq_full(0, max));
	}
	ck_assert(listen_acceptq_full(INT_MAX, INT_MAX - 1));
	ck_assert(!listen_acceptq_full(INT_MAX, INT_MAX));
}
END_TEST

START_TEST(synq_size)
{
	static const struct { int backlog, max_syn_backlog, want; } cases[] = {
		/* the default tcp_max_syn_backlog of 128 */
		{ 0, 128, 16 }, { 1, 128, 16 }, { 7, 128, 16 }, { 8, 128, 16 }, { 9, 128, 16 },
		{ 15, 128, 16 }, { 16, 128, 32 }, { 127, 128, 128 }, { 128, 128, 256 },
		{ 200, 128, 256 }, { 256, 128, 256 }, { 4096, 128, 256 }, { 65535, 128, 256 },
		{ -1, 128, 256 }, { INT_MIN, 128, 256 }, { INT_MAX, 128, 256 },
		/* max_syn_backlog 256 */
		{ 127, 256, 128 }, { 128, 256, 256 }, { 200, 256, 256 }, { 255, 256, 256 },
		{ 256, 256, 512 }, { 4096, 256, 512 }, { -1, 256, 512 }, { INT_MAX, 256, 512 },
		/* max_syn_backlog 4096 */
		{ 200, 4096, 256 }, { 256, 4096, 512 }, { 4095, 4096, 4096 }, { 4096, 4096, 8192 },
		{ 65535, 4096, 8192 },
		/* large: the power of two and the 1 << 30 cap */
		{ 65535, 65535, 65536 }, { 65535, INT_MAX, 65536 }, { 65536, INT_MAX, 131072 },
		{ (1 << 29) - 1, INT_MAX, 1 << 29 }, { 1 << 29, INT_MAX, 1 << 30 },
		{ (1 << 30) - 1, INT_MAX, 1 << 30 }, { 1 << 30, INT_MAX, 1 << 30 },
		{ INT_MAX, INT_MAX, 1 << 30 }, { -1, INT_MAX, 1 << 30 }, { -1, -1, 1 << 30 },
		{ INT_MAX, -1, 1 << 30 },
		/* a max_syn_backlog below 8 still gets the minimum */
		{ 0, 0, 16 }, { 200, 0, 16 }, { 200, 1, 16 }, { 200, 7, 16 }, { 200, 8, 16 },
		{ 200, 9, 16 }, { -1, 0, 16 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = listen_synq_size(cases[i].backlog, cases[i].max_syn_backlog);
		ck_assert_msg(got == cases[i].want, "backlog %d max_syn_backlog %d: got %d want %d",
			      cases[i].backlog, cases[i].max_syn_backlog, got, cases[i].want);
	}
}
END_TEST

/* Over a sweep: a power of two, more than the clamped backlog, less than
 * twice its successor. */
START_TEST(synq_size_sweep)
{
	for (int msb = 0; msb <= 1100; msb += 37)
		for (int b = -3; b <= 1200; b++) {
			int got = listen_synq_size(b, msb);
			unsigned n = (unsigned)b < (unsigned)msb ? (unsigned)b : (unsigned)msb;
			if (n < 8)
				n = 8;
			ck_assert_int_eq(got & (got - 1), 0);
			ck_assert_uint_gt((unsigned)got, n);
			ck_assert_uint_le((unsigned)got, 2 * n);
		}
}
END_TEST

/* Feeds n SYNs from new peers to a listener with an empty accept queue:
 * how many became half-open, got cookies, were dropped; and the counters. */
struct flood { int requests, cookies, drops; struct listen_counts c; };

static struct flood syn_flood(struct listen_state s, int n)
{
	struct flood f = { 0 };
	for (int i = 0; i < n; i++) {
		switch (listen_syn(&s, &f.c)) {
		case LISTEN_SYN_REQUEST:
			f.requests++;
			s.synq_len++;
			break;
		case LISTEN_SYN_COOKIE:
			f.cookies++;
			break;
		case LISTEN_SYN_DROP:
			f.drops++;
			break;
		}
	}
	return f;
}

static struct listen_state listener(int backlog, int somaxconn, int sizing, int syncookies, int max_syn_backlog)
{
	return (struct listen_state){
		.acceptq_max = listen_acceptq_max(backlog, somaxconn),
		.sizing = sizing,
		.synq_size = listen_synq_size(listen_acceptq_max(backlog, somaxconn), max_syn_backlog),
		.syncookies = syncookies,
		.max_syn_backlog = max_syn_backlog,
	};
}

START_TEST(syn_admission)
{
	static const struct {
		int backlog, somaxconn, sizing, syncookies, max_syn_backlog, n;
		int requests, cookies, drops;
		unsigned do_cookies, qfull_drop, overflows, listen_drops;
	} cases[] = {
		/* Linux 6.18: 100 spoofed SYNs, somaxconn 8 (nginx's backlog 511):
		 * half-open while at most 8 are, then cookies. */
		{ 511, 8, LISTEN_SIZING_LINUX6, 1, 128, 100, 9, 91, 0, 91, 0, 0, 0 },
		/* the same without cookies: dropped, TCPReqQFullDrop and ListenDrops */
		{ 511, 8, LISTEN_SIZING_LINUX6, 0, 128, 100, 9, 0, 91, 0, 91, 0, 91 },
		/* tcp_syncookies=2: every SYN is a cookie */
		{ 511, 8, LISTEN_SIZING_LINUX6, 2, 128, 100, 0, 100, 0, 100, 0, 0, 0 },
		/* backlog 200 under somaxconn 4096: 201 half-open */
		{ 200, 4096, LISTEN_SIZING_LINUX6, 1, 128, 300, 201, 99, 0, 99, 0, 0, 0 },
		/* no cookies, tcp_max_syn_backlog 16: the last quarter is for
		 * proven peers, so 13 are kept; only ListenDrops moves */
		{ 511, 4096, LISTEN_SIZING_LINUX6, 0, 16, 100, 13, 0, 87, 0, 0, 0, 87 },
		/* with cookies tcp_max_syn_backlog plays no part */
		{ 511, 4096, LISTEN_SIZING_LINUX6, 1, 16, 100, 100, 0, 0, 0, 0, 0, 0 },
		/* the quarter rule before the half-open limit: 128 - 97 < 32 */
		{ 511, 4096, LISTEN_SIZING_LINUX6, 0, 128, 200, 97, 0, 103, 0, 0, 0, 103 },
		/* backlog 0 still takes one half-open connection (the 2025 fix) */
		{ 0, 4096, LISTEN_SIZING_LINUX6, 1, 128, 3, 1, 2, 0, 2, 0, 0, 0 },
		/* Linux 3.x sizing: somaxconn 8 -> min(8, 128) = 8 -> 16 entries */
		{ 511, 8, LISTEN_SIZING_LINUX3, 1, 128, 100, 16, 84, 0, 84, 0, 0, 0 },
		/* backlog 200 -> 256 entries; backlog 256 -> 512 with max_syn_backlog 4096 */
		{ 200, 4096, LISTEN_SIZING_LINUX3, 1, 128, 300, 256, 44, 0, 44, 0, 0, 0 },
		{ 256, 4096, LISTEN_SIZING_LINUX3, 1, 4096, 600, 512, 88, 0, 88, 0, 0, 0 },
		/* Linux 3.x sizing without cookies: the table, then TCPReqQFullDrop */
		{ 511, 8, LISTEN_SIZING_LINUX3, 0, 128, 100, 16, 0, 84, 0, 84, 0, 84 },
		/* ... and the quarter rule, which is the same in both */
		{ 511, 4096, LISTEN_SIZING_LINUX3, 0, 16, 100, 13, 0, 87, 0, 0, 0, 87 },
		{ 511, 8, LISTEN_SIZING_LINUX3, 2, 128, 50, 0, 50, 0, 50, 0, 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct flood f = syn_flood(listener(cases[i].backlog, cases[i].somaxconn, cases[i].sizing,
						    cases[i].syncookies, cases[i].max_syn_backlog),
					   cases[i].n);
		ck_assert_msg(f.requests == cases[i].requests && f.cookies == cases[i].cookies &&
				      f.drops == cases[i].drops,
			      "case %zu: %d half-open, %d cookies, %d dropped", i, f.requests, f.cookies, f.drops);
		ck_assert_msg(f.c.req_qfull_do_cookies == cases[i].do_cookies &&
				      f.c.req_qfull_drop == cases[i].qfull_drop &&
				      f.c.listen_overflows == cases[i].overflows &&
				      f.c.listen_drops == cases[i].listen_drops,
			      "case %zu: DoCookies %u QFullDrop %u Overflows %u Drops %u", i,
			      f.c.req_qfull_do_cookies, f.c.req_qfull_drop, f.c.listen_overflows, f.c.listen_drops);
		ck_assert(!f.c.syncookies_recv && !f.c.syncookies_failed && !f.c.embryonic_rsts);
	}
}
END_TEST

/* A full accept queue: SYNs are dropped as overflows; with
 * tcp_syncookies=2 each counts TCPReqQFullDoCookies first, as on Linux. */
START_TEST(syn_to_full_accept_queue)
{
	for (int cookies = 0; cookies <= 2; cookies++)
		for (int sizing = 0; sizing <= 1; sizing++) {
			struct listen_state s = listener(8, 4096, sizing, cookies, 128);
			s.acceptq_len = 9;
			struct listen_counts c = { 0 };
			ck_assert_int_eq(listen_syn(&s, &c), LISTEN_SYN_DROP);
			ck_assert_uint_eq(c.listen_overflows, 1);
			ck_assert_uint_eq(c.listen_drops, 1);
			ck_assert_uint_eq(c.req_qfull_do_cookies, cookies == 2);
			ck_assert_uint_eq(c.req_qfull_drop, 0);
			s.acceptq_len = 8; /* one more fits */
			ck_assert_int_eq(listen_syn(&s, &c), cookies == 2 ? LISTEN_SYN_COOKIE : LISTEN_SYN_REQUEST);
		}
	/* half-open full and accept queue full without cookies: the SYN
	 * queue decides first (TCPReqQFullDrop, no overflow) */
	struct listen_state s = listener(8, 4096, LISTEN_SIZING_LINUX6, 0, 128);
	s.acceptq_len = 9;
	s.synq_len = 9;
	struct listen_counts c = { 0 };
	ck_assert_int_eq(listen_syn(&s, &c), LISTEN_SYN_DROP);
	ck_assert_uint_eq(c.req_qfull_drop, 1);
	ck_assert_uint_eq(c.listen_overflows, 0);
	ck_assert_uint_eq(c.listen_drops, 1);
}
END_TEST

START_TEST(cookie_ack)
{
	static const struct {
		int syncookies, recent, ok, full, verdict;
		unsigned recv, failed, overflows;
	} cases[] = {
		{ 0, 1, 1, 0, LISTEN_ACK_RESET, 0, 0, 0 },    /* cookies off: never checked */
		{ 1, 0, 1, 0, LISTEN_ACK_RESET, 0, 0, 0 },    /* none sent recently: not checked */
		{ 2, 0, 1, 0, LISTEN_ACK_RESET, 0, 0, 0 },
		{ 1, 1, 0, 0, LISTEN_ACK_RESET, 0, 1, 0 },    /* checked, wrong */
		{ 1, 1, 1, 0, LISTEN_ACK_CONNECT, 1, 0, 0 },
		{ 2, 1, 1, 0, LISTEN_ACK_CONNECT, 1, 0, 0 },
		{ 1, 1, 1, 1, LISTEN_ACK_DROP, 1, 0, 1 },     /* SyncookiesRecv, then the overflow */
		{ 1, 1, 0, 1, LISTEN_ACK_RESET, 0, 1, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int abort = 0; abort <= 1; abort++) { /* abort_on_overflow never resets a cookie */
			struct listen_state s = listener(8, 4096, LISTEN_SIZING_LINUX6, cases[i].syncookies, 128);
			s.acceptq_len = cases[i].full ? 9 : 8;
			s.abort_on_overflow = abort;
			struct listen_counts c = { 0 };
			int v = listen_cookie_ack(&s, cases[i].recent, cases[i].ok, &c);
			ck_assert_msg(v == cases[i].verdict, "case %zu: verdict %d", i, v);
			ck_assert_uint_eq(c.syncookies_recv, cases[i].recv);
			ck_assert_uint_eq(c.syncookies_failed, cases[i].failed);
			ck_assert_uint_eq(c.listen_overflows, cases[i].overflows);
			ck_assert_uint_eq(c.listen_drops, cases[i].overflows);
			ck_assert_uint_eq(c.embryonic_rsts, 0);
		}
}
END_TEST

START_TEST(final_ack)
{
	for (int abort = 0; abort <= 1; abort++) {
		struct listen_state s = listener(8, 4096, LISTEN_SIZING_LINUX6, 1, 128);
		s.abort_on_overflow = abort;
		struct listen_counts c = { 0 };
		s.acceptq_len = 8;
		ck_assert_int_eq(listen_final_ack(&s, &c), LISTEN_FINAL_ESTABLISH);
		ck_assert_uint_eq(c.listen_overflows + c.listen_drops + c.embryonic_rsts, 0);
		s.acceptq_len = 9;
		ck_assert_int_eq(listen_final_ack(&s, &c), abort ? LISTEN_FINAL_RESET : LISTEN_FINAL_DROP);
		ck_assert_uint_eq(c.listen_overflows, 1);
		ck_assert_uint_eq(c.listen_drops, 1);
		ck_assert_uint_eq(c.embryonic_rsts, (unsigned)abort);
	}
}
END_TEST

/* 1 s doubling: firings at 1, 3, 7, 15, 31 s resend; the one at 63 s
 * expires the request with tcp_synack_retries 5 (Linux's "about 63 s"). */
START_TEST(synack_timer)
{
	static const uint32_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 64000, 120000, 120000 };
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ck_assert_uint_eq(listen_synack_timeout_ms(i), want[i]);
	ck_assert_uint_eq(listen_synack_timeout_ms(255), 120000);
	uint32_t t = 0;
	unsigned timeouts = 0;
	int retries = 5;
	for (;;) {
		t += listen_synack_timeout_ms(timeouts);
		if ((int)timeouts >= retries)
			break;
		timeouts++;
	}
	ck_assert_uint_eq(t, 63000);
}
END_TEST

START_TEST(synack_retries_thinning)
{
	static const struct { int qlen, young, max, retries, want; } cases[] = {
		{ 4, 0, 0, 5, 5 },        /* at most half of max(8, backlog) half-open: untouched */
		{ 64, 0, 128, 5, 5 },
		{ 65, 0, 128, 5, 2 },     /* more than half and none young: down to 2 */
		{ 65, 65, 128, 5, 5 },    /* all young: qlen < 2 * young */
		{ 100, 40, 128, 5, 4 },   /* 100 >= 80, < 160 */
		{ 100, 20, 128, 5, 3 },   /* 100 >= 40, >= 80, < 160 */
		{ 100, 10, 128, 5, 2 },
		{ 100, 10, 128, 2, 2 },   /* never below 2 */
		{ 100, 10, 128, 1, 1 },   /* nor raised */
		{ 9, 0, 0, 5, 2 },        /* 18 > 8 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(listen_synack_retries(cases[i].qlen, cases[i].young, cases[i].max, cases[i].retries) ==
				      cases[i].want,
			      "case %zu", i);
}
END_TEST

Suite *listen_size_suite(void)
{
	Suite *s = suite_create("listen_size");
	TCase *tc = tcase_create("linux");
	tcase_add_test(tc, acceptq_max);
	tcase_add_test(tc, acceptq_full);
	tcase_add_test(tc, synq_size);
	tcase_add_test(tc, synq_size_sweep);
	tcase_add_test(tc, syn_admission);
	tcase_add_test(tc, syn_to_full_accept_queue);
	tcase_add_test(tc, cookie_ack);
	tcase_add_test(tc, final_ack);
	tcase_add_test(tc, synack_timer);
	tcase_add_test(tc, synack_retries_thinning);
	suite_add_tcase(s, tc);
	return s;
}
