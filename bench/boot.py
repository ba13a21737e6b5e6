#!/usr/bin/python3
"""Boot benchmark: QEMU start to the console prompt and to the first HTTP
200 (wall clock, from the host), kernel entry to the prompt and to the
first HTTP 2xx (the kernel's clock, /proc/boottime), for the UEFI image
under OVMF and for PVH direct boot, alternating, median of N boots each;
the PVH boot timeline (median per stage); image and kernel sizes.
Usage: bench/boot.py [-n 5] [--record] [--pvh-only] [--baseline KERNEL.ELF]
(--record updates docs/benchmarks.md; --baseline adds PVH boots of another
kernel, alternating, for a before/after in one run)

Each guest sits on a tap in a network namespace of its own; the
namespace knows the guest's MAC (a static neighbour entry) so no ARP
timer stands between a SYN and the guest.  A client in the namespace
waits for the guest's first frame on the tap (its gratuitous ARP at
`ip link set eth0 up`: SYNs before it would only queue up in QEMU and be
answered all at once), then opens a new connection every CONNECT_EVERY
s and keeps each for up to a second; the first 200 read ends it.  It
runs at real-time priority (chrt -f 10) so a busy host does not add its
scheduling delay to the guest's figures."""
import argparse
import os
import re
import subprocess
import tempfile

import common
import nagare

GUEST, MAC = "10.0.2.15", "52:54:00:12:34:56"
CONNECT_EVERY = 0.001

CLIENT = r'''
import select, socket, sys, time
guest, every, limit, tap, mac = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
end = time.monotonic() + limit
mac = bytes.fromhex(mac.replace(":", ""))
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
p.bind((tap, 0))
print("ready", flush=True)
while time.monotonic() < end:  # the guest's first frame
    if select.select([p], [], [], 0.5)[0] and p.recv(2048)[6:12] == mac:
        break
p.close()
socks, nxt = {}, 0.0  # fd -> [socket, opened, sent]
req = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
while time.monotonic() < end:
    now = time.monotonic()
    if now >= nxt and len(socks) < 500:
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((guest, 80))
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            s = None
        if s:
            socks[s.fileno()] = [s, now, False]
        nxt = now + every
    for fd in [fd for fd, v in socks.items() if now - v[1] > 1.0]:
        socks.pop(fd)[0].close()
    conn = [v[0] for v in socks.values() if not v[2]]
    sent = [v[0] for v in socks.values() if v[2]]
    r, w, _ = select.select(sent, conn, [], max(0.0, min(every, nxt - time.monotonic())))
    for s in w:
        v = socks[s.fileno()]
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            socks.pop(s.fileno())
            s.close()
            continue
        try:
            s.send(req)
            v[2] = True
        except OSError:
            socks.pop(s.fileno())
            s.close()
    for s in r:
        try:
            data = s.recv(64)
        except OSError:
            data = b""
        if data.startswith(b"HTTP/1.1 200"):
            print(time.monotonic(), flush=True)
            sys.exit(0)
        socks.pop(s.fileno())
        s.close()
sys.exit(1)
'''


def boottime(g):
    """/proc/boottime as {stage: at_us}, in order ({} for a kernel without it)."""
    rows = {}
    out = g.cmd("cat /proc/boottime")
    if "No such file" in out:
        return rows
    for line in out.splitlines()[1:]:
        m = re.match(r"^ *(\d+) +\d+  (.*)$", line)
        if m:
            rows[m.group(2)] = int(m.group(1))
    return rows


def boot_once(method, kernel=nagare.KERNEL):
    """One boot in a namespace of its own: (prompt wall s, first 200 wall s,
    entry to prompt ms, entry to first 2xx ms or None, timeline)."""
    with nagare.Netns() as ns:
        ns.ip("neigh", "replace", GUEST, "lladdr", MAC, "dev", "tap0", "nud", "permanent")
        limit = 180 if method == "uefi" else 30
        # Real-time priority (it sleeps in select between connections): on a
        # busy host it still reacts to the guest's ARP within microseconds.
        client = ns.popen(["chrt", "-f", "10", "/usr/bin/python3", "-c", CLIENT, GUEST,
                           str(CONNECT_EVERY), str(limit), "tap0", MAC],
                          stdout=subprocess.PIPE, text=True)
        assert client.stdout.readline().strip() == "ready"
        g = ns.guest(boot=method, kernel=kernel).start()
        try:
            wall = g.wait_prompt(timeout=180)
            out, _ = client.communicate(timeout=limit + 30)
            if client.returncode:
                raise RuntimeError("%s: no HTTP 200 within %d s" % (method, limit))
            t200 = float(out.split()[0]) - g.t_start
            tl = boottime(g)
            m = re.search(r"boot: kernel entry to prompt in (\d+\.\d+) ms", g.output())
            k200 = tl["first HTTP 2xx"] / 1000 if "first HTTP 2xx" in tl else None
            return wall, t200, float(m.group(1)), k200, tl
        finally:
            g.kill()


def med(xs):
    return common.median(xs)


def span(xs, fmt):
    return (fmt + " (" + fmt + "-" + fmt + ")") % (med(xs), min(xs), max(xs))


def timeline_table(tls):
    """Median at and delta per stage over the PVH boots (stages in the
    order of the first boot; ones a boot lacks are left out)."""
    names = [n for n in tls[0] if all(n in t for t in tls)]
    lines = ["| stage | at (us) | delta (us) |", "|---|---|---|"]
    prev = 0
    for n in names:
        at = int(med([t[n] for t in tls]))
        lines.append("| %s | %d | %d |" % (n.replace("|", "\\|"), at, max(0, at - prev)))
        prev = at
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--record", action="store_true")
    ap.add_argument("--pvh-only", action="store_true", help="skip the UEFI boots")
    ap.add_argument("--baseline", help="another kernel.elf to boot by PVH, alternating")
    a = ap.parse_args()
    subprocess.run(["make", "-s", "-C", common.TOP, "all"], check=True)
    methods = ("pvh",) if a.pvh_only else ("uefi", "pvh")
    if a.baseline:
        methods += ("base",)
    res = {m: [] for m in methods}
    for i in range(a.n):
        for method in methods:
            if method == "base":
                r = boot_once("pvh", a.baseline)
            else:
                r = boot_once(method)
            res[method].append(r)
            print("boot %d %s: prompt %.3f s, first 200 %.3f s; kernel entry to prompt %.1f ms, "
                  "to first 2xx %s ms" % (i + 1, method, r[0], r[1], r[2],
                                          "%.1f" % r[3] if r[3] is not None else "-"), flush=True)
    load = os.getloadavg()[0]
    col = lambda m, k: [r[k] for r in res[m]]
    def row(label, k, fmt_u, fmt_p):
        cells = [span(col(m, k), fmt_u if m == "uefi" else fmt_p) if None not in col(m, k) else "-"
                 for m in methods]
        return "| %s | %s |" % (label, " | ".join(cells))
    head = " | ".join({"uefi": "UEFI image (OVMF)", "pvh": "PVH direct boot",
                       "base": "PVH, %s" % a.baseline}[m] for m in methods)
    pvh = res["pvh"]
    entry = [t200 - k200 / 1000 for _, t200, _, k200, _ in pvh]  # QEMU start to kernel entry
    img = nagare.IMAGE
    st = os.stat(img)
    xz = len(subprocess.run(["xz", "-9", "-c", img], capture_output=True, check=True).stdout)
    kernel = os.path.getsize(nagare.KERNEL)
    debug = os.path.getsize(os.path.join(nagare.BUILD, "kernel.debug.elf"))
    with tempfile.NamedTemporaryFile() as t:
        subprocess.run(["strip", "-o", t.name, nagare.KERNEL], check=True)
        stripped = os.path.getsize(t.name)
    lines = [
        "Measured %s on %s; QEMU TCG, `-cpu max -m 256 -nodefaults`, virtio-rng and virtio-net on "
        "a tap in a network namespace; median (min-max) of %d boots each%s (`bench/boot.py`); "
        "1-minute load average %.2f at the end." % (
            common.today(), common.machine(), a.n,
            ", alternating UEFI and PVH" if len(methods) > 1 else "", load),
        "",
        "| | %s |" % head,
        "|---|%s" % ("---|" * len(methods)),
        row("QEMU start to prompt (wall)", 0, "%.2f s", "%.3f s"),
        row("QEMU start to first HTTP 200 (wall)", 1, "%.2f s", "%.3f s"),
        row("kernel entry to prompt (kernel clock)", 2, "%.1f ms", "%.1f ms"),
        row("kernel entry to first HTTP 2xx sent (kernel clock)", 3, "%.1f ms", "%.1f ms"),
        "",
        "PVH: QEMU start to kernel entry %s (first 200 on the host less the kernel's first 2xx); "
        "goals: kernel entry to first 200 under 5 ms, QEMU start to first 200 under 0.1 s." % (
            span(entry, "%.3f s")),
        "",
        "PVH boot timeline, `cat /proc/boottime` (median of %d boots, us since kernel entry):" % a.n,
        "",
    ] + timeline_table([r[4] for r in pvh]) + [
        "",
        "| Artifact | Size |",
        "|---|---|",
        "| build/nagare.img (GPT + FAT32 ESP) | %d bytes apparent, %d KiB allocated, %d bytes xz -9 |" % (
            st.st_size, st.st_blocks // 2, xz),
        "| build/kernel.elf (in the image; debug info stripped, symbols kept) | %d bytes |" % kernel,
        "| build/kernel.debug.elf (with debug info, for gdb and addr2line) | %d bytes |" % debug,
        "| kernel.elf fully stripped | %d bytes |" % stripped,
    ]
    text = "\n".join(lines)
    print(text)
    if a.record:
        common.record("boot", text)


if __name__ == "__main__":
    main()
