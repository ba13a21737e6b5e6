/*
 * The two ways into the kernel, ending in the same boot_main():
 *   _start     64-bit, from the UEFI loader: %rdi = struct bootinfo *.
 *   pvh_start  32-bit protected mode, paging off, from QEMU's PVH boot
 *              (xen/include/public/arch-x86/hvm/start_info.h):
 *              %ebx = physical address of struct hvm_start_info.
 * Both switch to the kernel's own stack, apply the kernel's relocations
 * (kernel/reloc.c) and call boot_main(arg, source).  The code is
 * position-independent: 32-bit code finds itself with call/pop.
 */
#define BOOT_UEFI 1
#define BOOT_PVH 2

	.section .text.boot, "ax"
	.code64
	.globl _start
_start:
	cli
	cld
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	mov %rdi, %rbx
	call reloc_self
	mov %rbx, %rdi
	mov $BOOT_UEFI, %esi
	call boot_main
1:	hlt
	jmp 1b

	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	mov %ebx, %esi
	call 1f
1:	pop %ebp

	/* Identity-map the first 4 GiB with 2 MiB pages: enough to reach
	 * the image, start_info, the ACPI tables and the local APIC until
	 * vm_init() builds the real tables. */
	lea (pvh_pdpt - 1b)(%ebp), %eax
	or $3, %eax
	mov %eax, (pvh_pml4 - 1b)(%ebp)
	lea (pvh_pdpt - 1b)(%ebp), %edi
	lea (pvh_pd - 1b)(%ebp), %eax
	or $3, %eax
	mov $4, %ecx
2:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	loop 2b
	lea (pvh_pd - 1b)(%ebp), %edi
	mov $0x83, %eax			/* present, writable, 2 MiB */
	xor %edx, %edx
	mov $2048, %ecx
3:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $0x200000, %eax
	adc $0, %edx
	add $8, %edi
	loop 3b

	mov %cr4, %eax
	or $0x20, %eax			/* PAE */
	mov %eax, %cr4
	lea (pvh_pml4 - 1b)(%ebp), %eax
	mov %eax, %cr3
	mov $0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	or $0x100, %eax
	wrmsr
	mov %cr0, %eax
	or $0x80000001, %eax		/* PG | PE */
	mov %eax, %cr0

	lea (pvh_gdt - 1b)(%ebp), %eax
	mov %eax, (pvh_gdtr + 2 - 1b)(%ebp)
	lgdt (pvh_gdtr - 1b)(%ebp)
	lea (pvh_long - 1b)(%ebp), %eax
	push $0x08
	push %eax
	lret

	.code64
pvh_long:
	mov $0x10, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	xor %eax, %eax
	mov %eax, %fs
	mov %eax, %gs
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	mov %esi, %ebx
	call reloc_self
	mov %ebx, %edi
	mov $BOOT_PVH, %esi
	call boot_main
1:	hlt
	jmp 1b

	.data
	.balign 8
pvh_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
pvh_gdtr:
	.word 3 * 8 - 1
	.long 0
	.long 0

	.bss
	.balign 4096
pvh_pml4:	.space 4096
pvh_pdpt:	.space 4096
pvh_pd:		.space 4 * 4096
	.globl boot_stack_guard, boot_stack_top
boot_stack_guard: .space 4096		/* unmapped by vm_init() */
	.globl boot_stack
boot_stack:	.space 65536
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
