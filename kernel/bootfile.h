/*
 * Files the kernel was booted with: from the UEFI boot volume
 * (nagare.rc, sysctl.conf) or the PVH module (a newc cpio archive, or a
 * bare nagare.rc).  nagare.rc falls back to the copy built into the kernel.
 */
#ifndef KERNEL_BOOTFILE_H
#define KERNEL_BOOTFILE_H

#include <stddef.h>

struct bootinfo;

void bootfile_init(const struct bootinfo *bi);
/* Contents and size of a boot file, or NULL if there is none. */
const char *bootfile_get(const char *name, size_t *size);
/* The built-in nagare.rc (the same file the image carries). */
const char *bootfile_default_rc(size_t *size);

#endif
