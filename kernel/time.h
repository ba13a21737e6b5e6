/*
 * Time.  The clock is the TSC at a rate from CPUID or measured against
 * the ACPI PM timer (or the PIT) without holding boot up, checked again
 * after a second; the local APIC timer, measured against the TSC, wakes
 * the CPU from hlt.  time_ns() counts from kernel entry.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

uint64_t time_early(void);   /* first thing at kernel entry: t = 0; returns the TSC */
void time_start_reference(void); /* right after ACPI: opens the PM timer window early */
void time_init(void);        /* rate from CPUID, or open a window (needs ACPI and the LAPIC) */
uint64_t time_ns(void);      /* since entry; the first call may close the calibration window */
uint64_t time_ns_if_known(void); /* the same, or 0 while the rate is unknown (printk) */
uint64_t time_ms(void);
uint64_t time_tsc_hz(void);
uint64_t time_lapic_hz(void);
const char *time_reference(void);   /* "acpi_pm" or "pit": what checks the rate */
const char *time_rate_source(void); /* where the rate came from: "cpuid 0x15", "acpi_pm", ... */
/* Arms the one-shot wakeup ns from now (capped by the timer's range). */
void time_arm_wakeup(uint64_t ns);
/* Seconds since 1970-01-01 UTC, from the CMOS RTC at boot plus uptime; 0 if unknown. */
uint64_t time_wall(void);
/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t time_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
