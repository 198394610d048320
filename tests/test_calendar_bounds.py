"""Calendar bounds at their edges: an end equal to the start named with its times, a
rule's UNTIL in UTC over a start in local time, dates listed one by one counted before
anything is expanded (the event's own start among them), and a rule repeating more
than once a day refused whatever the case it is written in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.settings import Settings

LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 9, 1)
START = "DTSTART;TZID=Europe/Helsinki:20260901T100000"


def ics(*events: list[str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kohtaamispaikka//FI"]
    for n, event in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:e{n}@example.fi", f"SUMMARY:Kerho {n}", *event]
        lines.append("END:VEVENT")
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def read(data: bytes, limits: Limits = LIMITS) -> ParseResult:
    return parse(data, name="kerhot.ics", source="kerhot.ics", limits=limits, today=TODAY)


def messages(result: ParseResult) -> list[str]:
    return [str(p) for p in result.problems]


def test_an_end_equal_to_the_start_is_refused_naming_both_times() -> None:
    same = ["DTSTART;TZID=Europe/Helsinki:20261001T100000"]
    same.append("DTEND;TZID=Europe/Helsinki:20261001T100000")
    assert messages(read(ics(same))) == [
        "kerhot.ics, event 'e0@example.fi', 'DTEND': the end 2026-10-01 10:00+03:00 "
        "is not after the start 2026-10-01 10:00+03:00"
    ]


def test_a_minute_long_event_is_accepted() -> None:
    minute = [START, "DTEND;TZID=Europe/Helsinki:20260901T100100"]
    (activity,) = read(ics(minute)).activities
    assert [(o.start, o.end) for o in activity.occurrences] == [
        (datetime(2026, 9, 1, 10), datetime(2026, 9, 1, 10, 1))
    ]


def test_a_daily_rule_ending_at_a_utc_moment_is_read() -> None:
    # 07:00 UTC is 10:00 in Helsinki: the tenth instance is the last.
    daily = [START, "DURATION:PT1H", "RRULE:FREQ=DAILY;UNTIL=20260910T070000Z"]
    result = read(ics(daily))
    assert messages(result) == []
    (activity,) = result.activities
    assert [o.start for o in activity.occurrences] == [
        datetime(2026, 9, day, 10) for day in range(1, 11)
    ]


# Each event: its start and thirty more dates in October, one of them listed twice.
OCTOBER = ",".join(f"202610{d:02d}T100000" for d in [*range(1, 31), 15])
LISTED = [START, "DURATION:PT1H", f"RDATE;TZID=Europe/Helsinki:{OCTOBER}"]


def test_dates_listed_one_by_one_are_counted_with_the_start_before_expanding() -> None:
    three = ics(LISTED, LISTED, LISTED)
    fits = read(three, replace(LIMITS, max_occurrences_total=93))
    assert messages(fits) == []
    assert [len(a.occurrences) for a in fits.activities] == [31, 31, 31]
    assert messages(read(three, replace(LIMITS, max_occurrences_total=92))) == [
        "kerhot.ics: the events repeat more than 92 times within the next 180 days "
        "([catalog] max_occurrences_total); split the calendar or shorten the series"
    ]


@pytest.mark.parametrize("rule", ["freq=hourly", "FREQ=Minutely;COUNT=3", "FREQ=SECONDLY"])
def test_a_rule_finer_than_daily_is_refused_in_any_case(rule: str) -> None:
    (problem,) = messages(read(ics([START, f"RRULE:{rule}"])))
    assert problem.startswith("kerhot.ics, event 'e0@example.fi', 'RRULE': the rule '")
    assert problem.endswith(
        "repeats more often than once a day; an activity may repeat at most daily "
        "(write one event per time of day)"
    )


def test_two_values_of_byminute_or_bysecond_are_twice_a_day() -> None:
    for part in ("BYMINUTE=0,30", "BYSECOND=0,30"):
        (problem,) = messages(read(ics([START, f"RRULE:FREQ=DAILY;{part}"])))
        assert "repeats more often than once a day" in problem
    (activity,) = read(ics([START, "RRULE:FREQ=DAILY;COUNT=2;BYMINUTE=0"])).activities
    assert len(activity.occurrences) == 2


def test_an_until_past_the_years_the_kiosk_accepts_is_named() -> None:
    (problem,) = messages(read(ics([START, "RRULE:FREQ=WEEKLY;UNTIL=20990101T000000Z"])))
    assert problem == (
        "kerhot.ics, event 'e0@example.fi', 'RRULE': the date 2099-01-01 is not between "
        "1970 and 2031; check the year"
    )


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            [START, "DTEND;TZID=Mars/Base:20260901T110000"],
            "'DTEND': the time zone 'Mars/Base' is not known; use a zone name such as "
            "Europe/Helsinki",
        ),
        (
            [START, "RRULE:FREQ=WEEKLY", "EXDATE;TZID=Mars/Base:20260908T100000"],
            "'EXDATE': the time zone 'Mars/Base' is not known; use a zone name such as "
            "Europe/Helsinki",
        ),
        (
            [START, "DTEND;VALUE=DATE:20260902"],
            "'DTEND': DTSTART and DTEND must both be dates or both be times",
        ),
        (
            ["DTSTART:20261001T100000", "DTEND:20261001T073000Z"],
            "'DTEND': DTSTART and DTEND must both have a time zone or both have none",
        ),
        (
            [START, "DTEND:20260901T110000"],
            "'DTEND': DTSTART and DTEND must both have a time zone or both have none",
        ),
        ([START, "DURATION:PT0S"], "'DURATION': the duration is not longer than zero"),
        (
            # In UTC, an hour backwards: refused whatever the zone the kiosk's clock is in.
            ["DTSTART:20261001T080000Z", "DTEND:20261001T070000Z"],
            "'DTEND': the end 2026-10-01 07:00+00:00 is not after the start 2026-10-01 08:00+00:00",
        ),
    ],
)
def test_each_refusal_names_the_property_and_what_is_wrong(event: list[str], message: str) -> None:
    assert messages(read(ics(event))) == [f"kerhot.ics, event 'e0@example.fi', {message}"]


def test_a_moved_instance_in_an_unknown_zone_is_refused() -> None:
    series = ["BEGIN:VEVENT", "UID:s@example.fi", "SUMMARY:Kerho", START, "DURATION:PT1H"]
    series += ["RRULE:FREQ=DAILY;COUNT=5", "END:VEVENT"]
    moved = ["BEGIN:VEVENT", "UID:s@example.fi", "SUMMARY:Kerho"]
    moved += ["RECURRENCE-ID;TZID=Mars/Base:20260903T100000"]
    moved += ["DTSTART;TZID=Europe/Helsinki:20260903T150000", "DURATION:PT1H", "END:VEVENT"]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kohtaamispaikka//FI"]
    data = "\r\n".join([*lines, *series, *moved, "END:VCALENDAR"]) + "\r\n"
    assert messages(read(data.encode())) == [
        "kerhot.ics, event 's@example.fi', 'RECURRENCE-ID': the time zone 'Mars/Base' is not "
        "known; use a zone name such as Europe/Helsinki"
    ]


def test_a_calendar_keeps_its_past_series_and_dates() -> None:
    # 2010-2015 lies before the spreadsheets' years but not before the calendars' 1970.
    since_2010 = ["DTSTART;TZID=Europe/Helsinki:20100105T100000", "DURATION:PT1H"]
    ended = [*since_2010, "RRULE:FREQ=WEEKLY;UNTIL=20150101T000000Z"]
    dated = [*since_2010, "RDATE;TZID=Europe/Helsinki:20150105T100000"]
    result = read(ics(ended, dated))
    assert messages(result) == []
    assert [str(s) for s in result.skipped] == [
        "kerhot.ics, event 'e0@example.fi': ended before today",
        "kerhot.ics, event 'e1@example.fi': no date within the horizon",
    ]


def test_an_end_and_a_duration_both_given_are_judged_by_the_end() -> None:
    both = [START, "DTEND;TZID=Europe/Helsinki:20260901T100000", "DURATION:PT1H"]
    assert messages(read(ics(both))) == [
        "kerhot.ics, event 'e0@example.fi', 'DTEND': the end 2026-09-01 10:00+03:00 "
        "is not after the start 2026-09-01 10:00+03:00"
    ]


def test_dates_on_several_lines_and_as_periods_are_read() -> None:
    lines = [START, "DURATION:PT1H", "RDATE;TZID=Europe/Helsinki:20261001T100000"]
    lines.append("RDATE;TZID=Europe/Helsinki:20261008T100000")
    (several,) = read(ics(lines)).activities
    assert [o.start.date() for o in several.occurrences] == [
        date(2026, 9, 1),
        date(2026, 10, 1),
        date(2026, 10, 8),
    ]
    period = "RDATE;VALUE=PERIOD;TZID=Europe/Helsinki:20261001T100000/20261001T120000"
    result = read(ics([START, "DURATION:PT1H", period]))
    assert messages(result) == []
    assert [(o.start, o.end) for o in result.activities[0].occurrences] == [
        (datetime(2026, 9, 1, 10), datetime(2026, 9, 1, 11)),
        (datetime(2026, 10, 1, 10), datetime(2026, 10, 1, 12)),
    ]


def test_an_event_across_the_end_of_summer_time_is_taken_by_its_moments() -> None:
    # 00:50Z-01:10Z on 25 October is twenty minutes, though a Helsinki clock reads
    # 03:50-03:10; 00:30Z-01:30Z reads 03:30-03:30. Shown by their start alone.
    night = ["DTSTART:20261025T005000Z", "DTEND:20261025T011000Z"]
    hour = ["DTSTART:20261025T003000Z", "DTEND:20261025T013000Z"]
    result = read(ics(night, hour))
    assert messages(result) == []
    assert [[(o.start, o.end) for o in a.occurrences] for a in result.activities] == [
        [(datetime(2026, 10, 25, 3, 50), None)],
        [(datetime(2026, 10, 25, 3, 30), None)],
    ]
