/*
 * The fuzz targets' input reader: a fuzzer's bytes read as a program, each
 * read taking what is left (0 past the end), so every input is a valid
 * program.  Multi-byte values are big-endian, read byte by byte in order.
 */
#ifndef TESTS_FUZZ_FUZZ_INPUT_H
#define TESTS_FUZZ_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t u16(struct in *in)
{
	uint16_t hi = u8(in);
	return (uint16_t)(hi << 8 | u8(in));
}

static inline uint32_t u32(struct in *in)
{
	uint32_t hi = u16(in);
	return hi << 16 | u16(in);
}

/* The next *len bytes, in place; *len becomes what was there. */
static inline const uint8_t *bytes(struct in *in, size_t *len)
{
	if (*len > in->n)
		*len = in->n;
	const uint8_t *p = in->p;
	in->p += *len;
	in->n -= *len;
	return p;
}

#endif
