/*
 * The host unit-test runner's suites, one per file under test
 * (tests/unit/main.c runs them all).
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <check.h>

/* Check's ck_assert family calls _mark_point on every check that passes,
 * which writes the location to the runner's pipe: a system call a check.
 * Tests that check per byte or per packet spent most of their time there
 * (the whole run 189 s, 41 s unforked).  The checkpoint only names the
 * last check passed when a test crashes or times out; ASan reports a
 * crash with its stack, so it is left out. */
#define _mark_point(file, line) ((void)0)

/* Removes the spaces that end each line and the final newline: the notes
 * print tc's lines that way, iproute2 keeps both. */
void unit_strip_trailing(char *s);

Suite *sysctl_suite(void);
Suite *ledit_suite(void);
Suite *cmdline_suite(void);
Suite *cpio_suite(void);
Suite *heap_suite(void);
Suite *printf_suite(void);
Suite *strtol_suite(void);
Suite *docs_suite(void);
Suite *napi_suite(void);
Suite *inet_suite(void);
Suite *csum_suite(void);
Suite *netdev_txreq_suite(void);
Suite *gso_suite(void);
Suite *gro_suite(void);
Suite *tso_suite(void);
Suite *virtqueue_suite(void);
Suite *siphash_suite(void);
Suite *tcp_isn_suite(void);
Suite *virtio_net_rx_suite(void);
Suite *virtio_pci_suite(void);
Suite *virtio_net_probe_suite(void);
Suite *http_parser_suite(void);
Suite *syncookie_suite(void);
Suite *listen_size_suite(void);
Suite *dql_suite(void);
Suite *tc_units_suite(void);
Suite *tbf_suite(void);
Suite *sch_tbf_suite(void);
Suite *codel_suite(void);
Suite *fq_codel_suite(void);
Suite *sch_api_suite(void);
Suite *tc_parse_suite(void);
Suite *fib_trie_suite(void);
Suite *icmp_xrlim_suite(void);
Suite *rp_filter_suite(void);
Suite *arp_policy_suite(void);

#endif
