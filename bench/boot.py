#!/usr/bin/python3
"""Boot benchmark: image and kernel sizes, wall time from QEMU start to the
console prompt (UEFI image under OVMF, and PVH direct boot), and the
kernel's own entry-to-prompt time; median of N boots each, alternating.
Usage: bench/boot.py [-n 5] [--record]   (--record updates docs/benchmarks.md)"""
import argparse
import os
import re
import subprocess
import tempfile

import common
import nagare


def boot_once(method):
    g = nagare.Guest(boot=method).start()
    try:
        wall = g.wait_prompt(timeout=180)
        m = re.search(r"boot: kernel entry to prompt in (\d+\.\d+) ms", g.output())
        return wall, float(m.group(1))
    finally:
        g.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--record", action="store_true")
    a = ap.parse_args()
    subprocess.run(["make", "-s", "-C", common.TOP, "all"], check=True)
    res = {"uefi": [], "pvh": []}
    for _ in range(a.n):
        for method in ("uefi", "pvh"):
            res[method].append(boot_once(method))
    img = nagare.IMAGE
    st = os.stat(img)
    xz = len(subprocess.run(["xz", "-9", "-c", img], capture_output=True, check=True).stdout)
    kernel = os.path.getsize(nagare.KERNEL)
    debug = os.path.getsize(os.path.join(nagare.BUILD, "kernel.debug.elf"))
    with tempfile.NamedTemporaryFile() as t:
        subprocess.run(["strip", "-o", t.name, nagare.KERNEL], check=True)
        stripped = os.path.getsize(t.name)
    lines = [
        "Measured %s on %s; QEMU TCG, `-cpu max -m 256 -nodefaults`; median of %d boots each, "
        "alternating UEFI and PVH (`bench/boot.py`)." % (common.today(), common.machine(), a.n),
        "",
        "| | UEFI image (OVMF) | PVH direct boot |",
        "|---|---|---|",
        "| QEMU start to prompt (wall) | %.2f s (%.2f-%.2f) | %.3f s (%.3f-%.3f) |" % (
            common.median([w for w, _ in res["uefi"]]), min(w for w, _ in res["uefi"]), max(w for w, _ in res["uefi"]),
            common.median([w for w, _ in res["pvh"]]), min(w for w, _ in res["pvh"]), max(w for w, _ in res["pvh"])),
        "| kernel entry to prompt (kernel clock) | %.1f ms | %.1f ms |" % (
            common.median([k for _, k in res["uefi"]]), common.median([k for _, k in res["pvh"]])),
        "",
        "| Artifact | Size |",
        "|---|---|",
        "| build/nagare.img (GPT + FAT32 ESP) | %d bytes apparent, %d KiB allocated, %d bytes xz -9 |" % (
            st.st_size, st.st_blocks // 2, xz),
        "| build/kernel.elf (in the image; debug info stripped, symbols kept) | %d bytes |" % kernel,
        "| build/kernel.debug.elf (with debug info, for gdb and addr2line) | %d bytes |" % debug,
        "| kernel.elf fully stripped | %d bytes |" % stripped,
    ]
    text = "\n".join(lines)
    print(text)
    if a.record:
        common.record("boot", text)


if __name__ == "__main__":
    main()
