/*
 * printk ring buffer and console output.  The ring keeps the last
 * LOG_BUF_SIZE bytes of kernel messages for `dmesg`; every message also
 * goes to the serial console, "\n" becoming "\r\n".  Interrupt handlers
 * do not print (they count), so no locking beyond irq_save is needed.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "drivers/uart16550.h"
#include "kernel/param.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "kernel/x86.h"

static char logbuf[LOG_BUF_SIZE];
static uint64_t log_next;   /* total bytes ever logged; index = log_next % size */
static int at_line_start = 1;

static void log_put(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		logbuf[(log_next + i) % LOG_BUF_SIZE] = s[i];
	log_next += n;
}

void con_write(const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		if (!nl) {
			uart_write(p, end - p);
			break;
		}
		uart_write(p, nl - p);
		uart_write("\r\n", 2);
		p = nl + 1;
	}
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
	con_write(s, n);
}
