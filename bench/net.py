#!/usr/bin/python3
"""Network benchmark (needs root): a PVH guest on a tap inside a network
namespace this script creates and deletes.  Measures ping RTT (fping,
median and p99), TCP bulk throughput both ways with iperf 2 against the
guest's lwiperf (median of N runs each), and the packet rate the driver
sustains under an ICMP flood (hping3, from an unused address of the
namespace's own subnet), and a single-stream HTTP download (curl of
/bytes/67108864 eight times over one connection).  --before KERNEL measures that older
kernel.elf too, a fresh guest of each per round, alternating, so a change
is measured before and after in the same run.  QEMU and the tools can be
pinned: QEMU_CPUS=1 TOOL_CPUS=0.
Usage: bench/net.py [-n 3] [--record] [--before KERNEL]"""
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


def curl_out(ns, n=8, size=64 << 20):
    """Mbit/s of curl fetching /bytes/67108864 n times over one kept-alive
    connection from the guest's HTTP server (64 MiB: what every build
    serves)."""
    url = "http://%s/bytes/%d" % (GUEST, size)
    r = ns.run(tool(["curl", "-s", "-w", "%{size_download} %{time_total}\\n"] + ["-o", "/dev/null"] * n + [url] * n),
               timeout=600)
    got = [line.split() for line in r.stdout.splitlines() if line.strip()]
    if len(got) != n or any(int(float(b)) != size for b, _ in got):
        raise RuntimeError("curl: %s" % r.stdout[:200])
    return n * size * 8 / sum(float(t) for _, t in got) / 1e6


def flood_pps(ns, g, secs=5):
    before = counters(g)
    t0 = time.monotonic()
    ns.run(tool(["timeout", str(secs), "hping3", "--flood", "--icmp", "-a", "10.0.2.99", GUEST]),
           timeout=secs + 30)
    dt = time.monotonic() - t0
    time.sleep(0.5)
    return (counters(g) - before) / dt


def one_round(ns, kernel, res):
    g = ns.guest(boot="pvh", cpus=os.environ.get("QEMU_CPUS"), kernel=kernel).start()
    try:
        g.wait_prompt()
        for _ in range(30):
            if ns.run(["ping", "-c", "1", "-W", "1", GUEST], timeout=10).returncode == 0:
                break
        med, p99, lost = fping(ns)
        res["rtt"].append(med)
        res["p99"].append(p99)
        res["lost"] += lost
        res["in"].append(iperf_in(ns, 10))
        res["out"].append(iperf_out(ns, g))
        res["curl"].append(curl_out(ns))
        res["pps"].append(flood_pps(ns, g))
        res["sn"] = g.cmd("cat /proc/net/softnet_stat")
        res["eth"] = g.cmd("ethtool -S eth0")
    finally:
        g.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=3)
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--before", help="an older kernel.elf, measured in the same run")
    a = ap.parse_args()
    subprocess.run(["make", "-s", "-C", common.TOP, "all"], check=True)
    systems = [("now", nagare.KERNEL)] + ([("before", a.before)] if a.before else [])
    res = {name: {"rtt": [], "p99": [], "lost": 0, "in": [], "out": [], "curl": [], "pps": []}
           for name, _ in systems}
    with nagare.Netns() as ns:
        for r in range(a.n):
            order = systems if r % 2 == 0 else systems[::-1]
            for name, kernel in order:
                one_round(ns, kernel, res[name])
                print("round %d %-6s in %.0f out %.0f curl %.0f Mbit/s" % (
                    r + 1, name, res[name]["in"][-1], res[name]["out"][-1], res[name]["curl"][-1]), flush=True)
    m = common.median
    now = res["now"]

    def cell(key, fmt="%.0f"):
        vals = lambda x: ", ".join(fmt % v for v in x[key])
        c = (fmt + " Mbit/s (%s)") % (m(now[key]), vals(now))
        if a.before:
            b = res["before"]
            c += " | " + (fmt + " Mbit/s (%s)") % (m(b[key]), vals(b)) + " | %.2fx" % (m(now[key]) / m(b[key]))
        return c
    head = "| Measure | Result |" + (" before (%s) | ratio |" % os.path.basename(a.before) if a.before else "")
    text = "\n".join([
        "Measured %s on %s; QEMU TCG, PVH guest `-m 256`, virtio-net on a tap in a network "
        "namespace (vhost off); median of %d runs, a fresh guest each (`bench/net.py%s`)." % (
            common.today(), common.machine(), a.n, " --before" if a.before else ""),
        "",
        head,
        "|---|---|" + ("---|---|" if a.before else ""),
        "| ping RTT, namespace to guest (fping, 500 pings every 10 ms) | median %.3f ms, p99 %.3f ms, %d lost |" % (
            m(now["rtt"]), m(now["p99"]), now["lost"]) + (" median %.3f ms, p99 %.3f ms |  |" % (
                m(res["before"]["rtt"]), m(res["before"]["p99"])) if a.before else ""),
        "| TCP namespace to guest (iperf 2 -> lwiperf, 10 s) | %s |" % cell("in"),
        "| TCP guest to namespace (lwiperf client -> iperf 2 -s, 10 s) | %s |" % cell("out"),
        "| HTTP guest to namespace (curl of /bytes/67108864 x 8, one connection) | %s |" % cell("curl"),
        "| ICMP echo requests received under hping3 --flood (5 s) | %.0f packets/s |" % m(now["pps"])
        + (" %.0f packets/s |  |" % m(res["before"]["pps"]) if a.before else ""),
        "",
        "Guest counters afterwards (the last guest of this build):",
        "",
        "```",
        "/proc/net/softnet_stat: " + now["sn"].strip(),
        now["eth"].strip(),
        "```",
    ])
    print(text)
    if a.record:
        common.record("net", text)

if __name__ == "__main__":
    main()
