"""Routing conformance: the same routes, sysctls and spoofed packets given
to a router between two networks, and what came of each packet, so that
nagare and a Linux router can be compared case by case.

The topology is tests/nagare.py TwoNets:

    ns a: tap0 10.0.2.2/24 -- eth0 10.0.2.15 [router] eth1 10.0.3.15 -- tap1 10.0.3.2/24 :ns b

A router is anything with cmd(line) -> output that speaks Linux's
`sysctl -w`, `ip route`, `ip link set DEV mtu N` and `nstat -az` (nagare's
console and the Linux VM's root shell both do).  Every case sets its knobs
from a common baseline (ip_forward 1, no default route, rp_filter 0,
icmp_ratelimit 0 so that ICMP's rate limits do not decide a case: they
have tests of their own), sends N ICMP echo requests built by scapy in the
sending namespace straight to the router's MAC (sendp: no route or ARP on
the sender's side), and puts the baseline back.  What is recorded:

  - fwd: frames of the probe (its source and destination, fragments
    included) that came out of the router on the other side;
  - back: the ICMP the router sent to the sender's side, as "type/code"
    (with " mtu N" for fragmentation-needed), in arrival order;
  - counters: how far each counter of COUNTERS moved (nstat -az before and
    after; zeros left out);
  - arp (cases with arp=True only): the sender addresses, distinct and
    sorted, of the ARP requests the router sent on the sender's side for
    the probe's source (how many it sends in the time differs; Linux
    resends every second).

Spoofed sources are unused addresses of the two subnets (10.0.2.77,
10.0.3.50, the subnets' broadcast) and TEST-NET-2's 198.51.100.9 (never
routed anywhere: the namespaces have no default route).  Nothing leaves
the namespaces: packets go only to the router's MAC, and its answers to
unused addresses stop at ARP.

bench/router_conformance.py runs the cases on both routers and records
Linux's outcomes in tests/integration/data/router_linux.json and a table in
docs/routing-conformance.md; tests/integration/test_router_conformance.py
runs them on nagare in make check and compares with that file."""
import json
import re
import subprocess
import time

import nagare

N = 3
A_HOST, B_HOST = "10.0.2.2", "10.0.3.2"
R_A, R_B = "10.0.2.15", "10.0.3.15"

COUNTERS = [
    "IpForwDatagrams", "IpInAddrErrors", "IpOutNoRoutes", "IpFragOKs", "IpFragFails", "IpFragCreates",
    "IcmpInMsgs", "IcmpInErrors", "IcmpInEchos", "IcmpOutEchoReps", "IcmpOutDestUnreachs",
    "IcmpOutTimeExcds", "IcmpOutRedirects", "TcpExtIPReversePathFilter", "IpExtInNoRoutes",
]

# What every case starts from and goes back to (sysctl, value).
BASELINE = [
    ("net.ipv4.ip_forward", 1), ("net.ipv4.icmp_ratelimit", 0),
    ("net.ipv4.icmp_echo_ignore_broadcasts", 1),
] + [("net.ipv4.conf.%s.%s" % (d, k), v) for d in ("all", "default", "eth0", "eth1")
     for k, v in (("rp_filter", 0), ("accept_local", 0), ("send_redirects", 1), ("arp_announce", 0))]


class Case:
    def __init__(self, name, what, src, dst, side="a", ttl=64, size=32, df=False,
                 sysctls=(), routes=(), mtu=None, l2_broadcast=False, arp=False):
        self.name, self.what = name, what
        self.src, self.dst, self.side = src, dst, side
        self.ttl, self.size, self.df = ttl, size, df
        self.sysctls = list(sysctls)   # (name, value) set for the case
        self.routes = list(routes)     # `ip route add` arguments, deleted after
        self.mtu = mtu                 # eth1's MTU for the case
        self.l2_broadcast = l2_broadcast
        self.arp = arp                 # record the router's ARP requests for src


CASES = [
    Case("forward_off", "ip_forward=0: a's echo to b's host", A_HOST, B_HOST,
         sysctls=[("net.ipv4.ip_forward", 0)]),
    Case("forward_on", "ip_forward=1: a's echo to b's host (replies come back)", A_HOST, B_HOST),
    Case("ttl_1", "TTL 1 through the router", A_HOST, B_HOST, ttl=1),
    Case("no_route", "destination with no route (198.51.100.9)", A_HOST, "198.51.100.9"),
    Case("route_unreachable", "`unreachable 10.0.3.128/25`", A_HOST, "10.0.3.200",
         routes=["unreachable 10.0.3.128/25"]),
    Case("route_prohibit", "`prohibit 10.0.3.128/25`", A_HOST, "10.0.3.200",
         routes=["prohibit 10.0.3.128/25"]),
    Case("route_blackhole", "`blackhole 10.0.3.128/25`", A_HOST, "10.0.3.200",
         routes=["blackhole 10.0.3.128/25"]),
    Case("redirect", "next hop back out the receiving device (`10.0.3.128/25 via 10.0.2.3`)",
         A_HOST, "10.0.3.200", routes=["10.0.3.128/25 via 10.0.2.3"]),
    Case("redirect_off", "the same with send_redirects=0", A_HOST, "10.0.3.200",
         routes=["10.0.3.128/25 via 10.0.2.3"],
         sysctls=[("net.ipv4.conf.all.send_redirects", 0), ("net.ipv4.conf.eth0.send_redirects", 0)]),
    Case("df_too_big", "1200-byte DF echo, eth1 MTU 1000", A_HOST, B_HOST, size=1200, df=True, mtu=1000),
    Case("fragmented", "1200-byte echo without DF, eth1 MTU 1000", A_HOST, B_HOST, size=1200, mtu=1000),
    Case("rp_off_local", "rp_filter=0: b's unused 10.0.3.50 to eth0's address, from a",
         "10.0.3.50", R_A),
    Case("rp_strict_local", "rp_filter=1: the same", "10.0.3.50", R_A,
         sysctls=[("net.ipv4.conf.all.rp_filter", 1)]),
    Case("rp_loose_local", "rp_filter=2: the same", "10.0.3.50", R_A,
         sysctls=[("net.ipv4.conf.all.rp_filter", 2)]),
    Case("rp_strict_forward", "rp_filter=1: b's unused 10.0.3.50 to b's host, from a", "10.0.3.50", B_HOST,
         sysctls=[("net.ipv4.conf.all.rp_filter", 1)]),
    Case("rp_iface_strict", "conf.eth0.rp_filter=1 (all 0): the max applies", "10.0.3.50", R_A,
         sysctls=[("net.ipv4.conf.eth0.rp_filter", 1)]),
    Case("rp_loose_no_route", "rp_filter=2: a source with no route (198.51.100.9)", "198.51.100.9", R_A,
         sysctls=[("net.ipv4.conf.all.rp_filter", 2)]),
    Case("rp_off_no_route", "rp_filter=0: the same", "198.51.100.9", R_A),
    Case("bcast_src_strict", "rp_filter=1: a's broadcast address as the source", "10.0.2.255", R_A,
         sysctls=[("net.ipv4.conf.all.rp_filter", 1)]),
    Case("own_src", "eth0's own address as the source, from a (accept_local=0)", R_A, R_A),
    Case("own_src_accept_local", "the same with accept_local=1", R_A, R_A,
         sysctls=[("net.ipv4.conf.all.accept_local", 1), ("net.ipv4.conf.eth0.accept_local", 1)]),
    Case("bcast_echo_ignored", "echo to a's broadcast 10.0.2.255 (icmp_echo_ignore_broadcasts=1)",
         A_HOST, "10.0.2.255", l2_broadcast=True),
    Case("bcast_echo_answered", "the same with icmp_echo_ignore_broadcasts=0", A_HOST, "10.0.2.255",
         l2_broadcast=True, sysctls=[("net.ipv4.icmp_echo_ignore_broadcasts", 0)]),
    Case("arp_announce_0", "echo from a's unused 10.0.2.78 to eth1's address: the reply's ARP "
         "request on eth0 (arp_announce=0)", "10.0.2.78", R_B, arp=True),
    Case("arp_announce_1", "the same from 10.0.2.79 with arp_announce=1 (eth1's address is outside "
         "eth0's subnet)", "10.0.2.79", R_B, arp=True, sysctls=[("net.ipv4.conf.all.arp_announce", 1)]),
    Case("arp_announce_2", "the same from 10.0.2.80 with arp_announce=2", "10.0.2.80", R_B, arp=True,
         sysctls=[("net.ipv4.conf.all.arp_announce", 2)]),
]

# The sender: argv IFACE DST_MAC SRC DST TTL SIZE DF ROUTER_MAC ID N.
# Sniffs IFACE for what the router sends back while it writes N requests
# 0.1 s apart; prints a JSON list of "type/code" (" mtu N" for frag-needed),
# then one of the sender addresses of the router's ARP requests for SRC.
_SEND = r'''
import json, sys, time
from scapy.all import ARP, AsyncSniffer, Ether, IP, ICMP, Raw, conf, get_if_hwaddr, sendp
iface, dmac, src, dst = sys.argv[1:5]
ttl, size, df, rmac, ident, n = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7] == "1", sys.argv[8], int(sys.argv[9]), int(sys.argv[10])
conf.verb = 0
smac = get_if_hwaddr(iface)
got, arp = [], set()
def seen(p):
    if p[Ether].src.lower() != rmac:
        return
    if p.haslayer(ARP):
        if p[ARP].op == 1 and p[ARP].pdst == src:
            arp.add(p[ARP].psrc)
        return
    if not p.haslayer(ICMP) or not p.haslayer(IP):
        return
    ic = p[ICMP]
    if ic.type in (0, 8) and ic.id != ident:
        return
    if ic.type == 3 and ic.code == 4:
        got.append("3/4 mtu %d" % ic.nexthopmtu)
    else:
        got.append("%d/%d" % (ic.type, ic.code))
sn = AsyncSniffer(iface=iface, prn=seen, store=False, filter="icmp or arp")
sn.start()
time.sleep(0.5)
frames = [Ether(src=smac, dst=dmac) / IP(src=src, dst=dst, ttl=ttl, flags="DF" if df else 0) /
          ICMP(type=8, id=ident, seq=i + 1) / Raw(b"n" * size) for i in range(n)]
sendp(frames, iface=iface, inter=0.1, verbose=False)
time.sleep(1.5)
sn.stop()
print(json.dumps(got))
print(json.dumps(sorted(arp)))
'''

# The far side: argv IFACE SRC DST.  Counts frames from SRC to DST (all
# fragments) until a line arrives on stdin; prints "ready" first, then the count.
_SNIFF = r'''
import sys
from scapy.all import AsyncSniffer, IP, conf
iface, src, dst = sys.argv[1:4]
conf.verb = 0
n = [0]
def seen(p):
    if p.haslayer(IP) and p[IP].src == src and p[IP].dst == dst:
        n[0] += 1
sn = AsyncSniffer(iface=iface, prn=seen, store=False, filter="ip")
sn.start()
import time; time.sleep(0.3)
print("ready", flush=True)
sys.stdin.readline()
sn.stop()
print(n[0], flush=True)
'''

_ident = [0x5200]


def _name(router):
    return getattr(router, "name", "nagare")


def nstat(router):
    out = router.cmd("nstat -az")
    vals = {}
    for line in out.splitlines():
        m = re.match(r"^(\w+)\s+(\d+)\s+[\d.]+$", line)
        if m:
            vals[m.group(1)] = int(m.group(2))
    if "IpForwDatagrams" not in vals:
        raise RuntimeError("nstat -az gave no IpForwDatagrams: %r" % out[:500])
    return vals


def set_sysctl(router, name, value):
    out = router.cmd("sysctl -w %s=%s" % (name, value))
    if out.strip() != "%s = %s" % (name, value):
        raise RuntimeError("%s: sysctl -w %s=%s: %r" % (_name(router), name, value, out))


def baseline(router):
    """Applies BASELINE and removes any default route."""
    for name, v in BASELINE:
        set_sysctl(router, name, v)
    for _ in range(3):
        if "default" not in router.cmd("ip route show"):
            break
        router.cmd("ip route del default")
    routes = router.cmd("ip route show")
    if "default" in routes:
        raise RuntimeError("%s: default route stays: %r" % (_name(router), routes))


def run_case(tn, router, case):
    """Runs one case on router (between tn's namespaces); its outcome."""
    snd, far = (tn.a, tn.b) if case.side == "a" else (tn.b, tn.a)
    for name, v in case.sysctls:
        set_sysctl(router, name, v)
    for r in case.routes:
        out = router.cmd("ip route add " + r)
        if out.strip():
            raise RuntimeError("%s: ip route add %s: %r" % (_name(router), r, out))
    if case.mtu:
        router.cmd("ip link set eth1 mtu %d" % case.mtu)
    try:
        _ident[0] += 1
        sniff = far.popen(["/usr/bin/python3", "-c", _SNIFF, far.tap, case.src, case.dst],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            if sniff.stdout.readline().strip() != "ready":
                raise RuntimeError("the far-side sniffer did not start")
            before = nstat(router)
            dmac = "ff:ff:ff:ff:ff:ff" if case.l2_broadcast else snd.mac
            r = snd.run(["/usr/bin/python3", "-c", _SEND, snd.tap, dmac, case.src, case.dst, str(case.ttl),
                         str(case.size), "1" if case.df else "0", snd.mac.lower(), str(_ident[0]), str(N)],
                        timeout=120)
            if r.returncode:
                raise RuntimeError("sender: %s" % r.stderr[-2000:])
            back, arp = [json.loads(l) for l in r.stdout.strip().splitlines()[-2:]]
            time.sleep(0.5)
            after = nstat(router)
            sniff.stdin.write("\n")
            sniff.stdin.flush()
            fwd = int(sniff.stdout.readline())
        finally:
            if sniff.poll() is None:
                sniff.kill()
            sniff.wait(10)
    finally:
        if case.mtu:
            router.cmd("ip link set eth1 mtu 1500")
        for r in case.routes:
            router.cmd("ip route del " + r.split(" via ")[0])
        for name, _ in case.sysctls:
            set_sysctl(router, name, dict(BASELINE)[name])
    moved = {k: after.get(k, 0) - before.get(k, 0) for k in COUNTERS}
    out = {"fwd": fwd, "back": back, "counters": {k: v for k, v in moved.items() if v}}
    if case.arp:
        out["arp"] = arp
    return out


def run_all(tn, router, cases=CASES, log=None):
    baseline(router)
    res = {}
    for case in cases:
        res[case.name] = run_case(tn, router, case)
        if log:
            log("%s %s: %s" % (_name(router), case.name, json.dumps(res[case.name])))
    return res


def differences(got, want):
    """The fields in which two outcomes of a case differ: {field: (got, want)}."""
    d = {}
    for k in ("fwd", "back", "arp"):
        if got.get(k) != want.get(k):
            d[k] = (got.get(k), want.get(k))
    for c in sorted(set(got["counters"]) | set(want["counters"])):
        if got["counters"].get(c, 0) != want["counters"].get(c, 0):
            d[c] = (got["counters"].get(c, 0), want["counters"].get(c, 0))
    return d
