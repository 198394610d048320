"""kiosk-config at boot: key off the FAT, settings checked, Wi-Fi and time zone set."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk import bootconfig
from kiosk.bootconfig import BootConfig, read_config_error

GOOD = """\
[kiosk]
id = "k-000042"
name = "Opastamo"
timezone = "Europe/Helsinki"

[network]
wifi_ssid = "Akseli Guest"
wifi_password = "salasana123"
wifi_country = "FI"
"""


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    paths = {n: tmp_path / n for n in ("boot", "data", "root", "run")}
    for p in paths.values():
        p.mkdir()
    return paths


def job(layout: dict[str, Path], **kw: object) -> BootConfig:
    calls: list[list[str]] = []
    return BootConfig(
        boot=layout["boot"],
        data_dir=layout["data"],
        root=layout["root"],
        error_file=layout["run"] / "config-error.txt",
        runner=lambda cmd: calls.append(list(cmd)),
        **kw,  # type: ignore[arg-type]
    )


def pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_good_config_applies_wifi_timezone_and_moves_key(layout: dict[str, Path]) -> None:
    key = Ed25519PrivateKey.generate()
    (layout["boot"] / "kiosk.toml").write_text(GOOD)
    (layout["boot"] / "kiosk-key.pem").write_bytes(pem(key))
    (layout["run"] / "config-error.txt").write_text("old error")

    assert job(layout).apply() is True

    moved = layout["data"] / "keys" / "kiosk.key"
    assert not (layout["boot"] / "kiosk-key.pem").exists()
    assert stat.S_IMODE(moved.stat().st_mode) == 0o600
    loaded = serialization.load_pem_private_key(moved.read_bytes(), None)
    assert isinstance(loaded, Ed25519PrivateKey)
    assert loaded.public_key() == key.public_key()

    profile = layout["root"] / bootconfig.WIFI_PROFILE
    assert stat.S_IMODE(profile.stat().st_mode) == 0o600
    text = profile.read_text()
    assert "ssid=Akseli Guest" in text and "psk=salasana123" in text

    localtime = layout["root"] / "etc/localtime"
    assert str(localtime.readlink()) == "/usr/share/zoneinfo/Europe/Helsinki"
    assert (layout["root"] / "etc/timezone").read_text() == "Europe/Helsinki\n"
    assert read_config_error(layout["run"] / "config-error.txt") is None


def test_bad_config_writes_the_error_page_message_and_exits_zero(
    layout: dict[str, Path],
) -> None:
    (layout["boot"] / "kiosk.toml").write_text('[web]\nport = "eighty"\n')
    code = bootconfig.main(
        [
            "--boot",
            str(layout["boot"]),
            "--data-dir",
            str(layout["data"]),
            "--root",
            str(layout["root"]),
            "--error-file",
            str(layout["run"] / "config-error.txt"),
        ]
    )
    assert code == 0
    message = read_config_error(layout["run"] / "config-error.txt")
    assert message is not None and "web.port" in message
    assert not (layout["root"] / "etc").exists()


def test_missing_config_is_reported(layout: dict[str, Path]) -> None:
    assert job(layout).apply() is False
    message = read_config_error(layout["run"] / "config-error.txt")
    assert message is not None and "no kiosk.toml" in message


def test_dry_run_writes_nothing_and_fails_on_bad_config(layout: dict[str, Path]) -> None:
    (layout["boot"] / "kiosk.toml").write_text("[kiosk]\nnope = 1\n")
    (layout["boot"] / "kiosk-key.pem").write_bytes(pem(Ed25519PrivateKey.generate()))
    args = ["--boot", str(layout["boot"]), "--data-dir", str(layout["data"])]
    args += ["--root", str(layout["root"]), "--error-file", str(layout["run"] / "e.txt")]
    assert bootconfig.main([*args, "--dry-run"]) == 1
    assert (layout["boot"] / "kiosk-key.pem").exists()
    assert list(layout["data"].iterdir()) == []
    assert not (layout["run"] / "e.txt").exists()


def test_a_broken_key_stays_on_the_card_and_is_reported(layout: dict[str, Path]) -> None:
    (layout["boot"] / "kiosk.toml").write_text(GOOD)
    (layout["boot"] / "kiosk-key.pem").write_text("not a key")
    assert job(layout).apply() is False
    assert (layout["boot"] / "kiosk-key.pem").exists()
    assert "Ed25519" in (read_config_error(layout["run"] / "config-error.txt") or "")


def test_no_ssid_removes_an_old_wifi_profile(layout: dict[str, Path]) -> None:
    profile = layout["root"] / bootconfig.WIFI_PROFILE
    profile.parent.mkdir(parents=True)
    profile.write_text("old")
    (layout["boot"] / "kiosk.toml").write_text('[kiosk]\nid = "k-000001"\n')
    assert job(layout).apply() is True
    assert not profile.exists()


def test_open_network_has_no_security_section() -> None:
    assert "wifi-security" not in bootconfig.nmconnection("Kirjasto", "")


def test_short_wifi_password_is_a_config_error(layout: dict[str, Path]) -> None:
    (layout["boot"] / "kiosk.toml").write_text('[network]\nwifi_ssid = "x"\nwifi_password = "1"\n')
    assert job(layout).apply() is False
    assert not (layout["root"] / bootconfig.WIFI_PROFILE).exists()


def test_unknown_time_zone_is_a_config_error(layout: dict[str, Path]) -> None:
    (layout["boot"] / "kiosk.toml").write_text('[kiosk]\ntimezone = "Mars/Olympus"\n')
    assert job(layout).apply() is False
    assert "Mars/Olympus" in (read_config_error(layout["run"] / "config-error.txt") or "")


def test_command_registers_on_the_main_parser(layout: dict[str, Path]) -> None:
    parser = argparse.ArgumentParser(prog="kiosk")
    bootconfig.add_parser(parser.add_subparsers(dest="command"))
    (layout["boot"] / "kiosk.toml").write_text('[kiosk]\nid = "k-000003"\n')
    args = parser.parse_args(
        ["apply-boot-config", "--boot", str(layout["boot"]), "--data-dir", str(layout["data"]),
         "--root", str(layout["root"]), "--error-file", str(layout["run"] / "e.txt"), "--dry-run"]
    )  # fmt: skip
    assert args.command == "apply-boot-config"
    assert bootconfig.run(args) == 0
    assert not (layout["root"] / "etc").exists()


def test_a_missing_tool_does_not_stop_the_boot(capsys: pytest.CaptureFixture[str]) -> None:
    bootconfig._run(["no-such-tool-for-the-kiosk", "reg", "set", "FI"])
    assert "no-such-tool-for-the-kiosk" in capsys.readouterr().err


def test_a_failing_step_is_reported_and_the_rest_still_runs(layout: dict[str, Path]) -> None:
    (layout["boot"] / "kiosk.toml").write_text(GOOD)
    blocked = layout["root"] / "etc"
    blocked.write_text("a file where /etc should be")
    assert job(layout).apply() is False
    message = read_config_error(layout["run"] / "config-error.txt") or ""
    assert "Wi-Fi" in message and "time zone" in message
