/*
 * What the `ip` command's files share (net/ipv4/cmd_ip.c, cmd_ip_route.c).
 */
#ifndef NET_IPV4_CMD_IP_PRIV_H
#define NET_IPV4_CMD_IP_PRIV_H

struct netdev;

/* The device, or NULL after iproute2's "Cannot find device" line. */
struct netdev *ip_find_dev(const char *name);
/* iproute2's line for a word it cannot place; returns 1. */
int ip_garbage(const char *word);
/* `ip route ...` (argv after "route"). */
int ip_route_main(int argc, char **argv);

#endif
