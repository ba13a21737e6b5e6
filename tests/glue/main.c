/*
 * The glue tests' runner (Check): boots the world once (glue_boot),
 * then the suites.  CK_FORK=no keeps one world across tests, which is
 * what they expect: each ends with glue_quiesce().
 */
#include <stdlib.h>

#include "tests/glue/glue.h"
#include "tests/glue/suites.h"

int main(void)
{
	setenv("CK_FORK", "no", 0);
	glue_boot();
	glue_watchdog();
	SRunner *sr = srunner_create(basic_suite());
	srunner_add_suite(sr, remote_suite());
	srunner_add_suite(sr, memory_suite());
	srunner_add_suite(sr, rxbuf_suite());
	srunner_add_suite(sr, fault_suite());
	srunner_add_suite(sr, console_suite());
	srunner_add_suite(sr, listen_suite());
	srunner_add_suite(sr, neigh_suite());
	srunner_add_suite(sr, backlog_suite());
	srunner_add_suite(sr, tx_suite());
	srunner_add_suite(sr, tso_suite());
	srunner_add_suite(sr, qdisc_suite());
	srunner_add_suite(sr, counters_suite());
	srunner_add_suite(sr, icmp_suite());
	srunner_add_suite(sr, route_suite());
	srunner_add_suite(sr, forward_suite());
	srunner_add_suite(sr, arp_suite());
	srunner_add_suite(sr, gro_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
