/*
 * `ip route`: iproute2 6.1's words over the routing table (net/ipv4/fib.h).
 * add, del, replace, append, prepend and change take Linux's nlflags
 * (iproute.c iproute_modify) and the kernel's checks (fib_create_info,
 * fib_check_nh: the gateway on a connected network, the source one of
 * ours, no next hop for blackhole, unreachable and prohibit); show prints
 * print_route's fields in its order; get answers as ip_route_output /
 * ip_route_input would, with rp_filter's verdict for `from S iif D`.
 * Every error is iproute2's or the kernel's line and changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "net/core/netdev_priv.h"
#include "net/ipv4/cmd_ip_priv.h"
#include "net/ipv4/devinet.h"
#include "net/ipv4/fib.h"
#include "net/ipv4/inet.h"

static const char *const type_names[RTN_MAX + 1] = {
	[RTN_UNSPEC] = "none", [RTN_UNICAST] = "unicast", [RTN_LOCAL] = "local",
	[RTN_BROADCAST] = "broadcast", [RTN_ANYCAST] = "anycast", [RTN_MULTICAST] = "multicast",
	[RTN_BLACKHOLE] = "blackhole", [RTN_UNREACHABLE] = "unreachable",
	[RTN_PROHIBIT] = "prohibit", [RTN_THROW] = "throw", [RTN_NAT] = "nat",
};

static int parse_type(const char *w)
{
	for (int t = RTN_UNICAST; t <= RTN_MAX; t++) {
		if (!strcmp(w, type_names[t]))
			return t;
	}
	return -1;
}

static const char *dev_name(int oif)
{
	return oif >= 0 && oif < netdev_count() ? netdev_get(oif)->name : "?";
}

static int carrier(int oif)
{
	return oif >= 0 && oif < netdev_count() && netdev_get(oif)->link_up;
}

/* /etc/iproute2/rt_protos and rt_scopes, the names ip prints. */
static const char *proto_name(int p, char *buf)
{
	switch (p) {
	case RTPROT_UNSPEC: return "unspec";
	case 1: return "redirect";
	case RTPROT_KERNEL: return "kernel";
	case RTPROT_BOOT: return "boot";
	case RTPROT_STATIC: return "static";
	}
	snprintf(buf, 12, "%d", p);
	return buf;
}

static const char *scope_name(int s, char *buf)
{
	switch (s) {
	case RT_SCOPE_UNIVERSE: return "global";
	case RT_SCOPE_LINK: return "link";
	case RT_SCOPE_HOST: return "host";
	case RT_SCOPE_NOWHERE: return "nowhere";
	}
	snprintf(buf, 12, "%d", s);
	return buf;
}

struct rt_name {
	const char *n;
	int v;
};

/* A name of the table, or a number 0-255 (iproute2's rtnl_*_a2n). */
static int parse_name(const struct rt_name *names, size_t n, const char *w, int *out)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(w, names[i].n)) {
			*out = names[i].v;
			return 0;
		}
	}
	char *end;
	long v = strtol(w, &end, 0);
	if (!*w || *end || v < 0 || v > 255)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_proto(const char *w, int *out)
{
	static const struct rt_name names[] = {
		{ "unspec", 0 }, { "redirect", 1 }, { "kernel", 2 }, { "boot", 3 }, { "static", 4 },
	};
	return parse_name(names, sizeof(names) / sizeof(names[0]), w, out);
}

static int parse_scope(const char *w, int *out)
{
	static const struct rt_name names[] = {
		{ "global", 0 }, { "universe", 0 }, { "link", 253 }, { "host", 254 }, { "nowhere", 255 },
	};
	return parse_name(names, sizeof(names) / sizeof(names[0]), w, out);
}

/* ---- show ---------------------------------------------------------------- */

struct show_ctx {
	int table;
};

/* One route as iproute2's print_route writes it (each field followed by a
 * space, as iproute2 does). */
static int show_route(const struct fib_route *r, void *ctx)
{
	const struct show_ctx *c = ctx;
	char a[16], b[16];
	char line[160];
	size_t n = 0;
#define PUT(...) n += (size_t)snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0, __VA_ARGS__)
	if (r->type != RTN_UNICAST)
		PUT("%s ", type_names[r->type]);
	if (r->plen == 0)
		PUT("default ");
	else if (r->plen == 32)
		PUT("%s ", inet_format(r->dst, a));
	else
		PUT("%s/%u ", inet_format(r->dst, a), r->plen);
	if (r->gw)
		PUT("via %s ", inet_format(r->gw, a));
	if (r->oif >= 0)
		PUT("dev %s ", dev_name(r->oif));
	if (c->table == RT_TABLE_LOCAL + 1)
		PUT("table local ");
	if (r->protocol != RTPROT_BOOT)
		PUT("proto %s ", proto_name(r->protocol, b));
	if (r->scope != RT_SCOPE_UNIVERSE)
		PUT("scope %s ", scope_name(r->scope, b));
	if (r->prefsrc)
		PUT("src %s ", inet_format(r->prefsrc, a));
	if (r->priority)
		PUT("metric %u ", (unsigned)r->priority);
	if (r->oif >= 0 && r->scope != RT_SCOPE_HOST && !carrier(r->oif))
		PUT("linkdown ");
#undef PUT
	con_printf("%s\n", line);
	return 0;
}

static int parse_table(const char *w, int *table)
{
	if (!strcmp(w, "main") || !strcmp(w, "254"))
		*table = RT_TABLE_MAIN;
	else if (!strcmp(w, "local") || !strcmp(w, "255"))
		*table = RT_TABLE_LOCAL;
	else if (!strcmp(w, "all") || !strcmp(w, "0"))
		*table = 0;
	else
		return -1;
	return 0;
}

static int route_show(int argc, char **argv)
{
	int table = RT_TABLE_MAIN;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "table") && i + 1 < argc) {
			if (parse_table(argv[++i], &table)) {
				con_printf("Error: argument \"%s\" is wrong: table id value is invalid\n\n", argv[i]);
				return 1;
			}
		} else {
			return ip_garbage(argv[i]);
		}
	}
	if (table == RT_TABLE_MAIN || table == 0) {
		struct show_ctx c = { table ? RT_TABLE_MAIN : 0 };
		fib_table_walk(&fib_main, show_route, &c);
	}
	if (table == RT_TABLE_LOCAL || table == 0) {
		struct show_ctx c = { table ? RT_TABLE_LOCAL : RT_TABLE_LOCAL + 1 };
		fib_table_walk(&fib_local, show_route, &c);
	}
	return 0;
}

/* ---- add, del, replace, append, prepend, change ------------------------- */

enum { CMD_ADD, CMD_DEL, CMD_REPLACE, CMD_APPEND, CMD_PREPEND, CMD_CHANGE };

static int rtnl_error(int err)
{
	const char *what = "Invalid argument";
	switch (err) {
	case -EEXIST: what = "File exists"; break;
	case -ESRCH: what = "No such process"; break;
	case -ENOENT: what = "No such file or directory"; break;
	case -ENOMEM: what = "Cannot allocate memory"; break;
	case -ENODEV: what = "No such device"; break;
	case -ENETUNREACH: what = "Network is unreachable"; break;
	case -EHOSTUNREACH: what = "No route to host"; break;
	case -EACCES: what = "Permission denied"; break;
	case -EXDEV: what = "Invalid cross-device link"; break;
	}
	con_printf("RTNETLINK answers: %s\n", what);
	return 1;
}

static int extack(const char *msg)
{
	con_printf("Error: %s.\n", msg);
	return 1;
}

/* The device with a connected (scope link) route to gw, as Linux's
 * fib_check_nh_v4_gw finds it: a unicast route without a gateway, or
 * one of our own addresses (Linux 6.1 takes those too); -1 if none. */
static int gateway_oif(uint32_t gw, int oif)
{
	struct fib_route r;
	int err = oif >= 0 ? fib_lookup_oif(gw, oif, &r) : fib_lookup(gw, &r);
	if (err || (r.type != RTN_UNICAST && r.type != RTN_LOCAL) || r.gw || r.oif < 0 ||
	    (oif >= 0 && r.oif != oif))
		return -1;
	return r.oif;
}

/* iproute2's words for a word it cannot place in a route. */
static int route_garbage(const char *w)
{
	con_printf("Error: either \"to\" is duplicate, or \"%s\" is a garbage.\n", w);
	return 1;
}

static int route_modify(int cmd, int argc, char **argv)
{
	struct fib_route r = { .type = RTN_UNICAST, .protocol = RTPROT_BOOT, .oif = -1 };
	unsigned match = 0;
	int have_dst = 0, have_type = 0, have_scope = 0, have_gw = 0, table = -1;
	const char *dev = NULL;
	if (cmd == CMD_DEL) {
		r.type = RTN_UNSPEC;
		r.protocol = RTPROT_UNSPEC;
	}
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		int last = i + 1 == argc;
		if (!strcmp(w, "via") || !strcmp(w, "dev") || !strcmp(w, "src") || !strcmp(w, "metric") ||
		    !strcmp(w, "priority") || !strcmp(w, "preference") || !strcmp(w, "proto") ||
		    !strcmp(w, "protocol") || !strcmp(w, "scope") || !strcmp(w, "table") || !strcmp(w, "to")) {
			if (last) {
				con_printf("Command line is not complete. Try option \"help\"\n");
				return 1;
			}
			const char *v = argv[++i];
			if (!strcmp(w, "via")) {
				if (inet_parse_addr(v, &r.gw)) {
					con_printf("Error: inet address is expected rather than \"%s\".\n", v);
					return 1;
				}
				match |= FIB_M_GW;
				have_gw = 1;
			} else if (!strcmp(w, "dev")) {
				dev = v;
			} else if (!strcmp(w, "src")) {
				if (inet_parse_addr(v, &r.prefsrc)) {
					con_printf("Error: inet address is expected rather than \"%s\".\n", v);
					return 1;
				}
				match |= FIB_M_PREFSRC;
			} else if (!strcmp(w, "metric") || !strcmp(w, "priority") || !strcmp(w, "preference")) {
				char *end;
				unsigned long m = strtoul(v, &end, 0);
				if (!*v || *end || m > 0xffffffffUL) {
					con_printf("Error: argument \"%s\" is wrong: \"metric\" value is invalid\n\n", v);
					return 1;
				}
				r.priority = (uint32_t)m;
				match |= FIB_M_PRIORITY;
			} else if (!strcmp(w, "proto") || !strcmp(w, "protocol")) {
				int p;
				if (parse_proto(v, &p)) {
					con_printf("Error: argument \"%s\" is wrong: \"protocol\" value is invalid\n\n", v);
					return 1;
				}
				r.protocol = (uint8_t)p;
				match |= FIB_M_PROTOCOL;
			} else if (!strcmp(w, "scope")) {
				int s;
				if (parse_scope(v, &s)) {
					con_printf("Error: argument \"%s\" is wrong: invalid \"scope\" value\n\n", v);
					return 1;
				}
				r.scope = (uint8_t)s;
				have_scope = 1;
				match |= FIB_M_SCOPE;
			} else if (!strcmp(w, "table")) {
				if (parse_table(v, &table) || table == 0) {
					con_printf("Error: argument \"%s\" is wrong: \"table\" value is invalid\n\n", v);
					return 1;
				}
			} else { /* to */
				i--;
				continue;
			}
			continue;
		}
		if (!have_dst && !have_type && parse_type(w) > 0) {
			r.type = (uint8_t)parse_type(w);
			have_type = 1;
			match |= FIB_M_TYPE;
			continue;
		}
		if (have_dst)
			return route_garbage(w);
		int len;
		if (!strcmp(w, "default") || !strcmp(w, "all") || !strcmp(w, "any")) {
			r.dst = 0, len = 0;
		} else if (inet_parse_prefix(w, &r.dst, &len)) {
			con_printf("Error: any valid prefix is expected rather than \"%s\".\n", w);
			return 1;
		}
		r.plen = (uint8_t)len;
		have_dst = 1;
	}
	if (!have_dst) {
		con_printf("Command line is not complete. Try option \"help\"\n");
		return 1;
	}
	if (dev) {
		struct netdev *d = ip_find_dev(dev);
		if (!d)
			return 1;
		for (int i = 0; i < netdev_count(); i++) {
			if (netdev_get(i) == d)
				r.oif = i;
		}
		match |= FIB_M_OIF;
	}
	if (table < 0) /* iproute2: local-type routes go to table local */
		table = r.type == RTN_LOCAL || r.type == RTN_BROADCAST || r.type == RTN_NAT ||
				r.type == RTN_ANYCAST ? RT_TABLE_LOCAL : RT_TABLE_MAIN;
	struct fib_table *t = table == RT_TABLE_LOCAL ? &fib_local : &fib_main;
	if (r.dst & ~inet_mask(r.plen))
		return extack("Invalid prefix for given prefix length");

	if (cmd == CMD_DEL) {
		if (!have_scope)
			r.scope = RT_SCOPE_NOWHERE;
		int err = fib_route_delete(t, &r, match);
		return err ? rtnl_error(err) : 0;
	}

	/* iproute2's scope: host for local, link for broadcast and for a
	 * route with no gateway, else universe. */
	if (!have_scope) {
		if (r.type == RTN_LOCAL || r.type == RTN_NAT)
			r.scope = RT_SCOPE_HOST;
		else if (r.type == RTN_BROADCAST || r.type == RTN_MULTICAST || r.type == RTN_ANYCAST)
			r.scope = RT_SCOPE_LINK;
		else if (r.type == RTN_UNICAST && !r.gw)
			r.scope = RT_SCOPE_LINK;
	}
	/* The kernel's checks (fib_create_info, fib_check_nh). */
	switch (r.type) {
	case RTN_UNICAST:
	case RTN_LOCAL:
	case RTN_BROADCAST:
		break;
	case RTN_BLACKHOLE:
	case RTN_UNREACHABLE:
	case RTN_PROHIBIT:
		if (have_gw || r.oif >= 0)
			return extack("Gateway, device and multipath can not be specified for this route type");
		break;
	default:
		return rtnl_error(-EINVAL);
	}
	if (r.type == RTN_UNICAST || r.type == RTN_LOCAL || r.type == RTN_BROADCAST) {
		if (have_gw) {
			if (!r.gw)
				return extack("Nexthop has invalid gateway");
			if (r.scope >= RT_SCOPE_LINK)
				return extack("Nexthop has invalid scope");
			int oif = gateway_oif(r.gw, r.oif);
			if (oif < 0)
				return extack("Nexthop has invalid gateway");
			r.oif = oif;
		} else if (r.oif < 0) {
			return rtnl_error(-ENODEV);
		}
		uint32_t a, m;
		if (!fib_dev_addr(r.oif, &a, &m) && r.type == RTN_UNICAST)
			return extack("Nexthop device is not up");
	}
	if (r.prefsrc && !fib_is_local(r.prefsrc))
		return extack("Invalid prefsrc address");

	static const unsigned flags[] = {
		[CMD_ADD] = FIB_NLM_F_CREATE | FIB_NLM_F_EXCL,
		[CMD_REPLACE] = FIB_NLM_F_CREATE | FIB_NLM_F_REPLACE,
		[CMD_APPEND] = FIB_NLM_F_CREATE | FIB_NLM_F_APPEND,
		[CMD_PREPEND] = FIB_NLM_F_CREATE,
		[CMD_CHANGE] = FIB_NLM_F_REPLACE,
	};
	int err = fib_route_insert(t, &r, flags[cmd]);
	return err ? rtnl_error(err) : 0;
}

/* ---- get ------------------------------------------------------------------ */

static int route_get(int argc, char **argv)
{
	uint32_t dst = 0, src = 0;
	int have_dst = 0, iif = -1, oif = -1;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if ((!strcmp(w, "from") || !strcmp(w, "iif") || !strcmp(w, "oif") || !strcmp(w, "to")) &&
		    i + 1 < argc) {
			const char *v = argv[++i];
			if (!strcmp(w, "from")) {
				if (inet_parse_addr(v, &src)) {
					con_printf("Error: inet prefix is expected rather than \"%s\".\n", v);
					return 1;
				}
			} else if (!strcmp(w, "to")) {
				i--;
			} else {
				struct netdev *d = ip_find_dev(v);
				if (!d)
					return 1;
				for (int k = 0; k < netdev_count(); k++) {
					if (netdev_get(k) == d)
						*(strcmp(w, "iif") ? &oif : &iif) = k;
				}
			}
			continue;
		}
		if (have_dst)
			return route_garbage(w);
		if (inet_parse_addr(w, &dst)) {
			con_printf("Error: any valid prefix is expected rather than \"%s\".\n", w);
			return 1;
		}
		have_dst = 1;
	}
	if (!have_dst) {
		con_printf("need at least a destination address\n");
		return 1;
	}
	struct fib_route r;
	int err = oif >= 0 ? fib_lookup_oif(dst, oif, &r) : fib_lookup(dst, &r);
	if (err)
		return rtnl_error(-ENETUNREACH);
	switch (r.type) {
	case RTN_BLACKHOLE: return rtnl_error(-EINVAL);
	case RTN_UNREACHABLE: return rtnl_error(-EHOSTUNREACH);
	case RTN_PROHIBIT: return rtnl_error(-EACCES);
	}
	char a[16], b[16];
	if (iif >= 0) {
		/* An input route: the packet's source passes rp_filter, then it
		 * is ours, a broadcast, or forwarded if the interface forwards. */
		int verdict = fib_validate_source(src, iif);
		if (verdict < 0)
			return rtnl_error(verdict);
		if (r.type == RTN_UNICAST && !in_dev_forward(iif))
			return rtnl_error(-EHOSTUNREACH); /* ip_route_input_slow: no forwarding */
		const char *kind = r.type == RTN_LOCAL ? "local " : r.type == RTN_BROADCAST ? "broadcast " : "";
		con_printf("%s%s from %s ", kind, inet_format(dst, a), inet_format(src, b));
		if (r.type == RTN_UNICAST && r.gw && !fib_is_local(r.gw))
			con_printf("via %s ", inet_format(r.gw, a));
		con_printf("dev %s \n", r.type == RTN_LOCAL ? "lo" : dev_name(r.oif));
		con_printf("    cache %siif %s \n",
			   r.type == RTN_LOCAL ? "<local> " : r.type == RTN_BROADCAST ? "<local,brd> " : "",
			   dev_name(iif));
		return 0;
	}
	uint32_t from = src ? src : r.prefsrc;
	if (!from) {
		uint32_t m;
		fib_dev_addr(r.oif, &from, &m);
	}
	if (r.type == RTN_LOCAL) {
		con_printf("local %s dev lo src %s uid 0 \n", inet_format(dst, a), inet_format(from, b));
		con_printf("    cache <local> \n");
		return 0;
	}
	if (r.type == RTN_BROADCAST) {
		con_printf("broadcast %s dev %s src %s uid 0 \n", inet_format(dst, a), dev_name(r.oif),
			   inet_format(from, b));
		con_printf("    cache <local,brd> \n");
		return 0;
	}
	/* A gateway that is one of our addresses reaches dst on the link. */
	con_printf("%s ", inet_format(dst, a));
	if (src)
		con_printf("from %s ", inet_format(src, a));
	if (r.gw && !fib_is_local(r.gw))
		con_printf("via %s ", inet_format(r.gw, a));
	con_printf("dev %s ", dev_name(r.oif));
	if (!src)
		con_printf("src %s ", inet_format(from, b));
	con_printf("uid 0 \n");
	con_printf("    cache \n");
	return 0;
}

int ip_route_main(int argc, char **argv)
{
	if (argc == 0 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list") || !strcmp(argv[0], "ls") ||
	    !strcmp(argv[0], "lst"))
		return route_show(argc ? argc - 1 : 0, argv + (argc ? 1 : 0));
	static const struct { const char *w; int cmd; } cmds[] = {
		{ "add", CMD_ADD }, { "del", CMD_DEL }, { "delete", CMD_DEL }, { "replace", CMD_REPLACE },
		{ "append", CMD_APPEND }, { "prepend", CMD_PREPEND }, { "change", CMD_CHANGE },
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[0], cmds[i].w))
			return route_modify(cmds[i].cmd, argc - 1, argv + 1);
	}
	if (!strcmp(argv[0], "get"))
		return route_get(argc - 1, argv + 1);
	con_printf("Command \"%s\" is unknown, try \"ip route help\".\n", argv[0]);
	return 1;
}
