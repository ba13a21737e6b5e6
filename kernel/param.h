/*
 * Compile-time limits of the kernel, one per line.  lwIP's live in
 * net/lwip/lwipopts.h; run-time tunables are sysctls (kernel/sysctl_table.c).
 */
#ifndef KERNEL_PARAM_H
#define KERNEL_PARAM_H

#define KERNEL_LINK_BASE   0x100000UL /* linker.ld's load address (PVH loads it there) */
#define PAGE_SIZE          4096UL
#define PAGE_SHIFT         12
#define LOG_BUF_SIZE       (64 * 1024) /* printk ring buffer, bytes (dmesg) */
#define CONSOLE_OUT_BUF    (16 * 1024) /* console output not yet written to the UART, bytes */
#define CONSOLE_OUT_CHUNK  64          /* bytes written to the UART per event-loop round */
#define CONSOLE_OUT_MAX_WAIT_MS 10     /* output waiting longer goes out even while the loop is busy */
#define CONSOLE_LINE_MAX   256         /* longest console command line, bytes */
#define CONSOLE_ARGV_MAX   32          /* most words in one command */
#define CONSOLE_HISTORY    16          /* remembered command lines (up/down arrows) */
#define UART_RX_RING       1024        /* serial bytes buffered between IRQ and shell */
#define IRQ_VECTORS        256         /* IDT size */
#define IRQ_FIRST_DYNAMIC  0x30        /* first vector handed to devices (0x20-0x2f: legacy) */
#define IRQ_LAST_DYNAMIC   0xef        /* last vector for devices; 0xf0+ are the kernel's */
#define VEC_LAPIC_TIMER    0xf0
#define VEC_LAPIC_ERROR    0xfe
#define VEC_SPURIOUS       0xff
#define STACK_TRACE_DEPTH  24          /* frames printed by a fault dump */
#define HEAP_SMALL_MAX     2048        /* bigger allocations get whole pages */
#define BOOTFILE_MAX       16          /* files from the boot volume or PVH module */
#define BOOTTIME_STAGES    32          /* stages in the boot timeline (/proc/boottime) */
#define TIMER_MAX_SLEEP_MS 100         /* longest hlt without a look at the clock */

#endif
