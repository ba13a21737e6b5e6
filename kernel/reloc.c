/*
 * Self-relocation, run from kernel/entry.S before anything else: the image
 * is linked at KERNEL_LINK_BASE but the UEFI loader may have put it anywhere.
 * Applies the R_X86_64_RELATIVE entries of .rela.dyn (the only kind the
 * build allows; the Makefile checks) by the load delta.  Must not touch any
 * absolute address itself: everything here is reached RIP-relative.
 */
#include <stdint.h>

#include "kernel/param.h"

struct rela {
	uint64_t offset;
	uint64_t info;
	int64_t addend;
};

#define R_X86_64_RELATIVE 8

extern char __image_start[];
extern const struct rela __rela_start[], __rela_end[];

void reloc_self(void)
{
	uint64_t base = (uint64_t)__image_start;
	uint64_t delta = base - KERNEL_LINK_BASE;

	for (const struct rela *r = __rela_start; r < __rela_end; r++) {
		if ((uint32_t)r->info != R_X86_64_RELATIVE)
			continue;
		*(uint64_t *)(r->offset + delta) = (uint64_t)r->addend + delta;
	}
}
