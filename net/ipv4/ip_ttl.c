/*
 * net.ipv4.ip_default_ttl for endpoints that exist.  Linux's ip_select_ttl
 * reads the sysctl at each send for a socket without IP_TTL (inet->uc_ttl
 * -1), so a change reaches open connections.  lwIP copies IP_DEFAULT_TTL
 * into each pcb at creation (tcp_alloc, udp_new, raw_new; a connection
 * accepted from a listener gets its own in tcp_alloc), so this handler
 * brings every pcb still at the old default to the new one.  nagare's
 * applications never set a TTL; one that did (to another value) keeps it.
 * Raw pcbs are lwIP's private list: the console's ping makes one per run,
 * at the TTL of its start.  Control segments without a pcb (resets) and
 * ICMP read the sysctl at each send.
 */
#include "kernel/sysctl.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "net/ipv4/ip_ttl.h"

static void tcp_list(struct tcp_pcb *pcb, u8_t old, u8_t ttl)
{
	for (; pcb; pcb = pcb->next)
		if (pcb->ttl == old)
			pcb->ttl = ttl;
}

int ip_ttl_default_set(const struct sysctl *s, long v, const char *str)
{
	(void)str;
	u8_t old = (u8_t)*(const int *)s->data, ttl = (u8_t)v;
	tcp_list(tcp_active_pcbs, old, ttl);
	tcp_list(tcp_tw_pcbs, old, ttl);
	tcp_list(tcp_bound_pcbs, old, ttl);
	for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
		if (l->ttl == old)
			l->ttl = ttl;
	for (struct udp_pcb *u = udp_pcbs; u; u = u->next)
		if (u->ttl == old)
			u->ttl = ttl;
	return 0;
}
