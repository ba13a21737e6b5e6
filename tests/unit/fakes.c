/*
 * Kernel services for the host unit tests (see tests/unit/fakes.h):
 * console capture (printk too), the boot-file table, pages, interrupt
 * vectors, a fixed random sequence (kernel/fault.c draws from it), and
 * the stack's registration side of drivers/netdev.h.
 * Replaces kernel/printk.c, bootfile.c, pmm.c and irq.c, which need the
 * hardware, net/core/netdev.c's netdev_register and netdev_link_change, and
 * net/ipv4/ip_ttl.c's sysctl handler (it walks lwIP's endpoints).
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/netdev.h"
#include "kernel/bootfile.h"
#include "kernel/irq.h"
#include "kernel/pmm.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/sysctl.h"
#include "net/ipv4/ip_ttl.h"
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

/* ---- failure injection ----------------------------------------------------- */

int fake_fail_at, fake_calls;

int fake_fail_now(void)
{
	return ++fake_calls == fake_fail_at;
}

/* ---- malloc ---------------------------------------------------------------- */

/* net/ipv4/fib_trie_mem.c's malloc, realloc and free (tests/tests.mk renames
 * them): a fallible call like the others. */
void *fake_malloc(size_t n)
{
	return fake_fail_now() ? NULL : malloc(n);
}

void *fake_realloc(void *p, size_t n)
{
	return fake_fail_now() ? NULL : realloc(p, n);
}

void fake_free(void *p)
{
	free(p);
}

/* ---- pages ----------------------------------------------------------------- */

#define PMM_MAX 8192

static struct {
	void *p;
	size_t n;
} pmm[PMM_MAX];
static int npmm;
static size_t pmm_out;
int fake_pmm_fail;
void (*fake_pmm_on_free)(uint64_t pa, size_t n);

uint64_t pmm_alloc_pages(size_t n)
{
	if (fake_pmm_fail || fake_fail_now())
		return 0;
	ck_assert_int_lt(npmm, PMM_MAX);
	ck_assert_uint_gt(n, 0);
	void *p = aligned_alloc(4096, n * 4096);
	ck_assert_ptr_nonnull(p);
	memset(p, 0, n * 4096);
	pmm[npmm].p = p;
	pmm[npmm].n = n;
	npmm++;
	pmm_out += n;
	return (uint64_t)(uintptr_t)p;
}

void pmm_free_pages(uint64_t pa, size_t n)
{
	int i = 0;
	while (i < npmm && pmm[i].p != (void *)(uintptr_t)pa)
		i++;
	ck_assert_msg(i < npmm, "pmm_free_pages(%#lx): not allocated", (unsigned long)pa);
	ck_assert_msg(pmm[i].n == n, "pmm_free_pages(%#lx, %zu): allocated as %zu pages", (unsigned long)pa, n,
		      pmm[i].n);
	if (fake_pmm_on_free)
		fake_pmm_on_free(pa, n);
	free(pmm[i].p);
	pmm_out -= n;
	pmm[i] = pmm[--npmm];
}

size_t fake_pmm_out(void)
{
	return pmm_out;
}

int fake_pmm_list(void **base, int max)
{
	int n = npmm < max ? npmm : max;
	for (int i = 0; i < n; i++)
		base[i] = pmm[i].p;
	return n;
}

void fake_pmm_reset(void)
{
	for (int i = 0; i < npmm; i++)
		free(pmm[i].p);
	npmm = 0;
	pmm_out = 0;
	fake_pmm_fail = 0;
	fake_pmm_on_free = NULL;
}

/* ---- interrupt vectors ----------------------------------------------------- */

#define VEC_FIRST 48
#define VEC_N 32

static struct {
	irq_fn fn;
	void *arg;
	const char *name;
} vecs[VEC_N];

int irq_alloc_vector(irq_fn fn, void *arg, const char *name)
{
	ck_assert_ptr_nonnull(fn);
	ck_assert_ptr_nonnull(name);
	if (fake_fail_now())
		return -ENOSPC;
	for (int i = 0; i < VEC_N; i++) {
		if (!vecs[i].fn) {
			vecs[i].fn = fn;
			vecs[i].arg = arg;
			vecs[i].name = name;
			return VEC_FIRST + i;
		}
	}
	return -ENOSPC;
}

void irq_free_vector(int vec)
{
	ck_assert_msg(vec >= VEC_FIRST && vec < VEC_FIRST + VEC_N && vecs[vec - VEC_FIRST].fn,
		      "irq_free_vector(%d): not allocated", vec);
	vecs[vec - VEC_FIRST].fn = NULL;
	vecs[vec - VEC_FIRST].arg = NULL;
}

int fake_irq_live(void)
{
	int n = 0;
	for (int i = 0; i < VEC_N; i++)
		n += vecs[i].fn != NULL;
	return n;
}

int fake_irq_bound(const void *arg)
{
	int n = 0;
	for (int i = 0; i < VEC_N; i++)
		n += vecs[i].fn && vecs[i].arg == arg;
	return n;
}

const char *fake_irq_name(int vec)
{
	int i = vec - VEC_FIRST;
	return i >= 0 && i < VEC_N && vecs[i].fn ? vecs[i].name : NULL;
}

void fake_irq_reset(void)
{
	memset(vecs, 0, sizeof(vecs));
}

/* ---- the stack's side of drivers/netdev.h -------------------------------------- */

int fake_netdev_err, fake_link_changes;
struct netdev *fake_netdev_registered;
void (*fake_netdev_on_register)(struct netdev *dev);

int netdev_register(struct netdev *dev)
{
	if (fake_netdev_on_register)
		fake_netdev_on_register(dev);
	if (fake_netdev_err)
		return fake_netdev_err;
	if (fake_fail_now())
		return -ENOMEM;
	snprintf(dev->name, sizeof(dev->name), "eth0");
	dev->napi.dev = dev;
	dev->index = 2;
	fake_netdev_registered = dev;
	return 0;
}

void netdev_link_change(struct netdev *dev, int up)
{
	dev->link_up = up;
	fake_link_changes++;
}

/* net.ipv4.ip_default_ttl: no lwIP endpoints on the host; the value is stored. */
int ip_ttl_default_set(const struct sysctl *s, long v, const char *str)
{
	(void)s, (void)v, (void)str;
	return 0;
}

void fake_netdev_reset(void)
{
	fake_netdev_err = fake_link_changes = 0;
	fake_netdev_registered = NULL;
	fake_netdev_on_register = NULL;
	fake_fail_at = fake_calls = 0;
}
