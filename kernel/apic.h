/*
 * Interrupt controllers: the legacy 8259 pair (remapped, then masked for
 * good), this CPU's local APIC (EOI, timer) and the IOAPICs from the MADT.
 */
#ifndef KERNEL_APIC_H
#define KERNEL_APIC_H

#include <stdint.h>

void pic_disable(void);

void lapic_init(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
/* One-shot timer: fires VEC_LAPIC_TIMER after `ticks` timer ticks (divide 16). */
void lapic_timer_oneshot(uint32_t ticks);
uint32_t lapic_timer_count(void);
int lapic_is_x2apic(void);

void ioapic_init(void);
/* Routes an ISA IRQ (after MADT source overrides) to vec on this CPU. */
int ioapic_route_isa(int isa_irq, int vec);
int ioapic_mask_gsi(uint32_t gsi, int masked);

#endif
