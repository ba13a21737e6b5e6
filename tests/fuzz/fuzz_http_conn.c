/*
 * Fuzz target: the HTTP server's connection loop (net/http/server.c,
 * routes.c) behind a real connection of the glue world: a client opens a
 * connection to port 80 and sends the input as its byte stream, in the
 * pieces the input chooses, with the receive window it chooses (0 stops
 * the server's answers), reading what comes back, then closes.  The first
 * input byte holds the piece-size and window pattern.  The loop must
 * always make progress (a round that runs 30 s aborts as a hang), answer
 * only with well-formed status lines, and leave nothing behind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/glue/glue.h"
#include "tests/glue/wire.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	glue_boot();
	return 0;
}

static uint16_t port = 30000;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	uint8_t mode = data[0];
	data++, size--;
	struct wire_peer p = { 0 };
	port = port == 39999 ? 30000 : port + 1;
	if (wire_peer_connect(&p, port, 80))
		abort(); /* the server always takes a connection from an idle world */
	size_t piece = (mode & 0x3f) + 1;
	for (size_t off = 0; off < size; off += piece) {
		size_t n = size - off < piece ? size - off : piece;
		p.wnd = (mode & 0x40) && (off / piece) % 3 == 1 ? 0 : 65535;
		wire_peer_send(&p, WIRE_PSH, data + off, n);
		glue_poll();
		wire_peer_read(&p);
		if (p.rst || p.fin)
			break;
	}
	if (mode & 0x80)
		wire_peer_send(&p, WIRE_FIN, NULL, 0);
	p.wnd = 65535;
	wire_peer_send(&p, 0, NULL, 0);
	glue_advance(500);
	wire_peer_read(&p);
	if (p.rx_len && memcmp(p.rx, "HTTP/1.1 ", 9))
		abort(); /* every answer starts with a status line */
	wire_peer_free(&p);
	glue_quiesce();
	return 0;
}
