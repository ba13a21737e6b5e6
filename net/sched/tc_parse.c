/*
 * tc's command line (net/sched/tc_parse.h): options, the qdisc command,
 * dev/root/parent/handle, and the kernel's refusals.  Behaviour follows
 * iproute2 6.1's tc (tc.c, tc_qdisc.c, tc_util.c) as observed by running
 * it, written here from those observations, not from its source; each
 * message was copied from the real tc's output.  Kind options are in
 * tc_parse_kind.c.  Callers: the console's tc command;
 * tests/unit/test_tc_parse.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net/sched/tc_parse_priv.h"

#define ERR_INCOMPLETE "Command line is not complete. Try option \"help\""

const char *tc_cur_word(const struct tc_cur *c)
{
	if (c->i >= c->argc)
		return NULL;
	return c->argv[c->i] ? c->argv[c->i] : "";
}

int tc_fail(struct tc_cur *c, const char *fmt, ...)
{
	va_list ap;
	if (c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

int tc_cur_next(struct tc_cur *c, const char **arg)
{
	c->i++;
	*arg = tc_cur_word(c);
	return *arg ? 0 : tc_fail(c, ERR_INCOMPLETE);
}

int tc_matches(const char *word, const char *full)
{
	while (*word && *word == *full)
		word++, full++;
	return !*word;
}

/* ---- numbers: glibc strtoul's reading, which tc's readers rest on ---- */

static int digit(int ch, int base)
{
	int d = ch >= '0' && ch <= '9' ? ch - '0' :
		ch >= 'a' && ch <= 'z' ? ch - 'a' + 10 :
		ch >= 'A' && ch <= 'Z' ? ch - 'A' + 10 : 99;
	return d < base ? d : -1;
}

/* strtoul(s, &end, base) for base 0 or 16 on a 64-bit long: leading white
 * space, a sign, a 0x prefix; a negative result wraps; on overflow
 * *ovf is set (the value is ULONG_MAX).  *end == s: no digits. */
static uint64_t scan_ul(const char *s, int base, const char **end, int *ovf)
{
	const char *p = s;
	int neg = 0;
	uint64_t v = 0;
	*ovf = 0;
	*end = s;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' && digit(p[2], 16) >= 0)
		p += 2, base = 16;
	else if (base == 0)
		base = p[0] == '0' ? 8 : 10;
	if (digit(*p, base) < 0)
		return 0;
	for (; digit(*p, base) >= 0; p++)
		if (__builtin_mul_overflow(v, (uint64_t)base, &v) ||
		    __builtin_add_overflow(v, (uint64_t)digit(*p, base), &v))
			*ovf = 1;
	*end = p;
	if (*ovf)
		return UINT64_MAX;
	return neg ? -v : v;
}

int tc_get_u32(const char *s, uint32_t *v)
{
	const char *end;
	int ovf;
	uint64_t x = scan_ul(s, 0, &end, &ovf);
	if (end == s || *end || ovf || x > UINT32_MAX)
		return -EINVAL;
	*v = (uint32_t)x;
	return 0;
}

/* A qdisc handle: hex major, then ':' and anything, or nothing ("1",
 * "1:", "1:x", "0x10:"; not "1x", ":" or "10000:"). */
static int get_qdisc_handle(const char *s, uint32_t *h)
{
	const char *end;
	int ovf;
	uint64_t maj = scan_ul(s, 16, &end, &ovf);
	if (end == s || ovf || maj > 0xffff || (*end && *end != ':'))
		return -EINVAL;
	*h = (uint32_t)maj << 16;
	return 0;
}

/* A parent: "root", "none", hex "maj:min" (either may be empty, each at
 * most ffff), or a bare hex number taken whole ("ffffffff" is root). */
static int get_classid(const char *s, uint32_t *h)
{
	const char *end;
	int ovf;
	uint64_t maj, min;
	if (!strcmp(s, "root") || !strcmp(s, "none")) {
		*h = s[0] == 'r' ? TC_H_ROOT : 0;
		return 0;
	}
	maj = scan_ul(s, 16, &end, &ovf);
	if (end == s) {
		maj = 0;
		if (*s != ':')
			return -EINVAL;
	}
	if (ovf)
		return -EINVAL;
	if (*end == ':') {
		if (maj > 0xffff)
			return -EINVAL;
		s = end + 1;
		min = scan_ul(s, 16, &end, &ovf);
		if (*end || ovf || min > 0xffff)
			return -EINVAL;
		maj = maj << 16 | min;
	} else if (*end || maj > UINT32_MAX) {
		return -EINVAL;
	}
	*h = (uint32_t)maj;
	return 0;
}

static void set_parent(struct tc_req *r, uint32_t parent)
{
	r->parent = parent;
	r->is_root = parent == TC_H_ROOT;
}

/* ---- tc qdisc show ---- */

static int parse_show(struct tc_cur *c, struct tc_req *r)
{
	const char *w, *a;
	uint32_t h;
	int err;
	for (; (w = tc_cur_word(c)); c->i++) {
		if (!strcmp(w, "dev")) {       /* a second dev wins */
			if ((err = tc_cur_next(c, &a)))
				return err;
			strlcpy(r->dev, a, sizeof(r->dev));
		} else if (!strcmp(w, "root") || !strcmp(w, "ingress") || !strcmp(w, "clsact")) {
			if (r->parent)
				return tc_fail(c, "Error: argument \"%s\" is wrong: parent is already specified", w);
			set_parent(r, w[0] == 'r' ? TC_H_ROOT : TC_H_INGRESS);
		} else if (!strcmp(w, "handle")) {
			if (r->has_handle)
				return tc_fail(c, "Error: argument \"%s\" is wrong: handle is already specified", w);
			if ((err = tc_cur_next(c, &a)))
				return err;
			if (get_qdisc_handle(a, &h))
				return tc_fail(c, "Error: argument \"%s\" is wrong: invalid handle ID", a);
			r->handle = h;
			r->has_handle = h != 0;  /* tc's filter: 0 is none */
		} else if (!strcmp(w, "parent")) {
			if (r->parent)
				return tc_fail(c, "Error: argument \"%s\" is wrong: parent is already specified", w);
			if ((err = tc_cur_next(c, &a)))
				return err;
			if (get_classid(a, &h))
				return tc_fail(c, "Error: argument \"%s\" is wrong: invalid parent ID", a);
			set_parent(r, h);
		} else if (!strcmp(w, "invisible")) {
			r->invisible = 1;
		} else if (tc_matches(w, "help")) {
			/* tc prints the usage and then lists anyway; we only list. */
		} else {
			return tc_fail(c, "What is \"%s\"? Try \"tc qdisc help\".", w);
		}
	}
	return 0;
}

/* ---- tc qdisc add/change/replace/link/delete ---- */

/* tc makes "ingress"/"clsact" the kind under parent ffff:fff1 and hands
 * the rest of the line to it, which takes only "handle X" (and ignores
 * it).  nagare has neither qdisc: tc_req_check refuses the kind as the
 * kernel does. */
static int parse_ingress(struct tc_cur *c, struct tc_req *r)
{
	const char *w, *a;
	int err;
	set_parent(r, TC_H_INGRESS);
	strlcpy(r->kind_name, tc_cur_word(c), sizeof(r->kind_name));
	r->kind = TC_KIND_OTHER;
	for (c->i++; (w = tc_cur_word(c)); c->i++) {
		if (strcmp(w, "handle"))
			return tc_fail(c, "What is \"%s\"?", w);
		if ((err = tc_cur_next(c, &a)))
			return err;
	}
	return 0;
}

static int parse_modify(struct tc_cur *c, struct tc_req *r)
{
	const char *w, *a;
	uint32_t h;
	int err;
	for (; (w = tc_cur_word(c)); c->i++) {
		if (!strcmp(w, "dev")) {
			if ((err = tc_cur_next(c, &a)))
				return err;
			if (r->dev[0])
				return tc_fail(c, "Error: duplicate \"dev\": \"%s\" is the second value.", a);
			strlcpy(r->dev, a, sizeof(r->dev));
		} else if (!strcmp(w, "handle")) {
			if (r->handle)   /* tc names the keyword as the second value */
				return tc_fail(c, "Error: duplicate \"handle\": \"%s\" is the second value.", w);
			if ((err = tc_cur_next(c, &a)))
				return err;
			if (get_qdisc_handle(a, &h))
				return tc_fail(c, "Error: argument \"%s\" is wrong: invalid qdisc ID", a);
			r->handle = h;
			r->has_handle = 1;
		} else if (!strcmp(w, "root")) {
			if (r->parent)
				return tc_fail(c, "Error: \"root\" is duplicate parent ID");
			set_parent(r, TC_H_ROOT);
		} else if (!strcmp(w, "parent")) {
			if ((err = tc_cur_next(c, &a)))
				return err;
			if (r->parent)
				return tc_fail(c, "Error: duplicate \"parent\": \"%s\" is the second value.", a);
			if (get_classid(a, &h))
				return tc_fail(c, "Error: argument \"%s\" is wrong: invalid parent ID", a);
			set_parent(r, h);
		} else if (!strcmp(w, "ingress") || !strcmp(w, "clsact")) {
			if (r->parent)
				return tc_fail(c, "Error: \"%s\" is a duplicate parent ID", w);
			return parse_ingress(c, r);
		} else if (tc_matches(w, "estimator") || tc_matches(w, "stab") ||
			   tc_matches(w, "ingress_block") || tc_matches(w, "egress_block")) {
			/* Not tc's words: tc takes these; nagare has no rate
			 * estimators, size tables or shared filter blocks. */
			return tc_fail(c, "nagare: tc qdisc \"%s\" is not supported", w);
		} else if (tc_matches(w, "help")) {
			r->cmd = TC_CMD_HELP;
			return 0;
		} else {
			return tc_parse_kind(c, r);
		}
	}
	return 0;
}

static const struct {
	const char *word;
	enum tc_cmd cmd;
} cmds[] = {  /* tc's order: the first word a prefix matches wins */
	{ "add", TC_CMD_ADD }, { "change", TC_CMD_CHANGE }, { "replace", TC_CMD_REPLACE },
	{ "link", TC_CMD_LINK }, { "delete", TC_CMD_DELETE }, { "show", TC_CMD_SHOW },
	{ "lst", TC_CMD_SHOW }, { "list", TC_CMD_SHOW }, { "help", TC_CMD_HELP },
};

static int parse_qdisc(struct tc_cur *c, struct tc_req *r)
{
	const char *w = tc_cur_word(c);
	size_t i;
	if (!w)                              /* `tc qdisc` alone lists */
		return 0;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (tc_matches(w, cmds[i].word))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		return tc_fail(c, "Command \"%s\" is unknown, try \"tc qdisc help\".", w);
	r->cmd = cmds[i].cmd;
	c->i++;
	if (r->cmd == TC_CMD_HELP)
		return 0;
	return r->cmd == TC_CMD_SHOW ? parse_show(c, r) : parse_modify(c, r);
}

/* tc's options: "-s"/"-stats"/"-statistics", "-d"/"-details", prefixes,
 * one or two dashes.  tc's other options (-json, -iec, ...) are refused
 * as unknown here. */
static int parse_options(struct tc_cur *c, struct tc_req *r)
{
	const char *w;
	while ((w = tc_cur_word(c)) && w[0] == '-') {
		const char *o = w[1] == '-' ? w + 1 : w;
		if (tc_matches(o, "-stats") || tc_matches(o, "-statistics"))
			r->stats++;
		else if (tc_matches(o, "-details"))
			r->details++;
		else
			return tc_fail(c, "Option \"%s\" is unknown, try \"tc -help\".", w);
		c->i++;
	}
	return 0;
}

int tc_parse(int argc, char **argv, struct tc_req *r, char *err, size_t errlen)
{
	struct tc_cur c = { .argc = argv ? argc : 0, .argv = argv, .err = err, .errlen = errlen };
	const char *w;
	int e;
	memset(r, 0, sizeof(*r));
	r->cmd = TC_CMD_SHOW;
	if (errlen)
		err[0] = 0;
	if ((e = parse_options(&c, r)))
		return e;
	if (!(w = tc_cur_word(&c)))  /* tc prints its usage and exits 0 */
		return tc_fail(&c, "Usage:\ttc [ OPTIONS ] OBJECT { COMMAND | help }");
	if (!tc_matches(w, "qdisc"))  /* tc's other objects are not ours */
		return tc_fail(&c, "Object \"%s\" is unknown, try \"tc help\".", w);
	c.i++;
	return parse_qdisc(&c, r);
}

/* ---- after parsing ---- */

static int check_fail(char *err, size_t n, int code, const char *msg)
{
	if (n)
		snprintf(err, n, "%s", msg);
	return code;
}

int tc_req_check(struct tc_req *r, char *err, size_t errlen)
{
	const char *errs[TBF_MAX_ERRS];
	if (r->cmd == TC_CMD_SHOW || r->cmd == TC_CMD_HELP)
		return 0;
	if (!r->dev[0])   /* the kernel is asked for ifindex 0 */
		return check_fail(err, errlen, -ENODEV, "RTNETLINK answers: No such device");
	if (r->cmd == TC_CMD_DELETE)
		return 0;     /* what is there to delete is the executor's to say */
	if (!r->parent && !r->handle)
		return check_fail(err, errlen, -EINVAL, "Error: Handle cannot be zero.");
	/* no kind at all is the executor's to judge: it changes nothing, or
	 * finds nothing to create (qdisc_create's words, the same) */
	if (r->kind == TC_KIND_OTHER)
		return check_fail(err, errlen, -EINVAL, "Error: Specified qdisc kind is unknown.");
	if (r->kind == TC_KIND_FQ_CODEL) {
		if (r->u.fq_codel.quantum > FQ_CODEL_QUANTUM_MAX)
			return check_fail(err, errlen, -EINVAL, "Error: Invalid quantum.");
		if (fq_codel_conf_check(&r->u.fq_codel))
			return check_fail(err, errlen, -EINVAL, "RTNETLINK answers: Invalid argument");
	}
	if (r->kind == TC_KIND_TBF && tbf_check(&r->u.tbf, errs))
		return check_fail(err, errlen, -EINVAL, errs[0]);  /* tc_parse let only this through */
	return 0;
}

int tc_print_handle(char *buf, size_t n, uint32_t h)
{
	if (h == TC_H_ROOT)
		return snprintf(buf, n, "root");
	if (h == TC_H_INGRESS)
		return snprintf(buf, n, "ingress");
	if (!TC_H_MIN(h))
		return snprintf(buf, n, "%x:", h >> 16);
	if (!TC_H_MAJ(h))
		return snprintf(buf, n, ":%x", h);
	return snprintf(buf, n, "%x:%x", h >> 16, TC_H_MIN(h));
}
