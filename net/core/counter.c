/*
 * The counter registry's walk (net/core/counter.h): the rows of the "counters"
 * linker set, sorted once by section and ord, and the sections' table.
 * Callers: net/core/cmd_netstat.c (netstat -s), net/core/cmd_ethtool.c (ethtool -S),
 * net/core/cmd_softnet.c (softnet) and net/http/metrics.c (/metrics).
 */
#include <string.h>

#include "kernel/panic.h"
#include "net/core/counter.h"

extern const struct counter __start_counters[], __stop_counters[];

#define NETSTAT(s, ...) [COUNTER_SEC_##s] = { #s, "nagare_netstat_" #s "_", __VA_ARGS__ }
static const struct counter_section sections[COUNTER_NSEC] = {
	NETSTAT(Ip), NETSTAT(Icmp), NETSTAT(IcmpMsg, .hide_empty = 1), NETSTAT(Tcp), NETSTAT(Udp),
	NETSTAT(UdpLite), NETSTAT(TcpExt), NETSTAT(IpExt), NETSTAT(NagareExt),
	[COUNTER_SEC_tcp] = { NULL, "nagare_tcp_" },
	[COUNTER_SEC_softnet] = { "softnet", "nagare_softnet_" },
	[COUNTER_SEC_link] = { NULL, "nagare_netdev_", "device", netdev_counter_link },
	[COUNTER_SEC_netdev] = { NULL, "nagare_netdev_", "device", netdev_counter_state },
	[COUNTER_SEC_lwip] = { NULL, "nagare_lwip_", "proto", counter_lwip_proto },
	[COUNTER_SEC_memp] = { NULL, "nagare_lwip_memp_", "pool", counter_lwip_pool },
	[COUNTER_SEC_listen] = { NULL, "nagare_listen_", "port", listen_counter_info },
};

#define COUNTER_MAX 256 /* rows; counter_sorted panics past it */
static const struct counter *sorted[COUNTER_MAX];
static int nsorted = -1;

static int before(const struct counter *a, const struct counter *b)
{
	return a->sec != b->sec ? a->sec < b->sec : a->ord < b->ord;
}

/* Insertion sort, once: the set is small and its order is fixed at link. */
static void counter_sort(void)
{
	int n = 0;
	for (const struct counter *c = __start_counters; c < __stop_counters; c++) {
		if (n == COUNTER_MAX)
			panic("counter: more than %d rows", COUNTER_MAX);
		int j = n++;
		for (; j > 0 && before(c, sorted[j - 1]); j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = c;
	}
	nsorted = n;
}

int counter_count(void)
{
	if (nsorted < 0)
		counter_sort();
	return nsorted;
}

const struct counter *counter_get(int i)
{
	return i >= 0 && i < counter_count() ? sorted[i] : NULL;
}

const struct counter_section *counter_section(enum counter_sec sec)
{
	return &sections[sec];
}

uint64_t counter_read(const struct counter *c, const void *obj)
{
	const void *p = obj ? (const char *)obj + c->at.off : c->at.p;
	switch (c->width) {
	case 0: return c->at.fn ? c->at.fn() : 0;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

int counter_instance(const struct counter *c, int i, uint64_t *v, const char **label_value)
{
	const struct counter_section *s = &sections[c->sec];
	const void *obj = NULL;
	*label_value = NULL;
	if (!s->instance) {
		if (i)
			return -1;
	} else {
		int r = s->instance(i, &obj, label_value);
		if (r <= 0)
			return r;
	}
	*v = counter_read(c, obj);
	return 1;
}

/* Appends s at *at within buf's size; -1 if it does not fit. */
static int put(char *buf, size_t size, size_t *at, const char *s)
{
	size_t n = strlen(s);
	if (*at + n >= size)
		return -1;
	memcpy(buf + *at, s, n + 1);
	*at += n;
	return 0;
}

/* Called for every family of every /metrics body: concatenation, not printf. */
int counter_metric_name(const struct counter *c, char *buf, size_t size)
{
	size_t at = 0;
	if (c->flags & COUNTER_F_NOMETRIC)
		return -1;
	if (put(buf, size, &at, sections[c->sec].prefix) || put(buf, size, &at, c->name) ||
	    put(buf, size, &at, c->flags & COUNTER_F_GAUGE ? "" : "_total"))
		return -1;
	return 0;
}
