/*
 * The boot files: a small table filled from struct bootinfo at boot.
 * The default nagare.rc is linked into the kernel (kernel/rc_blob.S), so a
 * PVH boot without a module comes up configured like the UEFI image.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "boot/bootinfo.h"
#include "kernel/bootfile.h"
#include "kernel/param.h"

struct bootfile {
	char name[BOOTINFO_NAMELEN];
	const char *data;
	size_t size;
};

static struct bootfile files[BOOTINFO_MAXFILE];
static int nfiles;

extern const char default_rc_start[], default_rc_end[];

void bootfile_init(const struct bootinfo *bi)
{
	for (uint32_t i = 0; i < bi->nfile && i < BOOTINFO_MAXFILE; i++) {
		strlcpy(files[nfiles].name, bi->file[i].name, sizeof(files[nfiles].name));
		files[nfiles].data = (const char *)bi->file[i].addr;
		files[nfiles].size = bi->file[i].size;
		nfiles++;
	}
}

const char *bootfile_get(const char *name, size_t *size)
{
	while (*name == '/')
		name++;
	for (int i = 0; i < nfiles; i++) {
		if (!strcmp(files[i].name, name)) {
			*size = files[i].size;
			return files[i].data;
		}
	}
	return NULL;
}

const char *bootfile_default_rc(size_t *size)
{
	*size = default_rc_end - default_rc_start;
	return default_rc_start;
}
