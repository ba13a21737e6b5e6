/*
 * Console lines in the booted world: what the console fuzz targets found,
 * kept fixed (a bad line prints one error and changes nothing), and the
 * restore step they rely on (tests/glue/restore.c).
 */
#include <stdio.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/printk.h"
#include "lwip/etharp.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"

/* ARP entries with an address: the peer's static one when booted. */
static int arp_entries(void)
{
	int n = 0;
	for (size_t i = 0; i < ARP_TABLE_SIZE; i++) {
		ip4_addr_t *ip;
		struct netif *nif;
		struct eth_addr *mac;
		n += etharp_get_entry(i, &ip, &nif, &mac);
	}
	return n;
}

static void setup(void)
{
	glue_restore_init();
}

static void teardown(void)
{
	glue_restore();
}

/* Counts the lines the last command printed. */
static int lines(void)
{
	int n = 0;
	for (const char *s = glue_console(); *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(neigh_flush_extra_word_flushes_nothing)
{
	ck_assert_int_eq(arp_entries(), 1);
	ck_assert_int_eq(glue_cmd("ip neigh flush dev eth0 junk"), 1);
	ck_assert_str_eq(glue_console(), "Error: either \"dev\" is duplicate, or \"junk\" is a garbage.\n");
	ck_assert_int_eq(arp_entries(), 1);
	ck_assert_int_eq(glue_cmd("ip neigh flush dev"), 1);
	ck_assert_int_eq(lines(), 1);
	ck_assert_int_eq(glue_cmd("ip neigh flush"), 1);
	ck_assert_str_eq(glue_console(), "Flush requires arguments.\n");
	ck_assert_int_eq(arp_entries(), 1);
	ck_assert_int_eq(glue_cmd("ip neigh flush dev eth0"), 0);
	ck_assert_int_eq(arp_entries(), 0);
}
END_TEST

START_TEST(addr_add_zero_names_the_prefix)
{
	ck_assert_int_eq(glue_cmd("ip addr del 10.0.2.15/24 dev eth0"), 0);
	ck_assert_int_eq(glue_cmd("ip addr add dev eth0 0/8"), 1);
	ck_assert_str_eq(glue_console(), "Error: any valid prefix is expected rather than \"0/8\".\n");
}
END_TEST

START_TEST(route_gateway_must_be_a_unicast_neighbour)
{
	/* Linux 6.1 takes one of our own addresses as a gateway (checked on
	 * the peer VM): not in the list. */
	static const char *const bad[] = { "10.0.2.255", "0.0.0.0", "127.0.0.1", "224.0.0.1",
					   "255.255.255.255", "10.0.3.1" };
	ck_assert_int_eq(glue_cmd("ip route del default"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "ip route add default via %s", bad[i]);
		ck_assert_int_eq(glue_cmd(line), 1);
		ck_assert_msg(!strcmp(glue_console(), "Error: Nexthop has invalid gateway.\n"), "%s: %s", line,
			      glue_console());
	}
	glue_cmd("ip route");
	ck_assert(!strstr(glue_console(), "default"));
	ck_assert_int_eq(glue_cmd("ip route add default via 10.0.2.2 dev eth0"), 0);
}
END_TEST

START_TEST(http_start_on_a_taken_port_says_why)
{
	ck_assert_int_eq(glue_cmd("http stop"), 0);
	ck_assert_int_eq(glue_cmd("http start 7"), 1);
	ck_assert_str_eq(glue_console(), "http: cannot listen on port 7: Address already in use\n");
}
END_TEST

START_TEST(restore_puts_back_what_lines_change)
{
	static const char *const lines_[] = {
		"sysctl -w net.core.somaxconn=7", "http stop", "http start 8080", "http pause",
		"http set header-timeout 3", "ip link set eth0 mtu 1000", "ip route del default",
		"ip addr del 10.0.2.15/24 dev eth0", "ip addr add 192.168.9.9/16 dev eth0",
		"ip link set eth0 down", "ip neigh flush dev eth0",
	};
	for (size_t i = 0; i < sizeof(lines_) / sizeof(lines_[0]); i++)
		ck_assert_msg(glue_cmd(lines_[i]) == 0, "%s: %s", lines_[i], glue_console());
	glue_restore(); /* aborts if anything did not come back */
	glue_cmd("ip route");
	ck_assert_str_eq(glue_console(), "default via 10.0.2.2 dev eth0 \n"
					 "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n");
	glue_cmd("http");
	ck_assert(strstr(glue_console(), "listening on port 80\n"));
}
END_TEST

START_TEST(ping_ends_at_the_operators_ctrl_c)
{
	glue_restore_arm(2000);
	ck_assert_int_eq(glue_cmd("ping -q -c 100000 -i 0.01 10.0.2.2"), 0);
	glue_restore_disarm();
	const char *out = glue_console();
	ck_assert_msg(strstr(out, "201 packets transmitted") || strstr(out, "200 packets transmitted") ||
			      strstr(out, "202 packets transmitted"),
		      "%s", out);
	ck_assert(strstr(out, "rtt min/avg/max/mdev"));
}
END_TEST

/* A kernel message while a line is half typed (the clock's 1 s check, a
 * late probe) goes on a line of its own, and the prompt and the typed text
 * come back after it: the line's echo is never split (kernel/console.c). */
START_TEST(message_while_typing_redraws_the_line)
{
	static const char typed[] = "ip -s li\033[D"; /* the cursor one back */
	console_init(); /* the glue world boots without the shell */
	console_prompt();
	glue_uart_type(typed, sizeof(typed) - 1);
	console_poll();
	glue_console_clear();
	console_async_begin();
	con_printf("[    1.000000] time: checked\n");
	console_async_end();
	const char *out = glue_console();
	ck_assert_str_eq(out, "\r\n[    1.000000] time: checked\n" CONSOLE_PROMPT "ip -s li\033[1D");
	/* Nothing typed, a command running: no redraw, no extra line. */
	static const char cancel[] = "\003"; /* Ctrl-C: the line is dropped */
	glue_uart_type(cancel, 1);
	console_poll();
	glue_console_clear();
	console_async_begin();
	con_printf("x\n");
	console_async_end();
	ck_assert_str_eq(glue_console(), "\r\nx\n" CONSOLE_PROMPT);
	glue_uart_type(NULL, 0);
}
END_TEST

Suite *console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("console");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, neigh_flush_extra_word_flushes_nothing);
	tcase_add_test(tc, addr_add_zero_names_the_prefix);
	tcase_add_test(tc, route_gateway_must_be_a_unicast_neighbour);
	tcase_add_test(tc, http_start_on_a_taken_port_says_why);
	tcase_add_test(tc, restore_puts_back_what_lines_change);
	tcase_add_test(tc, ping_ends_at_the_operators_ctrl_c);
	tcase_add_test(tc, message_while_typing_redraws_the_line);
	suite_add_tcase(s, tc);
	return s;
}
