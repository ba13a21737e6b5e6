/*
 * IPv4 input ahead of lwIP's ip4_input (LWIP_HOOK_IP4_INPUT, called once
 * the version is known to be 4): the decisions Linux takes in ip_rcv and
 * ip_route_input before a packet reaches a protocol.  Each check is a
 * function of its subsystem; this file only orders them.  Returns nonzero
 * when the packet was taken (and freed), as lwIP's hook expects.
 */
#include "lwip/opt.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"

#include "net/ipv4/icmp.h"
#include "net/lwip/lwip_hooks.h"

int net_ip4_input(struct pbuf *p, struct netif *inp)
{
	return icmp_in_filter(p, inp);
}
