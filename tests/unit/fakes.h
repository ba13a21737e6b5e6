/*
 * Fakes for the kernel services the pure files and the drivers call:
 * con_printf and printk (kernel/printk.h) write into a buffer the tests
 * read, bootfile_get (kernel/bootfile.h) serves a table the tests fill,
 * the page allocator (kernel/pmm.h) hands out host pages it tracks,
 * interrupt vectors (kernel/irq.h) are a table, and the stack's side of
 * drivers/netdev.h (netdev_register, netdev_link_change) records what a
 * driver did.  Allocations can be made to fail one at a time.
 */
#ifndef TESTS_UNIT_FAKES_H
#define TESTS_UNIT_FAKES_H

#include <stddef.h>
#include <stdint.h>

struct netdev;

/* Everything con_printf and printk wrote since the last con_reset(). */
const char *con_text(void);
void con_reset(void);

/* Adds a boot file; text is not copied and its size is strlen(text). */
void fake_bootfile_add(const char *name, const char *text);
void fake_bootfile_clear(void);

/* Failure injection: fallible calls (pages, vectors, netdev_register and
 * any test fake that asks fake_fail_now) are counted in fake_calls, and
 * the fake_fail_at-th one fails (0: none does). */
extern int fake_fail_at, fake_calls;
int fake_fail_now(void);

/* malloc, realloc and free for the pure files built with -Dmalloc=fake_malloc
 * -Drealloc=fake_realloc -Dfree=fake_free (tests/tests.mk): each malloc and
 * realloc is a fallible call. */
void *fake_malloc(size_t n);
void *fake_realloc(void *p, size_t n);
void fake_free(void *p);

/* Pages: each allocation is its own aligned_alloc, tracked until freed
 * (freeing what was not allocated, or with another count, fails the
 * test).  fake_pmm_fail makes every allocation fail while set;
 * fake_pmm_on_free, if set, sees each free before it happens. */
extern int fake_pmm_fail;
extern void (*fake_pmm_on_free)(uint64_t pa, size_t n);
size_t fake_pmm_out(void);                 /* pages allocated, not freed */
int fake_pmm_list(void **base, int max);   /* the live allocations' addresses */
void fake_pmm_reset(void);                 /* frees every live allocation */

/* Vectors: irq_alloc_vector hands out 48, 49, ... */
int fake_irq_live(void);                   /* vectors allocated, not freed */
int fake_irq_bound(const void *arg);       /* live vectors whose handler gets arg */
const char *fake_irq_name(int vec);       /* a live vector's name (as it reads now) */
void fake_irq_reset(void);

/* netdev_register returns fake_netdev_err when set (or fails by
 * injection), else names the device eth0 and records it. */
extern int fake_netdev_err, fake_link_changes;
extern struct netdev *fake_netdev_registered;
extern void (*fake_netdev_on_register)(struct netdev *dev); /* sees each call first */
void fake_netdev_reset(void);

#endif
