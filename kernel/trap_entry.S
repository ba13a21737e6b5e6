/*
 * Interrupt and exception entry: one stub per IDT vector pushes a dummy
 * error code where the CPU pushes none (Intel SDM vol. 3A, 6.13: vectors
 * 8, 10-14, 17, 21, 29, 30 have one), then the vector, then every general
 * register, and calls trap_dispatch(struct trapframe *) (kernel/trap.h).
 */
	.text
	.altmacro
	.macro stub vec
	.balign 16
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp trap_common
	.endm

	.balign 16
	.globl trap_stubs
trap_stubs:
	.set v, 0
	.rept 256
	stub %v
	.set v, v + 1
	.endr

trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	cld
	mov %rsp, %rdi
	call trap_dispatch
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp
	iretq

	.section .note.GNU-stack, "", @progbits
