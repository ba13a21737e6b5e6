/*
 * Host unit tests (Check): one suite per pure file.  `make check-unit`
 * builds and runs this; CK_RUN_SUITE=cpio, CK_VERBOSITY=verbose and
 * CK_FORK=no (for valgrind) work as Check documents.
 */
#include <stdlib.h>

#include "tests/unit/unit.h"

int main(void)
{
	SRunner *sr = srunner_create(sysctl_suite());
	srunner_add_suite(sr, ledit_suite());
	srunner_add_suite(sr, cmdline_suite());
	srunner_add_suite(sr, cpio_suite());
	srunner_add_suite(sr, heap_suite());
	srunner_add_suite(sr, printf_suite());
	srunner_add_suite(sr, strtol_suite());
	srunner_add_suite(sr, docs_suite());
	srunner_add_suite(sr, napi_suite());
	srunner_add_suite(sr, inet_suite());
	srunner_add_suite(sr, csum_suite());
	srunner_add_suite(sr, netdev_txreq_suite());
	srunner_add_suite(sr, gso_suite());
	srunner_add_suite(sr, gro_suite());
	srunner_add_suite(sr, tso_suite());
	srunner_add_suite(sr, virtqueue_suite());
	srunner_add_suite(sr, siphash_suite());
	srunner_add_suite(sr, tcp_isn_suite());
	srunner_add_suite(sr, virtio_net_rx_suite());
	srunner_add_suite(sr, virtio_pci_suite());
	srunner_add_suite(sr, virtio_net_probe_suite());
	srunner_add_suite(sr, http_parser_suite());
	srunner_add_suite(sr, syncookie_suite());
	srunner_add_suite(sr, listen_size_suite());
	srunner_add_suite(sr, dql_suite());
	srunner_add_suite(sr, tc_units_suite());
	srunner_add_suite(sr, tbf_suite());
	srunner_add_suite(sr, sch_tbf_suite());
	srunner_add_suite(sr, codel_suite());
	srunner_add_suite(sr, fq_codel_suite());
	srunner_add_suite(sr, sch_api_suite());
	srunner_add_suite(sr, tc_parse_suite());
	srunner_add_suite(sr, fib_trie_suite());
	srunner_add_suite(sr, icmp_xrlim_suite());
	srunner_add_suite(sr, rp_filter_suite());
	srunner_add_suite(sr, arp_policy_suite());
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
