/*
 * Shared by tc_parse.c (the command line) and tc_parse_kind.c (each
 * qdisc kind's options): the argv cursor and tc's number readers.
 */
#ifndef NET_SCHED_TC_PARSE_PRIV_H
#define NET_SCHED_TC_PARSE_PRIV_H

#include "net/sched/tc_parse.h"

struct tc_cur {
	int argc, i;
	char **argv;
	char *err;
	size_t errlen;
};

/* The word at the cursor ("" for a NULL slot); NULL past the end. */
const char *tc_cur_word(const struct tc_cur *c);
/* Step to the argument of a keyword: tc's NEXT_ARG(), with its message
 * when the line ends. */
int tc_cur_next(struct tc_cur *c, const char **arg);
/* -EINVAL with the formatted message in c->err. */
int tc_fail(struct tc_cur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* iproute2's matches(): word is a prefix of full (an empty word is too). */
int tc_matches(const char *word, const char *full);
/* tc's get_u32(): strtoul base 0 ("0x10", "010", " +5"), all of it, at
 * most UINT32_MAX; "-0" is 0 and any other negative is refused. */
int tc_get_u32(const char *s, uint32_t *v);

int tc_parse_kind(struct tc_cur *c, struct tc_req *r);

#endif
