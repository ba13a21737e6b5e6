/*
 * 16550 UART: the serial console.  Output is polled (the FIFO drains
 * faster than we format); input arrives by interrupt into a ring that the
 * event loop drains with uart_getc().
 */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <stddef.h>

#define UART_COM1 0x3f8
#define UART_COM1_IRQ 4 /* ISA IRQ; the IOAPIC route may be overridden by the MADT */

void uart_init(void);
void uart_write(const char *s, size_t n);
/* Routes the receive interrupt through the IOAPIC and enables it. */
int uart_irq_enable(void);
/* Next received byte, or -1 when none is waiting. */
int uart_getc(void);
/* Bytes lost because the ring was full (the shell fell behind). */
unsigned long uart_rx_overruns(void);

#endif
