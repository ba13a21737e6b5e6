/*
 * What the network holds, for `free` (kernel/cmds.c calls net_meminfo):
 * lwIP's pools (elements in use, of each pool's limit), lwIP's heap, the
 * applications' receive queues, TCP memory against net.ipv4.tcp_mem, and
 * each device's receive buffers (from its ethtool counters).  A test reads
 * these lines before and after a load to see everything come back.
 */
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "kernel/sysctl.h"
#include "lwip/memp.h"
#include "lwip/stats.h"
#include "net/core/net.h"
#include "net/core/netdev_priv.h"
#include "net/core/rxq.h"
#include "net/ipv4/tcp_mem.h"

const char *const net_pool_names[MEMP_MAX] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

static void rx_buffers(const char *name, uint64_t v)
{
	static const char prefix[] = "rx_queue_0_buffers_";
	if (!strncmp(name, prefix, sizeof(prefix) - 1))
		con_printf(" %s %lu", name + sizeof(prefix) - 1, (unsigned long)v);
}

void net_meminfo(void)
{
	con_printf("lwIP:  ");
	for (int i = 0; i < MEMP_MAX; i++) {
		const struct stats_mem *m = memp_pools[i]->stats;
		con_printf(" %s %u/%u", net_pool_names[i], (unsigned)m->used, (unsigned)m->avail);
	}
	con_printf("\nlwIP heap: %lu bytes; receive queues %lu bytes; TCP %ld pages (tcp_mem %d %d %d)\n",
		   (unsigned long)lwip_stats.mem.used, (unsigned long)rxq_bytes_total, tcp_mem_pages(),
		   sysctl_tcp_mem[0], sysctl_tcp_mem[1], sysctl_tcp_mem[2]);
	con_printf("RX copy slots kept: %d (%d bytes of the heap)\n", netdev_rx_slots_kept(),
		   netdev_rx_slots_kept() * NETDEV_RX_SLOT);
	for (int d = 0; d < netdev_count(); d++) {
		struct netdev *dev = netdev_get(d);
		con_printf("RX buffers %s:", dev->name);
		if (dev->ops->stats)
			dev->ops->stats(dev, rx_buffers);
		con_printf("\n");
	}
}
