"""The units and the settings agree: what kiosk.toml asks for, the sandboxes allow.

systemd is not PID 1 on a build machine, so nothing here starts a unit. What can be
checked without one is checked: the web unit's environment and writable paths against
the heartbeat the watch reads (and the app really writing it there); the drop-ins
kiosk-config writes from kiosk.toml, read back by systemd's own parser
(``systemd-analyze verify`` and ``security`` of the unit with its drop-in beside it);
the browser session's rotation with a stand-in wlr-randr.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from kiosk.app import create_app
from kiosk.bootconfig import DROPIN_NAME, BootConfig, unit_dropins
from kiosk.heartbeat_watch import HEARTBEAT_FILE
from kiosk.settings import Settings, load
from provisioning import render
from provisioning.kiosks_csv import parse
from tests.conftest import csrf_token
from tests.test_systemd_units import exposure, needs_analyze, unexpected_verify_messages

REPO = Path(__file__).resolve().parent.parent
UNITS = REPO / "systemd"
SESSION = REPO / "provisioning/pi-gen/stage-kiosk/02-system/files/kiosk-browser-session.sh"


def directives(unit: str, key: str) -> list[str]:
    text = (UNITS / unit).read_text()
    return [m.group(1).strip() for m in re.finditer(rf"^{key}=(.*)$", text, re.MULTILINE)]


def unit_environment(unit: str) -> dict[str, str]:
    env = {}
    for value in directives(unit, "Environment"):
        name, _, val = value.partition("=")
        env[name] = val
    return env


def watched_file() -> str:
    (command,) = directives("kiosk-browser-watch.service", "ExecStart")
    return command.split("--file", 1)[1].split()[0]


def test_the_web_unit_sets_the_heartbeat_the_watch_reads() -> None:
    env = unit_environment("kiosk-web.service")
    path = env["KIOSK_WEB_HEARTBEAT_FILE"]
    assert path == watched_file() == str(HEARTBEAT_FILE)
    writable = [p.lstrip("-") for p in directives("kiosk-web.service", "ReadWritePaths")]
    assert any(Path(path).is_relative_to(w) for w in writable), writable
    # The folder exists at boot, owned by the web app's user (tmpfiles.d).
    tmpfiles = (UNITS / "tmpfiles.d/kiosk.conf").read_text()
    assert re.search(rf"^d {re.escape(str(Path(path).parent))} \S+ kiosk kiosk", tmpfiles, re.M)


def test_a_provisioned_kiosk_writes_its_heartbeat_where_the_watch_reads(tmp_path: Path) -> None:
    """kiosk.toml as kiosk-provision writes it, plus the unit's environment, with /run
    moved to a scratch folder: the page's heartbeat lands in the file the watch reads."""
    (kiosk,) = parse("id,name,hub_url\nk-000004,Neljä,https://hub.example.fi\n")
    toml = tmp_path / "kiosk.toml"
    toml.write_text(render.kiosk_toml(kiosk, made=date(2026, 11, 1)))
    run = tmp_path / "run"
    env = {
        name: value.replace("/run/", f"{run}/")
        for name, value in unit_environment("kiosk-web.service").items()
        if name.startswith("KIOSK_")
    }
    settings = load(toml, environ=env, use_candidates=False)
    assert settings.web.heartbeat_file == f"{run}/kiosk/heartbeat"
    assert settings.catalog.refresh_in_app is False
    app = create_app(settings.replace(kiosk={"data_dir": str(tmp_path / "data")}))
    try:
        client = app.test_client()
        token = csrf_token(client)
        assert client.post("/heartbeat", headers={"X-CSRFToken": token}).status_code == 204
    finally:
        app.extensions["kiosk"].close()
    assert Path(watched_file().replace("/run/", f"{run}/")).stat().st_size > 0


def test_wlr_randr_in_the_web_unit_finds_the_browsers_wayland_socket() -> None:
    web = unit_environment("kiosk-web.service")
    browser = (UNITS / "kiosk-browser.service").read_text()
    assert "RuntimeDirectory=kiosk-browser" in browser
    assert "XDG_RUNTIME_DIR=${RUNTIME_DIRECTORY} /usr/bin/cage" in browser
    assert web["XDG_RUNTIME_DIR"] == "/run/kiosk-browser"
    assert web["WAYLAND_DISPLAY"] == "wayland-0"
    # ProtectHome= hides /home, /root and /run/user only: /run/kiosk-browser stays visible.
    assert not web["XDG_RUNTIME_DIR"].startswith(("/run/user", "/home", "/root"))


APPLIANCE = Settings().replace(
    catalog={
        "feed_url": "https://feed.example.fi/events.ics",
        "feed_addresses": ["203.0.113.7", "2001:db8::/64"],
        "refresh_minutes": 30,
    },
    printer={"kind": "network", "host": "192.168.1.50"},
    display={"rotation": 90},
)


def test_drop_ins_allow_exactly_the_hosts_the_settings_name() -> None:
    texts, problems = unit_dropins(APPLIANCE)
    assert problems == []
    allow = re.compile(r"^IPAddressAllow=(.*)$", re.M)
    assert allow.findall(texts["kiosk-feed.service"]) == ["203.0.113.7/32", "2001:db8::/64"]
    assert allow.findall(texts["kiosk-web.service"]) == ["192.168.1.50/32"]
    assert "OnUnitActiveSec=\nOnUnitActiveSec=30min" in texts["kiosk-feed.timer"]
    assert "Environment=KIOSK_ROTATION=90" in texts["kiosk-browser.service"]
    # A kiosk with neither: the web app and the feed reach localhost only.
    plain, _ = unit_dropins(Settings())
    assert "kiosk-web.service" not in plain and "kiosk-feed.service" not in plain


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"printer": {"kind": "network", "host": "printer.local"}}, "printer.host"),
        ({"catalog": {"feed_addresses": ["feed.example.fi"]}}, "catalog.feed_addresses"),
    ],
)
def test_names_where_addresses_belong_are_refused(change: dict, named: str) -> None:  # type: ignore[type-arg]
    texts, problems = unit_dropins(Settings().replace(**change))
    assert len(problems) == 1 and named in problems[0]
    assert "kiosk-web.service" not in texts and "kiosk-feed.service" not in texts


def test_the_backlight_file_is_opened_up_by_its_real_path(tmp_path: Path) -> None:
    device = tmp_path / "sys/devices/platform/dsi/backlight/11-0045"
    device.mkdir(parents=True)
    (device / "bl_power").write_text("0\n")
    links = tmp_path / "sys/class/backlight"
    links.mkdir(parents=True)
    (links / "11-0045").symlink_to(device)
    settings = Settings().replace(display={"kind": "backlight"})
    texts, _ = unit_dropins(settings, root=tmp_path)
    expected = "ReadWritePaths=/sys/devices/platform/dsi/backlight/11-0045/bl_power"
    assert expected in texts["kiosk-web.service"]


def test_kiosk_config_writes_and_removes_the_drop_ins(tmp_path: Path) -> None:
    boot, root = tmp_path / "boot", tmp_path / "root"
    boot.mkdir()
    (boot / "kiosk.toml").write_text(
        '[kiosk]\nid = "k-000001"\n[printer]\nkind = "network"\nhost = "10.0.0.9"\n'
    )
    calls: list[list[str]] = []
    job = BootConfig(
        boot=boot,
        data_dir=tmp_path / "data",
        root=root,
        error_file=tmp_path / "err.txt",
        runner=lambda c: calls.append(list(c)),
    )
    assert job.apply()
    web = root / "run/systemd/system/kiosk-web.service.d" / DROPIN_NAME
    assert "IPAddressAllow=10.0.0.9/32" in web.read_text()
    (boot / "kiosk.toml").write_text('[kiosk]\nid = "k-000001"\n')
    assert BootConfig(boot=boot, data_dir=tmp_path / "data", root=root,
                      error_file=tmp_path / "err.txt").apply()  # fmt: skip
    assert not web.exists()


@needs_analyze
@pytest.mark.parametrize("unit", ["kiosk-web.service", "kiosk-feed.service", "kiosk-feed.timer",
                                  "kiosk-browser.service"])  # fmt: skip
def test_systemd_reads_the_drop_ins(unit: str, tmp_path: Path) -> None:
    texts, _ = unit_dropins(APPLIANCE)
    shutil.copy(UNITS / unit, tmp_path / unit)
    (tmp_path / f"{unit}.d").mkdir()
    (tmp_path / f"{unit}.d" / DROPIN_NAME).write_text(texts[unit])
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / unit)],
                            capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert unexpected_verify_messages(result.stdout + result.stderr) == []
    if unit.endswith(".service"):
        command = ["systemd-analyze", "security", "--offline=true", str(tmp_path / unit)]
        out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
        if "IPAddressAllow" in texts[unit]:
            # systemd's own reading of the merged unit: the allow-list now names hosts.
            assert "allow list with non-localhost entries" in out
        assert exposure(tmp_path / unit) <= (1.9 if unit == "kiosk-web.service" else 5.0)


def test_the_feed_unit_denies_every_address_but_its_allow_list() -> None:
    assert directives("kiosk-feed.service", "IPAddressDeny") == ["any"]
    assert directives("kiosk-feed.service", "IPAddressAllow") == ["localhost"]
    assert directives("kiosk-web.service", "IPAddressDeny") == ["any"]
    assert directives("kiosk-web.service", "IPAddressAllow") == ["localhost"]
    # The refresh reads in the bounded import process, which lowers its own limits.
    assert "prlimit64" in directives("kiosk-feed.service", "SystemCallFilter")
    (command,) = directives("kiosk-feed.service", "ExecStart")
    assert command.endswith("kiosk refresh-catalogue")


def test_the_browser_session_turns_every_output_then_starts_the_browser(tmp_path: Path) -> None:
    log = tmp_path / "calls.txt"
    fake = tmp_path / "bin" / "wlr-randr"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {log}\n'
        'if [ $# -eq 0 ]; then printf \'DSI-1 "Touch Display"\\n  Enabled: yes\\n'
        'HDMI-A-1 "Monitor"\\n  Enabled: yes\\n\'; fi\n'
    )
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}", "KIOSK_ROTATION": "90"}
    done = subprocess.run(["sh", str(SESSION), "echo", "browser", "started"],
                          capture_output=True, text=True, env=env, check=True)  # fmt: skip
    assert done.stdout.strip() == "browser started"
    assert log.read_text().splitlines() == [
        "",
        "--output DSI-1 --transform 90",
        "--output HDMI-A-1 --transform 90",
    ]
    bad = subprocess.run(["sh", str(SESSION), "echo", "still", "started"], capture_output=True,
                         text=True, env={**env, "KIOSK_ROTATION": "45"}, check=True)  # fmt: skip
    assert bad.stdout.strip() == "still started" and "expected 0, 90" in bad.stderr
