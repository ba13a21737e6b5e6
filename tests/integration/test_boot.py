"""Boot paths and whole-machine behaviour: the UEFI image and the PVH
direct boot, memory sizes, boot files (nagare.rc, sysctl.conf), loader
failures, faults, power off, the clock against wall time, make run SCRIPT."""
import os
import re
import subprocess
import time

import pytest

import nagare

TOP = nagare.TOP


def boot(tmp_path, **kw):
    g = nagare.Guest(log=str(tmp_path / "console.log"), **kw).start()
    try:
        g.wait_prompt(timeout=180)
    except Exception:
        g.kill()
        raise
    return g


def test_uefi_image_boots_runs_commands_and_powers_off(tmp_path):
    g = boot(tmp_path, boot="uefi")
    try:
        out = g.output()
        assert "nagare version" in out and "booting via UEFI (nagare-loader 1)" in out
        assert "BdsDxe" not in out  # firmware text is not ours
        assert g.cmd("sysctl -n net.core.somaxconn") == "4096\n"
        # The loader placed the image where firmware had pages, not at the link address.
        base = int(re.search(r"kernel image at (0x[0-9a-f]+)", out).group(1), 16)
        assert base != 0x100000 and base % 4096 == 0
        assert g.poweroff() == 0  # ACPI S5
    finally:
        g.kill()


@pytest.mark.parametrize("boot_method,mem", [("uefi", 64), ("uefi", 2048), ("pvh", 64), ("pvh", 2048)])
def test_memory_sizes(tmp_path, boot_method, mem):
    g = boot(tmp_path, boot=boot_method, mem=mem)
    try:
        total = int(re.search(r"^Mem:\s+(\d+)", g.cmd("free"), re.M).group(1))
        assert mem * 1024 * 0.75 < total <= mem * 1024
        assert g.cmd("sysctl -n net.core.netdev_budget") == "300\n"
    finally:
        g.kill()


def test_uefi_boot_files_sysctl_conf_and_rc(tmp_path):
    conf = ("# comment\n; also a comment\n\nnet.core.somaxconn = 512\n"
            "this line has no equals sign\nnet.core.nosuch = 3\nnet.ipv4.tcp_syncookies = 7\n"
            "  net.ipv4.tcp_fin_timeout=30  \n-net.core.ignored = 1\n")
    rc = "# boot commands\nsysctl -w net.core.netdev_budget=600\nnosuchcommand\nsysctl -n net.core.somaxconn\n"
    img = nagare.esp_image(str(tmp_path / "img"), add={"sysctl.conf": conf, "nagare.rc": rc})
    g = boot(tmp_path, boot="uefi", image=img)
    try:
        out = g.output()
        assert "sysctl: applying sysctl.conf from the boot volume" in out
        assert "net.core.somaxconn = 512" in out
        assert "sysctl: sysctl.conf(5): invalid syntax, continuing..." in out
        assert "sysctl: cannot stat /proc/sys/net/core/nosuch: No such file or directory" in out
        assert 'sysctl: setting key "net.ipv4.tcp_syncookies": Invalid argument' in out
        assert "ignored" not in out
        # rc lines are echoed after the prompt; a failing one reports and boot goes on.
        assert "nagare# sysctl -w net.core.netdev_budget=600\nnet.core.netdev_budget = 600" in out
        assert "nagare# nosuchcommand\nnosuchcommand: command not found" in out
        assert "nagare# sysctl -n net.core.somaxconn\n512\n" in out
        assert g.cmd("sysctl -n net.ipv4.tcp_syncookies") == "1\n"  # refused value kept default
        assert g.cmd("sysctl -n net.ipv4.tcp_fin_timeout") == "30\n"
        assert g.cmd("sysctl -p") .startswith("net.core.somaxconn = 512")
    finally:
        g.kill()


def test_uefi_image_without_rc_uses_built_in(tmp_path):
    img = nagare.esp_image(str(tmp_path / "img"), remove=["nagare.rc"])
    g = nagare.Guest(boot="uefi", image=img, log=str(tmp_path / "log")).start()
    try:
        g.wait_for(rb"nagare-loader: no \\nagare\.rc", 180, start=0) if False else None
        g.wait_prompt(timeout=180)
        raw = nagare.clean(bytes(g.buf))
        assert "no \\nagare.rc" in raw and "built-in one" in raw
    finally:
        g.kill()


def test_loader_without_kernel_stops_with_a_message(tmp_path):
    img = nagare.esp_image(str(tmp_path / "img"), remove=["kernel.elf"])
    g = nagare.Guest(boot="uefi", image=img, log=str(tmp_path / "log")).start()
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and b"cannot boot, stopped" not in bytes(g.buf):
            time.sleep(0.2)
        raw = nagare.clean(bytes(g.buf))
        assert "nagare-loader: cannot read \\kernel.elf: Not Found" in raw
        assert "nagare-loader: cannot boot, stopped." in raw
        assert "@@LOADER ebs-ok" not in raw
    finally:
        g.kill()


def test_loader_rejects_a_file_that_is_not_elf(tmp_path):
    img = nagare.esp_image(str(tmp_path / "img"), add={"kernel.elf": b"MZ not an elf" * 100})
    g = nagare.Guest(boot="uefi", image=img, log=str(tmp_path / "log")).start()
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and b"cannot boot, stopped" not in bytes(g.buf):
            time.sleep(0.2)
        assert "nagare-loader: kernel.elf is not an ELF file" in nagare.clean(bytes(g.buf))
    finally:
        g.kill()


def test_pvh_module_raw_rc_and_cmdline(tmp_path):
    rc = tmp_path / "my.rc"
    rc.write_text("sysctl -w net.core.busy_poll=50\n")
    g = boot(tmp_path, boot="pvh", initrd=str(rc), append="console=ttyS0 quiet")
    try:
        assert "nagare# sysctl -w net.core.busy_poll=50\nnet.core.busy_poll = 50" in g.output()
        assert g.cmd("cat /proc/cmdline") == "sysctl.kernel.panic_on_warn=1 console=ttyS0 quiet\n"
        assert g.cmd("sysctl -n kernel.panic_on_warn") == "1\n"
    finally:
        g.kill()


def test_pvh_module_cpio_carries_rc_and_sysctl_conf(tmp_path):
    mod = tmp_path / "boot.cpio"
    mod.write_bytes(nagare.cpio_newc({"nagare.rc": "sysctl -n net.core.somaxconn\n",
                                      "sysctl.conf": "net.core.somaxconn=2048\n"}))
    g = boot(tmp_path, boot="pvh", initrd=str(mod))
    try:
        assert "nagare# sysctl -n net.core.somaxconn\n2048\n" in g.output()
    finally:
        g.kill()


def test_pvh_without_module_runs_the_built_in_rc(tmp_path):
    """Both boots come up configured alike: the image's nagare.rc is the built-in one."""
    with open(os.path.join(TOP, "kernel", "nagare.rc")) as f:
        commands = [l for l in f.read().splitlines() if l.strip() and not l.lstrip().startswith("#")]
    g = boot(tmp_path, boot="pvh")
    try:
        out = g.output()
        for c in commands:
            assert "nagare# " + c in out
    finally:
        g.kill()


@pytest.mark.parametrize("fault,text", [("pf", r"CPU exception 14 \(#PF page fault\)"),
                                        ("ud", r"CPU exception 6 \(#UD invalid opcode\)"),
                                        ("panic", r"Kernel panic - not syncing: panic-test requested")])
def test_fault_prints_register_dump_and_exits_nonzero(tmp_path, fault, text):
    g = boot(tmp_path, boot="pvh")
    try:
        g.send("panic-test %s\r" % fault)
        rc = g.wait_exit(60)
        out = g.output()
        assert rc == nagare.EXIT_PANIC
        assert re.search(text, out)
        assert "Call Trace:" in out and "cmd_panic_test" in out and "console_run" in out
        if fault != "panic":
            assert re.search(r"RAX: 0x[0-9a-f]{16} RBX: 0x[0-9a-f]{16}", out)
            assert re.search(r"CR2: 0x0000000000000008", out) or fault != "pf"
    finally:
        g.kill()


def test_reboot_resets_the_machine(tmp_path):
    g = boot(tmp_path, boot="pvh")
    try:
        g.send("reboot\r")
        assert g.wait_exit(60) == 0  # -no-reboot turns the reset into an exit
        assert "reboot: Restarting system" in g.output()
    finally:
        g.kill()


def test_uptime_agrees_with_wall_time(guest_long=None, tmp_path=None):
    g = nagare.Guest(boot="pvh").start()
    try:
        g.wait_prompt()
        a = float(g.cmd("cat /proc/uptime").split()[0])
        t0 = time.monotonic()
        time.sleep(30)
        b = float(g.cmd("cat /proc/uptime").split()[0])
        t1 = time.monotonic()
        # /proc/uptime has 10 ms resolution; the command round trips add a little.
        assert abs((b - a) - (t1 - t0)) <= 0.02 * (t1 - t0), (b - a, t1 - t0)
    finally:
        g.kill()


def test_make_run_script(tmp_path):
    script = tmp_path / "script.txt"
    script.write_text("sysctl -w net.core.somaxconn=77\nsysctl net.core.somaxconn\npoweroff\n")
    r = subprocess.run(["make", "-s", "run", "BOOT=pvh", "SCRIPT=%s" % script], cwd=TOP,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "nagare# sysctl net.core.somaxconn\nnet.core.somaxconn = 77\n" in r.stdout
    assert "reboot: Power down" in r.stdout
