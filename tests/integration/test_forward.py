"""nagare as a router between two namespaces (the twonic fixture: ns a
10.0.2.2 <-> eth0 10.0.2.15, ns b 10.0.3.2 <-> eth1 10.0.3.15; each side
routes the other's subnet via the guest).  net.ipv4.ip_forward=0 forwards
nothing (Ip InAddrErrors counts), =1 forwards pings and a TCP transfer
byte-exact (Ip ForwDatagrams counts each packet), TTL 1 gets ICMP time
exceeded from the guest, and `ip route get ... iif` agrees with the path
the packets take.  All traffic stays inside the two namespaces."""
import hashlib
import re
import time

import pytest

pytestmark = pytest.mark.root


def ip_counter(tn, text):
    out = tn.cmd("netstat -s")
    body = re.search(r"^Ip:\n((?:    .*\n)*)", out, re.M).group(1)
    m = re.search(r"^    (\d+) %s$" % re.escape(text), body, re.M)
    return int(m.group(1)) if m else 0


def wait_counter(tn, text, want, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        got = ip_counter(tn, text)
        if got >= want or time.monotonic() > deadline:
            return got
        time.sleep(0.3)


@pytest.fixture
def forwarding(twonic):
    twonic.cmd("sysctl -w net.ipv4.ip_forward=1")
    yield twonic
    twonic.cmd("sysctl -w net.ipv4.ip_forward=0")


def test_no_forwarding_by_default(twonic):
    tn = twonic
    assert tn.cmd("sysctl net.ipv4.ip_forward") == "net.ipv4.ip_forward = 0\n"
    before = ip_counter(tn, "with invalid addresses")
    fw = ip_counter(tn, "forwarded")
    r = tn.a.ping(tn.b.host, count=3)
    assert "0 received" in r.stdout, r.stdout
    assert wait_counter(tn, "with invalid addresses", before + 3) == before + 3
    assert ip_counter(tn, "forwarded") == fw


def test_ping_through(forwarding):
    tn = forwarding
    fw = ip_counter(tn, "forwarded")
    r = tn.a.ping(tn.b.host, count=4)
    assert r.returncode == 0 and "4 received" in r.stdout, r.stdout + r.stderr
    # each request and each reply crosses the guest once
    assert wait_counter(tn, "forwarded", fw + 8) == fw + 8
    assert tn.cmd("ip route get %s from %s iif eth0" % (tn.b.host, tn.a.host)) == \
        "%s from %s dev eth1 \n    cache iif eth0 \n" % (tn.b.host, tn.a.host)


def test_ttl_one_gets_time_exceeded(forwarding):
    tn = forwarding
    r = tn.a.run(["ping", "-c", "1", "-W", "3", "-t", "1", tn.b.host], timeout=30)
    assert "From %s icmp_seq=1 Time to live exceeded" % tn.a.guest in r.stdout, r.stdout


def test_tcp_transfer_through(forwarding):
    tn = forwarding
    size = 2 * 1024 * 1024
    server = tn.b.popen(["/usr/bin/python3", "-c", """
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9400)); s.listen(1); s.settimeout(120)
c, _ = s.accept(); c.settimeout(120)
c.sendall((bytes(range(256)) * 4096 * 2)[:%d])
c.close()
""" % size])
    try:
        time.sleep(1)
        r = tn.a.run(["/usr/bin/python3", "-c", """
import hashlib, socket, time
for i in range(20):
    try:
        s = socket.create_connection(("%s", 9400), timeout=10); break
    except OSError:
        time.sleep(0.5)
s.settimeout(120)
h = hashlib.sha256(); n = 0
while True:
    b = s.recv(65536)
    if not b: break
    h.update(b); n += len(b)
print(n, h.hexdigest())
""" % tn.b.host], timeout=180)
        want = hashlib.sha256((bytes(range(256)) * 4096 * 2)[:size]).hexdigest()
        assert r.stdout.split() == [str(size), want], r.stdout + r.stderr
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=10)
