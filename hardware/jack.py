"""Whether headphones are plugged in, where the sound card can tell: ALSA's jack control.

Many sound cards report a plug through a boolean control on ALSA's CARD interface,
read here with ``amixer`` (Debian package ``alsa-utils``)::

    $ amixer -c 1 cget iface=CARD,name='Headphone Jack'
    numid=4,iface=CARD,name='Headphone Jack'
      ; type=BOOLEAN,access=r-------,values=1
      : values=on

HDA codecs (PC boards, their front and rear jacks) and USB sound cards whose
firmware describes its connectors (USB Audio Class 2 and 3) have one; the names
vary: 'Headphone Jack', 'Headphones Jack', 'Front Headphone Jack', 'Headphone -
Output Jack'. A Raspberry Pi's own 3.5 mm jack and most small USB Audio Class 1
sticks have none: their plug cannot be told, and :meth:`HeadphoneJack.plugged`
says None. A 'Phantom Jack' always reads on (it marks a fixed speaker or
microphone), and a 'Mic Jack' is not headphones: neither is taken.

amixer runs with its arguments as a list, never through a shell; nothing runs
at import time.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# An ALSA card as amixer's -c takes it: its index, or its id (the kernel keeps only
# letters and digits, at most 15, and adds _N to a repeated one). Nothing that could be
# read as one of amixer's options.
CARD = re.compile(r"[0-9]{1,2}|[A-Za-z][A-Za-z0-9_]{0,15}")
_CONTROL = re.compile(r"numid=(\d+),iface=(\w+),name=(['\"])(.*)\3\s*$")
_VALUES = re.compile(r"^\s*:\s*values=(\S+)\s*$", re.MULTILINE)
# Words of a control name that make it something else than a headphone plug.
_NOT_HEADPHONES = ("mic", "phantom", "line")


class JackError(RuntimeError):
    """amixer is missing, failed, or said something this module cannot read."""


@dataclass(frozen=True)
class Control:
    """One line of ``amixer controls``."""

    numid: int
    iface: str
    name: str


def parse_controls(text: str) -> list[Control]:
    """The controls ``amixer -c CARD controls`` lists, in its order; other lines are skipped."""
    found = []
    for line in text.splitlines():
        match = _CONTROL.search(line)
        if match:
            found.append(Control(int(match[1]), match[2], match[4]))
    return found


def is_headphone_jack(control: Control) -> bool:
    """A plug-detecting control of a headphone output: on the CARD interface, its name
    holding "Jack" and "Head" or "Phone", and no word of a microphone, line or phantom jack."""
    name = control.name.lower()
    return (
        control.iface == "CARD"
        and "jack" in name
        and ("head" in name or "phone" in name)
        and not any(word in name for word in _NOT_HEADPHONES)
    )


def find_headphone_jack(controls: Sequence[Control]) -> Control | None:
    """The card's headphone jack control, the first one listed; None when it has none."""
    return next((c for c in controls if is_headphone_jack(c)), None)


def parse_value(text: str) -> bool:
    """on/off of ``amixer cget``'s output for a boolean control; JackError for anything else."""
    match = _VALUES.search(text)
    if match is None:
        raise JackError("amixer printed no value")
    first = match[1].split(",")[0]
    if first not in ("on", "off"):
        raise JackError(f"amixer printed {first!r}, not on or off")
    return first == "on"


def control_id(name: str) -> str:
    """amixer's identifier of a CARD control by name, quoted as amixer reads it."""
    quote = "'" if "'" not in name else '"'
    return f"iface=CARD,name={quote}{name}{quote}"


class HeadphoneJack(Protocol):
    def plugged(self) -> bool | None:
        """True or False; None when this card cannot tell (JackError when asking failed)."""

    def describe(self) -> str:
        """Which card and control, for the kiosk's log."""


class FakeJack:
    """A jack that tests plug and unplug by hand: ``state`` is what it reports (None: a card
    that cannot tell), ``error`` is raised instead when set; ``reads`` counts the questions."""

    def __init__(self, state: bool | None = False) -> None:
        self.state = state
        self.error: Exception | None = None
        self.reads = 0

    def plugged(self) -> bool | None:
        self.reads += 1
        if self.error is not None:
            raise self.error
        return self.state

    def describe(self) -> str:
        return "fake headphone jack"


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


class AlsaJack:
    """The headphone jack control of ALSA card ``card``, read with amixer.

    ``control`` names the control; empty: the first one ``amixer controls`` lists whose
    name says headphone jack (:func:`is_headphone_jack`), looked up once, at the first
    question that gets an answer. ``runner`` stands in for subprocess.run in tests.
    """

    def __init__(
        self,
        card: str,
        *,
        control: str = "",
        amixer: str = "amixer",
        runner: Runner | None = None,
        timeout: float = 5.0,
    ) -> None:
        if not CARD.fullmatch(card):
            raise JackError(f"{card!r} is not an ALSA card index or id (e.g. 1 or Device)")
        self.card = card
        self.control = control
        self._amixer = amixer
        self._runner: Any = runner or subprocess.run
        self._timeout = timeout
        self._found = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        program = self._amixer
        if self._runner is subprocess.run:
            program = shutil.which(self._amixer) or ""
            if not program:
                raise JackError(f"{self._amixer} is not installed (Debian package alsa-utils)")
        try:
            done: subprocess.CompletedProcess[str] = self._runner(
                [program, "-c", self.card, *args],
                capture_output=True,
                text=True,
                timeout=self._timeout,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise JackError(f"amixer could not run: {exc}") from None
        return done

    def _lookup(self) -> bool:
        """Find the control unless it is named; False when the card has none."""
        if self.control or self._found:
            return bool(self.control)
        done = self._run("controls")
        if done.returncode != 0:
            raise JackError(f"amixer -c {self.card} controls: {_said(done)}")
        found = find_headphone_jack(parse_controls(done.stdout))
        self._found = True
        self.control = found.name if found else ""
        return found is not None

    def plugged(self) -> bool | None:
        if not self._lookup():
            return None
        done = self._run("cget", control_id(self.control))
        if done.returncode != 0:
            said = _said(done)
            if "find the given element" in said:
                return None  # a named control the card does not have
            raise JackError(f"amixer -c {self.card} cget: {said}")
        return parse_value(done.stdout)

    def describe(self) -> str:
        control = f", control '{self.control}'" if self.control else ""
        return f"sound card {self.card}{control}"


def _said(done: subprocess.CompletedProcess[str]) -> str:
    text = " ".join((done.stderr or done.stdout or "").split())
    return text[:200] or f"exit status {done.returncode}"
