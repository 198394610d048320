"""The outbox: closing finished days into signed batches, and their delivery state.

Closing is one write transaction: the days' counters are read, the pending
score windows rolled (released only with n >= k), the next batch number taken,
the batch validated, signed and stored, and the closed-through date moved on.
If anything fails, nothing of it happened, so a day is never closed twice or
half closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk import __version__
from kiosk.shared import batch
from kiosk.shared.signature import sign
from kiosk.store.db import Store
from kiosk.tally import Tally

CLOSED_THROUGH = "upload_closed_through"
ALARM = "upload_alarm"
MAX_DAYS = 62  # the schema's limit of days per batch
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


def _set_meta(db: object, key: str, value: str) -> None:
    db.execute(  # type: ignore[attr-defined]
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def first_open_day(store: Store, yesterday: date) -> date:
    """The first day not closed yet: after the last closed one, else the first counted day."""
    closed = _meta(store, CLOSED_THROUGH)
    if closed:
        return date.fromisoformat(closed) + timedelta(days=1)
    row = store.db().execute("SELECT min(date) FROM counters").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else yesterday


def close_days(
    store: Store,
    tally: Tally,
    key: Ed25519PrivateKey,
    *,
    kiosk_id: str,
    now: datetime,
    clock_synced: bool,
) -> list[int]:
    """Close every finished local day not closed yet; the new batch numbers."""
    yesterday = tally.today(now) - timedelta(days=1)
    made: list[int] = []
    while True:
        start = first_open_day(store, yesterday)
        if start > yesterday:
            return made
        end = min(yesterday, start + timedelta(days=MAX_DAYS - 1))
        made.append(_close(store, tally, key, kiosk_id, now, clock_synced, start, end))


def _close(
    store: Store,
    tally: Tally,
    key: Ed25519PrivateKey,
    kiosk_id: str,
    now: datetime,
    clock_synced: bool,
    start: date,
    end: date,
) -> int:
    with store.write() as db:
        days = []
        day = start
        while day <= end:
            days.append(batch.ops_day(day, tally.day(day)))
            day += timedelta(days=1)
        windows = [
            w
            for pack in tally.pending_packs()
            if not pack.startswith(UNOFFICIAL)  # an edited form's results never leave
            and (w := tally.roll_window(pack, end)) is not None
        ]
        row = db.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()
        seq = int(row[0]) + 1
        body = batch.canonical(
            batch.build(
                kiosk_id=kiosk_id,
                seq=seq,
                created_at=now,
                timezone=str(tally.tz),
                app_version=__version__,
                clock_synced=clock_synced,
                days=days,
                windows=windows,
            )
        )
        db.execute(
            "INSERT INTO outbox (seq, body, signature, first_date, last_date, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                seq,
                body.decode("utf-8"),
                sign(key, body),
                start.isoformat(),
                end.isoformat(),
                now.isoformat(timespec="seconds"),
            ],
        )
        _set_meta(db, CLOSED_THROUGH, end.isoformat())
    return seq


def waiting(store: Store) -> list[Queued]:
    rows = store.db().execute(
        "SELECT seq, body, signature, attempts FROM outbox WHERE acked_at = '' ORDER BY seq"
    )
    return [Queued(r[0], r[1].encode("utf-8"), r[2], r[3]) for r in rows.fetchall()]


def acknowledge(store: Store, seq: int, now: datetime) -> None:
    with store.write() as db:
        db.execute(
            "UPDATE outbox SET acked_at = ?, last_error = '' WHERE seq = ?",
            [now.isoformat(timespec="seconds"), seq],
        )
        db.execute("DELETE FROM meta WHERE key = ?", [ALARM])


def record_failure(store: Store, seq: int, error: str, *, alarm: bool) -> None:
    with store.write() as db:
        db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?",
            [error[:500], seq],
        )
        if alarm:
            _set_meta(db, ALARM, f"batch {seq}: {error}"[:500])


def prune(store: Store, now: datetime) -> int:
    """Forget acknowledged batches older than 30 days; how many went."""
    cutoff = (now - KEEP_ACKED).isoformat(timespec="seconds")
    with store.write() as db:
        cur = db.execute("DELETE FROM outbox WHERE acked_at != '' AND acked_at < ?", [cutoff])
        return int(cur.rowcount)


def alarm(store: Store) -> str | None:
    return _meta(store, ALARM) or None


def last_acknowledged(store: Store) -> str | None:
    row = store.db().execute("SELECT max(acked_at) FROM outbox WHERE acked_at != ''").fetchone()
    return str(row[0]) if row and row[0] else None
