"""The serial console on one PVH-booted guest: banner, prompt, built-in
commands, line editing, bad input."""
import re
import time


def test_banner_and_boot_messages(guest):
    out = guest.output()
    assert re.search(r"^\[ *0\.\d{6}\] nagare version \S+ booting via PVH direct boot", out, re.M)
    assert "ACPI: " in out and "IOAPIC" in out
    m = re.search(r"boot: kernel entry to prompt in (\d+)\.(\d+) ms", out)
    assert m and int(m.group(1)) < 5000
    assert out.rstrip().endswith("nagare#")


def test_help_lists_every_command(guest):
    out = guest.cmd("help")
    for name in ("cat", "dmesg", "free", "help", "poweroff", "reboot", "sysctl", "uptime"):
        assert re.search(r"^  %s\b" % name, out, re.M), name
    assert "panic-test" not in out  # hidden


def test_dmesg_holds_the_boot_log(guest):
    out = guest.cmd("dmesg")
    lines = out.splitlines()
    assert re.match(r"\[ *0\.000000\] nagare version", lines[0])
    assert any("boot: kernel entry to prompt" in l for l in lines)
    stamps = [float(m.group(1)) for m in (re.match(r"\[ *(\d+\.\d+)\]", l) for l in lines) if m]
    assert stamps == sorted(stamps)


def test_free_reports_pages_and_heap(guest):
    out = guest.cmd("free")
    m = re.search(r"^Mem:\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    total, used, free = map(int, m.groups())
    assert total == used + free
    assert 200 * 1024 < total <= 256 * 1024  # KiB of a -m 256 guest
    pages = re.search(r"^Pages:\s+(\d+) total, (\d+) used, (\d+) free", out, re.M)
    assert int(pages.group(1)) * 4 == total
    assert re.search(r"^Heap:\s+\d+ bytes in \d+ blocks, \d+ pages held, 0 failed", out, re.M)


def test_uptime_shape(guest):
    out = guest.cmd("uptime")
    assert re.match(r" \d\d:\d\d:\d\d up \d+ min,  1 user,  load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$",
                    out.strip("\n"))
    up, idle = map(float, guest.cmd("cat /proc/uptime").split())
    assert 0 <= idle <= up


def test_proc_files(guest):
    assert "MemTotal:" in guest.cmd("cat /proc/meminfo")
    irqs = guest.cmd("cat /proc/interrupts")
    assert re.search(r"^\s*\d+:\s+\d+\s+uart$", irqs, re.M)
    assert re.search(r"^\s*240:\s+\d+\s+timer$", irqs, re.M)
    assert guest.cmd("cat /proc/nope") == "cat: /proc/nope: No such file or directory\n"


def test_proc_boottime_lists_stages_in_order(guest):
    """/proc/boottime: a header, then one stage a line, microseconds since
    kernel entry and since the stage before, in the order boot ran them."""
    lines = guest.cmd("cat /proc/boottime").splitlines()
    assert lines[0].split() == ["at_us", "delta_us", "stage"]
    rows = []
    for line in lines[1:]:
        m = re.match(r"^ *(\d+) +(\d+)  (\S.*)$", line)
        assert m, line
        rows.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    names = [name for _, _, name in rows]
    for want in ("entry", "console", "memory", "acpi", "clock", "lwip", "pci scan",
                 "probe 00:01.0 virtio_rng", "secrets", "rc: http start 80", "prompt"):
        assert want in names, (want, names)
    assert names[0] == "entry" and rows[0][:2] == (0, 0)
    assert names.index("clock") < names.index("pci scan") < names.index("prompt")
    ats = [at for at, _, _ in rows]
    assert ats == sorted(ats)
    for (prev, _, _), (at, delta, name) in zip(rows, rows[1:]):
        assert delta == at - prev, name
    # The prompt stage is the figure the boot line gives, to the rounding.
    m = re.search(r"boot: kernel entry to prompt in (\d+\.\d+) ms", guest.output())
    prompt_us = rows[names.index("prompt")][0]
    assert abs(prompt_us - float(m.group(1)) * 1000) < 200, (prompt_us, m.group(1))


def test_unknown_command_is_reported(guest):
    assert guest.cmd("frobnicate --now") == "frobnicate: command not found (try 'help')\n"
    assert guest.cmd('sysctl "net.core.somaxconn') == "nagare: unterminated quote\n"
    assert guest.cmd("   ") == ""


def test_commands_refuse_extra_arguments(guest):
    assert guest.cmd("uptime now") == "uptime: unexpected argument 'now'\n"
    assert guest.cmd("poweroff now") == "poweroff: unexpected argument 'now'\n"


def test_line_editing_backspace_ctrl_u_ctrl_c(guest):
    # Typo fixed with backspace (DEL) before Enter.
    pos = guest.mark()
    guest.send("sysctl -n net.core.somaxcomm\x7f\x7fnn\r")
    m = guest.wait_for(rb"\r\n(\d+)\r\nnagare# ", 30, start=pos)
    assert m.group(1) == b"4096" or m.group(1).isdigit()
    # Ctrl-U throws the typed text away; what follows runs alone.
    pos = guest.mark()
    guest.send("garbage words\x15sysctl -n net.ipv4.tcp_syncookies\r")
    m = guest.wait_for(rb"\r\n(\d+)\r\nnagare# ", 30, start=pos)
    assert m.group(1) == b"1"
    # Ctrl-C cancels the line and gives a fresh prompt.
    pos = guest.mark()
    guest.send("poweroff\x03")
    guest.wait_for(rb"\^C\r\nnagare# ", 30, start=pos)
    assert guest.alive()
    # Cursor keys: insert in the middle of the line.
    pos = guest.mark()
    guest.send("sysctl -n net.ipv4.tcp_fin_timout\x1b[D\x1b[D\x1b[De\r")
    m = guest.wait_for(rb"\r\n(\d+)\r\nnagare# ", 30, start=pos)
    assert m.group(1) == b"60"


def test_garbage_bytes_do_not_hurt(guest):
    pos = guest.mark()
    guest.send(bytes(range(128, 256)) + b"\x01\x02\x1b[99;99Z\x1b")
    guest.send("\x15\r")
    guest.wait_for(rb"nagare# ", 30, start=pos)
    assert guest.cmd("sysctl -n net.core.netdev_budget") == "300\n"


def test_overlong_line_is_refused_not_truncated_into_a_command(guest):
    pos = guest.mark()
    guest.send("x" * 400 + "\r")
    guest.wait_for(rb"command not found.*?nagare# ", 30, start=pos)
    out = guest.output(pos)
    assert "x" * 256 not in out  # the editor stopped at CONSOLE_LINE_MAX - 1
    assert guest.alive()


def test_typed_ahead_lines_run_in_order(guest):
    # Lines typed faster than the shell takes them: bytes reach the shell
    # both from the UART interrupt and from its polling fallback, and must
    # come out in the order they were typed.  A byte polled ahead of older
    # ones in the ring once turned "panic-test panic" into "ipanic-test panc"
    # in CI; the window is a few instructions wide, so this test rarely hits
    # it (it did not in five runs here) and checks the order in general.
    names = [("net.core.netdev_budget", "300"), ("net.ipv4.tcp_fin_timeout", "60"),
             ("net.ipv4.tcp_syncookies", "1")]
    lines = [names[i % 3] for i in range(24)]  # about 700 bytes, under the 1024-byte ring
    pos = guest.mark()
    guest.send("".join("sysctl -n %s\r" % n for n, _ in lines))
    deadline = time.monotonic() + 60
    while guest.output(pos).count("nagare# ") < len(lines) and time.monotonic() < deadline:
        time.sleep(0.2)
    out = guest.output(pos)
    assert "not found" not in out and "unknown key" not in out, out
    values = re.findall(r"^(\d+)\r?$", out, re.M)
    assert values == [v for _, v in lines], out
