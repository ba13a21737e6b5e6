"""TIME-WAIT under connection churn (lwIP patch 0002) on a guest of its
own, so the counts are exact: at most net.ipv4.tcp_max_tw_buckets
connections wait in TIME-WAIT and the rest close without (Linux's
TCPTimeWaitOverflow), and a SYN that reuses the 4-tuple of a connection in
TIME-WAIT opens a new connection (RFC 1122 4.2.2.13) instead of stalling.
Clients run inside the test's network namespace."""
import re

import pytest


pytestmark = pytest.mark.root

# n sequential `Connection: close` requests for /, from source port `port`
# (0: any).  The server closes first, so the TIME-WAIT is the guest's; the
# client ends in LAST-ACK briefly, so a fixed port is retried for up to 5 s.
CLIENT = r'''
import errno, socket, sys, time
n, port = int(sys.argv[1]), int(sys.argv[2])
ok = 0
for i in range(n):
    end = time.monotonic() + 5
    while True:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(10)
        try:
            if port:
                s.bind(("10.0.2.2", port))
            s.connect(("10.0.2.15", 80))
            break
        except OSError as e:
            s.close()
            if e.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL) or time.monotonic() > end:
                raise
            time.sleep(0.05)
    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    ok += head.startswith(b"HTTP/1.1 200 OK") and len(body) == 612
print(ok)
'''


@pytest.fixture(scope="module")
def tw(netguest):
    return netguest


def requests(ns, n, port=0):
    r = ns.run(["/usr/bin/python3", "-c", CLIENT, str(n), str(port)], timeout=120)
    assert r.returncode == 0, r.stderr
    return int(r.stdout)


def timewait(g):
    m = re.search(r"^TCP:\s+\d+ \(estab \d+, closed 0, orphaned \d+, timewait (\d+)\)$",
                  g.cmd("ss -s"), re.M)
    return int(m.group(1))


def overflows(g):
    m = re.search(r"^    TCPTimeWaitOverflow: (\d+)$", g.cmd("netstat -s"), re.M)
    return int(m.group(1)) if m else 0  # net-tools leaves out lines that are 0


def tw_rows(g, port):
    return [line for line in g.cmd("ss -tan").splitlines()
            if line.startswith("TIME-WAIT") and line.split()[4] == "10.0.2.2:%d" % port]


def test_timewait_is_capped_by_tcp_max_tw_buckets(tw):
    ns, g = tw
    assert timewait(g) == 0 and overflows(g) == 0  # a guest of our own
    assert g.cmd("sysctl -w net.ipv4.tcp_max_tw_buckets=50") == "net.ipv4.tcp_max_tw_buckets = 50\n"
    try:
        assert requests(ns, 120) == 120  # none starves
        assert timewait(g) == 50
        assert overflows(g) == 70
    finally:
        g.cmd("sysctl -w net.ipv4.tcp_max_tw_buckets=4096")


def test_syn_reusing_a_timewait_tuple_opens_a_new_connection(tw):
    ns, g = tw
    before = timewait(g)
    assert requests(ns, 1, 40000) == 1
    assert len(tw_rows(g, 40000)) == 1 and timewait(g) == before + 1
    # the same 4-tuple again, at once: the SYN ends that TIME-WAIT and is served
    assert requests(ns, 3, 40000) == 3
    assert len(tw_rows(g, 40000)) == 1 and timewait(g) == before + 1
