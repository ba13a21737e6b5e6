"""Device-merged receive (issue 12): the guest's virtio-net negotiates
GUEST_TSO4, so the namespace's TSO frames reach it whole over mergeable
buffers (up to 64 KiB, 34 buffers).  An upload through the echo server comes
back byte-exact, the frames are counted (rx_queue_0_gso, rx_gro_hw) and
none is refused; ethtool -k shows rx-gro-hw on and fixed.  The software GRO
path is test_gro.py's (guest_tso4=off)."""
import re

import pytest

from test_gro import UPLOAD, stats  # noqa: F401  (the same client and counters)

pytestmark = pytest.mark.root
GUEST = "10.0.2.15"


@pytest.fixture(scope="module")
def net(netguest):
    return netguest


def upload(ns, n):
    r = ns.run(["/usr/bin/python3", "-c", UPLOAD, str(n)], timeout=180)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "echoed %d exact True" % n in r.stdout, r.stdout + r.stderr


def test_offloads_shown(net):
    ns, g = net
    k = g.cmd("ethtool -k eth0")
    assert re.search(r"^rx-gro-hw: on \[fixed\]$", k, re.M), k
    assert re.search(r"^generic-receive-offload: on$", k, re.M), k


def test_upload_arrives_merged_and_exact(net):
    ns, g = net
    before = stats(g)
    upload(ns, 16 << 20)
    after = stats(g)
    gso = after["rx_queue_0_gso"] - before["rx_queue_0_gso"]
    assert gso > 0, (before, after)
    assert after["rx_gro_hw"] - before["rx_gro_hw"] == gso
    assert after["rx_queue_0_gso_errors"] == 0 and after["rx_length_errors"] == 0
    # 16 MiB in frames averaging well over one segment each
    assert (after["rx_queue_0_bytes"] - before["rx_queue_0_bytes"]) / (
        after["rx_queue_0_packets"] - before["rx_queue_0_packets"]) > 3000
    # every buffer is back once the transfer is over
    assert after["rx_queue_0_buffers_lent"] < 64


def test_iperf_upload(net):
    ns, g = net
    before = stats(g)
    r = ns.run(["iperf", "-c", GUEST, "-t", "3", "-f", "m"], timeout=60)
    assert r.returncode == 0 and re.search(r"[\d.]+ Mbits/sec", r.stdout), r.stdout + r.stderr
    g.wait_for(r"iperf: server done: 10\.0\.2\.2:\d+ -> port 5001: \d+ bytes", 30)
    assert stats(g)["rx_queue_0_gso"] - before["rx_queue_0_gso"] > 100
