"""nagare as a router between two networks, case by case against what a
Linux 6.1 router did with the same routes, sysctls and packets
(tests/router_cases.py: the cases and how each is observed;
tests/integration/data/router_linux.json: Linux's outcomes, recorded by
bench/router_conformance.py --record from the Linux VM peer; the table is
docs/routing-conformance.md).  Each case must come out exactly as on Linux:
the frames forwarded, the ICMP sent back and every counter of
router_cases.COUNTERS moved by the same amount."""
import json
import os

import pytest

import router_cases

pytestmark = pytest.mark.root

LINUX = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "router_linux.json")


def linux():
    with open(LINUX) as f:
        return json.load(f)


def test_the_recording_covers_every_case():
    rec = linux()
    assert sorted(rec["cases"]) == sorted(c.name for c in router_cases.CASES)
    assert rec["linux"].startswith("Linux 6."), rec["linux"]


@pytest.fixture(scope="module")
def baseline(twonic):
    router_cases.baseline(twonic)
    return twonic


@pytest.mark.parametrize("case", router_cases.CASES, ids=[c.name for c in router_cases.CASES])
def test_case_as_linux(baseline, case):
    tn = baseline
    want = linux()["cases"][case.name]
    got = router_cases.run_case(tn, tn, case)
    assert router_cases.differences(got, want) == {}, (case.what, got, want)
