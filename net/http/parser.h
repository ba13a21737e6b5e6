/*
 * HTTP/1.x request parser: incremental (bytes may arrive in any split),
 * no allocation, bounded state.  Pure: no lwIP, no clock; tests/unit
 * drives it directly.  RFC 9112 (message syntax), RFC 9110 (semantics).
 */
#ifndef NET_HTTP_PARSER_H
#define NET_HTTP_PARSER_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_PATH_MAX 128        /* bytes of the target kept for routing */
#define HTTP_LINE_MAX 8192       /* request line: longer is 414 (nginx's buffer) */
#define HTTP_FIELD_MAX 8192      /* one header field line: longer is 431 */
#define HTTP_HEADERS_MAX 32768   /* the whole header section: longer is 431 */
#define HTTP_FIELDS_MAX 100      /* header fields: more is 431 */
#define HTTP_BODY_MAX (1 << 20)  /* Content-Length above this is 413 (nginx's 1m) */

enum http_method {
	HTTP_GET = 1,
	HTTP_HEAD,
	HTTP_OTHER,  /* a valid token we do not serve: 405 */
};

enum http_status_parse {
	HTTP_PARSE_MORE = 0,   /* need more bytes */
	HTTP_PARSE_DONE = 1,   /* request line and headers complete */
	/* otherwise: the HTTP status code to answer, then close */
};

struct http_parser {
	/* the request, once DONE */
	enum http_method method;
	char path[HTTP_PATH_MAX]; /* NUL-terminated; path_truncated if it did not fit */
	int path_truncated;
	int version_minor;        /* HTTP/1.x */
	int keep_alive;           /* after the version default and Connection */
	int has_host;
	uint64_t content_length;  /* body bytes that follow the headers */
	/* state */
	int state;
	uint32_t line_len;        /* bytes in the current line */
	uint32_t header_bytes;    /* bytes of the header section so far */
	uint16_t nfields;
	uint8_t conn_close, conn_keep, has_cl, method_len;
	char method_buf[8];
	char name[24];            /* current field name (longer names are uninteresting) */
	uint8_t name_len, name_long;
	uint8_t field;            /* which field we are in (parser.c's enum) */
	uint64_t num;             /* Content-Length being read */
	uint8_t num_digits, value_started, value_ended;
	char token[12];           /* current Connection token */
	uint8_t token_len;
	uint8_t path_len, empty_lines;
};

void http_parser_init(struct http_parser *p);
/* Feeds bytes; *used tells how many were consumed (on DONE, the rest
 * belongs to the body or the next request).  Returns HTTP_PARSE_MORE,
 * HTTP_PARSE_DONE, or an error status: 400, 413, 414, 431, 501, 505. */
int http_parse(struct http_parser *p, const char *data, size_t len, size_t *used);
/* "Bad Request" for 400 and so on: the reason phrases we send. */
const char *http_reason(int status);

#endif
