"""The packet scheduler on a PVH guest whose eth0 sits on a tap in a network
namespace of the test's own: the 10 Mbit/s shaper of issue 10 (`tc qdisc
replace dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency 400ms`)
with pfifo under it turns 4 bulk downloads from the guest into hundreds of
ms of ping delay; fq_codel under it keeps ping near its idle RTT and drops
(tc -s shows it); an unshaped link drops nothing; replacing the child under
load keeps the transfer whole; bad tc lines change nothing.  All traffic
stays inside the namespace.  Timings are loose for TCG: the benchmark
(bench/bufferbloat.py) measures, these only show the behaviour."""
import re
import statistics
import subprocess
import time

import pytest

pytestmark = pytest.mark.root

GUEST = "10.0.2.15"
SHAPER = "tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit burst 32kbit latency 400ms"


@pytest.fixture(scope="module")
def net(netguest):
    ns, g = netguest
    yield ns, g
    g.cmd("tc qdisc del dev eth0 root")


def tc(g, line):
    out = g.cmd(line)
    assert out == "", "%s: %s" % (line, out)


def rtts(ns, n=20, interval=0.2):
    r = ns.run(["ping", "-n", "-i", str(interval), "-c", str(n), "-W", "3", GUEST], timeout=n * interval + 30)
    return [float(x) for x in re.findall(r"time=([\d.]+) ms", r.stdout)]


def bulk(ns, n, size, secs):
    return [ns.popen(["curl", "-s", "-o", "/dev/null", "--max-time", str(secs), "-w", "%{size_download}",
                      "http://%s/bytes/%d" % (GUEST, size)],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(n)]


def finish(procs, secs):
    sizes = []
    for p in procs:
        out, _ = p.communicate(timeout=secs + 30)
        sizes.append(int(float(out.strip() or 0)))
    return sizes


def child_counters(g):
    """dropped and ecn_mark of qdisc 10: in tc -s qdisc show."""
    out = g.cmd("tc -s qdisc show dev eth0")
    block = out[out.index("qdisc ", out.index(" 10: ") - 20):]
    m = re.search(r"dropped (\d+), overlimits \d+", block)
    mk = re.search(r"ecn_mark (\d+)", block)
    return int(m.group(1)), int(mk.group(1)) if mk else 0, out


def loaded_rtts(ns, g, kind, secs=14):
    """Ping RTTs with 4 bulk downloads through the shaper and kind under it."""
    tc(g, SHAPER)
    tc(g, "tc qdisc replace dev eth0 parent 1:1 handle 10: " + kind)
    procs = bulk(ns, 4, 64 << 20, secs)
    time.sleep(3)  # the queue fills
    got = rtts(ns, n=30, interval=0.2)
    finish(procs, secs)
    return got


def test_unshaped_link_drops_nothing(net):
    ns, g = net
    g.cmd("tc qdisc del dev eth0 root")
    before = g.cmd("tc -s qdisc show dev eth0")
    assert before.startswith("qdisc fq_codel 0: root refcnt 2 limit 10240p"), before
    sizes = finish(bulk(ns, 2, 20_000_000, 60), 60)
    assert sizes == [20_000_000] * 2
    out = g.cmd("tc -s qdisc show dev eth0")
    assert re.search(r"^ Sent \d+ bytes \d+ pkt \(dropped 0, overlimits 0 requeues \d+\) $", out, re.M), out
    assert re.search(r"ecn_mark 0\b", out), out


def test_pfifo_under_the_shaper_bloats(net):
    ns, g = net
    base = statistics.median(rtts(ns, n=10, interval=0.1))
    got = loaded_rtts(ns, g, "pfifo")
    assert len(got) >= 20, got
    # pfifo lets the bulk flows' windows queue: the ping waits behind them
    assert statistics.median(got) > base + 100, (base, got)
    tc(g, "tc qdisc del dev eth0 root")


def test_fq_codel_under_the_shaper_keeps_ping_fast(net):
    ns, g = net
    base = statistics.median(rtts(ns, n=10, interval=0.1))
    got = loaded_rtts(ns, g, "fq_codel")
    assert len(got) >= 25, got
    # a sparse flow jumps the bulk flows' queues (TCG adds its own jitter)
    assert statistics.median(got) < base + 20, (base, got)
    drops, marks, out = child_counters(g)
    assert drops + marks > 0, out
    tc(g, "tc qdisc del dev eth0 root")


def test_replace_under_load_keeps_the_transfer(net):
    ns, g = net
    tc(g, SHAPER)
    tc(g, "tc qdisc replace dev eth0 parent 1:1 handle 10: codel")
    size = 6_000_000  # about 5 s at 10 Mbit/s
    procs = bulk(ns, 1, size, 90)
    for kind in ("fq_codel", "pfifo", "codel"):
        time.sleep(1)
        g.cmd("tc qdisc replace dev eth0 parent 1:1 handle %x: %s" % (0x20 + len(kind), kind))
    time.sleep(1)
    tc(g, "tc qdisc replace dev eth0 root pfifo")
    assert finish(procs, 90) == [size]
    g.cmd("tc qdisc del dev eth0 root")
    drops = re.search(r"tx_qdisc_replace_drops: (\d+)", g.cmd("ethtool -S eth0"))
    assert drops, "ethtool -S has no tx_qdisc_replace_drops"


def test_bad_tc_lines_change_nothing(net):
    ns, g = net
    tc(g, SHAPER)
    tc(g, "tc qdisc add dev eth0 parent 1:1 handle 10: fq_codel")
    before = g.cmd("tc qdisc show dev eth0")
    for line, says in (
        ("tc qdisc add dev eth0 root tbf rate 1mbit burst 10kb latency 50ms",
         "Error: Exclusivity flag on, cannot modify."),
        ("tc qdisc add dev eth9 root pfifo", 'Cannot find device "eth9"'),
        ("tc qdisc replace dev eth0 root handle 1: tbf rate 10mbit latency 1s",
         'tbf: the "burst" parameter is mandatory.'),
        ("tc qdisc replace dev eth0 parent 1:1 handle 10: fq_codel quantum 2000000", "Error: Invalid quantum."),
        ("tc qdisc replace dev eth0 root handle 1: fq_codel", "Error: Invalid qdisc name."),
        ("tc qdisc replace dev eth0 root sfq", "Error: Specified qdisc kind is unknown."),
        ("tc qdisc del dev eth0 parent 7:1", "Error: Failed to find qdisc with specified classid."),
    ):
        assert g.cmd(line) == says + "\n", line
        assert g.cmd("tc qdisc show dev eth0") == before, line
    tc(g, "tc qdisc del dev eth0 root")
    assert g.cmd("tc qdisc del dev eth0 root") == "Error: Cannot delete qdisc with handle of zero.\n"
