#!/usr/bin/python3
"""Writes the hand-made seeds of tests/fuzz/corpus/offload in fuzz_offload.c's
operation language (its header documents it).  Run from the top of the tree:
/usr/bin/python3 tests/fuzz/seeds_offload.py"""
import struct

OUT = "tests/fuzz/corpus/offload/"


def seg(flow, fl=0x10, jump=0, ln=1000, v=0):
    return bytes([1, flow, fl, jump]) + struct.pack(">H", ln) + bytes([v])


def tick(n):
    return bytes([2, n])


def frame(pay=600, flags=0x18, ihl=5, opts=bytes.fromhex("0101080a0000000100000002")):
    """Ethernet + IPv4 (ihl words, NOP options) + TCP with opts + payload;
    checksums zero: the target makes them right before GSO."""
    thl = 20 + len(opts)
    iplen = ihl * 4 + thl + pay
    eth = bytes.fromhex("525400123456525400abcdef0800")
    ip = bytes([0x40 | ihl, 0]) + struct.pack(">HHHBBH", iplen, 0x1234, 0x4000, 64, 6, 0)
    ip += bytes([10, 0, 0, 2, 192, 168, 77, 1]) + b"\x01" * (ihl * 4 - 20)
    tcp = struct.pack(">HHIIBBHHH", 40000, 80, 1000, 5000, (thl // 4) << 4, flags, 502, 0, 0) + opts
    return eth + ip + tcp + bytes((i * 131 + 11) & 0xff for i in range(pay))


def gso(f, mss=100, gfl=0):
    return bytes([3]) + struct.pack(">HBH", mss, gfl, len(f)) + f


def raw(f, fl=0):
    return bytes([0, fl]) + struct.pack(">H", len(f)) + f


SEEDS = {
    # four segments merge, a fifth with PSH merges and flushes
    "merge_in_order": bytes([7]) + seg(0) * 4 + seg(0, fl=0x18) + tick(1),
    # one slot: flows evict each other; a TTL change, a jump, timestamps, a SYN-ACK
    "flows_differ": bytes([1]) + seg(0) + seg(1) + seg(0, v=1) + seg(0, jump=3) + seg(2, v=32)
    + seg(2, v=32) + tick(5) + seg(3, fl=0x12),
    # 600 bytes cut at 100 and merged back (the round trip)
    "gso_round_trip": bytes([7]) + gso(frame()),
    # IP options, FIN, partial checksums: GRO does not hold these
    "gso_partial_ip_options": bytes([3]) + gso(frame(pay=300, ihl=6, flags=0x19), mss=64, gfl=1) + tick(2),
    # raw frames: device-checked, cut short, a pure ACK
    "raw_frames": bytes([2]) + raw(frame(pay=40), 1) + raw(frame(pay=40)[:50]) + raw(frame(pay=0, flags=0x10)),
}

for name, data in SEEDS.items():
    with open(OUT + name, "wb") as f:
        f.write(data)
