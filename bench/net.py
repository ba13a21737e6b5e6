#!/usr/bin/python3
"""Network benchmark (needs root): a PVH guest on a tap inside a network
namespace this script creates and deletes.  Measures ping RTT (fping,
median and p99), TCP bulk throughput both ways with iperf 2 against the
guest's lwiperf (median of N runs each), and the packet rate the driver
sustains under an ICMP flood (hping3, from an unused address of the
namespace's own subnet).  QEMU and the tools can be pinned: QEMU_CPUS=1
TOOL_CPUS=0.  Usage: bench/net.py [-n 3] [--record]"""
import argparse
import os
import re
import statistics
import subprocess
import time

import common
import nagare

GUEST = "10.0.2.15"


def tool(cmd):
    cpus = os.environ.get("TOOL_CPUS")
    return (["taskset", "-c", cpus] if cpus else []) + cmd


def counters(g):
    out = g.cmd("ip -s link show eth0")
    rx = re.search(r"RX:.*\n\s+(\d+)\s+(\d+)", out)
    return int(rx.group(2))


def fping(ns, count=500):
    r = ns.run(tool(["fping", "-C", str(count), "-p", "10", "-q", GUEST]), timeout=120)
    vals = [float(v) for v in r.stderr.split(":", 1)[1].split() if v != "-"]
    vals.sort()
    return statistics.median(vals), vals[int(len(vals) * 0.99) - 1], count - len(vals)


def iperf_in(ns, secs):
    r = ns.run(tool(["iperf", "-c", GUEST, "-t", str(secs), "-f", "m"]), timeout=secs + 60)
    return float(re.search(r"([\d.]+) Mbits/sec", r.stdout).group(1))


def iperf_out(ns, g):
    srv = ns.popen(tool(["iperf", "-s", "-f", "m"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        pos = g.mark()
        g.cmd("iperf -c 10.0.2.2")
        m = g.wait_for(rb"iperf: client done: .*? ([\d.]+) Mbit/s", 60, start=pos)
        return float(m.group(1))
    finally:
        srv.kill()
        srv.wait(10)


def flood_pps(ns, g, secs=5):
    before = counters(g)
    t0 = time.monotonic()
    ns.run(tool(["timeout", str(secs), "hping3", "--flood", "--icmp", "-a", "10.0.2.99", GUEST]),
           timeout=secs + 30)
    dt = time.monotonic() - t0
    time.sleep(0.5)
    return (counters(g) - before) / dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=3)
    ap.add_argument("--record", action="store_true")
    a = ap.parse_args()
    subprocess.run(["make", "-s", "-C", common.TOP, "all"], check=True)
    res = {"rtt": [], "p99": [], "lost": 0, "in": [], "out": [], "pps": []}
    with nagare.Netns() as ns:
        g = ns.guest(boot="pvh", cpus=os.environ.get("QEMU_CPUS")).start()
        try:
            g.wait_prompt()
            for _ in range(a.n):
                med, p99, lost = fping(ns)
                res["rtt"].append(med)
                res["p99"].append(p99)
                res["lost"] += lost
                res["in"].append(iperf_in(ns, 10))
                res["out"].append(iperf_out(ns, g))
                res["pps"].append(flood_pps(ns, g))
            sn = g.cmd("cat /proc/net/softnet_stat")
            eth = g.cmd("ethtool -S eth0")
        finally:
            g.kill()
    m = common.median
    text = "\n".join([
        "Measured %s on %s; QEMU TCG, PVH guest `-m 256`, virtio-net on a tap in a network "
        "namespace (vhost off); median of %d runs (`bench/net.py`)." % (common.today(), common.machine(), a.n),
        "",
        "| Measure | Result |",
        "|---|---|",
        "| ping RTT, namespace to guest (fping, 500 pings every 10 ms) | median %.3f ms, p99 %.3f ms, %d lost |" % (
            m(res["rtt"]), m(res["p99"]), res["lost"]),
        "| TCP namespace to guest (iperf 2 -> lwiperf, 10 s) | %.0f Mbit/s (%s) |" % (
            m(res["in"]), ", ".join("%.0f" % v for v in res["in"])),
        "| TCP guest to namespace (lwiperf client -> iperf 2 -s, 10 s) | %.0f Mbit/s (%s) |" % (
            m(res["out"]), ", ".join("%.0f" % v for v in res["out"])),
        "| ICMP echo requests received under hping3 --flood (5 s) | %.0f packets/s |" % m(res["pps"]),
        "",
        "Guest counters afterwards:",
        "",
        "```",
        "/proc/net/softnet_stat: " + sn.strip(),
        eth.strip(),
        "```",
    ])
    print(text)
    if a.record:
        common.record("net", text)


if __name__ == "__main__":
    main()
