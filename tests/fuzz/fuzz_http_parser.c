/*
 * Fuzz target: the HTTP request parser (net/http/parser.c), fed the input
 * in the pieces a connection could deliver: the first byte picks a split
 * size, then the rest goes through http_parse piece by piece, pipelined
 * requests one after another, as net/http/server.c drives it.  Checks the
 * parser's own contract: it consumes at most what it was given, makes
 * progress on every call that is not MORE-with-everything-used, and only
 * ever answers MORE, DONE or a status it documents.
 */
#include <stdint.h>
#include <stdlib.h>

#include "net/http/parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	size_t piece = data[0] % 64 + 1;
	data++, size--;
	struct http_parser p;
	http_parser_init(&p);
	size_t off = 0;
	int rounds = 0;
	while (off < size) {
		size_t n = size - off < piece ? size - off : piece, used = 0;
		int r = http_parse(&p, (const char *)data + off, n, &used);
		if (used > n)
			abort();
		off += used;
		if (r == HTTP_PARSE_MORE) {
			if (used != n)
				abort(); /* MORE means it took everything it was given */
		} else if (r == HTTP_PARSE_DONE) {
			if (p.path[HTTP_PATH_MAX - 1] != 0 && !p.path_truncated)
				abort();
			http_parser_init(&p); /* the next pipelined request */
		} else if (r == 400 || r == 413 || r == 414 || r == 431 || r == 501 || r == 505) {
			break; /* the server answers and closes */
		} else {
			abort();
		}
		if (++rounds > 4 * 1024 * 1024)
			abort(); /* no progress */
	}
	return 0;
}
