/*
 * Per-interface IPv4 settings (net/ipv4/devinet.h): the conf.* variables
 * the sysctl table points at, and the two rules that reach across them.
 */
#include <stddef.h>

#include "kernel/sysctl.h"
#include "net/ipv4/devinet.h"

struct ipv4_devconf devconf_all, devconf_default, devconf_dev[NETDEV_MAX];
int devconf_ndevs;

void devconf_register(int i)
{
	if (i < 0 || i >= NETDEV_MAX)
		return;
	devconf_dev[i] = devconf_default;
	if (devconf_ndevs < i + 1)
		devconf_ndevs = i + 1;
}

int devconf_present(const struct sysctl *s)
{
	const char *p = s->data, *base = (const char *)devconf_dev;
	if (p < base || p >= base + sizeof(devconf_dev))
		return 1;
	return (size_t)(p - base) / sizeof(struct ipv4_devconf) < (size_t)devconf_ndevs;
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
