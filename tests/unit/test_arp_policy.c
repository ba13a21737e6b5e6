/*
 * The ARP reply decision (net/ipv4/arp_policy.c) over its whole table:
 * arp_ignore 0..9 x where the target is x whether the sender is in the
 * interface's subnet, then arp_filter x the route to the sender, the
 * probe (sender 0.0.0.0), martian targets and a refused route input, as
 * Linux 6.1's arp_process, arp_ignore() and arp_filter() decide; the
 * sender address of our requests by arp_announce x the waiting packet's
 * source, as its arp_solicit picks it.
 */
#include "net/ipv4/arp_policy.h"
#include "tests/unit/unit.h"

/* Where the target address is. */
enum where { ON_DEV, OTHER_DEV, NOT_LOCAL, NWHERE };

static struct arp_facts facts(int ignore, enum where w, int in_subnet)
{
	struct arp_facts f = {
		.arp_ignore = ignore, .tip_local = w != NOT_LOCAL, .input_ok = 1,
		.tip_on_dev = w == ON_DEV, .sip_in_dev_subnet = in_subnet,
	};
	return f;
}

START_TEST(arp_ignore_table)
{
	/* expected reply[mode][where][sender in subnet] (R reply, D drop) */
	enum { R = ARP_REPLY, D = ARP_DROP };
	static const int expected[10][NWHERE][2] = {
		/*        ON_DEV     OTHER_DEV  NOT_LOCAL */
		[0] = { { R, R }, { R, R }, { D, D } }, /* any local address */
		[1] = { { R, R }, { D, D }, { D, D } }, /* the target on the incoming interface */
		[2] = { { D, R }, { D, D }, { D, D } }, /* and the sender in its subnet */
		[3] = { { R, R }, { R, R }, { D, D } }, /* not scope host: all ours are global */
		[4] = { { R, R }, { R, R }, { D, D } }, /* 4..7 reserved: as 0 */
		[5] = { { R, R }, { R, R }, { D, D } },
		[6] = { { R, R }, { R, R }, { D, D } },
		[7] = { { R, R }, { R, R }, { D, D } },
		[8] = { { D, D }, { D, D }, { D, D } }, /* never */
		[9] = { { R, R }, { R, R }, { D, D } }, /* above 8: as 0 (the sysctl stops at 8) */
	};
	for (int mode = 0; mode < 10; mode++)
		for (int w = 0; w < NWHERE; w++)
			for (int sub = 0; sub < 2; sub++) {
				struct arp_facts f = facts(mode, w, sub);
				ck_assert_msg(arp_reply_decide(&f) == (enum arp_verdict)expected[mode][w][sub],
					      "arp_ignore %d where %d subnet %d: %d", mode, w, sub, arp_reply_decide(&f));
			}
}
END_TEST

/* arp_filter: the route to the sender must leave through the incoming
 * interface; a failed lookup refuses uncounted, another device counts. */
START_TEST(arp_filter_routes)
{
	static const enum arp_verdict expected[3] = { ARP_DROP, ARP_DROP_FILTER, ARP_REPLY };
	for (int mode = 0; mode <= 2; mode++)
		for (int r = ARP_ROUTE_NONE; r <= ARP_ROUTE_DEV; r++) {
			struct arp_facts f = facts(mode, ON_DEV, 1);
			f.route = r;
			ck_assert_int_eq(arp_reply_decide(&f), ARP_REPLY); /* off: the route is not read */
			f.arp_filter = 1;
			ck_assert_msg(arp_reply_decide(&f) == expected[r], "mode %d route %d", mode, r);
		}
	/* arp_ignore refuses first: arp_filter is not asked (nothing counted) */
	struct arp_facts f = facts(1, OTHER_DEV, 1);
	f.arp_filter = 1;
	f.route = ARP_ROUTE_OTHER;
	ck_assert_int_eq(arp_reply_decide(&f), ARP_DROP);
	f = facts(8, ON_DEV, 1);
	f.arp_filter = 1;
	f.route = ARP_ROUTE_OTHER;
	ck_assert_int_eq(arp_reply_decide(&f), ARP_DROP);
	/* weak host with arp_filter: a target on another interface, the
	 * sender's route through the incoming one */
	f = facts(0, OTHER_DEV, 0);
	f.arp_filter = 1;
	f.route = ARP_ROUTE_DEV;
	ck_assert_int_eq(arp_reply_decide(&f), ARP_REPLY);
}
END_TEST

/* A probe (sender 0.0.0.0): arp_ignore without a sender (2 acts as 1),
 * no route input and no arp_filter. */
START_TEST(probe)
{
	for (int mode = 0; mode <= 8; mode++)
		for (int w = 0; w < NWHERE; w++) {
			struct arp_facts f = facts(mode, w, 0);
			f.sip_zero = 1;
			f.input_ok = 0;
			f.arp_filter = 1;
			f.route = ARP_ROUTE_NONE;
			int reply = w != NOT_LOCAL && mode != 8 && (w == ON_DEV || (mode != 1 && mode != 2));
			ck_assert_msg(arp_reply_decide(&f) == (reply ? ARP_REPLY : ARP_DROP), "mode %d where %d", mode, w);
		}
}
END_TEST

/* Loopback or multicast targets, and a route input that refuses the
 * sender (martian source, rp_filter): never a reply. */
START_TEST(refused_before_the_modes)
{
	for (int mode = 0; mode <= 8; mode++) {
		struct arp_facts f = facts(mode, ON_DEV, 1);
		f.tip_martian = 1;
		ck_assert_int_eq(arp_reply_decide(&f), ARP_DROP);
		f = facts(mode, ON_DEV, 1);
		f.input_ok = 0;
		ck_assert_int_eq(arp_reply_decide(&f), ARP_DROP);
		f.sip_zero = 1;
		f.tip_martian = 1;
		ck_assert_int_eq(arp_reply_decide(&f), ARP_DROP);
	}
}
END_TEST

START_TEST(arp_ignore_alone)
{
	ck_assert_int_eq(arp_ignore_refuses(0, 0, 0, 1), 0);
	ck_assert_int_eq(arp_ignore_refuses(1, 0, 1, 1), 1);
	ck_assert_int_eq(arp_ignore_refuses(2, 1, 0, 1), 1);
	ck_assert_int_eq(arp_ignore_refuses(2, 1, 1, 1), 0);
	ck_assert_int_eq(arp_ignore_refuses(3, 0, 0, 1), 0);
	ck_assert_int_eq(arp_ignore_refuses(3, 0, 0, 0), 1);
	ck_assert_int_eq(arp_ignore_refuses(8, 1, 1, 1), 1);
}
END_TEST

/* arp_solicit's sender address for a request from device 10.0.1.1/24
 * for 10.0.1.2, by arp_announce (3: Linux's default case, as 0) x where
 * the waiting packet's source is. */
enum src { SRC_DEV, SRC_OTHER, SRC_OTHER_ONLINK, SRC_FOREIGN, SRC_NONE, NSRC };

#define DEV_ADDR 0x0a000101u
#define OTHER_ADDR 0x0a000201u  /* eth1's, another subnet */
#define ONLINK_ADDR 0x0a000109u /* another interface's, inside this one's subnet */
#define FOREIGN 0xc0000207u     /* 192.0.2.7: not ours (a forwarded packet) */

static struct arp_solicit_facts solicit(int mode, enum src w)
{
	static const struct {
		uint32_t saddr;
		int local, onlink;
	} t[NSRC] = {
		[SRC_DEV] = { DEV_ADDR, 1, 1 },
		[SRC_OTHER] = { OTHER_ADDR, 1, 0 },
		[SRC_OTHER_ONLINK] = { ONLINK_ADDR, 1, 1 },
		[SRC_FOREIGN] = { FOREIGN, 0, 0 },
		[SRC_NONE] = { 0, 0, 0 },
	};
	struct arp_solicit_facts f = {
		.arp_announce = mode, .have_saddr = w != SRC_NONE, .saddr = t[w].saddr,
		.saddr_local = t[w].local, .onlink = t[w].onlink, .select = DEV_ADDR,
	};
	return f;
}

START_TEST(solicit_table)
{
	enum { D = DEV_ADDR, O = OTHER_ADDR, L = ONLINK_ADDR };
	static const uint32_t expected[4][NSRC] = {
		/*    DEV OTHER ONLINK FOREIGN NONE */
		[0] = { D, O, L, D, D }, /* any local address */
		[1] = { D, D, L, D, D }, /* only one the target shares a subnet with */
		[2] = { D, D, D, D, D }, /* always the device's */
		[3] = { D, O, L, D, D }, /* above 2: as 0 */
	};
	for (int mode = 0; mode < 4; mode++)
		for (int w = 0; w < NSRC; w++) {
			struct arp_solicit_facts f = solicit(mode, w);
			ck_assert_msg(arp_solicit_saddr(&f) == expected[mode][w], "arp_announce %d source %d: %08x",
				      mode, w, arp_solicit_saddr(&f));
		}
}
END_TEST

/* A local source that is not on link with the target (mode 1 falls
 * back) and a device with no address (inet_select_addr's fallback, or 0:
 * lwIP's own choice, the device's unset address). */
START_TEST(solicit_fallbacks)
{
	struct arp_solicit_facts f = solicit(1, SRC_DEV);
	f.onlink = 0; /* target outside the device's subnet (a device route) */
	ck_assert_uint_eq(arp_solicit_saddr(&f), DEV_ADDR);
	f = solicit(0, SRC_NONE);
	f.select = OTHER_ADDR;
	ck_assert_uint_eq(arp_solicit_saddr(&f), OTHER_ADDR);
	f.select = 0;
	ck_assert_uint_eq(arp_solicit_saddr(&f), 0);
	f = solicit(0, SRC_OTHER);
	f.select = 0;
	ck_assert_uint_eq(arp_solicit_saddr(&f), OTHER_ADDR);
	f = solicit(0, SRC_FOREIGN);
	f.saddr = 0; /* a source 0.0.0.0 is not local */
	ck_assert_uint_eq(arp_solicit_saddr(&f), DEV_ADDR);
}
END_TEST

Suite *arp_policy_suite(void)
{
	Suite *s = suite_create("arp_policy");
	TCase *tc = tcase_create("decide");
	tcase_add_test(tc, arp_ignore_table);
	tcase_add_test(tc, arp_filter_routes);
	tcase_add_test(tc, probe);
	tcase_add_test(tc, refused_before_the_modes);
	tcase_add_test(tc, arp_ignore_alone);
	tcase_add_test(tc, solicit_table);
	tcase_add_test(tc, solicit_fallbacks);
	suite_add_tcase(s, tc);
	return s;
}
