"""The appliance's systemd units: valid syntax, hardened web service, sane timers.

``systemd-analyze verify`` checks each unit as systemd itself would load it. It
also reports commands that do not exist on this machine (the kiosk's venv, cage);
exactly those messages are accepted, anything else fails the test.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNITS_DIR = Path(__file__).resolve().parent.parent / "systemd"
# The appliance's units, and the hub server's (systemd/hub/, not put on the kiosk image).
UNITS = sorted(
    p
    for d in (UNITS_DIR, UNITS_DIR / "hub")
    for p in d.iterdir()
    if p.suffix in {".service", ".timer"}
)
# Installed in the image, absent on a build machine.
IMAGE_ONLY_COMMANDS = {
    "/opt/kiosk/venv/bin/kiosk",
    "/opt/kiosk/venv/bin/python",
    "/usr/bin/cage",
    "/usr/bin/chromium",
    "/usr/local/sbin/kiosk-growdata",
    "/opt/kiosk-hub/venv/bin/kiosk-hub",  # the hub server's venv (docs/hub-install.md)
}
MISSING_COMMAND = re.compile(r"^\S+: Command (\S+) is not executable: No such file or directory$")

needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze not installed (Debian package systemd; make system-deps)",
)


def unexpected_verify_messages(output: str) -> list[str]:
    bad = []
    for line in output.splitlines():
        match = MISSING_COMMAND.match(line.strip())
        if line.strip() and not (match and match.group(1) in IMAGE_ONLY_COMMANDS):
            bad.append(line)
    return bad


def verify(path: Path) -> list[str]:
    result = subprocess.run(
        ["systemd-analyze", "verify", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return unexpected_verify_messages(result.stdout + result.stderr)


def test_there_are_units_to_check() -> None:
    names = {p.name for p in UNITS}
    assert {
        "kiosk-web.service",
        "kiosk-browser.service",
        "kiosk-config.service",
        "kiosk-upload.service",
        "kiosk-upload.timer",
        "kiosk-upload-retry.timer",
        "kiosk-browser-watch.service",
        "kiosk-browser-watch.timer",
        "kiosk-hub.service",
    } <= names


@needs_analyze
@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_verifies(unit: Path) -> None:
    assert verify(unit) == []


@needs_analyze
def test_verify_catches_a_broken_unit(tmp_path: Path) -> None:
    broken = tmp_path / "kiosk-web.service"
    text = (UNITS_DIR / "kiosk-web.service").read_text()
    broken.write_text(text.replace("Restart=always", "Restart=sometimes\nFrobnicate=yes"))
    problems = verify(broken)
    assert any("Frobnicate" in p for p in problems)
    assert any("sometimes" in p for p in problems)


def test_filter_accepts_only_image_only_commands() -> None:
    ok = "kiosk-web.service: Command /usr/bin/cage is not executable: No such file or directory"
    other = "x.service: Command /usr/bin/rm is not executable: No such file or directory"
    assert unexpected_verify_messages(ok) == []
    assert unexpected_verify_messages(other) == [other]


def exposure(unit: Path) -> float:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", str(unit)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if "--offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("systemd-analyze security --offline needs systemd 250 or newer")
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert match, result.stdout + result.stderr
    return float(match.group(1))


SERVICES = [u for u in UNITS if u.suffix == ".service"]
# The web app shows what passers-by touch and what files bring: it stays the tightest.
WEB_LIMIT = 2.0
# Every other unit: at most "OK" in systemd's words; what remains is explained in it.
UNIT_LIMIT = 5.0
# The hub faces the internet (through its proxy) and needs only its data and the network.
HUB_LIMIT = 2.0


@needs_analyze
@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_unit_exposure(unit: Path, capsys: pytest.CaptureFixture[str]) -> None:
    score = exposure(unit)
    with capsys.disabled():
        print(f"\n{unit.name} exposure (systemd-analyze security): {score}")
    limits = {"kiosk-web.service": WEB_LIMIT - 0.1, "kiosk-hub.service": HUB_LIMIT}
    assert score <= limits.get(unit.name, UNIT_LIMIT)


def test_no_trailing_comments() -> None:
    # systemd reads "Key=value # note" as the value "value # note".
    files = [*UNITS, *UNITS_DIR.glob("*.conf.d/*.conf")]
    for path in files:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            stripped = line.strip()
            if stripped and not stripped.startswith(("#", ";")):
                assert " #" not in stripped, f"{path.name}:{number}: trailing comment"


def read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def test_hardware_watchdog_is_at_most_fifteen_seconds() -> None:
    conf = read_ini(UNITS_DIR / "system.conf.d" / "kiosk-watchdog.conf")
    assert 0 < int(conf["Manager"]["RuntimeWatchdogSec"]) <= 15
    assert conf["Manager"]["RebootWatchdogSec"]


def test_journal_is_volatile() -> None:
    conf = read_ini(UNITS_DIR / "journald.conf.d" / "kiosk.conf")
    assert conf["Journal"]["Storage"] == "volatile"


def test_nightly_timer_settings() -> None:
    timer = read_ini(UNITS_DIR / "kiosk-upload.timer")["Timer"]
    assert timer["OnCalendar"].endswith("02:30:00 Europe/Helsinki")
    assert timer["FixedRandomDelay"] == "true"
    assert timer["Persistent"] == "true"
    assert timer["RandomizedDelaySec"]


def test_web_service_is_notify_with_watchdog() -> None:
    service = read_ini(UNITS_DIR / "kiosk-web.service")["Service"]
    assert service["Type"] == "notify"
    assert service["WatchdogSec"]
    assert service["User"] == "kiosk"


def test_the_web_unit_lets_the_kiosk_reach_every_device_it_drives() -> None:
    # DevicePolicy=closed refuses every device node not allowed by name or class, and
    # the kiosk user reaches a node only through its group: both are needed.
    lines = (UNITS_DIR / "kiosk-web.service").read_text().splitlines()
    allowed = {
        line.split("=", 1)[1].split()[0] for line in lines if line.startswith("DeviceAllow=")
    }
    groups = next(line for line in lines if line.startswith("SupplementaryGroups=")).split("=")[1]
    drives = {
        "a printer on the Pi's UART": ("/dev/serial0", "dialout"),
        "a USB-serial printer": ("char-ttyUSB", "dialout"),
        "a USB printer": ("char-usb", "lp"),
        "buttons, sensors and the status light": ("char-gpiochip", "gpio"),
        "speech and the headphone jack": ("char-alsa", "audio"),
    }
    for what, (node, group) in drives.items():
        assert node in allowed and group in groups.split(), what
    assert "DevicePolicy=closed" in lines


def test_browser_uses_the_design_flags_and_a_tmpfs_profile() -> None:
    text = (UNITS_DIR / "kiosk-browser.service").read_text()
    for flag in (
        "--kiosk",
        "--hide-crash-restore-bubble",
        "--noerrdialogs",
        "--no-first-run",
        "--disable-pinch",
        "--overscroll-history-navigation=0",
        "--user-data-dir=${RUNTIME_DIRECTORY}",
        # A small-memory Pi (docs/performance.md).
        "--disable-features=TranslateUI,BackForwardCache,WebUIOmniboxPopup,WebUIOmniboxAimPopup",
        "--enable-features=NetworkServiceInProcess2",
        "--enable-low-end-device-mode",
        "--optimization-guide-performance-class=2",
    ):
        assert flag in text
    assert "RuntimeDirectory=kiosk-browser" in text


# --- the import process under kiosk-web.service's system call filter -------------

ROOT = UNITS_DIR.parent
needs_strace = pytest.mark.skipif(
    shutil.which("strace") is None, reason="strace not installed (make system-deps)"
)


def syscall_group(name: str) -> set[str]:
    """The system calls of a systemd group such as @system-service, nested groups expanded."""
    out = subprocess.run(
        ["systemd-analyze", "syscall-filter", "--no-pager", name],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    calls: set[str] = set()
    for line in out.splitlines()[1:]:
        word = line.strip()
        if word and not word.startswith("#"):
            calls |= syscall_group(word) if word.startswith("@") else {word}
    return calls


def allowed_syscalls(unit: Path) -> set[str]:
    """What a unit's SystemCallFilter= lines allow, applied in order as systemd does: the
    first (an allow list) sets the default, a later ~list removes, a later list adds."""
    allowed: set[str] | None = None
    for line in unit.read_text().splitlines():
        if not line.startswith("SystemCallFilter="):
            continue
        value = line.split("=", 1)[1].strip()
        names: set[str] = set()
        for word in value.lstrip("~").split():
            names |= syscall_group(word) if word.startswith("@") else {word}
        if allowed is None:
            assert not value.startswith("~"), "the first filter is expected to be an allow list"
            allowed = names
        elif value.startswith("~"):
            allowed -= names
        else:
            allowed |= names
    assert allowed is not None, f"{unit.name} has no SystemCallFilter"
    return allowed


def test_the_filter_reading_matches_systemd() -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not installed (make system-deps)")
    allowed = allowed_syscalls(UNITS_DIR / "kiosk-web.service")
    assert "read" in allowed and "execve" in allowed
    assert "reboot" not in allowed and "setpriority" not in allowed  # @privileged, @resources


@needs_analyze
@needs_strace
def test_the_import_process_may_lower_its_limits_under_the_web_unit(tmp_path: Path) -> None:
    from dataclasses import asdict

    from kiosk.catalog.importers import Limits
    from kiosk.settings import Settings

    request = {
        "source": str(ROOT / "tests" / "data" / "kohtaamispaikka-bom.csv"),
        "today": "2026-10-01",
        "limits": asdict(Limits.from_settings(Settings())),
        "fetch_timeout": 20,
    }
    trace = tmp_path / "trace.txt"
    child = [sys.executable, "-I", "-m", "kiosk.catalog.import_child"]
    limits = ["--memory-mb", "256", "--cpu-seconds", "30"]
    strace = ["strace", "-f", "-qq", "-o", str(trace), "-e", "trace=setrlimit,prlimit64"]
    done = subprocess.run(
        [*strace, *child, *limits],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if "Operation not permitted" in done.stderr and "ptrace" in done.stderr.lower():
        pytest.skip("tracing is not permitted here (ptrace)")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["activities"]) == 3
    # Calls that set a limit: setrlimit(resource, new) or prlimit64(pid, resource, new, old).
    setting = re.compile(r"^(?:\d+\s+)?(setrlimit|prlimit64)\((?:0, )?RLIMIT_\w+, \{")
    used = {m.group(1) for line in trace.read_text().splitlines() if (m := setting.match(line))}
    assert used, trace.read_text()
    allowed = allowed_syscalls(UNITS_DIR / "kiosk-web.service")
    assert used <= allowed, f"refused by kiosk-web.service: {sorted(used - allowed)}"
