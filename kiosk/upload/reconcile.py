"""Following the hub's word on where this kiosk stands, and taking back batches it never stored.

The hub knows what a new card cannot: the batch numbers and days of this kiosk
that it already has (sent by the card before, which a re-flashed card has no
memory of). Its ``hello`` answer and some refusals say so (:class:`Standing`):

* numbering **continues after the hub's newest batch** of this kiosk, so a new
  card never reuses a number the old one sent;
* days the hub already has are **closed** here too; what this card counted on
  them goes as corrections, added to those days instead of sent twice.

A batch is **taken back** (deleted from the outbox, its days reopened, its score
windows returned to the pending ones, its corrections owed again) only when the
hub cannot have stored it: the hub refused it, or it was never sent, and no batch
after it went anywhere. Then the days are closed again by what the hub said
(``hub_time`` stops days that have not ended by the hub's clock from closing).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.store.db import Store
from kiosk.upload import outbox


@dataclass(frozen=True)
class Standing:
    """What the hub says about this kiosk."""

    next_seq: int | None = None  # the first batch number the hub has not seen
    reported_through: date | None = None  # the newest day the hub has of this kiosk
    hub_time: datetime | None = None

    @classmethod
    def from_answer(cls, fields: dict[str, Any]) -> Standing:
        def when(text: Any) -> datetime | None:
            try:
                found = datetime.fromisoformat(str(text))
            except ValueError:
                return None
            return found if found.tzinfo is not None else None

        seq = fields.get("next_seq")
        through = fields.get("reported_through")
        try:
            day = date.fromisoformat(through) if isinstance(through, str) else None
        except ValueError:
            day = None
        return cls(
            next_seq=seq
            if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0
            else None,
            reported_through=day,
            hub_time=when(fields.get("hub_time")),
        )


def never_sent(store: Store) -> int | None:
    """The first waiting batch if no waiting batch was ever sent (so the hub has none of them)."""
    rows = (
        store.db()
        .execute(
            "SELECT min(seq), max(attempts) FROM outbox WHERE acked_at = '' AND set_aside_at = ''"
        )
        .fetchone()
    )
    if rows is None or rows[0] is None or rows[1] > 0:
        return None
    return int(rows[0])


def take_back(store: Store, first: int) -> list[int]:
    """Take batch ``first`` and every later waiting one back; the numbers taken back.

    ``first`` itself must be one the hub refused or never got. Nothing is taken back
    (an empty list) when a later batch was delivered, set aside or sent at all (the
    hub may have it): its days would otherwise be closed and sent a second time.
    """
    with store.write() as db:
        later = db.execute(
            "SELECT count(*) FROM outbox WHERE seq > ? "
            "AND (acked_at != '' OR set_aside_at != '' OR attempts > 0)",
            [first],
        ).fetchone()
        if later[0]:
            return []
        rows = db.execute(
            "SELECT seq, body, first_date FROM outbox WHERE seq >= ? AND acked_at = '' "
            "AND set_aside_at = '' ORDER BY seq",
            [first],
        ).fetchall()
        for seq, body, _first_date in rows:
            parsed = json.loads(body)
            for day in parsed["ops"]:
                db.execute("UPDATE counters SET sent = 0 WHERE date = ?", [day["date"]])
            for day, metric, key, delta in db.execute(
                "SELECT date, metric, key, delta FROM outbox_late WHERE seq = ?", [seq]
            ).fetchall():
                db.execute(
                    "UPDATE counters SET sent = max(0, sent - ?) "
                    "WHERE date = ? AND metric = ? AND key = ?",
                    [delta, day, metric, key],
                )
            for window in parsed["score_windows"]:
                _return_window(db, window)
            db.execute("DELETE FROM outbox_late WHERE seq = ?", [seq])
            db.execute("DELETE FROM outbox WHERE seq = ?", [seq])
        starts = [date.fromisoformat(r[2]) for r in rows if r[2]]
        if starts:
            reopened = min(starts) - timedelta(days=1)
            outbox._set_meta(db, outbox.CLOSED_THROUGH, reopened.isoformat())
        if rows:
            # The hub never stored these numbers: they are used again.
            outbox._set_meta(db, outbox.NEXT_SEQ, str(rows[0][0]))
    return [int(r[0]) for r in rows]


def _return_window(db: Any, window: dict[str, Any]) -> None:
    """Put a released score window back into its form's pending window."""
    db.execute(
        "DELETE FROM score_windows WHERE pack = ? AND period_start = ?",
        [window["form"], window["period_start"]],
    )
    # ``last`` is the window's end: it is released again only once that day has closed.
    db.execute(
        "INSERT INTO score_pending (pack, since, n, b0, b1, b2, b3, last) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (pack) DO UPDATE SET "
        "since = min(since, excluded.since), n = n + excluded.n, b0 = b0 + excluded.b0, "
        "b1 = b1 + excluded.b1, b2 = b2 + excluded.b2, b3 = b3 + excluded.b3, "
        "last = max(last, excluded.last)",
        [window["form"], window["period_start"], window["n"], *window["band"],
         window["period_end"]],
    )  # fmt: skip


def follow(store: Store, standing: Standing) -> list[str]:
    """Number on after the hub's newest batch, and close the days it has; what changed."""
    changes: list[str] = []
    first = never_sent(store)
    if first is not None and _clashes(store, standing, first):
        taken = take_back(store, first)
        if taken:
            changes.append(f"took back batch(es) {_numbers(taken)}, never sent")
    if standing.next_seq is not None and standing.next_seq > outbox.next_seq(store):
        with store.write() as db:
            outbox._set_meta(db, outbox.NEXT_SEQ, str(standing.next_seq))
        changes.append(f"batches continue from {standing.next_seq}, after the hub's newest")
    closed = outbox.closed_through(store)
    through = standing.reported_through
    if through is not None and (closed is None or through > closed):
        with store.write() as db:
            outbox._set_meta(db, outbox.CLOSED_THROUGH, through.isoformat())
            outbox._set_meta(db, outbox.WINDOWS_AFTER, through.isoformat())
        changes.append(f"days through {through} are at the hub already")
    return changes


def _clashes(store: Store, standing: Standing, first: int) -> bool:
    """Whether batches never sent, from ``first`` on, hold numbers or days the hub has."""
    if standing.next_seq is not None and standing.next_seq > first:
        return True
    if standing.reported_through is None:
        return False
    row = (
        store.db()
        .execute("SELECT min(first_date) FROM outbox WHERE seq >= ? AND first_date != ''", [first])
        .fetchone()
    )
    return bool(row and row[0] and row[0] <= standing.reported_through.isoformat())


def _numbers(seqs: list[int]) -> str:
    return f"{seqs[0]}-{seqs[-1]}" if len(seqs) > 1 else str(seqs[0])
