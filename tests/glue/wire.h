/*
 * Frames on the wire for the glue tests and fuzz targets: building
 * Ethernet + IPv4 + TCP frames (checksums right, options and IP
 * fragmentation as asked), reading the frames the stack sent, and a
 * small TCP client ("peer") that keeps its sequence numbers.  RFC 791
 * (IPv4, fragments), RFC 9293 (TCP), RFC 826 (ARP frames are not built:
 * the world's ARP entry for the peer is static).
 */
#ifndef TESTS_GLUE_WIRE_H
#define TESTS_GLUE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define WIRE_FIN 0x01
#define WIRE_SYN 0x02
#define WIRE_RST 0x04
#define WIRE_PSH 0x08
#define WIRE_ACK 0x10
#define WIRE_MAX 9018 /* the longest frame built or read */

/* A TCP segment to build.  Addresses and ports in host order. */
struct wire_tcp {
	uint32_t saddr, daddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;           /* WIRE_* */
	uint16_t wnd;
	const uint8_t *opts;     /* TCP options, padded by the caller to a multiple of 4 */
	size_t optlen;
	const void *data;
	size_t len;
};

/* RFC 1071's one's-complement sum of n bytes added to s, folded to 16
 * bits, not inverted (a checksum field holds ~ of it). */
uint16_t wire_sum(const uint8_t *b, size_t n, uint32_t s);

/* Writes Ethernet (peer -> us) + IPv4 + payload into out; returns the
 * frame's length.  frag is the IPv4 flags/fragment-offset field (host
 * order: 0x4000 DF, 0x2000 MF, offset in 8-byte units). */
size_t wire_ip(uint8_t *out, uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t id, uint16_t frag,
	       const void *payload, size_t len);
/* The TCP segment's bytes (header, options, data; checksum filled in). */
/* An ARP frame (RFC 826, Ethernet/IPv4): op 1 request, 2 reply, from
 * sha/sip to tha/tip, sent to dst; 42 bytes. */
size_t wire_arp(uint8_t *out, const uint8_t dst[6], uint16_t op, const uint8_t sha[6], uint32_t sip,
		const uint8_t tha[6], uint32_t tip);
size_t wire_tcp_segment(uint8_t *out, const struct wire_tcp *t);
/* A whole frame carrying the segment (DF set, not fragmented). */
size_t wire_tcp_frame(uint8_t *out, const struct wire_tcp *t);
/* Sends the segment as IPv4 fragments into the fake device: the segment's
 * bytes are cut after each offset in cuts[] (multiples of 8, ascending). */
void wire_tcp_fragments(const struct wire_tcp *t, uint16_t ip_id, const size_t *cuts, int ncuts);
/* The segment as one frame into the fake device. */
void wire_tcp_send(const struct wire_tcp *t);

/* A frame the stack sent, taken apart. */
struct wire_parsed {
	int ip, tcp, icmp, arp;
	int csum_ok;             /* IPv4 header and TCP checksums verify */
	uint32_t saddr, daddr;
	uint8_t proto, ttl;
	uint16_t ip_len, ip_id, frag;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	const uint8_t *data;     /* TCP payload */
	size_t len;
	uint8_t icmp_type, icmp_code;
};
/* 0, or -1 if the frame is too short to be what its headers say. */
int wire_parse(const uint8_t *f, size_t len, struct wire_parsed *p);

/* A TCP client at 10.0.2.2 (or saddr) talking to the world's 10.0.2.15. */
struct wire_peer {
	uint32_t saddr;
	uint16_t sport, dport;
	uint32_t snd_nxt;        /* our next sequence number */
	uint32_t rcv_nxt;        /* what we have received up to */
	uint16_t wnd;            /* the window we advertise */
	uint32_t their_wnd;
	uint32_t acked;          /* the highest ACK the stack sent us */
	int rst;                 /* a RST arrived */
	int fin;                 /* their FIN arrived */
	uint8_t *rx;             /* payload received, in order */
	size_t rx_len, rx_cap;
	int seen;                /* frames of the device's transmit log already read */
};
/* Handshake (SYN with MSS 1460, SYN-ACK, ACK): 0, or -1 with no SYN-ACK. */
int wire_peer_connect(struct wire_peer *p, uint16_t sport, uint16_t dport);
/* Its first half: the SYN and the SYN-ACK; the final ACK is left to the
 * caller (wire_peer_send(p, WIRE_ACK, ...)). */
int wire_peer_syn(struct wire_peer *p, uint16_t sport, uint16_t dport);
/* A segment at snd_nxt with the given flags and data (ACK of rcv_nxt added). */
void wire_peer_send(struct wire_peer *p, uint8_t flags, const void *data, size_t len);
/* Reads the frames the stack sent to this peer since the last call (the
 * device's transmit log is left alone): in-order payload is appended to
 * rx, FIN and RST noted.  Returns how many frames were for us. */
int wire_peer_read(struct wire_peer *p);
void wire_peer_free(struct wire_peer *p);
/* A fresh client from port sport: GET path, ms of clock for the answer;
 * 1 if it began "HTTP/1.1 200 OK". */
int wire_http_get(uint16_t sport, const char *path, uint64_t ms);

#endif
