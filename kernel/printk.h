/*
 * Kernel output.  printk() logs a line to the ring buffer (dmesg) with a
 * Linux-style "[seconds.micros] " stamp and echoes it to the console;
 * con_printf()/con_write() write to the console only (command output).
 * The console's output is queued and written out by the event loop.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap);
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_write(const char *s, size_t n);
/* The same, bytes as they are (no "\n" translation): line editor echo. */
void con_write_raw(const char *s, size_t n);
void con_puts(const char *s);
/* Console output is queued; the event loop writes it out a chunk a round.
 * con_flush_some: one chunk, nonzero if more is left; con_flush: all of
 * it now (panic, faults, power off); con_pending: anything queued. */
int con_flush_some(void);
void con_flush(void);
int con_pending(void);
/* Calls fn for each piece of the ring buffer, oldest first. */
void printk_dump(void (*fn)(const char *s, size_t n));
/* Output straight to the UART, no ring, no locks: for the fault handler. */
void panic_write(const char *s, size_t n);

#endif
