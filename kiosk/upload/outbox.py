"""The outbox: closing finished days into signed batches, and their delivery state.

Closing is one write transaction: the days' counters are read, the pending
score windows rolled (released only with n >= k), the next batch number taken,
the batch validated, signed and stored, and the closed-through date moved on.
If anything fails, nothing of it happened, so a day is never closed twice or
half closed.

Nothing counted is dropped once its day is closed: each counter remembers how
much of it went into a batch (``counters.sent``), and what a closed day gains
afterwards (a clock that was behind, a new card of a kiosk whose days the hub
already has) goes into the next batch as a **correction** for that day, which
the hub adds once.

A day whose counts no batch can carry (possible only in a database written
before the tally checked values where they are counted) is **set aside**: kept
with its reason, shown to staff, and the days after it go on. A batch the hub
refuses for a reason people must fix is set aside the same way
(:func:`set_aside`); ``kiosk upload --retry-set-aside`` sends both again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk import __version__
from kiosk.shared import batch
from kiosk.shared.signature import sign
from kiosk.store.db import Store
from kiosk.tally import Tally

CLOSED_THROUGH = "upload_closed_through"
NEXT_SEQ = "upload_next_seq"  # never lower than a number used before (acked rows are pruned)
WINDOWS_AFTER = "upload_windows_after"  # the hub has windows of this kiosk up to this day
ALARM = "upload_alarm"
ALARM_CODE = "upload_alarm_code"  # the hub's code for it (kiosk.shared.answers), for the words
MAX_DAYS = 62  # the schema's limit of days per batch (and of corrected days)
KEEP_ACKED = timedelta(days=30)
UNOFFICIAL = "unofficial:"


@dataclass(frozen=True)
class Queued:
    seq: int
    body: bytes
    signature: str
    attempts: int


def _meta(store: Store, key: str) -> str:
    row = store.db().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else ""


def _set_meta(db: Any, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def closed_through(store: Store) -> date | None:
    text = _meta(store, CLOSED_THROUGH)
    return date.fromisoformat(text) if text else None


def first_open_day(store: Store, yesterday: date) -> date:
    """The first day not closed yet: after the last closed one, else the first counted day."""
    closed = closed_through(store)
    if closed is not None:
        return closed + timedelta(days=1)
    row = store.db().execute("SELECT min(date) FROM counters").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else yesterday


def late_days(store: Store) -> list[date]:
    """Closed days whose counters hold more than was sent: each needs a correction."""
    closed = closed_through(store)
    if closed is None:
        return []
    rows = store.db().execute(
        "SELECT DISTINCT date FROM counters WHERE value > sent AND date <= ? ORDER BY date",
        [closed.isoformat()],
    )
    return [date.fromisoformat(r[0]) for r in rows.fetchall()]


def close_days(
    store: Store,
    tally: Tally,
    key: Ed25519PrivateKey,
    *,
    kiosk_id: str,
    now: datetime,
    clock_synced: bool,
    on_set_aside: Callable[[str], None] | None = None,
) -> list[int]:
    """Close every finished local day not closed yet, and correct closed days that
    gained counts; the new batch numbers. ``now`` is the latest time the caller trusts."""
    yesterday = tally.today(now) - timedelta(days=1)
    tally.seal_due(now)  # whole windows this process holds in memory (the app seals its own)
    made: list[int] = []
    while True:
        start = first_open_day(store, yesterday)
        late = late_days(store)[:MAX_DAYS]
        if start > yesterday and not late:
            return made
        new = (start, min(yesterday, start + timedelta(days=MAX_DAYS - 1)))
        closing = _Closing(store, tally, kiosk_id, now, clock_synced)
        seq = closing.run(key, new if start <= yesterday else None, late)
        for note in closing.set_aside:
            if on_set_aside is not None:
                on_set_aside(note)
        if seq is not None:
            made.append(seq)


@dataclass
class _Closing:
    store: Store
    tally: Tally
    kiosk_id: str
    now: datetime
    clock_synced: bool

    def __post_init__(self) -> None:
        self.set_aside: list[str] = []

    def run(
        self, key: Ed25519PrivateKey, new: tuple[date, date] | None, late: list[date]
    ) -> int | None:
        with self.store.write() as db:
            days = [self._day(db, d, batch.ops_day(d, self.tally.day(d))) for d in _span(new)]
            taken: list[tuple[str, str, str, int]] = []
            corrections = []
            for d in late:
                delta = _unsent(db, d)
                corrected = self._day(db, d, batch.ops_day(d, delta))
                if corrected is not None:
                    corrections.append(corrected)
                    taken += [(d.isoformat(), m, k, v) for m, keys in delta.items()
                              for k, v in keys.items()]  # fmt: skip
            windows = self._windows(new[1]) if new else []
            for d in [*_span(new), *late]:  # what goes now (or is set aside) is sent
                db.execute("UPDATE counters SET sent = value WHERE date = ?", [d.isoformat()])
            if new:
                _set_meta(db, CLOSED_THROUGH, new[1].isoformat())
            kept = [d for d in days if d is not None]
            if not (kept or corrections or windows):
                return None  # every day set aside: nothing to send
            seq = next_seq(self.store)
            body = batch.canonical(
                batch.build(
                    kiosk_id=self.kiosk_id,
                    seq=seq,
                    created_at=self.now,
                    timezone=str(self.tally.tz),
                    app_version=__version__,
                    clock_synced=self.clock_synced,
                    days=kept,
                    windows=windows,
                    corrections=corrections,
                )
            )
            db.execute(
                "INSERT INTO outbox (seq, body, signature, first_date, last_date, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    seq,
                    body.decode("utf-8"),
                    sign(key, body),
                    new[0].isoformat() if new else "",
                    new[1].isoformat() if new else "",
                    self.now.isoformat(timespec="seconds"),
                ],
            )
            for row in taken:
                db.execute(
                    "INSERT INTO outbox_late (seq, date, metric, key, delta) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [seq, *row],
                )
            _set_meta(db, NEXT_SEQ, str(seq + 1))
        return seq

    def _day(self, db: Any, day: date, counts: dict[str, Any]) -> dict[str, Any] | None:
        """The day as the batch carries it, or None: set aside with the schema's reasons."""
        found = batch.day_problems(counts)
        if not found:
            return counts
        reason = "; ".join(found[:3])[:400]
        db.execute(
            "INSERT INTO set_aside_day (date, reason, at) VALUES (?, ?, ?) "
            "ON CONFLICT (date) DO UPDATE SET reason = excluded.reason, at = excluded.at",
            [day.isoformat(), reason, self.now.isoformat(timespec="seconds")],
        )
        self.set_aside.append(f"day {day} set aside: no batch can carry it ({reason})")
        return None

    def _windows(self, end: date) -> list[Any]:
        out = []
        for pack in self.tally.pending_packs():
            if pack.startswith(UNOFFICIAL):  # an edited form's results never leave
                continue
            if batch.form_problem(pack):
                self.set_aside.append(f"score window of form {pack[:40]!r} kept: not a form id")
                continue
            floor = self._window_floor(pack)
            window = self.tally.roll_window(pack, end)
            if window is not None and window.period_start < floor:
                # Tests filed under a day a window already covers (a clock that was behind,
                # a new card on a day the old one's windows cover): windows never overlap.
                self.store.db().execute(
                    "UPDATE score_windows SET period_start = ? WHERE pack = ? AND period_start = ?",
                    [floor, pack, window.period_start],
                )
                window = dataclasses.replace(window, period_start=floor)
            if window is not None:
                out.append(window)
        return out

    def _window_floor(self, pack: str) -> str:
        """The first day a new window of ``pack`` may start on."""
        row = (
            self.store.db()
            .execute("SELECT max(period_end) FROM score_windows WHERE pack = ?", [pack])
            .fetchone()
        )
        ends = [e for e in (row[0] if row else None, _meta(self.store, WINDOWS_AFTER)) if e]
        if not ends:
            return ""
        return (date.fromisoformat(max(ends)) + timedelta(days=1)).isoformat()


def _span(new: tuple[date, date] | None) -> list[date]:
    if new is None:
        return []
    return [new[0] + timedelta(days=i) for i in range((new[1] - new[0]).days + 1)]


def _unsent(db: Any, day: date) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    rows = db.execute(
        "SELECT metric, key, value - sent FROM counters WHERE date = ? AND value > sent",
        [day.isoformat()],
    )
    for metric, key, value in rows.fetchall():
        out.setdefault(metric, {})[key] = value
    return out


def next_seq(store: Store) -> int:
    row = store.db().execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()
    floor = _meta(store, NEXT_SEQ)
    return max(int(row[0]) + 1, int(floor) if floor else 1)


# --- delivery state ------------------------------------------------------------------------
def waiting(store: Store) -> list[Queued]:
    rows = store.db().execute(
        "SELECT seq, body, signature, attempts FROM outbox "
        "WHERE acked_at = '' AND set_aside_at = '' ORDER BY seq"
    )
    return [Queued(r[0], r[1].encode("utf-8"), r[2], r[3]) for r in rows.fetchall()]


def acknowledge(store: Store, seq: int, now: datetime) -> None:
    with store.write() as db:
        db.execute(
            "UPDATE outbox SET acked_at = ?, last_error = '' WHERE seq = ?",
            [now.isoformat(timespec="seconds"), seq],
        )
        db.execute("DELETE FROM meta WHERE key IN (?, ?)", [ALARM, ALARM_CODE])


def sending(store: Store, seq: int) -> None:
    """Count a try before the batch leaves: from then on the hub may have it."""
    with store.write() as db:
        db.execute("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", [seq])


def record_failure(store: Store, seq: int, error: str, *, alarm: bool, code: str = "") -> None:
    with store.write() as db:
        db.execute("UPDATE outbox SET last_error = ? WHERE seq = ?", [error[:500], seq])
        if alarm:
            _set_meta(db, ALARM, f"batch {seq}: {error}"[:500])
            _set_meta(db, ALARM_CODE, code)


def raise_alarm(store: Store, text: str, code: str = "") -> None:
    """An alarm that stands until a batch goes through (a refusal about the kiosk itself)."""
    with store.write() as db:
        _set_meta(db, ALARM, text[:500])
        _set_meta(db, ALARM_CODE, code)


def set_aside(store: Store, seq: int, error: str, now: datetime) -> None:
    """Keep a refused batch out of the queue (with its reason) so that later ones go on."""
    with store.write() as db:
        db.execute(
            "UPDATE outbox SET last_error = ?, set_aside_at = ? WHERE seq = ?",
            [error[:500], now.isoformat(timespec="seconds"), seq],
        )


FORGOTTEN = "forgotten:"  # set aside, and no longer shown (kiosk upload --forget-set-aside)
_SHOWN = f"set_aside_at != '' AND set_aside_at NOT LIKE '{FORGOTTEN}%'"


@dataclass(frozen=True)
class SetAside:
    what: str  # "batch 12" or "day 2026-11-02"
    reason: str
    at: str


def set_aside_items(store: Store) -> list[SetAside]:
    db = store.db()
    batches = db.execute(
        f"SELECT seq, last_error, set_aside_at FROM outbox WHERE {_SHOWN} ORDER BY seq"
    ).fetchall()
    days = db.execute("SELECT date, reason, at FROM set_aside_day ORDER BY date").fetchall()
    return [SetAside(f"batch {s}", e, a) for s, e, a in batches] + [
        SetAside(f"day {d}", r, a) for d, r, a in days
    ]


def retry_set_aside(store: Store) -> int:
    """Queue set-aside batches again, and make set-aside days corrections; how many."""
    with store.write() as db:
        batches = db.execute(f"UPDATE outbox SET set_aside_at = '' WHERE {_SHOWN}")
        count = int(batches.rowcount)
        days = [r[0] for r in db.execute("SELECT date FROM set_aside_day").fetchall()]
        for day in days:
            # Their counts were never sent: as late counts they go in the next batch.
            db.execute("UPDATE counters SET sent = 0 WHERE date = ?", [day])
        db.execute("DELETE FROM set_aside_day")
    return count + len(days)


def forget_set_aside(store: Store) -> int:
    """Stop showing what was set aside (the counts stay in the database); how many."""
    with store.write() as db:
        marked = db.execute(f"UPDATE outbox SET set_aside_at = '{FORGOTTEN}' || set_aside_at "
                            f"WHERE {_SHOWN}")  # fmt: skip
        count = int(marked.rowcount)
        count += int(db.execute("DELETE FROM set_aside_day").rowcount)
    return count


def prune(store: Store, now: datetime) -> int:
    """Forget acknowledged batches older than 30 days; how many went."""
    cutoff = (now - KEEP_ACKED).isoformat(timespec="seconds")
    with store.write() as db:
        db.execute(
            "DELETE FROM outbox_late WHERE seq IN "
            "(SELECT seq FROM outbox WHERE acked_at != '' AND acked_at < ?)",
            [cutoff],
        )
        cur = db.execute("DELETE FROM outbox WHERE acked_at != '' AND acked_at < ?", [cutoff])
        return int(cur.rowcount)


def alarm(store: Store) -> str | None:
    return _meta(store, ALARM) or None


def alarm_code(store: Store) -> str:
    return _meta(store, ALARM_CODE)


def last_acknowledged(store: Store) -> str | None:
    row = store.db().execute("SELECT max(acked_at) FROM outbox WHERE acked_at != ''").fetchone()
    return str(row[0]) if row and row[0] else None
