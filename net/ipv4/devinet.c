/*
 * Per-interface IPv4 settings (net/ipv4/devinet.h): the conf.* variables
 * the sysctl table points at, and the two rules that reach across them.
 */
#include <stddef.h>

#include "kernel/sysctl.h"
#include "net/ipv4/devinet.h"

struct ipv4_devconf devconf_all, devconf_default, devconf_dev[NETDEV_MAX];
int devconf_ndevs;
/* Which settings interface i had written itself (Linux's cnf->state):
 * bit k for the k-th int of struct ipv4_devconf. */
static unsigned devconf_state[NETDEV_MAX];

#define DEVCONF_KEYS (sizeof(struct ipv4_devconf) / sizeof(int))
_Static_assert(DEVCONF_KEYS <= 32, "devconf_state holds a bit per setting");

void devconf_register(int i)
{
	if (i < 0 || i >= NETDEV_MAX)
		return;
	devconf_dev[i] = devconf_default;
	devconf_state[i] = 0;
	if (devconf_ndevs < i + 1)
		devconf_ndevs = i + 1;
}

/* Where a row's int sits in base[0..n): its index there (*iface) and the
 * setting's (the return), or -1 outside. */
static int devconf_where(const struct sysctl *s, const struct ipv4_devconf *base, int n, int *iface)
{
	const char *p = s->data, *b = (const char *)base;
	if (p < b || p >= b + (size_t)n * sizeof(struct ipv4_devconf))
		return -1;
	size_t off = (size_t)(p - b);
	*iface = (int)(off / sizeof(struct ipv4_devconf));
	return (int)(off % sizeof(struct ipv4_devconf) / sizeof(int));
}

int devconf_present(const struct sysctl *s)
{
	int i;
	return devconf_where(s, devconf_dev, NETDEV_MAX, &i) < 0 || i < devconf_ndevs;
}

/* Linux's inet_forward_change: all, default and every interface. */
int devconf_forward_all(const struct sysctl *s, long v, const char *str)
{
	(void)s, (void)str;
	devconf_default.forwarding = (int)v;
	for (int i = 0; i < NETDEV_MAX; i++)
		devconf_dev[i].forwarding = (int)v;
	return 0;
}

/* Linux's devinet_conf_proc on an interface's row: set_bit(i, cnf->state). */
int devconf_set_iface(const struct sysctl *s, long v, const char *str)
{
	(void)v, (void)str;
	int i, k = devconf_where(s, devconf_dev, NETDEV_MAX, &i);
	if (k >= 0)
		devconf_state[i] |= 1u << k;
	return 0;
}

/* Linux's devinet_copy_dflt_conf: every interface that never set it. */
int devconf_set_default(const struct sysctl *s, long v, const char *str)
{
	(void)str;
	int unused, k = devconf_where(s, &devconf_default, 1, &unused);
	if (k < 0)
		return 0;
	for (int i = 0; i < devconf_ndevs; i++)
		if (!(devconf_state[i] & (1u << k)))
			((int *)&devconf_dev[i])[k] = (int)v;
	return 0;
}
