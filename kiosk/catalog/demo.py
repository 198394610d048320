"""The demo catalogue of the invented town of Järvilinna, loaded through the importer.

The activities are data: ``demo.csv`` next to this module, in the columns of
docs/catalogue-template.csv, so it is also a complete example for coordinators
and a standing test of the CSV importer. Everything in it is invented: the town,
organisers, addresses and phone numbers (all in the "000" block, e.g. 040 000
1201); e-mail addresses are @example.fi and links point to https://example.fi/.

What it shows, and how it stays current:

- Five activities happen every day of the week, so "today" is never empty.
- One-off dates would soon lie in the past, so before parsing they are moved:
  every date in the file from the earliest one-off date on moves forward (or
  back) by the same whole number of fortnights, so that the earliest one-off
  event falls within the coming fortnight, never today. The one-off events span
  four weeks, so all of them lie within the next six weeks. Whole fortnights keep
  the weekday of every date and the weeks of every-other-week times.
- Every-other-week times take their weeks from ``valid_from``; where that is a
  date in January 2025 (before the earliest one-off date, so it never moves),
  the weeks stay the same whatever today is.
- About thirty activities are in Finnish, Swedish and English; the rest are in
  Finnish only or Finnish and English, to exercise the language fallback.
- Texts describe what happens, never who it is "for" by their problems.

Parsing costs a few milliseconds; the result is kept per process and day, since
tests and the command line build many apps.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from datetime import date, timedelta
from pathlib import Path

from kiosk.catalog.importers import Limits, parse
from kiosk.catalog.model import Activity

DEMO_FILE = Path(__file__).resolve().with_name("demo.csv")
SOURCE = "demo"
# The columns that hold dates; 'dates' holds the one-off events.
DATE_COLUMNS = ("dates", "valid_from", "valid_until", "exceptions")
_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
FORTNIGHT = 14


def demo_activities(today: date) -> list[Activity]:
    """The demo activities, with their one-off dates moved to lie ahead of ``today``."""
    return list(_load(today))


@functools.lru_cache(maxsize=4)
def _load(today: date) -> tuple[Activity, ...]:
    data = moved_dates(DEMO_FILE.read_bytes(), today)
    result = parse(data, name=DEMO_FILE.name, source=SOURCE, limits=Limits(), today=today)
    if not result.ok:
        # The file ships with the kiosk and a test parses it: this is a packaging bug.
        raise RuntimeError(f"the demo catalogue does not import: {result.problems[0]}")
    return tuple(result.activities)


def moved_dates(data: bytes, today: date) -> bytes:
    """The CSV ``data`` with its dates moved as the module docstring says."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header = rows[0]
    columns = [header.index(name) for name in DATE_COLUMNS]
    one_off = header.index("dates")
    earliest = min(day for row in rows[1:] for day in _dates(row[one_off]))
    fortnights = (today - earliest).days // FORTNIGHT + 1
    shift = timedelta(days=FORTNIGHT * fortnights)

    def move(m: re.Match[str]) -> str:
        day = date(int(m[3]), int(m[2]), int(m[1]))
        if day < earliest:
            return m[0]
        moved = day + shift
        return f"{moved.day}.{moved.month}.{moved.year}"

    for row in rows[1:]:
        for i in columns:
            row[i] = _DATE.sub(move, row[i])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _dates(cell: str) -> list[date]:
    return [date(int(y), int(m), int(d)) for d, m, y in _DATE.findall(cell)]
