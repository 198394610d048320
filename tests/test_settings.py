from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import cli
from kiosk.settings import ConfigError, Settings, load, render_docs, render_example, table

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_listen_on_loopback_only() -> None:
    assert Settings().web.host == "127.0.0.1"


def test_file_then_environment(tmp_path: Path) -> None:
    path = write(tmp_path, '[kiosk]\nname = "Opastamo"\n[web]\nport = 9000\n')
    s = load(path, environ={"KIOSK_WEB_PORT": "9100"})
    assert s.kiosk.name == "Opastamo"
    assert s.web.port == 9100
    assert s.source == str(path)


def test_unknown_key_names_key_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[web]\nprot = 9000\n")
    with pytest.raises(ConfigError) as err:
        load(path, environ={})
    assert "web.prot" in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize(
    "body, words",
    [
        ('[web]\nport = "many"\n', ["web.port", "'many'", "whole number"]),
        ("[web]\nport = 70000\n", ["web.port", "70000", "at most"]),
        ('[kiosk]\ndefault_language = "de"\n', ["kiosk.default_language", "'de'", "one of"]),
        ('[kiosk]\ndemo = "perhaps"\n', ["kiosk.demo", "true or false"]),
        ("name = 1\n", ["settings belong in [sections]"]),
        ("[web\n", ["not valid TOML"]),
        (
            '[speech]\nheadphone_card = "plughw:CARD=Device"\n',
            ["speech.headphone_card", "index or id"],
        ),
        ('[speech]\nheadphone_card = "-D"\n', ["speech.headphone_card"]),
        ("[speech]\nheadphone_poll_seconds = 0\n", ["speech.headphone_poll_seconds", "at least"]),
    ],
)
def test_bad_values_are_refused_with_key_value_and_file(
    tmp_path: Path, body: str, words: list[str]
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load(path, environ={})
    for word in words:
        assert word in str(err.value)
    assert str(path) in str(err.value)


def test_a_headphone_card_is_taken_by_index_or_id(tmp_path: Path) -> None:
    for card in ("1", "Device", "PCH", "Device_1"):
        path = write(tmp_path, f'[speech]\nheadphone_card = "{card}"\n')
        assert load(path, environ={}).speech.headphone_card == card
    assert load(None, environ={}, use_candidates=False).speech.headphone_card == ""


def test_unknown_environment_variable_is_refused() -> None:
    with pytest.raises(ConfigError, match="KIOSK_WEB_PROT"):
        load(None, environ={"KIOSK_WEB_PROT": "1"}, use_candidates=False)


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load(tmp_path / "nope.toml", environ={})


def test_every_setting_is_documented() -> None:
    """docs/configuration.md is generated from the table and must be current."""
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for row in table():
        assert f"### `{row.name}`" in doc, f"{row.name} missing from docs/configuration.md"
    assert doc == render_docs(), "run: kiosk settings-doc > docs/configuration.md"


def test_every_setting_has_help_and_unique_env_name() -> None:
    rows = table()
    assert all(r.help.strip() for r in rows)
    assert len({r.env for r in rows}) == len(rows)


def test_example_config_is_valid_and_complete() -> None:
    example = ROOT / "kiosk.example.toml"
    load(example, environ={})
    text = example.read_text(encoding="utf-8")
    assert text == render_example(), "run: kiosk settings-example > kiosk.example.toml"
    for row in table():
        assert f"{row.key} =" in text, f"{row.name} missing from kiosk.example.toml"


def test_check_config_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, "[web]\nport = 8081\n")
    assert cli.main(["check-config", str(good)]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[web]\nport = -1\n")
    assert cli.main(["check-config", str(bad)]) == 1
    assert "web.port" in capsys.readouterr().err
