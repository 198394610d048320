"""Display power: wlr-randr under cage, the DSI backlight in sysfs, the fake."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from hardware.display import (
    Backlight,
    DisplayError,
    FakeDisplay,
    NoDisplay,
    WlrRandr,
    make_display,
)


class FakeRunner:
    """Stands in for subprocess.run; records argv and answers as told."""

    def __init__(self, returncode: int = 0, stderr: str = "", raises: Exception | None = None):
        self.calls: list[list[str]] = []
        self.kwargs: list[dict[str, Any]] = []
        self.returncode, self.stderr, self.raises = returncode, stderr, raises

    def __call__(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(list(argv))
        self.kwargs.append(kwargs)
        if self.raises is not None:
            raise self.raises
        return subprocess.CompletedProcess(argv, self.returncode, "", self.stderr)


def test_wlr_randr_switches_the_output() -> None:
    runner = FakeRunner()
    screen = WlrRandr("HDMI-A-1", runner=runner)
    assert screen.is_on
    screen.off()
    assert not screen.is_on
    screen.on()
    assert screen.is_on
    assert runner.calls == [
        ["wlr-randr", "--output", "HDMI-A-1", "--off"],
        ["wlr-randr", "--output", "HDMI-A-1", "--on"],
    ]
    assert all(k["timeout"] > 0 for k in runner.kwargs)


@pytest.mark.parametrize(
    ("runner", "fragment"),
    [
        (FakeRunner(1, "failed to connect to display"), "failed to connect to display"),
        (FakeRunner(3), "exit status 3"),
        (FakeRunner(raises=FileNotFoundError()), "not found"),
        (FakeRunner(raises=subprocess.TimeoutExpired("wlr-randr", 5)), "no answer"),
    ],
)
def test_wlr_randr_failure_is_explained_and_keeps_the_state(
    runner: FakeRunner, fragment: str
) -> None:
    screen = WlrRandr("HDMI-A-1", runner=runner)
    with pytest.raises(DisplayError, match=fragment):
        screen.off()
    assert screen.is_on


def test_wlr_randr_needs_an_output_name() -> None:
    with pytest.raises(ValueError, match="output"):
        WlrRandr("", runner=FakeRunner())


def test_backlight_writes_bl_power(tmp_path: Path) -> None:
    device = tmp_path / "sys/class/backlight/10-0045"
    device.mkdir(parents=True)
    bl_power = device / "bl_power"
    bl_power.write_text("0\n")
    screen = Backlight(tmp_path / "sys/class/backlight/*/bl_power")
    assert screen.path == bl_power
    assert screen.is_on
    screen.off()
    assert bl_power.read_text().strip() == "4"
    assert not screen.is_on
    screen.on()
    assert bl_power.read_text().strip() == "0"
    assert screen.is_on


def test_backlight_missing_is_explained(tmp_path: Path) -> None:
    with pytest.raises(DisplayError, match="no file matches"):
        Backlight(tmp_path / "*/bl_power")
    screen = Backlight(tmp_path / "gone" / "bl_power")
    with pytest.raises(DisplayError, match="cannot write 4"):
        screen.off()


def test_fake_records_and_can_fail() -> None:
    screen = FakeDisplay()
    screen.off()
    screen.on()
    screen.fail = True
    with pytest.raises(DisplayError):
        screen.off()
    assert screen.calls == ["off", "on", "off"]
    assert screen.is_on


def test_make_display_by_kind(tmp_path: Path) -> None:
    (tmp_path / "bl_power").write_text("0")
    assert isinstance(make_display("none"), NoDisplay)
    assert isinstance(make_display("fake"), FakeDisplay)
    assert isinstance(make_display("wlr-randr", output="DSI-1", runner=FakeRunner()), WlrRandr)
    assert isinstance(
        make_display("backlight", backlight_path=str(tmp_path / "bl_power")), Backlight
    )
    with pytest.raises(ValueError, match=r"display\.kind"):
        make_display("hdmi")


def test_wlr_randr_turns_the_output_each_time_it_is_switched_on() -> None:
    runner = FakeRunner()
    screen = WlrRandr("DSI-1", runner=runner, rotation=90)
    screen.off()
    screen.on()
    assert runner.calls == [
        ["wlr-randr", "--output", "DSI-1", "--off"],
        ["wlr-randr", "--output", "DSI-1", "--on", "--transform", "90"],
    ]
