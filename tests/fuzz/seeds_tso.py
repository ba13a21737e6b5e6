#!/usr/bin/python3
"""Writes the hand-made seeds of tests/fuzz/corpus/tso in fuzz_tso.c's
operation language (its header documents it).  Run from the top of the tree:
/usr/bin/python3 tests/fuzz/seeds_tso.py"""
import struct

OUT = "tests/fuzz/corpus/tso/"


def seg(fl=0x10, ln=1460, v=0):
    return bytes([1, fl]) + struct.pack(">H", ln) + bytes([v])


def end():
    return bytes([2])


def raw(f, hb=None):
    return bytes([0]) + struct.pack(">HH", len(f) if hb is None else hb, len(f)) + f


def frame(pay=600, flags=0x10, seq=1000, ident=0x1234):
    eth = bytes.fromhex("525400123456525400abcdef0800")
    opts = bytes.fromhex("0101080a0000000100000002")
    thl = 20 + len(opts)
    iplen = 20 + thl + pay
    ip = bytes([0x45, 0]) + struct.pack(">HHHBBH", iplen, ident, 0x4000, 64, 6, 0) + bytes([10, 0, 0, 2, 192, 168, 77, 1])
    tcp = struct.pack(">HHIIBBHHH", 40000, 80, seq, 5000, (thl // 4) << 4, flags, 502, 0, 0) + opts
    return eth + ip + tcp + bytes((i * 131 + 11) & 0xff for i in range(pay))


SEEDS = {
    # 44 full segments: one bundle of 64 KiB, then a short one with PSH
    "full_bundle": seg() * 44 + seg(0x18, 700) + end(),
    # past 64 KiB of IP: the 46th segment starts the next bundle
    "over_64k": seg() * 47 + end(),
    # PSH in the middle ends the bundle; FIN too
    "psh_fin": seg() * 3 + seg(0x18) + seg() * 2 + seg(0x11, 10) + end(),
    # every single-field change (v bits) after two good segments
    "changes": b"".join(seg() * 2 + seg(v=1 << k) + end() for k in range(8)),
    # raw frames: two that join (headers in the first piece, payload after), padding, a fragment
    "raw": raw(frame(1000)) + raw(frame(1000, seq=2000, ident=0x1235), hb=66) + end()
           + raw(frame(1000) + b"\0\0") + raw(frame(1000)[:20]) + end(),
}

for name, data in SEEDS.items():
    with open(OUT + name, "wb") as f:
        f.write(data)
