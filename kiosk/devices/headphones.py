"""Watching the headphone jack: a plug starts speech, as the start-speech button does.

One thread asks the jack (hardware.jack) every ``poll_seconds`` and puts a device
event on the pump's queue when the answer changes: ``headphones_in`` when headphones
go in (the pump has the page read its screen aloud, speech mode on: the "listen"
signal), ``headphones_out`` when they come out (the pump silences speech). Headphones
already in when the kiosk starts start nothing: only a plug is a visitor asking.

A card that cannot tell (the jack says None: a Raspberry Pi's own jack) is said once
in the log, and the thread ends. amixer failing is logged once until it answers
again; it never ends the kiosk, nor the watch.

A plug does not make the output private: whether the self-test's score may be
spoken stays ``[speech] private``'s alone, because a kiosk that reports headphones
may still have a speaker that plays with them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from hardware.gpio import EventQueue, emit
from hardware.jack import HeadphoneJack

# (level, text) for the kiosk's log: "info" or "warning".
Note = Callable[[str, str], None]


class HeadphoneWatch:
    def __init__(
        self, jack: HeadphoneJack, events: EventQueue, *, poll_seconds: float, note: Note
    ) -> None:
        self.jack = jack
        self.events = events
        self.poll_seconds = poll_seconds
        self._note = note
        self._last: bool | None = None
        self._failing = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> bool:
        """Ask the jack once and put an event when it changed; False: stop watching
        (the card cannot tell whether headphones are in)."""
        try:
            plugged = self.jack.plugged()
        except Exception as exc:  # amixer missing, failing, or saying something odd
            if not self._failing:
                self._failing = True
                self._note(
                    "warning",
                    f"headphone jack of {self.jack.describe()}: cannot read it ({exc}); "
                    "speech does not start on a plug until it answers",
                )
            return True
        if self._failing:
            self._failing = False
            self._note("info", f"headphone jack of {self.jack.describe()}: answers again")
        if plugged is None:
            self._note(
                "info",
                f"{self.jack.describe()} cannot tell whether headphones are plugged in: "
                "speech starts with the Listen control, the start-speech button or * only",
            )
            return False
        before, self._last = self._last, plugged
        if before is None:
            self._note("info", f"watching the headphone jack of {self.jack.describe()}")
        elif plugged != before:
            emit(self.events, "headphones_in" if plugged else "headphones_out")
        return True

    def _loop(self) -> None:
        while self.poll() and not self._stop.wait(self.poll_seconds):
            pass

    def start(self) -> HeadphoneWatch:
        if self._thread is not None:
            raise RuntimeError("headphone watch already started")
        self._thread = threading.Thread(target=self._loop, name="headphone-jack", daemon=True)
        self._thread.start()
        return self

    @property
    def watching(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def join(self, timeout: float) -> None:
        """Wait for the thread to end by itself (a card that cannot tell)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.join(timeout)
        self._thread = None
