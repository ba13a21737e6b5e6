/*
 * Kernel entry: boot_main() is where kernel/entry.S lands from both boot
 * paths; pvh_bootinfo() converts the PVH start_info.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <stdint.h>

struct bootinfo;

void boot_main(uint64_t arg, int source) __attribute__((noreturn));
struct bootinfo *pvh_bootinfo(uint32_t start_info);
/* The boot info the kernel keeps (a copy: firmware memory gets reused). */
const struct bootinfo *boot_info(void);
/* Stamps a stage of the boot timeline (/proc/boottime); the name is a
 * printf format, cut at BOOTTIME_NAME_MAX. */
void boot_stage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Nanoseconds from kernel entry until the first prompt (0 before it). */
uint64_t boot_prompt_ns(void);

#endif
