#!/usr/bin/python3
"""Boot nagare in QEMU and drive its serial console.

Used three ways: `make run` (interactive console, or --script FILE), the
integration tests (tests/integration/), and the benchmarks (bench/).

The harness never types before the guest shows its prompt, so firmware
reading the UART early cannot eat keystrokes.  Under OVMF everything before
the loader's "@@LOADER ebs-ok" line is firmware output and is ignored.
Every wait is bounded in time.
"""
import argparse
import contextlib
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, "build")
KERNEL = os.path.join(BUILD, "kernel.elf")
IMAGE = os.path.join(BUILD, "nagare.img")
OVMF = "/usr/share/ovmf/OVMF.fd"
QEMU = "qemu-system-x86_64"
PROMPT = b"nagare# "
EBS_MARK = b"@@LOADER ebs-ok"
ANSI = re.compile(rb"\x1b(\[[0-9;=?]*[A-Za-z]|[c()][0-9A-Za-z]?)")
EXIT_PANIC = 3         # isa-debug-exit code 1: kernel fault or panic
EXIT_DEBUG_POWEROFF = 33  # isa-debug-exit code 0x10: poweroff fallback
ESP_OFFSET = 1 << 20   # the EFI system partition starts at 1 MiB (Makefile)


def _die_with_parent():
    """Popen preexec_fn: the child (QEMU, a tool) is killed if this Python
    process dies first, even by SIGKILL (prctl PR_SET_PDEATHSIG survives
    the exec of `ip netns exec`)."""
    import ctypes
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


def clean(data):
    """Serial bytes -> text: no ANSI sequences, no CR."""
    return ANSI.sub(b"", data).replace(b"\r", b"").decode("utf-8", "replace")


class GuestError(Exception):
    pass


TAP_FD_BASE = 10  # fds QEMU finds taps of other namespaces on (-netdev tap,fd=N)
# argv: TAP FD COMMAND...: attach to the tap device TAP of this namespace
# as QEMU would (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR), leave it open on FD,
# exec COMMAND.  A tap is found by name in the namespace that opened
# /dev/net/tun, so this runs under `ip netns exec` of the tap's namespace.
_TAP_FD = r'''
import fcntl, os, struct, sys
tap, fd = sys.argv[1], int(sys.argv[2])
t = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(t, 0x400454ca, struct.pack("16sH22x", tap.encode(), 0x0002 | 0x1000 | 0x4000))
os.dup2(t, fd)  # inheritable
os.close(t)
os.execvp(sys.argv[3], sys.argv[3:])
'''


class Guest:
    """One QEMU process with nagare's serial console on a pipe.  nics:
    (tap, mac) or (tap, mac, netns), in PCI order (eth0, eth1, ...); a tap
    in a namespace other than QEMU's (netns) is opened there and passed
    to QEMU as a file descriptor (TwoNets)."""

    def __init__(self, boot="pvh", mem=256, accel="tcg", kernel=KERNEL, image=IMAGE,
                 initrd=None, append=None, netns=None, nics=(), user_net=False,
                 extra=(), cpus=None, log=None, panic_on_warn=True):
        self.boot, self.mem, self.accel = boot, mem, accel
        # Test guests boot as test images: a failed lwIP assertion panics
        # (kernel.panic_on_warn, on the PVH command line; UEFI has none).
        if panic_on_warn:
            append = " ".join(w for w in ("sysctl.kernel.panic_on_warn=1", append) if w)
        self.kernel, self.image, self.initrd, self.append = kernel, image, initrd, append
        self.netns, self.nics, self.user_net, self.extra = netns, list(nics), user_net, list(extra)
        self.cpus, self.log = cpus, log
        self.proc = None
        self.buf = bytearray()
        self.kernel_start = 0  # offset in buf where our kernel's output begins
        self.cond = threading.Condition()
        self.t_start = None
        self.t_prompt = None

    # -- process ---------------------------------------------------------
    def command(self, serial="stdio"):
        cmd = [QEMU, "-accel", self.accel, "-machine", "q35", "-cpu", "max", "-m", str(self.mem),
               "-nodefaults", "-display", "none",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if serial == "stdio":  # tests: a reset ends QEMU instead of rebooting
            cmd += ["-no-reboot", "-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con"]
        else:  # interactive: Ctrl-A X quits, Ctrl-C goes to the guest
            cmd += ["-chardev", "stdio,id=con,mux=on,signal=off", "-serial", "chardev:con",
                    "-mon", "chardev=con,mode=readline"]
        if self.boot == "pvh":
            cmd += ["-kernel", self.kernel]
            if self.initrd:
                cmd += ["-initrd", self.initrd]
            if self.append:
                cmd += ["-append", self.append]
        elif self.boot == "uefi":
            cmd += ["-bios", OVMF, "-drive", "format=raw,snapshot=on,file=" + self.image]
        else:
            raise GuestError("unknown boot method %r (pvh or uefi)" % self.boot)
        cmd += ["-device", "virtio-rng-pci"]
        foreign = []  # (netns, tap, fd): taps in a namespace other than QEMU's
        for i, nic in enumerate(self.nics):
            tap, mac, ns = (tuple(nic) + (None,))[:3]
            if ns and ns != self.netns:
                fd = TAP_FD_BASE + len(foreign)
                foreign.append((ns, tap, fd))
                cmd += ["-netdev", "tap,id=n%d,fd=%d" % (i, fd)]
            else:
                cmd += ["-netdev", "tap,id=n%d,ifname=%s,script=no,downscript=no" % (i, tap)]
            cmd += ["-device", "virtio-net-pci,netdev=n%d,mac=%s,disable-legacy=on,romfile=" % (i, mac)]
        if self.user_net:
            cmd += ["-netdev", "user,id=un,hostfwd=tcp:127.0.0.1:8080-:80",
                    "-device", "virtio-net-pci,netdev=un,disable-legacy=on,romfile="]
        cmd += self.extra
        if self.cpus is not None:
            cmd = ["taskset", "-c", str(self.cpus)] + cmd
        if self.netns:
            cmd = ["ip", "netns", "exec", self.netns] + cmd
        # Each foreign tap is opened inside its own namespace by a small
        # helper that then execs the rest (one PID throughout, so kill()
        # still ends QEMU); QEMU gets it as -netdev tap,fd=N.
        for ns, tap, fd in reversed(foreign):
            cmd = ["ip", "netns", "exec", ns, "/usr/bin/python3", "-c", _TAP_FD, tap, str(fd)] + cmd
        return cmd

    def start(self):
        self.t_start = time.monotonic()
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, bufsize=0, preexec_fn=_die_with_parent)
        self.reader = threading.Thread(target=self._reader, daemon=True)
        self.reader.start()
        return self

    def _reader(self):
        out = self.proc.stdout
        logf = open(self.log, "ab") if self.log else None
        while True:
            data = out.read1(65536) if hasattr(out, "read1") else os.read(out.fileno(), 65536)
            if not data:
                break
            if logf:
                logf.write(data)
                logf.flush()
            with self.cond:
                self.buf += data
                if self.boot == "uefi" and not self.kernel_start:
                    i = self.buf.find(EBS_MARK)
                    if i >= 0:
                        self.kernel_start = i + len(EBS_MARK)
                self.cond.notify_all()
        if logf:
            logf.close()
        with self.cond:
            self.cond.notify_all()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_exit(self, timeout=60):
        """Waits for QEMU to end; returns its exit status."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GuestError("QEMU still running after %ss; output:\n%s" % (timeout, self.tail()))
        self.reader.join(10)  # the last bytes may still be in the pipe
        return rc

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # our own child, by its handle
            self.proc.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.kill()

    # -- serial ----------------------------------------------------------
    def output(self, start=None):
        """Everything the kernel printed so far (firmware output dropped), as text."""
        with self.cond:
            return clean(bytes(self.buf[self.kernel_start if start is None else start:]))

    def tail(self, n=3000):
        return self.output()[-n:]

    def mark(self):
        with self.cond:
            return len(self.buf)

    def wait_for(self, pattern, timeout=60, start=None):
        """Waits until pattern (bytes regex) appears in the kernel's output
        from offset start; returns the match."""
        rx = re.compile(pattern if isinstance(pattern, bytes) else pattern.encode(), re.S)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                base = self.kernel_start if start is None else max(start, self.kernel_start)
                if self.boot == "uefi" and not self.kernel_start:
                    m = None  # firmware is still talking
                else:
                    m = rx.search(bytes(self.buf), base)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None):
                    state = "QEMU exited with %s" % self.proc.poll() if self.proc.poll() is not None else "timed out after %ss" % timeout
                    raise GuestError("waiting for %r: %s; output:\n%s" % (pattern, state, self.tail()))
                self.cond.wait(min(left, 0.5))

    def wait_prompt(self, timeout=120):
        """Waits for the first interactive prompt (nagare.rc's echoed lines
        also start with the prompt; the boot-time line comes after them)."""
        self.wait_for(rb"boot: kernel entry to prompt in [^\n]*\n.*?" + re.escape(PROMPT), timeout)
        if self.t_prompt is None:
            self.t_prompt = time.monotonic() - self.t_start
        return self.t_prompt

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def cmd(self, line, timeout=60):
        """Types a command line and returns what it printed before the next prompt."""
        pos = self.mark()
        self.send(line + "\r")
        m = self.wait_for(re.escape(line.encode()) + rb"\r\n(.*?)" + re.escape(PROMPT), timeout, start=pos)
        return clean(m.group(1))

    def poweroff(self, timeout=60):
        self.send("poweroff\r")
        return self.wait_exit(timeout)


class Netns:
    """A network namespace of our own with tap devices for guests, deleted
    on close.  By default one tap, tap0, with 10.0.2.2/24: the gateway the
    default nagare.rc (10.0.2.15/24 via 10.0.2.2) expects, so the guest
    needs no other configuration.  Nothing routes out of it."""
    _seq = 0

    def __init__(self, taps=(("tap0", "10.0.2.2/24"),), name=None):
        Netns._seq += 1
        self.name = name or "nagare%d_%d" % (os.getpid(), Netns._seq)
        self.taps = list(taps)
        self.procs = []
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        try:
            self.ip("link", "set", "lo", "up")
            for tap, addr in self.taps:
                self.ip("tuntap", "add", "dev", tap, "mode", "tap")
                if addr:
                    self.ip("addr", "add", addr, "dev", tap)
                self.ip("link", "set", tap, "up")
        except Exception:
            self.close()
            raise

    def ip(self, *args):
        return subprocess.run(["ip", "-n", self.name] + list(args), check=True,
                              capture_output=True, text=True).stdout

    def run(self, cmd, timeout=120, check=False, **kw):
        """Runs cmd inside the namespace, bounded in time."""
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        return subprocess.run(["ip", "netns", "exec", self.name] + list(cmd), timeout=timeout,
                              check=check, **kw)

    def popen(self, cmd, **kw):
        kw.setdefault("preexec_fn", _die_with_parent)
        p = subprocess.Popen(["ip", "netns", "exec", self.name] + list(cmd), **kw)
        self.procs.append(p)
        return p

    def guest(self, macs=("52:54:00:12:34:56",), **kw):
        """A Guest whose NICs sit on this namespace's taps, in order."""
        nics = [(tap, mac) for (tap, _), mac in zip(self.taps, macs)]
        return Guest(netns=self.name, nics=nics, **kw)

    def close(self):
        for p in self.procs:  # only processes we started, by handle
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def scapy(ns, code, timeout=120, iface=None):
    """Runs scapy code (Debian's python3) inside namespace ns (a Netns or a
    Side), bounded in time; asserts it exited 0 and returns its stdout."""
    pre = "from scapy.all import *\nimport random, time\nconf.verb = 0\n"
    if iface:
        pre += "conf.iface = \"%s\"\n" % iface
    r = ns.run(["/usr/bin/python3", "-c", pre + code], timeout=timeout)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def sysctl_w(g, name, value):
    """`sysctl -w NAME=VALUE` on a guest (anything with .cmd); asserts it took."""
    out = g.cmd("sysctl -w %s=%s" % (name, value))
    assert out == "%s = %s\n" % (name, value), out


@contextlib.contextmanager
def conf_sysctls(g, **values):
    """Sets net.ipv4.conf.* values (keyword all_rp_filter=1 for
    net.ipv4.conf.all.rp_filter=1) on a guest and puts the old ones back."""
    names = {"net.ipv4.conf.%s.%s" % tuple(k.split("_", 1)): v for k, v in values.items()}
    old = {}
    try:
        for name, v in names.items():
            old[name] = g.cmd("sysctl -n %s" % name).strip()
            assert re.fullmatch(r"\d+", old[name]), old[name]
            sysctl_w(g, name, v)
        yield
    finally:
        for name, v in old.items():
            sysctl_w(g, name, v)


class Side:
    """One of a two-NIC guest's networks: a namespace of its own (ns, a
    Netns; name) with one tap whose far end is the guest's dev."""

    def __init__(self, ns, dev, tap, host, guest, mac, prefix=24):
        self.ns, self.dev, self.tap, self.mac = ns, dev, tap, mac
        self.host, self.guest, self.prefix = host, guest, prefix
        self.name = ns.name
        self.subnet = "%s.0/%d" % (host.rsplit(".", 1)[0], prefix)

    def run(self, cmd, **kw):
        """Runs cmd (a list) inside this side's namespace; Netns.run's bounds."""
        return self.ns.run(cmd, **kw)

    def popen(self, cmd, **kw):
        return self.ns.popen(cmd, **kw)

    def ip(self, *args):
        return self.ns.ip(*args)

    def ping(self, dst, count=3, interval=0.2, wait=2, extra=()):
        """ping from this namespace; the CompletedProcess (text output)."""
        return self.ns.run(["ping", "-q", "-c", str(count), "-i", str(interval), "-W", str(wait)]
                           + list(extra) + [dst], timeout=60 + count * (interval + wait))


class TwoNets:
    """A guest between two networks, each in a network namespace of its
    own, deleted on close:

        ns a: tap0 10.0.2.2/24  <->  eth0 10.0.2.15/24  (default nagare.rc)
        ns b: tap1 10.0.3.2/24  <->  eth1 10.0.3.15/24  (added to nagare.rc)

    Each namespace routes the other's subnet via the guest (a: 10.0.3.0/24
    via 10.0.2.15; b: 10.0.2.0/24 via 10.0.3.15) and has IPv6 off, so the
    guest gets only the frames tests send.  QEMU runs in a; tap1 reaches it
    as an open fd (Guest.command).  Nothing routes out of either.

    guest() boots (PVH) with the default nagare.rc plus eth1's address and
    `ip link set eth1 up`, then `rc` lines if given, as its module."""

    def __init__(self, a=("10.0.2.2", "10.0.2.15"), b=("10.0.3.2", "10.0.3.15"),
                 macs=("52:54:00:12:34:56", "52:54:00:12:34:57")):
        self.a = self.b = None
        self.g = None
        self.tmp = tempfile.mkdtemp(prefix="nagare2nic")
        try:
            na = Netns(taps=(("tap0", a[0] + "/24"),))
            self.a = Side(na, "eth0", "tap0", a[0], a[1], macs[0])
            nb = Netns(taps=(("tap1", b[0] + "/24"),))
            self.b = Side(nb, "eth1", "tap1", b[0], b[1], macs[1])
            self.a.ip("route", "add", self.b.subnet, "via", self.a.guest)
            self.b.ip("route", "add", self.a.subnet, "via", self.b.guest)
            # No IPv6 (router solicitations, MLD, DAD) from the taps: the
            # guest sees only the frames a test sends, and counts add up.
            for side in (self.a, self.b):
                if os.path.exists("/proc/sys/net/ipv6"):
                    side.run(["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                              "net.ipv6.conf.default.disable_ipv6=1"], timeout=10, check=True)
        except Exception:
            self.close()
            raise

    def rc(self, extra=""):
        """The nagare.rc the guest boots with."""
        with open(os.path.join(TOP, "kernel", "nagare.rc")) as f:
            rc = f.read()
        rc += "# eth1 (tests/nagare.py TwoNets)\nip addr add %s/%d dev eth1\nip link set eth1 up\n" % (
            self.b.guest, self.b.prefix)
        return rc + extra

    def guest(self, rc="", **kw):
        """A PVH Guest (not started) with eth0 on a's tap0, eth1 on b's tap1."""
        kw["initrd"] = os.path.join(self.tmp, "nagare.rc")
        with open(kw["initrd"], "w") as f:
            f.write(self.rc(rc))
        nics = [(self.a.tap, self.a.mac, self.a.name), (self.b.tap, self.b.mac, self.b.name)]
        self.g = Guest(boot="pvh", netns=self.a.name, nics=nics, **kw)
        return self.g

    def cmd(self, line, timeout=60):
        return self.g.cmd(line, timeout)

    def wait_ready(self, timeout=120, tries=30):
        """Waits for the prompt, then until each side's guest address
        answers one ping from its own namespace (ARP resolved both ways)."""
        self.g.wait_prompt(timeout)
        for side in (self.a, self.b):
            for _ in range(tries):
                if side.run(["ping", "-c", "1", "-W", "1", side.guest], timeout=10).returncode == 0:
                    break
            else:
                raise GuestError("%s (%s) does not answer ping from %s; output:\n%s"
                                 % (side.guest, side.dev, side.name, self.g.tail()))

    def close(self):
        if self.g:
            self.g.kill()
        for side in (self.b, self.a):
            if side:
                side.ns.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_HOLD_CLIENT = r'''
import resource, selectors, socket, sys, time
host, n = sys.argv[1], int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 64, n + 64))
req = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
t0, socks = time.monotonic(), []
for i in range(n):
    for attempt in range(50):  # a SYN lost to a full queue: again, 0.1 s later
        try:
            socks.append(socket.create_connection((host, 80), timeout=5))
            break
        except OSError:
            time.sleep(0.1)
    else:
        print("FAIL connect %d" % i, flush=True); sys.exit(1)
t_open = time.monotonic() - t0

def round_trip():
    """GET / on every connection at once; how many got a whole 200 back."""
    sel, got = selectors.DefaultSelector(), {}
    for s in socks:
        s.setblocking(True); s.sendall(req); s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
        got[s] = b""
    left, end = n, time.monotonic() + 120
    while left and time.monotonic() < end:
        for key, _ in sel.select(1):
            s = key.fileobj
            d = s.recv(65536)
            got[s] += d
            head, _, body = got[s].partition(b"\r\n\r\n")
            m = [l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")]
            if not d or (m and len(body) >= int(m[0].split(b":")[1])):
                sel.unregister(s); left -= 1
    return sum(1 for v in got.values() if v.startswith(b"HTTP/1.1 200 OK"))

print("OPEN %.3f %d" % (t_open, round_trip()), flush=True)
while sys.stdin.readline().strip() == "again":
    print("AGAIN %d" % round_trip(), flush=True)
'''


class HeldConnections:
    """n keep-alive connections to guest:80 from inside the namespace, all
    opened (one at a time, a refused or lost SYN tried again) and each
    asked for / once; then again() asks on all of them again, close()
    closes them.  For tests and benchmarks of many connections."""

    def __init__(self, ns, n, guest="10.0.2.15", timeout=300):
        self.n = n
        self.p = ns.popen(["/usr/bin/python3", "-c", _HOLD_CLIENT, guest, str(n)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
        self.opened_in, self.served = self._expect("OPEN", timeout)

    def _expect(self, word, timeout):
        ready = select.select([self.p.stdout], [], [], timeout)[0]
        line = self.p.stdout.readline() if ready else ""
        if not line.startswith(word):
            self.close()
            raise GuestError("held connections: %r" % line)
        f = line.split()[1:]
        return (float(f[0]), int(f[1])) if word == "OPEN" else int(f[0])

    def again(self, timeout=180):
        self.p.stdin.write("again\n")
        self.p.stdin.flush()
        return self._expect("AGAIN", timeout)

    def close(self):
        if self.p.poll() is None:
            self.p.stdin.close()
            try:
                self.p.wait(60)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait(10)


def esp_image(dest, add=None, remove=(), image=IMAGE):
    """A copy of the disk image with files added to or removed from its EFI
    system partition (mtools addresses the partition at its offset)."""
    shutil.copyfile(image, dest)
    part = "%s@@%d" % (dest, ESP_OFFSET)
    for name in remove:
        subprocess.run(["mdel", "-i", part, "::/" + name], check=True, capture_output=True)
    for name, data in (add or {}).items():
        with tempfile.NamedTemporaryFile() as f:
            f.write(data if isinstance(data, bytes) else data.encode())
            f.flush()
            subprocess.run(["mcopy", "-o", "-i", part, f.name, "::/" + name], check=True,
                           capture_output=True)
    return dest


def cpio_newc(files):
    """A newc cpio archive of {name: bytes} (the PVH module format)."""
    out = bytearray()

    def entry(name, data, mode):
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nb), 0))
        out.extend(hdr.encode() + nb)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for name, data in files.items():
        entry(name, data if isinstance(data, bytes) else data.encode(), 0o100644)
    entry("TRAILER!!!", b"", 0)
    return bytes(out)


def run_script(guest, path):
    """`make run SCRIPT=FILE`: type each line after the prompt, print the
    transcript, return QEMU's exit status once the guest powers off."""
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f]
    guest.start()
    try:
        guest.wait_prompt()
        sys.stdout.write(guest.output())
        sys.stdout.flush()
        powered_off = False
        for line in lines:
            pos = guest.mark()
            guest.send(line + "\r")
            word = line.split()[0] if line.split() else ""
            if word in ("poweroff", "reboot", "panic-test"):
                rc = guest.wait_exit(120)
                sys.stdout.write(guest.output(pos))
                powered_off = True
                break
            guest.wait_for(re.escape(line.encode()) + rb"\r\n.*?" + re.escape(PROMPT), 300, start=pos)
            sys.stdout.write(guest.output(pos))
            sys.stdout.flush()
        if not powered_off:
            sys.stderr.write("\n[script did not power off; sending poweroff]\n")
            pos = guest.mark()
            rc = guest.poweroff()
            sys.stdout.write(guest.output(pos))
        sys.stdout.write("\n")
        return 0 if rc == EXIT_DEBUG_POWEROFF else rc
    finally:
        guest.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boot", default="uefi", choices=("uefi", "pvh"))
    ap.add_argument("--accel", default="tcg")
    ap.add_argument("--mem", default=256, type=int)
    ap.add_argument("--initrd")
    ap.add_argument("--append")
    ap.add_argument("--user-net", action="store_true",
                    help="virtio-net on QEMU user networking, 127.0.0.1:8080 -> guest port 80")
    ap.add_argument("--script", help="type this file's lines at the prompt, then exit")
    ap.add_argument("--interactive", action="store_true")
    a = ap.parse_args()
    guest = Guest(boot=a.boot, mem=a.mem, accel=a.accel, initrd=a.initrd, append=a.append,
                  panic_on_warn=False,
                  user_net=a.user_net)
    if a.script:
        sys.exit(run_script(guest, a.script))
    cmd = guest.command(serial="interactive")
    print("nagare: %s boot; Ctrl-A X quits QEMU, `poweroff` powers off" % a.boot, file=sys.stderr)
    if a.accel == "kvm":
        print("nagare: on nested KVM OVMF may fail; QEMU runs under a 1 h timeout", file=sys.stderr)
    os.execvp("timeout", ["timeout", "--foreground", "3600"] + cmd)


if __name__ == "__main__":
    main()
