/*
 * Software GSO for IPv4 TCP (net/core/gso.c): one large frame cut into
 * MSS-sized segments, as Linux's tcp_gso_segment and inet_gso_segment cut
 * a TSO skb for a device without TSO.  Pure; the caller linearises the
 * frame and owns every buffer.
 */
#ifndef NET_GSO_H
#define NET_GSO_H

#include <stdint.h>

#include "net/core/tcp4_frame.h"

/* gso_segment's flags */
#define GSO_CSUM_PARTIAL 1 /* each TCP checksum field gets the pseudo-header
			    * sum only, for the device (netdev_txreq_finish) */

/* The scratch bytes that always suffice for segments of mss payload bytes. */
#define GSO_SCRATCH_LEN(mss) (TCP4_MAX_HLEN + (uint32_t)(mss))

/* Called once per segment, in order: seg[0..len) is a whole frame in the
 * caller's scratch buffer, valid until the call returns.  0 to go on, or a
 * negative errno to stop: gso_segment then returns it. */
typedef int (*gso_emit_fn)(void *arg, const uint8_t *seg, uint32_t len);

/* Cuts the IPv4 TCP frame[0..len) into segments of at most mss payload
 * bytes, each built in scratch[0..scratch_len) and handed to emit:
 * sequence numbers advance by the payload before them, IP IDs by one per
 * segment, total length and both checksums are per segment, FIN and PSH
 * stay on the last segment only and CWR on the first only.  A frame with
 * no more than mss payload bytes, or with SYN, RST or URG, is not split:
 * emit gets frame itself, as it is (checksums untouched, scratch unused),
 * less any bytes past the IPv4 total length.
 * The number of segments emitted, or before any: -EINVAL (mss 0, or a
 * frame tcp4_frame_parse refuses), -EPROTONOSUPPORT (not IPv4 TCP),
 * -ENOBUFS (scratch smaller than one segment); or emit's error. */
int gso_segment(const uint8_t *frame, uint32_t len, uint16_t mss, unsigned flags,
		uint8_t *scratch, uint32_t scratch_len, gso_emit_fn emit, void *arg);

#endif
