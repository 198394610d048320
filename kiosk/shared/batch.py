"""A batch: one or more closed days of counts and the released score windows (pure).

Nothing in a batch is per visit: counters per day and, for the self-test, only
windows of at least k tests as four band counts. The body is serialised
canonically (sorted keys, no spaces, UTF-8) because the signature covers the
exact bytes and the hub compares resent bodies byte for byte.

``corrections`` carries counts that were made on days already sent (a clock that
was behind, a new card of a kiosk whose days the hub already has): the hub adds
them to those days, once. The same limits hold there as in ``ops``.

:func:`key_problem` and :func:`max_count` say what the schema allows a counter to
hold, so that the tally refuses a value where it is counted instead of leaving a
day that no batch can carry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker

from kiosk.shared.bands import BANDS_ID, ScoreWindow

SCHEMA_FILE = Path(__file__).resolve().parent / "schema.json"
SCHEMA_ID = "esis-kiosk-batch/1"
PLAIN = ("sessions_started", "consent_shown", "consent_declined", "tests_completed",
         "tests_incomplete", "staff_calls")  # fmt: skip
MAPS = ("ui_language", "accessibility", "activity_views", "activity_prints", "printer")


class BatchError(ValueError):
    """A batch that does not match the schema: a bug, never sent."""


# Which of the schema's definitions holds each counter's keys.
_KEYS = {"ui_language": "countMap", "accessibility": "countMap", "printer": "countMap",
         "activity_views": "activityMap", "activity_prints": "activityMap"}  # fmt: skip
ABANDON_REASONS = ("timeout", "exit")


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=FormatChecker())


@cache
def _fast() -> Any:
    # The same schema compiled to Python: about fifty times faster for the (usual)
    # valid batch; jsonschema then explains an invalid one, problem by problem.
    return fastjsonschema.compile(schema())


def max_count() -> int:
    """The largest value one counter may have on one day."""
    return int(schema()["$defs"]["count"]["maximum"])


@cache
def _key_rule(metric: str) -> tuple[re.Pattern[str] | None, int]:
    """The pattern of a counter's keys and how many keys one day may hold."""
    defs = schema()["$defs"]
    if metric == "abandoned":
        rule = defs["opsDay"]["properties"]["abandoned"]
    elif metric in _KEYS:
        rule = defs[_KEYS[metric]]
    else:
        return None, 1
    return re.compile(rule["propertyNames"]["pattern"]), int(rule["maxProperties"])


def key_problem(metric: str, key: str) -> str | None:
    """Why the schema would refuse ``key`` for ``metric``; None when a batch can carry it."""
    pattern, _ = _key_rule(metric)
    if pattern is None:
        return None if key == "" else f"{metric} has no keys (got {key!r})"
    if metric == "abandoned":
        item, _, reason = key.partition(":")
        if reason not in ABANDON_REASONS or not pattern.fullmatch(item):
            return f"abandoned key {key[:40]!r} is not <statement 1-99>:timeout or :exit"
        return None
    if not pattern.fullmatch(key):
        return f"{metric} key {key[:90]!r} does not match {pattern.pattern}"
    return None


def form_problem(form: str) -> str | None:
    """Why the schema would refuse ``form`` as a score window's form id; None if it would not."""
    rule = schema()["$defs"]["scoreWindow"]["properties"]["form"]["pattern"]
    return None if re.fullmatch(rule, form) else f"form {form[:40]!r} does not match {rule}"


def max_keys(metric: str) -> int:
    """How many different keys ``metric`` may have on one day (statements for abandoned)."""
    return _key_rule(metric)[1]


def problems(body: object) -> list[str]:
    """Every way ``body`` breaks the schema, as 'path: message' lines."""
    try:
        _fast()(body)
    except fastjsonschema.JsonSchemaException:
        pass
    else:
        return []
    errors = sorted(_validator().iter_errors(body), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in errors]


def ops_day(day: date, counters: dict[str, dict[str, int]]) -> dict[str, Any]:
    """One day's counters (Tally.day) in the batch's shape; absent counters are zero."""
    out: dict[str, Any] = {"date": day.isoformat()}
    for metric in PLAIN:
        out[metric] = sum(counters.get(metric, {}).values())
    for metric in MAPS:
        values = {k: v for k, v in counters.get(metric, {}).items() if k and v}
        if values:
            out[metric] = values
    abandoned: dict[str, dict[str, int]] = {}
    for key, value in counters.get("abandoned", {}).items():
        item, _, reason = key.partition(":")
        abandoned.setdefault(item, {})[reason] = value
    if abandoned:
        out["abandoned"] = abandoned
    return out


def window(w: ScoreWindow) -> dict[str, Any]:
    return {
        "form": w.pack,
        "period_start": w.period_start,
        "period_end": w.period_end,
        "n": w.n,
        "band": list(w.bands),
    }


def build(
    *,
    kiosk_id: str,
    seq: int,
    created_at: datetime,
    timezone: str,
    app_version: str,
    clock_synced: bool,
    days: Iterable[dict[str, Any]],
    windows: Iterable[ScoreWindow],
    corrections: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    body = {
        "schema": SCHEMA_ID,
        "kiosk_id": kiosk_id,
        "batch_seq": seq,
        "created_at": created_at.isoformat(timespec="seconds"),
        "tz": timezone,
        "software": {"app": app_version, "bands": BANDS_ID},
        "clock": {"synced": clock_synced},
        "ops": list(days),
        "score_windows": [window(w) for w in windows],
        "noise": {"mechanism": "none"},
    }
    late = list(corrections)
    if late:  # only when there are any: a hub of an earlier release knows no such field
        body["corrections"] = late
    return body


def day_problems(day: dict[str, Any]) -> list[str]:
    """Every way one day's counts break the schema (checked alone, as in a batch of its own)."""
    probe = build(
        kiosk_id="k-000000", seq=1, created_at=datetime(2000, 1, 1).astimezone(),
        timezone="UTC", app_version="", clock_synced=True, days=[day], windows=(),
    )  # fmt: skip
    # "ops/0/staff_calls: ..." names the counter; "ops/0: ..." is about the day itself.
    return [p.removeprefix("ops/0/").removeprefix("ops/0: ") for p in problems(probe)]


def canonical(body: dict[str, Any]) -> bytes:
    """The exact bytes that are signed, stored and sent; refuses a body the schema refuses."""
    found = problems(body)
    if found:
        raise BatchError("batch does not match the schema: " + "; ".join(found[:5]))
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
