/* The default nagare.rc, built into the kernel (see kernel/bootfile.c). */
	.section .rodata
	.globl default_rc_start, default_rc_end
default_rc_start:
	.incbin "kernel/nagare.rc"
default_rc_end:
	.section .note.GNU-stack, "", @progbits
