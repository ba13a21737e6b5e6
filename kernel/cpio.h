/*
 * Reader for "newc" cpio archives (the format of Linux initramfs), used
 * for a PVH boot module that carries several files.
 */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <stddef.h>

struct cpio_entry {
	const char *name;  /* not NUL-terminated: namelen bytes */
	size_t namelen;
	const void *data;
	size_t size;
};

/* Nonzero if buf starts with a newc header. */
int cpio_is_newc(const void *buf, size_t len);
/* Steps through the archive: *pos starts at 0; returns 1 and fills e for
 * each regular file, 0 at the trailer or the end, -EINVAL if malformed. */
int cpio_next(const void *buf, size_t len, size_t *pos, struct cpio_entry *e);

#endif
