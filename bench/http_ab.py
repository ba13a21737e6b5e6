#!/usr/bin/python3
"""Two kernels, many fresh guests: is a change's cost bigger than the noise?

bench/http.py --before compares medians of a few rounds; on a shared host one
guest's figures can move by 1.5x between boots.  This boots each kernel N
times, alternating and reversing the order every round, and per guest runs
wrk -t1 for 5 s at 1 and at 32 connections (`/` keep-alive, after a 2 s
warm-up), then prints each kernel's median and range and the ratio.  Needs
root.  QEMU_CPUS / WRK_CPUS as bench/http.py.

Usage: bench/http_ab.py [-n 8] BEFORE_KERNEL [AFTER_KERNEL (default build/kernel.elf)]"""
import argparse
import os
import statistics
import sys

import http as hb
import nagare

CONNS = (1, 32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=8, help="guests per kernel")
    ap.add_argument("before")
    ap.add_argument("after", nargs="?", default=nagare.KERNEL)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/http_ab.py needs root (network namespaces)")
    kerns = [a.before, a.after]
    res = {(k, c): [] for k in kerns for c in CONNS}
    for r in range(a.n):
        for kern in kerns if r % 2 == 0 else kerns[::-1]:
            with nagare.Netns() as ns:
                g, t = hb.boot_nagare(ns, kernel=kern)
                try:
                    if t is None:
                        sys.exit("%s: no HTTP 200 after boot" % kern)
                    hb.wrk(ns, "/", 32, [], secs=2, warm=0)
                    for c in CONNS:
                        res[(kern, c)].append(hb.wrk(ns, "/", c, [], secs=5, warm=0)["rps"])
                finally:
                    g.kill()
        print("round %d: %s" % (r + 1, "  ".join("%s c%d %.0f" % ("before" if k == a.before else "after", c, v[-1])
                                                for (k, c), v in res.items())), flush=True)
    for c in CONNS:
        b, x = res[(a.before, c)], res[(a.after, c)]
        print("%2d connection%s: before %.0f (%.0f-%.0f)  after %.0f (%.0f-%.0f)  after/before %.2f" % (
            c, "s" if c > 1 else " ", statistics.median(b), min(b), max(b),
            statistics.median(x), min(x), max(x), statistics.median(x) / statistics.median(b)))


if __name__ == "__main__":
    main()
