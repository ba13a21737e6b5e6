#!/usr/bin/python3
"""Forwarding between two NICs under TCG: nagare and the Linux VM peer
(../shared/peers/linux-nginx) as the router, one after the other in the same
run, on the same topology (tests/nagare.py TwoNets):

    ns a: tap0 10.0.2.2/24 -- eth0 10.0.2.15 [router] eth1 10.0.3.15 -- tap1 10.0.3.2/24 :ns b

each namespace routing the other's subnet via the router, IPv6 off.  QEMU
runs in ns a (pinned to QEMU_CPUS, default 1), tap1 reaches it as an open fd;
the router has net.ipv4.ip_forward=1 (nagare through its console, Linux
through the peer's root shell on its second serial port, with `ip addr add`,
`ip link set up` and `sysctl -w`).  Senders run pinned to WRK_CPUS (default 0).

Measures, per system:
  - 64-byte frames (UDP, 18 bytes of payload: iperf 2 -u -l 18 -b Npps) from
    ns a to 10.0.3.2 for SECS seconds at each offered load (--loads, packets
    per second).  Offered = what reached tap0 in ns a (its tx packets + tx
    drops: a tap whose reader (QEMU) falls behind drops); forwarded = what
    came out of the router on tap1 in ns b (its rx packets); ns b's UDP
    socket is never read (what its buffer cannot hold is dropped there).
  - rp_filter's cost: PAIRS (3) pairs of RP_SECS (5 s) runs at the highest
    load alternating net.ipv4.conf.all.rp_filter=0 and =1 (Linux's eth0,
    eth1 and default rp_filter are 0), the medians of each and the router
    time per packet the difference makes (1/pps).
  - TCP ns a -> ns b through the router: iperf 2 -c for SECS s, Mbit/s.

The issue's goal: nagare forwards at least 3x the Linux VM's packet rate
(each one's forwarded rate at the highest load, rp_filter 0: the median of
the loads run and the rp_filter pairs' 0 runs).

Usage: bench/forward.py [--secs 10] [--loads 20000,60000,200000]
                        [--pairs 3] [--rp-secs 5] [--only nagare|linux] [--record]
Needs root (network namespaces).  Every process it starts is ended by its
handle, and both namespaces are deleted afterwards."""
import argparse
import json
import os
import subprocess
import sys
import time

import common
import nagare
from bufferbloat import PeerShell

QEMU_CPUS = os.environ.get("QEMU_CPUS", "1")
WRK_CPUS = os.environ.get("WRK_CPUS", "0")
PEER_DIR = os.path.normpath(os.path.join(common.TOP, "..", "shared", "peers", "linux-nginx"))
PEER_BUILD = os.path.join(common.TOP, "build", "peer")
DST = "10.0.3.2"
PAYLOAD = 18  # + 8 UDP + 20 IP + 14 Ethernet = 60, 64 with the FCS
SINK = ("import socket, sys, time\n"
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.bind((sys.argv[1], int(sys.argv[2])))\n"
        "time.sleep(3600)\n")
SECTION = "Forwarding: nagare vs a Linux router (bench/forward.py)"


class NagareRouter:
    name = "nagare"

    def __init__(self, tn, tmp):
        self.tn = tn
        tn.guest(rc="sysctl -w net.ipv4.ip_forward=1\n", cpus=QEMU_CPUS, panic_on_warn=False,
                 log=os.path.join(tmp, "nagare-console.log")).start()
        tn.wait_ready()
        self.version = "nagare " + subprocess.run(["git", "-C", common.TOP, "rev-parse", "--short", "HEAD"],
                                                  capture_output=True, text=True).stdout.strip()

    def cmd(self, line):
        return self.tn.cmd(line)

    def close(self):
        pass  # TwoNets.close kills the guest


class LinuxRouter:
    name = "Linux"

    def __init__(self, tn, tmp):
        self.tn = tn
        self.sh = None
        self.sock = os.path.join(tmp, "peer.sock")
        console = os.path.join(tmp, "peer-console.log")
        for p in (self.sock, console):
            if os.path.exists(p):
                os.unlink(p)
        fd = nagare.TAP_FD_BASE
        cmd = ["ip", "netns", "exec", tn.b.name, "/usr/bin/python3", "-c", nagare._TAP_FD, tn.b.tap, str(fd),
               "ip", "netns", "exec", tn.a.name,
               "taskset", "-c", QEMU_CPUS, "qemu-system-x86_64", "-accel", "tcg", "-cpu", "max",
               "-m", "256", "-smp", "1",
               "-kernel", os.path.join(PEER_BUILD, "vmlinuz"),
               "-initrd", os.path.join(PEER_BUILD, "initramfs.cpio.gz"),
               "-append", "console=ttyS0 quiet",
               "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" % tn.a.tap,
               "-device", "virtio-net-pci,netdev=n0,mac=%s" % tn.a.mac,
               "-netdev", "tap,id=n1,fd=%d" % fd,
               "-device", "virtio-net-pci,netdev=n1,mac=%s" % tn.b.mac,
               "-display", "none", "-serial", "file:" + console,
               "-serial", "unix:%s,server=on,wait=off" % self.sock, "-monitor", "none", "-no-reboot"]
        # one PID throughout (each step execs the next): killed by its handle
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=nagare._die_with_parent)
        end = time.monotonic() + 180
        while True:
            if os.path.exists(console) and b"PEER-READY" in open(console, "rb").read():
                break
            if self.proc.poll() is not None or time.monotonic() > end:
                raise RuntimeError("the Linux peer did not get ready (console %s)" % console)
            time.sleep(0.2)
        self.sh = PeerShell(self.sock)
        self.version = "Linux " + self.sh.cmd("uname -r").strip()
        for line in ("ip addr add %s/%d dev eth1" % (tn.b.guest, tn.b.prefix), "ip link set eth0 up",
                     "ip link set eth1 up", "sysctl -w net.ipv4.ip_forward=1",
                     "sysctl -w net.ipv4.conf.eth0.rp_filter=0", "sysctl -w net.ipv4.conf.eth1.rp_filter=0",
                     "sysctl -w net.ipv4.conf.default.rp_filter=0", "sysctl -w net.ipv4.conf.all.rp_filter=0"):
            out = self.sh.cmd(line)
            if self.sh.rc:
                raise RuntimeError("Linux: %s: %s" % (line, out.strip()))
        for side in (tn.a, tn.b):
            for _ in range(30):
                if side.run(["ping", "-c", "1", "-W", "1", side.guest], timeout=10).returncode == 0:
                    break
            else:
                raise RuntimeError("Linux: %s does not answer ping from %s" % (side.guest, side.name))

    def cmd(self, line):
        return self.sh.cmd(line)

    def close(self):
        if self.sh:
            self.sh.s.close()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def ensure_peer():
    """Builds the Linux VM peer into build/peer (its build.sh) if it is not there."""
    if not os.path.exists(os.path.join(PEER_BUILD, "initramfs.cpio.gz")):
        env = dict(os.environ, PEER_BUILD=PEER_BUILD)
        subprocess.run(["bash", os.path.join(PEER_DIR, "build.sh")], check=True, env=env)


def tap_stats(side):
    out = side.run(["ip", "-s", "-j", "link", "show", "dev", side.tap], timeout=10, check=True).stdout
    return json.loads(out)[0]["stats64"]


def set_rp_filter(router, v):
    out = router.cmd("sysctl -w net.ipv4.conf.all.rp_filter=%d" % v)
    if out.strip() != "net.ipv4.conf.all.rp_filter = %d" % v:
        raise RuntimeError("%s: rp_filter: %r" % (router.name, out))


def udp_run(tn, pps, secs):
    """(offered pps, forwarded pps, loss) of SECS s of PAYLOAD-byte UDP at pps."""
    a0, b0 = tap_stats(tn.a), tap_stats(tn.b)
    t0 = time.monotonic()
    tn.a.run(["taskset", "-c", WRK_CPUS, "iperf", "-c", DST, "-u", "-l", str(PAYLOAD),
              "-b", "%dpps" % pps, "-t", str(secs)], timeout=secs + 30)
    time.sleep(1)  # what the router still holds comes out
    a1, b1 = tap_stats(tn.a), tap_stats(tn.b)
    sent = (a1["tx"]["packets"] - a0["tx"]["packets"]) + (a1["tx"]["dropped"] - a0["tx"]["dropped"])
    got = b1["rx"]["packets"] - b0["rx"]["packets"]
    return {"load": pps, "offered": sent / secs, "fwd": got / secs, "loss": max(0.0, 1 - got / sent) if sent else 1.0,
            "tap_drops": a1["tx"]["dropped"] - a0["tx"]["dropped"], "wall": time.monotonic() - t0}


def tcp_run(tn, secs):
    srv = tn.b.popen(["taskset", "-c", WRK_CPUS, "iperf", "-s", "-B", DST], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        b0 = tap_stats(tn.b)
        r = tn.a.run(["taskset", "-c", WRK_CPUS, "iperf", "-c", DST, "-t", str(secs), "-y", "C"],
                     timeout=secs + 40)
        b1 = tap_stats(tn.b)
        n = b1["rx"]["packets"] - b0["rx"]["packets"]
        # the mean frame the router sent on tap1: above 1514 bytes it
        # forwarded GRO/GSO aggregates (virtio-net's offloads)
        frame = (b1["rx"]["bytes"] - b0["rx"]["bytes"]) / n if n else 0
        lines = [l for l in r.stdout.splitlines() if l.count(",") >= 8]
        return (int(lines[-1].split(",")[-1]) / 1e6 if lines else None), frame
    finally:
        srv.kill()
        srv.wait(10)


def measure(Router, secs, loads, tmp, pairs, rp_secs):
    res = {"udp": [], "tcp": None}
    with nagare.TwoNets() as tn:
        router = Router(tn, tmp)
        try:
            res["version"] = router.version
            r = tn.a.ping(DST, count=3)
            if "3 received" not in r.stdout:
                raise RuntimeError("%s does not forward: %s" % (router.name, r.stdout))
            set_rp_filter(router, 0)
            # a UDP socket in ns b that is never read: once its buffer is
            # full the host drops what arrives (no port-unreachables back,
            # no reader's CPU time)
            tn.b.popen(["/usr/bin/python3", "-c", SINK, DST, "5001"], stdout=subprocess.DEVNULL)
            time.sleep(0.5)
            for pps in loads:
                u = udp_run(tn, pps, secs)
                res["udp"].append(u)
                print("%-6s UDP %6d pps offered %8.0f  forwarded %8.0f pps  loss %5.1f %%  (tap0 drops %d)" % (
                    router.name, pps, u["offered"], u["fwd"], 100 * u["loss"], u["tap_drops"]), flush=True)
            # rp_filter's cost: PAIRS runs of RP_SECS at the highest load,
            # alternating 0 and 1 (one run's noise is larger than the cost)
            res["rp0"], res["rp1"] = [], []
            try:
                for i in range(2 * pairs):
                    v = i % 2
                    set_rp_filter(router, v)
                    u = udp_run(tn, loads[-1], rp_secs)
                    res["rp%d" % v].append(u["fwd"])
                    print("%-6s UDP %6d pps rp_filter=%d: forwarded %8.0f pps  loss %5.1f %%" % (
                        router.name, loads[-1], v, u["fwd"], 100 * u["loss"]), flush=True)
            finally:
                set_rp_filter(router, 0)
            res["tcp"], res["tcp_frame"] = tcp_run(tn, secs)
            print("%-6s TCP a -> b %s Mbit/s, mean frame out on tap1 %.0f bytes" % (
                router.name, "%.0f" % res["tcp"] if res["tcp"] else "failed", res["tcp_frame"]), flush=True)
        finally:
            router.close()
    return res


def saturated(r):
    """The forwarded rate at the highest load, rp_filter 0: the median of
    the loads run and the rp_filter pairs' 0 runs."""
    return common.median([r["udp"][-1]["fwd"]] + r["rp0"])


def rp_cost(r):
    """Router time per packet rp_filter=1 adds (µs), from the medians of
    the alternating runs (meaningful when they saturate the router)."""
    m0, m1 = common.median(r["rp0"]), common.median(r["rp1"])
    return 1e6 / m1 - 1e6 / m0 if m0 and m1 else None


def span(xs):
    return "%.0f (%.0f-%.0f)" % (common.median(xs), min(xs), max(xs))


def table(results, loads):
    names = list(results)
    rows = ["| | %s |" % " | ".join(names), "|---|%s" % ("---|" * len(names))]
    for i, pps in enumerate(loads):
        rows.append("| UDP 64-byte frames, %d pps offered: reached tap0 / forwarded / lost | %s |" % (pps, " | ".join(
            "%.0f / %.0f pps / %.1f %%" % (results[n]["udp"][i]["offered"], results[n]["udp"][i]["fwd"],
                                           100 * results[n]["udp"][i]["loss"]) for n in names)))
    rows.append("| forwarded at %d pps offered, rp_filter 0: median of the runs above and below | %s |" % (
        loads[-1], " | ".join("%.0f pps" % saturated(results[n]) for n in names)))
    rows.append("| at %d pps, conf.all.rp_filter=0, runs alternating with =1: median (range), pps | %s |" % (
        loads[-1], " | ".join(span(results[n]["rp0"]) for n in names)))
    rows.append("| the same with conf.all.rp_filter=1 | %s |" % " | ".join(span(results[n]["rp1"]) for n in names))
    rows.append("| router time per packet rp_filter=1 adds (1/pps of the medians) | %s |" % " | ".join(
        ("%+.2f µs" % rp_cost(results[n])) if rp_cost(results[n]) is not None else "n/a" for n in names))
    rows.append("| TCP a -> b through the router (iperf 2) | %s |" % " | ".join(
        "%.0f Mbit/s" % results[n]["tcp"] if results[n]["tcp"] else "failed" for n in names))
    rows.append("| mean frame the router sent on tap1 during the TCP run | %s |" % " | ".join(
        "%.0f bytes" % results[n]["tcp_frame"] for n in names))
    return "\n".join(rows)


def goal(results):
    if "nagare" not in results or "Linux" not in results:
        return None, None
    n = saturated(results["nagare"])
    l = saturated(results["Linux"])
    ratio = n / l if l else float("inf")
    return ratio, ratio >= 3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secs", type=int, default=10)
    ap.add_argument("--loads", default="20000,60000,200000")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--rp-secs", type=int, default=5)
    ap.add_argument("--only", choices=("nagare", "linux"))
    ap.add_argument("--record", action="store_true")
    a = ap.parse_args()
    loads = [int(x) for x in a.loads.split(",")]
    if os.geteuid() != 0:
        sys.exit("bench/forward.py needs root (network namespaces)")
    ensure_peer()
    tmp = os.path.join(common.TOP, "build", "forward")
    os.makedirs(tmp, exist_ok=True)
    t0 = time.monotonic()
    results = {}
    for Router in (NagareRouter, LinuxRouter):
        if a.only and a.only != Router.name.lower():
            continue
        results[Router.name] = measure(Router, a.secs, loads, tmp, a.pairs, a.rp_secs)
    text = table(results, loads)
    ratio, met = goal(results)
    print()
    print(text)
    if ratio is not None:
        print("\nnagare / Linux forwarded at the highest load: %.2fx (goal 3x: %s)" % (ratio, "met" if met else "not met"))
    print("(whole run %.0f s)" % (time.monotonic() - t0))
    if a.record:
        record(results, loads, a, ratio, met)


def record(results, loads, a, ratio, met):
    commit = subprocess.run(["git", "-C", common.TOP, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    versions = ", ".join(r["version"] for r in results.values())
    lines = [
        "## Forwarding: nagare vs a Linux router",
        "",
        "Measured %s at commit %s on the `c` machine kind (%s; nproc %d), QEMU TCG `-cpu max`, one vCPU, "
        "QEMU on CPU %s and iperf on CPU %s; %s, one after the other. Rerun (root): "
        "`bench/forward.py --secs %d --loads %s --pairs %d --rp-secs %d --record`." % (
            common.today(), commit, common.machine(), os.cpu_count(), QEMU_CPUS, WRK_CPUS, versions,
            a.secs, a.loads, a.pairs, a.rp_secs),
        "",
        "Topology, the same for both: ns a (tap0 10.0.2.2/24) -- eth0 10.0.2.15 [router] eth1 10.0.3.15 -- "
        "(tap1 10.0.3.2/24) ns b, each namespace routing the other's subnet via the router, "
        "net.ipv4.ip_forward=1. UDP: iperf 2 `-u -l %d -b Npps -t %d` from ns a to 10.0.3.2 (64-byte "
        "frames); offered counts what reached tap0 (its tx packets and tx drops), forwarded what came out "
        "on tap1 (its rx packets), per second of sending. rp_filter: %d pairs of %d s runs at the highest load, "
        "alternating conf.all.rp_filter=0 and =1 in the same boot. TCP: iperf 2 for %d s, ns a to ns b." % (
            PAYLOAD, a.secs, a.pairs, a.rp_secs, a.secs),
        "",
        table(results, loads),
        "",
    ]
    if ratio is not None:
        lines.append("The issue's goal, nagare forwards at least 3x the Linux VM's packet rate: %s "
                     "(forwarded at the highest load, median, nagare / Linux = %.2fx)." % ("met" if met else "not met", ratio))
    common.record(SECTION, "\n".join(lines))


if __name__ == "__main__":
    main()
