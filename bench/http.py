#!/usr/bin/python3
"""HTTP benchmark: nagare against the Linux VM + nginx peer
(../shared/peers/linux-nginx), one after the other in the same run, same
QEMU, same virtio-net, same tap in a network namespace this script makes.

Rows (wrk -t1, 10 s each after a 2 s warm-up): / keep-alive at 1, 32 and
256 connections, / with Connection: close at 32, and 64 KiB
(/bytes/65536 here, /64k.bin on nginx) at 32.  Rounds alternate nagare,
nginx, nagare, ... (-n rounds); the median of the rounds is reported with
the ratio nagare/nginx.  Also: boot to first HTTP 200 (PVH, UEFI, peer),
image sizes, three back-to-back Connection: close runs, and the smallest
guest RAM each serves wrk -c32 in.  Needs root.  Pin like the notes say:
QEMU_CPUS=1 WRK_CPUS=0 (the default here).

--before KERNEL adds a third system in every round: that kernel.elf (an
older build of nagare), so a change's cost is measured before and after in
the same run; its ratios to nginx are printed beside the current ones.

Usage: bench/http.py [-n 3] [--record] [--quick] [--before KERNEL]"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

import common
import nagare
import plot

PEER_DIR = os.path.normpath(os.path.join(common.TOP, "..", "shared", "peers", "linux-nginx"))
PEER_BUILD = os.path.join(common.TOP, "build", "peer")
GUEST = "10.0.2.15"
QEMU_CPUS = os.environ.get("QEMU_CPUS", "1")
WRK_CPUS = os.environ.get("WRK_CPUS", "0")

ROWS = [  # (key, label, path on nagare, path on nginx, connections, extra wrk args)
    ("ka1", "/ keep-alive, 1 connection", "/", "/", 1, []),
    ("ka32", "/ keep-alive, 32 connections", "/", "/", 32, []),
    ("ka256", "/ keep-alive, 256 connections", "/", "/", 256, []),
    ("close32", "/ Connection: close, 32 connections", "/", "/", 32, ["-H", "Connection: close"]),
    ("64k32", "64 KiB body, 32 connections", "/bytes/65536", "/64k.bin", 32, []),
]


class Peer:
    """The Linux VM + nginx from the peer's build, booted as its run.sh does."""

    def __init__(self, ns, mem=256):
        self.ns, self.mem = ns, mem
        self.proc = None

    def start(self):
        cmd = ["taskset", "-c", QEMU_CPUS, "qemu-system-x86_64", "-accel", "tcg", "-cpu", "max",
               "-m", str(self.mem), "-smp", "1",
               "-kernel", os.path.join(PEER_BUILD, "vmlinuz"),
               "-initrd", os.path.join(PEER_BUILD, "initramfs.cpio.gz"),
               "-append", "console=ttyS0 quiet",
               "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
               "-device", "virtio-net-pci,netdev=n0",
               "-display", "none", "-serial", "file:/dev/null", "-monitor", "none", "-no-reboot"]
        self.t0 = time.monotonic()
        self.proc = self.ns.popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        return self

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def first_200(ns, t0, timeout):
    """Seconds from t0 until GET / answers 200, from the namespace: a fresh
    connection every 20 ms (a SYN the guest misses is not waited for)."""
    code = r'''
import socket, sys, time
end = time.monotonic() + %f
while time.monotonic() < end:
    try:
        s = socket.create_connection(("%s", 80), timeout=0.02)
        s.settimeout(5)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if s.recv(64).startswith(b"HTTP/1.1 200"):
            print(time.monotonic()); sys.exit(0)
    except OSError:
        pass
sys.exit(1)
''' % (timeout, GUEST)
    r = ns.run(["/usr/bin/python3", "-c", code], timeout=timeout + 30)
    if r.returncode:
        return None
    # CLOCK_MONOTONIC is shared by the namespace's process and ours.
    return float(r.stdout.split()[0]) - t0


def wrk(ns, path, conns, extra, secs=10, warm=2):
    url = "http://%s%s" % (GUEST, path)
    base = ["taskset", "-c", WRK_CPUS, "wrk", "-t1", "-c%d" % conns]
    if warm:
        ns.run(base + ["-d%ds" % warm] + extra + [url], timeout=warm + 60)
    r = ns.run(base + ["-d%ds" % secs, "--latency"] + extra + [url], timeout=secs + 120)
    return parse_wrk(r.stdout)


def parse_wrk(out):
    """wrk's report: requests/s, MB/s, p50/p99 ms, errors, non-2xx."""
    def lat(q):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\b" % q, out, re.M)
        if not m:
            return None
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    tps = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    mb = float(tps.group(1)) * {"B": 1e-6, "KB": 1 / 1024, "MB": 1, "GB": 1024}.get(tps.group(2), 1) if tps else 0
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "mbs": mb, "p50": lat(50), "p99": lat(99),
            "errors": sum(map(int, errs.groups())) if errs else 0,
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "requests": int(total.group(1)) if total else 0, "raw": out}


def boot_nagare(ns, boot="pvh", mem=256, kernel=nagare.KERNEL):
    g = ns.guest(boot=boot, mem=mem, cpus=QEMU_CPUS, kernel=kernel, panic_on_warn=False).start()
    t = first_200(ns, g.t_start, 180 if boot == "uefi" else 60)
    return g, t


def boot_peer(ns, mem=256):
    p = Peer(ns, mem).start()
    t = first_200(ns, p.t0, 120)
    return p, t


def run_rows(ns, which, server):
    res = {}
    for key, label, mine, theirs, conns, extra in ROWS:
        res[key] = wrk(ns, theirs if which == "nginx" else mine, conns, extra)
        print("  %-7s %-40s %9.0f req/s  p99 %s ms  errors %d" % (
            which, label, res[key]["rps"], res[key]["p99"], res[key]["errors"]), flush=True)
    return res


def net_cycles(g):
    """/proc/net/cycles: ns per part of the guest's network hook since boot."""
    return {k: int(v) for k, v in (line.split() for line in g.cmd("cat /proc/net/cycles").splitlines()[1:])}


def nic_stats(g):
    out = g.cmd("ethtool -S eth0")
    return {k.strip(): int(v) for k, v in (line.split(":") for line in out.splitlines()[1:])}


PARTS = [  # (part, what it is); derived from /proc/net/cycles in breakdown()
    ("driver", "driver: NAPI polls of the virtio rings (under TCG with QEMU's RX work that lands on the vCPU)"),
    ("lwip", "lwIP: Ethernet, IP and TCP input, the listen layer, and TCP output at the end of input"),
    ("http", "HTTP server: parse, route, build the response (tcp_write)"),
    ("timers", "lwIP timers, TX reclaim"),
    ("tx", "TX queue to the ring and the doorbell (the doorbell runs QEMU's virtio-net TX)"),
    ("idle", "idle, halted"),
]
BREAKDOWN = [("ka1", "/ keep-alive, 1 connection", 1, []), ("ka32", "/ keep-alive, 32", 32, []),
             ("close32", "/ Connection: close, 32", 32, ["-H", "Connection: close"])]


def breakdown(ns, g):
    """Where a request's time goes in the guest, around a 10 s wrk run per
    row: ns per request for each part of the network hook, and packets per
    request."""
    res = {}
    for key, label, conns, extra in BREAKDOWN:
        c0, n0 = net_cycles(g), nic_stats(g)
        w = wrk(ns, "/", conns, extra, secs=10, warm=0)
        c1, n1 = net_cycles(g), nic_stats(g)
        req = max(w["requests"], 1)
        d = {k: c1[k] - c0[k] for k in c1}
        ns_of = {"driver": d["driver_poll"], "lwip": d["stack_input"] - d["stack_input.http"],
                 "http": d["stack_input.http"], "timers": d["timers"],
                 "tx": d["tx_drain_kick"], "idle": d["idle_halted"]}
        per = {k: ns_of[k] / req for k, _ in PARTS}
        per["rest"] = (d["uptime"] - sum(ns_of.values())) / req
        res[key] = {"label": label, "rps": w["rps"], "per": per, "total": d["uptime"] / req,
                    "rx": (n1["rx_queue_0_packets"] - n0["rx_queue_0_packets"]) / req,
                    "tx": (n1["tx_queue_0_packets"] - n0["tx_queue_0_packets"]) / req}
    return res


def breakdown_lines(bd):
    keys = [k for k, _, _, _ in BREAKDOWN]
    lines = ["Where a request's time goes in the guest (`/proc/net/cycles` and `ethtool -S` around a "
             "10 s wrk run per column after the last round; ns per request):", "",
             "| Part | " + " | ".join("%s (%.0f req/s)" % (bd[k]["label"], bd[k]["rps"]) for k in keys) + " |",
             "|---|" + "---|" * len(keys)]
    for part, what in PARTS + [("rest", "the rest: console, other hooks, interrupts")]:
        lines.append("| %s | " % what + " | ".join(
            "%.0f (%.0f%%)" % (bd[k]["per"][part], 100.0 * bd[k]["per"][part] / bd[k]["total"]) for k in keys) + " |")
    lines.append("| total: wall time per request | " + " | ".join("%.0f" % bd[k]["total"] for k in keys) + " |")
    lines.append("| packets in / out per request | " + " | ".join(
        "%.2f / %.2f" % (bd[k]["rx"], bd[k]["tx"]) for k in keys) + " |")
    return lines


def many_connections(ns, g, n=10000):
    """n keep-alive connections held open at once, each served twice, and
    the guest's memory in use meanwhile (free's used, KiB)."""
    held = nagare.HeldConnections(ns, n)
    try:
        again = held.again()
        used = int(g.cmd("free").splitlines()[1].split()[2])
        estab = int(re.search(r"estab (\d+)", g.cmd("ss -s")).group(1))
    finally:
        held.close()
    return {"n": n, "open_s": held.opened_in, "served": held.served, "again": again, "used_kib": used,
            "estab": estab}


def smallest_ram(sizes, start, secs):
    """The smallest of sizes (MiB, ascending) whose guest serves wrk -c32 for secs with no errors."""
    for mem in sizes:
        with nagare.Netns() as ns:
            obj, t = start(ns, mem)
            try:
                if t is None:
                    continue
                w = wrk(ns, "/", 32, [], secs=secs, warm=0)
                if w["rps"] > 0 and w["errors"] == 0:
                    return mem, w
            finally:
                obj.kill()
    return None, None


def median(rounds, key, field):
    vals = [r[key][field] for r in rounds if r[key][field] is not None]
    return statistics.median(vals) if vals else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=3, help="rounds per system")
    ap.add_argument("--record", action="store_true", help="write docs/benchmarks.md and the plot")
    ap.add_argument("--quick", action="store_true", help="one round, skip RAM and sustain tests")
    ap.add_argument("--before", metavar="KERNEL", help="also an older kernel.elf, alternated in each round")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/http.py needs root (network namespaces)")
    subprocess.run(["make", "-s", "-C", common.TOP, "all"], check=True)
    if not os.path.exists(os.path.join(PEER_BUILD, "initramfs.cpio.gz")):
        env = dict(os.environ, PEER_BUILD=PEER_BUILD)
        subprocess.run(["bash", os.path.join(PEER_DIR, "build.sh")], check=True, env=env)
    rounds = {"nagare": [], "nginx": []}
    boots = {"pvh": [], "uefi": [], "nginx": [], "before": []}
    systems = ("nagare", "nginx")
    if a.before:
        rounds["before"] = []
        systems = ("before", "nagare", "nginx")
    n = 1 if a.quick else a.n
    for i in range(n):
        for which in systems:
            with nagare.Netns() as ns:
                if which == "nginx":
                    obj, t = boot_peer(ns)
                else:
                    obj, t = boot_nagare(ns, kernel=a.before if which == "before" else nagare.KERNEL)
                try:
                    boots["pvh" if which == "nagare" else which].append(t)
                    print("round %d %s: first HTTP 200 after %.3f s" % (i + 1, which, t or -1), flush=True)
                    rounds[which].append(run_rows(ns, which, obj))
                    if which == "nagare" and i == n - 1 and not a.before:
                        counters = {c: obj.cmd(c) for c in ("http", "softnet", "ethtool -S eth0", "free")}
                        bd = breakdown(ns, obj)
                        many = many_connections(ns, obj)
                finally:
                    obj.kill()
        if a.before:
            continue  # a before/after comparison: the HTTP rows only
        with nagare.Netns() as ns:
            g, t = boot_nagare(ns, "uefi")
            boots["uefi"].append(t)
            g.kill()
    if a.before:
        print("\nbefore (%s) and after, medians of %d rounds, each against nginx in the same round:" % (a.before, n))
        for key, label, _, _, _, _ in ROWS:
            b, x, y = (median(rounds[w], key, "rps") for w in ("before", "nagare", "nginx"))
            print("  %-40s before %8.0f (%5.1fx)  after %8.0f (%5.1fx)  nginx %8.0f  after/before %.3f" % (
                label, b, b / y, x, x / y, y, x / b))
        return

    sustain = {}
    if not a.quick:
        for which in ("nagare", "nginx"):
            with nagare.Netns() as ns:
                obj, t = boot_nagare(ns) if which == "nagare" else boot_peer(ns)
                try:
                    sustain[which] = [wrk(ns, "/", 32, ["-H", "Connection: close"], secs=10, warm=0)
                                      for _ in range(3)]
                finally:
                    obj.kill()
        ram_nagare, _ = smallest_ram([8, 16, 32], lambda ns, m: boot_nagare(ns, "pvh", m), 60)
        ram_uefi, _ = smallest_ram([32, 48, 64], lambda ns, m: boot_nagare(ns, "uefi", m), 60)
        ram_peer, _ = smallest_ram([64, 96, 128, 192, 256], lambda ns, m: boot_peer(ns, m), 10)
    sizes = {
        "kernel": os.path.getsize(nagare.KERNEL),
        "img_alloc": os.stat(nagare.IMAGE).st_blocks * 512,
        "vmlinuz": os.path.getsize(os.path.join(PEER_BUILD, "vmlinuz")),
        "initramfs": os.path.getsize(os.path.join(PEER_BUILD, "initramfs.cpio.gz")),
    }

    m = statistics.median
    lines = [
        "Measured %s on %s; QEMU TCG `-cpu max`, guest `-m 256`, virtio-net on a tap in a network "
        "namespace, QEMU pinned to CPU %s and wrk (`-t1`) to CPU %s; %d round%s per system, "
        "alternating nagare and nginx; medians (`bench/http.py`). nginx: the peer in "
        "../shared/peers/linux-nginx (Debian 6.1 kernel, nginx 1.22.1, its own QEMU "
        "arguments)." % (common.today(), common.machine(), QEMU_CPUS, WRK_CPUS, n, "s" if n > 1 else ""),
        "",
        "| Row | nagare req/s | nginx req/s | ratio | nagare p50 / p99 ms | nginx p50 / p99 ms | nagare MB/s | nginx MB/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, label, *_ in ROWS:
        a_rps, b_rps = median(rounds["nagare"], key, "rps"), median(rounds["nginx"], key, "rps")
        lines.append("| %s | %.0f | %.0f | **%.1fx** | %.2f / %.2f | %.2f / %.2f | %.1f | %.1f |" % (
            label, a_rps, b_rps, a_rps / b_rps if b_rps else float("inf"),
            median(rounds["nagare"], key, "p50"), median(rounds["nagare"], key, "p99"),
            median(rounds["nginx"], key, "p50"), median(rounds["nginx"], key, "p99"),
            median(rounds["nagare"], key, "mbs"), median(rounds["nginx"], key, "mbs")))
    errs = {w: sum(r[k]["errors"] + r[k]["non2xx"] for r in rounds[w] for k in r) for w in rounds}
    lines += ["", "Socket errors and non-2xx responses over all rows: nagare %d, nginx %d." % (
        errs["nagare"], errs["nginx"]), ""]
    lines += [
        "| Boot to first HTTP 200 (QEMU start to response, median) | |",
        "|---|---|",
        "| nagare, PVH direct boot | %.3f s |" % m([t for t in boots["pvh"] if t]),
        "| nagare, UEFI image under OVMF | %.2f s |" % m([t for t in boots["uefi"] if t]),
        "| Linux VM + nginx (direct kernel boot) | %.2f s |" % m([t for t in boots["nginx"] if t]),
        "",
        "| Size | nagare | Linux VM + nginx |",
        "|---|---|---|",
        "| kernel | kernel.elf %d bytes (debug info stripped) | vmlinuz %d bytes |" % (sizes["kernel"], sizes["vmlinuz"]),
        "| everything it boots from | nagare.img %d KiB allocated | + initramfs %d bytes |" % (
            sizes["img_alloc"] // 1024, sizes["initramfs"]),
    ]
    if sustain:
        lines += ["", "Connection: close, three back-to-back 10 s runs at 32 connections:", "",
                  "| | run 1 | run 2 | run 3 | connections | socket errors |", "|---|---|---|---|---|---|"]
        for w in ("nagare", "nginx"):
            s = sustain[w]
            lines.append("| %s | %.0f req/s | %.0f req/s | %.0f req/s | %d | %d |" % (
                w, s[0]["rps"], s[1]["rps"], s[2]["rps"], sum(x["requests"] for x in s),
                sum(x["errors"] for x in s)))
        lines += ["", "Smallest guest RAM tried that serves wrk -c32 on / with no errors: nagare PVH "
                  "%s MiB and nagare UEFI %s MiB for 60 s each (sizes tried: 8/16/32 and 32/48/64), "
                  "Linux VM + nginx %s MiB for 10 s (64/96/128/192/256)." % (ram_nagare, ram_uefi, ram_peer)]
    lines += ["", "%d keep-alive connections held at once (opened one after another from the namespace "
              "in %.1f s; %d then %d of them served GET / with 200; ss -s: %d established): guest "
              "memory in use %.1f MiB of 256 (`free`)." % (
                  many["n"], many["open_s"], many["served"], many["again"], many["estab"],
                  many["used_kib"] / 1024)]
    lines += [""] + breakdown_lines(bd)
    lines += ["", "![requests/s against connections](benchmarks-http.svg)", "",
              "nagare's counters after the last round:", "", "```"]
    for c, out in counters.items():
        lines.append("nagare# " + c)
        lines.append(out.rstrip())
    lines.append("```")
    text = "\n".join(lines)
    print(text)
    series = {w: [(c, median(rounds[w], k, "rps")) for k, _, _, _, c, extra in ROWS
                  if k.startswith("ka")] for w in rounds}
    svg = plot.lines("GET / keep-alive: requests/s by connections (TCG)", "connections", "requests/s",
                     series, log_x=True)
    if a.record:
        with open(os.path.join(common.TOP, "docs", "benchmarks-http.svg"), "w") as f:
            f.write(svg)
        common.record("http", text)
    with open(os.path.join(common.TOP, "build", "bench-http.json"), "w") as f:
        json.dump({"rounds": {w: [{k: {x: v for x, v in r[k].items() if x != "raw"} for k in r}
                                   for r in rounds[w]] for w in rounds}, "boots": boots}, f)


if __name__ == "__main__":
    main()
