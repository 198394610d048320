"""The bounds every import is held to: repetition counted before it is expanded, time
zones, ends after starts, dates within reason, ids, and complete messages."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time

import pytest

from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.catalog.importers.common import describe
from kiosk.catalog.model import WeeklyRule
from kiosk.settings import Settings

LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 9, 1)


def ics(*events: list[str], extra: tuple[str, ...] = ()) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//FI", *extra]
    for n, event in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:e{n}@test.example", f"SUMMARY:Tapahtuma {n}", *event]
        lines.append("END:VEVENT")
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def read(data: bytes, name: str = "t.ics", limits: Limits = LIMITS) -> ParseResult:
    return parse(data, name=name, source=name, limits=limits, today=TODAY)


def messages(result: ParseResult) -> list[str]:
    return [str(p) for p in result.problems]


DAILY = ["DTSTART;TZID=Europe/Helsinki:20260901T100000", "DURATION:PT1H", "RRULE:FREQ=DAILY"]


def test_one_activity_lists_its_first_times_and_says_it_left_the_rest() -> None:
    r = read(ics(DAILY), limits=replace(LIMITS, max_occurrences=10))
    assert messages(r) == []
    (a,) = r.activities
    assert [o.start for o in a.occurrences] == [datetime(2026, 9, d, 10) for d in range(1, 11)]
    assert [str(s) for s in r.skipped] == [
        "t.ics, event 'e0@test.example': only its first 10 times within the next 180 days "
        "are listed ([catalog] max_occurrences)"
    ]


def test_dates_listed_one_by_one_count_too() -> None:
    rdates = ",".join(f"2026{m:02d}{d:02d}T100000" for m in (9, 10) for d in range(1, 29))
    event = ["DTSTART;TZID=Europe/Helsinki:20260901T100000", "DURATION:PT1H"]
    r = read(
        ics([*event, f"RDATE;TZID=Europe/Helsinki:{rdates}"]),
        limits=replace(LIMITS, max_occurrences=20),
    )
    assert messages(r) == [] and len(r.activities[0].occurrences) == 20
    assert "only its first 20 times" in str(r.skipped[0])


def test_the_whole_file_is_refused_past_the_total() -> None:
    three = ics(DAILY, DAILY, DAILY)
    assert messages(read(three, limits=replace(LIMITS, max_occurrences_total=1000))) == []
    refused = read(three, limits=replace(LIMITS, max_occurrences_total=500))
    assert messages(refused) == [
        "t.ics: the events repeat more than 500 times within the next 180 days "
        "([catalog] max_occurrences_total); split the calendar or shorten the series"
    ]


def test_the_total_holds_in_every_format() -> None:
    dates = ", ".join(f"{d}.10.2026 klo 10-12" for d in range(1, 31))
    body = f"title_fi;dates\nA;{dates}\nB;{dates}\n".encode()
    assert messages(read(body, "t.csv", replace(LIMITS, max_occurrences_total=60))) == []
    refused = read(body, "t.csv", replace(LIMITS, max_occurrences_total=59))
    assert messages(refused) == [
        "t.csv: the activities have 60 dated times, more than 59 ([catalog] max_occurrences_total)"
    ]


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=HOURLY",
        "FREQ=MINUTELY;COUNT=5",
        "FREQ=DAILY;BYHOUR=10,14",
        "FREQ=WEEKLY;BYMINUTE=0,30",
    ],
)
def test_more_than_once_a_day_is_refused_by_event_and_rule(rule: str) -> None:
    r = read(ics(["DTSTART;TZID=Europe/Helsinki:20260901T100000", f"RRULE:{rule}"]))
    (problem,) = messages(r)
    assert problem.startswith("t.ics, event 'e0@test.example', 'RRULE': the rule '")
    assert "repeats more often than once a day" in problem and rule.split(";")[0] in problem


def test_once_a_day_at_a_fixed_hour_is_fine() -> None:
    r = read(ics(["DTSTART;TZID=Europe/Helsinki:20260901T100000", "RRULE:FREQ=DAILY;BYHOUR=10"]))
    assert messages(r) == [] and len(r.activities[0].occurrences) == 180


VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Oma vyöhyke",
    "BEGIN:STANDARD",
    "DTSTART:16010101T040000",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010101T030000",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
)


def test_time_zones_known_to_the_system_or_the_file() -> None:
    windows = ["DTSTART;TZID=FLE Standard Time:20261001T100000", "DURATION:PT1H"]
    own = ["DTSTART;TZID=Oma vyöhyke:20261002T100000", "DURATION:PT1H"]
    r = read(ics(windows, own, extra=VTIMEZONE))
    assert messages(r) == []
    assert [a.occurrences[0].start for a in r.activities] == [
        datetime(2026, 10, 1, 10),
        datetime(2026, 10, 2, 10),
    ]


def test_an_unknown_time_zone_is_refused_wherever_it_is() -> None:
    start = ["DTSTART;TZID=Mars/Olympus_Mons:20261001T100000"]
    rdate = [
        "DTSTART;TZID=Europe/Helsinki:20261001T100000",
        "RDATE;TZID=Atlantis/Capital:20261008T100000",
    ]
    assert messages(read(ics(start, rdate))) == [
        "t.ics, event 'e0@test.example', 'DTSTART': the time zone 'Mars/Olympus_Mons' is not "
        "known; use a zone name such as Europe/Helsinki",
        "t.ics, event 'e1@test.example', 'RDATE': the time zone 'Atlantis/Capital' is not "
        "known; use a zone name such as Europe/Helsinki",
    ]


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        (["DTSTART:20261001T100000", "DURATION:PT0S"], "DURATION", "not longer than zero"),
        (["DTSTART:20261001T100000", "DURATION:-PT1H"], "DURATION", "not longer than zero"),
        (
            ["DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20261001"],
            "DTEND",
            "the end 2026-10-01 is not after the start 2026-10-01",
        ),
        (
            ["DTSTART;VALUE=DATE:20261001", "DTEND:20261001T120000"],
            "DTEND",
            "DTSTART and DTEND must both be dates or both be times",
        ),
    ],
)
def test_an_end_must_come_after_the_start(lines: list[str], field: str, message: str) -> None:
    (problem,) = messages(read(ics(lines)))
    assert problem.startswith(f"t.ics, event 'e0@test.example', '{field}': ")
    assert message in problem


def test_calendars_keep_their_history_but_not_year_one() -> None:
    since_2019 = [
        "DTSTART;TZID=Europe/Helsinki:20190903T100000",
        "DTEND;TZID=Europe/Helsinki:20190903T120000",
        "RRULE:FREQ=WEEKLY;BYDAY=TU",
    ]
    long_ago = ["DTSTART:20190101T100000", "DTEND:20190101T110000"]
    r = read(ics(since_2019, long_ago))
    assert messages(r) == []
    (club,) = r.activities
    assert club.weekly == (WeeklyRule(1, time(10), time(12)),)
    assert club.valid_from == date(2019, 9, 3)
    assert [str(s) for s in r.skipped] == [
        "t.ics, event 'e1@test.example': no date within the horizon"
    ]
    year_one = read(ics(["DTSTART:00010101T100000", "RRULE:FREQ=DAILY"]))
    assert messages(year_one)[0] == (
        "t.ics, event 'e0@test.example', 'DTSTART': the date 0001-01-01 is not between "
        "1970 and 2031; check the year"
    )


def test_spreadsheet_dates_within_reason() -> None:
    body = (
        b"title_fi;times;valid_from;valid_until;dates;exceptions\n"
        b"Kerho 2018;ti 10-12;1.9.2018;;;\n"
        b"Kerho 2015;ti 10-12;1.9.2015;;;\n"
        b"Typo;;;;1.12.2024 klo 10-12;\n"
        b"Ikuisesti;ti 10-12;;31.12.2099;;\n"
        b"Poikkeus;ti 10-12;;;;9.9.9999\n"
    )
    assert messages(read(body, "t.csv")) == [
        "t.csv, row 3, column 'valid_from': the date 2015-09-01 is not between 2016 and 2031; "
        "check the year",
        "t.csv, row 4, column 'dates': the date 2024-12-01 is not between 2025 and 2031; "
        "check the year",
        "t.csv, row 5, column 'valid_until': the date 2099-12-31 is not between 2025 and 2031; "
        "check the year",
        "t.csv, row 6, column 'exceptions': the date 9999-09-09 is not between 2025 and 2031; "
        "check the year",
    ]


def test_linked_events_ids_must_be_text() -> None:
    page = {
        "data": [
            {"id": 12345, "name": {"fi": "Numero"}, "start_time": "2026-10-01T10:00:00Z"},
            {"id": "helsinki:old", "name": {"fi": "Menneet"}, "start_time": "2020-10-01T10:00Z"},
            {"id": None, "name": {"fi": "Tyhjä"}, "start_time": "2026-10-01T10:00:00Z"},
            {"id": True, "name": {"fi": "Tosi"}, "start_time": "2026-10-01T10:00:00Z"},
        ]
    }
    r = read(json.dumps(page).encode(), "p.json")
    assert messages(r) == [
        "p.json, event 3, 'id': no id (missing, null or not text)",
        "p.json, event 4, 'id': no id (missing, null or not text)",
    ]
    del page["data"][2:]
    r = read(json.dumps(page).encode(), "p.json")
    assert [a.id for a in r.activities] == ["12345", "helsinki:old"]
    assert all(a.id != "None" for a in r.activities)


def test_every_message_names_what_went_wrong() -> None:
    assert describe(MemoryError()) == "MemoryError"
    assert describe(ValueError("  bad\n value ")) == "bad value"
    assert describe(KeyError()) == "KeyError"
