/*
 * tc's units: parsing rates, sizes and times as tc(8) documents them
 * ("PARAMETERS" in tc(8), and tc-tbf(8)), printing them as iproute2 6.x's
 * `tc qdisc show` does (../shared/notes/qdisc-facts.md).  Pure, integer only
 * (the kernel has no FPU state): decimal fractions are parsed exactly.
 *
 * Accepted (suffixes case-insensitive, as tc compares them; a number is
 * digits with an optional fraction, "1.5mbit", ".5ms"; no sign, exponent,
 * hex or spaces, which tc's strtod would take):
 *   rate  (bit/s in 1000s; IEC ki/mi/gi/ti in 1024s; "bps" = bytes/s)
 *         bare or bit, kbit, mbit, gbit, tbit, kibit, mibit, gibit, tibit,
 *         bps, kbps, mbps, gbps, tbps, kibps, mibps, gibps, tibps
 *         -> bytes/s, truncated (tc divides by 8 the same way)
 *   size  (1024s) bare or b; k/kb; m/mb; g/gb; kbit, mbit, gbit (1024/8 ...)
 *         -> bytes, at most UINT32_MAX (tc's unsigned)
 *   time  bare (microseconds, tc's TIME_UNITS), us/usec/usecs,
 *         ms/msec/msecs, s/sec/secs -> ns
 * Errors: -EINVAL for garbage or an unknown suffix, -ERANGE on overflow.
 */
#ifndef NET_SCHED_TC_UNITS_H
#define NET_SCHED_TC_UNITS_H

#include <stddef.h>
#include <stdint.h>

int tc_parse_rate(const char *s, uint64_t *bytes_per_s);
int tc_parse_size(const char *s, uint32_t *bytes);
int tc_parse_time(const char *s, uint64_t *ns);

/* Printers: snprintf-style (the length they would write; truncated to
 * fit n).  TC_UNITS_BUF always suffices. */
#define TC_UNITS_BUF 32
/* "10Mbit", "1500Kbit", "800bit": bits in 1000s, a unit only while exact
 * (or at least 1000 of the next one down). */
int tc_print_rate(char *buf, size_t n, uint64_t bytes_per_s);
/* "4Kb", "32Mb", "1514b", "0b": whole KiB within 16 bytes, whole MiB
 * within 1024 bytes, else bytes. */
int tc_print_size(char *buf, size_t n, uint32_t bytes);
/* "5ms", "100ms", "2us", "1.5s", "12.3ms": 3 significant digits (printf's
 * %.3g) in s or ms, whole microseconds below 1 ms. */
int tc_print_time(char *buf, size_t n, uint64_t ns);

#endif
