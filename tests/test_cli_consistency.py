"""The two programs' command lines: --config in the same place for every kiosk command,
each program's environment variables under its own prefix, and exit codes that say why."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hub.config import HubConfig
from kiosk.cli import build_parser
from kiosk.cli import main as kiosk_main
from kiosk.settings import load
from tests.serve_support import free_port

# The arguments each command needs besides --config.
NEEDS = {"print-slip": ["a-1"], "import": ["catalogue.csv"], "check-config": []}


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", commands())
def test_every_command_takes_config_before_and_after_it(command: str) -> None:
    parser = build_parser()
    rest = NEEDS.get(command, [])
    before = parser.parse_args(["--config", "k.toml", command, *rest])
    after = parser.parse_args([command, *rest, "--config", "k.toml"])
    assert "k.toml" in (before.config, getattr(before, "config_local", None))
    assert getattr(after, "config_local", None) == "k.toml"


def test_upload_reads_config_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n')
    assert kiosk_main(["upload", "--config", str(config)]) == 0
    assert "upload is off" in capsys.readouterr().out
    assert kiosk_main(["keygen", "--config", str(config)]) == 0
    assert (tmp_path / "data" / "keys" / "kiosk.key").exists()
    other = tmp_path / "other.toml"
    other.write_text("")
    assert kiosk_main(["--config", str(other), "upload", "--config", str(config)]) == 2
    assert "two configuration files given" in capsys.readouterr().err


def test_the_kiosk_ignores_the_hubs_variables_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        settings = load(environ={"KIOSK_HUB_DATA_DIR": "/srv/hub", "HUB_DATA_DIR": "/srv/hub"},
                        use_candidates=False)  # fmt: skip
    assert settings.kiosk.data_dir == ""
    assert "KIOSK_HUB_DATA_DIR is a setting of the hub" in caplog.text
    with pytest.raises(Exception, match="unknown setting variable KIOSK_PRINTER_SPEED"):
        load(environ={"KIOSK_PRINTER_SPEED": "1"}, use_candidates=False)


def test_the_hub_reads_hub_variables_and_the_old_names_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    new = HubConfig.from_env(None, {"HUB_DATA_DIR": str(tmp_path), "HUB_SETTLE_DAYS": "5"})
    assert new.data_dir == tmp_path and new.settle_days == 5
    with caplog.at_level(logging.WARNING):
        old = HubConfig.from_env(None, {"KIOSK_HUB_DATA_DIR": "/old", "KIOSK_HUB_SETTLE_DAYS": "4"})
    assert str(old.data_dir) == "/old" and old.settle_days == 4
    assert "KIOSK_HUB_DATA_DIR is the old name of HUB_DATA_DIR" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        both = HubConfig.from_env(None, {"KIOSK_HUB_DATA_DIR": "/old", "HUB_DATA_DIR": "/new"})
    assert str(both.data_dir) == "/new" and "KIOSK_HUB_DATA_DIR is ignored" in caplog.text


def test_upload_says_why_nothing_was_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.upload.commands.TIME_SYNCED", tmp_path / "not-synchronised")
    nobody = f"http://127.0.0.1:{free_port()}"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n'
        f'[upload]\nhub_url = "{nobody}"\ntries = 1\ntimeout_seconds = 2\n'
    )
    assert kiosk_main(["keygen", "--config", str(config)]) == 0
    capsys.readouterr()
    # The clock not synchronised since boot, and nobody answers.
    code = kiosk_main(["upload", "--config", str(config), "--now", "2026-11-03T02:30"])
    said = capsys.readouterr().out
    assert code == 2
    assert "the hub could not be reached (no answer: URLError" in said
    assert "days stay open: the clock has not been synchronised" in said
    code = kiosk_main(["upload", "--no-send", "--config", str(config), "--now", "2026-11-03T02:30"])
    assert code == 4 and "days stay open" in capsys.readouterr().out
