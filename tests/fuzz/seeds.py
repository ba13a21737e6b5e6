#!/usr/bin/python3
"""Writes the hand-made seeds of tests/fuzz/corpus/frames in fuzz_frames.c's
operation language (its header documents it).  Run from the top of the tree:
/usr/bin/python3 tests/fuzz/seeds.py"""
import os
import struct

OUT = "tests/fuzz/corpus/frames"
SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04
MSS = bytes([2, 4, 5, 0xb4])


def seg(conn, flags, data=b"", opts=b"", seqmode=0, seq=0, ackmode=0, ack=0, wnd=65535, cuts=()):
    b = bytes([2, conn, flags, seqmode]) + struct.pack(">I", seq & 0xffffffff)
    b += bytes([ackmode]) + struct.pack(">I", ack & 0xffffffff) + struct.pack(">H", wnd)
    b += bytes([len(opts)]) + opts + struct.pack(">H", len(data)) + data
    b += bytes([len(cuts) + 1 if cuts else 0]) + bytes(cuts)
    if cuts:
        b += struct.pack(">H", 4242)
    return b


def tick(n=10):
    return bytes([3, n])


def cookies(v):
    return bytes([4, v])


def faults(lwip, rx, tx):
    return bytes([5, lwip, rx, tx])


def connect(conn, dport_sel=0):
    c = conn | (dport_sel << 6)
    return seg(c, SYN, opts=MSS) + seg(c, ACK)


GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
seeds = {
    "http_get": connect(0) + seg(0, ACK | PSH, GET) + tick(),
    "http_pipelined_close": connect(1) + seg(1, ACK | PSH, GET + GET.replace(b"/ ", b"/bytes/3000 ")) +
                            seg(1, ACK | FIN) + tick(50),
    "echo_fragments": connect(2, 1) + seg(2 | 64, ACK | PSH, bytes(range(200)), cuts=(0, 1, 1, 1, 1, 1, 1)),
    "header_only_first_fragment": connect(3) + seg(3, ACK | PSH, GET, opts=b"\x01\x01\x01\x01", cuts=(2,)),
    "overlap_retransmission": connect(4) + seg(4, ACK | PSH, GET[:16]) +
                              seg(4, ACK | PSH, GET, seqmode=2, seq=-16, cuts=(3,)),
    "out_of_order": connect(5) + b"".join(seg(5, ACK, b"x", seqmode=2, seq=2 + 2 * i) for i in range(20)) +
                    seg(5, ACK | PSH, GET),
    "cookie_ack": cookies(2) + seg(6, SYN, opts=MSS + b"\x01\x03\x03\x07") + seg(6, ACK | PSH, GET) +
                  seg(7, ACK, seqmode=1, seq=99, ackmode=1, ack=12345678),
    "rst_and_closed_port": connect(8 - 8 + 0) + seg(0, RST) + seg(3 | 192, SYN, opts=MSS),
    "http_under_faults": faults(10, 10, 10) + b"".join(connect(c) + seg(c, ACK | PSH, GET) + tick(5)
                                                     for c in range(4)),
    "zero_window_echo": connect(1, 1) + seg(1 | 64, ACK | PSH, b"a" * 1000, wnd=0) + tick(100) +
                        seg(1 | 64, ACK, wnd=65535) + tick(100),
    # SACK blocks (lwIP patch 0024 parses them): duplicate ACKs below what
    # was sent with one and two blocks and with malformed lengths (9, past
    # the options, 2) during a transfer the peer's window keeps growing in
    "sack_dupacks": seg(9, SYN, opts=MSS + b"\x01\x01\x04\x02") + seg(9, ACK) +
                    seg(9, ACK | PSH, GET.replace(b"/ ", b"/bytes/20000 ")) + tick(2) +
                    b"".join(seg(9, ACK, ackmode=2, ack=-2920, wnd=30000 + 100 * i,
                                 opts=b"\x01\x01\x05" + o) for i, o in enumerate((
                                     b"\x0a" + struct.pack(">II", 1000, 2000),
                                     b"\x12" + struct.pack(">IIII", 1000, 2000, 3000, 4000),
                                     b"\x09" + bytes(8), b"\x12" + bytes(8), b"\x02" + bytes(8)))) + tick(20),
    "raw_arp_and_runt": bytes([0]) + struct.pack(">H", 42) + b"\xff" * 6 + b"\x52\x54\x00\xab\xcd\xef" +
                        b"\x08\x06" + b"\x00\x01\x08\x00\x06\x04\x00\x01" + b"\x52\x54\x00\xab\xcd\xef" +
                        bytes([10, 0, 2, 2]) + b"\x00" * 6 + bytes([10, 0, 2, 15]) +
                        bytes([1]) + struct.pack(">H", 20) + bytes([7]) + b"\x01" * 20,
}
os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print("%d seeds in %s" % (len(seeds), OUT))
