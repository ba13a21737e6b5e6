/*
 * docs/tuning.md is generated from kernel/sysctl_table.c by
 * $(B)/host/tuning_gen (`make docs`); this test fails while the committed
 * file differs from what the generator prints.  tests/tests.mk passes
 * both paths (TUNING_GEN, TUNING_MD) and builds the generator first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"

/* All of a stream, NUL-terminated; *len is its size. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	for (size_t got; (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

START_TEST(tuning_md_up_to_date)
{
	FILE *gen = popen(TUNING_GEN, "r");
	ck_assert_msg(gen != NULL, "cannot run %s", TUNING_GEN);
	size_t glen, flen;
	char *want = slurp(gen, &glen);
	ck_assert_msg(pclose(gen) == 0, "%s failed (`make check-unit` builds it)", TUNING_GEN);
	ck_assert_msg(glen > 0, "%s printed nothing", TUNING_GEN);

	FILE *md = fopen(TUNING_MD, "r");
	ck_assert_msg(md != NULL, "%s is missing: run `make docs` and commit it", TUNING_MD);
	char *have = slurp(md, &flen);
	fclose(md);

	size_t at = 0;
	while (at < glen && at < flen && want[at] == have[at])
		at++;
	int line = 1;
	for (size_t i = 0; i < at; i++)
		line += want[i] == '\n';
	ck_assert_msg(glen == flen && at == glen,
		      "docs/tuning.md is out of date with kernel/sysctl_table.c (first difference at line %d): "
		      "run `make docs` and commit docs/tuning.md",
		      line);
	free(want);
	free(have);
}
END_TEST

Suite *docs_suite(void)
{
	Suite *s = suite_create("docs");
	TCase *tc = tcase_create("tuning.md");
	tcase_add_test(tc, tuning_md_up_to_date);
	suite_add_tcase(s, tc);
	return s;
}
