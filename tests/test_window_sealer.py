"""The app's window sealer: a whole window of earlier days reaches the disk without
anyone taking the test today, a failed try does not stop it, and it stops cleanly."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.shared.bands import MIN_K
from kiosk.store.db import Store
from kiosk.tally import Tally, WindowSealer

# Days before any run of these tests: the sealer asks the real clock for today.
LONG_AGO = datetime(2026, 11, 2, 12, tzinfo=ZoneInfo("Europe/Helsinki"))
FORM = "esis-fi-2019"


class CountingStore(Store):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.closed_in: list[str] = []

    def close(self) -> None:
        self.closed_in.append(threading.current_thread().name)
        super().close()


class FlakyTally(Tally):
    """The first try finds the disk locked; every try after it is recorded."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.tries = 0
        self.sealed = threading.Event()
        self.after_success: WindowSealer | None = None

    def seal_due(self, now: datetime | None = None) -> int:
        self.tries += 1
        if self.tries == 1:
            raise sqlite3.OperationalError("database is locked")
        written = super().seal_due(now)
        self.sealed.set()
        if self.after_success is not None:
            self.after_success.stop()
        return written


def _on_disk(store: Store) -> list[tuple[object, ...]]:
    rows = store.db().execute("SELECT pack, n FROM score_pending").fetchall()
    return [tuple(r) for r in rows]


def _whole_window(tally: Tally) -> None:
    for _ in range(MIN_K):
        tally.complete_test(FORM, 30, now=LONG_AGO)


def test_a_locked_disk_is_tried_again_and_the_window_reaches_it(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "kiosk.db")
    tally = FlakyTally(store)
    tally.tries = 1  # complete_test seals too: its tries find the disk free
    _whole_window(tally)
    tally.tries = 0  # count only the sealer's tries
    sealer = WindowSealer(tally, every_seconds=0)
    tally.after_success = sealer
    runner = threading.Thread(target=sealer._run, name="runner", daemon=True)
    runner.start()
    runner.join(timeout=10)  # returns at once when it works; a hung sealer fails the test
    assert not runner.is_alive()
    assert tally.tries == 2
    assert _on_disk(store) == [(FORM, MIN_K)]
    assert store.closed_in == ["runner"]  # the connection of the thread it ran in


def test_the_sealer_runs_in_the_background_once_and_stops(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "kiosk.db")
    tally = FlakyTally(store)
    tally.tries = 1  # no failed try here
    _whole_window(tally)
    tally.sealed.clear()
    sealer = WindowSealer(tally, every_seconds=0)
    before = set(threading.enumerate())
    sealer.start()
    sealer.start()  # a second start adds no second thread
    sealers = [t for t in threading.enumerate() if t not in before]
    assert tally.sealed.wait(timeout=10)
    sealer.stop()
    assert [t.name for t in sealers] == ["window-sealer"]
    assert sealers[0].daemon  # never keeps the app from exiting
    assert not sealers[0].is_alive()
    assert _on_disk(store) == [(FORM, MIN_K)]
    assert store.closed_in == ["window-sealer"]  # its own connection, closed on stop


def test_a_sealer_never_started_stops_at_once() -> None:
    before = set(threading.enumerate())
    sealer = WindowSealer(Tally(Store(None)))
    sealer.stop()
    assert set(threading.enumerate()) == before
