"""The network console commands on one PVH guest whose eth0 sits on a tap
in a network namespace of the test's own (10.0.2.2 there, 10.0.2.15 the
guest): ethtool -S/-k/-i, netstat -s, softnet and /proc/net/softnet_stat,
and ping in both directions.  All traffic stays inside the namespace."""
import re

import pytest

import nagare

pytestmark = pytest.mark.root

GUEST = "10.0.2.15"
HOST = "10.0.2.2"


@pytest.fixture(scope="module")
def net(netguest):
    return netguest


def nic_stats(g):
    out = g.cmd("ethtool -S eth0")
    assert out.startswith("NIC statistics:\n")
    stats = {}
    for line in out.splitlines()[1:]:
        m = re.match(r"^     (\w+): (\d+)$", line)
        assert m, line
        stats[m.group(1)] = int(m.group(2))
    return stats


def snmp(g):
    """netstat -s as {section: {text-or-name: value}}; ICMP histogram
    entries are keyed 'in:echo requests' / 'out:echo replies'."""
    out = g.cmd("netstat -s")
    sections, cur, hist = {}, None, None
    for line in out.splitlines():
        if re.match(r"^\w+:$", line):
            cur = sections.setdefault(line[:-1], {})
            hist = None
        elif line.strip() == "ICMP input histogram:":
            hist = "in:"
        elif line.strip() == "ICMP output histogram:":
            hist = "out:"
        elif m := re.match(r"^        (.+): (\d+)$", line):
            cur[(hist or "") + m.group(1)] = int(m.group(2))
        elif m := re.match(r"^    (\d+) (.+)$", line):
            cur[m.group(2)] = int(m.group(1))
            hist = None
        elif m := re.match(r"^    (\w+): (\d+)$", line):
            cur[m.group(1)] = int(m.group(2))
        else:
            raise AssertionError("unexpected netstat -s line %r" % line)
    return sections


def softnet_stat(g):
    out = g.cmd("cat /proc/net/softnet_stat")
    lines = out.splitlines()
    assert len(lines) == 1
    cols = lines[0].split(" ")
    assert len(cols) == 13 and all(re.fullmatch(r"[0-9a-f]{8}", c) for c in cols), lines[0]
    return [int(c, 16) for c in cols]


def ping_from_ns(ns, n=5):
    r = ns.run(["ping", "-c", str(n), "-i", "0.2", "-W", "2", GUEST], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "%d received" % n in r.stdout


def test_ethtool_stats_move_with_traffic(net):
    ns, g = net
    before = nic_stats(g)
    for name in ("rx_queue_0_packets", "rx_queue_0_bytes", "tx_queue_0_packets", "rx_irqs",
                 "napi_polls", "poll_packets_0", "poll_packets_64"):
        assert name in before, name
    ping_from_ns(ns, 5)
    after = nic_stats(g)
    d = {k: after[k] - before[k] for k in before}
    assert d["rx_queue_0_packets"] >= 5
    assert d["tx_queue_0_packets"] >= 5
    # 200 ms apart, each request raises its own interrupt and poll
    assert d["rx_irqs"] >= 5
    assert d["napi_polls"] >= 5
    hist = sum(v for k, v in d.items() if k.startswith("poll_packets_"))
    assert hist == d["napi_polls"]  # every poll lands in one bucket
    gauges = ("rx_queue_0_buffers_posted", "rx_queue_0_buffers_total")
    assert all(v >= 0 for k, v in d.items() if k not in gauges), d


def test_netstat_counts_pings_exactly(net):
    ns, g = net
    before = snmp(g)
    ping_from_ns(ns, 5)
    after = snmp(g)
    for sec in ("Ip", "Icmp", "Tcp", "Udp", "TcpExt", "IpExt"):
        assert sec in after, sec

    def delta(sec, key):
        return after[sec].get(key, 0) - before[sec].get(key, 0)

    assert delta("Icmp", "ICMP messages received") == 5
    assert delta("Icmp", "in:echo requests") == 5
    assert delta("Icmp", "ICMP messages sent") == 5
    assert delta("Icmp", "out:echo replies") == 5
    assert delta("IcmpMsg", "InType8") == 5 and delta("IcmpMsg", "OutType0") == 5
    assert delta("Ip", "total packets received") >= 5
    assert delta("Ip", "incoming packets delivered") >= 5
    assert delta("Ip", "requests sent out") >= 5
    assert after["Ip"]["Forwarding"] == 2
    assert after["Tcp"]["connections established"] >= 0
    assert "times the listen queue of a socket overflowed" in after["TcpExt"]
    assert "SYNs to LISTEN sockets dropped" in after["TcpExt"]


def test_netstat_wording(net):
    _, g = net
    out = g.cmd("netstat -s")
    for line in ("Ip:", "    Forwarding: 2", "Icmp:", "    ICMP input histogram:", "Tcp:",
                 "Udp:", "UdpLite:", "TcpExt:", "IpExt:"):
        assert re.search("^%s$" % re.escape(line), out, re.M), line
    for text in ("total packets received", "forwarded", "incoming packets discarded",
                 "incoming packets delivered", "requests sent out", "ICMP messages received",
                 "input ICMP message failed", "ICMP messages sent", "ICMP messages failed",
                 "active connection openings", "passive connection openings",
                 "failed connection attempts", "connection resets received",
                 "connections established", "segments received", "segments sent out",
                 "segments retransmitted", "bad segments received", "resets sent",
                 "packets received", "packets to unknown port received",
                 "packet receive errors", "packets sent", "receive buffer errors",
                 "send buffer errors"):
        assert re.search(r"^    \d+ %s$" % re.escape(text), out, re.M), text
    assert g.cmd("netstat -s -x") == "netstat: invalid option -- 'x'\n"
    assert g.cmd("netstat -sq") == "netstat: invalid option -- 'q'\n"
    assert g.cmd("netstat --nope") == "netstat: unrecognized option '--nope'\n"
    assert g.cmd("netstat").startswith("netstat: only 'netstat -s' is supported")


def test_ethtool_features_info_settings(net):
    _, g = net
    k = g.cmd("ethtool -k eth0")
    assert k.startswith("Features for eth0:\n")
    assert re.search(r"^rx-checksumming: on \[fixed\]$", k, re.M)
    assert re.search(r"^tx-checksumming: on$", k, re.M)
    assert re.search(r"^\ttx-checksum-ipv4: on \[fixed\]$", k, re.M)
    assert re.search(r"^scatter-gather: on$", k, re.M)
    assert re.search(r"^tcp-segmentation-offload: on$", k, re.M)
    assert re.search(r"^\ttx-tcp-segmentation: on$", k, re.M)  # ethtool -K switches it
    assert re.search(r"^generic-segmentation-offload: on$", k, re.M)
    assert re.search(r"^large-receive-offload: off \[fixed\]$", k, re.M)
    i = g.cmd("ethtool -i eth0")
    assert re.search(r"^driver: virtio_net$", i, re.M)
    assert re.search(r"^bus-info: 0000:00:[0-9a-f]{2}\.0$", i, re.M)
    assert "supports-statistics: yes\n" in i and "supports-priv-flags: no\n" in i
    s = g.cmd("ethtool eth0")
    assert s.startswith("Settings for eth0:\n")
    assert "\tSpeed: Unknown!\n" in s and "\tDuplex: Unknown! (255)\n" in s
    assert s.endswith("\tLink detected: yes\n")


def test_ethtool_errors(net):
    _, g = net
    bad = "ethtool: bad command line argument(s)\nFor more information run ethtool -h\n"
    assert g.cmd("ethtool") == bad
    assert g.cmd("ethtool -S") == bad
    assert g.cmd("ethtool -Z eth0") == bad
    assert g.cmd("ethtool -S eth0 extra") == bad
    assert g.cmd("ethtool eth9") == "Cannot get device settings: No such device\n"
    assert g.cmd("ethtool -S eth9") == "Cannot get stats strings information: No such device\n"
    assert g.cmd("ethtool -k eth9") == "Cannot get device feature names: No such device\n"
    assert g.cmd("ethtool -i eth9") == "Cannot get driver information: No such device\n"


def test_softnet_stat_format_and_movement(net):
    ns, g = net
    before = softnet_stat(g)
    assert before[3:9] == [0] * 6 and before[12] == 0
    ping_from_ns(ns, 5)
    after = softnet_stat(g)
    assert after[0] - before[0] >= 5  # processed
    out = g.cmd("softnet")
    head, row = out.splitlines()
    assert head.split() == ["cpu", "processed", "dropped", "time_squeeze", "rounds", "polls",
                            "backlog"]
    vals = [int(v) for v in row.split()]
    assert vals[0] == 0 and vals[1] >= after[0]
    assert g.cmd("softnet now") == "softnet: unexpected argument 'now'\n"


def net_cycles(g):
    rows = [line.split() for line in g.cmd("cat /proc/net/cycles").splitlines()]
    assert rows[0] == ["part", "ns"]
    return {k: int(v) for k, v in rows[1:]}


def test_proc_net_cycles_accounts_the_network_hook(net):
    ns, g = net
    before = net_cycles(g)
    # the HTTP server that nagare.rc starts times itself inside stack_input
    assert list(before) == ["driver_poll", "stack_input", "stack_input.http", "timers",
                            "tx_drain_kick", "idle_halted", "uptime", "net_rounds"]
    ping_from_ns(ns, 5)
    after = net_cycles(g)
    assert after["stack_input"] > before["stack_input"]  # five echo requests went up
    assert after["stack_input.http"] == before["stack_input.http"]  # and no HTTP request
    r = ns.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://%s/" % GUEST], timeout=30)
    assert r.stdout == "200"
    served = net_cycles(g)
    assert served["stack_input.http"] > after["stack_input.http"]
    assert served["stack_input.http"] <= served["stack_input"]
    assert after["net_rounds"] > before["net_rounds"]
    # the parts and the idle time fit inside the time that passed
    spent = sum(after[k] - before[k] for k in ("driver_poll", "stack_input", "timers",
                                               "tx_drain_kick", "idle_halted"))
    assert 0 < spent <= after["uptime"] - before["uptime"]


RTT = r"rtt min/avg/max/mdev = (\d+\.\d{3})/(\d+\.\d{3})/(\d+\.\d{3})/(\d+\.\d{3}) ms"


def test_guest_ping_gets_replies(net):
    _, g = net
    before = snmp(g)
    out = g.cmd("ping -c 3 -i 0.2 %s" % HOST, timeout=60)
    lines = out.splitlines()
    assert lines[0] == "PING %s (%s) 56(84) bytes of data." % (HOST, HOST)
    replies = [l for l in lines if l.startswith("64 bytes from")]
    assert len(replies) == 3, out
    for n, l in enumerate(replies, 1):
        assert re.fullmatch(r"64 bytes from 10\.0\.2\.2: icmp_seq=%d ttl=64 time=\d+(\.\d+)? ms" % n, l), l
    assert "\n--- 10.0.2.2 ping statistics ---\n" in out
    assert re.search(r"^3 packets transmitted, 3 received, 0% packet loss, time \d+ms$", out, re.M)
    m = re.search(RTT, out)
    assert m and float(m.group(1)) <= float(m.group(2)) <= float(m.group(3))
    after = snmp(g)
    assert after["Icmp"].get("out:echo requests", 0) - before["Icmp"].get("out:echo requests", 0) == 3
    assert after["Icmp"].get("in:echo replies", 0) - before["Icmp"].get("in:echo replies", 0) == 3


def test_guest_ping_fragmented(net):
    _, g = net
    out = g.cmd("ping -c 2 -i 0.2 -s 3000 %s" % HOST, timeout=60)
    assert out.startswith("PING 10.0.2.2 (10.0.2.2) 3000(3028) bytes of data.\n")
    assert len(re.findall(r"^3008 bytes from 10\.0\.2\.2: icmp_seq=\d ttl=64 time=", out, re.M)) == 2, out
    assert "2 packets transmitted, 2 received, 0% packet loss" in out
    st = snmp(g)["Ip"]
    assert st.get("outgoing packets fragmented ok", 0) >= 2
    assert st.get("packets reassembled ok", 0) >= 2


def test_guest_ping_small_payload_has_no_times(net):
    _, g = net
    out = g.cmd("ping -c 1 -s 8 %s" % HOST, timeout=60)
    assert re.search(r"^16 bytes from 10\.0\.2\.2: icmp_seq=1 ttl=64$", out, re.M), out
    assert "rtt" not in out


def test_guest_ping_unused_address_loses_everything(net):
    _, g = net
    out = g.cmd("ping -c 2 -i 0.2 -W 1 10.0.2.99", timeout=60)
    assert "bytes from" not in out
    assert re.search(r"^2 packets transmitted, 0 received, 100% packet loss, time \d+ms$", out, re.M), out
    assert "rtt" not in out


def test_guest_ping_reports_icmp_errors(net):
    ns, g = net
    # The namespace routes nothing beyond 10.0.2.0/24: with forwarding on,
    # its kernel answers with ICMP "net unreachable" (and nothing leaves it).
    ns.run(["sysctl", "-qw", "net.ipv4.ip_forward=1"], check=True)
    try:
        out = g.cmd("ping -c 1 10.0.3.1", timeout=60)
    finally:
        ns.run(["sysctl", "-qw", "net.ipv4.ip_forward=0"], check=True)
    assert "From 10.0.2.2 icmp_seq=1 Destination Net Unreachable\n" in out, out
    assert "1 packets transmitted, 0 received, +1 errors, 100% packet loss, time " in out
    assert snmp(g)["Icmp"].get("in:destination unreachable", 0) >= 1


@pytest.mark.parametrize("args,err", [
    ("-c abc 10.0.2.2", "ping: invalid argument: 'abc'"),
    ("-c 0 10.0.2.2", "ping: invalid argument: '0': out of range: 1 <= value <= 100000"),
    ("-s 65508 10.0.2.2", "ping: invalid argument: '65508': out of range: 0 <= value <= 65507"),
    ("-i abc 10.0.2.2", "ping: bad timing interval: abc"),
    ("-i 0.001 10.0.2.2", "ping: cannot flood; minimal interval allowed is 10ms"),
    ("-W 0 10.0.2.2", "ping: bad linger time: 0 (1 to 60 seconds)"),
    ("-x 10.0.2.2", "ping: invalid option -- 'x'"),
    ("-c", "ping: option requires an argument -- 'c'"),
    ("", "ping: usage error: Destination address required"),
    ("foo", "ping: foo: Name or service not known"),
    ("10.0.2", "ping: 10.0.2: Name or service not known"),
    ("10.0.2.2 10.0.2.3", "ping: unexpected argument '10.0.2.3'"),
    ("127.0.0.1", "ping: connect: Network is unreachable"),
])
def test_ping_bad_arguments(net, args, err):
    _, g = net
    assert g.cmd(("ping " + args).strip()) == err + "\n"


def test_ping_no_route(net):
    _, g = net
    g.cmd("ip route del default")
    try:
        assert g.cmd("ping -c 1 192.0.2.1") == "ping: connect: Network is unreachable\n"
    finally:
        g.cmd("ip route add default via %s" % HOST)
    assert g.cmd("ip route").startswith("default via 10.0.2.2 dev eth0")


def test_ping_ctrl_c_prints_summary(net):
    _, g = net
    pos = g.mark()
    g.send("ping -c 100 -i 0.2 %s\r" % HOST)
    g.wait_for(rb"icmp_seq=2 ", 30, start=pos)
    g.send("\x03")
    m = g.wait_for(rb"--- 10\.0\.2\.2 ping statistics ---\r?\n(\d+) packets transmitted, (\d+) received"
                   rb".*?\r?\n" + re.escape(nagare.PROMPT), 30, start=pos)
    sent, got = int(m.group(1)), int(m.group(2))
    assert 2 <= sent < 100 and got >= 2
    # the console is usable again
    assert g.cmd("softnet").startswith("cpu")
