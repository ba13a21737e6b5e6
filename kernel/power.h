/*
 * Leaving the machine: ACPI S5 soft-off and reset.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

void power_off(void) __attribute__((noreturn));
void power_reboot(void) __attribute__((noreturn));

#endif
