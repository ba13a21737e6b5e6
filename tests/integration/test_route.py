"""The route input on a guest between two networks (the twonic fixture):
rp_filter (net.ipv4.conf.{all,ethN}.rp_filter), its counters
(TcpExt IPReversePathFilter, NagareExt InMartianSrc/InMartianDst),
log_martians and `ip route get ... iif`, with spoofed ICMP echo requests.

The guest: eth0 10.0.2.15/24 (namespace a, 10.0.2.2 there), eth1
10.0.3.15/24 (namespace b, 10.0.3.2), default route via 10.0.2.2.  The
requests are built by scapy inside namespace b and written on tap1 with
the guest eth1's MAC as Ethernet destination (sendp: no route or ARP is
involved).  Their sources are an unused address of eth0's subnet
(10.0.2.77, whose route back is eth0: the reverse path is not the
receiving interface) and TEST-NET-2's 198.51.100.7 (no route back once
the guest's default route is gone).  Nothing leaves the namespaces:
replies to 10.0.2.77 go out eth0 to namespace a, where no one owns that
address, so they stop at ARP.

Each test moves the counters by exactly the number of packets it sent,
and puts back every sysctl and route it changed (one guest per module)."""
import re
import time
from contextlib import contextmanager

import pytest

import nagare

pytestmark = pytest.mark.root

N = 5
OFF_SUBNET = "10.0.2.77"   # unused, on eth0's subnet, sent to eth1
NO_ROUTE = "198.51.100.7"  # TEST-NET-2: no route back without the default
SYSCTLS = ["net.ipv4.conf.%s.%s" % (dev, knob) for dev in ("all", "eth0", "eth1")
           for knob in ("rp_filter", "log_martians")]

# argv: IFACE DST_MAC SRC DST COUNT ID.  COUNT echo requests from SRC to
# DST written on IFACE in Ethernet frames to DST_MAC; prints the first
# frame's Ethernet header in hex.
_SEND = r'''
import sys
from scapy.all import Ether, IP, ICMP, Raw, conf, get_if_hwaddr, sendp
iface, dmac, src, dst = sys.argv[1:5]
n, ident = int(sys.argv[5]), int(sys.argv[6])
conf.verb = 0
smac = get_if_hwaddr(iface)
frames = [Ether(src=smac, dst=dmac) / IP(src=src, dst=dst, ttl=64) /
          ICMP(type=8, id=ident, seq=i + 1) / Raw(b"nagare rp_filter test")
          for i in range(n)]
sendp(frames, iface=iface, inter=0.1, verbose=False)
print(bytes(frames[0])[:14].hex(" "))
'''

_ident = [0x4e00]


def spoof(tn, src, n=N):
    """n echo requests from src to eth1's address, written on tap1 in
    namespace b to eth1's MAC; the Ethernet header sent, in hex."""
    assert src in (OFF_SUBNET, NO_ROUTE)  # only these: see the module's doc
    _ident[0] += 1
    r = tn.b.run(["/usr/bin/python3", "-c", _SEND, tn.b.tap, tn.b.mac, src, tn.b.guest,
                  str(n), str(_ident[0])], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    ll = r.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"([0-9a-f]{2} ){13}[0-9a-f]{2}", ll), r.stdout
    return ll


def counters(tn):
    """The netstat -s rows the tests follow (absent rows are 0)."""
    out = tn.cmd("netstat -s")
    got = {k: 0 for k in ("IPReversePathFilter", "InMartianSrc", "InMartianDst",
                          "InEchos", "OutEchoReps")}
    sec = hist = None
    for line in out.splitlines():
        m = re.match(r"^(\w+):$", line)
        if m:
            sec, hist = m.group(1), None
            continue
        m = re.match(r"^    ICMP (input|output) histogram:$", line)
        if m:
            hist = m.group(1)
            continue
        m = re.match(r"^    (\w+): (\d+)$", line)
        if m and (sec, m.group(1)) in (("TcpExt", "IPReversePathFilter"),
                                       ("NagareExt", "InMartianSrc"), ("NagareExt", "InMartianDst")):
            got[m.group(1)] = int(m.group(2))
            continue
        m = re.match(r"^        echo (requests|replies): (\d+)$", line)
        if sec == "Icmp" and m:
            if (hist, m.group(1)) == ("input", "requests"):
                got["InEchos"] = int(m.group(2))
            elif (hist, m.group(1)) == ("output", "replies"):
                got["OutEchoReps"] = int(m.group(2))
    return got


def moved(tn, before, want, timeout=40, settle=1.5):
    """Polls netstat -s until every counter in want has moved by at least
    its amount (or timeout), lets late packets settle, then asserts each
    moved by exactly its amount; returns the deltas."""
    deadline = time.monotonic() + timeout
    while True:
        now = counters(tn)
        d = {k: now[k] - before[k] for k in now}
        if all(d[k] >= v for k, v in want.items()) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    time.sleep(settle)
    now = counters(tn)
    d = {k: now[k] - before[k] for k in now}
    assert {k: d[k] for k in want} == want, d
    return d


def accepted(n=N):
    return {"InEchos": n, "OutEchoReps": n, "IPReversePathFilter": 0,
            "InMartianSrc": 0, "InMartianDst": 0}


def rp_dropped(n=N):
    return {"InEchos": 0, "OutEchoReps": 0, "IPReversePathFilter": n,
            "InMartianSrc": n, "InMartianDst": 0}


sysctl_w = nagare.sysctl_w
sysctls = nagare.conf_sysctls


@contextmanager
def no_default_route(tn):
    assert tn.cmd("ip route del default") == ""
    try:
        yield
    finally:
        assert tn.cmd("ip route add default via %s" % tn.a.host) == ""


DEFAULT_ROUTE = "default via 10.0.2.2 dev eth0 \n"


@pytest.fixture(autouse=True)
def clean(twonic):
    """Every test starts from, and must leave, the booted settings."""
    tn = twonic

    def state():
        return ({n: tn.cmd("sysctl -n %s" % n).strip() for n in SYSCTLS},
                tn.cmd("ip route").startswith(DEFAULT_ROUTE))

    booted = ({n: "0" for n in SYSCTLS}, True)
    assert state() == booted
    yield tn
    assert state() == booted


def test_rp_filter_off_accepts_a_source_routed_through_another_device(twonic):
    tn = twonic
    before = counters(tn)
    spoof(tn, OFF_SUBNET)
    # The replies leave by eth0 (10.0.2.0/24) and stop at ARP there.
    moved(tn, before, accepted())


def test_strict_rp_filter_drops_it(twonic):
    tn = twonic
    with sysctls(tn, all_rp_filter=1):
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, rp_dropped())
        # Namespace b's own address routes back through eth1: still fine.
        before = counters(tn)
        r = tn.b.ping(tn.b.guest, count=2)
        assert r.returncode == 0 and "2 received" in r.stdout, r.stdout + r.stderr
        moved(tn, before, accepted(2))


def test_loose_rp_filter_accepts_it(twonic):
    tn = twonic
    with sysctls(tn, all_rp_filter=2):
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, accepted())


def test_loose_rp_filter_drops_a_source_with_no_route_back(twonic):
    tn = twonic
    # Namespace b has only its own subnet and the guest's other one: a
    # TEST-NET-2 source never leaves it (and the frames go out by sendp).
    routes = tn.b.ip("route")
    assert "default" not in routes and "198.51.100" not in routes, routes
    with sysctls(tn, all_rp_filter=2), no_default_route(tn):
        assert tn.cmd("ip route get %s" % NO_ROUTE) == "RTNETLINK answers: Network is unreachable\n"
        before = counters(tn)
        spoof(tn, NO_ROUTE)
        moved(tn, before, rp_dropped())
        # 10.0.2.77 still routes back (through eth0, the connected route).
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, accepted())


def test_interface_rp_filter_counts_when_larger_and_only_for_its_device(twonic):
    tn = twonic
    # all=0, eth1=1: the larger (strict) applies on eth1.
    with sysctls(tn, eth1_rp_filter=1):
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, rp_dropped())
    # eth0's setting is eth0's: eth1 keeps all's 0.
    with sysctls(tn, eth0_rp_filter=1):
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, accepted())
    # all=2 with eth1=1: the larger, loose, accepts.
    with sysctls(tn, all_rp_filter=2, eth1_rp_filter=1):
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, accepted())


def test_log_martians_logs_the_source_and_the_ll_header(twonic):
    tn = twonic
    stamp = r"(?:\[\s*\d+\.\d{6}\] )?"
    line = r"martian source 10\.0\.3\.15 from 10\.0\.2\.77, on dev eth1\n"

    def logged(ll):
        rx = re.compile(r"^%s%s%sll header: 00000000: %s\n" % (stamp, line, stamp, re.escape(ll)), re.M)
        return len(rx.findall(tn.cmd("dmesg")))

    # Off: the drops count, nothing is logged.
    with sysctls(tn, all_rp_filter=1):
        quiet = len(re.findall(line, tn.cmd("dmesg")))
        before = counters(tn)
        spoof(tn, OFF_SUBNET, n=2)
        moved(tn, before, rp_dropped(2))
        assert len(re.findall(line, tn.cmd("dmesg"))) == quiet
    # On: one pair of lines per packet (3, under net_ratelimit's 10 per
    # 5 s), the ll header being the frame's Ethernet destination (eth1),
    # source (tap1) and type (IPv4) as scapy sent them.
    tap_mac = tn.b.run(["cat", "/sys/class/net/%s/address" % tn.b.tap], timeout=10).stdout.strip()
    want = " ".join(tn.b.mac.lower().split(":") + tap_mac.split(":") + ["08", "00"])
    n0 = logged(want)
    with sysctls(tn, all_rp_filter=1, all_log_martians=1):
        mark = tn.g.mark()
        before = counters(tn)
        ll = spoof(tn, OFF_SUBNET, n=3)
        assert ll == want
        for _ in range(3):  # on the console as they come, before the next command
            m = tn.g.wait_for(r"ll header: 00000000: [^\n]*\n", timeout=30, start=mark)
            mark = m.end()
        moved(tn, before, rp_dropped(3))
        n1 = logged(ll)
        assert n1 == n0 + 3
    # The interface's own log_martians is enough.
    with sysctls(tn, all_rp_filter=1, eth1_log_martians=1):
        mark = tn.g.mark()
        before = counters(tn)
        spoof(tn, OFF_SUBNET, n=1)
        tn.g.wait_for(r"ll header: 00000000: [^\n]*\n", timeout=30, start=mark)
        moved(tn, before, rp_dropped(1))
        assert logged(ll) == n1 + 1


def test_ip_route_get_iif_agrees_with_the_packets(twonic):
    tn = twonic
    get = "ip route get 10.0.3.15 from 10.0.2.77 iif eth1"
    with sysctls(tn, all_rp_filter=1):
        assert tn.cmd(get) == "RTNETLINK answers: Invalid cross-device link\n"
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, rp_dropped())
    with sysctls(tn, all_rp_filter=2):
        assert tn.cmd(get) == "local 10.0.3.15 from 10.0.2.77 dev lo \n    cache <local> iif eth1 \n"
        before = counters(tn)
        spoof(tn, OFF_SUBNET)
        moved(tn, before, accepted())
    # Off answers as loose does.
    assert tn.cmd(get) == "local 10.0.3.15 from 10.0.2.77 dev lo \n    cache <local> iif eth1 \n"
