"""ARP replies on a guest between two networks (the twonic fixture):
Linux's weak host model (net.ipv4.conf.*.arp_ignore=0 answers for any of
our addresses on any interface) against the strong host one (1: only the
incoming interface's own address), and arp_filter refusing a sender
whose route leaves through the other interface, counted as TcpExt
ArpFilter.  And the sender address of the guest's own requests
(arp_announce): an echo reply from eth1's address leaving eth0 asks for
its target in eth1's address under 0 (Linux's weak host model) and in
eth0's under 1 and 2.

The guest: eth0 10.0.2.15/24 (namespace a), eth1 10.0.3.15/24 (namespace
b, 10.0.3.2 on tap1).  Requests are built by scapy inside namespace b and
sent on tap1 (srp: broadcast ARP who-has, the answers matched by scapy);
a reply must come from eth1's MAC and name the address asked for.  The
only spoofed sender is 10.0.2.77 (unused, on eth0's subnet), which
arp_filter refuses, so no reply goes to it.

Every sysctl changed is put back (one guest per module)."""
import re
import time

import pytest

import nagare

pytestmark = pytest.mark.root

EWEAK = "10.0.2.15"      # eth0's address, asked for on eth1
OFF_SUBNET = "10.0.2.77"  # routed through eth0
SYSCTLS = ["net.ipv4.conf.%s.%s" % (dev, knob) for dev in ("all", "eth0", "eth1")
           for knob in ("arp_ignore", "arp_filter", "arp_announce")]

# argv: IFACE PSRC PDST TIMEOUT.  One broadcast who-has PDST from PSRC at
# IFACE's MAC; prints each answer: Ethernet src, op, hwsrc, psrc, hwdst, pdst.
_ASK = r'''
import sys
from scapy.all import Ether, ARP, conf, get_if_hwaddr, srp
iface, psrc, pdst, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
conf.verb = 0
smac = get_if_hwaddr(iface)
ans, _ = srp(Ether(src=smac, dst="ff:ff:ff:ff:ff:ff") /
             ARP(op=1, hwsrc=smac, psrc=psrc, hwdst="00:00:00:00:00:00", pdst=pdst),
             iface=iface, timeout=timeout, retry=0, verbose=False)
print("mac", smac)
for _, r in ans:
    print("ans", r[Ether].src, r[ARP].op, r[ARP].hwsrc, r[ARP].psrc, r[ARP].hwdst, r[ARP].pdst)
'''

# argv: IFACE GUEST_MAC SRC DST WAIT.  Sends one ICMP echo request from SRC
# (no such host: nobody answers for it) to DST at the guest's MAC, and
# prints each ARP request for SRC seen in WAIT seconds: Ethernet src,
# hwsrc, psrc.
_ECHO_FROM = r'''
import sys, time
from scapy.all import ARP, ICMP, IP, AsyncSniffer, Ether, conf, get_if_hwaddr, sendp
iface, gmac, src, dst, wait = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
conf.verb = 0
sn = AsyncSniffer(iface=iface, store=True, lfilter=lambda p: ARP in p)
sn.start()
time.sleep(1)
sendp(Ether(src=get_if_hwaddr(iface), dst=gmac) / IP(src=src, dst=dst) / ICMP(id=77, seq=1),
      iface=iface, verbose=False)
time.sleep(wait)
for p in sn.stop():
    if p[ARP].op == 1 and p[ARP].pdst == src:
        print("req", p[Ether].src, p[ARP].hwsrc, p[ARP].psrc)
'''


def requests_for_echo_reply(tn, src, dst, wait=3):
    """The ARP requests the guest sends on eth0 (tap0) to resolve src,
    after an echo request from src to dst: each one's sender address."""
    r = tn.a.run(["/usr/bin/python3", "-c", _ECHO_FROM, tn.a.tap, tn.a.mac, src, dst, str(wait)],
                 timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    reqs = [l.split()[1:] for l in r.stdout.splitlines() if l.startswith("req ")]
    mac = tn.a.mac.lower()
    for q in reqs:
        assert q[:2] == [mac, mac], (q, r.stdout)
    return [q[2] for q in reqs]


def ask(tn, pdst, psrc=None, timeout=3):
    """One ARP request for pdst from psrc (default: namespace b's own
    address) on tap1; the answers, each checked to be eth1's reply."""
    psrc = psrc or tn.b.host
    r = tn.b.run(["/usr/bin/python3", "-c", _ASK, tn.b.tap, psrc, pdst, str(timeout)], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    smac = [l.split()[1] for l in lines if l.startswith("mac ")][0]
    answers = [l.split()[1:] for l in lines if l.startswith("ans ")]
    mac = tn.b.mac.lower()
    for a in answers:
        assert a == [mac, "2", mac, pdst, smac, psrc], (a, r.stdout)
    return answers


def arp_filter_count(tn):
    m = re.search(r"^TcpExt:\n(?:    .*\n)*?    ArpFilter: (\d+)$", tn.cmd("netstat -s"), re.M)
    return int(m.group(1)) if m else 0


sysctl_w = nagare.sysctl_w
sysctls = nagare.conf_sysctls


@pytest.fixture(autouse=True)
def clean(twonic):
    tn = twonic

    def state():
        return {n: tn.cmd("sysctl -n %s" % n).strip() for n in SYSCTLS}

    assert state() == {n: "0" for n in SYSCTLS}
    yield tn
    assert state() == {n: "0" for n in SYSCTLS}


def test_weak_host_answers_for_the_other_interfaces_address(twonic):
    tn = twonic
    assert len(ask(tn, tn.b.guest)) == 1
    assert len(ask(tn, EWEAK)) == 1  # eth0's address, answered on eth1
    assert ask(tn, "10.0.3.99", timeout=2) == []  # not ours


def test_strong_host_answers_only_for_the_interfaces_own(twonic):
    tn = twonic
    with sysctls(tn, all_arp_ignore=1):
        assert ask(tn, EWEAK, timeout=2) == []
        assert len(ask(tn, tn.b.guest)) == 1
    # eth1's own value counts too (the larger of all and eth1); eth0's does not.
    with sysctls(tn, eth1_arp_ignore=1):
        assert ask(tn, EWEAK, timeout=2) == []
    with sysctls(tn, eth0_arp_ignore=8):
        assert len(ask(tn, EWEAK)) == 1
    with sysctls(tn, eth1_arp_ignore=8):
        assert ask(tn, tn.b.guest, timeout=2) == []


def test_arp_filter_refuses_a_sender_routed_through_eth0(twonic):
    tn = twonic
    with sysctls(tn, eth1_arp_filter=1):
        before = arp_filter_count(tn)
        assert ask(tn, tn.b.guest, psrc=OFF_SUBNET, timeout=2) == []
        deadline = time.monotonic() + 10
        while arp_filter_count(tn) < before + 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert arp_filter_count(tn) == before + 1
        # Namespace b's own address routes through eth1: answered, not counted.
        assert len(ask(tn, tn.b.guest)) == 1
        # weak host and arp_filter together: eth0's address, the sender's route through eth1
        assert len(ask(tn, EWEAK)) == 1
        assert arp_filter_count(tn) == before + 1


def test_arp_announce_names_the_sender_of_our_requests(twonic):
    """Linux 6.1's arp_solicit by eth0's arp_announce (the larger of all
    and eth0): the echo reply from 10.0.3.15 (eth1's address) to an
    unresolved 10.0.2.6x waits on eth0, whose request names 10.0.3.15
    under 0 and 10.0.2.15 under 1 (10.0.3.15 is outside eth0's subnet)
    and 2.  Each asker is new, and unanswered: the guest asks about once
    a second, every request the same."""
    tn = twonic
    cases = [({}, tn.b.guest), ({"all_arp_announce": 1}, tn.a.guest),
             ({"all_arp_announce": 2}, tn.a.guest), ({"eth0_arp_announce": 2}, tn.a.guest)]
    for i, (knobs, sender) in enumerate(cases):
        with sysctls(tn, **knobs):
            got = requests_for_echo_reply(tn, "10.0.2.%d" % (60 + i), tn.b.guest)
        assert got and set(got) == {sender}, (knobs, got)
