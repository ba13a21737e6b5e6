/*
 * The end of the line: panic() for impossible states and boot failures,
 * and the fault dump the exception handler prints.  Both print to the
 * serial console and stop the machine: in QEMU through isa-debug-exit with
 * a non-zero status (PANIC_EXIT_CODE), elsewhere by halting.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#define PANIC_EXIT_CODE 0x01 /* isa-debug-exit: QEMU exits with (code << 1) | 1 = 3 */
#define POWEROFF_EXIT_CODE 0x10 /* QEMU status 33: the harness's "clean exit" */

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Leaves QEMU through isa-debug-exit if present, else halts forever. */
void machine_halt(int qemu_code) __attribute__((noreturn));

#define BUG_ON(cond) do { if (cond) panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); } while (0)

#endif
