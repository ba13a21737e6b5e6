/*
 * SYN cookies on the wire, for net/ipv4/listen.c: a stateless SYN-ACK whose
 * ISN is the cookie (net/ipv4/syncookie.c) with MSS, window scale, SACK and
 * timestamp options as the SYN asked (the options the cookie cannot hold
 * go into the TSval, as Linux does: no timestamps, no window scaling);
 * and, from a valid ACK, the SYN_RCVD connection lwIP would have kept
 * (notes/lwip-extension-points.md 2: mss, snd_scale, TF_SACK, TF_TIMESTAMP
 * and ts_recent restored), handed to tcp_input through patch 0003.
 * What to do with an ACK (check it, reset, drop) is net/ipv4/listen.c's.  Keys: two 128-bit keys from the entropy sources, one
 * per 64 s window, the older replaced as each window starts.
 */
#include <string.h>

#include "kernel/random.h"
#include "kernel/time.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "net/core/counter.h"
#include "net/ipv4/listen_priv.h"
#include "net/core/netstat.h"
#include "net/ipv4/syncookie.h"

static struct syncookie_keys keys;
static uint32_t key_counter;   /* window the newest key belongs to */
static int keys_ready;

static uint32_t counter_now(void)
{
	return (uint32_t)(time_ns() / (SYNCOOKIE_WINDOW_SEC * 1000000000ULL));
}

/* Keys for the current and the previous window, made fresh as windows pass. */
static uint32_t current_counter(void)
{
	uint32_t c = counter_now();
	if (!keys_ready || c - key_counter >= 2) {
		random_get(keys.key[(c - 1) & 1], SYNCOOKIE_KEY_LEN);
		random_get(keys.key[c & 1], SYNCOOKIE_KEY_LEN);
		keys_ready = 1;
	} else if (c != key_counter) {
		random_get(keys.key[c & 1], SYNCOOKIE_KEY_LEN); /* the window before last expires */
	}
	key_counter = c;
	return c;
}

static void tuple_of(const struct tcp_hdr *h, struct syncookie_tuple *t, uint32_t client_isn)
{
	t->saddr = ip4_addr_get_u32(ip4_current_src_addr());
	t->daddr = ip4_addr_get_u32(ip4_current_dest_addr());
	t->sport = lwip_htons(h->src); /* tcp_input left ports in host order */
	t->dport = lwip_htons(h->dest);
	t->client_isn = client_isn;
}

static u8_t *put32(u8_t *p, u32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
	return p + 4;
}

/* A segment answering h (to its sender, ports swapped) without any
 * connection state: the cookie SYN-ACK.  reply_alloc gives the pbuf and
 * where its optlen option bytes go; reply_send fills in the header and
 * sends it, counted as lwIP counts its own (OutSegs, OutRsts). */
static struct pbuf *reply_alloc(u16_t optlen, u8_t **opts)
{
	struct pbuf *p = pbuf_alloc(PBUF_IP, TCP_HLEN + optlen, PBUF_RAM);
	if (p)
		*opts = (u8_t *)p->payload + TCP_HLEN;
	return p;
}

static int reply_send(struct tcp_pcb_listen *lpcb, const struct tcp_hdr *h, struct pbuf *p, u32_t seq,
		      u32_t ack, u8_t flags, u16_t wnd)
{
	struct tcp_hdr *r = p->payload;
	r->src = lwip_htons(h->dest); /* tcp_input left ports in host order */
	r->dest = lwip_htons(h->src);
	r->seqno = lwip_htonl(seq);
	r->ackno = lwip_htonl(ack);
	TCPH_HDRLEN_FLAGS_SET(r, p->len / 4, flags);
	r->wnd = lwip_htons(wnd);
	r->chksum = 0;
	r->urgp = 0;
	const ip_addr_t *src = ip_current_dest_addr(), *dst = ip_current_src_addr();
	struct netif *netif = ip_route(src, dst);
	int sent = -1;
	if (netif) {
		if (netif->chksum_flags & NETIF_CHECKSUM_GEN_TCP)
			r->chksum = ip_chksum_pseudo(p, IP_PROTO_TCP, p->tot_len, src, dst);
		if (ip_output_if(p, src, dst, lpcb->ttl, lpcb->tos, IP_PROTO_TCP, netif) == ERR_OK) {
			TCP_STATS_INC(tcp.xmit);
			MIB2_STATS_INC(mib2.tcpoutsegs);
			if (flags & TCP_RST)
				MIB2_STATS_INC(mib2.tcpoutrsts);
			sent = 0;
		}
	}
	pbuf_free(p);
	return sent;
}

int syncookie_tcp_send(struct tcp_pcb_listen *lpcb, const struct tcp_hdr *h, const struct tcp_seg_opts *o)
{
	struct syncookie_tuple t;
	tuple_of(h, &t, h->seqno);
	struct syncookie_opts so = { 0 };
	int idx = syncookie_mss_index(o->mss < 0 ? 536 : (uint16_t)o->mss);
	so.mss = syncookie_mss_table[idx];
	so.wscale_ok = o->wscale >= 0;
	so.snd_wscale = so.wscale_ok ? (uint8_t)o->wscale : 0;
	so.sack_ok = o->sack_perm;
	uint32_t cookie = syncookie_make(&keys, &t, current_counter(), idx);

	int ts = o->has_ts;
	if (!ts)
		so.wscale_ok = so.sack_ok = 0; /* nowhere to keep them: none, as Linux */
	int ws = so.wscale_ok;
	u8_t *op;
	struct pbuf *p = reply_alloc(4 + (ts ? 12 : 0) + (ws ? 4 : 0), &op);
	if (!p)
		return -1;
	*op++ = 2, *op++ = 4, *op++ = so.mss >> 8, *op++ = so.mss & 0xff;
	if (ts) {
		*op++ = so.sack_ok ? 4 : 1, *op++ = so.sack_ok ? 2 : 1; /* SACK-permitted, or NOPs */
		*op++ = 8, *op++ = 10;
		op = put32(op, syncookie_ts_make(sys_now(), &so));
		op = put32(op, o->tsval);
	}
	if (ws)
		*op++ = 1, *op++ = 3, *op++ = 3, *op++ = TCP_RCV_SCALE;
	u16_t wnd = TCP_WND > 0xffff ? 0xffff : TCP_WND; /* never scaled in a SYN */
	if (reply_send(lpcb, h, p, cookie, h->seqno + 1, TCP_SYN | TCP_ACK, wnd))
		return -1;
	netstat_ext.syncookies_sent++;
	return 0;
}
COUNTER(TcpExt, 10, SyncookiesSent, netstat_ext.syncookies_sent, OPT, "SYN cookies sent", "SYN cookies sent.");

int syncookie_tcp_check(const struct tcp_hdr *h, const struct tcp_seg_opts *o, struct syncookie_ack *ck)
{
	struct syncookie_tuple t;
	tuple_of(h, &t, h->seqno - 1);
	int idx = syncookie_check(&keys, &t, current_counter(), h->ackno - 1);
	struct syncookie_opts so = { 0 };
	if (idx < 0 || (o->has_ts && syncookie_ts_decode(o->tsecr, &so) < 0))
		return -1;
	*ck = (struct syncookie_ack){ idx, so.wscale_ok, so.snd_wscale, so.sack_ok };
	return 0;
}

struct tcp_pcb *syncookie_tcp_connect(struct listener *l, const struct tcp_hdr *h, const struct tcp_seg_opts *o,
				      const struct syncookie_ack *ck)
{
	struct tcp_pcb *npcb = tcp_alloc(l->lpcb->prio);
	if (!npcb)
		return NULL;
	u32_t iss = h->ackno - 1;
	ip_addr_copy(npcb->local_ip, *ip_current_dest_addr());
	ip_addr_copy(npcb->remote_ip, *ip_current_src_addr());
	npcb->local_port = l->lpcb->local_port;
	npcb->remote_port = h->src;
	npcb->state = SYN_RCVD;
	npcb->rcv_nxt = h->seqno;
	npcb->rcv_ann_right_edge = npcb->rcv_nxt;
	npcb->lastack = iss;
	npcb->snd_nxt = npcb->snd_lbb = npcb->snd_wl2 = iss + 1;
	npcb->snd_wl1 = h->seqno - 1; /* forces the window update */
	npcb->callback_arg = l->lpcb->callback_arg;
	npcb->listener = l->lpcb;
	npcb->so_options = l->lpcb->so_options & SOF_INHERITED;
	npcb->netif_idx = l->lpcb->netif_idx;
	npcb->mss = tcp_eff_send_mss(syncookie_mss_table[ck->mss_idx], &npcb->local_ip, &npcb->remote_ip);
	if (o->has_ts) {
		tcp_set_flags(npcb, TF_TIMESTAMP);
		npcb->ts_recent = o->tsval;
		npcb->ts_lastacksent = npcb->rcv_nxt;
		if (ck->wscale_ok) {
			tcp_set_flags(npcb, TF_WND_SCALE);
			npcb->snd_scale = ck->snd_wscale;
			npcb->rcv_scale = TCP_RCV_SCALE;
			npcb->rcv_wnd = npcb->rcv_ann_wnd = TCP_WND;
		}
#if LWIP_TCP_SACK_OUT
		if (ck->sack_ok)
			tcp_set_flags(npcb, TF_SACK);
#endif
	}
	npcb->snd_wnd = SND_WND_SCALE(npcb, h->wnd);
	npcb->snd_wnd_max = npcb->snd_wnd;
	TCP_REG_ACTIVE(npcb); /* PassiveOpens counts when it is established (patch 0012) */
	return npcb;
}
