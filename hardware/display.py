"""Turning the kiosk's screen off and on (the PIR's "idle" and "motion").

Two real ways, chosen by ``[display] kind``:

* ``wlr-randr``: an HDMI screen under the cage compositor. ``wlr-randr --output
  HDMI-A-1 --off`` makes the output stop sending a signal and most screens go to
  standby. It must reach cage's Wayland socket, so the kiosk service needs
  ``WAYLAND_DISPLAY`` and ``XDG_RUNTIME_DIR`` of the cage session (on the appliance
  cage keeps its socket in /run/kiosk-browser, outside the /run/user that the web
  unit's ProtectHome hides; both units set the two variables). ``rotation`` turns the
  output (``--transform``) each time it is switched on. wlr-randr has no
  cheap "is it on?" query we trust, so ``is_on`` is the last state we set.
* ``backlight``: the official DSI touch screen. Its sysfs ``bl_power`` file takes
  0 (on) or 4 (off, FB_BLANK_POWERDOWN); the udev rule in docs/hardware.md lets
  the kiosk user write it. Touch keeps working with the backlight off.

``FakeDisplay`` records calls for tests and the demo; ``NoDisplay`` does nothing.
Failures raise :class:`DisplayError` with the command or file in the message; the
event pump logs them and goes on, because a screen that stays on is no emergency.
Nothing is run or opened when this module is imported.
"""

from __future__ import annotations

import glob
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

BL_ON = "0"
BL_OFF = "4"  # FB_BLANK_POWERDOWN


class DisplayError(OSError):
    """The screen could not be switched; the message says what was tried."""


class DisplayPower(Protocol):
    def on(self) -> None: ...

    def off(self) -> None: ...

    @property
    def is_on(self) -> bool: ...


Runner = Callable[..., Any]


class WlrRandr:
    """HDMI output power through ``wlr-randr`` (Wayland, e.g. under cage)."""

    def __init__(
        self,
        output: str,
        *,
        runner: Runner = subprocess.run,
        timeout: float = 5.0,
        command: str = "wlr-randr",
        rotation: int = 0,
    ) -> None:
        if not output:
            raise ValueError("display.output: the wlr-randr output name is empty (e.g. HDMI-A-1)")
        self.output = output
        # An output switched back on may come back unturned: the turn goes with --on.
        self._on_args = ["--on"] + (["--transform", str(rotation)] if rotation else [])
        self._runner = runner
        self._timeout = timeout
        self._command = command
        self._on = True  # the screen is on when the kiosk starts

    def _run(self, *switch: str) -> None:
        argv: Sequence[str] = [self._command, "--output", self.output, *switch]
        try:
            result = self._runner(
                argv, capture_output=True, text=True, timeout=self._timeout, check=False
            )
        except FileNotFoundError:
            raise DisplayError(
                f"{self._command} not found; install the wlr-randr package"
            ) from None
        except subprocess.TimeoutExpired:
            raise DisplayError(f"{' '.join(argv)}: no answer in {self._timeout:g} s") from None
        if result.returncode != 0:
            why = (result.stderr or "").strip() or f"exit status {result.returncode}"
            raise DisplayError(f"{' '.join(argv)}: {why}")

    def on(self) -> None:
        self._run(*self._on_args)
        self._on = True

    def off(self) -> None:
        self._run("--off")
        self._on = False

    @property
    def is_on(self) -> bool:
        return self._on


class Backlight:
    """DSI backlight power through sysfs ``bl_power`` (0 = on, 4 = off)."""

    def __init__(self, path: str | Path) -> None:
        text = str(path)
        if any(c in text for c in "*?["):
            matches = sorted(glob.glob(text))
            if not matches:
                raise DisplayError(f"display.backlight_path: no file matches {text}")
            text = matches[0]
        self.path = Path(text)

    def _write(self, value: str) -> None:
        try:
            self.path.write_text(value + "\n", encoding="ascii")
        except OSError as exc:
            raise DisplayError(f"{self.path}: cannot write {value}: {exc.strerror}") from None

    def on(self) -> None:
        self._write(BL_ON)

    def off(self) -> None:
        self._write(BL_OFF)

    @property
    def is_on(self) -> bool:
        try:
            return self.path.read_text(encoding="ascii").strip() == BL_ON
        except OSError as exc:
            raise DisplayError(f"{self.path}: cannot read: {exc.strerror}") from None


class FakeDisplay:
    """Records every call; ``fail`` makes the next calls raise, as a broken screen would."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.fail = False
        self._on = True

    def on(self) -> None:
        self.calls.append("on")
        if self.fail:
            raise DisplayError("fake display: failing on purpose")
        self._on = True

    def off(self) -> None:
        self.calls.append("off")
        if self.fail:
            raise DisplayError("fake display: failing on purpose")
        self._on = False

    @property
    def is_on(self) -> bool:
        return self._on


class NoDisplay:
    """No display control: the screen stays as it is."""

    def on(self) -> None:
        pass

    def off(self) -> None:
        pass

    @property
    def is_on(self) -> bool:
        return True


def make_display(
    kind: str,
    *,
    output: str = "",
    backlight_path: str = "",
    rotation: int = 0,
    runner: Runner | None = None,
) -> DisplayPower:
    """The display control named by ``[display] kind``."""
    if kind == "none":
        return NoDisplay()
    if kind == "fake":
        return FakeDisplay()
    if kind == "wlr-randr":
        return WlrRandr(output, runner=runner or subprocess.run, rotation=rotation)
    if kind == "backlight":
        return Backlight(backlight_path)
    raise ValueError(f"display.kind = {kind!r}: expected none, wlr-randr, backlight or fake")
