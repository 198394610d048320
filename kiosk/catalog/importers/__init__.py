"""Importers of the activity catalogue: pure parsers from bytes to activities.

``parse(data, name=..., source=..., limits=..., today=...)`` picks the parser from
the file name's extension (or, for a feed without one, from the content) and
returns a :class:`ParseResult`. Applying a result to the database is
kiosk.catalog.apply's job; fetching files and feeds is kiosk.catalog.import_cli's.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import PurePosixPath
from typing import Any

from kiosk.catalog.importers.common import (
    SUPPORTED_EXTENSIONS,
    Limits,
    ParseResult,
    Problem,
    describe,
)

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "Limits",
    "ParseResult",
    "Problem",
    "detect_format",
    "finish",
    "parse",
    "parse_json",
    "within_total",
]


def detect_format(name: str, data: bytes) -> str | None:
    """'csv', 'xlsx', 'ical' or 'json', from the extension or else the first bytes."""
    ext = PurePosixPath(name.split("?", 1)[0]).suffix.lower()
    by_ext = {".csv": "csv", ".xlsx": "xlsx", ".ics": "ical", ".ical": "ical", ".json": "json"}
    if ext in by_ext:
        return by_ext[ext]
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.upper().startswith(b"BEGIN:VCALENDAR"):
        return "ical"
    if head[:1] in (b"{", b"["):
        return "json"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return None


def parse(data: bytes, *, name: str, source: str, limits: Limits, today: date) -> ParseResult:
    """Parse one file or feed body; never raises for bad input.

    MemoryError is the one exception let through: the import process (see
    kiosk.catalog.isolated) answers it as "needs more memory than allowed", which
    is what it means, rather than as a file that cannot be read.
    """
    try:
        result = _parse(data, name=name, source=source, limits=limits, today=today)
    except MemoryError:
        raise
    except Exception as e:
        # The parsers check what they use; this is the last guard for input shaped in a
        # way nobody foresaw, so that it is refused with a message, not a traceback.
        return ParseResult(problems=[Problem(name, f"the file cannot be read ({describe(e)})")])
    return finish(result, name, limits)


def finish(result: ParseResult, name: str, limits: Limits) -> ParseResult:
    """What every parse ends with: copies and postponed times settled (importers.settle),
    a warning for activities without a place, and the total cap."""
    from kiosk.catalog.importers.settle import settle, without_place

    result.activities = [settle(a) for a in result.activities]
    if not result.problems:
        result.warnings.extend(without_place(result.activities, name))
    return within_total(result, name, limits)


def within_total(result: ParseResult, name: str, limits: Limits) -> ParseResult:
    """The result, or a refusal when its dated times together pass the total cap."""
    total = sum(len(a.occurrences) for a in result.activities)
    if total <= limits.max_occurrences_total:
        return result
    why = (
        f"the activities have {total} dated times, more than {limits.max_occurrences_total} "
        "([catalog] max_occurrences_total)"
    )
    return ParseResult(problems=[*result.problems, Problem(name, why)])


def parse_json(data: bytes) -> Any:
    """The JSON value of a file or feed page; ValueError with a complete message."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise ValueError(f"not valid JSON: {describe(e)}") from None


def _parse(data: bytes, *, name: str, source: str, limits: Limits, today: date) -> ParseResult:
    kind = detect_format(name, data)
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes / 1024 / 1024
        return ParseResult(problems=[Problem(name, f"the file is larger than {mb:g} MB")])
    if kind == "csv":
        from kiosk.catalog.importers.spreadsheet import parse_csv

        return parse_csv(data, file=name, source=source, limits=limits, today=today)
    if kind == "xlsx":
        from kiosk.catalog.importers.spreadsheet import parse_xlsx

        return parse_xlsx(data, file=name, source=source, limits=limits, today=today)
    if kind == "ical":
        from kiosk.catalog.importers.ical import parse_ical

        return parse_ical(data, file=name, source=source, limits=limits, today=today)
    if kind == "json":
        from kiosk.catalog.importers.linkedevents import pages_from_json, parse_linked_events

        try:
            value = parse_json(data)
        except ValueError as e:
            return ParseResult(problems=[Problem(name, str(e))])
        return parse_linked_events(
            pages_from_json(value), file=name, source=source, limits=limits, today=today
        )
    return ParseResult(
        problems=[Problem(name, "unknown format; use .csv, .xlsx, .ics or Linked Events .json")]
    )
