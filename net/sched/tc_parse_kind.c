/*
 * tc's qdisc kinds and their options (net/sched/tc_parse.h): pfifo,
 * bfifo, codel, fq_codel, tbf, as iproute2 6.1's tc reads them (its
 * q_fifo, q_codel, q_fq_codel, q_tbf; observed, not copied): which words
 * it takes whole and which as prefixes, its number readers, its messages
 * word for word, and that a 0 value is not sent (so not "given").  Also
 * tc_req_merge() for `tc qdisc change`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "net/sched/tc_parse_priv.h"
#include "net/sched/tc_units.h"

static const char usage_fifo[] = "Usage: ... <[p|b]fifo | pfifo_head_drop> [ limit NUMBER ]";
static const char usage_codel[] =
	"Usage: ... codel [ limit PACKETS ] [ target TIME ]\n"
	"\t\t [ interval TIME ] [ ecn | noecn ]\n"
	"\t\t [ ce_threshold TIME ]";
static const char usage_fq_codel[] =
	"Usage: ... fq_codel\t[ limit PACKETS ] [ flows NUMBER ]\n"
	"[ memory_limit BYTES ]\n"
	"[ target TIME ] [ interval TIME ]\n"
	"[ quantum BYTES ] [ [no]ecn ]\n"
	"[ ce_threshold TIME ]\n"
	"[ ce_threshold_selector VALUE/MASK ]\n"
	"[ drop_batch SIZE ]";
static const char usage_tbf[] =
	"Usage: ... tbf limit BYTES burst BYTES[/BYTES] rate KBPS [ mtu BYTES[/BYTES] ]\n"
	"\t[ peakrate KBPS ] [ latency TIME ] [ overhead BYTES ] [ linklayer TYPE ]";

/* ---- pfifo, bfifo: "limit" through tc's size reader for both ---- */

static int parse_fifo(struct tc_cur *c, struct tc_req *r)
{
	const char *w, *a;
	uint32_t v;
	int err;
	for (; (w = tc_cur_word(c)); c->i++) {
		if (!strcmp(w, "limit")) {
			if ((err = tc_cur_next(c, &a)))
				return err;
			if (tc_parse_size(a, &v))
				return tc_fail(c, "%s: Illegal value for \"limit\": \"%s\"", r->kind_name, a);
			if (r->kind == TC_KIND_PFIFO)
				r->u.pfifo.limit = v;
			else
				r->u.bfifo_limit = v;
			r->given |= TC_GIVEN_LIMIT;  /* fifo sends a given 0 */
		} else if (!strcmp(w, "help")) {
			return tc_fail(c, "%s", usage_fifo);
		} else {
			return tc_fail(c, "%s: unknown parameter \"%s\"\n%s", r->kind_name, w, usage_fifo);
		}
	}
	return 0;
}

/* ---- codel and fq_codel: whole words, `Illegal "word"` ---- */

static int opt_u32(struct tc_cur *c, struct tc_req *r, uint32_t *dst, uint32_t bit)
{
	const char *w = tc_cur_word(c), *a;
	uint32_t v;
	int err;
	if ((err = tc_cur_next(c, &a)))
		return err;
	if (tc_get_u32(a, &v))
		return tc_fail(c, "Illegal \"%s\"", w);
	if (v) {                     /* tc leaves a 0 out */
		*dst = v;
		r->given |= bit;
	}
	return 0;
}

static int opt_size(struct tc_cur *c, struct tc_req *r, uint32_t *dst, uint32_t bit)
{
	const char *w = tc_cur_word(c), *a;
	uint32_t v;
	int err;
	if ((err = tc_cur_next(c, &a)))
		return err;
	if (tc_parse_size(a, &v))
		return tc_fail(c, "Illegal \"%s\"", w);
	if (v) {
		*dst = v;
		r->given |= bit;
	}
	return 0;
}

/* ce_threshold is sent even when 0 (tc's "unset" is ~0). */
static int opt_time(struct tc_cur *c, struct tc_req *r, uint64_t *dst, uint32_t bit)
{
	const char *w = tc_cur_word(c), *a;
	uint64_t v;
	int err;
	if ((err = tc_cur_next(c, &a)))
		return err;
	if (tc_parse_time(a, &v))
		return tc_fail(c, "Illegal \"%s\"", w);
	if (v || bit == TC_GIVEN_CE_THRESHOLD) {
		*dst = v;
		r->given |= bit;
	}
	return 0;
}

/* One option common to codel and fq_codel; 1: not one of them. */
static int codel_common(struct tc_cur *c, struct tc_req *r, const char *w, uint32_t *limit,
			uint64_t *target, uint64_t *interval, uint8_t *ecn)
{
	if (!strcmp(w, "limit"))
		return opt_u32(c, r, limit, TC_GIVEN_LIMIT);
	if (!strcmp(w, "target"))
		return opt_time(c, r, target, TC_GIVEN_TARGET);
	if (!strcmp(w, "interval"))
		return opt_time(c, r, interval, TC_GIVEN_INTERVAL);
	if (!strcmp(w, "ce_threshold"))
		return opt_time(c, r, &r->ce_threshold_ns, TC_GIVEN_CE_THRESHOLD);
	if (!strcmp(w, "ecn") || !strcmp(w, "noecn")) {
		*ecn = w[0] == 'e';
		r->given |= TC_GIVEN_ECN;
		return 0;
	}
	return 1;
}

static int parse_codel(struct tc_cur *c, struct tc_req *r)
{
	struct codel_conf *q = &r->u.codel;
	const char *w;
	int err;
	for (; (w = tc_cur_word(c)); c->i++) {
		err = codel_common(c, r, w, &q->limit, &q->target_ns, &q->interval_ns, &q->ecn);
		if (err <= 0) {
			if (err)
				return err;
		} else if (!strcmp(w, "help")) {
			return tc_fail(c, "%s", usage_codel);
		} else {     /* tc adds its usage after this line */
			return tc_fail(c, "What is \"%s\"?", w);
		}
	}
	return 0;
}

static int parse_fq_codel(struct tc_cur *c, struct tc_req *r)
{
	struct fq_codel_conf *q = &r->u.fq_codel;
	const char *w;
	int err;
	for (; (w = tc_cur_word(c)); c->i++) {
		err = codel_common(c, r, w, &q->limit, &q->target_ns, &q->interval_ns, &q->ecn);
		if (err <= 0) {
			if (err)
				return err;
		} else if (!strcmp(w, "flows")) {
			if ((err = opt_u32(c, r, &q->flows, TC_GIVEN_FLOWS)))
				return err;
		} else if (!strcmp(w, "quantum")) {
			if ((err = opt_u32(c, r, &q->quantum, TC_GIVEN_QUANTUM)))
				return err;
		} else if (!strcmp(w, "drop_batch")) {
			if ((err = opt_u32(c, r, &q->drop_batch, TC_GIVEN_DROP_BATCH)))
				return err;
		} else if (!strcmp(w, "memory_limit")) {
			if ((err = opt_size(c, r, &q->memory_limit, TC_GIVEN_MEMORY_LIMIT)))
				return err;
		} else if (!strcmp(w, "help")) {
			return tc_fail(c, "%s", usage_fq_codel);
		} else {     /* also ce_threshold_selector, which nagare lacks */
			return tc_fail(c, "What is \"%s\"?", w);
		}
	}
	return 0;
}

/* ---- tbf ---- */

/* A size with tc's optional "/cell" (a power of two; nagare computes
 * without rate tables, so the cell is checked and dropped). */
static int size_cell(const char *s, uint32_t *v)
{
	char head[32];
	const char *slash = strchr(s, '/');
	uint32_t cell;
	if (!slash)
		return tc_parse_size(s, v);
	if ((size_t)(slash - s) >= sizeof(head))
		return -EINVAL;
	memcpy(head, s, (size_t)(slash - s));
	head[slash - s] = 0;
	if (tc_get_u32(slash + 1, &cell) || !cell || (cell & (cell - 1)))
		return -EINVAL;
	return tc_parse_size(head, v);
}

enum tbf_opt { T_LIMIT, T_LATENCY, T_BURST, T_MTU, T_RATE, T_PEAKRATE };

/* tc's order; prefixes only for limit, latency and peakrate. */
static int tbf_word(const char *w)
{
	if (tc_matches(w, "limit"))
		return T_LIMIT;
	if (tc_matches(w, "latency"))
		return T_LATENCY;
	if (!strcmp(w, "burst") || !strcmp(w, "buffer") || !strcmp(w, "maxburst"))
		return T_BURST;
	if (!strcmp(w, "mtu") || !strcmp(w, "minburst"))
		return T_MTU;
	if (!strcmp(w, "rate"))
		return T_RATE;
	if (tc_matches(w, "peakrate"))
		return T_PEAKRATE;
	return -1;
}

static int tbf_opt(struct tc_cur *c, struct tbf_params *p, const char *w, int o)
{
	static const char *const dup[] = { "limit", "latency", "buffer/burst/maxburst",
					   "mtu/minburst", "rate", "peakrate" };
	const char *a;
	int err = 0, set;
	set = o == T_LIMIT ? p->limit != 0 : o == T_LATENCY ? p->latency_ns != 0 :
	      o == T_BURST ? p->burst != 0 : o == T_MTU ? p->mtu != 0 :
	      o == T_RATE ? p->rate != 0 : p->peakrate != 0;
	if ((err = tc_cur_next(c, &a)))  /* tc steps first, then checks */
		return err;
	if (set)
		return tc_fail(c, "tbf: duplicate \"%s\" specification", dup[o]);
	if (o == T_LIMIT && p->latency_ns)  /* named in the order they came */
		return tc_fail(c, "%s", TBF_ERR_BOTH);
	if (o == T_LATENCY && p->limit)     /* tc's own spelling */
		return tc_fail(c, "tbf: specifying both \"limit\" and \"/latency\" is not allowed");
	switch (o) {
	case T_LIMIT: err = tc_parse_size(a, &p->limit); break;
	case T_LATENCY: err = tc_parse_time(a, &p->latency_ns); break;
	case T_BURST: err = size_cell(a, &p->burst); break;
	case T_MTU: err = size_cell(a, &p->mtu); break;
	case T_RATE: err = tc_parse_rate(a, &p->rate); break;
	default: err = tc_parse_rate(a, &p->peakrate); break;
	}
	if (err)    /* the word as typed: "buffer", "lat" */
		return tc_fail(c, "tbf: illegal value for \"%s\": \"%s\"", w, a);
	return 0;
}

static int parse_tbf(struct tc_cur *c, struct tc_req *r)
{
	struct tbf_params *p = &r->u.tbf, chk;
	const char *w, *errs[TBF_MAX_ERRS];
	int err, n, o;
	for (; (w = tc_cur_word(c)); c->i++) {
		if ((o = tbf_word(w)) >= 0) {
			if ((err = tbf_opt(c, p, w, o)))
				return err;
		} else if (!strcmp(w, "help")) {
			return tc_fail(c, "%s", usage_tbf);
		} else {     /* also mpu, overhead, linklayer: nagare has none */
			return tc_fail(c, "tbf: unknown parameter \"%s\"", w);
		}
	}
	r->given |= (p->rate ? TC_GIVEN_RATE : 0) | (p->burst ? TC_GIVEN_BURST : 0) |
		    (p->limit ? TC_GIVEN_LIMIT : 0) | (p->latency_ns ? TC_GIVEN_LATENCY : 0) |
		    (p->peakrate ? TC_GIVEN_PEAKRATE : 0) | (p->mtu ? TC_GIVEN_MTU : 0);
	chk = *p;
	n = tbf_check(&chk, errs);
	if (n == 0 || !strcmp(errs[0], TBF_ERR_KERNEL))  /* the kernel's: tc_req_check */
		return 0;
	/* tc prints all of them, then its usage */
	size_t len = 0;
	for (int i = 0; i < n && len < c->errlen; i++) {
		int k = snprintf(c->err + len, c->errlen - len, "%s%s", i ? "\n" : "", errs[i]);
		len += k > 0 ? (size_t)k : 0;
	}
	return -EINVAL;
}

static const struct {
	const char *name;
	enum tc_kind kind;
	int (*parse)(struct tc_cur *c, struct tc_req *r);
} kinds[] = {
	{ "pfifo", TC_KIND_PFIFO, parse_fifo }, { "bfifo", TC_KIND_BFIFO, parse_fifo },
	{ "codel", TC_KIND_CODEL, parse_codel }, { "fq_codel", TC_KIND_FQ_CODEL, parse_fq_codel },
	{ "tbf", TC_KIND_TBF, parse_tbf },
};

static void set_defaults(struct tc_req *r)
{
	switch (r->kind) {
	case TC_KIND_PFIFO: pfifo_conf_default(&r->u.pfifo); break;
	case TC_KIND_BFIFO: r->u.bfifo_limit = TC_BFIFO_LIMIT_DEFAULT; break;
	case TC_KIND_CODEL: codel_conf_default(&r->u.codel); break;
	case TC_KIND_FQ_CODEL: fq_codel_conf_default(&r->u.fq_codel); break;
	default: break;      /* tbf: all zero, "not given" */
	}
}

/* The word at the cursor names the kind; the rest of the line is its. */
int tc_parse_kind(struct tc_cur *c, struct tc_req *r)
{
	size_t i;
	strlcpy(r->kind_name, tc_cur_word(c), sizeof(r->kind_name));
	c->i++;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(r->kind_name, kinds[i].name))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		r->kind = TC_KIND_OTHER;
		if (tc_cur_word(c))
			return tc_fail(c, "Unknown qdisc \"%s\", hence option \"%s\" is unparsable",
				       r->kind_name, tc_cur_word(c));
		return 0;
	}
	r->kind = kinds[i].kind;
	set_defaults(r);
	return kinds[i].parse(c, r);
}

int tc_req_merge(const struct tc_req *r, void *cur)
{
	uint32_t g = r->given;
	switch (r->kind) {
	case TC_KIND_PFIFO:
		if (g & TC_GIVEN_LIMIT)
			((struct pfifo_conf *)cur)->limit = r->u.pfifo.limit;
		return 0;
	case TC_KIND_BFIFO:
		if (g & TC_GIVEN_LIMIT)
			*(uint32_t *)cur = r->u.bfifo_limit;
		return 0;
	case TC_KIND_CODEL: {
		struct codel_conf *q = cur;
		const struct codel_conf *n = &r->u.codel;
		if (g & TC_GIVEN_LIMIT) q->limit = n->limit;
		if (g & TC_GIVEN_TARGET) q->target_ns = n->target_ns;
		if (g & TC_GIVEN_INTERVAL) q->interval_ns = n->interval_ns;
		if (g & TC_GIVEN_ECN) q->ecn = n->ecn;
		return 0;
	}
	case TC_KIND_FQ_CODEL: {
		struct fq_codel_conf *q = cur;
		const struct fq_codel_conf *n = &r->u.fq_codel;
		if (g & TC_GIVEN_LIMIT) q->limit = n->limit;
		if (g & TC_GIVEN_FLOWS) q->flows = n->flows;  /* Linux refuses a change of flows */
		if (g & TC_GIVEN_QUANTUM) q->quantum = n->quantum;
		if (g & TC_GIVEN_TARGET) q->target_ns = n->target_ns;
		if (g & TC_GIVEN_INTERVAL) q->interval_ns = n->interval_ns;
		if (g & TC_GIVEN_MEMORY_LIMIT) q->memory_limit = n->memory_limit;
		if (g & TC_GIVEN_ECN) q->ecn = n->ecn;
		if (g & TC_GIVEN_DROP_BATCH) q->drop_batch = n->drop_batch;
		return 0;
	}
	case TC_KIND_TBF:
		/* tc demands rate, burst and limit/latency on every line and sends
		 * all of its parameters, so the kernel replaces the whole set
		 * (an absent peakrate removes the peak bucket). */
		*(struct tbf_params *)cur = r->u.tbf;
		return 0;
	default:
		return -EINVAL;
	}
}
