/*
 * Fault injection (kernel/fault.h): the points, the random draw, and
 * /proc/fault_injection, which shows each point's percent and count.
 */
#include "kernel/console.h"
#include "kernel/fault.h"
#include "kernel/printk.h"
#include "kernel/random.h"

struct fault fault_rx_alloc, fault_lwip_alloc, fault_tx_ring, fault_tx_ring_full;

static uint64_t state;

/* xorshift64* (Vigna 2014): fast, and good enough to pick which operations fail. */
int fault_roll(struct fault *f)
{
	if (!state) {
		random_get(&state, sizeof(state));
		state |= 1;
	}
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	uint64_t r = (state * 0x2545f4914f6cdd1dULL) >> 32;
	if (r % 100 >= (uint64_t)f->percent)
		return 0;
	f->injected++;
	return 1;
}

static void show(const char *name, const struct fault *f)
{
	con_printf("%-16s %7d %12lu\n", name, f->percent, (unsigned long)f->injected);
}

static void proc_fault(void)
{
	con_printf("%-16s %7s %12s\n", "point", "percent", "injected");
	show("rx_alloc", &fault_rx_alloc);
	show("lwip_alloc", &fault_lwip_alloc);
	show("tx_ring", &fault_tx_ring);
	show("tx_ring_full", &fault_tx_ring_full);
}
PROC_FILE(fault, "/proc/fault_injection", proc_fault);
