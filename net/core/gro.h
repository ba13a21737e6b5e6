/*
 * A GRO-like merge of in-order IPv4 TCP segments (net/core/gro.c), Linux's
 * napi_gro_receive model: within a NAPI poll, segments of one flow that
 * follow each other are merged into one large frame before the stack sees
 * them.  Pure; memory bounded by the caller's slots, every copy explicit.
 */
#ifndef NET_GRO_H
#define NET_GRO_H

#include <stddef.h>
#include <stdint.h>

#include "net/core/tcp4_frame.h"

#define GRO_MAX_FLOWS 8                       /* flows held at once: Linux MAX_GRO_SKBS */
#define GRO_FRAME_MAX (TCP4_ETH_HLEN + TCP4_IP_MAXLEN) /* the largest frame a slot holds */
#define GRO_SLOT_MIN (TCP4_MAX_HLEN + 1)      /* the smallest useful slot */

/* gro_receive's flags */
#define GRO_CSUM_VALID 1 /* the device checked the TCP checksum (virtio
			  * VIRTIO_NET_HDR_F_DATA_VALID, Linux CHECKSUM_UNNECESSARY) */

/* What gro_receive did with a frame F. */
enum gro_result {
	GRO_MERGED,     /* F's payload joined a held flow (F's buffer is free again);
			 * with PSH or FIN, or shorter than the flow's mss, that
			 * flow was then flushed */
	GRO_HELD,       /* F was copied into a slot as a new held flow (a held
			 * flow F could not join, or the oldest when all slots were
			 * in use, was flushed first) */
	GRO_FLUSH_PASS, /* F's held flow was flushed and F cannot be held: the
			 * caller delivers F itself, after what was flushed */
	GRO_PASS,       /* nothing held for F and F cannot be held (not IPv4 TCP,
			 * no payload, PSH/FIN/SYN/RST/URG, IP options, bad
			 * checksum, ...): the caller delivers F as it came */
};

/* A frame gro hands back: out[0..len) is valid until emit returns. */
struct gro_out {
	const uint8_t *frame;
	uint32_t len;
	uint16_t segs; /* segments merged into it (Linux gso_segs) */
	uint16_t mss;  /* its first segment's payload bytes (Linux gso_size) */
};
typedef void (*gro_emit_fn)(void *arg, const struct gro_out *out);

/* One held flow: the first segment's headers, then every merged payload. */
struct gro_flow {
	uint8_t *buf;      /* the slot's storage (gro_init) */
	uint32_t len;      /* frame bytes in buf; 0: the slot is free */
	uint32_t next_seq; /* the sequence number the next segment must carry */
	uint64_t since;    /* ns: when it was held (gro_flush's age) */
	uint32_t order;    /* hold order, for the oldest */
	uint16_t hlen;     /* Ethernet + IPv4 + TCP header bytes */
	uint16_t mss;      /* payload bytes of its first segment */
	uint16_t segs;     /* segments merged, >= 1 */
	uint8_t fixed_id;  /* every segment has the first one's IP ID (DF, RFC 6864) */
};

/* What `ethtool -S` will show. */
struct gro_stats {
	uint64_t merged;  /* segments that joined a held flow */
	uint64_t held;    /* segments that started a held flow */
	uint64_t flushed; /* frames handed to emit */
	uint64_t evicted; /* of those, flushed to free a slot for another flow */
	uint64_t passed;  /* frames left to the caller (GRO_PASS, GRO_FLUSH_PASS) */
	uint32_t held_max; /* the most flows held at once */
};

struct gro_table {
	struct gro_flow flow[GRO_MAX_FLOWS];
	unsigned nslots;  /* slots in flow[] with storage */
	unsigned nheld;   /* slots holding a flow */
	uint32_t cap;     /* bytes per slot: at most GRO_FRAME_MAX */
	uint32_t order;   /* the next hold's order */
	gro_emit_fn emit;
	void *arg;
	/* 0 (gro_init's): a merged frame's TCP checksum is made whole; 1: only
	 * its pseudo-header sum is written (Linux tcp_gro_complete's
	 * CHECKSUM_PARTIAL), for a caller that tells its stack the segment was
	 * checked (every merged segment was, by gro_receive or the device). */
	int csum_partial;
	struct gro_stats stats;
};

/* Splits mem[0..mem_len) into nslots equal slots of at most GRO_FRAME_MAX
 * bytes (a merged frame never outgrows its slot; 64 KiB of IP needs
 * GRO_FRAME_MAX).  0, or -EINVAL when nslots is 0 or above GRO_MAX_FLOWS
 * or a slot would be smaller than GRO_SLOT_MIN. */
int gro_init(struct gro_table *t, uint8_t *mem, size_t mem_len, unsigned nslots,
	     gro_emit_fn emit, void *arg);

/* Offers the frame[0..len) received at now (ns): see enum gro_result.
 * Reads only frame[0..len); what it flushes goes to emit before it returns. */
enum gro_result gro_receive(struct gro_table *t, const uint8_t *frame, uint32_t len,
			    unsigned flags, uint64_t now);

/* Flushes, oldest first, every flow held for at least min_age ns at now
 * (0: all of them, at the end of a NAPI poll: Linux napi_gro_flush). */
void gro_flush(struct gro_table *t, uint64_t now, uint64_t min_age);

#endif
