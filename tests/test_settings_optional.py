"""Optional settings (``int | None``): GPIO pins that may be left unconnected."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import settings as st


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_pins_default_to_not_connected() -> None:
    s = st.load(environ={}, use_candidates=False)
    assert s.gpio.pir_pin is None
    assert s.gpio.call_staff_pin is None
    assert s.display.kind == "none"


def test_pin_from_toml_and_env(tmp_path: Path) -> None:
    path = write(tmp_path, "[gpio]\nenabled = true\npir_pin = 4\n")
    s = st.load(path, environ={"KIOSK_GPIO_STAFF_BUTTON_PIN": "17"})
    assert (s.gpio.pir_pin, s.gpio.staff_button_pin) == (4, 17)


@pytest.mark.parametrize("value", ["", "none", " None "])
def test_empty_or_none_means_not_connected(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, "[gpio]\npir_pin = 4\n")
    s = st.load(path, environ={"KIOSK_GPIO_PIR_PIN": value})
    assert s.gpio.pir_pin is None
    assert (
        st.load(write(tmp_path, f'[gpio]\npir_pin = "{value}"\n'), environ={}).gpio.pir_pin is None
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("pir_pin = 28", "must be at most 27"),
        ("pir_pin = -1", "must be at least 0"),
        ('pir_pin = "four"', "expected a whole number"),
        ("pir_pin = 4.5", "expected a whole number"),
        ("pir_pin = true", "expected a whole number"),
    ],
)
def test_bad_pin_is_refused_with_its_key(tmp_path: Path, text: str, fragment: str) -> None:
    path = write(tmp_path, f"[gpio]\n{text}\n")
    with pytest.raises(st.ConfigError) as err:
        st.load(path, environ={})
    assert "gpio.pir_pin" in str(err.value)
    assert fragment in str(err.value)
    assert str(path) in str(err.value)


def test_display_section_choices(tmp_path: Path) -> None:
    path = write(tmp_path, '[display]\nkind = "backlight"\n')
    assert st.load(path, environ={}).display.kind == "backlight"
    with pytest.raises(st.ConfigError, match=r"display\.kind"):
        st.load(write(tmp_path, '[display]\nkind = "hdmi"\n'), environ={})


def test_optional_settings_are_documented() -> None:
    doc = st.render_docs()
    assert "### `gpio.pir_pin`" in doc
    assert "type: int | None; default: `None`" in doc
    assert "### `display.backlight_path`" in doc
