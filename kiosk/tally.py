"""The tally: the only writer of usage data.

Counts are kept per local date (the kiosk's time zone) as (metric, key) -> value
and incremented in place, one transaction per event; there is no row per visit.

A completed self-test adds one to ``tests_completed`` and one to a score band of
its pack's pending score window; the score itself is never stored. The pending
window is held **in memory**: a database file keeps every version of a page it
wrote (the WAL, free pages), so a window written at each test would leave the
bands in the order people took the test. The window reaches the database only as
a whole of at least ``k`` tests taken before today (:meth:`Tally.seal_due`), and
at a clean stop as one row that the next start takes back and erases
(:meth:`Tally.hold`, :meth:`Tally.resume`); after each such write the WAL is
checkpointed and truncated (secure_delete zeroes what is deleted). A power loss
or a crash loses the bands of the window in memory; the counts stay. A sealed
window is released into a batch (see :meth:`Tally.roll_window`) when its days close.

Metric names are those of the upload batch (kiosk/shared/schema.json):
sessions_started, consent_shown, consent_declined, tests_completed,
tests_incomplete, abandoned (key "<item>:timeout" or "<item>:exit"), ui_language,
accessibility, activity_views, activity_prints, printer, staff_calls.

Every value is checked here against what a batch may carry, so that no day ever
holds what the hub would refuse: a key the schema refuses, or a new key beyond
the number one day may hold, is not counted; a counter stops at the schema's
maximum. Either leaves a note (:data:`NOTE`) that the staff Health screen shows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.shared import batch
from kiosk.shared.bands import MIN_K, ScoreWindow, band_of
from kiosk.store.db import Store

METRICS = (
    "sessions_started",
    "consent_shown",
    "consent_declined",
    "tests_completed",
    "tests_incomplete",
    "abandoned",
    "ui_language",
    "accessibility",
    "activity_views",
    "activity_prints",
    "printer",
    "staff_calls",
)
NOTE = "tally_note"  # meta: the newest count not kept as it came, "<day>|<kind>|<what>"
FULL, REFUSED = "full", "refused"  # a counter at its maximum; a key no batch can carry


@dataclass
class _Window:
    """A pending window's counts (memory only): first and newest day, band counts."""

    since: str
    last: str
    bands: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    @property
    def n(self) -> int:
        return sum(self.bands)

    def add(self, other: _Window) -> None:
        self.since = min(self.since, other.since)
        self.last = max(self.last, other.last)
        self.bands = [a + b for a, b in zip(self.bands, other.bands, strict=True)]


class Tally:
    def __init__(self, store: Store, timezone: str = "Europe/Helsinki", k: int = MIN_K) -> None:
        if k < MIN_K:
            raise ValueError(f"k must be at least {MIN_K}")
        self.store = store
        self.tz = ZoneInfo(timezone)
        self.k = k
        self._pending: dict[str, _Window] = {}  # pack -> the window not yet on disk
        self._lock = threading.Lock()

    def today(self, now: datetime | None = None) -> date:
        return (now or datetime.now(self.tz)).astimezone(self.tz).date()

    def count(self, metric: str, key: str = "", n: int = 1, now: datetime | None = None) -> None:
        """Add ``n`` to today's (metric, key) counter."""
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}")
        if n < 0:
            raise ValueError(f"a count only grows (n = {n})")
        day = self.today(now).isoformat()
        problem = batch.key_problem(metric, key)
        with self.store.write() as db:
            if problem is None and not _room_for(db, day, metric, key):
                problem = f"{metric}: more than {batch.max_keys(metric)} different keys in a day"
            if problem is not None:
                _note(db, day, REFUSED, problem)
                return
            _increment(db, day, metric, key, n)

    def complete_test(self, pack: str, raw_sum: int, now: datetime | None = None) -> None:
        """Count one completed test, and its band in the window in memory; the sum is dropped."""
        band = band_of(raw_sum)
        day = self.today(now).isoformat()
        self.seal_due(now)  # a whole window of earlier days goes to disk before this test joins
        with self.store.write() as db:
            _increment(db, day, "tests_completed", "", 1)
        with self._lock:
            window = self._pending.setdefault(pack, _Window(day, day))
            window.since, window.last = min(window.since, day), max(window.last, day)
            window.bands[band] += 1

    def seal_due(self, now: datetime | None = None) -> int:
        """Write each window in memory that holds >= k tests, all before today, to disk.

        It joins the pack's row in ``score_pending`` (waiting for its days to close
        and the upload to release it). Returns how many windows were written.
        """
        today = self.today(now).isoformat()
        with self._lock:
            due = {p: w for p, w in self._pending.items() if w.n >= self.k and w.last < today}
            if not due:
                return 0
            with self.store.write() as db:
                for pack, window in due.items():
                    _merge(db, "score_pending", pack, window)
            for pack in due:
                del self._pending[pack]
        self.store.flush()
        return len(due)

    def hold(self) -> None:
        """At a clean stop: keep the windows in memory as one row each, for :meth:`resume`."""
        self.seal_due()
        with self._lock:
            if not self._pending:
                return
            with self.store.write() as db:
                for pack, window in self._pending.items():
                    _merge(db, "score_held", pack, window)
            self._pending.clear()
        self.store.flush()

    def resume(self) -> None:
        """At start: take the windows a clean stop kept back into memory, and erase them."""
        with self._lock, self.store.write() as db:
            rows = db.execute("SELECT pack, since, last, b0, b1, b2, b3 FROM score_held")
            for pack, since, last, *bands in rows.fetchall():
                held = _Window(since, last, [int(b) for b in bands])
                if pack in self._pending:
                    self._pending[pack].add(held)
                else:
                    self._pending[pack] = held
            db.execute("DELETE FROM score_held")
        self.store.flush()

    def pending(self, pack: str) -> ScoreWindow | None:
        """The whole pending window of ``pack`` (on disk and in memory), for staff and tests."""
        window = self._combined(pack)
        if window is None:
            return None
        return ScoreWindow(pack, window.since, window.last, window.n, _four(window.bands))

    def day(self, day: date) -> dict[str, dict[str, int]]:
        """All counters of one local date: metric -> key -> value."""
        out: dict[str, dict[str, int]] = {}
        rows = self.store.db().execute(
            "SELECT metric, key, value FROM counters WHERE date = ?", [day.isoformat()]
        )
        for metric, key, value in rows.fetchall():
            out.setdefault(metric, {})[key] = value
        return out

    def pending_packs(self) -> list[str]:
        """Packs with a whole window on disk waiting for its days to close."""
        rows = self.store.db().execute("SELECT pack FROM score_pending ORDER BY pack")
        return [r[0] for r in rows.fetchall()]

    def roll_window(self, pack: str, period_end: date) -> ScoreWindow | None:
        """Release the window of ``pack`` on disk up to ``period_end`` when n >= k.

        Only when every test in it was taken on or before ``period_end`` (a test
        after midnight waits for its own day to close). Windows in memory reach
        the disk through :meth:`seal_due` first. Must be called inside the
        caller's write transaction (closing a day); the connection is the store's.
        """
        db = self.store.db()
        row = db.execute(
            "SELECT since, n, b0, b1, b2, b3, last FROM score_pending WHERE pack = ?", [pack]
        ).fetchone()
        if row is None or row[1] < self.k or row[6] > period_end.isoformat():
            return None
        since, n, b0, b1, b2, b3, _last = row
        window = ScoreWindow(pack, since, period_end.isoformat(), n, (b0, b1, b2, b3))
        db.execute(
            "INSERT INTO score_windows (pack, period_start, period_end, n, b0, b1, b2, b3) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [pack, since, window.period_end, n, b0, b1, b2, b3],
        )
        db.execute("DELETE FROM score_pending WHERE pack = ?", [pack])
        return window

    def waiting(self) -> list[ScoreWindow]:
        """Every pending window (on disk and in memory), by pack: for staff and tests."""
        with self._lock:
            memory = set(self._pending)
        packs = sorted(set(self.pending_packs()) | memory)
        return [w for w in map(self.pending, packs) if w is not None]

    def _combined(self, pack: str) -> _Window | None:
        """The pack's row on disk plus its window in memory."""
        row = (
            self.store.db()
            .execute("SELECT since, last, b0, b1, b2, b3 FROM score_pending WHERE pack = ?", [pack])
            .fetchone()
        )
        window = _Window(row[0], row[1], [int(b) for b in row[2:]]) if row else None
        with self._lock:
            memory = self._pending.get(pack)
            if memory is not None:
                copy = _Window(memory.since, memory.last, list(memory.bands))
                if window is None:
                    window = copy
                else:
                    window.add(copy)
        return window

    def released_windows(self, pack: str | None = None) -> list[ScoreWindow]:
        sql = "SELECT pack, period_start, period_end, n, b0, b1, b2, b3 FROM score_windows"
        args: list[str] = []
        if pack is not None:
            sql += " WHERE pack = ?"
            args.append(pack)
        rows = self.store.db().execute(sql + " ORDER BY period_start", args).fetchall()
        return [ScoreWindow(r[0], r[1], r[2], r[3], (r[4], r[5], r[6], r[7])) for r in rows]


def _four(bands: list[int]) -> tuple[int, int, int, int]:
    return bands[0], bands[1], bands[2], bands[3]


def _merge(db: Any, table: str, pack: str, window: _Window) -> None:
    """Add ``window`` to ``table``'s row of ``pack`` (score_pending or score_held)."""
    db.execute(
        f"INSERT INTO {table} (pack, since, n, b0, b1, b2, b3, last) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pack) DO UPDATE SET "
        "since = min(since, excluded.since), n = n + excluded.n, b0 = b0 + excluded.b0, "
        "b1 = b1 + excluded.b1, b2 = b2 + excluded.b2, b3 = b3 + excluded.b3, "
        "last = max(last, excluded.last)",
        [pack, window.since, window.n, *window.bands, window.last],
    )


def _increment(db: object, day: str, metric: str, key: str, n: int) -> None:
    # Saturates at the schema's maximum: one runaway counter (a stuck sensor, a bug)
    # must not make the whole day impossible to send.
    cap = batch.max_count()
    (value,) = db.execute(  # type: ignore[attr-defined]
        "INSERT INTO counters (date, metric, key, value) VALUES (?, ?, ?, min(?, ?)) "
        "ON CONFLICT (date, metric, key) DO UPDATE SET value = min(value + excluded.value, ?) "
        "RETURNING value",
        [day, metric, key, n, cap, cap],
    ).fetchone()
    if value >= cap:
        _note(db, day, FULL, f"{metric} {key}".strip())


def _room_for(db: object, day: str, metric: str, key: str) -> bool:
    """False when ``key`` is new and the day already holds as many keys as a batch may."""
    if batch.max_keys(metric) <= 1 or metric == "abandoned":  # bounded by the key's form
        return True
    found = db.execute(  # type: ignore[attr-defined]
        "SELECT count(*), max(key = ?) FROM counters WHERE date = ? AND metric = ?",
        [key, day, metric],
    ).fetchone()
    return bool(found[1]) or int(found[0]) < batch.max_keys(metric)


def _note(db: object, day: str, kind: str, what: str) -> None:
    db.execute(  # type: ignore[attr-defined]
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [NOTE, f"{day}|{kind}|{what[:200]}"],
    )


def note(store: Store) -> tuple[date, str, str] | None:
    """The newest count not kept as it came: (day, FULL or REFUSED, which counter)."""
    row = store.db().execute("SELECT value FROM meta WHERE key = ?", [NOTE]).fetchone()
    if not row:
        return None
    day, kind, what = str(row[0]).split("|", 2)
    return date.fromisoformat(day), kind, what


class WindowSealer:
    """Seals due windows (see :meth:`Tally.seal_due`) once a minute in the app.

    So that the nightly upload, a separate process, finds yesterday's whole windows
    on disk even when nobody took the test today.
    """

    def __init__(self, tally: Tally, every_seconds: float = 60.0) -> None:
        self.tally = tally
        self.every = every_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="window-sealer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.tally.seal_due()
            except Exception:  # a locked or full disk: the next minute tries again
                continue
        self.tally.store.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
