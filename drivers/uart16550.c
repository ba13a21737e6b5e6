/*
 * 16550A UART on COM1 (National Semiconductor PC16550D data sheet):
 * 115200 8N1, FIFOs on, receive-data interrupt only.  The interrupt handler
 * moves bytes from the receive FIFO into a ring buffer; the shell reads the
 * ring from the event loop.  Callers: kernel/printk.c (output),
 * kernel/console.c (input), kernel/main.c (init).
 */
#include <stdint.h>

#include "drivers/uart16550.h"
#include "kernel/irq.h"
#include "kernel/param.h"
#include "kernel/x86.h"

enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5 };
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define TX_SPIN_LIMIT 1000000 /* give up on a stuck line rather than hang */

static uint16_t port = UART_COM1;
static volatile uint8_t ring[UART_RX_RING];
static volatile uint32_t ring_head, ring_tail; /* head: written by the IRQ */
static unsigned long overruns;

void uart_init(void)
{
	outb(port + IER, 0);
	outb(port + LCR, 0x80); /* DLAB */
	outb(port + DLL, 1);    /* 115200 baud */
	outb(port + DLM, 0);
	outb(port + LCR, 0x03); /* 8N1 */
	outb(port + FCR, 0xc7); /* FIFO on, clear both, 14-byte trigger */
	outb(port + MCR, 0x0b); /* DTR, RTS, OUT2 (the IRQ gate on PCs) */
}

void uart_write(const char *s, size_t n)
{
	while (n) {
		int spins = TX_SPIN_LIMIT;
		while (!(inb(port + LSR) & LSR_THRE) && --spins)
			cpu_relax();
		if (!spins)
			return;
		/* THRE means the whole 16-byte FIFO is empty. */
		for (int i = 0; i < 16 && n; i++, n--)
			outb(port + THR, (uint8_t)*s++);
	}
}

/* Moves what the receive FIFO holds into the ring; interrupts are off. */
static void uart_drain(void)
{
	for (int i = 0; i < 64 && (inb(port + LSR) & LSR_DR); i++) {
		uint8_t c = inb(port + RBR);
		uint32_t next = (ring_head + 1) % UART_RX_RING;
		if (next == ring_tail) {
			overruns++;
			continue;
		}
		ring[ring_head] = c;
		ring_head = next;
	}
}

static void uart_irq(void *arg)
{
	(void)arg;
	uart_drain();
}

int uart_irq_enable(void)
{
	int vec = irq_alloc_vector(uart_irq, 0, "uart");
	if (vec < 0)
		return vec;
	int err = irq_route_isa(UART_COM1_IRQ, vec);
	if (err)
		return err;
	(void)inb(port + IIR);
	outb(port + IER, 0x01); /* received data available */
	return 0;
}

int uart_getc(void)
{
	if (ring_tail == ring_head) {
		/*
		 * Before interrupts are routed, or if they are lost, poll.  The
		 * poll goes through the ring too: reading the FIFO directly
		 * would hand out a byte ahead of older ones an interrupt moved
		 * into the ring between the check above and here.
		 */
		uint64_t f = irq_save();
		uart_drain();
		irq_restore(f);
		if (ring_tail == ring_head)
			return -1;
	}
	uint8_t c = ring[ring_tail];
	ring_tail = (ring_tail + 1) % UART_RX_RING;
	return c;
}

unsigned long uart_rx_overruns(void)
{
	return overruns;
}
