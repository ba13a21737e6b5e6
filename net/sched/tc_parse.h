/*
 * The console's `tc` command line, parsed (iproute2 6.1's tc, the qdisc
 * object only) into a struct tc_req; the tc command executes it.  Pure:
 * no device lookup, no qdisc touched.  Errors carry tc's own words, checked
 * against the real tc 6.1 (host tc in a scratch netns for what tc itself
 * refuses; the Linux peer VM, kernel 6.1, for what the kernel refuses):
 *
 *   tc [-s[tatistics]] [-d[etails]] qdisc [ { show | list | ls } [ dev DEV ]
 *        [ root | handle H | parent P ] [ invisible ] ]
 *   tc [-s] [-d] qdisc { add | replace | change | link | delete } dev DEV
 *        { root | parent P } [ handle H ] [ KIND [ OPTIONS ] ]
 *   KIND: pfifo|bfifo [ limit SIZE ] | codel [...] | fq_codel [...] |
 *         tbf rate R burst B (latency T | limit SIZE) [ peakrate R mtu B ]
 */
#ifndef NET_SCHED_TC_PARSE_H
#define NET_SCHED_TC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "net/sched/codel.h"
#include "net/sched/fq_codel.h"
#include "net/sched/pfifo.h"
#include "net/sched/tbf.h"

/* Linux's handle words (include/uapi/linux/pkt_sched.h): major:minor. */
#define TC_H_MAJ(h) ((uint32_t)(h) & 0xffff0000u)
#define TC_H_MIN(h) ((uint32_t)(h) & 0x0000ffffu)
#define TC_H_ROOT 0xffffffffu
#define TC_H_INGRESS 0xfffffff1u   /* also clsact's parent */

#define TC_DEV_LEN 16              /* IFNAMSIZ: tc keeps 15 characters */
#define TC_KIND_LEN 16             /* tc keeps 15 characters of a kind */
#define TC_ERR_LEN 512             /* always enough for err */
/* Linux's bfifo limit when none is given: txqueuelen * psched_mtu() */
#define TC_BFIFO_LIMIT_DEFAULT (PFIFO_LIMIT_DEFAULT * CODEL_MTU_DEFAULT)

enum tc_cmd {
	TC_CMD_SHOW,               /* show, list, ls (lst), or `tc qdisc` alone */
	TC_CMD_ADD,
	TC_CMD_CHANGE,
	TC_CMD_REPLACE,
	TC_CMD_LINK,               /* "l"/"li" abbreviate link, not list, in tc */
	TC_CMD_DELETE,
	TC_CMD_HELP,               /* print `tc qdisc help`'s usage, exit 0 */
};

enum tc_kind {
	TC_KIND_NONE,              /* no kind given */
	TC_KIND_PFIFO,
	TC_KIND_BFIFO,
	TC_KIND_CODEL,
	TC_KIND_FQ_CODEL,
	TC_KIND_TBF,
	TC_KIND_OTHER,             /* a kind nagare lacks: the kernel refuses it */
};

/* tc_req.given: options the line gave.  `change` sets only these; as tc
 * sends them, a 0 limit/flows/quantum/... counts as not given (tc leaves
 * the attribute out), ecn/noecn and ce_threshold always count. */
#define TC_GIVEN_LIMIT        (1u << 0)   /* fifo, codel, fq_codel, tbf */
#define TC_GIVEN_TARGET       (1u << 1)
#define TC_GIVEN_INTERVAL     (1u << 2)
#define TC_GIVEN_ECN          (1u << 3)
#define TC_GIVEN_CE_THRESHOLD (1u << 4)
#define TC_GIVEN_FLOWS        (1u << 5)
#define TC_GIVEN_QUANTUM      (1u << 6)
#define TC_GIVEN_MEMORY_LIMIT (1u << 7)
#define TC_GIVEN_DROP_BATCH   (1u << 8)
#define TC_GIVEN_RATE         (1u << 9)   /* tbf */
#define TC_GIVEN_BURST        (1u << 10)
#define TC_GIVEN_LATENCY      (1u << 11)
#define TC_GIVEN_PEAKRATE     (1u << 12)
#define TC_GIVEN_MTU          (1u << 13)

struct tc_req {
	enum tc_cmd cmd;
	uint8_t stats;             /* -s: how many times, as tc counts */
	uint8_t details;           /* -d */
	uint8_t invisible;         /* show ... invisible */
	char dev[TC_DEV_LEN];      /* "": none given (show: all devices) */
	uint8_t is_root;           /* parent == TC_H_ROOT ("root", or parent ffff:ffff) */
	uint32_t parent;           /* major<<16|minor; 0: none given */
	uint8_t has_handle;
	uint32_t handle;           /* major<<16 (minor ignored, as tc does); 0: kernel picks */
	enum tc_kind kind;
	char kind_name[TC_KIND_LEN]; /* as typed (truncated), "" when none */
	uint32_t given;            /* TC_GIVEN_* */
	uint64_t ce_threshold_ns;  /* codel/fq_codel; valid when TC_GIVEN_CE_THRESHOLD */
	union {                    /* by kind: Linux's defaults, then what was given */
		struct pfifo_conf pfifo;
		uint32_t bfifo_limit;      /* bytes */
		struct codel_conf codel;
		struct fq_codel_conf fq_codel;
		struct tbf_params tbf;     /* 0 fields: not given; limit filled by tc_req_check */
	} u;
};

/* Parses tc's argv without the leading "tc" (argv[0] is the first word
 * after it).  0, or -EINVAL with tc's message in err (lines joined by
 * '\n', no final newline; truncated to errlen).  Where tc follows a
 * message with a usage of several lines, err has the message only (a
 * one-line usage, fifo's, is kept); a kind's "help" gives that kind's
 * usage as the error, as tc exits 1 after printing it. */
int tc_parse(int argc, char **argv, struct tc_req *r, char *err, size_t errlen);

/* What the kernel refuses (checked after tc_parse, before executing):
 * no dev, no parent, an unknown kind, fq_codel's quantum and flows, tbf's
 * peakrate; also tc's tbf limit from latency (into r->u.tbf.limit).  0, or
 * -EINVAL / -ENODEV with the message tc prints for the kernel's answer. */
int tc_req_check(struct tc_req *r, char *err, size_t errlen);

/* For `change`: overwrite in cur only what r gave.  cur is the current
 * conf of r->kind's type: struct pfifo_conf, uint32_t (bfifo bytes),
 * struct codel_conf, struct fq_codel_conf, struct tbf_params.  -EINVAL
 * for no kind or another kind.  ce_threshold is not in the confs: the
 * caller takes r->ce_threshold_ns when TC_GIVEN_CE_THRESHOLD is set. */
int tc_req_merge(const struct tc_req *r, void *cur);

/* A handle as tc prints a parent: "root", "ingress", "1:", ":1", "1:1"
 * (hex); a qdisc's own handle (minor 0) prints as "1:", 0 as "0:".
 * snprintf-style return. */
int tc_print_handle(char *buf, size_t n, uint32_t h);

#endif
