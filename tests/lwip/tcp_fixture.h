/*
 * What tests/lwip's TCP suites of our own do around each test: lwIP's
 * netif list set aside so the test's netif (test_tcp_init_netif) is the
 * only one, no TCP connection and no allocation left before or after.
 */
#ifndef TESTS_LWIP_TCP_FIXTURE_H
#define TESTS_LWIP_TCP_FIXTURE_H

#include <string.h>

#include "tcp/tcp_helper.h"

struct tcp_fixture_saved {
	struct netif *list, *dflt;
};

static inline void tcp_fixture_setup(struct tcp_fixture_saved *s, struct netif *netif,
				     struct test_tcp_txcounters *tx, struct test_tcp_counters *c)
{
	s->list = netif_list;
	s->dflt = netif_default;
	netif_list = NULL;
	netif_default = NULL;
	tcp_remove_all();
	lwip_check_ensure_no_alloc(SKIP_POOL(MEMP_SYS_TIMEOUT));
	test_tcp_init_netif(netif, tx, &test_local_ip, &test_netmask);
	memset(c, 0, sizeof(*c));
}

static inline void tcp_fixture_teardown(const struct tcp_fixture_saved *s)
{
	netif_list = NULL;
	netif_default = NULL;
	tcp_remove_all();
	netif_list = s->list;
	netif_default = s->dflt;
	lwip_check_ensure_no_alloc(SKIP_POOL(MEMP_SYS_TIMEOUT));
}

#endif
