/*
 * The counter registry: every counter the network stack shows, declared
 * once, beside the code that counts it, as one row of a linker set (like
 * CONSOLE_CMD).  `netstat -s`, `ethtool -S`, `softnet` and /metrics walk
 * it (net/core/counter.c); nothing else lists counters.  Linux's anchor: the
 * SNMP_MIB_ITEM tables that /proc/net/netstat and nstat both walk.
 *
 * A new counter is one line, beside its ++ (this one is in net/ipv4/listen.c):
 *
 *	COUNTER(TcpExt, 70, ListenDrops, netstat_ext.listen_drops, NUM,
 *		"SYNs to LISTEN sockets dropped", "SYNs to LISTEN sockets dropped.");
 *
 * section TcpExt, ord 70 (its place in the section: net-tools' order for
 * netstat -s; leave gaps), Linux's name, the variable, the netstat -s line
 * shape (COUNTER_LINE_*: "    12 SYNs to LISTEN sockets dropped"), the
 * sentence, and the /metrics help; /metrics then has
 * nagare_netstat_TcpExt_ListenDrops_total.  Nothing else to edit.
 */
#ifndef NET_COUNTER_H
#define NET_COUNTER_H

#include <stddef.h>
#include <stdint.h>

/* Sections in the order netstat -s and /metrics walk them.  Ip to NagareExt
 * are netstat -s's (/metrics: nagare_netstat_<Section>_<Name>); the rest
 * are /metrics families of their own, some per instance (label). */
enum counter_sec {
	COUNTER_SEC_Ip,
	COUNTER_SEC_Icmp,
	COUNTER_SEC_IcmpMsg,   /* netstat -s only, and only when one is nonzero */
	COUNTER_SEC_Tcp,
	COUNTER_SEC_Udp,
	COUNTER_SEC_UdpLite,   /* a heading with nothing under it, as Linux's */
	COUNTER_SEC_TcpExt,
	COUNTER_SEC_IpExt,
	COUNTER_SEC_NagareExt, /* ours: drops Linux shows elsewhere */
	COUNTER_SEC_tcp,       /* nagare_tcp_*: lwIP TCP state */
	COUNTER_SEC_softnet,   /* nagare_softnet_*: `softnet`, /proc/net/softnet_stat */
	COUNTER_SEC_link,      /* nagare_netdev_*{device}: struct netdev (ip -s link) */
	COUNTER_SEC_netdev,    /* nagare_netdev_*{device}: struct netdev_state (ethtool -S) */
	COUNTER_SEC_lwip,      /* nagare_lwip_*{proto}: struct stats_proto */
	COUNTER_SEC_memp,      /* nagare_lwip_memp_*{pool}: struct stats_mem */
	COUNTER_SEC_listen,    /* nagare_listen_*{port}: struct listen_info */
	COUNTER_NSEC
};

/* How the section's console command prints the row (netstat -s: net-tools'
 * shapes; ethtool -S and softnet print ALWAYS rows by name). */
enum counter_line {
	COUNTER_LINE_NUM,    /* "    12 text" */
	COUNTER_LINE_OPT,    /* the same, only when nonzero */
	COUNTER_LINE_NAMED,  /* "    Name: 12", only when nonzero (no sentence in net-tools) */
	COUNTER_LINE_ALWAYS, /* "    Name: 12" */
	COUNTER_LINE_HIST,   /* "        text: 12", only when nonzero (ICMP histograms) */
	COUNTER_LINE_TITLE,  /* "    text": no value, no metric (a histogram's title) */
	COUNTER_LINE_NONE,   /* not printed: /metrics only */
};

#define COUNTER_F_GAUGE 1    /* a level, not a count: /metrics type gauge, no _total */
#define COUNTER_F_NOMETRIC 2 /* console only: /metrics has the same value by another name */

struct counter {
	uint8_t sec;         /* enum counter_sec */
	uint8_t line;        /* enum counter_line */
	uint8_t flags;       /* COUNTER_F_* */
	uint8_t width;       /* bytes of the unsigned value: 2, 4 or 8; 0: read by fn */
	uint16_t ord;        /* place within the section */
	const char *name;    /* Linux's name: "ListenDrops", "rx_backlog_drops" */
	const char *text;    /* netstat -s's sentence, or NULL */
	const char *help;    /* /metrics HELP: one line, no backslash */
	union {
		const void *p;          /* the variable (sections without instances) */
		size_t off;             /* offset in the section's object (with instances) */
		uint64_t (*fn)(void);   /* computed (width 0) */
	} at;
};

#define COUNTER_ROW(sec_, ord_, name_, line_, flags_, width_, at_, text_, help_)                   \
	static const struct counter counter_##sec_##_##name_                                      \
		__attribute__((used, section("counters"), aligned(8))) = {                         \
			.sec = COUNTER_SEC_##sec_, .line = COUNTER_LINE_##line_, .flags = (flags_), \
			.width = (width_), .ord = (ord_), .name = #name_, .text = (text_),          \
			.help = (help_), .at = at_ }

#define COUNTER_WIDTH_OK(w) ((w) == 2 || (w) == 4 || (w) == 8)

/* A counter kept in a variable (an unsigned integer of 2, 4 or 8 bytes). */
#define COUNTER(sec, ord, name, var, line, text, help)                                            \
	_Static_assert(COUNTER_WIDTH_OK(sizeof(var)), #name ": not 2, 4 or 8 bytes");              \
	COUNTER_ROW(sec, ord, name, line, 0, sizeof(var), { .p = &(var) }, text, help)
/* A level kept in a variable. */
#define COUNTER_GAUGE(sec, ord, name, var, line, text, help)                                      \
	_Static_assert(COUNTER_WIDTH_OK(sizeof(var)), #name ": not 2, 4 or 8 bytes");              \
	COUNTER_ROW(sec, ord, name, line, COUNTER_F_GAUGE, sizeof(var), { .p = &(var) }, text, help)
/* A value computed when read: flags as COUNTER_F_*. */
#define COUNTER_FN(sec, ord, name, fn_, flags, line, text, help)                                  \
	COUNTER_ROW(sec, ord, name, line, flags, 0, { .fn = (fn_) }, text, help)
/* A field of each instance's object (type: the section's), e.g. of every
 * device's struct netdev_state.  A non-negative int field reads as 4 bytes. */
#define COUNTER_FIELD(sec, ord, name, type, field, flags, line, help)                             \
	_Static_assert(COUNTER_WIDTH_OK(sizeof(((type *)0)->field)), #name ": not 2, 4 or 8 bytes"); \
	COUNTER_ROW(sec, ord, name, line, flags, sizeof(((type *)0)->field),                       \
		    { .off = offsetof(type, field) }, NULL, help)
/* A line of netstat -s that is no counter (a histogram's title). */
#define COUNTER_TITLE(sec, ord, id, text)                                                         \
	COUNTER_ROW(sec, ord, id, TITLE, COUNTER_F_NOMETRIC, 0, { .fn = NULL }, text, NULL)

struct counter_section {
	const char *name;    /* netstat -s heading ("TcpExt"), or NULL */
	const char *prefix;  /* of /metrics names: "nagare_netstat_TcpExt_" */
	const char *label;   /* the instances' label key ("device"), NULL: no instances */
	/* Instance i: 1 and *obj, *label_value set; 0: no such instance now
	 * (skip it); -1: past the last. */
	int (*instance)(int i, const void **obj, const char **label_value);
	int hide_empty;      /* netstat -s leaves the heading out when all are zero */
};

/* Every row, in registry order: by section, then ord. */
int counter_count(void);
const struct counter *counter_get(int i);
const struct counter_section *counter_section(enum counter_sec sec);
/* The value: of the variable or fn (obj NULL), or of obj's field. */
uint64_t counter_read(const struct counter *c, const void *obj);
/* Instance i of c's section (rows without instances have one, i = 0, label
 * NULL): 1 and *v, *label_value set; 0 skip; -1 past the last. */
int counter_instance(const struct counter *c, int i, uint64_t *v, const char **label_value);
/* The /metrics family name (prefix, name, _total unless a gauge) into
 * buf: 0, or -1 if the row has no metric or buf is too small. */
int counter_metric_name(const struct counter *c, char *buf, size_t size);

/* The sections' instances, kept by the layers that own the objects. */
int netdev_counter_link(int i, const void **obj, const char **label);  /* net/core/netdev.c */
int netdev_counter_state(int i, const void **obj, const char **label); /* net/core/netdev.c */
int counter_lwip_proto(int i, const void **obj, const char **label);   /* net/core/counter_lwip.c */
int counter_lwip_pool(int i, const void **obj, const char **label);    /* net/core/counter_lwip.c */
int listen_counter_info(int i, const void **obj, const char **label);  /* net/ipv4/cmd_ss.c */
/* The drivers' own counters (ops->stats: ethtool -S's first part; drivers
 * mix counters and gauges without saying which), device by device. */
void netdev_counter_drivers(void (*emit)(const char *dev, const char *name, uint64_t v)); /* net/core/netdev.c */

#endif
