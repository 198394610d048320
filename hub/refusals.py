"""The refusal log, and where a kiosk stands: what the hub tells kiosks and coordinators.

Every refused upload (a batch or a ``hello``) of an enrolled kiosk is kept with
the reason the kiosk was given, so that the dashboard can show a kiosk whose
counts are not getting through, and why, without anyone reading the server's log.
Refusals for ids that were never enrolled go to the log only: anyone on the
internet can send those. The log keeps the newest :data:`KEEP` per kiosk.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub.db import Hub
from hub.enroll import KIOSK_ID

KEEP = 200
log = logging.getLogger("hub.ingest")


@dataclass(frozen=True)
class Refusal:
    kiosk_id: str
    received_at: str
    status: int
    code: str
    reason: str
    batch_seq: int | None


def record(
    hub: Hub, kiosk_id: str, status: int, code: str, reason: str, seq: int | None, now: datetime
) -> None:
    log.warning("refused upload from %r: HTTP %s %s", kiosk_id[:40], status, reason)
    if not (kiosk_id.isascii() and KIOSK_ID.match(kiosk_id)):
        return  # never enrolled (and PostgreSQL refuses NUL in text)
    with hub.transaction() as tx:
        if tx.one("SELECT 1 FROM kiosk WHERE kiosk_id = ?", [kiosk_id]) is None:
            return
        at = now.isoformat(timespec="seconds")
        tx.execute(
            "INSERT INTO upload_refusal (kiosk_id, received_at, status, code, reason, batch_seq) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [kiosk_id, at, status, code, reason[:300], seq],
        )
        old = tx.one(
            "SELECT received_at FROM upload_refusal WHERE kiosk_id = ? "
            "ORDER BY received_at DESC LIMIT 1 OFFSET ?",
            [kiosk_id, KEEP],
        )
        if old is not None:
            tx.execute(
                "DELETE FROM upload_refusal WHERE kiosk_id = ? AND received_at <= ?",
                [kiosk_id, old[0]],
            )


def standing(hub: Hub, kiosk_id: str) -> dict[str, Any]:
    """The first batch number the hub has not seen from the kiosk, and its newest day."""
    row = hub.query(
        "SELECT (SELECT max(batch_seq) FROM batch WHERE kiosk_id = ?), "
        "(SELECT max(date) FROM ops_day WHERE kiosk_id = ?)",
        [kiosk_id, kiosk_id],
    )[0]
    return {"next_seq": int(row[0] or 0) + 1, "reported_through": row[1]}


def newest(hub: Hub) -> dict[str, Refusal]:
    """Each kiosk's newest refusal."""
    rows = hub.query(
        "SELECT r.kiosk_id, r.received_at, r.status, r.code, r.reason, r.batch_seq "
        "FROM upload_refusal r JOIN (SELECT kiosk_id, max(received_at) AS at "
        "FROM upload_refusal GROUP BY kiosk_id) m "
        "ON m.kiosk_id = r.kiosk_id AND m.at = r.received_at"
    )
    return {str(r[0]): Refusal(str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), r[5])
            for r in rows}  # fmt: skip


def of_kiosk(hub: Hub, kiosk_id: str, limit: int = 20) -> list[Refusal]:
    rows = hub.query(
        "SELECT kiosk_id, received_at, status, code, reason, batch_seq FROM upload_refusal "
        "WHERE kiosk_id = ? ORDER BY received_at DESC LIMIT ?",
        [kiosk_id, limit],
    )
    return [Refusal(str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), r[5]) for r in rows]
