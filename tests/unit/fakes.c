/*
 * Console capture and boot-file table for the host unit tests (see
 * tests/unit/fakes.h).  Replaces kernel/printk.c and kernel/bootfile.c,
 * which need the hardware.
 */
#include <check.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernel/bootfile.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "tests/unit/fakes.h"

#define CON_MAX (64 * 1024)
#define FILES_MAX 8

static char con_buf[CON_MAX];
static size_t con_len;
static int con_overflow;

static struct {
	const char *name, *text;
} files[FILES_MAX];
static int nfiles;

static void con_vadd(const char *fmt, va_list ap)
{
	int n = vsnprintf(con_buf + con_len, CON_MAX - con_len, fmt, ap);
	if (n < 0 || (size_t)n >= CON_MAX - con_len) {
		con_overflow = 1;
		con_len = CON_MAX - 1;
	} else {
		con_len += n;
	}
}

void con_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	con_vadd(fmt, ap);
	va_end(ap);
}

/* printk (the kernel command line's sysctl messages) goes to the same
 * capture as the console. */
void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	con_vadd(fmt, ap);
	va_end(ap);
}

/* kernel/fault.c draws from here: a fixed sequence. */
int random_get(void *buf, size_t len)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		((unsigned char *)buf)[i] = (unsigned char)x;
	}
	return 0;
}

const char *con_text(void)
{
	ck_assert_msg(!con_overflow, "console capture overflowed %d bytes", CON_MAX);
	return con_buf;
}

void con_reset(void)
{
	con_len = 0;
	con_buf[0] = 0;
	con_overflow = 0;
}

void fake_bootfile_add(const char *name, const char *text)
{
	ck_assert_int_lt(nfiles, FILES_MAX);
	files[nfiles].name = name;
	files[nfiles].text = text;
	nfiles++;
}

void fake_bootfile_clear(void)
{
	nfiles = 0;
}

const char *bootfile_get(const char *name, size_t *size)
{
	for (int i = 0; i < nfiles; i++) {
		if (!strcmp(files[i].name, name)) {
			*size = strlen(files[i].text);
			return files[i].text;
		}
	}
	return NULL;
}
