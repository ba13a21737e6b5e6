#!/usr/bin/python3
"""Routing conformance: nagare and the Linux VM peer (../shared/peers/linux-nginx,
Linux 6.1 with two NICs) each as the router between two namespaces, given
the same routes, sysctls and spoofed packets (tests/router_cases.py), one
after the other in the same run; prints each case's outcome on both and
whether they agree.

With --record it writes Linux's outcomes to
tests/integration/data/router_linux.json (what
tests/integration/test_router_conformance.py holds nagare to in make check)
and the comparison table to docs/routing-conformance.md.

Usage: bench/router_conformance.py [--only nagare|linux] [--case NAME ...] [--record]
Needs root (network namespaces) and the peer built (bench/forward.py's
LinuxRouter: build/peer).  Every process it starts is ended by its handle,
and the namespaces are deleted afterwards."""
import argparse
import json
import os
import subprocess
import sys

import common
import nagare
import router_cases
from forward import LinuxRouter, NagareRouter, ensure_peer

DATA = os.path.join(common.TOP, "tests", "integration", "data", "router_linux.json")
DOC = os.path.join(common.TOP, "docs", "routing-conformance.md")


def run(Router, cases, tmp):
    with nagare.TwoNets() as tn:
        router = Router(tn, tmp)
        try:
            res = router_cases.run_all(tn, router, cases, log=lambda s: print(s, flush=True))
            return router.version, res
        finally:
            router.close()


def show(o):
    back = ", ".join(o["back"]) if o["back"] else "none"
    counters = ", ".join("%s +%d" % kv for kv in sorted(o["counters"].items())) or "none"
    s = "%d | %s | %s" % (o["fwd"], back, counters)
    if "arp" in o:
        s += " | ARP requests tell %s" % (", ".join(o["arp"]) or "none")
    return s


def record(cases, versions, out):
    commit = subprocess.run(["git", "-C", common.TOP, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    if subprocess.run(["git", "-C", common.TOP, "status", "--porcelain", "-uno"],
                      capture_output=True, text=True).stdout.strip():
        commit += " with uncommitted changes (those of the commit that records this)"
    os.makedirs(os.path.dirname(DATA), exist_ok=True)
    with open(DATA, "w") as f:
        json.dump({"linux": versions["Linux"], "date": common.today(), "commit": commit,
                   "cases": {c.name: out["Linux"][c.name] for c in cases}}, f, indent=1, sort_keys=True)
        f.write("\n")
    lines = [
        "# Routing conformance: nagare vs a Linux router",
        "",
        "`bench/router_conformance.py --record` (%s, nagare %s, %s; %s). The cases and how "
        "each is observed are in tests/router_cases.py: the router between two namespaces "
        "(tests/nagare.py TwoNets), both routers from the same baseline (ip_forward 1, no "
        "default route, rp_filter 0, accept_local 0, send_redirects 1, "
        "icmp_echo_ignore_broadcasts 1, icmp_ratelimit 0, arp_announce 0), %d ICMP echo "
        "requests a case "
        "written by scapy straight to the router's MAC. *fwd*: frames of the probe that came "
        "out on the other side; *back*: the ICMP the router sent to the sender (type/code); "
        "counters: nstat's names, how far each moved; for the arp_announce cases, the "
        "sender addresses of the router's ARP requests for the probe's source. "
        "tests/integration/test_router_conformance.py holds nagare to Linux's column in "
        "`make check` (tests/integration/data/router_linux.json)." % (
            common.today(), commit, versions["Linux"], common.machine(), router_cases.N),
        "",
        "| case | what | Linux: fwd, back, counters | nagare: fwd, back, counters | same |",
        "|---|---|---|---|---|",
    ]
    for c in cases:
        lo, na = out["Linux"][c.name], out["nagare"][c.name]
        same = "yes" if not router_cases.differences(na, lo) else "**no**"
        lines.append("| %s | %s | %s | %s | %s |" % (c.name, c.what, show(lo).replace(" | ", "; "),
                                                     show(na).replace(" | ", "; "), same))
    with open(DOC, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=("nagare", "linux"))
    ap.add_argument("--case", action="append", help="run only these cases")
    ap.add_argument("--record", action="store_true")
    a = ap.parse_args()
    cases = [c for c in router_cases.CASES if not a.case or c.name in a.case]
    if a.record and (a.only or a.case):
        sys.exit("--record needs every case on both routers")
    if os.geteuid() != 0:
        sys.exit("bench/router_conformance.py needs root (network namespaces)")
    if a.only != "nagare":
        ensure_peer()
    tmp = os.path.join(common.TOP, "build", "router_conformance")
    os.makedirs(tmp, exist_ok=True)
    out, versions = {}, {}
    for Router in (NagareRouter, LinuxRouter):
        if a.only and a.only != Router.name.lower():
            continue
        versions[Router.name], out[Router.name] = run(Router, cases, tmp)
    if len(out) == 2:
        bad = 0
        for c in cases:
            d = router_cases.differences(out["nagare"][c.name], out["Linux"][c.name])
            bad += bool(d)
            print("%-22s %s" % (c.name, "same" if not d else "DIFFERS (nagare, Linux): %s" % d))
        print("%d of %d cases differ" % (bad, len(cases)))
    if a.record:
        record(cases, versions, out)


if __name__ == "__main__":
    main()
