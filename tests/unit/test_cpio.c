/*
 * kernel/cpio.c: the newc reader, over archives assembled here byte by
 * byte.  Malformed and cut-short archives are copied into buffers of
 * exactly their size, so valgrind sees any read past the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cpio.h"
#include "tests/unit/unit.h"

#define S_REG 0100644
#define S_DIR 0040755
#define S_LNK 0120777

struct ar {
	char buf[4096];
	size_t len;
	int n;                          /* entries so far */
	size_t data_end[32], end[32];   /* per entry: end of data, end of padding */
	int reg[32];                    /* per entry: a regular file */
};

static void pad4(struct ar *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* Appends one newc entry: header, name + NUL, padding, data, padding. */
static void ar_add(struct ar *a, const char *name, unsigned mode, const char *data, size_t size)
{
	static unsigned ino = 1;
	size_t namesize = strlen(name) + 1;
	ck_assert_uint_lt(a->len + 110 + namesize + size + 8, sizeof(a->buf));
	char hdr[128];
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino++, mode,
		 0, 0, 1, 0x5f000000, (unsigned)size, 0, 0, 0, 0, (unsigned)namesize, 0);
	ck_assert_uint_eq(strlen(hdr), 110);
	memcpy(a->buf + a->len, hdr, 110);
	a->len += 110;
	memcpy(a->buf + a->len, name, namesize);
	a->len += namesize;
	pad4(a);
	memcpy(a->buf + a->len, data, size);
	a->len += size;
	ck_assert_int_lt(a->n, 32);
	a->data_end[a->n] = a->len;
	pad4(a);
	a->end[a->n] = a->len;
	a->reg[a->n++] = (mode & 0170000) == 0100000;
}

static void ar_trailer(struct ar *a)
{
	ar_add(a, "TRAILER!!!", 0, "", 0);
}

/* Overwrites the 8 hex digits of header field `field` (0 = c_ino) of the
 * entry at offset at. */
static void set_field(struct ar *a, size_t at, int field, const char *hex8)
{
	memcpy(a->buf + at + 6 + 8 * field, hex8, 8);
}
#define F_MODE 1
#define F_FILESIZE 6
#define F_NAMESIZE 11

/* A heap copy of exactly len bytes. */
static char *exact(const struct ar *a, size_t len)
{
	char *p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, a->buf, len);
	return p;
}

static void ck_entry(const struct cpio_entry *e, const char *name, const char *data)
{
	ck_assert_uint_eq(e->namelen, strlen(name));
	ck_assert_int_eq(memcmp(e->name, name, e->namelen), 0);
	ck_assert_uint_eq(e->size, strlen(data));
	ck_assert_int_eq(memcmp(e->data, data, e->size), 0);
}

static struct ar sample;

static void setup(void)
{
	memset(&sample, 0, sizeof(sample));
	ar_add(&sample, "etc", S_DIR, "", 0);
	ar_add(&sample, "nagare.rc", S_REG, "echo hi\n", 8);
	ar_add(&sample, "link", S_LNK, "nagare.rc", 9);
	ar_add(&sample, "sysctl.conf", S_REG, "net.core.somaxconn = 128\n", 25);
	ar_add(&sample, "empty", S_REG, "", 0);
	ar_add(&sample, "etc/x", S_REG, "abc", 3);
	ar_trailer(&sample);
	ar_add(&sample, "after-trailer", S_REG, "no", 2);
}

START_TEST(reads_files_in_order)
{
	char *buf = exact(&sample, sample.len);
	struct cpio_entry e;
	size_t pos = 0;
	ck_assert(cpio_is_newc(buf, sample.len));
	ck_assert_int_eq(cpio_next(buf, sample.len, &pos, &e), 1);
	ck_entry(&e, "nagare.rc", "echo hi\n");
	/* "etc": 110 + 4 bytes of name, padded to 116; then 110 + 10, already aligned. */
	ck_assert_ptr_eq(e.data, buf + 116 + 120);
	ck_assert_int_eq(cpio_next(buf, sample.len, &pos, &e), 1);
	ck_entry(&e, "sysctl.conf", "net.core.somaxconn = 128\n");
	ck_assert_int_eq(cpio_next(buf, sample.len, &pos, &e), 1);
	ck_entry(&e, "empty", "");
	ck_assert_int_eq(cpio_next(buf, sample.len, &pos, &e), 1);
	ck_entry(&e, "etc/x", "abc");
	ck_assert_int_eq(cpio_next(buf, sample.len, &pos, &e), 0); /* TRAILER!!! */
	free(buf);
}
END_TEST

START_TEST(padding)
{
	/* Every name and data length modulo 4. */
	static const char *const names[] = { "a", "ab", "abc", "abcd", "abcde" };
	static const char *const datas[] = { "", "1", "12", "123", "1234", "12345" };
	struct ar a = { 0 };
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 6; j++)
			ar_add(&a, names[i], S_REG, datas[j], strlen(datas[j]));
	ar_trailer(&a);
	char *buf = exact(&a, a.len);
	struct cpio_entry e;
	size_t pos = 0;
	for (int i = 0; i < 5; i++) {
		for (int j = 0; j < 6; j++) {
			ck_assert_int_eq(cpio_next(buf, a.len, &pos, &e), 1);
			ck_entry(&e, names[i], datas[j]);
		}
	}
	ck_assert_int_eq(cpio_next(buf, a.len, &pos, &e), 0);
	free(buf);
}
END_TEST

START_TEST(end_without_trailer)
{
	struct ar a = { 0 };
	ar_add(&a, "f", S_REG, "xyz", 3);
	char *buf = exact(&a, a.len);
	struct cpio_entry e;
	size_t pos = 0;
	ck_assert_int_eq(cpio_next(buf, a.len, &pos, &e), 1);
	ck_entry(&e, "f", "xyz");
	ck_assert_int_eq(cpio_next(buf, a.len, &pos, &e), 0);
	/* The last entry's data padding may be missing. */
	ck_assert_int_eq(cpio_next(buf, a.len - 1, &(size_t){ 0 }, &e), 1);
	ck_assert_int_eq(cpio_next(buf, a.len - 1, &pos, &e), 0);
	free(buf);
	/* Nothing at all. */
	ck_assert_int_eq(cpio_next("", 0, &(size_t){ 0 }, &e), 0);
}
END_TEST

START_TEST(lowercase_hex)
{
	struct ar a = { 0 };
	ar_add(&a, "file", S_REG, "0123456789", 10);
	set_field(&a, 0, F_MODE, "000081a4");
	set_field(&a, 0, F_FILESIZE, "0000000a");
	char *buf = exact(&a, a.len);
	struct cpio_entry e;
	ck_assert_int_eq(cpio_next(buf, a.len, &(size_t){ 0 }, &e), 1);
	ck_entry(&e, "file", "0123456789");
	free(buf);
}
END_TEST

START_TEST(is_newc)
{
	ck_assert(cpio_is_newc(sample.buf, sample.len));
	ck_assert(!cpio_is_newc(sample.buf, 109));
	ck_assert(!cpio_is_newc("070707", 6));
	char odc[120];
	memset(odc, '0', sizeof(odc));
	memcpy(odc, "070707", 6);
	ck_assert(!cpio_is_newc(odc, sizeof(odc)));
	memcpy(odc, "070702", 6); /* newc with checksums: not read */
	ck_assert(!cpio_is_newc(odc, sizeof(odc)));
	ck_assert(!cpio_is_newc("echo hi\n", 8));
}
END_TEST

/* Reads a[0..len) to its end: `files` good files, then -EINVAL. */
static void ck_rejected(struct ar *a, size_t len, int files, const char *why)
{
	char *buf = exact(a, len);
	struct cpio_entry e;
	size_t pos = 0;
	int r, n = 0;
	while ((r = cpio_next(buf, len, &pos, &e)) == 1) {
		ck_assert((const char *)e.data >= buf && (const char *)e.data + e.size <= buf + len);
		n++;
	}
	ck_assert_msg(r == -EINVAL, "%s: returned %d, not -EINVAL", why, r);
	ck_assert_msg(n == files, "%s: %d files before the error, want %d", why, n, files);
	free(buf);
}

START_TEST(bad_headers)
{
	static const struct {
		int field;
		const char *value;
		const char *why;
	} cases[] = {
		{ F_MODE, "000081g4", "non-hex mode" },
		{ F_MODE, " 00081a4", "blank in mode" },
		{ F_FILESIZE, "0000000x", "non-hex filesize" },
		{ F_FILESIZE, "-0000001", "negative filesize" },
		{ F_NAMESIZE, "0000000Z", "non-hex namesize" },
		{ F_NAMESIZE, "00000000", "namesize 0" },
		{ F_NAMESIZE, "00001000", "namesize past the end" },
		{ F_NAMESIZE, "FFFFFFFF", "namesize 4 GiB" },
		{ F_FILESIZE, "00001000", "filesize past the end" },
		{ F_FILESIZE, "FFFFFFFF", "filesize 4 GiB" },
		{ F_FILESIZE, "FFFFFFF0", "filesize near 4 GiB" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ar a = { 0 };
		ar_add(&a, "good", S_REG, "1234", 4);
		size_t at = a.len;
		ar_add(&a, "bad", S_REG, "5678", 4);
		ar_trailer(&a);
		set_field(&a, at, cases[i].field, cases[i].value);
		ck_rejected(&a, a.len, 1, cases[i].why);
	}
}
END_TEST

START_TEST(bad_magic)
{
	static const char *const magics[] = { "070707", "070702", "000000", "07070", "\0\0\0\0\0\0" };
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		struct ar a = { 0 };
		ar_add(&a, "good", S_REG, "1234", 4);
		size_t at = a.len;
		ar_add(&a, "bad", S_REG, "5678", 4);
		memcpy(a.buf + at, magics[i], 6);
		ck_rejected(&a, a.len, 1, magics[i]);
		/* Garbage where the first header should be. */
		ck_assert_int_eq(cpio_next(a.buf + at, a.len - at, &(size_t){ 0 }, &(struct cpio_entry){ 0 }), -EINVAL);
	}
}
END_TEST

START_TEST(name_past_end)
{
	/* The header fits, the name it announces does not. */
	struct ar a = { 0 };
	ar_add(&a, "a-rather-long-name", S_REG, "", 0);
	ck_rejected(&a, 110 + 5, 0, "name cut short");
	/* The name fits but its padding does not: the data would start past the end. */
	struct ar b = { 0 };
	ar_add(&b, "abc", S_REG, "x", 1);
	ck_rejected(&b, 110 + 4 + 1, 0, "data cut short");
}
END_TEST

/* Every prefix of a good archive: the files wholly inside it come out,
 * then 0 if the cut falls between entries (after an entry's data, maybe
 * before its padding) or after the trailer, else -EINVAL. */
START_TEST(truncated_everywhere)
{
	const int trailer = 6; /* entry index of TRAILER!!! in sample */
	for (size_t len = 0; len <= sample.len; len++) {
		int want_files = 0, complete = 0, want_end = len == 0;
		for (int i = 0; i < sample.n && sample.data_end[i] <= len; i++) {
			complete = i + 1;
			if (i < trailer)
				want_files += sample.reg[i];
			if (len <= sample.end[i])
				want_end = 1;
		}
		if (complete > trailer)
			want_end = 1;
		char *buf = exact(&sample, len);
		struct cpio_entry e;
		size_t pos = 0;
		int r, files = 0;
		while ((r = cpio_next(buf, len, &pos, &e)) == 1) {
			ck_assert((const char *)e.data >= buf && (const char *)e.data + e.size <= buf + len);
			ck_assert(e.name >= buf && e.name + e.namelen <= buf + len);
			files++;
		}
		ck_assert_msg(files == want_files, "cut at %zu: %d files, want %d", len, files, want_files);
		ck_assert_msg(r == (want_end ? 0 : -EINVAL), "cut at %zu: returned %d, want %d", len, r,
			      want_end ? 0 : -EINVAL);
		free(buf);
	}
}
END_TEST

Suite *cpio_suite(void)
{
	Suite *s = suite_create("cpio");
	TCase *tc = tcase_create("newc");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, reads_files_in_order);
	tcase_add_test(tc, padding);
	tcase_add_test(tc, end_without_trailer);
	tcase_add_test(tc, lowercase_hex);
	tcase_add_test(tc, is_newc);
	tcase_add_test(tc, bad_headers);
	tcase_add_test(tc, bad_magic);
	tcase_add_test(tc, name_past_end);
	tcase_add_test(tc, truncated_everywhere);
	suite_add_tcase(s, tc);
	return s;
}
