/*
 * net/http/parser.c: the HTTP/1.x request parser against RFC 9112 and its
 * header's contract: fields of a good request, the same result however
 * the bytes are split, pipelining, every error status at the exact byte
 * that decides it, the limits at their boundaries, a seeded fuzz, and
 * http_reason().  Every input is fed from a malloc'd copy of exactly its
 * length, so valgrind sees any read past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http/parser.h"
#include "tests/unit/unit.h"

#define RL "GET / HTTP/1.1\r\n"
#define HOST "Host: x\r\n"
#define UNSET ((size_t)0x5eed)

struct res {
	int r;
	size_t used;
	struct http_parser p;
};

/* One http_parse() call on a private copy of s[0..len). */
static int parse_copy(struct http_parser *p, const char *s, size_t len, size_t *used)
{
	char *b = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(b);
	memcpy(b, s, len);
	*used = UNSET;
	int r = http_parse(p, b, len, used);
	free(b);
	return r;
}

/* Pieces [0,a), [a,b), then chunks of step bytes, until a result other
 * than MORE; res.used counts from the start of s. */
static void feed(const char *s, size_t len, size_t a, size_t b, size_t step, struct res *o)
{
	size_t off = 0, end = a, u;
	http_parser_init(&o->p);
	for (int piece = 0;; piece++) {
		if (piece == 1)
			end = b;
		else if (piece > 1)
			end = off + step < len ? off + step : len;
		o->r = parse_copy(&o->p, s + off, end - off, &u);
		ck_assert_msg(u <= end - off, "used %zu of a %zu-byte piece", u, end - off);
		if (o->r != HTTP_PARSE_MORE) {
			ck_assert_msg(u >= 1, "result %d from no byte", o->r);
			o->used = off + u;
			return;
		}
		ck_assert_msg(u == end - off, "MORE but used %zu of %zu", u, end - off);
		off = end;
		if (off == len && piece > 1) {
			o->used = len;
			return;
		}
	}
}

static void whole(const char *s, size_t len, struct res *o)
{
	feed(s, len, len, len, 1, o);
}

static void ck_same(const struct res *a, const struct res *w, const char *how, size_t i, size_t j, int line)
{
	ck_assert_msg(a->r == w->r && a->used == w->used, "line %d: %s %zu,%zu: %d used %zu; whole: %d used %zu",
		      line, how, i, j, a->r, a->used, w->r, w->used);
	if (w->r != HTTP_PARSE_DONE)
		return;
	const struct http_parser *x = &a->p, *y = &w->p;
	ck_assert_msg(x->method == y->method && !strcmp(x->path, y->path) &&
		      x->path_truncated == y->path_truncated && x->version_minor == y->version_minor &&
		      x->keep_alive == y->keep_alive && x->has_host == y->has_host &&
		      x->content_length == y->content_length,
		      "line %d: %s %zu,%zu: request differs from the whole parse", line, how, i, j);
}

/* Split in two at every boundary, in three at every pair when short, one
 * byte at a time (after two empty pieces): all as the whole. */
static void ck_splits(const char *s, size_t len, const struct res *w, int line)
{
	struct res o;
	feed(s, len, 0, 0, 1, &o);
	ck_same(&o, w, "bytewise", 0, 0, line);
	size_t stride = len > 600 ? len / 97 + 1 : 1;
	for (size_t i = 0; i <= len; i += stride) {
		feed(s, len, i, i, len ? len : 1, &o);
		ck_same(&o, w, "split at", i, i, line);
		for (size_t j = i; len <= 200 && j <= len; j++) {
			feed(s, len, i, j, len ? len : 1, &o);
			ck_same(&o, w, "split at", i, j, line);
		}
	}
}

static struct res R;

/* s must parse to DONE having used want_used bytes; returns the request. */
static const struct http_parser *done(const char *s, size_t len, size_t want_used, int line)
{
	whole(s, len, &R);
	ck_assert_msg(R.r == HTTP_PARSE_DONE, "line %d: result %d at byte %zu, want DONE", line, R.r, R.used);
	ck_assert_msg(R.used == want_used, "line %d: used %zu, want %zu", line, R.used, want_used);
	ck_splits(s, len, &R, line);
	return &R.p;
}

#define DONE(s) done(s, sizeof(s) - 1, sizeof(s) - 1, __LINE__)

/* head+tail must fail with want on the last byte of head, whatever the
 * tail: head alone and head with other tails give the same, and one byte
 * less is MORE. */
static void ck_err(const char *head, size_t hlen, const char *tail, size_t tlen, int want, int line)
{
	static const char *const tails[] = { "", "\r\n\r\n", "\n", RL HOST "\r\n", "\0\377 :" };
	static const size_t tail_lens[] = { 0, 4, 1, sizeof(RL HOST "\r\n") - 1, 4 };
	size_t len = hlen + tlen;
	char *s = malloc(len + 64);
	struct res o, w;
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(hlen >= 1, "line %d: empty head", line);
	memcpy(s, head, hlen);
	memcpy(s + hlen, tail, tlen);
	whole(s, len, &w);
	ck_assert_msg(w.r == want && w.used == hlen, "line %d: %d at byte %zu, want %d at %zu", line, w.r,
		      w.used, want, hlen);
	whole(s, hlen - 1, &o);
	ck_assert_msg(o.r == HTTP_PARSE_MORE && o.used == hlen - 1, "line %d: one byte short gave %d", line, o.r);
	for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		memcpy(s + hlen, tails[t], tail_lens[t]);
		whole(s, hlen + tail_lens[t], &o);
		ck_same(&o, &w, "other tail", t, 0, line);
	}
	memcpy(s + hlen, tail, tlen);
	ck_splits(s, len, &w, line);
	free(s);
}

#define ERR(head, tail, want) ck_err(head, sizeof(head) - 1, tail, sizeof(tail) - 1, want, __LINE__)

/* A growing byte buffer for the long inputs. */
struct buf {
	char *d;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->d = realloc(b->d, b->cap);
		ck_assert_ptr_nonnull(b->d);
	}
	memcpy(b->d + b->len, s, n);
	b->len += n;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void fill(struct buf *b, char c, size_t n)
{
	while (n--)
		put(b, &c, 1);
}

/* Fields "X:vvv\r\n" totalling exactly n bytes (n >= 4), each line at most 8000. */
static void fields(struct buf *b, size_t n)
{
	while (n) {
		size_t k = n > 8005 ? 8000 : n;
		puts_(b, "X:");
		fill(b, 'v', k - 4);
		puts_(b, "\r\n");
		n -= k;
	}
}

START_TEST(get_basic)
{
	const struct http_parser *p = DONE("GET / HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n");
	ck_assert_int_eq(p->method, HTTP_GET);
	ck_assert_str_eq(p->path, "/");
	ck_assert_int_eq(p->path_truncated, 0);
	ck_assert_int_eq(p->version_minor, 1);
	ck_assert_int_eq(p->keep_alive, 1);
	ck_assert_int_eq(p->has_host, 1);
	ck_assert_uint_eq(p->content_length, 0);
	/* Nothing is read past the request's end: the next bytes stay. */
	static const char two[] = RL HOST "\r\nGET /next";
	p = done(two, sizeof(two) - 1, sizeof(RL HOST "\r\n") - 1, __LINE__);
	ck_assert_str_eq(p->path, "/");
	/* No input: MORE, nothing used. */
	size_t used;
	struct http_parser q;
	http_parser_init(&q);
	ck_assert_int_eq(parse_copy(&q, "", 0, &used), HTTP_PARSE_MORE);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(parse_copy(&q, RL, 5, &used), HTTP_PARSE_MORE);
	ck_assert_uint_eq(used, 5);
}
END_TEST

START_TEST(methods)
{
	ck_assert_int_eq(DONE("HEAD /x HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_HEAD);
	ck_assert_str_eq(R.p.path, "/x");
	ck_assert_int_eq(DONE("POST / HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
	/* Methods are case-sensitive (RFC 9110 9.1); near misses are other. */
	ck_assert_int_eq(DONE("get / HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
	ck_assert_int_eq(DONE("GETS / HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
	ck_assert_int_eq(DONE("HEA / HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
	ck_assert_int_eq(DONE("GETGETGETGET / HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
	ck_assert_int_eq(DONE("HEADHEADHEAD / HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
	ck_assert_int_eq(DONE("M-SEARCH * HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
	ck_assert_int_eq(DONE("!#$%&'*+-.^_`|~09 / HTTP/1.1\r\n" HOST "\r\n")->method, HTTP_OTHER);
}
END_TEST

START_TEST(versions)
{
	const struct http_parser *p = DONE("GET / HTTP/1.0\r\n\r\n"); /* no Host needed */
	ck_assert_int_eq(p->version_minor, 0);
	ck_assert_int_eq(p->keep_alive, 0);
	ck_assert_int_eq(p->has_host, 0);
	p = DONE("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
	ck_assert_int_eq(p->keep_alive, 1);
	p = DONE("GET / HTTP/1.9\r\n" HOST "\r\n"); /* a later 1.x is served as 1.1 */
	ck_assert_int_eq(p->version_minor, 9);
	ck_assert_int_eq(p->keep_alive, 1);
	ERR("GET / HTTP/2.0\r", "\n" HOST "\r\n", 505);
	ERR("GET / HTTP/3.1\r", "\n" HOST "\r\n", 505);
	ERR("GET / HTTP/0.9\n", HOST "\r\n", 505);
	ERR("GET / HTTP/1.x\r", "\n" HOST "\r\n", 400);
	ERR("GET / HTTX/1.1\r", "\n" HOST "\r\n", 400);
	ERR("GET / http/1.1\r", "\n" HOST "\r\n", 400);
	ERR("GET / HTTP/1.\r", "\n" HOST "\r\n", 400);
	ERR("GET / HTTP/11\r", "\n" HOST "\r\n", 400);
	ERR("GET / HTTP/1.10", "\r\n" HOST "\r\n", 400);
	ERR("GET / HTTP/1.1 ", "\r\n" HOST "\r\n", 400);
	ERR("GET / \r", "\n" HOST "\r\n", 400);
	ERR("GET /\r", "\n" HOST "\r\n", 400); /* HTTP/0.9's request line */
}
END_TEST

START_TEST(connection)
{
	ck_assert_int_eq(DONE(RL HOST "Connection: close\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE(RL HOST "Connection: CLOSE\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE(RL HOST "connection:Close\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE(RL HOST "Connection: foo, close\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE(RL HOST "Connection: close,foo\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE(RL HOST "Connection: \t close \t\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE(RL HOST "Connection: foo\r\nConnection: close\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE(RL HOST "Connection: Keep-Alive\r\n\r\n")->keep_alive, 1);
	ck_assert_int_eq(DONE(RL HOST "Connection: keep-alive, close\r\n\r\n")->keep_alive, 0);
	/* Only whole tokens count, however long the token. */
	ck_assert_int_eq(DONE(RL HOST "Connection: closed\r\n\r\n")->keep_alive, 1);
	ck_assert_int_eq(DONE(RL HOST "Connection: xclose\r\n\r\n")->keep_alive, 1);
	ck_assert_int_eq(DONE(RL HOST "Connection: xxxxxxxxxxxxxxxxxxclose\r\n\r\n")->keep_alive, 1);
	ck_assert_int_eq(DONE(RL HOST "X-Connection: close\r\n\r\n")->keep_alive, 1);
	ck_assert_int_eq(DONE(RL HOST "Other: close\r\n\r\n")->keep_alive, 1);
	/* HTTP/1.0: persistent only when asked, and close still wins. */
	ck_assert_int_eq(DONE("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")->keep_alive, 1);
	ck_assert_int_eq(DONE("GET / HTTP/1.0\r\nConnection: foo,keep-alive\r\n\r\n")->keep_alive, 1);
	ck_assert_int_eq(DONE("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE("GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n")->keep_alive, 0);
	ck_assert_int_eq(DONE("GET / HTTP/1.0\r\nConnection: close\r\n\r\n")->keep_alive, 0);
}
END_TEST

START_TEST(host)
{
	ck_assert_int_eq(DONE(RL "HOST: a\r\n\r\n")->has_host, 1);
	ck_assert_int_eq(DONE(RL "Host:\r\n\r\n")->has_host, 1); /* empty is allowed (RFC 9110 7.2) */
	ERR(RL "\r\n", "", 400);
	ERR(RL "Hostname: x\r\n\r\n", "", 400);
	ERR(RL "Hostxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: x\r\n\r\n", "", 400);
	ERR(RL HOST "Host: x\r", "\n\r\n", 400); /* two, even if equal */
	ERR("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r", "\n\r\n", 400);
}
END_TEST

START_TEST(pipelined)
{
#define P1 RL HOST "\r\n"
#define P2 "HEAD /a?q HTTP/1.1\r\nHost: y\r\nContent-Length: 0\r\n\r\n"
#define P3 "GET /b HTTP/1.1\nHost: z\nConnection: close\n\n"
#define P4 "GET /c HTTP/1.0\r\n\r\n"
	static const char reqs[] = P1 P2 P3 P4;
	static const size_t lens[] = { sizeof(P1) - 1, sizeof(P2) - 1, sizeof(P3) - 1, sizeof(P4) - 1 };
	static const char *const paths[] = { "/", "/a", "/b", "/c" };
	static const int methods[] = { HTTP_GET, HTTP_HEAD, HTTP_GET, HTTP_GET };
	static const int keep[] = { 1, 1, 0, 0 };
	size_t off = 0, len = sizeof(reqs) - 1;
	for (int i = 0; i < 4; i++) {
		const struct http_parser *p = done(reqs + off, len - off, lens[i], __LINE__);
		ck_assert_str_eq(p->path, paths[i]);
		ck_assert_int_eq(p->method, methods[i]);
		ck_assert_int_eq(p->keep_alive, keep[i]);
		off += lens[i];
	}
	ck_assert_uint_eq(off, len);
	/* As the server feeds them: random pieces, re-init after each DONE. */
	uint32_t seed = 1;
	for (int round = 0; round < 200; round++) {
		struct http_parser p;
		int n = 0;
		http_parser_init(&p);
		for (off = 0; off < len;) {
			seed = seed * 1103515245 + 12345;
			size_t k = (seed >> 16) % 9, u;
			if (k > len - off)
				k = len - off;
			int r = parse_copy(&p, reqs + off, k, &u);
			off += u;
			if (r == HTTP_PARSE_MORE)
				continue;
			ck_assert_int_eq(r, HTTP_PARSE_DONE);
			ck_assert_str_eq(p.path, paths[n++]);
			http_parser_init(&p);
		}
		ck_assert_int_eq(n, 4);
	}
}
END_TEST

START_TEST(body_left)
{
	static const char req[] = "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" RL HOST "\r\n";
	const struct http_parser *p = done(req, sizeof(req) - 1, (size_t)(strstr(req, "hello") - req), __LINE__);
	ck_assert_uint_eq(p->content_length, 5);
	ck_assert_int_eq(p->method, HTTP_OTHER);
	/* The next request follows the body. */
	size_t next = R.used + 5;
	p = done(req + next, sizeof(req) - 1 - next, sizeof(RL HOST "\r\n") - 1, __LINE__);
	ck_assert_int_eq(p->method, HTTP_GET);
}
END_TEST

START_TEST(content_length)
{
	ck_assert_uint_eq(DONE(RL HOST "Content-Length: 0\r\n\r\n")->content_length, 0);
	ck_assert_uint_eq(DONE(RL HOST "content-length:\t 42 \t\r\n\r\n")->content_length, 42);
	ck_assert_uint_eq(DONE(RL HOST "Content-Length: 5\r\nContent-Length: 5\r\n\r\n")->content_length, 5);
	ck_assert_uint_eq(DONE(RL HOST "Content-Length: 1048576\r\n\r\n")->content_length, HTTP_BODY_MAX);
	/* 1*DIGIT (RFC 9110 8.6): leading zeros are digits, not size. */
	ck_assert_uint_eq(DONE(RL HOST "Content-Length: 0000000000000000000000000005\r\n\r\n")->content_length, 5);
	ck_assert_uint_eq(DONE("GET / HTTP/1.0\r\nContent-Length: 7\r\n\r\n")->content_length, 7);
	for (size_t zeros = 250; zeros <= 260; zeros += 5) {
		for (int five = 0; five < 2; five++) {
			struct buf b = { 0 };
			puts_(&b, RL HOST "Content-Length: ");
			fill(&b, '0', zeros);
			puts_(&b, five ? "5\r\n\r\n" : "\r\n\r\n");
			ck_assert_uint_eq(done(b.d, b.len, b.len, __LINE__)->content_length, five ? 5 : 0);
			free(b.d);
		}
	}
	ERR(RL HOST "Content-Length: a", "bc\r\n\r\n", 400);
	ERR(RL HOST "Content-Length: 1 2", "\r\n\r\n", 400);
	ERR(RL HOST "Content-Length: -", "1\r\n\r\n", 400);
	ERR(RL HOST "Content-Length: +", "1\r\n\r\n", 400);
	ERR(RL HOST "Content-Length: 1,", "1\r\n\r\n", 400);
	ERR(RL HOST "Content-Length: 0x", "10\r\n\r\n", 400);
	ERR(RL HOST "Content-Length: \r", "\n\r\n", 400);
	ERR(RL HOST "Content-Length: 5\r\nContent-Length: 6\r", "\n\r\n", 400);
	ERR(RL HOST "Content-Length: 5\r\nContent-Length: 05\r\nContent-Length: 6\n", "\r\n", 400);
	ERR(RL HOST "Content-Length: 1048577\r\n\r\n", "", 413);
	ERR(RL HOST "Content-Length: 2000000\r\n\n", "", 413);
	ERR(RL HOST "Content-Length: 1234567890123456789", "0\r\n\r\n", 413);
	ERR(RL HOST "Content-Length: 9999999999999999999", "9\r\n\r\n", 413);
}
END_TEST

START_TEST(transfer_encoding)
{
	ERR(RL HOST "Transfer-Encoding: chunked\r", "\n\r\n", 501);
	ERR(RL HOST "transfer-encoding: identity\n", "\r\n", 501);
	ERR(RL HOST "Content-Length: 3\r\nTRANSFER-ENCODING: chunked\r", "\n\r\nabc", 501);
	ERR("GET / HTTP/1.0\r\nTransfer-Encoding: gzip, chunked\r", "\n\r\n", 501);
}
END_TEST

START_TEST(path)
{
	const struct http_parser *p = DONE("GET /bytes/10?x=1 HTTP/1.1\r\n" HOST "\r\n");
	ck_assert_str_eq(p->path, "/bytes/10");
	ck_assert_int_eq(p->path_truncated, 0);
	p = DONE("GET /a#frag HTTP/1.1\r\n" HOST "\r\n");
	ck_assert_str_eq(p->path, "/a");
	ck_assert_int_eq(p->path_truncated, 0);
	p = DONE("GET /a?b?c#d/e HTTP/1.1\r\n" HOST "\r\n");
	ck_assert_str_eq(p->path, "/a");
	p = DONE("OPTIONS * HTTP/1.1\r\n" HOST "\r\n");
	ck_assert_str_eq(p->path, "*");
	ck_assert_int_eq(p->method, HTTP_OTHER);
	p = DONE("GET http://example.com:8080/a/b%20c HTTP/1.1\r\n" HOST "\r\n");
	ck_assert_str_eq(p->path, "http://example.com:8080/a/b%20c");
	ck_assert_int_eq(p->path_truncated, 0);
	/* HTTP_PATH_MAX - 1 bytes fit; one more is truncation, with or
	 * without a query after it; the query alone never is. */
	char want[HTTP_PATH_MAX + 8];
	for (size_t n = HTTP_PATH_MAX - 3; n <= HTTP_PATH_MAX + 2; n++) {
		for (int query = 0; query < 2; query++) {
			struct buf b = { 0 };
			puts_(&b, "GET /");
			fill(&b, 'p', n - 1);
			if (query)
				puts_(&b, "?q=1");
			puts_(&b, " HTTP/1.1\r\n" HOST "\r\n");
			p = done(b.d, b.len, b.len, __LINE__);
			size_t kept = n < HTTP_PATH_MAX - 1 ? n : HTTP_PATH_MAX - 1;
			want[0] = '/';
			memset(want + 1, 'p', kept - 1);
			want[kept] = 0;
			ck_assert_str_eq(p->path, want);
			ck_assert_int_eq(p->path_truncated, n > HTTP_PATH_MAX - 1);
			free(b.d);
		}
	}
	ERR("GET  ", "/ HTTP/1.1\r\n" HOST "\r\n", 400);    /* no target */
	ERR("GET \r", "\n" HOST "\r\n", 400);
	ERR("GET /a\t", "b HTTP/1.1\r\n" HOST "\r\n", 400);
	ERR("GET /\x7f", " HTTP/1.1\r\n" HOST "\r\n", 400);
	ERR("GET /caf\xc3", "\xa9 HTTP/1.1\r\n" HOST "\r\n", 400);
}
END_TEST

START_TEST(request_line_errors)
{
	ERR("\x01", "GET / HTTP/1.1\r\n", 400);
	ERR("\x16", "\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400); /* a TLS ClientHello */
	ERR("PRI * HTTP/2.0\r", "\n\r\nSM\r\n\r\n", 505); /* the HTTP/2 preface */
	ERR("GE(", "T / HTTP/1.1\r\n" HOST "\r\n", 400);
	ERR("G@", "T / HTTP/1.1\r\n" HOST "\r\n", 400);
	ERR(" ", "GET / HTTP/1.1\r\n" HOST "\r\n", 400);
	ERR("\t", "GET / HTTP/1.1\r\n" HOST "\r\n", 400);
	ERR("GET\r", "\n" HOST "\r\n", 400);
	ERR("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG", "HIJ / HTTP/1.1\r\n" HOST "\r\n", 400);
	ERR("GET / HTTP/1.1\r\r", "\n" HOST "\r\n", 400);
	ERR("GET / HTTP/1.1\rH", "ost: x\r\n\r\n", 400);
}
END_TEST

START_TEST(field_errors)
{
	ERR(RL "Host ", ": x\r\n\r\n", 400);
	ERR(RL "Host\t", ": x\r\n\r\n", 400);
	ERR(RL HOST "X: a\r\n ", "folded\r\n\r\n", 400);
	ERR(RL HOST "X: a\r\n\t", "folded\r\n\r\n", 400);
	ERR(RL " ", "Host: x\r\n\r\n", 400);
	ERR(RL HOST ":", " x\r\n\r\n", 400);
	ERR(RL HOST "NoColon\r", "\n\r\n", 400);
	ERR(RL HOST "X(", "y): z\r\n\r\n", 400);
	ERR(RL HOST "X: a\rb", "\r\n\r\n", 400);
	ERR(RL HOST "\rX", "\n", 400);
	ERR(RL HOST "X: a\0", "b\r\n\r\n", 400);
	ERR(RL HOST "X: \x01", "\r\n\r\n", 400);
	ERR(RL HOST "X: a\x1b", "[0m\r\n\r\n", 400);
	ERR(RL HOST "X: \x7f", "\r\n\r\n", 400);
	ERR(RL "Host: x\0", "y\r\n\r\n", 400);
	/* HT and obs-text are allowed in a value (RFC 9110 5.5). */
	DONE(RL HOST "X: a\tb\x80\xff c\r\n\r\n");
	DONE(RL HOST "X:\r\nY-z_!~: \r\n\r\n");
}
END_TEST

START_TEST(empty_lines)
{
	const struct http_parser *p = DONE("\r\n" RL HOST "\r\n");
	ck_assert_str_eq(p->path, "/");
	DONE("\r\n\r\n" RL HOST "\r\n");
	DONE("\n\n\n\n" RL HOST "\r\n");
	ERR("\r\n\r\n\r", "\n" RL HOST "\r\n", 400);
	ERR("\n\n\n\n\n", RL HOST "\r\n", 400);
	/* Bare LF ends lines anywhere (RFC 9112 2.2), mixed with CRLF too. */
	p = DONE("GET /lf HTTP/1.1\nHost: x\nConnection: close\n\n");
	ck_assert_str_eq(p->path, "/lf");
	ck_assert_int_eq(p->keep_alive, 0);
	p = DONE("GET / HTTP/1.1\nHost: x\r\nContent-Length: 3\n\r\n");
	ck_assert_uint_eq(p->content_length, 3);
}
END_TEST

START_TEST(line_limits)
{
	/* "GET " and the target: HTTP_LINE_MAX bytes pass, one more is 414. */
	for (int over = 0; over < 2; over++) {
		for (int query = 0; query < 2; query++) {
			struct buf b = { 0 };
			puts_(&b, query ? "GET /?" : "GET /");
			fill(&b, 'a', HTTP_LINE_MAX - b.len + over);
			size_t at = b.len;
			puts_(&b, " HTTP/1.1\r\n" HOST "\r\n");
			if (over) {
				ck_err(b.d, at, b.d + at, b.len - at, 414, __LINE__);
			} else {
				const struct http_parser *p = done(b.d, b.len, b.len, __LINE__);
				ck_assert_int_eq(p->path_truncated, !query);
			}
			free(b.d);
		}
	}
	/* Empty lines before the request line are not part of it. */
	for (int over = 0; over < 2; over++) {
		struct buf b = { 0 };
		puts_(&b, "\r\n\r\nGET /");
		fill(&b, 'a', HTTP_LINE_MAX - sizeof("GET /") + 1 + over); /* "GET /" and the a's: the limit */
		size_t at = b.len;
		puts_(&b, " HTTP/1.1\r\n" HOST "\r\n");
		if (over)
			ck_err(b.d, at, b.d + at, b.len - at, 414, __LINE__);
		else
			done(b.d, b.len, b.len, __LINE__);
		free(b.d);
	}
	/* One field line: HTTP_FIELD_MAX bytes pass, one more is 431, in the
	 * value or in the name. */
	for (int over = 0; over < 2; over++) {
		for (int in_name = 0; in_name < 2; in_name++) {
			struct buf b = { 0 };
			puts_(&b, RL HOST);
			size_t start = b.len;
			if (in_name) {
				fill(&b, 'N', HTTP_FIELD_MAX - 1 + over);
				puts_(&b, ":");
			} else {
				puts_(&b, "X: ");
				fill(&b, 'v', HTTP_FIELD_MAX - 3 + over);
			}
			size_t at = b.len;
			ck_assert_uint_eq(at, start + HTTP_FIELD_MAX + over);
			puts_(&b, "\r\n\r\n");
			if (over)
				ck_err(b.d, at, b.d + at, b.len - at, 431, __LINE__);
			else
				done(b.d, b.len, b.len, __LINE__);
			free(b.d);
		}
	}
}
END_TEST

START_TEST(header_limits)
{
	/* HTTP_FIELDS_MAX fields pass; the first byte of one more is 431. */
	struct buf b = { 0 };
	puts_(&b, RL HOST);
	for (int i = 1; i < HTTP_FIELDS_MAX; i++)
		puts_(&b, "X-a: b\r\n");
	size_t at = b.len;
	puts_(&b, "\r\n");
	done(b.d, b.len, b.len, __LINE__);
	b.len = at;
	puts_(&b, "X-a: b\r\n\r\n");
	ck_err(b.d, at + 1, b.d + at + 1, b.len - at - 1, 431, __LINE__);
	/* The header section (after the request line, to its empty line
	 * included): HTTP_HEADERS_MAX bytes pass, one more is 431. */
	b.len = 0;
	puts_(&b, RL HOST);
	fields(&b, HTTP_HEADERS_MAX - sizeof(HOST "\r\n") + 1);
	puts_(&b, "\r\n");
	ck_assert_uint_eq(b.len, sizeof(RL) - 1 + HTTP_HEADERS_MAX);
	done(b.d, b.len, b.len, __LINE__);
	b.len = 0;
	puts_(&b, RL HOST);
	fields(&b, HTTP_HEADERS_MAX - sizeof(HOST "\r\n") + 2);
	puts_(&b, "\r\n");
	ck_err(b.d, b.len, "", 0, 431, __LINE__);
	/* Far beyond: the byte that crosses the limit decides. */
	b.len = 0;
	puts_(&b, RL HOST);
	fields(&b, 5 * 8000);
	puts_(&b, "\r\n");
	at = sizeof(RL) - 1 + HTTP_HEADERS_MAX + 1;
	ck_err(b.d, at, b.d + at, b.len - at, 431, __LINE__);
	free(b.d);
}
END_TEST

/* ---- fuzz ---------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 32) % n);
}

/* Whatever the bytes: a known result, used within the input, the same in
 * two random pieces, an error decided by its last byte, a sane request. */
static void ck_any(const char *s, size_t len)
{
	struct res w, o;
	whole(s, len, &w);
	int r = w.r;
	ck_assert_msg(r == HTTP_PARSE_MORE || r == HTTP_PARSE_DONE || r == 400 || r == 413 || r == 414 ||
		      r == 431 || r == 501 || r == 505, "result %d", r);
	ck_assert_uint_le(w.used, len);
	if (r == HTTP_PARSE_MORE)
		ck_assert_uint_eq(w.used, len);
	size_t i = rnd((uint32_t)len + 1), j = i + rnd((uint32_t)(len - i) + 1);
	feed(s, len, i, j, 1 + rnd(16), &o);
	ck_same(&o, &w, "fuzz split", i, j, __LINE__);
	if (r != HTTP_PARSE_MORE) {
		whole(s, w.used - 1, &o);
		ck_assert_int_eq(o.r, HTTP_PARSE_MORE);
	}
	if (r != HTTP_PARSE_DONE)
		return;
	const struct http_parser *p = &w.p;
	ck_assert(p->method == HTTP_GET || p->method == HTTP_HEAD || p->method == HTTP_OTHER);
	ck_assert_uint_lt(strnlen(p->path, sizeof(p->path)), sizeof(p->path));
	ck_assert(p->path_truncated == 0 || p->path_truncated == 1);
	ck_assert(p->version_minor >= 0 && p->version_minor <= 9);
	ck_assert(p->keep_alive == 0 || p->keep_alive == 1);
	ck_assert(p->has_host || p->version_minor == 0);
	ck_assert_uint_le(p->content_length, HTTP_BODY_MAX);
}

static const char *const soup[] = {
	"GET", "HEAD", "POST", " ", " ", "/", "/x", "?", "#", "*", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "\r\n",
	"\r\n", "\n", "\r", "\t", ":", ": ", "Host", "Host: a\r\n", "Content-Length", "Connection",
	"Transfer-Encoding", "close", "keep-alive", ",", "0", "5", "99999999999", "\0", "\x7f", "\xff", "x",
	"GET / HTTP/1.1\r\n", "\r\n\r\n",
};

static const char *const seeds[] = {
	RL HOST "\r\n",
	"HEAD /bytes/10?x=1 HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n",
	"GET / HTTP/1.0\nConnection: Keep-Alive\nContent-Length: 12\n\n",
	"\r\nPOST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\nX: \t\x80\r\n\r\nhello",
};

START_TEST(fuzz)
{
	char s[512];
	/* Random bytes. */
	for (int n = 0; n < 3000; n++) {
		size_t len = rnd(200);
		for (size_t i = 0; i < len; i++)
			s[i] = (char)rnd(256);
		ck_any(s, len);
	}
	/* Random HTTP-ish words. */
	for (int n = 0; n < 6000; n++) {
		size_t len = 0;
		for (int k = rnd(40); k >= 0; k--) {
			const char *w = soup[rnd(sizeof(soup) / sizeof(soup[0]))];
			size_t wl = *w ? strlen(w) : 1;
			if (len + wl > sizeof(s))
				break;
			memcpy(s + len, w, wl);
			len += wl;
		}
		ck_any(s, len);
	}
	/* Good requests with a few bytes changed, inserted or removed. */
	for (int n = 0; n < 6000; n++) {
		const char *g = seeds[rnd(sizeof(seeds) / sizeof(seeds[0]))];
		size_t len = strlen(g);
		memcpy(s, g, len);
		for (int k = 1 + rnd(4); k > 0; k--) {
			size_t at = rnd((uint32_t)len + 1);
			int op = rnd(3);
			char c = rnd(2) ? (char)rnd(256) : "\r\n :\t\0,/?"[rnd(10)];
			if (op == 0 && at < len) {
				s[at] = c;
			} else if (op == 1 && len < sizeof(s)) {
				memmove(s + at + 1, s + at, len - at);
				s[at] = c;
				len++;
			} else if (at < len) {
				memmove(s + at, s + at + 1, len - at - 1);
				len--;
			}
		}
		ck_any(s, len);
	}
	/* Long header soup past the limits. */
	for (int n = 0; n < 40; n++) {
		struct buf b = { 0 };
		puts_(&b, RL);
		size_t want = rnd(45000);
		while (b.len < want) {
			const char *w = soup[rnd(sizeof(soup) / sizeof(soup[0]))];
			put(&b, w, *w ? strlen(w) : 1);
			if (rnd(4) == 0)
				fill(&b, 'z', rnd(3000));
		}
		ck_any(b.d, b.len);
		free(b.d);
	}
}
END_TEST

START_TEST(reasons)
{
	ck_assert_str_eq(http_reason(200), "OK");
	ck_assert_str_eq(http_reason(400), "Bad Request");
	ck_assert_str_eq(http_reason(404), "Not Found");
	ck_assert_str_eq(http_reason(405), "Method Not Allowed");
	ck_assert_str_eq(http_reason(408), "Request Timeout");
	ck_assert_str_eq(http_reason(413), "Content Too Large");
	ck_assert_str_eq(http_reason(414), "URI Too Long");
	ck_assert_str_eq(http_reason(431), "Request Header Fields Too Large");
	ck_assert_str_eq(http_reason(501), "Not Implemented");
	ck_assert_str_eq(http_reason(503), "Service Unavailable");
	ck_assert_str_eq(http_reason(505), "HTTP Version Not Supported");
	ck_assert_ptr_nonnull(http_reason(999));
	ck_assert_ptr_nonnull(http_reason(0));
}
END_TEST

Suite *http_parser_suite(void)
{
	Suite *s = suite_create("http_parser");
	TCase *tc = tcase_create("parse");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, get_basic);
	tcase_add_test(tc, methods);
	tcase_add_test(tc, versions);
	tcase_add_test(tc, connection);
	tcase_add_test(tc, host);
	tcase_add_test(tc, pipelined);
	tcase_add_test(tc, body_left);
	tcase_add_test(tc, content_length);
	tcase_add_test(tc, transfer_encoding);
	tcase_add_test(tc, path);
	tcase_add_test(tc, request_line_errors);
	tcase_add_test(tc, field_errors);
	tcase_add_test(tc, empty_lines);
	tcase_add_test(tc, line_limits);
	tcase_add_test(tc, header_limits);
	tcase_add_test(tc, fuzz);
	tcase_add_test(tc, reasons);
	suite_add_tcase(s, tc);
	return s;
}
