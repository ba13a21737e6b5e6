/*
 * printk ring buffer and console output.  The ring keeps the last
 * LOG_BUF_SIZE bytes of kernel messages for `dmesg`; every message also
 * goes to the serial console, "\n" becoming "\r\n".  Interrupt handlers
 * do not print (they count), so no locking beyond irq_save is needed.
 * Console output is queued (CONSOLE_OUT_BUF bytes) and written out by the
 * event loop (kernel/main.c), CONSOLE_OUT_CHUNK bytes a round when it has
 * nothing else to do, as Linux's threaded consoles do: under QEMU each byte to the UART is an exit and a write(2)
 * (about 2.5 us under TCG), and boot's 2 KB of messages would otherwise
 * hold up the network for 5 ms.  A full queue, panic, a fault and power
 * off write what is queued at once, in order.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "drivers/uart16550.h"
#include "kernel/param.h"
#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/x86.h"

static char outq[CONSOLE_OUT_BUF];
static uint64_t outq_in, outq_out; /* bytes ever queued / ever written to the UART */
static char logbuf[LOG_BUF_SIZE];
static uint64_t log_next;   /* total bytes ever logged; index = log_next % size */
static int at_line_start = 1;

static void log_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		logbuf[(log_next + i) % LOG_BUF_SIZE] = s[i];
	log_next += n;
}

/* Writes up to max queued bytes to the UART; returns how many. */
static size_t outq_write(size_t max)
{
	size_t done = 0;
	while (outq_out < outq_in && done < max) {
		size_t idx = outq_out % CONSOLE_OUT_BUF;
		size_t n = CONSOLE_OUT_BUF - idx;
		if (n > outq_in - outq_out)
			n = outq_in - outq_out;
		if (n > max - done)
			n = max - done;
		uart_write(outq + idx, n);
		outq_out += n;
		done += n;
	}
	return done;
}

static void outq_put(const char *s, size_t n)
{
	while (n) {
		if (outq_in - outq_out == CONSOLE_OUT_BUF)
			outq_write(CONSOLE_OUT_BUF / 4); /* full: the caller waits, as without a queue */
		size_t idx = outq_in % CONSOLE_OUT_BUF, room = CONSOLE_OUT_BUF - (outq_in - outq_out);
		size_t k = CONSOLE_OUT_BUF - idx;
		if (k > room)
			k = room;
		if (k > n)
			k = n;
		memcpy(outq + idx, s, k);
		outq_in += k;
		s += k, n -= k;
	}
}

void con_write_raw(const char *s, size_t n)
{
	uint64_t f = irq_save();
	outq_put(s, n);
	irq_restore(f);
}

void con_write(const char *s, size_t n)
{
	uint64_t f = irq_save();
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		if (!nl) {
			outq_put(p, end - p);
			break;
		}
		outq_put(p, nl - p);
		outq_put("\r\n", 2);
		p = nl + 1;
	}
	irq_restore(f);
}

int con_flush_some(void)
{
	uint64_t f = irq_save();
	int did = outq_write(CONSOLE_OUT_CHUNK) > 0;
	irq_restore(f);
	return did && outq_out < outq_in;
}

int con_pending(void)
{
	return outq_out < outq_in;
}

void con_flush(void)
{
	uint64_t f = irq_save();
	outq_write(~(size_t)0);
	irq_restore(f);
}

void con_puts(const char *s)
{
	con_write(s, strlen(s));
}

void con_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	con_write(buf, n);
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;

	uint64_t f = irq_save();
	const char *p = buf, *end = buf + n;
	int whole = at_line_start && n && buf[n - 1] == '\n'; /* a line of its own */
	if (whole)
		console_async_begin();
	while (p < end) {
		if (at_line_start) {
			char stamp[24];
			uint64_t us = time_ns_if_known() / 1000;
			int m = snprintf(stamp, sizeof(stamp), "[%5lu.%06lu] ", (unsigned long)(us / 1000000),
					 (unsigned long)(us % 1000000));
			log_put(stamp, m);
			con_write(stamp, m);
			at_line_start = 0;
		}
		const char *nl = memchr(p, '\n', end - p);
		const char *stop = nl ? nl + 1 : end;
		log_put(p, stop - p);
		con_write(p, stop - p);
		if (nl)
			at_line_start = 1;
		p = stop;
	}
	if (whole)
		console_async_end();
	irq_restore(f);
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
	uint64_t start = log_next > LOG_BUF_SIZE ? log_next - LOG_BUF_SIZE : 0;
	uint64_t end = log_next;
	if (start) {
		/* Skip the partial line the ring cut in half. */
		while (start < end && logbuf[start % LOG_BUF_SIZE] != '\n')
			start++;
		start++;
	}
	while (start < end) {
		size_t idx = start % LOG_BUF_SIZE;
		size_t n = LOG_BUF_SIZE - idx;
		if (n > end - start)
			n = end - start;
		fn(logbuf + idx, n);
		start += n;
	}
}

void panic_write(const char *s, size_t n)
{
	outq_write(~(size_t)0);
	uart_write(s, n);
}
