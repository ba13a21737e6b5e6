/*
 * FQ-CoDel (RFC 8290; Linux sch_fq_codel): packets are hashed into a
 * fixed number of flows, each a FIFO with its own CoDel state; flows
 * take turns by deficit round robin (a quantum of bytes per round),
 * flows that just became active ("new") ahead of the rest ("old").
 * Over the packet limit or memory limit, the flow with the most bytes
 * queued loses packets from its head, up to drop_batch of them or half
 * its bytes, and its CoDel count grows by as many.
 *
 * The flow hash comes in the packet (qpkt.hash: the caller's keyed hash
 * of the 5-tuple, RFC 8290 section 4.1.1); it is scaled to flows as
 * Linux's reciprocal_scale() does.  The flow table is the caller's
 * memory (fq_codel_init), fixed for the qdisc's life like Linux's.
 */
#ifndef NET_SCHED_FQ_CODEL_H
#define NET_SCHED_FQ_CODEL_H

#include "net/sched/codel.h"

#define FQ_CODEL_LIMIT_DEFAULT 10240u          /* packets */
#define FQ_CODEL_FLOWS_DEFAULT 1024u
#define FQ_CODEL_FLOWS_MAX 65536u
#define FQ_CODEL_QUANTUM_DEFAULT 1514u         /* bytes: MTU + Ethernet header */
#define FQ_CODEL_QUANTUM_MIN 256u              /* bytes: smaller is raised to this */
#define FQ_CODEL_QUANTUM_MAX (1u << 20)        /* bytes: larger is refused */
#define FQ_CODEL_MEMORY_LIMIT_DEFAULT (32u << 20) /* bytes */
#define FQ_CODEL_DROP_BATCH_DEFAULT 64u        /* packets */

struct fq_codel_conf {
	uint32_t limit;            /* packets, all flows */
	uint32_t flows;            /* 1..FQ_CODEL_FLOWS_MAX; only at creation */
	uint32_t quantum;          /* bytes per DRR round */
	uint32_t memory_limit;     /* bytes of qpkt.truesize, all flows */
	uint32_t drop_batch;       /* packets at most per fattest-flow drop; 0 means 1 */
	uint64_t target_ns, interval_ns;
	uint32_t mtu;              /* bytes: CoDel's no-drop backlog */
	uint8_t ecn;
};

struct fq_codel_flow {
	struct qpkt_fifo q;
	struct fq_codel_flow *next; /* on new_flows or old_flows */
	int32_t deficit;           /* bytes left in this round */
	uint32_t backlog;          /* bytes queued */
	uint8_t listed;            /* on new_flows or old_flows */
	struct codel_vars cvars;
};

struct fq_codel_list {
	struct fq_codel_flow *head, *tail;
	uint32_t len;              /* Linux's new_flows_len / old_flows_len */
};

struct fq_codel {
	struct qdisc q;            /* first: the ops get &fq_codel.q */
	struct fq_codel_flow *flows;
	uint32_t nflows;
	struct fq_codel_list new_flows, old_flows;
	uint32_t limit, quantum, memory_limit, drop_batch;
	struct codel_params cparams;
	struct codel_stats cstats; /* maxpacket, ecn_mark */
	uint32_t memory_usage;     /* bytes of truesize queued */
	uint32_t drop_overlimit;   /* packets dropped by the fattest-flow rule */
	uint32_t drop_overmemory;  /* of those, when memory_limit was the cause */
	uint32_t new_flow_count;   /* flows that joined new_flows */
	struct fq_codel_flow *cur; /* the flow codel_dequeue() is working on */
};

extern const struct qdisc_ops fq_codel_ops;

void fq_codel_conf_default(struct fq_codel_conf *c);
/* 0, or -EINVAL for flows outside 1..65536 or quantum above 1 MiB
 * (tc: "Invalid quantum"). */
int fq_codel_conf_check(const struct fq_codel_conf *c);
/* flows: conf->flows zeroed or not, the caller's memory, kept until the
 * qdisc is gone.  0 or -EINVAL (nothing changed). */
int fq_codel_init(struct fq_codel *fq, const struct fq_codel_conf *conf,
		  struct fq_codel_flow *flows, qdisc_drop_fn drop, void *drop_ctx);
/* The flow a hash lands in: (hash * flows) >> 32. */
uint32_t fq_codel_flow_index(const struct fq_codel *fq, uint32_t hash);

#endif
