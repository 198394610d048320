"""The tally: the only writer of usage data.

Counts are kept per local date (the kiosk's time zone) as (metric, key) -> value
and incremented in place, one transaction per event; there is no row per visit.
A completed self-test adds one to ``tests_completed`` and one to a score band of
its pack's pending score window, in the same transaction; the score itself is
never stored. The pending window is released (see :meth:`Tally.roll_window`) only
when it holds at least ``k`` tests.

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

from datetime import date, datetime
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


class Tally:
    def __init__(self, store: Store, timezone: str = "Europe/Helsinki", k: int = 5) -> None:
        if k < MIN_K:
            raise ValueError(f"k must be at least {MIN_K}")
        self.store = store
        self.tz = ZoneInfo(timezone)
        self.k = k

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
        """Count one completed test and its band, in one transaction; the sum is dropped."""
        band = band_of(raw_sum)
        day = self.today(now).isoformat()
        with self.store.write() as db:
            _increment(db, day, "tests_completed", "", 1)
            db.execute(
                "INSERT INTO score_pending (pack, since, n, b0, b1, b2, b3, last) "
                "VALUES (?, ?, 0, 0, 0, 0, 0, ?) ON CONFLICT (pack) DO NOTHING",
                [pack, day, day],
            )
            db.execute(
                f"UPDATE score_pending SET n = n + 1, b{band} = b{band} + 1, last = ? "
                "WHERE pack = ?",
                [day, pack],
            )

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
        rows = self.store.db().execute("SELECT pack FROM score_pending ORDER BY pack")
        return [r[0] for r in rows.fetchall()]

    def roll_window(self, pack: str, period_end: date) -> ScoreWindow | None:
        """Release the pending window of ``pack`` up to ``period_end`` when n >= k.

        Only when every test in it was taken on or before ``period_end`` (a test
        after midnight waits for its own day to close). Must be called inside the
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

    def released_windows(self, pack: str | None = None) -> list[ScoreWindow]:
        sql = "SELECT pack, period_start, period_end, n, b0, b1, b2, b3 FROM score_windows"
        args: list[str] = []
        if pack is not None:
            sql += " WHERE pack = ?"
            args.append(pack)
        rows = self.store.db().execute(sql + " ORDER BY period_start", args).fetchall()
        return [ScoreWindow(r[0], r[1], r[2], r[3], (r[4], r[5], r[6], r[7])) for r in rows]


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
