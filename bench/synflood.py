#!/usr/bin/python3
"""SYN flood benchmark: legitimate HTTP goodput and connection success
while hping3 floods the guest with SYNs from 10.0.2.99 (an unused address
of the namespace's own subnet), for net.ipv4.tcp_syncookies 0, 1 and 2,
against no flood; then the Linux VM + nginx peer (its default,
tcp_syncookies=1) under the same floods.

Two legitimate clients at once: wrk -c32 with Connection: close (every
request a new connection, --timeout 10s) for goodput, and a probe making
one connection at a time, each given 2 s, for the share of connections
that succeed.  Floods: hping3 -S at three rates, paced
(-i u20, -i u5) and unpaced (--flood); the rate each achieved is measured
from hping3's own count.  Every run boots a fresh guest, so no half-open
connection of one run is left for the next.  Requests/s are requests over
the wall time wrk really took (wrk's own figure leaves out time its
connections spent waiting in connect()).  Needs root; QEMU on CPU 1, wrk
and hping3 on CPU 0 (QEMU_CPUS, WRK_CPUS).

Usage: bench/synflood.py [--secs 10] [--record]"""
import argparse
import os
import re
import signal
import subprocess
import sys
import time

import common
import nagare

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_http", os.path.join(os.path.dirname(__file__), "http.py"))
bench_http = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_http)

GUEST = "10.0.2.15"
GUEST_MAC = "52:54:00:12:34:56"  # nagare.Netns.guest's first NIC, and the peer's QEMU default
TOOL_CPUS = os.environ.get("WRK_CPUS", "0")
FLOODS = [  # (label, hping3 pacing)
    ("hping3 -i u20", ["-i", "u20"]),
    ("hping3 -i u5", ["-i", "u5"]),
    ("hping3 --flood", ["--flood"]),
]


# A second legitimate client beside wrk: one connection at a time for
# `secs` seconds, each given 2 s (a lost SYN is retransmitted after 1 s) to
# answer GET / with 200.  Prints "ok failed".
PROBE = r'''
import socket, sys, time
end = time.monotonic() + float(sys.argv[1])
ok = failed = 0
while time.monotonic() < end:
    try:
        s = socket.create_connection(("%s", 80), timeout=2)
        s.settimeout(2)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        ok += s.recv(64).startswith(b"HTTP/1.1 200")
        s.close()
    except OSError:
        failed += 1
print(ok, failed)
''' % GUEST


def run(ns, secs, pacing):
    """One measurement: the flood (if any) starts 2 s before the clients
    and lasts until they are done.  wrk is killed if it is still waiting
    past its time (its first connect() blocks until one completes); then
    it served nothing.  Returns goodput, wrk's successes and errors, the
    probe's, and the flood's rate."""
    fl, t_fl = None, None
    if pacing:
        fl = ns.popen(["taskset", "-c", TOOL_CPUS, "hping3", "-q", "-S", "-p", "80", "-a", "10.0.2.99"]
                      + pacing + [GUEST], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        t_fl = time.monotonic()
        time.sleep(2)  # the SYN queue fills
    pps, stuck = None, False
    try:
        t0 = time.monotonic()
        probe = ns.popen(["taskset", "-c", TOOL_CPUS, "/usr/bin/python3", "-c", PROBE, str(secs)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        w = ns.popen(["taskset", "-c", TOOL_CPUS, "wrk", "-t1", "-c32", "-d%ds" % secs, "-H",
                      "Connection: close", "--timeout", "10s", "http://%s/" % GUEST],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            out = w.communicate(timeout=secs + 5)[0]
        except subprocess.TimeoutExpired:
            w.kill()
            out, stuck = w.communicate(timeout=30)[0], True
        wall = time.monotonic() - t0
        p_ok, p_failed = map(int, probe.communicate(timeout=secs + 30)[0].split())
    finally:
        if fl:
            fl.send_signal(signal.SIGINT)  # hping3 prints its statistics
            fout = fl.communicate(timeout=30)[0]
            sent = re.search(r"(\d+) packets transmitted", fout)
            pps = int(sent.group(1)) / (time.monotonic() - t_fl) if sent else None
    w = bench_http.parse_wrk(out)
    ok = 0 if stuck else w["requests"]
    return {"rps": ok / max(wall, secs), "ok": ok, "errors": w["errors"], "stuck": stuck, "pps": pps,
            "probe_ok": p_ok, "probe_failed": p_failed}


def pin_neighbour(ns):
    """The namespace's ARP entry for the guest, permanent: a flood that fills
    tap0's queue must not make the client's own ARP probes fail (connect()
    would say No route to host before the guest saw anything)."""
    ns.ip("neigh", "replace", GUEST, "lladdr", GUEST_MAC, "dev", "tap0", "nud", "permanent")


def nagare_run(secs, cookies, pacing, counters=None):
    with nagare.Netns() as ns:
        g, _ = bench_http.boot_nagare(ns)
        try:
            pin_neighbour(ns)
            g.cmd("sysctl -w net.ipv4.tcp_syncookies=%d" % cookies)
            r = run(ns, secs, pacing)
            if counters is not None:
                counters["netstat"] = g.cmd("netstat -s").split("TcpExt:")[1].split("IpExt:")[0]
                counters["nic"] = [line.strip() for line in g.cmd("ethtool -S eth0").splitlines()
                                   if line.strip().startswith(("rx_queue_0_packets", "tx_queue_0_packets"))]
                counters["uptime"] = g.cmd("cat /proc/uptime").split()[0]
            return r
        finally:
            g.kill()


def peer_run(secs, pacing):
    with nagare.Netns() as ns:
        p, _ = bench_http.boot_peer(ns)
        try:
            pin_neighbour(ns)
            return run(ns, secs, pacing)
        finally:
            p.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--record", action="store_true")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/synflood.py needs root (network namespaces)")
    subprocess.run(["make", "-s", "-C", common.TOP, "all"], check=True)
    rows, counters = [], {}

    def note(row):
        rows.append(row)
        r = row[3]
        print("%-16s %-15s cookies=%-11s %8.0f req/s %7d ok %5d errors%s  probe %d/%d  flood %s pps" % (
            row[0], row[1], row[2], r["rps"], r["ok"], r["errors"], " (stuck)" if r["stuck"] else "",
            r["probe_ok"], r["probe_ok"] + r["probe_failed"], "%.0f" % r["pps"] if r["pps"] else "-"),
            flush=True)

    note(("nagare", "no flood", "1", nagare_run(a.secs, 1, None)))
    for label, pacing in FLOODS:
        for cookies in (0, 1, 2):
            last = label == FLOODS[-1][0] and cookies == 2
            note(("nagare", label, str(cookies), nagare_run(a.secs, cookies, pacing, counters if last else None)))
    note(("Linux VM + nginx", "no flood", "1 (default)", peer_run(a.secs, None)))
    for label, pacing in FLOODS:
        note(("Linux VM + nginx", label, "1 (default)", peer_run(a.secs, pacing)))

    base = {r[0]: r[3]["rps"] for r in rows if r[1] == "no flood"}
    lines = [
        "Measured %s on %s; QEMU TCG, guest `-m 256`, QEMU on CPU %s, wrk and hping3 on CPU %s; "
        "legitimate load: wrk -t1 -c32 -H 'Connection: close' --timeout 10s for %d s, requests/s "
        "over the wall time wrk took; flood: hping3 -S -p 80 -a 10.0.2.99 at the pacing shown, "
        "started 2 s before wrk, its rate from its own count; a fresh guest per row "
        "(`bench/synflood.py`)." % (common.today(), common.machine(), bench_http.QEMU_CPUS, TOOL_CPUS,
                                    a.secs),
        "",
        "| System | Flood | flood SYN/s | tcp_syncookies | wrk req/s | of no-flood | wrk errors | probe connections ok / tried |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for sysname, load, cookies, r in rows:
        tried = r["probe_ok"] + r["probe_failed"]
        lines.append("| %s | %s | %s | %s | %.0f | %.0f%% | %s | %d / %d (%.0f%%) |" % (
            sysname, load, "%.0f" % r["pps"] if r["pps"] else "-", cookies, r["rps"],
            100.0 * r["rps"] / base[sysname] if base.get(sysname) else 0,
            "no connection in %d s" % a.secs if r["stuck"] else r["errors"], r["probe_ok"], tried,
            100.0 * r["probe_ok"] / tried if tried else 0))
    lines += ["", "nagare's counters after the last row (--flood, tcp_syncookies=2; the guest up %s s):" %
              counters.get("uptime"), "", "```", counters.get("netstat", "").strip()]
    lines += counters.get("nic", []) + ["```"]
    text = "\n".join(lines)
    print(text)
    if a.record:
        common.record("synflood", text)


if __name__ == "__main__":
    main()
