"""Receiving one batch: signature, schema, meaning, then storing it once.

Every refusal is a 4xx with a reason the kiosk shows to staff and a ``code`` it
acts on (kiosk.shared.answers); it is also kept in the hub's refusal log
(:mod:`hub.refusals`). A batch is stored in one transaction or not at all. The
same (kiosk, batch number) sent again with the same bytes is answered 200 (the
kiosk lost the first answer); with other bytes 409, with where this kiosk stands
so that a new card can number on after the old one.

``corrections`` (counts made on a day the kiosk had already sent) are added to
that day once: the batch they come in is stored once. For a day the hub does not
have they are the day.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from hub import refusals
from hub.db import Hub, Tx
from hub.enroll import KIOSK_ID
from hub.safety import too_deep
from kiosk.shared import answers
from kiosk.shared.bands import MIN_K
from kiosk.shared.batch import MAPS, PLAIN, problems
from kiosk.shared.signature import verify

MAX_BODY = 256 * 1024
# A batch nests five deep (batch, ops, day, abandoned, statement); the parser and the
# schema check recurse, so anything much deeper is refused before either sees it.
MAX_DEPTH = 16
MAX_FUTURE = timedelta(days=1)  # a kiosk's local date may be a day ahead of the hub's UTC
OPS_COLUMNS = (("kiosk_id", "text"), ("date", "text"), ("metric", "text"), ("key", "text"),
               ("value", "integer"), ("batch_seq", "integer"))  # fmt: skip
WINDOW_COLUMNS = (("kiosk_id", "text"), ("form", "text"), ("period_start", "text"),
                  ("period_end", "text"), ("n", "integer"), ("b0", "integer"), ("b1", "integer"),
                  ("b2", "integer"), ("b3", "integer"), ("batch_seq", "integer"))  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    status: int
    reason: str
    code: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # where the kiosk stands, for it

    def answer(self, now: datetime) -> dict[str, Any]:
        """The JSON a kiosk gets."""
        out: dict[str, Any] = {"status": self.status, "reason": self.reason}
        if self.code:
            out["code"] = self.code
        out.update(self.extra)
        out["hub_time"] = now.isoformat(timespec="seconds")
        return out


class Refused(Exception):
    def __init__(self, status: int, reason: str, code: str, seq: int | None = None) -> None:
        super().__init__(reason)
        self.outcome = Outcome(status, reason, code)
        self.seq = seq


@dataclass(frozen=True)
class Signer:
    """The kiosk and which of its keys signed a request."""

    kiosk_id: str
    key_id: str


def ingest(
    hub: Hub,
    kiosk_id: str,
    body: bytes,
    signature_header: str,
    *,
    k: int = MIN_K,
    now: datetime | None = None,
    sent_at: str = "",
) -> Outcome:
    """Store one batch; ``sent_at`` is the kiosk's clock when it sent it (for the skew)."""
    now = now or datetime.now(UTC)
    try:
        with hub.transaction() as tx:
            return _ingest(tx, kiosk_id, body, signature_header, k, now, _skew(sent_at, now))
    except Refused as refused:
        outcome = refused.outcome
        if outcome.code in answers.TAKE_BACK:
            outcome = Outcome(outcome.status, outcome.reason, outcome.code,
                              refusals.standing(hub, kiosk_id))  # fmt: skip
        refusals.record(hub, kiosk_id, outcome.status, outcome.code, outcome.reason,
                        refused.seq, now)  # fmt: skip
        return outcome
    except Exception as exc:
        # A unique key hit by a concurrent request (sqlite3 or psycopg): nothing was stored.
        if "IntegrityError" in type(exc).__name__ or "UniqueViolation" in type(exc).__name__:
            return Outcome(409, "conflicts with data stored at the same moment; send again",
                           answers.CONFLICT)  # fmt: skip
        raise


def _first_checks(kiosk_id: str, body: bytes) -> None:
    if not (kiosk_id.isascii() and KIOSK_ID.match(kiosk_id)):
        # Never enrolled (enrollment checks the same), and PostgreSQL refuses NUL in text.
        raise Refused(403, f"unknown kiosk {kiosk_id[:40]!r}: enroll it first",
                      answers.UNKNOWN_KIOSK)  # fmt: skip
    if len(body) > MAX_BODY:
        # 400, not 413: a kiosk retries 413 for ever; a batch this large needs people.
        raise Refused(400, f"batch larger than {MAX_BODY} bytes", answers.TOO_LARGE)


# The kiosk and its keys, in one round trip (a hub takes 10,000 of these a night); the
# last column is the stored body's digest of the batch number asked for, if any.
_KEYS = (
    "SELECT k.status, kk.key_id, kk.pubkey, kk.active, kk.retired_at, "
    "(SELECT body_sha256 FROM batch WHERE kiosk_id = ? AND batch_seq = ?) "
    "FROM kiosk k LEFT JOIN kiosk_key kk ON kk.kiosk_id = k.kiosk_id WHERE k.kiosk_id = ? "
    "ORDER BY kk.active DESC"
)


def check_signature(tx: Tx, kiosk_id: str, body: bytes, signature_header: str) -> Signer:
    """The enrolled, active key of ``kiosk_id`` that signed ``body``, or a refusal that says why."""
    _first_checks(kiosk_id, body)
    return _signer(tx.all(_KEYS, [kiosk_id, -1, kiosk_id]), kiosk_id, body, signature_header)


def _signer(known: list[tuple[Any, ...]], kiosk_id: str, body: bytes, header: str) -> Signer:
    if not known:
        raise Refused(403, f"unknown kiosk {kiosk_id}: enroll it first", answers.UNKNOWN_KIOSK)
    if known[0][0] != "active":
        raise Refused(403, f"kiosk {kiosk_id} is {known[0][0]} at the hub", answers.KIOSK_RETIRED)
    scheme, _, signature = header.partition("=")
    if scheme == "ed25519":
        for _status, key_id, pubkey, active, retired_at, *_ in known:
            if pubkey and verify(pubkey, body, signature):
                if active:
                    return Signer(kiosk_id, str(key_id))
                when = f" on {str(retired_at)[:10]}" if retired_at else ""
                raise Refused(401, f"key {key_id} of kiosk {kiosk_id} was retired at the hub"
                              f"{when}: enroll this card's key", answers.KEY_RETIRED)  # fmt: skip
    raise Refused(401, f"signature does not match the kiosk's enrolled key: enroll this card's "
                  f"key for {kiosk_id}", answers.UNKNOWN_KEY)  # fmt: skip


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


def _parse(body: bytes) -> tuple[Any, Refused | None]:
    """The body as JSON, or why it is not (refused only once the signature is checked)."""
    if too_deep(body, MAX_DEPTH):
        return None, Refused(400, f"JSON nested deeper than {MAX_DEPTH} levels", answers.NOT_JSON)
    try:
        return json.loads(body), None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, Refused(400, f"not JSON: {exc}", answers.NOT_JSON)


def _ingest(tx: Tx, kiosk_id: str, body: bytes, signature_header: str, k: int, now: datetime,
            skew: int | None) -> Outcome:  # fmt: skip
    _first_checks(kiosk_id, body)
    batch, unreadable = _parse(body)
    asked = batch.get("batch_seq") if isinstance(batch, dict) else None
    known = tx.all(_KEYS, [kiosk_id, asked if isinstance(asked, int) else -1, kiosk_id])
    signer = _signer(known, kiosk_id, body, signature_header)
    if unreadable is not None:
        raise unreadable
    found = problems(batch)
    if found:
        raise Refused(400, "schema: " + "; ".join(found[:5]), answers.SCHEMA)
    seq = int(batch["batch_seq"])
    if batch["kiosk_id"] != kiosk_id:
        raise Refused(400, f"batch is for kiosk {batch['kiosk_id']}, sent as {kiosk_id}",
                      answers.WRONG_KIOSK, seq)  # fmt: skip
    digest = hashlib.sha256(body).hexdigest()
    stored = known[0][5]
    if stored is not None:
        if stored == digest:
            return Outcome(200, f"batch {seq} already stored")
        raise Refused(409, f"batch {seq} was stored with another body (another card's?)",
                      answers.SEQ_TAKEN, seq)  # fmt: skip
    _check_meaning(batch, seq, k, now)
    corrections = batch.get("corrections", [])
    new_days = list(batch["ops"])
    if corrections:  # rare: which corrected days the hub has (the others are new days)
        marks = ", ".join("?" * len(corrections))
        have = {str(r[0]) for r in tx.all(
            f"SELECT date FROM ops_day WHERE kiosk_id = ? AND date IN ({marks})",
            [kiosk_id, *(d["date"] for d in corrections)])}  # fmt: skip
        new_days += [d for d in corrections if d["date"] not in have]
        corrections = [d for d in corrections if d["date"] in have]
    with tx.pipeline():
        # ON CONFLICT: the same batch arriving twice at once is stored once; the second
        # request then compares bodies. A day already here is not inserted again, and
        # fewer days back than sent means one was reported before.
        inserted = tx.later(
            "INSERT INTO batch (kiosk_id, batch_seq, body_sha256, created_at, received_at, "
            "skew_s, clock_synced, app_version, key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (kiosk_id, batch_seq) DO NOTHING RETURNING batch_seq",
            [kiosk_id, seq, digest, batch["created_at"], now.isoformat(timespec="seconds"), skew,
             1 if batch["clock"]["synced"] else 0, batch["software"]["app"], signer.key_id],
        )  # fmt: skip
        days = None
        if new_days:
            days = tx.later(
                "INSERT INTO ops_day (kiosk_id, date, batch_seq) VALUES "
                + ", ".join(["(?, ?, ?)"] * len(new_days))
                + " ON CONFLICT (kiosk_id, date) DO NOTHING RETURNING date",
                [v for d in new_days for v in (kiosk_id, d["date"], seq)],
            )
        overlaps = [
            (w, tx.later(
                "SELECT period_start FROM score_window WHERE kiosk_id = ? AND form = ? "
                "AND period_start <= ? AND period_end >= ?",
                [kiosk_id, w["form"], w["period_end"], w["period_start"]]))
            for w in batch["score_windows"]
        ]  # fmt: skip
        # Sent in the same round trip; refused below (and rolled back) if a check fails.
        tx.insert_rows("ops_daily", OPS_COLUMNS, _rows(kiosk_id, seq, new_days))
        tx.insert_rows("ops_correction", OPS_COLUMNS, _rows(kiosk_id, seq, corrections))
        tx.insert_rows("score_window", WINDOW_COLUMNS,
                       [(kiosk_id, w["form"], w["period_start"], w["period_end"], w["n"],
                         *w["band"], seq) for w in batch["score_windows"]])  # fmt: skip
    if not inserted.rows():
        again = tx.one(
            "SELECT body_sha256 FROM batch WHERE kiosk_id = ? AND batch_seq = ?", [kiosk_id, seq]
        )
        if again is not None and again[0] == digest:
            return Outcome(200, f"batch {seq} already stored")
        raise Refused(409, f"batch {seq} was stored with another body", answers.SEQ_TAKEN, seq)
    if days is not None:
        fresh = {str(r[0]) for r in days.rows()}
        for day in new_days:
            if day["date"] not in fresh:
                raise Refused(409, f"day {day['date']} was already reported in another batch",
                              answers.DAY_REPORTED, seq)  # fmt: skip
    for w, overlap in overlaps:
        rows = overlap.rows()
        if rows:
            raise Refused(409, f"window {w['period_start']}..{w['period_end']} overlaps one "
                          f"from {rows[0][0]}", answers.WINDOW, seq)  # fmt: skip
    return Outcome(201, f"batch {seq} stored")


def _check_meaning(batch: dict[str, Any], seq: int, k: int, now: datetime) -> None:
    """Refuse what the schema cannot see and needs nothing stored to tell."""
    latest = (now + MAX_FUTURE).date()
    dates = [day["date"] for day in batch["ops"]]
    late = [day["date"] for day in batch.get("corrections", [])]
    if len(set(dates)) != len(dates) or len(set(late)) != len(late):
        raise Refused(400, "a day appears twice in the batch", answers.SCHEMA, seq)
    for text in (*dates, *late):
        if date.fromisoformat(text) > latest:
            raise Refused(400, f"day {text} is in the future by the hub's clock ({now:%Y-%m-%d})",
                          answers.FUTURE, seq)  # fmt: skip
    for w in batch["score_windows"]:
        start, end = w["period_start"], w["period_end"]
        if sum(w["band"]) != w["n"]:
            raise Refused(400, f"window {start}: bands do not sum to n", answers.WINDOW, seq)
        if w["n"] < k:
            raise Refused(400, f"window {start}: n = {w['n']} is under k = {k}",
                          answers.WINDOW, seq)  # fmt: skip
        if start > end or date.fromisoformat(end) > latest:
            raise Refused(400, f"window {start}..{end}: dates out of order or in the future",
                          answers.WINDOW, seq)  # fmt: skip
    spans = sorted((w["form"], w["period_start"], w["period_end"]) for w in batch["score_windows"])
    for (form, _, end), (other, start, _) in pairwise(spans):
        if form == other and start <= end:
            raise Refused(400, f"windows of {form} overlap in the batch", answers.WINDOW, seq)


def _rows(kiosk_id: str, seq: int, days: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for day in days:
        when = day["date"]
        rows.extend((kiosk_id, when, m, "", int(day.get(m, 0)), seq) for m in PLAIN)
        for metric in MAPS:
            rows.extend((kiosk_id, when, metric, key, int(v), seq)
                        for key, v in day.get(metric, {}).items())  # fmt: skip
        for item, reasons in day.get("abandoned", {}).items():
            rows.extend((kiosk_id, when, "abandoned", f"{item}:{reason}", int(v), seq)
                        for reason, v in reasons.items())  # fmt: skip
    return [r for r in rows if r[4]]


def hello(hub: Hub, kiosk_id: str, body: bytes, signature_header: str, now: datetime) -> Outcome:
    """A kiosk asks where it stands: the hub's newest batch and day of it, and the time."""
    try:
        with hub.transaction() as tx:
            check_signature(tx, kiosk_id, body, signature_header)
        try:
            said = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            said = None
        if not isinstance(said, dict) or said.get("kiosk_id") != kiosk_id:
            raise Refused(400, f"hello is not from kiosk {kiosk_id}", answers.WRONG_KIOSK)
    except Refused as refused:
        o = refused.outcome
        refusals.record(hub, kiosk_id, o.status, o.code, o.reason, None, now)
        return o
    return Outcome(200, "hello", extra=refusals.standing(hub, kiosk_id))
