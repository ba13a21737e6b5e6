/*
 * This CPU's local APIC (Intel SDM vol. 3A, chapter 11): enabled through
 * the spurious-interrupt register, error and timer LVTs, EOI.  Works in
 * xAPIC (MMIO) and, when firmware left it on, x2APIC (MSR 0x800 + reg/16).
 */
#include <stdint.h>

#include "kernel/acpi.h"
#include "kernel/apic.h"
#include "kernel/irq.h"
#include "kernel/param.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)

enum {
	REG_ID = 0x20, REG_TPR = 0x80, REG_EOI = 0xb0, REG_SVR = 0xf0, REG_ESR = 0x280,
	REG_LVT_TIMER = 0x320, REG_LVT_LINT0 = 0x350, REG_LVT_LINT1 = 0x360, REG_LVT_ERROR = 0x370,
	REG_TIMER_INIT = 0x380, REG_TIMER_CUR = 0x390, REG_TIMER_DIV = 0x3e0,
};
#define LVT_MASKED (1u << 16)

static uintptr_t base;
static int x2apic;

static uint32_t rd(uint32_t reg)
{
	return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : mmio_read32(base + reg);
}

static void wr(uint32_t reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + (reg >> 4), v);
	else
		mmio_write32(base + reg, v);
}

static void lapic_error(void *arg)
{
	(void)arg;
	wr(REG_ESR, 0);
}

static void nothing(void *arg)
{
	(void)arg; /* the timer only ends a hlt; the event loop looks at the clock */
}

void lapic_init(void)
{
	uint64_t msr = rdmsr(MSR_APIC_BASE);
	x2apic = !!(msr & APIC_BASE_EXTD);
	uint64_t phys = acpi.lapic_addr ? acpi.lapic_addr : (msr & ~0xfffULL);
	if (!x2apic)
		base = vm_map_mmio(phys, PAGE_SIZE);
	wrmsr(MSR_APIC_BASE, msr | APIC_BASE_EN);

	irq_set_handler(VEC_LAPIC_ERROR, lapic_error, 0, "lapic-error");
	irq_set_handler(VEC_LAPIC_TIMER, nothing, 0, "timer");
	wr(REG_TPR, 0);
	wr(REG_LVT_LINT0, LVT_MASKED);
	wr(REG_LVT_LINT1, LVT_MASKED);
	wr(REG_LVT_ERROR, VEC_LAPIC_ERROR);
	wr(REG_LVT_TIMER, LVT_MASKED | VEC_LAPIC_TIMER);
	wr(REG_TIMER_DIV, 0x3); /* divide by 16 */
	wr(REG_ESR, 0);
	wr(REG_SVR, 0x100 | VEC_SPURIOUS);
	wr(REG_EOI, 0);
}

void lapic_eoi(void)
{
	wr(REG_EOI, 0);
}

uint32_t lapic_id(void)
{
	uint32_t id = rd(REG_ID);
	return x2apic ? id : id >> 24;
}

void lapic_timer_oneshot(uint32_t ticks)
{
	wr(REG_LVT_TIMER, VEC_LAPIC_TIMER); /* one-shot, unmasked */
	wr(REG_TIMER_INIT, ticks ? ticks : 1);
}

uint32_t lapic_timer_count(void)
{
	return rd(REG_TIMER_CUR);
}

int lapic_is_x2apic(void)
{
	return x2apic;
}
