/*
 * Interrupt vectors: allocation, handlers, routing.  Handlers run with
 * interrupts off and do the least (acknowledge, mask, mark work pending);
 * the event loop does the rest.  Every device interrupt arrives through the
 * local APIC, which irq_handle() acknowledges after the handler.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdint.h>

typedef void (*irq_fn)(void *arg);

/* A free vector with fn installed, or -ENOSPC. */
int irq_alloc_vector(irq_fn fn, void *arg, const char *name);
void irq_free_vector(int vec);
/* Installs fn on a fixed kernel vector (timer, error, spurious). */
void irq_set_handler(int vec, irq_fn fn, void *arg, const char *name);
void irq_handle(uint64_t vec);
/* Delivers ISA interrupt isa_irq (after MADT overrides) as vector vec. */
int irq_route_isa(int isa_irq, int vec);
/* The MSI / MSI-X message that delivers vec to this CPU (Intel SDM 3A, 11.11). */
void irq_msi_message(int vec, uint64_t *addr, uint32_t *data);
/* For the `interrupts` command: calls fn for each vector in use. */
void irq_foreach(void (*fn)(int vec, const char *name, uint64_t count));
/* Interrupts off / back as they were (out of line, so pure code that
 * needs it stays host-testable). */
uint64_t irq_lock(void);
void irq_unlock(uint64_t flags);

#endif
