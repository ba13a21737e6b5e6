"""Helpers shared by the benchmark scripts: machine description, medians,
and recording a Markdown section into docs/benchmarks.md between markers."""
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests"))
BENCH_MD = os.path.join(TOP, "docs", "benchmarks.md")


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    qemu = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True,
                          text=True).stdout.splitlines()[0]
    osname = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            m = re.search(r'^PRETTY_NAME="?([^"\n]*)', f.read(), re.M)
            osname = m.group(1) if m else osname
    return "%s, %d cores (%s), host kernel %s, %s" % (
        osname, os.cpu_count(), cpu, platform.release(), qemu)


def today():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def median(xs):
    return statistics.median(xs)


def record(section, text, path=BENCH_MD, new_doc=""):
    """Replaces <!-- bench:SECTION --> ... <!-- /bench:SECTION --> in path
    (docs/benchmarks.md), appending it if absent; a missing file starts
    as new_doc."""
    start, end = "<!-- bench:%s -->" % section, "<!-- /bench:%s -->" % section
    doc = new_doc
    if os.path.exists(path):
        with open(path) as f:
            doc = f.read()
    block = "%s\n%s\n%s" % (start, text.strip("\n"), end)
    if start in doc:
        doc = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda m: block, doc, flags=re.S)
    else:
        doc = doc.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(doc)
