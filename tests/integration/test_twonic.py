"""nagare between two networks (the twonic fixture, nagare.TwoNets): eth0
on tap0 in namespace a (10.0.2.2 there, 10.0.2.15 the guest), eth1 on
tap1 in namespace b (10.0.3.2, 10.0.3.15).  Each interface answers from
its own side, the counters follow the right device, and an address of
one interface answers from the other side (the weak host model).
Forwarding between the sides is not tested here.  All traffic stays
inside the two namespaces."""
import re

import pytest

pytestmark = pytest.mark.root


def link_stats(tn, dev):
    out = tn.cmd("ip -s link show %s" % dev)
    rx = re.search(r"RX:.*\n\s+(\d+)\s+(\d+)", out)
    tx = re.search(r"TX:.*\n\s+(\d+)\s+(\d+)", out)
    return {"rx_packets": int(rx.group(2)), "tx_packets": int(tx.group(2))}


def nic_stats(tn, dev):
    out = tn.cmd("ethtool -S %s" % dev)
    assert out.startswith("NIC statistics:\n"), out
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+): (\d+)$", out, re.M)}


def ip_snmp(tn):
    """netstat -s's Ip and Icmp sections, {text: value}."""
    out = tn.cmd("netstat -s")
    got = {}
    for sec in ("Ip", "Icmp"):
        body = re.search(r"^%s:\n((?:    .*\n)*)" % sec, out, re.M).group(1)
        for m in re.finditer(r"^    (\d+) (.+)$", body, re.M):
            got[sec + ":" + m.group(2)] = int(m.group(1))
        for m in re.finditer(r"^\s+echo requests: (\d+)$", body, re.M):
            got[sec + ":in echo requests"] = int(m.group(1))
    return got


def ping_ok(r, n):
    assert r.returncode == 0 and "%d received" % n in r.stdout, r.stdout + r.stderr


def test_two_nics_probed_in_pci_order(twonic):
    tn = twonic
    out = tn.g.output()
    m0 = re.search(r"eth0: virtio-net at 00:(\w\w)\.0, MAC %s" % tn.a.mac, out)
    m1 = re.search(r"eth1: virtio-net at 00:(\w\w)\.0, MAC %s" % tn.b.mac, out)
    assert m0 and m1, out
    assert int(m0.group(1), 16) < int(m1.group(1), 16)
    irqs = tn.cmd("cat /proc/interrupts")
    for dev in ("eth0", "eth1"):
        for q in ("config", "input.0", "output.0"):
            assert re.search(r"^\s*\d+:\s+\d+\s+%s-%s$" % (dev, q), irqs, re.M), irqs


def test_ip_and_tc_show_both_devices(twonic):
    tn = twonic
    links = tn.cmd("ip link")
    assert re.search(r"^2: eth0: <BROADCAST,UP,LOWER_UP> .* state UP", links, re.M), links
    assert re.search(r"^3: eth1: <BROADCAST,UP,LOWER_UP> .* state UP", links, re.M), links
    assert "link/ether %s" % tn.a.mac in links and "link/ether %s" % tn.b.mac in links
    addr = tn.cmd("ip addr")
    assert "inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0" in addr
    assert "inet 10.0.3.15/24 brd 10.0.3.255 scope global eth1" in addr
    assert "inet 10.0.3.15/24" in tn.cmd("ip addr show eth1")
    assert "10.0.2.15" not in tn.cmd("ip addr show eth1")
    assert tn.cmd("ip route") == ("default via 10.0.2.2 dev eth0 \n"
                                  "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15 \n"
                                  "10.0.3.0/24 dev eth1 proto kernel scope link src 10.0.3.15 \n")
    qd = tn.cmd("tc qdisc show")
    assert re.search(r"^qdisc \S+ 0: dev eth0 root", qd, re.M), qd
    assert re.search(r"^qdisc \S+ 0: dev eth1 root", qd, re.M), qd


def test_namespaces_route_to_each_other_via_the_guest(twonic):
    tn = twonic
    assert "10.0.3.0/24 via 10.0.2.15 dev tap0" in tn.a.ip("route")
    assert "10.0.2.0/24 via 10.0.3.15 dev tap1" in tn.b.ip("route")
    # Each side sees only its own tap (and lo): they are separate networks.
    assert "tap1" not in tn.a.ip("link") and "tap0" not in tn.b.ip("link")
    for side in (tn.a, tn.b):  # no IPv6 chatter from the taps
        r = side.run(["sysctl", "-n", "net.ipv6.conf.%s.disable_ipv6" % side.tap], timeout=10)
        assert r.stdout.strip() in ("1", ""), r.stdout + r.stderr


def test_each_interface_answers_ping_from_its_own_namespace(twonic):
    tn = twonic
    for side in (tn.a, tn.b):
        before = link_stats(tn, side.dev)
        ping_ok(side.ping(side.guest, count=3), 3)
        after = link_stats(tn, side.dev)
        assert after["rx_packets"] - before["rx_packets"] >= 3, (side.dev, before, after)
        assert after["tx_packets"] - before["tx_packets"] >= 3, (side.dev, before, after)


def test_ethtool_counters_of_eth1_move_with_its_traffic(twonic):
    tn = twonic
    before = nic_stats(tn, "eth1")
    ping_ok(tn.b.ping(tn.b.guest, count=5), 5)
    after = nic_stats(tn, "eth1")
    d = {k: after[k] - before[k] for k in before}
    assert d["rx_queue_0_packets"] >= 5 and d["tx_queue_0_packets"] >= 5, d
    assert d["rx_queue_0_bytes"] >= 5 * 98, d
    assert d["rx_irqs"] >= 5 and d["napi_polls"] >= 5, d  # 200 ms apart: each its own
    # eth0's own counters are its own.
    e0 = nic_stats(tn, "eth0")
    ping_ok(tn.b.ping(tn.b.guest, count=3), 3)
    assert nic_stats(tn, "eth0")["rx_queue_0_packets"] == e0["rx_queue_0_packets"]


def test_netstat_ip_inreceives_counts_the_pings_of_both_sides(twonic):
    tn = twonic
    before = ip_snmp(tn)
    ping_ok(tn.a.ping(tn.a.guest, count=4), 4)
    ping_ok(tn.b.ping(tn.b.guest, count=3), 3)
    after = ip_snmp(tn)
    d = {k: after[k] - before.get(k, 0) for k in after}
    assert d["Ip:total packets received"] == 7, d
    assert d["Ip:incoming packets delivered"] == 7, d
    assert d["Icmp:in echo requests"] == 7, d
    assert d["Ip:requests sent out"] == 7, d


def test_address_of_eth1_answers_from_namespace_a(twonic):
    """Weak host model (Linux's, lwIP's ip4_input): a packet for any local
    address is accepted on any interface.  The request for 10.0.3.15
    comes in on eth0 and the reply leaves by eth0 (the route to 10.0.2.2),
    from 10.0.3.15."""
    tn = twonic
    e0, e1 = link_stats(tn, "eth0"), link_stats(tn, "eth1")
    before = ip_snmp(tn)
    ping_ok(tn.a.ping(tn.b.guest, count=3), 3)
    assert link_stats(tn, "eth0")["rx_packets"] - e0["rx_packets"] >= 3
    assert link_stats(tn, "eth0")["tx_packets"] - e0["tx_packets"] >= 3
    assert link_stats(tn, "eth1")["tx_packets"] == e1["tx_packets"]
    assert ip_snmp(tn)["Icmp:in echo requests"] - before["Icmp:in echo requests"] == 3
    # And the other way: eth0's address from namespace b, through eth1.
    ping_ok(tn.b.ping(tn.a.guest, count=3), 3)


def test_eth1_down_and_up(twonic):
    tn = twonic
    assert tn.cmd("ip link set eth1 down") == ""
    try:
        assert "state DOWN" in tn.cmd("ip link show eth1")
        assert tn.b.ping(tn.b.guest, count=1, wait=1).returncode != 0
        ping_ok(tn.a.ping(tn.a.guest, count=1), 1)  # eth0 unaffected
    finally:
        assert tn.cmd("ip link set eth1 up") == ""
    assert "state UP" in tn.cmd("ip link show eth1")
    ping_ok(tn.b.ping(tn.b.guest, count=2, wait=2), 2)
