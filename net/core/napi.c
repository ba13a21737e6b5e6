/*
 * NAPI: devices whose interrupt fired wait on the poll list; the event
 * loop's NET_RX round polls them.  Semantics follow Linux
 * (net/core/dev.c net_rx_action, napi_poll): a device that handled its
 * whole weight stays scheduled and goes to the back; one that handled
 * less has called napi_complete() and left; a round stops when the budget
 * or the time runs out (time_squeeze) and the next round carries on
 * without waiting for an interrupt.  Interrupt handlers only append to
 * the list.  Depends on the clock and interrupt masking only, so
 * tests/unit drives it with fake devices.
 */
#include <stddef.h>

#include "kernel/irq.h"
#include "kernel/loop.h"
#include "kernel/time.h"
#include "net/core/counter.h"
#include "net/core/napi.h"

struct softnet_stat softnet;

static struct napi *head, *tail; /* the poll list */

static void append(struct napi *n)
{
	n->next = NULL;
	if (tail)
		tail->next = n;
	else
		head = n;
	tail = n;
}

void napi_schedule(struct napi *n)
{
	uint64_t f = irq_lock();
	if (!n->scheduled) {
		n->scheduled = 1;
		append(n);
	}
	irq_unlock(f);
	loop_kick();
}

void napi_complete(struct napi *n)
{
	/* poll() runs with the device off the list (napi_run took it). */
	n->scheduled = 0;
}

int napi_pending(void)
{
	return head != NULL;
}

COUNTER(softnet, 30, time_squeeze, softnet.time_squeeze, ALWAYS, NULL, "NET_RX rounds ended with work left.");
COUNTER(softnet, 40, rounds, softnet.rounds, ALWAYS, NULL, "NET_RX rounds that polled a device.");
COUNTER(softnet, 50, polls, softnet.polls, ALWAYS, NULL, "Device poll calls.");

int napi_run(int budget, int usecs, void (*after_poll)(struct netdev *dev))
{
	uint64_t f = irq_lock();
	struct napi *list = head;  /* this round's devices: the list as it is now */
	head = tail = NULL;
	irq_unlock(f);
	if (!list)
		return 0;

	uint64_t deadline = time_ns() + (uint64_t)usecs * 1000;
	struct napi *repoll = NULL, **repoll_tail = &repoll;
	softnet.rounds++;
	while (list) {
		struct napi *n = list;
		list = n->next;
		n->next = NULL;
		int weight = n->weight;
		int work = n->dev->ops->poll(n->dev, weight);
		softnet.polls++;
		if (after_poll)
			after_poll(n->dev);
		budget -= work;
		if (work >= weight && n->scheduled) {
			*repoll_tail = n; /* still has work: back of the line */
			repoll_tail = &n->next;
		}
		if ((list || repoll) && (budget <= 0 || time_ns() >= deadline)) {
			softnet.time_squeeze++;
			break;
		}
	}
	/* Next round: the devices this round did not reach, then the ones
	 * interrupts scheduled meanwhile, then those that used their weight. */
	f = irq_lock();
	struct napi *fresh = head;
	head = tail = NULL;
	for (struct napi *l[3] = { list, fresh, repoll }, **p = l; p < l + 3; p++) {
		for (struct napi *n = *p, *next; n; n = next) {
			next = n->next;
			append(n);
		}
	}
	int more = head != NULL;
	irq_unlock(f);
	return more;
}
