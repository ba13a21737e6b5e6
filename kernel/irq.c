/*
 * Vector table for device and kernel interrupts, and MSI message layout.
 * Callers: drivers (alloc + MSI-X), kernel/lapic.c (timer), kernel/trap.c
 * (dispatch).  Counts every delivery, like /proc/interrupts.
 */
#include <errno.h>
#include <stddef.h>

#include "kernel/apic.h"
#include "kernel/irq.h"
#include "kernel/loop.h"
#include "kernel/param.h"
#include "kernel/printk.h"
#include "kernel/x86.h"

struct vector {
	irq_fn fn;
	void *arg;
	const char *name;
	uint64_t count;
};

static struct vector vectors[IRQ_VECTORS];
static uint64_t unexpected;

int irq_alloc_vector(irq_fn fn, void *arg, const char *name)
{
	for (int v = IRQ_FIRST_DYNAMIC; v <= IRQ_LAST_DYNAMIC; v++) {
		if (!vectors[v].fn) {
			irq_set_handler(v, fn, arg, name);
			return v;
		}
	}
	return -ENOSPC;
}

void irq_free_vector(int vec)
{
	vectors[vec].fn = NULL;
	vectors[vec].name = NULL;
}

void irq_set_handler(int vec, irq_fn fn, void *arg, const char *name)
{
	vectors[vec].arg = arg;
	vectors[vec].name = name;
	vectors[vec].count = 0;
	vectors[vec].fn = fn;
}

void irq_handle(uint64_t vec)
{
	struct vector *v = &vectors[vec & (IRQ_VECTORS - 1)];
	v->count++;
	if (v->fn)
		v->fn(v->arg);
	else
		unexpected++;
	loop_kick();
	/* The spurious vector is the one delivery that must not be acknowledged. */
	if (vec != VEC_SPURIOUS)
		lapic_eoi();
}

int irq_route_isa(int isa_irq, int vec)
{
	return ioapic_route_isa(isa_irq, vec);
}

void irq_msi_message(int vec, uint64_t *addr, uint32_t *data)
{
	/* 0xfee00000 | destination APIC ID << 12; physical mode, no redirection hint. */
	*addr = 0xfee00000ULL | ((uint64_t)lapic_id() << 12);
	*data = (uint32_t)vec; /* fixed delivery, edge triggered */
}

void irq_foreach(void (*fn)(int vec, const char *name, uint64_t count))
{
	for (int v = 0; v < IRQ_VECTORS; v++) {
		if (vectors[v].fn || vectors[v].count)
			fn(v, vectors[v].name ? vectors[v].name : "unexpected", vectors[v].count);
	}
}

uint64_t irq_lock(void)
{
	return irq_save();
}

void irq_unlock(uint64_t flags)
{
	irq_restore(flags);
}
