/*
 * The run with net/lwip/lwipopts.h (NO_SYS=1): lwIP's test/unit/arch/sys_arch.h
 * defines sys_sem_t and friends for NO_SYS=0 and clashes with lwip/sys.h's
 * NO_SYS ones; test_timers.c includes it only for the suite's clock,
 * lwip_sys_now, which test/unit/arch/sys_arch.c defines.
 */
#ifndef TESTS_LWIP_NAGARE_SYS_ARCH_H
#define TESTS_LWIP_NAGARE_SYS_ARCH_H

#include "lwip/arch.h"

extern u32_t lwip_sys_now; /* ms: what sys_now() returns */

#endif
