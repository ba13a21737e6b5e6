/*
 * newc cpio reader (the format Linux documents for initramfs,
 * Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte
 * ASCII-hex header "070701...", the name padded to 4 bytes, the data padded
 * to 4 bytes, ending with "TRAILER!!!".  Bounds-checked on every step.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kernel/cpio.h"

#define HDR_LEN 110
#define MODE_TYPE 0170000
#define MODE_REG 0100000

static int hex8(const char *p, uint32_t *v)
{
	*v = 0;
	for (int i = 0; i < 8; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -EINVAL;
		*v = *v << 4 | d;
	}
	return 0;
}

int cpio_is_newc(const void *buf, size_t len)
{
	return len >= HDR_LEN && !memcmp(buf, "070701", 6);
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int cpio_next(const void *buf, size_t len, size_t *pos, struct cpio_entry *e)
{
	const char *b = buf;
	for (;;) {
		size_t at = *pos;
		if (at >= len)
			return 0;
		if (len - at < HDR_LEN)
			return -EINVAL; /* a header cut short */
		if (memcmp(b + at, "070701", 6))
			return -EINVAL;
		uint32_t mode, filesize, namesize;
		if (hex8(b + at + 14, &mode) || hex8(b + at + 54, &filesize) ||
		    hex8(b + at + 94, &namesize) || namesize == 0)
			return -EINVAL;
		size_t name = at + HDR_LEN;
		if (namesize > len - name)
			return -EINVAL;
		size_t data = pad4(name + namesize);
		if (data > len || filesize > len - data)
			return -EINVAL;
		*pos = pad4(data + filesize);
		e->name = b + name;
		e->namelen = namesize - 1; /* namesize counts the NUL */
		if (e->namelen == 10 && !memcmp(e->name, "TRAILER!!!", 10))
			return 0;
		if ((mode & MODE_TYPE) != MODE_REG)
			continue; /* directories, links: nothing to read */
		e->data = b + data;
		e->size = filesize;
		return 1;
	}
}
