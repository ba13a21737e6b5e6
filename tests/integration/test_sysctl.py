"""sysctl through the serial console: read, write, refuse bad values and
keep the old one, Linux procps wording; docs/tuning.md lists the same keys."""
import os
import re

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

LINUX_DEFAULTS = {
    "net.core.somaxconn": "4096",
    "net.core.netdev_max_backlog": "1000",
    "net.core.netdev_budget": "300",
    "net.core.busy_poll": "0",
    "net.ipv4.tcp_syncookies": "1",
    "net.ipv4.tcp_abort_on_overflow": "0",
    "net.ipv4.tcp_fin_timeout": "60",
    "net.ipv4.icmp_echo_ignore_broadcasts": "1",
    "net.ipv4.icmp_ignore_bogus_error_responses": "1",
    "net.ipv4.icmp_echo_ignore_all": "0",
    "net.ipv4.icmp_ratelimit": "1000",
    "net.ipv4.icmp_ratemask": "6168",
    "net.ipv4.icmp_msgs_per_sec": "1000",
    "net.ipv4.icmp_msgs_burst": "50",
    "net.ipv4.ip_default_ttl": "64",
    "net.ipv4.neigh.default.unres_qlen_bytes": "212992",
    "net.ipv4.conf.all.rp_filter": "0",
    "net.ipv4.conf.default.rp_filter": "0",
    "net.ipv4.conf.all.arp_filter": "0",
    "net.ipv4.conf.default.arp_filter": "0",
}


def all_keys(guest):
    out = guest.cmd("sysctl -a")
    return dict(l.split(" = ", 1) for l in out.splitlines())


def test_defaults_are_linux_defaults(guest):
    keys = all_keys(guest)
    for k, v in LINUX_DEFAULTS.items():
        assert keys[k] == v, k
    assert "net.ipv4.tcp_max_syn_backlog" in keys


def test_set_and_read_back(guest):
    assert guest.cmd("sysctl -w net.core.somaxconn=1024") == "net.core.somaxconn = 1024\n"
    assert guest.cmd("sysctl net.core.somaxconn") == "net.core.somaxconn = 1024\n"
    assert guest.cmd("sysctl net.ipv4.tcp_syncookies=2") == "net.ipv4.tcp_syncookies = 2\n"
    assert guest.cmd("sysctl -n net.ipv4.tcp_syncookies") == "2\n"
    assert guest.cmd("sysctl -q -w net/ipv4/tcp_syncookies=0") == ""
    assert guest.cmd("sysctl -n net.ipv4.tcp_syncookies") == "0\n"


def test_bad_values_are_refused_and_change_nothing(guest):
    guest.cmd("sysctl -w net.ipv4.tcp_syncookies=1")
    err = 'sysctl: setting key "net.ipv4.tcp_syncookies": Invalid argument\n'
    for bad in ("3", "-1", "abc", "1x", "", "99999999999", "1.5"):
        assert guest.cmd("sysctl -w net.ipv4.tcp_syncookies=%s" % bad) == err, bad
        assert guest.cmd("sysctl -n net.ipv4.tcp_syncookies") == "1\n", bad


def test_unknown_key_and_malformed_arguments(guest):
    before = all_keys(guest)
    assert guest.cmd("sysctl net.core.foo") == \
        "sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n"
    assert guest.cmd("sysctl -w net.core.foo=1") == \
        "sysctl: cannot stat /proc/sys/net/core/foo: No such file or directory\n"
    assert guest.cmd("sysctl -w net.core.somaxconn") == \
        'sysctl: "net.core.somaxconn" must be of the form name=value\n'
    assert guest.cmd("sysctl -z").startswith("sysctl: invalid option -- 'z'")
    assert guest.cmd("sysctl -e net.core.foo") == ""
    assert all_keys(guest) == before


def test_subtree_listing(guest):
    out = guest.cmd("sysctl net.core")
    names = [l.split(" = ")[0] for l in out.splitlines()]
    assert names and all(n.startswith("net.core.") for n in names)
    assert "net.core.somaxconn" in names


def test_load_missing_file(guest):
    assert guest.cmd("sysctl -p") == 'sysctl: cannot open "sysctl.conf": No such file or directory\n'
    assert guest.cmd("sysctl -p other.conf") == \
        'sysctl: cannot open "other.conf": No such file or directory\n'


def test_tuning_doc_lists_every_key(guest):
    keys = set(all_keys(guest))
    with open(os.path.join(TOP, "docs", "tuning.md")) as f:
        documented = set(re.findall(r"^\| `([a-z0-9_.]+)` \|", f.read(), re.M))
    assert keys == documented
