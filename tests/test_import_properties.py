"""Random bytes and random rows into every parser: a clean import or clear errors,
never a crash and never a partial change to the catalogue."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog.apply import apply
from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.catalog.importers.rows import COLUMNS
from kiosk.catalog.model import Activity
from kiosk.settings import Settings
from kiosk.store.db import Store
from tests.import_support import workbook_bytes

LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 9, 1)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED = Activity(id="seed", title={"fi": "Olohuone"}, source="toiminta.csv")


def check(result: ParseResult) -> None:
    """The contract: problems are explained; a clean result holds usable activities."""
    for p in result.problems:
        assert p.file and p.message and str(p)
    if not result.problems:
        for a in result.activities:
            assert a.id and any(a.title.values())
            assert not a.url or a.url.startswith(("http://", "https://"))
            Activity.from_json(a.to_json())


def all_or_nothing(result: ParseResult) -> None:
    """Applying leaves either the old catalogue or exactly the new one."""
    store = Store(None)
    with store.write() as db:
        db.table("activities").insert(
            {
                "id": SEED.id,
                "data": SEED.to_json(),
                "source": SEED.source,
                "last_date": "",
                "updated_at": "",
            }
        )
    p = apply(store, "toiminta.csv", result)
    stored = {r["id"] for r in store.db()["activities"].rows}
    if result.problems or p.errors:
        assert stored == {"seed"} and not p.applied
    else:
        assert stored == {a.id for a in result.activities}


def parse_as(name: str, data: bytes) -> ParseResult:
    return parse(data, name=name, source="toiminta.csv", limits=LIMITS, today=TODAY)


@FAST
@given(st.binary(max_size=600), st.sampled_from(["a.csv", "a.xlsx", "a.ics", "a.json", "a"]))
def test_random_bytes(data: bytes, name: str) -> None:
    check(parse_as(name, data))


@FAST
@given(st.binary(max_size=300))
def test_random_bytes_after_a_valid_start(tail: bytes) -> None:
    check(parse_as("a.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n" + tail))
    check(parse_as("a.csv", b"title_fi;times\r\nA;" + tail))
    check(parse_as("a.json", b'{"data": [{"id": "x:1", "name": ' + tail))


CELL = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "ti 10-12",
            "ma-pe 9-11",
            "joka toinen to klo 18",
            "1.12.2026",
            "31.2.2026",
            "kyllä",
            "ei",
            "liikunta",
            "=1+1",
            "+358 40 1",
            "https://x.fi",
            "javascript:x",
            "<b>x</b>",
            "fi, sv",
            "",
        ]
    ),
)


@st.composite
def sheets(draw: st.DrawFn) -> list[list[str]]:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True))
    if draw(st.booleans()):
        header = ["title_fi", *[h for h in header if h != "title_fi"]]
    body = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)), max_size=5))
    return [header, *body]


def to_csv(rows: list[list[str]], delimiter: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue().encode("utf-8")


@FAST
@given(sheets(), st.sampled_from([",", ";"]))
def test_random_csv_rows(rows: list[list[str]], delimiter: str) -> None:
    result = parse_as("a.csv", to_csv(rows, delimiter))
    check(result)
    all_or_nothing(result)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_random_xlsx_rows(rows: list[list[str]]) -> None:
    # openpyxl refuses control characters in cells; the file could not hold them.
    kept = [["".join(c for c in v if c >= " " or c in "\t\n") for v in row] for row in rows]
    result = parse_as("a.xlsx", workbook_bytes(kept))
    check(result)
    all_or_nothing(result)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
EVENT = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=12) | JSONISH,
        "name": st.fixed_dictionaries({"fi": st.text(max_size=10)}) | JSONISH,
        "start_time": st.sampled_from(["2026-10-01T10:00:00Z", "2026-13-01", ""]) | JSONISH,
        "end_time": JSONISH,
        "location": JSONISH,
        "keywords": JSONISH,
        "offers": JSONISH,
        "super_event": JSONISH,
        "super_event_type": st.sampled_from(["recurring", "umbrella", None]),
        "info_url": JSONISH,
        "in_language": JSONISH,
    },
)


@FAST
@given(st.lists(st.fixed_dictionaries({"data": st.lists(EVENT, max_size=4)}), max_size=3))
def test_random_linked_events(pages: list[dict[str, object]]) -> None:
    result = parse_as("a.json", json.dumps(pages).encode())
    check(result)
    all_or_nothing(result)


@FAST
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcdefgh-@.", min_size=1, max_size=8),
            st.sampled_from(
                [
                    "FREQ=WEEKLY;BYDAY=TU",
                    "FREQ=DAILY;COUNT=3",
                    "FREQ=MONTHLY;BYDAY=2WE",
                    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
                    "FREQ=BOGUS",
                    "",
                ]
            ),
            st.sampled_from(
                [
                    "TZID=Europe/Helsinki:20261006T100000",
                    "VALUE=DATE:20261006",
                    "TZID=Mars/Olympus:20261006T100000",
                    ":20261006T100000Z",
                    ":x",
                ]
            ),
            st.text(max_size=15),
        ),
        max_size=4,
    )
)
def test_random_ical_events(events: list[tuple[str, str, str, str]]) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0"]
    for uid, rrule, dtstart, summary in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTART;{dtstart}".replace(";:", ":"),
            f"SUMMARY:{' '.join(summary.split())}",
        ]
        lines += [f"RRULE:{rrule}"] if rrule else []
        lines += ["END:VEVENT"]
    lines.append("END:VCALENDAR")
    result = parse_as("a.ics", "\r\n".join(lines).encode())
    check(result)
    all_or_nothing(result)
