/*
 * `ping`: ICMP echo (RFC 792) from the guest over an lwIP raw PCB, in
 * iputils 20221126's words (ping_common.c: reply lines, "From ... Destination
 * Host Unreachable", summary, rtt in microseconds, %g loss).  Differences: no
 * DNS (dotted quads only), -c defaults to 4 not forever, -W to 1 s, -i may be
 * as low as 10 ms.  It runs to completion on the console, pumping the event
 * loop (loop_pump) while it waits; Ctrl-C ends it with the summary.  The raw
 * callback never eats a datagram, so lwIP's icmp_input still counts replies
 * for netstat -s as Linux would.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/loop.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/time.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/prot/icmp.h"
#include "lwip/raw.h"
#include "lwip/stats.h"
#include "net/ipv4/inet.h"

#define PING_MAX_COUNT 100000
#define PING_MAX_SIZE 65507     /* 65535 - IPv4 header - ICMP header */
#define PING_TIME_LEN 16        /* iputils times replies when the data holds a timeval */
#define PING_MIN_INTERVAL 10    /* ms */
#define PING_MAX_INTERVAL 3600000 /* ms */
#define PING_WAKE_MS 100        /* longest sleep between Ctrl-C checks */

struct ping {
	struct raw_pcb *pcb;
	ip4_addr_t dst;
	char host[16];
	uint16_t id;
	int size, quiet;
	long count, sent, received, errors, dups, corrupt;
	long timed;                /* round trips measured */
	uint64_t tmin, tmax, tsum; /* us */
	unsigned __int128 tsum2;   /* us^2 */
	uint8_t seen[65536 / 8];   /* replies per 16-bit sequence number */
};

static struct ping ping; /* one console, one ping at a time */

/* ---- arguments ---------------------------------------------------------- */

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end) {
		con_printf("ping: invalid argument: '%s'\n", s);
		return -1;
	}
	if (v < lo || v > hi) {
		con_printf("ping: invalid argument: '%s': out of range: %ld <= value <= %ld\n", s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* Seconds with up to three decimals ("0.2", "1", "1.5") to ms, or -1. */
static long parse_ms(const char *s)
{
	long ms = 0;
	int digits = 0, frac = -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
		} else if (*p >= '0' && *p <= '9') {
			if (frac >= 3)
				continue; /* below a millisecond: ignored */
			if (++digits > 9)
				return -1;
			ms = ms * 10 + (*p - '0');
			if (frac >= 0)
				frac++;
		} else {
			return -1;
		}
	}
	if (!digits)
		return -1;
	for (int f = frac < 0 ? 0 : frac; f < 3; f++)
		ms *= 10;
	return ms;
}

struct ping_opts {
	long count, interval_ms, size, linger_ms;
	int quiet;
	const char *host;
};

static int parse_value(char opt, const char *val, struct ping_opts *o)
{
	long ms;
	switch (opt) {
	case 'c':
		return parse_long(val, 1, PING_MAX_COUNT, &o->count);
	case 's':
		return parse_long(val, 0, PING_MAX_SIZE, &o->size);
	case 'i':
		ms = parse_ms(val);
		if (ms < 0 || ms > PING_MAX_INTERVAL) {
			con_printf("ping: bad timing interval: %s\n", val);
			return -1;
		}
		if (ms < PING_MIN_INTERVAL) {
			con_printf("ping: cannot flood; minimal interval allowed is %dms\n", PING_MIN_INTERVAL);
			return -1;
		}
		o->interval_ms = ms;
		return 0;
	default: /* 'W' */
		ms = parse_ms(val);
		if (ms < 1000 || ms > 60000) {
			con_printf("ping: bad linger time: %s (1 to 60 seconds)\n", val);
			return -1;
		}
		o->linger_ms = ms;
		return 0;
	}
}

/* getopt-style: "-c 3", "-c3", "-qc 3". */
static int parse_args(int argc, char **argv, struct ping_opts *o)
{
	*o = (struct ping_opts){ .count = 4, .interval_ms = 1000, .size = 56, .linger_ms = 1000 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) {
			if (o->host) {
				con_printf("ping: unexpected argument '%s'\n", a);
				return -1;
			}
			o->host = a;
			continue;
		}
		for (const char *p = a + 1; *p; p++) {
			if (*p == 'q' || *p == 'n') { /* quiet; numeric (there is no DNS anyway) */
				o->quiet |= *p == 'q';
				continue;
			}
			if (!strchr("cisW", *p)) {
				con_printf("ping: invalid option -- '%c'\n", *p);
				return -1;
			}
			const char *val = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val) {
				con_printf("ping: option requires an argument -- '%c'\n", *p);
				return -1;
			}
			if (parse_value(*p, val, o))
				return -1;
			break;
		}
	}
	if (!o->host) {
		con_printf("ping: usage error: Destination address required\n");
		return -1;
	}
	return 0;
}

/* A full dotted quad (iputils would also take "10.1" or a name). */
static int parse_host(const char *s, ip4_addr_t *a)
{
	uint32_t h;
	int dots = 0;
	for (const char *p = s; *p; p++)
		dots += *p == '.';
	if (dots != 3 || inet_parse_addr(s, &h))
		return -1;
	ip4_addr_set_u32(a, lwip_htonl(h));
	return 0;
}

/* ---- receive ------------------------------------------------------------ */

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static void print_rtt(uint64_t us)
{
	/* iputils: fewer decimals as the time grows */
	if (us >= 100000 - 50)
		con_printf(" time=%lu ms", (unsigned long)((us + 500) / 1000));
	else if (us >= 10000 - 5)
		con_printf(" time=%lu.%01lu ms", (unsigned long)((us + 50) / 1000),
			   (unsigned long)((us + 50) % 1000 / 100));
	else if (us >= 1000)
		con_printf(" time=%lu.%02lu ms", (unsigned long)((us + 5) / 1000),
			   (unsigned long)((us + 5) % 1000 / 10));
	else
		con_printf(" time=%lu.%03lu ms", (unsigned long)(us / 1000), (unsigned long)(us % 1000));
}

static void echo_reply(struct ping *pg, struct pbuf *p, unsigned ihl, uint16_t seq, int ttl)
{
	uint16_t len = (uint16_t)(p->tot_len - ihl); /* ICMP bytes */
	uint64_t now = time_ns(), us = 0;
	int timed = pg->size >= PING_TIME_LEN && len >= 8 + PING_TIME_LEN;
	if (timed) {
		uint64_t sent;
		pbuf_copy_partial(p, &sent, sizeof(sent), (u16_t)(ihl + 8));
		us = sent < now ? (now - sent) / 1000 : 0;
	}
	/* The checksum covers the whole ICMP message.  Step over the IP header
	 * and back (forced: the driver's buffers are PBUF_REF), as ip4_input
	 * does: lwIP wants the payload pointer as it was. */
	pbuf_remove_header(p, ihl);
	int bad = inet_chksum_pbuf(p) != 0;
	pbuf_header_force(p, (s16_t)ihl);
	int dup = 0;
	uint8_t bit = (uint8_t)(1u << (seq & 7));
	if (bad) {
		pg->corrupt++;
	} else if (pg->seen[seq >> 3] & bit) {
		pg->dups++;
		dup = 1;
	} else {
		pg->seen[seq >> 3] |= bit;
		pg->received++;
	}
	if (timed && !bad) {
		if (us > UINT32_MAX)
			us = UINT32_MAX; /* 71 minutes: keeps every square below 2^64 */
		pg->tsum += us;
		pg->tsum2 += (unsigned __int128)us * us;
		if (!pg->timed++ || us < pg->tmin)
			pg->tmin = us;
		if (us > pg->tmax)
			pg->tmax = us;
	}
	if (pg->quiet)
		return;
	con_printf("%u bytes from %s: icmp_seq=%u ttl=%d", len, pg->host, seq, ttl);
	if (timed)
		print_rtt(us);
	con_printf("%s%s\n", dup ? " (DUP!)" : "", bad ? " (BAD CHECKSUM!)" : "");
}

static const char *unreach_text(int type, int code)
{
	static const char *const dur[] = {
		"Destination Net Unreachable", "Destination Host Unreachable",
		"Destination Protocol Unreachable", "Destination Port Unreachable",
		"Frag needed and DF set", "Source Route Failed", "Destination Net Unknown",
		"Destination Host Unknown", "Source Host Isolated", "Destination Net Prohibited",
		"Destination Host Prohibited", "Destination Net Unreachable for Type of Service",
		"Destination Host Unreachable for Type of Service", "Packet filtered",
		"Precedence Violation", "Precedence Cutoff",
	};
	if (type == ICMP_TE)
		return code == 1 ? "Frag reassembly time exceeded" : "Time to live exceeded";
	return code >= 0 && code < (int)(sizeof(dur) / sizeof(dur[0])) ? dur[code] : "Dest Unreachable";
}

/* An ICMP error quoting one of our echo requests: "From X icmp_seq=N ...". */
static void icmp_error(struct ping *pg, const uint8_t *icmp, size_t n, const ip_addr_t *from)
{
	const uint8_t *inner = icmp + 8;
	if (n < 8 + 20)
		return;
	unsigned ihl = (inner[0] & 0x0f) * 4u;
	if (ihl < 20 || n < 8 + ihl + 8 || inner[9] != IP_PROTO_ICMP ||
	    memcmp(inner + 16, &pg->dst.addr, 4) || inner[ihl] != ICMP_ECHO ||
	    get16(inner + ihl + 4) != pg->id)
		return;
	pg->errors++;
	if (pg->quiet)
		return;
	char a[16];
	con_printf("From %s icmp_seq=%u %s\n", inet_format(lwip_ntohl(ip4_addr_get_u32(ip_2_ip4(from))), a),
		   get16(inner + ihl + 6), unreach_text(icmp[0], icmp[1]));
}

/* Sees every ICMP datagram (p->payload is the IP header) and never eats
 * it: lwIP's icmp_input counts it afterwards. */
static u8_t ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *from)
{
	struct ping *pg = arg;
	uint8_t h[60 + 8 + 60 + 8]; /* IP header, ICMP header, quoted IP header + 8 */
	u16_t n = pbuf_copy_partial(p, h, sizeof(h), 0);
	unsigned ihl = (h[0] & 0x0f) * 4u;
	if (n < 20 || ihl < 20 || n < ihl + 8)
		return 0;
	const uint8_t *icmp = h + ihl;
	long seen = pg->received + pg->dups + pg->corrupt + pg->errors;
	if (icmp[0] == ICMP_ER && icmp[1] == 0) {
		if (get16(icmp + 4) == pg->id && ip4_addr_cmp(ip_2_ip4(from), &pg->dst))
			echo_reply(pg, p, ihl, get16(icmp + 6), h[8]);
	} else if (icmp[0] == ICMP_DUR || icmp[0] == ICMP_TE) {
		icmp_error(pg, icmp, n - ihl, from);
	}
	/* An answer is news for the waiting command: keep loop_pump from
	 * sleeping after this round (the net hook reports no work for it). */
	if (pg->received + pg->dups + pg->corrupt + pg->errors != seen)
		loop_kick();
	return 0;
}

/* ---- send --------------------------------------------------------------- */

static const char *err_text(err_t e)
{
	switch (e) {
	case ERR_RTE:
		return "Network is unreachable";
	case ERR_MEM:
	case ERR_BUF:
		return "No buffer space available";
	default:
		return "Invalid argument";
	}
}

static void send_echo(struct ping *pg)
{
	uint16_t seq = (uint16_t)(pg->sent + 1);
	pg->sent++;
	pg->seen[seq >> 3] &= (uint8_t)~(1u << (seq & 7));
	struct pbuf *p = pbuf_alloc(PBUF_IP, (u16_t)(8 + pg->size), PBUF_RAM);
	if (!p) {
		con_printf("ping: sendmsg: No buffer space available\n");
		return;
	}
	uint8_t *b = p->payload;
	for (int i = 0; i < pg->size; i++)
		b[8 + i] = (uint8_t)i;
	if (pg->size >= PING_TIME_LEN) {
		uint64_t now = time_ns();
		memcpy(b + 8, &now, sizeof(now));
	}
	b[0] = ICMP_ECHO;
	b[1] = 0;
	b[2] = b[3] = 0;
	b[4] = (uint8_t)(pg->id >> 8), b[5] = (uint8_t)pg->id;
	b[6] = (uint8_t)(seq >> 8), b[7] = (uint8_t)seq;
	u16_t sum = inet_chksum(b, (u16_t)(8 + pg->size));
	memcpy(b + 2, &sum, 2); /* already in network order */
	ip_addr_t dst;
	ip_addr_copy_from_ip4(dst, pg->dst);
	err_t e = raw_sendto(pg->pcb, p, &dst);
	pbuf_free(p);
	if (e != ERR_OK) {
		con_printf("ping: sendmsg: %s\n", err_text(e));
		return;
	}
	ICMP_STATS_INC(icmp.xmit);
	MIB2_STATS_INC(mib2.icmpoutmsgs);
	MIB2_STATS_INC(mib2.icmpoutechos);
}

/* ---- summary ------------------------------------------------------------ */

static uint64_t p10(int n)
{
	uint64_t v = 1;
	while (n-- > 0)
		v *= 10;
	return v;
}

/* printf's "%g" (six significant digits) of num/den, without floats:
 * iputils prints the loss percentage that way. */
static void print_g(uint64_t num, uint64_t den)
{
	int x = 2; /* decimal exponent; the percentage is at most 100 */
	while (x > -6 && (x >= 0 ? num < den * p10(x) : num * p10(-x) < den))
		x--;
	int decimals = 5 - x;
	uint64_t unit = p10(decimals);
	uint64_t v = (num * unit * 2 / den + 1) / 2; /* rounded */
	uint64_t ip = v / unit, fp = v % unit;
	while (decimals > 0 && fp % 10 == 0) {
		fp /= 10;
		decimals--;
	}
	if (decimals)
		con_printf("%lu.%0*lu", (unsigned long)ip, decimals, (unsigned long)fp);
	else
		con_printf("%lu", (unsigned long)ip);
}

/* n / d, for n whose quotient fits 64 bits (its high half below d). */
static uint64_t div128(unsigned __int128 n, uint64_t d)
{
	uint64_t r = (uint64_t)(n >> 64), lo = (uint64_t)n, q = 0;
	for (int i = 63; i >= 0; i--) {
		int carry = (int)(r >> 63);
		r = r << 1 | (lo >> i & 1);
		q <<= 1;
		if (carry || r >= d) {
			r -= d;
			q |= 1;
		}
	}
	return q;
}

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0;
	for (uint64_t bit = 1ULL << 62; bit; bit >>= 2) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static void summary(const struct ping *pg, uint64_t elapsed_ns)
{
	con_printf("\n--- %s ping statistics ---\n", pg->host);
	con_printf("%ld packets transmitted, %ld received", pg->sent, pg->received);
	if (pg->dups)
		con_printf(", +%ld duplicates", pg->dups);
	if (pg->corrupt)
		con_printf(", +%ld corrupted", pg->corrupt);
	if (pg->errors)
		con_printf(", +%ld errors", pg->errors);
	if (pg->sent) {
		con_printf(", ");
		long lost = pg->sent > pg->received ? pg->sent - pg->received : 0;
		print_g((uint64_t)lost * 100, (uint64_t)pg->sent);
		con_printf("%% packet loss, time %lums", (unsigned long)((elapsed_ns + 500000) / 1000000));
	}
	con_printf("\n");
	long n = pg->timed;
	if (!pg->received || !n)
		return;
	uint64_t avg = pg->tsum / (uint64_t)n;
	uint64_t sq = div128(pg->tsum2, (uint64_t)n);
	uint64_t mdev = isqrt(sq > avg * avg ? sq - avg * avg : 0);
	con_printf("rtt min/avg/max/mdev = %lu.%03lu/%lu.%03lu/%lu.%03lu/%lu.%03lu ms\n",
		   (unsigned long)(pg->tmin / 1000), (unsigned long)(pg->tmin % 1000),
		   (unsigned long)(avg / 1000), (unsigned long)(avg % 1000),
		   (unsigned long)(pg->tmax / 1000), (unsigned long)(pg->tmax % 1000),
		   (unsigned long)(mdev / 1000), (unsigned long)(mdev % 1000));
}

/* ---- the command -------------------------------------------------------- */

/* iputils' schedule_exit: after the last request, wait two of the longest
 * round trips (at least one interval) if anything came back, else -W. */
static uint64_t exit_wait_ns(const struct ping *pg, const struct ping_opts *o)
{
	if (!pg->received)
		return (uint64_t)o->linger_ms * 1000000;
	uint64_t ns = 2 * pg->tmax * 1000, iv = (uint64_t)o->interval_ms * 1000000;
	return ns > iv ? ns : iv;
}

static void run(struct ping *pg, const struct ping_opts *o)
{
	uint64_t start = time_ns(), next = start, deadline = 0, now;
	for (;;) {
		if (console_interrupted())
			break;
		now = time_ns();
		if (pg->sent < pg->count && now >= next) {
			send_echo(pg);
			next += (uint64_t)o->interval_ms * 1000000;
			if (next < now)
				next = now; /* fell behind: no burst to catch up */
			if (pg->sent == pg->count)
				deadline = now + exit_wait_ns(pg, o);
			continue;
		}
		if (pg->received + pg->errors >= pg->count || (deadline && now >= deadline))
			break;
		uint64_t until = deadline ? deadline : next;
		uint64_t ms = (until - now + 999999) / 1000000;
		loop_pump(ms < PING_WAKE_MS ? ms : PING_WAKE_MS);
	}
	summary(pg, time_ns() - start);
}

static int cmd_ping(int argc, char **argv)
{
	struct ping_opts o;
	struct ping *pg = &ping;
	if (parse_args(argc, argv, &o))
		return 2;
	memset(pg, 0, sizeof(*pg));
	if (parse_host(o.host, &pg->dst)) {
		con_printf("ping: %s: Name or service not known\n", o.host);
		return 2;
	}
	struct netif *nif = ip4_route(&pg->dst);
	if (!nif || ip4_addr_isany_val(pg->dst) || ip4_addr_isloopback(&pg->dst) ||
	    ip4_addr_ismulticast(&pg->dst)) {
		con_printf("ping: connect: Network is unreachable\n");
		return 2;
	}
	if (ip4_addr_isbroadcast(&pg->dst, nif)) {
		con_printf("ping: Do you want to ping broadcast? Then -b. If not, check your local "
			   "firewall rules\n");
		return 2;
	}
	if (!(pg->pcb = raw_new(IP_PROTO_ICMP))) {
		con_printf("ping: socket: No buffer space available\n");
		return 2;
	}
	if (random_get(&pg->id, sizeof(pg->id)) < 0)
		pg->id ^= (uint16_t)time_ns();
	pg->size = (int)o.size;
	pg->count = o.count;
	pg->quiet = o.quiet;
	inet_format(lwip_ntohl(ip4_addr_get_u32(&pg->dst)), pg->host);
	raw_recv(pg->pcb, ping_recv, pg);
	con_printf("PING %s (%s) %d(%d) bytes of data.\n", pg->host, pg->host, pg->size, pg->size + 28);
	run(pg, &o);
	raw_remove(pg->pcb);
	pg->pcb = NULL;
	return pg->received ? 0 : 1;
}
CONSOLE_CMD(ping, "ping", cmd_ping, "ping [-q] [-c N] [-i S] [-s B] [-W S] ADDR",
	    "ICMP echo, iputils output (-c default 4; -i >= 0.01)");
