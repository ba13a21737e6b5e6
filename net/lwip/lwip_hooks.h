/*
 * lwIP hook functions (lwipopts.h maps LWIP_HOOK_* here; lwIP includes
 * this file through LWIP_HOOK_FILENAME).  Each is implemented in net/.
 */
#ifndef NET_LWIP_HOOKS_H
#define NET_LWIP_HOOKS_H

#include "lwip/ip_addr.h"

/* RFC 6528 initial sequence number (net/core/net.c). */
u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
		  u16_t remote_port);

/* Listen queues and SYN cookies (net/ipv4/listen.c; patch 0003). */
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
err_t net_tcp_inpacket(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
		       u8_t *opt2, struct pbuf *p);
int net_tcp_synrcvd_ack(struct tcp_pcb *pcb);
/* Half-open connections (net/ipv4/listen.c; patch 0012): a reset received, a
 * copy of the SYN received, the slow timer's tick (nonzero: expired). */
void net_tcp_synrcvd_rst(struct tcp_pcb *pcb);
void net_tcp_synrcvd_dupsyn(struct tcp_pcb *pcb);
int net_tcp_synrcvd_timer(struct tcp_pcb *pcb);

/* TCP Small Queues (net/ipv4/tsq.c; patch 0018): nonzero holds the next
 * segment back. */
int net_tcp_output_throttled(struct tcp_pcb *pcb);

/* TSO bundles (net/core/netdev_tso.c; patch 0032): nonzero when p, a
 * segment right after one the same tcp_output call sent on netif, joined
 * the device's pending bundle without ip4_output. */
struct netif;
int net_tcp_output_join(struct tcp_pcb *pcb, struct pbuf *p, struct netif *netif);

/* ICMP errors lwIP sends (net/ipv4/icmp.c; patch 0020): p the datagram in
 * error (payload at its IP header); 0 suppresses (rate limited). */
int net_icmp_err_allow(struct pbuf *p, u8_t type, u8_t code);
/* An echo request lwIP is about to answer (net/ipv4/icmp.c; patch 0014):
 * nonzero sends no reply (icmp_echo_ignore_all, or no route back). */
int net_icmp_echo_ignore(void);

/* IPv4 input before lwIP's checks (net/ipv4/ip_input.c): nonzero when taken. */
struct netif;
int net_ip4_input(struct pbuf *p, struct netif *inp);

/* The routing table (net/ipv4/fib.c; patch 0021): the device for dest
 * (NULL: no route), and the address to resolve for it on netif (the
 * gateway, or dest itself; NULL: no route). */
struct netif *net_fib_route(const ip4_addr_t *dest);
const ip4_addr_t *net_fib_gw(struct netif *netif, const ip4_addr_t *dest);

/* ARP requests (net/ipv4/arp.c; patch 0022): nonzero answers the request
 * from sipaddr for dipaddr received on netif (arp_ignore, arp_filter). */
int net_arp_reply(struct netif *netif, const ip4_addr_t *sipaddr, const ip4_addr_t *dipaddr);
/* ARP requests we send (net/ipv4/arp.c; patch 0023): the sender address
 * of a request for dst on netif, q the packet waiting for the answer
 * (payload at its IP header) or NULL; *src holds netif's address on entry
 * and may be changed (arp_announce). */
void net_arp_request_src(struct netif *netif, const ip4_addr_t *dst, struct pbuf *q, ip4_addr_t *src);

#endif
