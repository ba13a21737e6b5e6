#!/usr/bin/python3
"""Latency under load: nagare and the Linux VM peer (../shared/peers/linux-nginx)
behind the same 10 Mbit/s shaper, one after the other in the same run.

Each system is booted on a tap in a network namespace of its own and given
`tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency
400ms` and, under it, `tc qdisc replace dev eth0 parent 1:1 handle 10: KIND`
for KIND in pfifo, codel and fq_codel (Linux through the peer's root shell on
its second serial port, with iproute2's real tc).  Load for SECS seconds
(default 30): 4 bulk HTTP downloads from the guest (curl), pings from the
namespace 10 times a second, and a 5th connection doing small
request/response pairs (wrk -t1 -c1 on /); then fq_codel once more without
the 5th connection ("fq_codel-bulk").  Recorded per system and qdisc:
ping median and p99 added to the idle RTT, the request/response rate, the
bulk goodput (all 4, against the shaped 10 Mbit/s) and Jain's fairness
index of the 4 flows, and the qdisc's own drop/mark counters.

Usage: bench/bufferbloat.py [--secs 30] [--only nagare|linux] [--kinds K,...] [--record]
Needs root (network namespaces).  QEMU_CPUS / WRK_CPUS as bench/http.py."""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time

import common
import http as hb
import nagare
import plot

GUEST = "10.0.2.15"
RATE_MBIT = 10
SHAPER = "tc qdisc replace dev eth0 root handle 1: tbf rate %dmbit burst 32kbit latency 400ms" % RATE_MBIT
# the child qdiscs; "fq_codel-bulk" is fq_codel without the request/response
# connection: what the bulk flows make of the whole link
KINDS = ("pfifo", "codel", "fq_codel", "fq_codel-bulk")
BULK = 4


class PeerShell:
    """The peer's root shell (`peer# `) on its second serial port.

    The peer's /init feeds that shell through `cat /dev/ttyS1 | sh -i`.
    busybox cat copies with sendfile(), and Linux 6.1 holds the pipe's
    mutex while that sendfile waits in the tty read for the next line: the
    shell, blocked on the same mutex, often gets a line only when the line
    after it arrives (a command "answers" one command late, or not at all).
    So the first thing sent (nudged with empty lines until it gets through)
    switches the tty to no echo, no \\n -> \\r\\n, ends that cat and execs a
    new shell reading the tty itself, with no prompts.  (An interactive ash
    whose tty has ICANON without ECHO reads lines with fgets: no line
    editing, no terminal queries.)  Each command is then framed by two
    markers the shell prints, and its exit status is kept in self.rc."""

    SETUP = ("stty -F /dev/ttyS1 -echo -onlcr; "
             "for p in $(pidof cat); do [ \"$(tr '\\0' ' ' </proc/$p/cmdline)\" = 'cat /dev/ttyS1 ' ] && kill $p; done; "
             "echo @@R\"EADY\"@@; export PS1= PS2=; exec sh -i </dev/ttyS1 >/dev/ttyS1 2>&1")

    def __init__(self, path, timeout=180):
        end = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.5)
        self.buf = b""
        self.n = 0
        self.rc = None
        # The setup line may wait behind the pipe (see above): empty lines
        # push it through; it is sent again (it is idempotent) if nothing
        # came back after a while (a shell not started yet).
        while b"@@READY@@" not in self.buf:
            if time.monotonic() > end:
                raise TimeoutError("peer shell: no answer to the set-up line")
            self.s.sendall(self.SETUP.encode() + b"\n")
            again = time.monotonic() + 6
            while b"@@READY@@" not in self.buf and time.monotonic() < again:
                self._read(0.5)
                if b"@@READY@@" not in self.buf:
                    self.s.sendall(b"\n")
        self.buf = b""
        self.cmd("true", timeout=30)  # drains what the new shell printed at its start

    def _read(self, secs):
        self.s.settimeout(max(0.01, secs))
        try:
            got = self.s.recv(65536)
        except socket.timeout:
            return
        if not got:
            raise EOFError("peer shell: the socket closed")
        self.buf += got

    def cmd(self, line, timeout=60):
        """Runs line, returns exactly what it printed (stdout and stderr,
        interleaved as on the tty), without prompts or echo; its exit status
        is in self.rc.  TimeoutError after timeout seconds."""
        self.n += 1
        start = b"@@S%d@@\n" % self.n
        stop = re.compile(rb"@@E%d@@ (\d+)\n" % self.n)
        # each mark is typed quoted in two so that an echo could not match
        self.s.sendall(b'echo @@S"%d"@@\n%s\necho @@E"%d"@@ $?\n' % (self.n, line.encode(), self.n))
        end = time.monotonic() + timeout
        while True:
            m = stop.search(self.buf)
            if m:
                break
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("peer shell: %r (got %r)" % (line, self.buf[-300:]))
            self._read(left)
        out = self.buf[:m.start()]
        self.buf = self.buf[m.end():]
        i = out.find(start)
        out = out[i + len(start):] if i >= 0 else out
        self.rc = int(m.group(1))
        return out.decode(errors="replace")


class LinuxSide:
    name = "Linux"
    bulk_path = "/big.bin"

    def __init__(self, ns, tmp):
        self.sock = os.path.join(tmp, "peer.sock")
        cmd = ["taskset", "-c", hb.QEMU_CPUS, "qemu-system-x86_64", "-accel", "tcg", "-cpu", "max",
               "-m", "256", "-smp", "1",
               "-kernel", os.path.join(hb.PEER_BUILD, "vmlinuz"),
               "-initrd", os.path.join(hb.PEER_BUILD, "initramfs.cpio.gz"),
               "-append", "console=ttyS0 quiet",
               "-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
               "-device", "virtio-net-pci,netdev=n0",
               "-display", "none", "-serial", "file:" + os.path.join(tmp, "peer-console.log"),
               "-serial", "unix:%s,server=on,wait=off" % self.sock, "-monitor", "none", "-no-reboot"]
        self.proc = ns.popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if hb.first_200(ns, time.monotonic(), 180) is None:
            raise RuntimeError("the Linux peer never answered HTTP")
        self.sh = PeerShell(self.sock)
        self.version = "Linux " + self.sh.cmd("uname -r").strip()

    def tc(self, line):
        """What line printed; a failure that printed nothing still shows."""
        out = self.sh.cmd(line)
        if self.sh.rc and not out.strip():
            out += "(exit status %d)\n" % self.sh.rc
        return out

    def close(self):
        if getattr(self, "sh", None):
            self.sh.s.close()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class NagareSide:
    name = "nagare"
    bulk_path = "/bytes/67108864"  # HTTP_BYTES_MAX

    def __init__(self, ns, tmp):
        self.g = ns.guest(boot="pvh", cpus=hb.QEMU_CPUS, panic_on_warn=False,
                          log=os.path.join(tmp, "nagare-console.log")).start()
        self.g.wait_prompt()
        self.version = "nagare " + subprocess.run(["git", "-C", common.TOP, "rev-parse", "--short", "HEAD"],
                                                  capture_output=True, text=True).stdout.strip()

    def tc(self, line):
        return self.g.cmd(line)

    def close(self):
        self.g.kill()


def ping_series(ns, secs, interval=0.1):
    """(t, rtt ms) of ping -i interval for secs; a lost reply is rtt None."""
    n = int(secs / interval)
    p = ns.popen(["ping", "-n", "-D", "-i", str(interval), "-c", str(n), "-W", "2", GUEST],
                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p


def parse_ping(out):
    got = {}
    t0 = None
    for m in re.finditer(r"^\[([\d.]+)\].*icmp_seq=(\d+).*time=([\d.]+) ms", out, re.M):
        t = float(m.group(1))
        t0 = t if t0 is None else t0
        got[int(m.group(2))] = (t - t0, float(m.group(3)))
    return [got[k] for k in sorted(got)]


def idle_rtt(ns):
    r = ns.run(["ping", "-n", "-i", "0.1", "-c", "30", "-W", "2", GUEST], timeout=60)
    rtts = [float(x) for x in re.findall(r"time=([\d.]+) ms", r.stdout)]
    return statistics.median(rtts) if rtts else None


def jain(xs):
    s, q = sum(xs), sum(x * x for x in xs)
    return s * s / (len(xs) * q) if q else 0.0


def pctl(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100.0 * (len(xs) - 1))))]


def qdisc_counters(text):
    """Drops and marks of the child (10:) from tc -s qdisc show."""
    d = {"dropped": 0, "ecn_mark": 0, "overlimits_tbf": 0}
    blocks = re.split(r"\n(?=qdisc )", text)
    for b in blocks:
        m = re.search(r"dropped (\d+), overlimits (\d+)", b)
        if not m:
            continue
        if b.startswith("qdisc tbf"):
            d["overlimits_tbf"] = int(m.group(2))
            d["dropped_tbf"] = int(m.group(1))
        elif " 10: " in b.split("\n")[0]:
            d["dropped"] = int(m.group(1))
            mk = re.search(r"ecn_mark (\d+)", b)
            d["ecn_mark"] = int(mk.group(1)) if mk else 0
    return d


TCP_COUNTERS = ("TcpRetransSegs", "TcpExtTCPTimeouts", "TcpExtTCPLostRetransmit")


def tcp_counters(side):
    """The loss recovery counters as nstat -a prints them (both systems
    have nstat and count them under these names)."""
    out = side.tc("nstat -az " + " ".join(TCP_COUNTERS))
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)", out, re.M)}


def run_load(ns, side, case, secs):
    kind, _, variant = case.partition("-")
    for line in (SHAPER, "tc qdisc replace dev eth0 parent 1:1 handle 10: %s" % kind):
        out = side.tc(line)
        if out.strip():
            raise RuntimeError("%s: %s: %s" % (side.name, line, out.strip()))
    base = idle_rtt(ns)
    tcp0 = tcp_counters(side)
    url = "http://%s%s" % (GUEST, side.bulk_path)
    bulk = [ns.popen(["curl", "-s", "-o", "/dev/null", "--max-time", str(secs + 2), "-w", "%{size_download}", url],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(BULK)]
    time.sleep(1)  # the flows fill the queue first
    pings = ping_series(ns, secs - 2)
    if variant != "bulk":
        rr = ns.popen(["taskset", "-c", hb.WRK_CPUS, "wrk", "-t1", "-c1", "-d%ds" % (secs - 3), "--latency",
                       "http://%s/" % GUEST], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        rr_out, _ = rr.communicate(timeout=secs + 60)
    ping_out, _ = pings.communicate(timeout=secs + 60)
    sizes = []
    for b in bulk:
        out, _ = b.communicate(timeout=secs + 60)
        try:
            sizes.append(int(float(out.strip() or 0)))
        except ValueError:
            sizes.append(0)
    stats = side.tc("tc -s qdisc show dev eth0")
    tcp1 = tcp_counters(side)
    series = parse_ping(ping_out)
    rtts = [r for _, r in series]
    sent = int(((secs - 2) / 0.1))
    wrk = hb.parse_wrk(rr_out) if variant != "bulk" else {"rps": 0.0, "mbs": 0.0}
    # the request/response connection's bytes take their share of the link
    # too: wrk's Transfer/sec (MiB/s of responses) over the secs - 3 it ran
    rr_bytes = wrk["mbs"] * 1048576 * (secs - 3)
    res = {
        "base": base, "series": series,
        "median_add": statistics.median(rtts) - base if rtts and base else None,
        "p99_add": pctl(rtts, 99) - base if rtts and base else None,
        "lost": sent - len(rtts),
        "rr": wrk["rps"],
        "goodput": sum(sizes) * 8 / (secs + 2) / 1e6,
        "payload": (sum(sizes) + rr_bytes) * 8 / (secs + 2) / 1e6,
        "jain": jain(sizes),
        "tcp": {k: tcp1.get(k, 0) - tcp0.get(k, 0) for k in TCP_COUNTERS},
        "qdisc": qdisc_counters(stats),
        "tc": stats,
    }
    side.tc("tc qdisc del dev eth0 root")
    time.sleep(2)  # what the old queue held drains
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secs", type=int, default=30)
    ap.add_argument("--only", choices=("nagare", "linux"))
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--kinds", default=",".join(KINDS),
                    help="child qdiscs to run, comma-separated (default: %(default)s)")
    a = ap.parse_args()
    if a.record and a.kinds != ",".join(KINDS):
        sys.exit("--record needs every qdisc: %s" % ",".join(KINDS))
    if os.geteuid() != 0:
        sys.exit("bench/bufferbloat.py needs root (network namespaces)")
    if not os.path.exists(os.path.join(hb.PEER_BUILD, "initramfs.cpio.gz")):
        env = dict(os.environ, PEER_BUILD=hb.PEER_BUILD)
        subprocess.run(["bash", os.path.join(hb.PEER_DIR, "build.sh")], check=True, env=env)
    tmp = os.path.join(common.TOP, "build", "bufferbloat")
    os.makedirs(tmp, exist_ok=True)
    results, versions = {}, {}
    sides = [s for s in (NagareSide, LinuxSide) if not a.only or a.only == s.name.lower()]
    for Side in sides:
        with nagare.Netns() as ns:
            side = Side(ns, tmp)
            try:
                versions[side.name] = side.version
                for kind in a.kinds.split(","):
                    r = run_load(ns, side, kind, a.secs)
                    results[(side.name, kind)] = r
                    print("%-7s %-9s base %.2f ms  ping +%.1f ms median, +%.1f ms p99 (lost %d)  rr %.1f/s  "
                          "goodput %.2f Mbit/s (all payload %.2f)  Jain %.3f  drops %d marks %d  "
                          "retransmitted %d (timeouts %d, lost retransmissions %d)" % (
                              side.name, kind, r["base"] or 0, r["median_add"] or -1, r["p99_add"] or -1,
                              r["lost"], r["rr"], r["goodput"], r["payload"], r["jain"], r["qdisc"]["dropped"],
                              r["qdisc"]["ecn_mark"], *(r["tcp"][k] for k in TCP_COUNTERS)), flush=True)
            finally:
                side.close()
    if a.record:
        record(results, versions, a.secs)


def record(results, versions, secs):
    rows = ["| system | child qdisc | idle RTT | ping added, median | ping added, p99 | pings lost | "
            "request/response per s | bulk goodput (of %d Mbit/s) | all payload (bulk + request/response) | "
            "Jain (4 flows) | child drops | marks |" % RATE_MBIT,
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for (sysname, case), r in results.items():
        kind = case.replace("-bulk", ", no request/response")
        rows.append("| %s | %s | %.2f ms | %.1f ms | %.1f ms | %d | %.1f | %.2f Mbit/s (%.0f %%) | %.2f Mbit/s (%.0f %%) "
                    "| %.3f | %d | %d |" % (
                        sysname, kind, r["base"] or 0, r["median_add"] or 0, r["p99_add"] or 0, r["lost"], r["rr"],
                        r["goodput"], 100 * r["goodput"] / RATE_MBIT, r["payload"], 100 * r["payload"] / RATE_MBIT,
                        r["jain"], r["qdisc"]["dropped"], r["qdisc"]["ecn_mark"]))
    series = {"%s %s" % k: [(t, rtt) for t, rtt in r["series"]] for k, r in results.items()}
    plot.png_lines(os.path.join(common.TOP, "docs", "bufferbloat.png"),
                   "Ping RTT under load through a 10 Mbit/s tbf", "seconds into the load", "RTT, ms (log)",
                   series, log_y=True)
    text = "\n".join([
        "%s, %s. `bench/bufferbloat.py --secs %d`: %s and %s, each on a tap in a namespace of its own, "
        "one after the other; `%s` with each child qdisc under `parent 1:1 handle 10:`. Load: %d curl "
        "downloads from the guest, ping -i 0.1 from the namespace, wrk -t1 -c1 on `/` (request/response); "
        "the last row of each system is fq_codel without the request/response connection." % (
            common.today(), common.machine(), secs, versions.get("nagare", "-"), versions.get("Linux", "-"),
            SHAPER, BULK),
        "", *rows, "", "![RTT under load](bufferbloat.png)", ""])
    common.record("Latency under load (bench/bufferbloat.py)", text)


if __name__ == "__main__":
    main()
