"""The HTTP/1.1 server (net/http/) on a tap device inside a network
namespace the test creates (tap0 = 10.0.2.2/24; the guest 10.0.2.15 serves
port 80 from its default nagare.rc).  Real clients where a user would use
them (curl, wrk); raw sockets, opened inside the namespace, for requests
no client sends on purpose."""
import ctypes
import email.utils
import hashlib
import json
import os
import re
import socket
import threading
import time

import pytest

import nagare


pytestmark = pytest.mark.root
GUEST = "10.0.2.15"
URL = "http://%s" % GUEST
INDEX_LEN = 612
BYTES_MAX = 1 << 30
IMF_FIXDATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
                         r"|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$")


@pytest.fixture(scope="module")
def web(netguest):
    return netguest


# ---- helpers ----------------------------------------------------------------

def pattern(n):
    """What /bytes/N sends: byte k is 'a' + k % 26."""
    return (bytes(range(ord("a"), ord("z") + 1)) * (n // 26 + 1))[:n]


def in_ns(ns, fn, *args):
    """Runs fn(*args) on a thread that has joined the namespace (setns is
    per thread for network namespaces), so its sockets live there."""
    result = {}

    def body():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open("/var/run/netns/" + ns.name, os.O_RDONLY)
        try:
            if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
                raise OSError(ctypes.get_errno(), "setns")
        finally:
            os.close(fd)
        try:
            result["value"] = fn(*args)
        except BaseException as e:  # handed to the caller
            result["error"] = e

    t = threading.Thread(target=body, daemon=True)
    t.start()
    t.join(600)
    assert not t.is_alive(), "in_ns: still running after 600 s"
    if "error" in result:
        raise result["error"]
    return result["value"]


def connect(timeout=10):
    s = socket.create_connection((GUEST, 80), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def split_response(buf, head_only=False):
    """(status, headers, body, rest) for the first complete response in buf,
    or None.  Every response of ours carries Content-Length."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buf[:end].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers[k.strip().lower()] = v.strip()
    n = 0 if head_only else int(headers["content-length"])
    if len(buf) < end + 4 + n:
        return None
    return lines[0], headers, buf[end + 4:end + 4 + n], buf[end + 4 + n:]


def recv_responses(s, count, timeout=10):
    """Reads until count responses are complete; returns them and what followed."""
    buf, out = b"", []
    deadline = time.monotonic() + timeout
    while len(out) < count:
        r = split_response(buf)
        if r:
            out.append(r[:3])
            buf = r[3]
            continue
        s.settimeout(max(0.1, deadline - time.monotonic()))
        data = s.recv(65536)
        if not data:
            raise AssertionError("closed after %d of %d responses: %r" % (len(out), count, buf[:200]))
        buf += data
    return out, buf


def recv_until_eof(s, timeout=10):
    """All bytes until the server closes; (data, how) with how 'eof' or 'reset'."""
    buf = b""
    deadline = time.monotonic() + timeout
    while True:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            data = s.recv(65536)
        except ConnectionResetError:
            return buf, "reset"
        except socket.timeout:
            raise AssertionError("no close within %ss; got %r" % (timeout, buf[:300]))
        if not data:
            return buf, "eof"
        buf += data


def exchange(ns, data, byte_delay=None, timeout=10):
    """Sends data on a new connection (one byte at a time with byte_delay),
    then reads until the server closes.  Returns (data, how)."""
    def run():
        with connect() as s:
            if byte_delay is None:
                s.sendall(data)
            else:
                for i in range(len(data)):
                    s.sendall(data[i:i + 1])
                    time.sleep(byte_delay)
            return recv_until_eof(s, timeout)
    return in_ns(ns, run)


def get_index_ok(ns):
    """A new connection still gets the page."""
    data, _ = exchange(ns, b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    r = split_response(data)
    assert r and r[0] == "HTTP/1.1 200 OK" and len(r[2]) == INDEX_LEN, data[:300]


def curl(ns, tmp_path, path, *args, timeout=180):
    """curl path; returns (status, headers dict, body bytes)."""
    hdr, body = tmp_path / "hdr", tmp_path / "body"
    for f in (hdr, body):
        if f.exists():
            f.unlink()
    r = ns.run(["curl", "-sS", "--max-time", str(timeout - 10), "-D", str(hdr), "-o", str(body)]
               + list(args) + [URL + path], timeout=timeout)
    assert r.returncode == 0, r.stderr
    lines = hdr.read_bytes().decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    status = int(lines[0].split()[1])
    return status, headers, body.read_bytes() if body.exists() else b""


# ---- the page, HEAD, /bytes/N ------------------------------------------------

def check_common_headers(h, length, ctype):
    assert h["server"] == "nagare"
    assert IMF_FIXDATE.match(h["date"]), h["date"]
    when = email.utils.parsedate_to_datetime(h["date"])
    # the weekday is right: formatting the parsed date gives the same text
    assert email.utils.format_datetime(when, usegmt=True) == h["date"]
    assert abs(when.timestamp() - time.time()) < 300  # the guest's RTC is the host's clock
    assert h["content-length"] == str(length)
    assert h["content-type"].startswith(ctype)


def test_index_page(web, tmp_path):
    ns, g = web
    status, h, body = curl(ns, tmp_path, "/")
    assert status == 200
    assert len(body) == INDEX_LEN
    assert body.startswith(b"<!DOCTYPE html>") and body.endswith(b"</html>\n")
    check_common_headers(h, INDEX_LEN, "text/html")


def test_head_index(web, tmp_path):
    ns, g = web
    status, h, body = curl(ns, tmp_path, "/", "-I")  # curl -I writes the headers to -o
    assert status == 200 and body.endswith(b"\r\n\r\n") and b"<html" not in body
    check_common_headers(h, INDEX_LEN, "text/html")
    # on a raw socket: exactly the headers, then the connection's next answer
    def run():
        with connect() as s:
            s.sendall(b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/3 HTTP/1.1\r\nHost: t\r\n"
                      b"Connection: close\r\n\r\n")
            return recv_until_eof(s)
    data, how = in_ns(ns, run)
    first = split_response(data, head_only=True)
    assert first and first[0] == "HTTP/1.1 200 OK" and first[1]["content-length"] == str(INDEX_LEN)
    second = split_response(first[3])
    assert second and second[0] == "HTTP/1.1 200 OK" and second[2] == b"abc" and second[3] == b""


@pytest.mark.parametrize("n", [0, 1, 26, 1460, 65536, 1000000, 64 << 20])
def test_bytes(web, tmp_path, n):
    ns, g = web
    status, h, body = curl(ns, tmp_path, "/bytes/%d" % n)
    assert status == 200
    assert h["content-length"] == str(n)
    assert h["content-type"] == "application/octet-stream"
    assert len(body) == n
    if n <= 65536:
        assert body == pattern(n)
    else:
        assert hashlib.sha256(body).hexdigest() == hashlib.sha256(pattern(n)).hexdigest()


@pytest.mark.parametrize("path,status", [("/bytes/%d" % (BYTES_MAX + 1), 400), ("/bytes/abc", 404),
                                         ("/bytes/", 404), ("/nope", 404)])
def test_error_paths(web, tmp_path, path, status):
    ns, g = web
    st, h, body = curl(ns, tmp_path, path)
    assert st == status
    assert len(body) == int(h["content-length"]) and b"<h1>%d " % status in body


def test_post_is_405(web, tmp_path):
    ns, g = web
    st, h, body = curl(ns, tmp_path, "/", "-X", "POST", "-d", "x=1")
    assert st == 405
    assert h["allow"] == "GET, HEAD"
    get_index_ok(ns)


# ---- /metrics and /sysctl --------------------------------------------------

METRIC_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s(?:,%s)*)?\})? (\S+)( -?\d+)?$" % (METRIC_NAME, LABEL, LABEL))
VALUE = re.compile(r"^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?Inf|NaN)$")
TYPES = ("counter", "gauge", "untyped", "histogram", "summary")


def parse_metrics(text):
    """Strict Prometheus text format 0.0.4: {(name, labels): value}, plus the
    types.  Raises AssertionError on any line that does not conform."""
    assert text.endswith("\n")
    types, helps, samples, done, current = {}, {}, {}, set(), None
    for line in text[:-1].split("\n"):
        if line.startswith("#"):
            m = re.match(r"^# (HELP|TYPE) (%s) (.*)$" % METRIC_NAME, line)
            assert m, "bad comment line %r" % line
            kind, name, rest = m.groups()
            if kind == "TYPE":
                assert rest in TYPES, line
                assert name not in types, "second TYPE for %s" % name
                assert name not in done and name != current, "TYPE after samples: %s" % name
                types[name] = rest
            else:
                assert name not in helps, "second HELP for %s" % name
                assert rest and "\\" not in rest.replace("\\\\", "").replace("\\n", ""), line
                helps[name] = rest
            continue
        m = SAMPLE.match(line)
        assert m, "bad sample line %r" % line
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        assert VALUE.match(value), "bad value in %r" % line
        assert name in types, "sample without TYPE: %r" % line
        if name != current:  # a family's samples stay together
            assert name not in done, "%s's samples are split" % name
            if current:
                done.add(current)
            current = name
        key = (name, labels)
        assert key not in samples, "duplicate series %r" % line
        samples[key] = float(value)
    for name, t in types.items():
        assert name in helps, "no HELP for %s" % name
        if t == "counter":
            assert name.endswith("_total"), name
        else:
            assert not name.endswith("_total"), name
    return samples, types


def metrics(ns, tmp_path):
    st, h, body = curl(ns, tmp_path, "/metrics")
    assert st == 200
    assert h["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert len(body) == int(h["content-length"])
    return parse_metrics(body.decode("utf-8"))[0]


def netstat_value(out, section, text):
    block = re.search(r"^%s:\n((?:    .*\n)*)" % section, out, re.M).group(1)
    return int(re.search(r"^\s+(\d+) %s$" % re.escape(text), block, re.M).group(1))


def test_metrics_format_and_families(web, tmp_path):
    ns, g = web
    samples, types = parse_metrics(curl(ns, tmp_path, "/metrics")[2].decode())
    names = {n for n, _ in samples}
    for want in ("nagare_uptime_seconds", "nagare_idle_seconds_total", "nagare_heap_bytes",
                 "nagare_heap_failures_total", "nagare_pmm_free_pages", "nagare_interrupts_total",
                 "nagare_netdev_rx_packets_total", "nagare_netdev_tx_bytes_total",
                 "nagare_driver_stat", "nagare_softnet_processed_total",
                 "nagare_softnet_dropped_total", "nagare_softnet_time_squeeze_total",
                 "nagare_netstat_Ip_InReceives_total", "nagare_netstat_Icmp_InEchos_total",
                 "nagare_netstat_Tcp_PassiveOpens_total", "nagare_netstat_Udp_NoPorts_total",
                 "nagare_netstat_TcpExt_ListenOverflows_total",
                 "nagare_netstat_TcpExt_TCPTimeWaitOverflow_total", "nagare_tcp_timewait_sockets",
                 "nagare_lwip_memp_used", "nagare_lwip_memp_errors_total",
                 "nagare_http_requests_total", "nagare_http_responses_total"):
        assert want in names, want
    assert ("nagare_driver_stat", '{device="eth0",name="rx_irqs"}') in samples
    assert ("nagare_lwip_memp_avail", '{pool="TCP_PCB"}') in samples
    assert samples[("nagare_lwip_memp_used", '{pool="TCP_PCB_LISTEN"}')] >= 1
    assert samples[("nagare_netdev_up", '{device="eth0"}')] == 1
    # the HTTP listener: backlog 511 under somaxconn 4096; nothing waits between requests
    assert samples[("nagare_listen_accept_queue_max", '{port="80"}')] == 511
    assert samples[("nagare_listen_accept_queue", '{port="80"}')] == 0
    assert samples[("nagare_listen_syn_queue_max", '{port="80"}')] == 512  # more than 511 half-open is full
    assert types["nagare_listen_syn_queue"] == "gauge"
    assert 0 < samples[("nagare_idle_seconds_total", "")] <= samples[("nagare_uptime_seconds", "")]


def test_bytes_go_by_reference(web, tmp_path):
    """/bytes/N is sent from read-only memory: of a 1 MiB response only the
    head is copied into the stack's buffers (http status counts both)."""
    ns, g = web

    def sent():
        m = re.search(r"bytes sent: (\d+) \((\d+) copied", g.cmd("http status"))
        return int(m.group(1)), int(m.group(2))
    s0, c0 = sent()
    status, h, body = curl(ns, tmp_path, "/bytes/1048576")
    assert status == 200 and len(body) == 1048576
    s1, c1 = sent()
    assert s1 - s0 >= 1048576
    assert 0 < c1 - c0 < 512, (s1 - s0, c1 - c0)  # the head alone


def test_metrics_values_move(web, tmp_path):
    ns, g = web
    before = metrics(ns, tmp_path)
    k = 7
    r = ns.run(["curl", "-sS", "-o", "/dev/null"] + [URL + "/"] * k, timeout=60)
    assert r.returncode == 0, r.stderr
    assert ns.run(["ping", "-q", "-c", "5", "-i", "0.2", "-W", "5", GUEST]).returncode == 0
    after = metrics(ns, tmp_path)

    def delta(name, labels=""):
        return after[(name, labels)] - before[(name, labels)]
    # the k requests and the second /metrics itself (counted before it is answered)
    assert delta("nagare_http_requests_total") == k + 1
    # the first /metrics' response and the k pages (the second is answered after)
    assert delta("nagare_http_responses_total", '{code="2xx"}') == k + 1
    assert delta("nagare_http_connections_total") == 2  # curl reuses one connection for the k
    assert delta("nagare_http_sent_bytes_total") > k * INDEX_LEN
    assert delta("nagare_netdev_rx_packets_total", '{device="eth0"}') >= 5 + k
    assert delta("nagare_netdev_tx_packets_total", '{device="eth0"}') >= 5 + k
    assert delta("nagare_netstat_Icmp_InEchos_total") == 5
    assert delta("nagare_netstat_Icmp_OutEchoReps_total") == 5
    assert delta("nagare_netstat_Tcp_PassiveOpens_total") == 2
    assert delta("nagare_softnet_processed_total") >= 5 + k
    assert delta("nagare_uptime_seconds") > 0
    # the same numbers the console shows
    now = metrics(ns, tmp_path)
    out = g.cmd("netstat -s")
    assert netstat_value(out, "Tcp", "passive connection openings") == \
        now[("nagare_netstat_Tcp_PassiveOpens_total", "")]
    assert netstat_value(out, "Ip", "total packets received") >= now[("nagare_netstat_Ip_InReceives_total", "")]


def test_sysctl_json_matches_console(web, tmp_path):
    ns, g = web
    st, h, body = curl(ns, tmp_path, "/sysctl")
    assert st == 200 and h["content-type"] == "application/json"
    got = json.loads(body)
    want = {}
    for line in g.cmd("sysctl -a").splitlines():
        k, v = line.split(" = ", 1)
        want[k] = int(v) if re.fullmatch(r"-?\d+", v) else v
    assert got == want
    assert "net.core.somaxconn" in got


# ---- many connections ------------------------------------------------------

def test_1000_sequential_connections(web, tmp_path):
    ns, g = web
    before = metrics(ns, tmp_path)[("nagare_http_connections_total", "")]

    def run():
        ok, bad, slow = 0, [], []
        req = b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        deadline = time.monotonic() + 240  # about 1 s here; within in_ns's 600 s
        for i in range(1000):
            if time.monotonic() > deadline:
                bad.append((i, "out of time"))
                break
            t0, port = time.monotonic(), None
            try:
                with connect() as s:
                    port = s.getsockname()[1]
                    s.sendall(req)
                    data, how = recv_until_eof(s)
                r = split_response(data)
                if r and r[0] == "HTTP/1.1 200 OK" and len(r[2]) == INDEX_LEN and r[3] == b"" \
                        and r[1]["connection"] == "close":
                    ok += 1
                else:
                    bad.append((i, data[:100]))
            except (OSError, AssertionError) as e:
                bad.append((i, repr(e)))
            if time.monotonic() - t0 > 0.5:
                slow.append((i, port, round(time.monotonic() - t0, 2)))
        return ok, bad, slow
    ok, bad, slow = in_ns(ns, run)
    # On failure, say which connections lagged and what the guest saw.
    assert ok == 1000, (bad[:5], len(slow), slow[:10], g.cmd("netstat -s"), g.cmd("ss -s"))
    after = metrics(ns, tmp_path)[("nagare_http_connections_total", "")]
    assert after - before == 1001  # the 1000 and the second /metrics


def test_wrk_256_connections(web):
    ns, g = web
    r = ns.run(["wrk", "-t1", "-c256", "-d3s", URL + "/"], timeout=60)
    assert r.returncode == 0, r.stderr
    m = re.search(r"(\d+) requests in", r.stdout)
    assert m and int(m.group(1)) > 0, r.stdout
    errs = re.search(r"Socket errors: (.*)", r.stdout)
    assert not errs or all(v == "0" for v in re.findall(r"\d+", errs.group(1))), r.stdout
    assert "Non-2xx" not in r.stdout, r.stdout
    get_index_ok(ns)


def test_10000_keepalive_connections(web):
    """Issue 4: at least 10,000 concurrent keep-alive connections in 256 MiB."""
    ns, g = web
    held = nagare.HeldConnections(ns, 10000)
    try:
        assert held.served == 10000
        m = re.search(r"^TCP:\s+\d+ \(estab (\d+),", g.cmd("ss -s"), re.M)
        assert int(m.group(1)) >= 10000
        assert held.again() == 10000  # every one still alive and served
        heap = re.search(r"^Heap: .* (\d+) failed allocations$", g.cmd("free"), re.M)
        assert heap.group(1) == "0"
    finally:
        held.close()
    get_index_ok(ns)


# ---- bad requests ---------------------------------------------------------

BAD = [
    ("garbage", b"\x00\x01\x02 garbage\r\n\r\n", "400 Bad Request"),
    ("long-target", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", "414 URI Too Long"),
    ("long-field", b"GET / HTTP/1.1\r\nHost: t\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n",
     "431 Request Header Fields Too Large"),
    ("101-fields", b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(100))
     + b"\r\n", "431 Request Header Fields Too Large"),
    ("chunked", b"GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     "501 Not Implemented"),
    ("http2", b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", "505 HTTP Version Not Supported"),
    ("body-too-large", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000\r\n\r\n",
     "413 Content Too Large"),
    ("no-host", b"GET / HTTP/1.1\r\n\r\n", "400 Bad Request"),
]


@pytest.mark.parametrize("name,req,status", BAD, ids=[b[0] for b in BAD])
def test_bad_request(web, name, req, status):
    ns, g = web
    data, how = exchange(ns, req)
    assert data.startswith(b"HTTP/1.1 " + status.encode() + b"\r\n"), data[:200]
    r = split_response(data)
    assert r and r[1]["connection"] == "close" and r[3] == b"", data[:300]
    assert how == "eof", "the server reset instead of closing"
    get_index_ok(ns)


def test_pipelined_in_one_send(web):
    ns, g = web

    def run():
        with connect() as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /bytes/5 HTTP/1.1\r\nHost: t\r\n\r\n"
                      b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
            return recv_responses(s, 3)
    out, rest = in_ns(ns, run)
    assert [r[0] for r in out] == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found"]
    assert len(out[0][2]) == INDEX_LEN and out[1][2] == b"abcde"
    assert all(r[1]["connection"] == "keep-alive" for r in out) and rest == b""


def test_request_in_one_byte_sends(web):
    ns, g = web
    data, how = exchange(ns, b"GET /bytes/5 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                         byte_delay=0.01)
    r = split_response(data)
    assert r and r[0] == "HTTP/1.1 200 OK" and r[2] == b"abcde" and r[3] == b"", data[:300]
    assert how == "eof"


def test_header_timeout_408(web):
    ns, g = web
    g.cmd("http set header-timeout 2")
    try:
        def run():
            with connect() as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Partial: ")
                t0 = time.monotonic()
                data, how = recv_until_eof(s, timeout=15)
                return data, how, time.monotonic() - t0
        data, how, waited = in_ns(ns, run)
        assert data.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), data[:200]
        assert how == "eof"
        assert 1.5 <= waited < 10, waited
        assert "timeouts: header 2 s" in g.cmd("http")
    finally:
        g.cmd("http set header-timeout 60")
    assert "timeouts: header 60 s" in g.cmd("http")
    get_index_ok(ns)


# ---- keep-alive ----------------------------------------------------------

def test_keep_alive_two_requests(web):
    ns, g = web

    def run():
        with connect() as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            first, rest1 = recv_responses(s, 1)
            s.sendall(b"GET /bytes/26 HTTP/1.1\r\nHost: t\r\n\r\n")
            second, rest2 = recv_responses(s, 1)
            return first + second, rest1 + rest2
    out, rest = in_ns(ns, run)
    assert out[0][0] == out[1][0] == "HTTP/1.1 200 OK" and rest == b""
    assert out[0][1]["connection"] == out[1][1]["connection"] == "keep-alive"
    assert len(out[0][2]) == INDEX_LEN and out[1][2] == pattern(26)


def test_http10_closes(web):
    ns, g = web
    data, how = exchange(ns, b"GET / HTTP/1.0\r\n\r\n")
    r = split_response(data)
    assert r and r[0] == "HTTP/1.1 200 OK" and len(r[2]) == INDEX_LEN and r[3] == b""
    assert r[1]["connection"] == "close" and how == "eof"
    # HTTP/1.0 asking for keep-alive keeps the connection
    def run():
        with connect() as s:
            s.sendall(b"GET /bytes/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            out, rest = recv_responses(s, 1)
            s.sendall(b"GET /bytes/3 HTTP/1.0\r\n\r\n")
            return out + recv_responses(s, 1)[0]
    out = in_ns(ns, run)
    assert out[0][1]["connection"] == "keep-alive" and out[0][2] == b"ab"
    assert out[1][1]["connection"] == "close" and out[1][2] == b"abc"
