"""virtio-net, the netdev layer and lwIP on a tap device inside a network
namespace the test creates (tap0 = 10.0.2.2/24, the guest 10.0.2.15/24
from the default nagare.rc).  All traffic stays in the namespace; spoofed
frames use only unused addresses of its subnet."""
import re
import subprocess
import time

import pytest

import nagare

pytestmark = pytest.mark.root
GUEST = "10.0.2.15"
MAC = "52:54:00:12:34:56"


@pytest.fixture(scope="module")
def net(netguest):
    return netguest


def link_stats(g, dev="eth0"):
    out = g.cmd("ip -s link show %s" % dev)
    rx = re.search(r"RX:.*\n\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out)
    tx = re.search(r"TX:.*\n\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out)
    return {"rx_bytes": int(rx.group(1)), "rx_packets": int(rx.group(2)),
            "rx_errors": int(rx.group(3)), "rx_dropped": int(rx.group(4)),
            "tx_bytes": int(tx.group(1)), "tx_packets": int(tx.group(2))}


def softnet(g):
    cols = g.cmd("cat /proc/net/softnet_stat").split()
    return {"processed": int(cols[0], 16), "dropped": int(cols[1], 16), "time_squeeze": int(cols[2], 16)}


def ns_ping(ns, *args):
    return ns.run(["ping", "-q"] + list(args), timeout=120)


def test_probe_and_boot_config(net):
    ns, g = net
    out = g.output()
    assert re.search(r"eth0: virtio-net at 00:0\d\.0, MAC %s" % MAC, out)
    addr = g.cmd("ip addr show eth0")
    assert "inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0" in addr
    assert "<BROADCAST,UP,LOWER_UP>" in addr
    assert g.cmd("ip route") == ("default via 10.0.2.2 dev eth0 \n"
                                 "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n")


def test_arp_resolution_both_ways(net):
    ns, g = net
    ns.ip("neigh", "flush", "dev", "tap0")
    g.cmd("ip neigh flush dev eth0")
    assert "10.0.2.2" not in g.cmd("ip neigh")
    assert ns_ping(ns, "-c", "1", "-W", "5", GUEST).returncode == 0
    tapmac = re.search(r"link/ether (\S+)", ns.ip("link", "show", "tap0")).group(1)
    assert re.search(r"^%s dev tap0 lladdr %s" % (re.escape(GUEST), MAC), ns.ip("neigh", "show"), re.M)
    assert "10.0.2.2 dev eth0 lladdr %s REACHABLE" % tapmac in g.cmd("ip neigh")


@pytest.mark.parametrize("size", [56, 1472, 1473, 4000, 65507])
def test_ping_from_namespace_including_fragments(net, size):
    ns, g = net
    before = link_stats(g)
    r = ns_ping(ns, "-c", "3", "-i", "0.2", "-W", "5", "-s", str(size), GUEST)
    assert r.returncode == 0 and " 0% packet loss" in r.stdout, r.stdout + r.stderr
    frags = -(-(size + 8) // 1480)
    assert link_stats(g)["rx_packets"] - before["rx_packets"] >= 3 * frags


def test_tcp_echo_sequential_and_concurrent(net):
    ns, g = net
    code = r'''
import socket, sys
for i in range(300):
    s = socket.create_connection(("10.0.2.15", 7), timeout=10)
    s.sendall(b"ping %d" % i)
    assert s.recv(64) == b"ping %d" % i
    s.close()
socks = [socket.create_connection(("10.0.2.15", 7), timeout=10) for _ in range(200)]
for i, s in enumerate(socks):
    s.sendall(b"%05d" % i * 300)
for i, s in enumerate(socks):
    want, got = b"%05d" % i * 300, b""
    while len(got) < len(want):
        chunk = s.recv(65536)
        assert chunk, "connection %d closed early" % i
        got += chunk
    assert got == want, i
    s.close()
print("ok")
'''
    r = ns.run(["/usr/bin/python3", "-c", code], timeout=300)
    assert r.stdout.strip() == "ok", r.stderr[-2000:]
    m = re.search(r"listening on port 7, (\d+) connections", g.cmd("echo-server"))
    assert int(m.group(1)) >= 500


def test_bulk_tcp_both_ways_with_iperf(net):
    ns, g = net
    r = ns.run(["iperf", "-c", GUEST, "-t", "3", "-f", "m"], timeout=60)
    m = re.search(r"([\d.]+) Mbits/sec", r.stdout)
    assert m and float(m.group(1)) > 1, r.stdout + r.stderr
    g.wait_for(r"iperf: server done: 10\.0\.2\.2:\d+ -> port 5001: \d+ bytes", 30)
    # Guest -> namespace: an iperf -s there, `iperf -c` on the guest.
    srv = ns.popen(["iperf", "-s", "-p", "5001", "-f", "m"], stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, text=True)
    try:
        time.sleep(0.5)
        pos = g.mark()
        g.cmd("iperf -c 10.0.2.2")
        m = g.wait_for(rb"iperf: client done: 10\.0\.2\.2:5001 -> port \d+: (\d+) bytes", 60, start=pos)
        assert int(m.group(1)) > 100000
    finally:
        srv.kill()
        srv.wait(10)


def listeners(g):
    """ss -lnt's LISTEN rows: {port: (Recv-Q, Send-Q)}."""
    rows = re.findall(r"^LISTEN\s+(\d+)\s+(\d+)\s+[\d.]+:(\d+)\s", g.cmd("ss -lnt"), re.M)
    return {int(port): (int(r), int(q)) for r, q, port in rows}


def test_every_listener_shows_its_backlog_and_iperf_runs_through_it(net):
    """Echo (backlog 128), HTTP (511, nginx's) and iperf (iperf 2.1's INT_MAX,
    clamped to somaxconn 4096) all go through the listen layer; parallel
    iperf 2 streams pass through the adopted listener's accept queue."""
    ns, g = net
    assert listeners(g) == {7: (0, 128), 80: (0, 511), 5001: (0, 4096)}
    assert "backlog 2147483647, accept queue 0 of 4096" in g.cmd("iperf -s")
    pos = g.mark()
    r = ns.run(["iperf", "-c", GUEST, "-t", "2", "-P", "4", "-f", "m"], timeout=60)
    assert r.returncode == 0 and re.search(r"\[SUM\].*Mbits/sec", r.stdout), r.stdout + r.stderr
    rx = rb"iperf: server done: 10\.0\.2\.2:\d+ -> port 5001: (\d+) bytes"
    g.wait_for(rb"(?:.*?" + rx + rb"){4}", 30, start=pos)
    done = re.findall(rx.decode(), g.output(pos))
    assert len(done) == 4 and all(int(n) > 10000 for n in done), done
    assert listeners(g)[5001] == (0, 4096)


def test_counters_move_exactly(net):
    ns, g = net
    time.sleep(0.5)  # let stray ARP/TCP settle
    before, sn = link_stats(g), softnet(g)
    r = ns_ping(ns, "-c", "20", "-i", "0.05", GUEST)
    assert " 0% packet loss" in r.stdout
    after, sn2 = link_stats(g), softnet(g)
    # 20 requests in, 20 replies out (an ARP exchange may add one or two).
    assert 20 <= after["rx_packets"] - before["rx_packets"] <= 22
    assert 20 <= after["tx_packets"] - before["tx_packets"] <= 22
    assert 20 <= sn2["processed"] - sn["processed"] <= 22
    assert after["rx_bytes"] - before["rx_bytes"] >= 20 * 98


def test_malformed_frames_are_counted_and_dropped(net):
    """A flood of broken frames (scapy): bad lengths, bad checksums,
    truncated headers, garbage ethertypes.  Every frame is counted, none
    crashes the kernel, and ping still answers afterwards."""
    ns, g = net
    code = r'''
from scapy.all import Ether, IP, TCP, UDP, ICMP, Raw, sendp, raw
import random
random.seed(7)
dst, me, src = "%s", "10.0.2.15", "10.0.2.99"
base = Ether(dst=dst, src="02:00:00:00:00:99")
frames = []
for i in range(60):
    frames.append(base / IP(src=src, dst=me, len=20 + 5000) / ICMP())               # IP length beyond frame
    frames.append(base / IP(src=src, dst=me, chksum=0x1234) / ICMP())               # bad IP checksum
    frames.append(base / IP(src=src, dst=me) / TCP(dport=7, chksum=0xdead))        # bad TCP checksum
    frames.append(base / IP(src=src, dst=me) / UDP(dport=9, chksum=0xbeef) / b"x") # bad UDP checksum
    frames.append(base / IP(src=src, dst=me, ihl=15) / (b"\x00" * 8))                # header longer than packet
    frames.append(Ether(raw(base / IP(src=src, dst=me) / TCP(dport=7))[:14 + 12])) # truncated IP header
    frames.append(base / Raw(bytes(random.getrandbits(8) for _ in range(40))))       # garbage payload
    frames.append(Ether(dst=dst, src="02:00:00:00:00:99", type=0x88b5) / (b"\x01" * 50))  # unknown ethertype
    frames.append(Ether(dst=dst, src="02:00:00:00:00:99", type=0x0800) / b"\x45")   # 1-byte IP
    frames.append(base / IP(src=src, dst=me, version=6) / ICMP())                   # wrong version
sendp(frames, iface="tap0", verbose=False)
print(len(frames))
''' % MAC
    before = link_stats(g)
    r = ns.run(["/usr/bin/python3", "-c", code], timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    sent = int(r.stdout.split()[-1])
    deadline = time.time() + 30
    while link_stats(g)["rx_packets"] - before["rx_packets"] < sent and time.time() < deadline:
        time.sleep(0.5)
    after = link_stats(g)
    assert after["rx_packets"] - before["rx_packets"] >= sent
    assert ns_ping(ns, "-c", "3", "-i", "0.2", GUEST).returncode == 0
    assert g.alive()
    assert g.cmd("sysctl -n net.core.somaxconn").strip().isdigit()


def test_netdev_max_backlog_drops_count_as_softnet_dropped(net):
    ns, g = net
    sn = softnet(g)
    before = link_stats(g)
    g.cmd("sysctl -w net.core.netdev_max_backlog=0")
    try:
        r = ns_ping(ns, "-c", "5", "-i", "0.1", "-W", "1", GUEST)
        assert "100% packet loss" in r.stdout
        sn2 = softnet(g)
        assert sn2["dropped"] - sn["dropped"] >= 5
        assert link_stats(g)["rx_dropped"] - before["rx_dropped"] >= 5
    finally:
        g.cmd("sysctl -w net.core.netdev_max_backlog=1000")
    assert ns_ping(ns, "-c", "2", "-i", "0.2", GUEST).returncode == 0


def test_small_budget_squeezes_rounds(net):
    ns, g = net
    g.cmd("sysctl -w net.core.netdev_budget=1")
    try:
        sn = softnet(g)
        # Many frames a poll: UDP datagrams (a TCP upload comes merged by
        # the device, GUEST_TSO4, a few 64 KiB frames a poll).  Nothing
        # listens on 5001/udp; the frames are received all the same.  A
        # guest that keeps up takes one frame a poll and is never squeezed:
        # small datagrams, and up to three bursts (CI once saw none in one).
        for _ in range(3):
            r = ns.run(["iperf", "-u", "-c", GUEST, "-l", "200", "-b", "400M", "-t", "2"], timeout=60)
            assert r.returncode == 0, r.stdout + r.stderr
            if softnet(g)["time_squeeze"] > sn["time_squeeze"]:
                break
        assert softnet(g)["time_squeeze"] > sn["time_squeeze"]
    finally:
        g.cmd("sysctl -w net.core.netdev_budget=300")


def test_link_down_stops_traffic_and_up_restores_it(net):
    ns, g = net
    assert g.cmd("ip link set eth0 down") == ""
    assert "state DOWN" in g.cmd("ip link show eth0")
    assert "100% packet loss" in ns_ping(ns, "-c", "2", "-i", "0.2", "-W", "1", GUEST).stdout
    assert g.cmd("ip link set eth0 up") == ""
    assert ns_ping(ns, "-c", "2", "-i", "0.2", "-W", "3", GUEST).returncode == 0
    # As on Linux, down took the routes through eth0 with it; up brings
    # back the connected one only.
    assert g.cmd("ip route") == "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n"
    assert g.cmd("ip route add default via 10.0.2.2") == ""


def test_ip_command_errors_change_nothing(net):
    ns, g = net
    before = (g.cmd("ip addr"), g.cmd("ip route"))
    cases = {
        "ip addr add 10.0.2.16/33 dev eth0": 'Error: any valid prefix is expected rather than "10.0.2.16/33".',
        "ip addr add 10.0.2.16/24": 'Not enough information: "dev" argument is required.',
        "ip addr add 10.0.2.16/24 dev eth9": 'Cannot find device "eth9"',
        "ip addr add 10.0.2.15/24 dev eth0": "RTNETLINK answers: File exists",
        "ip addr del 10.0.2.99/24 dev eth0": "RTNETLINK answers: Cannot assign requested address",
        "ip link set eth0 mtu 20": "Error: mtu less than device minimum.",
        "ip link set eth0 mtu 100000": "Error: mtu greater than device maximum.",
        "ip link set eth0 mtu abc": 'Error: argument "abc" is wrong: Invalid "mtu" value',
        "ip link set eth0 bogus": 'Error: either "dev" is duplicate, or "bogus" is a garbage.',
        "ip route add default via 192.168.7.1": "Error: Nexthop has invalid gateway.",
        "ip route add default via 10.0.2.3": "RTNETLINK answers: File exists",
        "ip foo": 'Object "foo" is unknown, try "ip help".',
    }
    for line, err in cases.items():
        assert g.cmd(line) == err + "\n", line
    assert (g.cmd("ip addr"), g.cmd("ip route")) == before


def test_mtu_change_is_used(net):
    ns, g = net
    assert g.cmd("ip link set eth0 mtu 1000") == ""
    try:
        assert "mtu 1000" in g.cmd("ip link show eth0")
        # 1200-byte echo replies must now leave the guest fragmented.
        before = link_stats(g)
        assert ns_ping(ns, "-c", "2", "-i", "0.2", "-s", "1200", GUEST).returncode == 0
        assert link_stats(g)["tx_packets"] - before["tx_packets"] >= 4
    finally:
        g.cmd("ip link set eth0 mtu 1500")


def test_two_nics_become_eth0_and_eth1(tmp_path):
    with nagare.Netns(taps=(("tap0", "10.0.2.2/24"), ("tap1", "10.0.3.2/24"))) as ns:
        with open(nagare.TOP + "/kernel/nagare.rc") as f:
            rc = f.read()
        (tmp_path / "rc").write_text(rc + "ip addr add 10.0.3.15/24 dev eth1\nip link set eth1 up\n")
        g = ns.guest(macs=(MAC, "52:54:00:12:34:57"), boot="pvh", initrd=str(tmp_path / "rc"),
                     log=str(tmp_path / "console.log")).start()
        try:
            g.wait_prompt()
            out = g.output()
            assert "eth0: virtio-net at" in out and "MAC 52:54:00:12:34:56" in out
            assert re.search(r"eth1: virtio-net at 00:0\d\.0, MAC 52:54:00:12:34:57", out)
            links = g.cmd("ip link")
            assert re.search(r"^2: eth0: ", links, re.M) and re.search(r"^3: eth1: ", links, re.M)
            assert ns_ping(ns, "-c", "2", "-i", "0.2", "10.0.2.15").returncode == 0
            assert ns_ping(ns, "-c", "2", "-i", "0.2", "10.0.3.15").returncode == 0
            assert link_stats(g, "eth1")["rx_packets"] >= 2
            assert "10.0.3.0/24 dev eth1 proto kernel scope link src 10.0.3.15" in g.cmd("ip route")
        finally:
            g.kill()


def test_uefi_image_brings_up_the_network(tmp_path):
    with nagare.Netns() as ns:
        g = ns.guest(boot="uefi", log=str(tmp_path / "console.log")).start()
        try:
            g.wait_prompt(timeout=180)
            assert "booting via UEFI" in g.output()
            assert ns_ping(ns, "-c", "3", "-i", "0.2", "-W", "5", GUEST).returncode == 0
        finally:
            g.kill()


def test_isn_follows_rfc6528(net):
    """Same 4-tuple: the ISN advances with the 4 us clock; another source
    port: an unrelated offset (the keyed hash).  The namespace's kernel
    resets each half-open connection (it never sent the SYN)."""
    ns, g = net
    code = r'''
import time
from scapy.all import IP, TCP, sr1, conf
conf.verb = 0
def syn(sport):
    t = time.monotonic()
    r = sr1(IP(dst="10.0.2.15") / TCP(sport=sport, dport=7, flags="S", seq=1000), timeout=5)
    return t, r[TCP].seq, r[TCP].flags
t1, s1, f1 = syn(40001)
time.sleep(0.5)
t2, s2, f2 = syn(40001)
t3, s3, f3 = syn(40002)
print(t1, s1, t2, s2, t3, s3, f1, f2)
'''
    r = ns.run(["/usr/bin/python3", "-c", code], timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    t1, s1, t2, s2, t3, s3 = map(float, r.stdout.split()[:6])
    assert r.stdout.split()[6:] == ["SA", "SA"]
    advance = (int(s2) - int(s1)) % 2 ** 32
    expect = (t2 - t1) * 250000  # one per 4 microseconds
    # scapy's sr1 sends some tens of ms after it is called: allow 120 ms.
    assert abs(advance - expect) < 0.05 * expect + 30000, (advance, expect)
    predicted = (int(s2) + int((t3 - t2) * 250000)) % 2 ** 32
    assert min((int(s3) - predicted) % 2 ** 32, (predicted - int(s3)) % 2 ** 32) > 1000000


def test_device_without_virtio_1_is_reported_and_left_alone(tmp_path):
    """A legacy-only virtio-net (no modern interface) is refused with a
    message; the kernel and the other NIC carry on."""
    with nagare.Netns() as ns:
        g = ns.guest(boot="pvh", log=str(tmp_path / "console.log"),
                     extra=["-netdev", "user,id=legacy", "-device",
                            "virtio-net-pci,netdev=legacy,disable-modern=on,disable-legacy=off,romfile="]).start()
        try:
            g.wait_prompt()
            out = g.output()
            assert re.search(r"virtio 00:0\d\.0: no modern \(virtio 1\.x\) interface", out)
            assert re.search(r"pci 00:0\d\.0: virtio_net: probe failed \(-19\), device left alone", out)
            assert "eth1" not in g.cmd("ip link")
            assert ns_ping(ns, "-c", "2", "-i", "0.2", GUEST).returncode == 0
        finally:
            g.kill()
