/*
 * The kernel's GDT, TSS and IDT (Intel SDM vol. 3A, 3.4.5, 7.7, 6.14).
 * Long mode uses segments only for the privilege level and the TSS's
 * interrupt stack table: double fault, NMI and machine check run on their
 * own stacks so a blown kernel stack still gets a register dump.
 */
#include <stdint.h>
#include <string.h>

#include "kernel/param.h"
#include "kernel/trap.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x18
#define IST_STACK_SIZE 16384

struct tss {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3, iomap;
} __attribute__((packed));

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, rsv;
} __attribute__((packed));

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[IRQ_VECTORS] __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

extern char trap_stubs[];

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL; /* 64-bit code, DPL 0 */
	gdt[2] = 0x00cf92000000ffffULL; /* data, DPL 0 */
	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;

	memset(&tss, 0, sizeof(tss));
	for (int i = 0; i < 3; i++)
		tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap = sizeof(tss);

	struct dtr d = { sizeof(gdt) - 1, (uint64_t)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "mov %1, %%ds\n\t"
			 "mov %1, %%es\n\t"
			 "mov %1, %%ss\n\t"
			 "xor %%eax, %%eax\n\t"
			 "mov %%eax, %%fs\n\t"
			 "mov %%eax, %%gs\n\t"
			 "lea 1f(%%rip), %%rax\n\t"
			 "pushq %2\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "ltr %w3"
			 :
			 : "m"(d), "r"(SEL_KDATA), "i"(SEL_KCODE), "r"(SEL_TSS)
			 : "rax", "memory");
}

void idt_init(void)
{
	for (int v = 0; v < IRQ_VECTORS; v++) {
		uint64_t off = (uint64_t)(trap_stubs + 16 * v);
		struct idt_gate *g = &idt[v];
		g->off_lo = off & 0xffff;
		g->off_mid = (off >> 16) & 0xffff;
		g->off_hi = off >> 32;
		g->sel = SEL_KCODE;
		g->type = 0x8e; /* present, interrupt gate: IF cleared on entry */
		g->ist = v == 8 ? 1 : v == 2 ? 2 : v == 18 ? 3 : 0;
		g->rsv = 0;
	}
	struct dtr d = { sizeof(idt) - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" : : "m"(d));
}
