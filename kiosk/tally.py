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
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.shared.bands import ScoreWindow, band_of
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
MIN_K = 3


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
        day = self.today(now).isoformat()
        with self.store.write() as db:
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
    db.execute(  # type: ignore[attr-defined]
        "INSERT INTO counters (date, metric, key, value) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (date, metric, key) DO UPDATE SET value = value + excluded.value",
        [day, metric, key, n],
    )
