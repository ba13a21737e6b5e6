/*
 * Fakes for the kernel services the pure files call: con_printf
 * (kernel/printk.h) writes into a buffer the tests read, bootfile_get
 * (kernel/bootfile.h) serves a table the tests fill.
 */
#ifndef TESTS_UNIT_FAKES_H
#define TESTS_UNIT_FAKES_H

#include <stddef.h>

/* Everything con_printf wrote since the last con_reset(). */
const char *con_text(void);
void con_reset(void);

/* Adds a boot file; text is not copied and its size is strlen(text). */
void fake_bootfile_add(const char *name, const char *text);
void fake_bootfile_clear(void);

#endif
