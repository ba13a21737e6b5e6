"""Shared fixtures for the integration tests: QEMU guests driven through
tests/nagare.py.  One booted guest per test module where the tests can
share it; every wait inside is bounded."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import nagare  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "root: needs root (network namespaces)")


def pytest_collection_modifyitems(config, items):
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason="needs root: network namespaces and tap devices")
    for item in items:
        if "root" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def built():
    for f in (nagare.KERNEL, nagare.IMAGE):
        if not os.path.exists(f):
            pytest.exit("%s is missing: run `make` (make check builds it first)" % f, 2)


@pytest.fixture(scope="module")
def netguest(tmp_path_factory, request):
    """A PVH guest on tap0 of a network namespace of the module's own
    (10.0.2.15, the namespace 10.0.2.2), at its prompt and answering ping;
    both are gone after the module."""
    ns = nagare.Netns()
    log = tmp_path_factory.mktemp(request.module.__name__) / "console.log"
    g = None
    try:
        g = ns.guest(boot="pvh", log=str(log)).start()
        g.wait_prompt()
        # The first ping also resolves ARP both ways.
        for _ in range(30):
            if ns.run(["ping", "-c", "1", "-W", "1", "10.0.2.15"], timeout=10).returncode == 0:
                break
        yield ns, g
    finally:
        if g:
            g.kill()
        ns.close()


@pytest.fixture(scope="module")
def guest(tmp_path_factory):
    """A PVH-booted guest at its prompt, shared by a module's tests."""
    log = tmp_path_factory.mktemp("guest") / "console.log"
    g = nagare.Guest(boot="pvh", log=str(log)).start()
    try:
        g.wait_prompt()
        yield g
    finally:
        g.kill()


@pytest.fixture(scope="module")
def twonic(tmp_path_factory, request):
    """A PVH guest between two networks (nagare.TwoNets), at its prompt
    with each side's address answering ping from its own namespace:

        tn.cmd("ip addr")               console command, its output
        tn.g                            the nagare.Guest (wait_for, mark, output)
        tn.a, tn.b                      the two sides (nagare.Side):
          .name                         network namespace (ip netns exec NAME ...)
          .run([...]) / .popen([...])   a command inside it (bounded: Netns.run)
          .ping(dst, count=3)           ping from it, a CompletedProcess
          .ip(...)                      `ip -n NAME ...`
          .host, .guest, .subnet        10.0.2.2, 10.0.2.15, 10.0.2.0/24 (a);
                                        10.0.3.2, 10.0.3.15, 10.0.3.0/24 (b)
          .dev, .tap, .mac              eth0/eth1, tap0/tap1, the guest NIC's MAC

    A module may set TWONIC_RC (nagare.rc lines run after eth1 is up, e.g.
    sysctl writes) and TWONIC_APPEND (kernel command line words).
    Namespaces and guest are gone after the module."""
    tn = nagare.TwoNets()
    try:
        log = tmp_path_factory.mktemp(request.module.__name__) / "console.log"
        tn.guest(log=str(log), rc=getattr(request.module, "TWONIC_RC", ""),
                 append=getattr(request.module, "TWONIC_APPEND", None)).start()
        tn.wait_ready()
        yield tn
    finally:
        tn.close()
