/*
 * Per-interface IPv4 settings, Linux's struct ipv4_devconf: the
 * net.ipv4.conf.{all,default,IFACE}.* sysctls.  conf.default seeds an
 * interface when it is registered, and a later write to conf.default
 * reaches every interface that never had that setting written itself
 * (Linux's devinet_copy_dflt_conf and cnf->state; forwarding excepted,
 * as devinet_sysctl_forward); what a setting means for an interface
 * combines all and the interface as Linux's IN_DEV_* macros do
 * (include/linux/inetdevice.h): rp_filter, arp_ignore and arp_announce
 * take the larger, log_martians, accept_local, arp_filter and
 * send_redirects either, forwarding the interface's own (writing
 * conf.all.forwarding or net.ipv4.ip_forward sets every interface's and
 * default's, as Linux's devinet_sysctl_forward).  Pure: tests/unit
 * builds it.
 */
#ifndef NET_IPV4_DEVINET_H
#define NET_IPV4_DEVINET_H

#include "drivers/netdev.h"

struct sysctl;

struct ipv4_devconf {
	int accept_local;
	int arp_announce;
	int arp_filter;
	int arp_ignore;
	int forwarding;
	int log_martians;
	int rp_filter;
	int send_redirects;
};

extern struct ipv4_devconf devconf_all, devconf_default, devconf_dev[NETDEV_MAX];
/* Interfaces registered: conf.IFACE rows exist for eth0..eth(n-1). */
extern int devconf_ndevs;

/* Registers interface i (its rows appear, seeded from conf.default). */
void devconf_register(int i);

/* The sysctl rows' helpers: a row of a registered interface; a write to
 * conf.all.forwarding or ip_forward, applied to every interface. */
int devconf_present(const struct sysctl *s);
int devconf_forward_all(const struct sysctl *s, long v, const char *str);
/* Handlers of the conf.IFACE rows (the setting is the interface's own from
 * now on) and of the conf.default rows (passed on to the others). */
int devconf_set_iface(const struct sysctl *s, long v, const char *str);
int devconf_set_default(const struct sysctl *s, long v, const char *str);

/* Effective values for interface i (Linux's IN_DEV_* rules). */
static inline int max_int(int a, int b)
{
	return a > b ? a : b;
}
static inline int in_dev_rpfilter(int i)
{
	return max_int(devconf_all.rp_filter, devconf_dev[i].rp_filter);
}
static inline int in_dev_log_martians(int i)
{
	return devconf_all.log_martians || devconf_dev[i].log_martians;
}
static inline int in_dev_accept_local(int i)
{
	return devconf_all.accept_local || devconf_dev[i].accept_local;
}
static inline int in_dev_arpfilter(int i)
{
	return devconf_all.arp_filter || devconf_dev[i].arp_filter;
}
static inline int in_dev_arp_ignore(int i)
{
	return max_int(devconf_all.arp_ignore, devconf_dev[i].arp_ignore);
}
static inline int in_dev_arp_announce(int i)
{
	return max_int(devconf_all.arp_announce, devconf_dev[i].arp_announce);
}
static inline int in_dev_tx_redirects(int i)
{
	return devconf_all.send_redirects || devconf_dev[i].send_redirects;
}
static inline int in_dev_forward(int i)
{
	return devconf_dev[i].forwarding;
}

#endif
