/*
 * CPU state saved by kernel/trap_entry.S, and the IDT.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <stdint.h>

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

void gdt_init(void);
void idt_init(void);
void trap_dispatch(struct trapframe *tf);
/* Prints the frame chain starting at rbp, as "#n 0x... symbol+off". */
void trap_backtrace(uint64_t rip, uint64_t rbp);

#endif
