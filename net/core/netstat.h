/*
 * Counters of ours that `netstat -s` prints under Linux's TcpExt names.
 * lwIP has no listen queue or SYN cookies of its own; the code that adds
 * them increments these, and declares each in the counter registry
 * (net/core/counter.h) beside its ++.
 */
#ifndef NET_NETSTAT_H
#define NET_NETSTAT_H

#include <stdint.h>

extern struct netstat_ext {
	uint64_t listen_overflows;         /* ListenOverflows: accept queue full */
	uint64_t listen_drops;             /* ListenDrops: SYNs to LISTEN sockets dropped */
	uint64_t syncookies_sent;          /* SyncookiesSent */
	uint64_t syncookies_recv;          /* SyncookiesRecv: valid cookies */
	uint64_t syncookies_failed;        /* SyncookiesFailed: invalid cookies */
	uint64_t tcp_req_qfull_drop;       /* TCPReqQFullDrop: SYN queue full, no cookies */
	uint64_t tcp_req_qfull_do_cookies; /* TCPReqQFullDoCookies: SYN queue full, cookie sent */
	uint64_t tcp_rcv_collapsed;        /* TCPRcvCollapsed: queued pbufs copied into compact ones */
	uint64_t tcp_rcvq_drop;            /* TCPRcvQDrop: received data dropped, no memory to queue it */
	uint64_t ofo_pruned;               /* OfoPruned: out-of-order queues dropped under memory pressure */
	uint64_t tcp_memory_pressures;     /* TCPMemoryPressures: times TCP entered memory pressure */
	uint64_t tcp_abort_on_memory;      /* TCPAbortOnMemory: connections reset to give memory back */
	uint64_t embryonic_rsts;           /* EmbryonicRsts: half-open connections reset (received or sent) */
	uint64_t tcp_syn_retrans;          /* TCPSynRetrans: SYN-ACKs retransmitted */
} netstat_ext;

/* nstat's PATTERN match (net/core/cmd_nstat.c): a shell glob ('*', '?',
 * '[...]', '\\'), letters without case, as fnmatch(FNM_CASEFOLD); 1 if s matches. */
int nstat_glob(const char *pattern, const char *s);

/* Linux's CurrEstab: connections in ESTABLISHED or CLOSE_WAIT (net/core/counter_lwip.c). */
unsigned netstat_curr_estab(void);

#endif
