"""Receiving one batch: signature, schema, meaning, then storing it once.

Every refusal is a 4xx with a reason the kiosk logs and shows to staff; a batch
is stored in one transaction or not at all. The same (kiosk, batch number) sent
again with the same bytes is answered 200 (the kiosk lost the first answer);
with other bytes 409.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hub.db import Hub, Tx
from hub.enroll import KIOSK_ID
from hub.safety import too_deep
from kiosk.shared.batch import PLAIN, problems
from kiosk.shared.signature import verify

MAX_BODY = 256 * 1024
# A batch nests five deep (batch, ops, day, abandoned, statement); the parser and the
# schema check recurse, so anything much deeper is refused before either sees it.
MAX_DEPTH = 16
MAX_FUTURE = timedelta(days=1)  # a kiosk's local date may be a day ahead of the hub's UTC


@dataclass(frozen=True)
class Outcome:
    status: int
    reason: str


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.outcome = Outcome(status, reason)


def ingest(
    hub: Hub,
    kiosk_id: str,
    body: bytes,
    signature_header: str,
    *,
    k: int = 5,
    now: datetime | None = None,
    sent_at: str = "",
) -> Outcome:
    """Store one batch; ``sent_at`` is the kiosk's clock when it sent it (for the skew)."""
    now = now or datetime.now(UTC)
    try:
        with hub.transaction() as tx:
            return _ingest(tx, kiosk_id, body, signature_header, k, now, _skew(sent_at, now))
    except Refused as refused:
        return refused.outcome
    except Exception as exc:
        # A unique key hit by a concurrent request (sqlite3 or psycopg): nothing was stored.
        if "IntegrityError" in type(exc).__name__ or "UniqueViolation" in type(exc).__name__:
            return Outcome(409, "conflicts with data stored at the same moment; send again")
        raise


def _skew(sent_at: str, now: datetime) -> int | None:
    """Seconds the kiosk's clock is ahead of the hub's; None when it did not say.

    Taken from the time of sending, not the batch's created_at: a batch that waited a
    month for the network was made a month ago by a clock that may be right.
    """
    try:
        sent = datetime.fromisoformat(sent_at)
    except ValueError:
        return None
    if sent.tzinfo is None:
        return None
    return int((sent - now).total_seconds())


def _ingest(
    tx: Tx,
    kiosk_id: str,
    body: bytes,
    signature_header: str,
    k: int,
    now: datetime,
    skew: int | None,
) -> Outcome:
    if not (kiosk_id.isascii() and KIOSK_ID.match(kiosk_id)):
        # Never enrolled (enrollment checks the same), and PostgreSQL refuses NUL in text.
        raise Refused(403, f"unknown kiosk {kiosk_id[:40]!r}: enroll it first")
    if len(body) > MAX_BODY:
        # 400, not 413: a kiosk retries 413 for ever; a batch this large needs people.
        raise Refused(400, f"batch larger than {MAX_BODY} bytes")
    # One round trip for the kiosk and its active keys (a hub takes 10,000 of these a night).
    known = tx.all(
        "SELECT k.status, kk.pubkey FROM kiosk k LEFT JOIN kiosk_key kk "
        "ON kk.kiosk_id = k.kiosk_id AND kk.active = 1 WHERE k.kiosk_id = ?",
        [kiosk_id],
    )
    if not known:
        raise Refused(403, f"unknown kiosk {kiosk_id}: enroll it first")
    if known[0][0] != "active":
        raise Refused(403, f"kiosk {kiosk_id} is {known[0][0]}")
    scheme, _, signature = signature_header.partition("=")
    keys = [key for _, key in known if key]
    if scheme != "ed25519" or not any(verify(key, body, signature) for key in keys):
        raise Refused(401, "signature does not match the kiosk's enrolled key")
    if too_deep(body, MAX_DEPTH):
        raise Refused(400, f"JSON nested deeper than {MAX_DEPTH} levels")
    try:
        batch = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused(400, f"not JSON: {exc}") from None
    found = problems(batch)
    if found:
        raise Refused(400, "schema: " + "; ".join(found[:5]))
    if batch["kiosk_id"] != kiosk_id:
        raise Refused(400, f"batch is for kiosk {batch['kiosk_id']}, sent as {kiosk_id}")
    digest = hashlib.sha256(body).hexdigest()
    seq = int(batch["batch_seq"])
    stored = tx.one(
        "SELECT body_sha256 FROM batch WHERE kiosk_id = ? AND batch_seq = ?", [kiosk_id, seq]
    )
    if stored is not None:
        if stored[0] == digest:
            return Outcome(200, f"batch {seq} already stored")
        raise Refused(409, f"batch {seq} was stored with another body")
    _check_meaning(tx, kiosk_id, batch, k, now)
    # ON CONFLICT: the same batch arriving twice at once is stored once; the second
    # request waits for the first and then compares bodies.
    inserted = tx.execute(
        "INSERT INTO batch (kiosk_id, batch_seq, body_sha256, created_at, received_at, skew_s, "
        "clock_synced, app_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (kiosk_id, batch_seq) DO NOTHING",
        [
            kiosk_id,
            seq,
            digest,
            batch["created_at"],
            now.isoformat(timespec="seconds"),
            skew,
            1 if batch["clock"]["synced"] else 0,
            batch["software"]["app"],
        ],
    )
    if not inserted:
        again = tx.one(
            "SELECT body_sha256 FROM batch WHERE kiosk_id = ? AND batch_seq = ?", [kiosk_id, seq]
        )
        if again is not None and again[0] == digest:
            return Outcome(200, f"batch {seq} already stored")
        raise Refused(409, f"batch {seq} was stored with another body")
    for day in batch["ops"]:
        _store_day(tx, kiosk_id, seq, day)
    for w in batch["score_windows"]:
        tx.execute(
            "INSERT INTO score_window (kiosk_id, form, period_start, period_end, n, "
            "b0, b1, b2, b3, batch_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [kiosk_id, w["form"], w["period_start"], w["period_end"], w["n"], *w["band"], seq],
        )
    return Outcome(201, f"batch {seq} stored")


def _check_meaning(tx: Tx, kiosk_id: str, batch: dict[str, Any], k: int, now: datetime) -> None:
    latest = (now + MAX_FUTURE).date()
    dates = [day["date"] for day in batch["ops"]]
    if len(set(dates)) != len(dates):
        raise Refused(400, "a day appears twice in the batch")
    for text in dates:
        if date.fromisoformat(text) > latest:
            raise Refused(400, f"day {text} is in the future")
        if tx.one("SELECT 1 FROM ops_day WHERE kiosk_id = ? AND date = ?", [kiosk_id, text]):
            raise Refused(409, f"day {text} was already reported in another batch")
    for w in batch["score_windows"]:
        start, end = w["period_start"], w["period_end"]
        if sum(w["band"]) != w["n"]:
            raise Refused(400, f"window {start}: bands do not sum to n")
        if w["n"] < k:
            raise Refused(400, f"window {start}: n = {w['n']} is under k = {k}")
        if start > end or date.fromisoformat(end) > latest:
            raise Refused(400, f"window {start}..{end}: dates out of order or in the future")
        overlap = tx.one(
            "SELECT period_start FROM score_window WHERE kiosk_id = ? AND form = ? "
            "AND period_start <= ? AND period_end >= ?",
            [kiosk_id, w["form"], end, start],
        )
        if overlap:
            raise Refused(409, f"window {start}..{end} overlaps one from {overlap[0]}")


def _store_day(tx: Tx, kiosk_id: str, seq: int, day: dict[str, Any]) -> None:
    tx.execute(
        "INSERT INTO ops_day (kiosk_id, date, batch_seq) VALUES (?, ?, ?)",
        [kiosk_id, day["date"], seq],
    )
    rows: list[tuple[str, str, int]] = [(m, "", int(day.get(m, 0))) for m in PLAIN]
    for metric in ("ui_language", "accessibility", "activity_views", "activity_prints", "printer"):
        rows.extend((metric, key, int(v)) for key, v in day.get(metric, {}).items())
    for item, reasons in day.get("abandoned", {}).items():
        rows.extend(("abandoned", f"{item}:{reason}", int(v)) for reason, v in reasons.items())
    tx.execute_many(
        "INSERT INTO ops_daily (kiosk_id, date, metric, key, value, batch_seq) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(kiosk_id, day["date"], m, key, value, seq) for m, key, value in rows if value],
    )
