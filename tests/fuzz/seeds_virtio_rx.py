#!/usr/bin/python3
"""Writes the hand-made seeds of tests/fuzz/corpus/virtio_rx in
fuzz_virtio_rx.c's input language (documented above its step()).  Run
from the top of the tree: /usr/bin/python3 tests/fuzz/seeds_virtio_rx.py"""
import os
import struct

OUT = "tests/fuzz/corpus/virtio_rx"
MRG, EVT, IND, CSUM = 1, 2, 4, 8            # driver_up's configuration bits
DATA_VALID = 2                              # virtio_net_hdr flags
PUBLISH_ALL, POLL = bytes([4, 0x80]), bytes([5])


def cfg(bits, size_exp):                    # ring of 4 << size_exp
    return bytes([bits | size_exp << 4])


def hdr(flags=0, nb=0, gso=0, mss=0):      # flags, gso_type, hdr_len, gso_size, csum_start/offset, nb byte
    return bytes([flags, gso]) + struct.pack("<HHHH", 0, mss, 0, 0) + bytes([nb])


def raw(frame, length, nb=0):               # a raw frame: len, then how many bytes come from here
    return bytes([0]) + hdr(0, nb) + bytes([0]) + struct.pack("<H", length) + bytes([len(frame)]) + frame


def ipv4(mode, length, payload):            # IPv4 to 10.0.3.15: id, then payload bytes
    return bytes([0]) + hdr(DATA_VALID) + bytes([mode]) + struct.pack("<H", length) + b"\x12\x34" + \
        bytes([len(payload)]) + payload


def tso4(mode, length, payload, gso=1):   # IPv4 merged by the device: NEEDS_CSUM, gso_type, gso_size 1448
    return bytes([0]) + hdr(1, 0, gso, 1448) + bytes([mode]) + struct.pack("<H", length) + b"\x12\x34" + \
        bytes([len(payload)]) + payload


def advance(n):                             # 1 + 10 n ms
    return bytes([7, n])


def tx_complete(n):                         # n completions, none lying
    return bytes([8, n]) + bytes(n)


ETH = bytes.fromhex("525400000002525400000003") + b"\x08\x00"
SYN = struct.pack(">HHIIBBHHH", 40000, 0, 1, 0, 0x50, 0x02, 65535, 0, 0)
BAD_IDS = bytes([3]) + struct.pack("<HI", 0xffff, 100) + bytes([3]) + struct.pack("<HI", 3, 0xffffffff)
# a frame whose used entry lies (id 9) and whose num_buffers is 0
LIE = bytes([0]) + hdr(0, 0xc0) + bytes([0]) + struct.pack("<H", 80) + bytes([14]) + ETH + \
    struct.pack("<H", 0) + bytes([1]) + struct.pack("<H", 9)
ARP = bytes([0]) + hdr() + bytes([1 | 4]) + struct.pack("<H", 42)   # an ARP request, broadcast
DATA = struct.pack(">HHIIBBHHH", 40001, 0, 1, 1, 0x50, 0x10, 65535, 0, 0)    # an ACK with data, no connection
seeds = {
    # GUEST_TSO4 (MRG and CSUM): a 40000-byte merged TCP frame to port 80 over 21 buffers of a
    # 64-entry ring, then one whose gso_type has ECN (never agreed: dropped, buffers back)
    "tso4_frame": cfg(MRG | EVT | CSUM, 4) + tso4(2 | 0x40, 40000, DATA) + PUBLISH_ALL + POLL +
                  tso4(2 | 0x40, 3000, DATA, 0x81) + PUBLISH_ALL + POLL + tx_complete(1) + advance(30) + POLL,
    "small_frame": cfg(MRG | EVT, 2) + raw(ETH, 60) + PUBLISH_ALL + POLL,
    # a SYN to port 80 in a 3000-byte frame over two buffers; the SYN-ACK through indirect descriptors
    "syn_mergeable": cfg(MRG | EVT | IND | CSUM, 3) + ipv4(2 | 0x40, 3000, SYN) + PUBLISH_ALL + POLL +
                     tx_complete(1) + advance(30) + POLL,
    # ids past the ring, an oversized length, a lying entry, a lost interrupt, a used-index jump
    "hostile_ids": cfg(MRG | EVT, 1) + BAD_IDS + LIE + bytes([4, 0xc0, 11, 1]) + POLL + bytes([9, 5, 0]) +
                   POLL + POLL,
    # the ARP reply stays in the ring for 3 s (the TX watchdog notifies again), then a link flap
    "arp_watchdog": cfg(0, 1) + ARP + PUBLISH_ALL + POLL + advance(250) + advance(50) + tx_complete(1) +
                    advance(100) + bytes([10, 0]) + POLL + bytes([10, 1]) + POLL,
}
os.makedirs(OUT, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
