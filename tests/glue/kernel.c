/*
 * The kernel services net/ and the console call, for the host build of
 * the glue layer (tests/glue/glue.h): printk and the console write into
 * buffers the tests read, the clock moves only when glue_advance() moves
 * it, the event loop is glue_poll(), random bytes come from a fixed
 * generator (reseedable, so a fuzz input replays exactly), pages come
 * from aligned_alloc.  Replaces kernel/printk.c, time.c, loop.c,
 * random.c, pmm.c, heap.c, bootfile.c, power.c, irq.c and the UART.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/uart16550.h"
#include "boot/bootinfo.h"
#include "kernel/boot.h"
#include "kernel/bootfile.h"
#include "kernel/heap.h"
#include "kernel/irq.h"
#include "kernel/loop.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/power.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/time.h"
#include "tests/glue/glue.h"

/* ---- output ---------------------------------------------------------------- */

#define OUT_MAX (256 * 1024)

struct outbuf {
	char b[OUT_MAX];
	size_t n;
};

static struct outbuf con, klog;

static void out_vadd(struct outbuf *o, const char *fmt, va_list ap)
{
	int n = vsnprintf(o->b + o->n, OUT_MAX - o->n, fmt, ap);
	if (n > 0)
		o->n += (size_t)n < OUT_MAX - o->n ? (size_t)n : OUT_MAX - 1 - o->n;
}

static void out_write(struct outbuf *o, const char *s, size_t len)
{
	if (len > OUT_MAX - 1 - o->n)
		len = OUT_MAX - 1 - o->n;
	memcpy(o->b + o->n, s, len);
	o->n += len;
	o->b[o->n] = 0;
}

void con_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	out_vadd(&con, fmt, ap);
	va_end(ap);
}

void con_write(const char *s, size_t n)
{
	out_write(&con, s, n);
}

void con_puts(const char *s)
{
	out_write(&con, s, strlen(s));
}

void vprintk(const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	out_vadd(&klog, fmt, ap);
	if (getenv("GLUE_PRINTK"))
		vfprintf(stderr, fmt, aq);
	va_end(aq);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void printk_dump(void (*fn)(const char *s, size_t n))
{
	fn(klog.b, klog.n);
}

void panic_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stderr);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "Kernel panic - not syncing: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

const char *glue_console(void)
{
	return con.b;
}

void glue_console_clear(void)
{
	con.n = 0;
	con.b[0] = 0;
}

const char *glue_dmesg(void)
{
	return klog.b;
}

void glue_dmesg_clear(void)
{
	klog.n = 0;
	klog.b[0] = 0;
}

/* ---- time ------------------------------------------------------------------ */

static uint64_t now_ns = 1000000000ULL; /* boot + 1 s: nothing starts at 0 */

uint64_t time_ns(void)
{
	return now_ns;
}

uint64_t time_ms(void)
{
	return now_ns / 1000000;
}

uint64_t time_tsc_hz(void)
{
	return 1000000000ULL;
}

uint64_t time_wall(void)
{
	return 1764806400 + now_ns / 1000000000ULL; /* 2025-12-04 00:00:00 UTC */
}

void glue_clock_set_ns(uint64_t ns)
{
	now_ns = ns;
}

void glue_clock_add_ns(uint64_t ns)
{
	now_ns += ns;
}

/* ---- the event loop ------------------------------------------------------------ */

#define HOOKS_MAX 8
static const struct loop_hook *hooks[HOOKS_MAX];
static int nhooks;

void loop_register(const struct loop_hook *h)
{
	if (nhooks == HOOKS_MAX)
		panic("glue: too many loop hooks");
	hooks[nhooks++] = h;
}

void loop_kick(void)
{
}

int glue_loop_round(void)
{
	int work = 0;
	for (int i = 0; i < nhooks; i++)
		work |= hooks[i]->poll();
	return work;
}

uint64_t glue_loop_next_ms(void)
{
	uint64_t next = UINT64_MAX;
	for (int i = 0; i < nhooks; i++) {
		if (hooks[i]->next_ms) {
			uint64_t ms = hooks[i]->next_ms();
			if (ms < next)
				next = ms;
		}
	}
	return next;
}

/* A command that waits on the network (ping) pumps the loop: one round,
 * then time moves to the next deadline (at most max_ms). */
int loop_pump(uint64_t max_ms)
{
	if (glue_loop_round())
		return 1;
	uint64_t ms = glue_loop_next_ms();
	glue_clock_add_ns((ms < max_ms ? (ms ? ms : 1) : max_ms) * 1000000ULL);
	return 0;
}

uint64_t loop_idle_ns(void)
{
	return 0;
}

void loop_loadavg(unsigned long avg[3])
{
	avg[0] = avg[1] = avg[2] = 0;
}

/* ---- entropy, interrupts, memory, power, boot files, the UART ------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

void glue_random_seed(uint64_t seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

int random_get(void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		rng_state ^= rng_state << 13; /* xorshift64 */
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		((uint8_t *)buf)[i] = (uint8_t)rng_state;
	}
	return 0;
}

const char *random_sources(void)
{
	return "glue";
}

uint64_t irq_lock(void)
{
	return 0;
}

void irq_unlock(uint64_t flags)
{
	(void)flags;
}

void irq_foreach(void (*fn)(int vec, const char *name, uint64_t count))
{
	(void)fn;
}

static uint64_t pages_out;

uint64_t pmm_alloc_pages(size_t n)
{
	void *p = aligned_alloc(4096, n * 4096);
	if (!p)
		return 0;
	memset(p, 0, n * 4096);
	pages_out += n;
	return (uint64_t)(uintptr_t)p;
}

void pmm_free_pages(uint64_t pa, size_t n)
{
	pages_out -= n;
	free((void *)(uintptr_t)pa);
}

void pmm_stats(struct pmm_stats *s)
{
	s->total = 65536;
	s->free = 65536 - pages_out;
	s->kernel = 64;
}

void heap_stats(struct heap_stats *s)
{
	memset(s, 0, sizeof(*s));
}

void power_off(void)
{
	panic("glue: poweroff");
}

void power_reboot(void)
{
	panic("glue: reboot");
}

static struct bootinfo *bootinfo;

const struct bootinfo *boot_info(void)
{
	if (!bootinfo)
		bootinfo = calloc(1, sizeof(*bootinfo));
	return bootinfo;
}

const char *bootfile_get(const char *name, size_t *size)
{
	(void)name;
	*size = 0;
	return NULL;
}

void uart_write(const char *s, size_t n)
{
	out_write(&con, s, n);
}

void con_write_raw(const char *s, size_t n)
{
	out_write(&con, s, n);
}

/* Console input the tests type: uart_getc() hands it out byte by byte. */
static const char *typed;
static size_t typed_len, typed_pos;

void glue_uart_type(const char *s, size_t n)
{
	typed = s;
	typed_len = n;
	typed_pos = 0;
}

int uart_getc(void)
{
	return typed && typed_pos < typed_len ? (uint8_t)typed[typed_pos++] : -1;
}
