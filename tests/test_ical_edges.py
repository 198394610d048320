"""The iCalendar importer at its edges: files that are not calendars, events refused
by name, what is skipped and why, and each field taken exactly as written."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest

from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.catalog.importers.common import Problem, stable_id
from kiosk.catalog.importers.ical import parse_ical
from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.settings import Settings

LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 9, 1)


def calendar(*events: list[str]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kohtaamispaikka//FI"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event, "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def event(uid: str = "e@x", *lines: str, start: str = "DTSTART:20261001T100000") -> list[str]:
    return [f"UID:{uid}", "SUMMARY:Kerho", start, *lines]


def read(data: bytes, limits: Limits = LIMITS, today: date = TODAY) -> ParseResult:
    return parse(data, name="k.ics", source="k.ics", limits=limits, today=today)


def messages(result: ParseResult) -> list[str]:
    return [str(p) for p in result.problems]


def skipped(result: ParseResult) -> list[str]:
    return [str(p) for p in result.skipped]


def only(data: bytes, limits: Limits = LIMITS) -> Activity:
    result = read(data, limits)
    assert messages(result) == []
    (activity,) = result.activities
    return activity


# --- whole files -----------------------------------------------------------------------


def test_a_calendar_exactly_at_the_size_limit_is_read() -> None:
    data = calendar(event())
    assert messages(read(data, replace(LIMITS, max_bytes=len(data)))) == []
    refused = messages(read(data, replace(LIMITS, max_bytes=len(data) - 1)))
    assert refused[0].startswith("k.ics: the file is larger than")


def test_the_parser_refuses_a_file_over_the_limit_on_its_own() -> None:
    half = replace(LIMITS, max_bytes=512 * 1024)
    big = calendar(event()) + b" " * (512 * 1024)
    result = parse_ical(big, file="k", source="k", limits=half, today=TODAY)
    assert result.problems == [Problem("k", "the file is larger than 0.5 MB")]
    exactly = calendar(event())
    at = replace(LIMITS, max_bytes=len(exactly))
    assert parse_ical(exactly, file="k", source="k", limits=at, today=TODAY).problems == []


def test_a_component_that_is_not_a_calendar() -> None:
    lone = b"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261001T100000\r\nEND:VEVENT\r\n"
    assert messages(read(lone)) == ["k.ics: not an iCalendar file (no VCALENDAR)"]
    assert messages(read(b"hello"))[0].startswith("k.ics: not an iCalendar file: ")


def test_an_event_without_uid() -> None:
    assert messages(read(calendar(["SUMMARY:x", "DTSTART:20261001T100000"]))) == [
        "k.ics, 'UID': an event without UID"
    ]
    assert messages(read(calendar(["UID:  ", "DTSTART:20261001T100000"]))) == [
        "k.ics, 'UID': an event without UID"
    ]


def test_the_first_repeated_property_is_named() -> None:
    twice = event("e@x", "LOCATION:a", "LOCATION:b", "URL:https://a.fi", "URL:https://b.fi")
    assert messages(read(calendar(twice))) == [
        "k.ics, event 'e@x', 'LOCATION': appears more than once"
    ]


def test_the_event_count_limit() -> None:
    two = calendar(event("a@x"), event("b@x"))
    assert messages(read(two, replace(LIMITS, max_rows=2))) == []
    assert messages(read(two, replace(LIMITS, max_rows=1))) == ["k.ics: more than 1 events"]


def test_a_long_uid_is_shortened_in_messages() -> None:
    uid = "x" * 50
    assert messages(read(calendar([f"UID:{uid}", "SUMMARY:x"]))) == [
        f"k.ics, event '{'x' * 39}…', 'DTSTART': no start"
    ]


# --- skipped ---------------------------------------------------------------------------


def test_a_cancelled_event_is_skipped_whatever_the_case() -> None:
    result = read(calendar(event("a@x", "STATUS:cancelled"), event("b@x")))
    assert skipped(result) == ["k.ics, event 'a@x': cancelled"]
    assert [a.id for a in result.activities] == [stable_id("k.ics", "b@x")]


def test_a_cancelled_instance_of_a_series_is_left_out() -> None:
    series = event("s@x", "RRULE:FREQ=MONTHLY;COUNT=3", start="DTSTART:20261001T100000")
    moved = ["UID:s@x", "RECURRENCE-ID:20261101T100000", "DTSTART:20261101T100000"]
    moved.append("STATUS:CANCELLED")
    activity = only(calendar(series, moved))
    assert [o.start for o in activity.occurrences] == [
        datetime(2026, 10, 1, 10),
        datetime(2026, 12, 1, 10),
    ]


def test_a_weekly_series_that_ended_before_today_is_skipped() -> None:
    ended = event("a@x", "RRULE:FREQ=WEEKLY;UNTIL=20260831T235959", start="DTSTART:20260803T100000")
    result = read(calendar(ended))
    assert result.activities == []
    assert skipped(result) == ["k.ics, event 'a@x': ended before today"]
    today = event("b@x", "RRULE:FREQ=WEEKLY;UNTIL=20260901T235959", start="DTSTART:20260804T100000")
    (kept,) = read(calendar(today)).activities
    assert kept.valid_until == date(2026, 9, 1)


def test_events_outside_the_horizon_are_skipped_and_its_edges_kept() -> None:
    short = replace(LIMITS, horizon_days=10)
    result = read(
        calendar(
            event("past@x", "DTEND:20260901T000000", start="DTSTART:20260831T220000"),
            event("gone@x", "DTEND:20260831T235900", start="DTSTART:20260831T220000"),
            event("last@x", start="DTSTART:20260910T235900"),
            event("far@x", start="DTSTART:20260911T000000"),
        ),
        short,
    )
    assert [a.id for a in result.activities] == [
        stable_id("k.ics", "past@x"),
        stable_id("k.ics", "last@x"),
    ]
    assert skipped(result) == [
        "k.ics, event 'gone@x': no date within the horizon",
        "k.ics, event 'far@x': no date within the horizon",
    ]


def test_an_all_day_series_is_skipped_as_such() -> None:
    monthly = event("a@x", "RRULE:FREQ=MONTHLY;COUNT=2", start="DTSTART;VALUE=DATE:20261001")
    assert skipped(read(calendar(monthly))) == [
        "k.ics, event 'a@x': an all-day event (no start time)"
    ]


def test_a_series_with_more_times_than_allowed_lists_its_first() -> None:
    daily = event("a@x", "RRULE:FREQ=DAILY;COUNT=5", start="DTSTART:20261001T100000")
    limits = replace(LIMITS, max_occurrences=3)
    result = read(calendar(daily), limits)
    assert skipped(result) == [
        "k.ics, event 'a@x': only its first 3 times within the next 180 days are listed "
        "([catalog] max_occurrences)"
    ]
    assert [o.start.day for o in result.activities[0].occurrences] == [1, 2, 3]
    exactly = read(calendar(daily), replace(LIMITS, max_occurrences=5))
    assert skipped(exactly) == []
    assert len(exactly.activities[0].occurrences) == 5


# --- times -----------------------------------------------------------------------------


def test_an_end_from_a_duration_or_none() -> None:
    with_duration = only(calendar(event("a@x", "DURATION:PT90M")))
    assert with_duration.occurrences == (
        Occurrence(datetime(2026, 10, 1, 10), datetime(2026, 10, 1, 11, 30)),
    )
    open_ended = only(calendar(event("a@x")))
    assert open_ended.occurrences == (Occurrence(datetime(2026, 10, 1, 10), None),)
    assert messages(read(calendar(event("a@x", "DURATION:PT0S")))) == [
        "k.ics, event 'a@x', 'DURATION': the duration is not longer than zero"
    ]


def test_a_utc_time_is_shown_in_the_kiosks_zone() -> None:
    a = only(calendar(event("a@x", "DTEND:20261001T090000Z", start="DTSTART:20261001T070000Z")))
    assert a.occurrences == (Occurrence(datetime(2026, 10, 1, 10), datetime(2026, 10, 1, 12)),)


def test_a_plain_weekly_series_becomes_a_rule_with_its_exceptions() -> None:
    weekly = event(
        "a@x",
        "DTEND:20261001T113000",
        "RRULE:FREQ=WEEKLY;BYDAY=TH,MO;INTERVAL=2",
        "EXDATE:20261015T100000",
        start="DTSTART:20261001T100000",
    )
    a = only(calendar(weekly))
    assert a.weekly == (
        WeeklyRule(3, time(10), time(11, 30), 2, date(2026, 10, 1)),
        WeeklyRule(0, time(10), time(11, 30), 2, date(2026, 10, 5)),
    )
    assert (a.valid_from, a.valid_until, a.exceptions) == (
        date(2026, 10, 1),
        None,
        (date(2026, 10, 15),),
    )
    assert a.occurrences == ()


# --- fields ----------------------------------------------------------------------------


def test_every_field_as_written() -> None:
    a = only(
        calendar(
            event(
                "a@x",
                "DESCRIPTION:Tervetuloa\\nkaikki",
                "LOCATION:Olohuone , Katu 1, Salo",
                "URL:https://x.fi/k",
                "ORGANIZER;CN=Seurakunta:mailto:a@x.fi",
                "CATEGORIES:ruoka,tuntematon",
                "CATEGORIES:FOOD,peer-groups",
            )
        )
    )
    assert a.id == stable_id("k.ics", "a@x")
    assert a.title == {"fi": "Kerho"}
    assert a.description == {"fi": "Tervetuloa\nkaikki"}
    assert (a.place, a.address) == ("Olohuone", "Katu 1, Salo")
    assert (a.url, a.organiser, a.source) == ("https://x.fi/k", "Seurakunta", "k.ics")
    assert a.categories == ("meals-food-help", "peer-groups")


def test_no_optional_field_leaves_them_empty() -> None:
    a = only(calendar(event("a@x")))
    assert (a.description, a.place, a.address, a.url, a.organiser, a.categories) == (
        {},
        "",
        "",
        "",
        "",
        (),
    )


@pytest.mark.parametrize(
    ("summary", "title"),
    [
        ("SUMMARY;LANGUAGE=sv:Kaffe", {"sv": "Kaffe"}),
        ("SUMMARY;LANGUAGE=EN-GB:Coffee", {"en": "Coffee"}),
        ("SUMMARY;LANGUAGE=de:Kaffee", {"fi": "Kaffee"}),
        ("SUMMARY:Kahvi", {"fi": "Kahvi"}),
    ],
)
def test_the_title_is_in_the_language_the_calendar_names(
    summary: str, title: dict[str, str]
) -> None:
    data = calendar(["UID:a@x", summary, "DESCRIPTION:d", "DTSTART:20261001T100000"])
    a = only(data)
    assert a.title == title
    assert a.description == {next(iter(title)): "d"}


def test_an_event_without_a_title() -> None:
    assert messages(read(calendar(["UID:a@x", "DTSTART:20261001T100000"]))) == [
        "k.ics, event 'a@x', 'SUMMARY': no title"
    ]


def test_refused_fields_are_named_and_the_event_left_out() -> None:
    result = read(
        calendar(
            event("a@x", "URL:javascript:alert(1)"),
            event("b@x", "ORGANIZER;CN==1+1:mailto:a@x.fi"),
            ["UID:c@x", "SUMMARY:=A1", "DTSTART:20261001T100000"],
            event("d@x"),
        )
    )
    assert messages(result) == [
        "k.ics, event 'a@x', 'URL': 'javascript:alert(1)' is not an http(s) address",
        "k.ics, event 'b@x', 'ORGANIZER': '=1+1' looks like a spreadsheet formula; "
        "formulas are refused",
        "k.ics, event 'c@x', 'SUMMARY': '=A1' looks like a spreadsheet formula; "
        "formulas are refused",
    ]
    assert [a.id for a in result.activities] == [stable_id("k.ics", "d@x")]


# --- more edges ------------------------------------------------------------------------


def test_an_organiser_without_a_name_and_a_single_categories_line() -> None:
    a = only(calendar(event("a@x", "ORGANIZER:mailto:a@x.fi", "CATEGORIES:ruoka")))
    assert (a.organiser, a.categories) == ("", ("meals-food-help",))


def test_a_refused_url_is_named_once() -> None:
    assert messages(read(calendar(event("a@x", "URL:=HYPERLINK(1)")))) == [
        "k.ics, event 'a@x', 'URL': '=HYPERLINK(1)' looks like a spreadsheet formula; "
        "formulas are refused"
    ]


def test_an_event_without_dates_of_its_own_range_has_no_validity() -> None:
    a = only(calendar(event("a@x")))
    assert (a.valid_from, a.valid_until, a.exceptions, a.weekly) == (None, None, (), ())


def test_every_event_without_uid_is_reported_and_the_rest_checked() -> None:
    data = calendar(
        ["SUMMARY:x", "DTSTART:20261001T100000"],
        ["SUMMARY:y", "DTSTART:20261001T100000"],
        ["UID:b@x", "SUMMARY:z"],
    )
    assert messages(read(data)) == [
        "k.ics, 'UID': an event without UID",
        "k.ics, 'UID': an event without UID",
        "k.ics, event 'b@x', 'DTSTART': no start",
    ]


def test_long_uids_are_shortened_wherever_an_event_is_named() -> None:
    uid = "y" * 50
    short = f"{'y' * 39}…"
    cancelled = read(calendar(event(uid, "STATUS:CANCELLED")))
    assert skipped(cancelled) == [f"k.ics, event '{short}': cancelled"]
    backwards = read(calendar(event(uid, "DTEND:20261001T090000")))
    assert messages(backwards) == [
        f"k.ics, event '{short}', 'DTEND': the end 2026-10-01 09:00 is not after the start "
        "2026-10-01 10:00"
    ]
    series = event(uid, "RRULE:FREQ=MONTHLY;COUNT=3")
    moved = [f"UID:{uid}", "RECURRENCE-ID:20261101T100000", "DTSTART:20261102T100000"]
    moved.append("DTEND:20261102T090000")
    assert messages(read(calendar(series, moved))) == [
        f"k.ics, event '{short}', 'DTEND': the end 2026-11-02 09:00 is not after the start "
        "2026-11-02 10:00"
    ]


def test_a_one_off_event_moved_by_an_override_takes_the_new_time() -> None:
    moved = ["UID:a@x", "RECURRENCE-ID:20261001T100000", "DTSTART:20261003T120000"]
    a = only(calendar(event("a@x"), moved))
    assert [o.start for o in a.occurrences] == [datetime(2026, 10, 3, 12)]


def test_the_horizon_starts_at_midnight_in_the_kiosks_zone() -> None:
    # 21:30 UTC on 31 August is half past midnight on 1 September in Helsinki.
    ends_after = event("a@x", "DTEND:20260831T213000Z", start="DTSTART:20260831T200000Z")
    (a,) = read(calendar(ends_after)).activities
    assert a.occurrences == (Occurrence(datetime(2026, 8, 31, 23), datetime(2026, 9, 1, 0, 30)),)


def test_a_series_in_a_zone_the_file_defines() -> None:
    zone = [
        "BEGIN:VTIMEZONE",
        "TZID:Kerhon aika",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0000",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    series = event(
        "a@x", "RRULE:FREQ=MONTHLY;COUNT=2", start="DTSTART;TZID=Kerhon aika:20261001T100000"
    )
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *zone, "BEGIN:VEVENT", *series, "END:VEVENT"]
    data = ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()
    a = only(data)
    # 10:00 at +00:00 is 13:00 in Helsinki in October (summer time), 12:00 in November.
    assert [o.start for o in a.occurrences] == [
        datetime(2026, 10, 1, 13),
        datetime(2026, 11, 1, 12),
    ]


def test_text_that_is_not_a_calendar_quotes_the_parser() -> None:
    (message,) = messages(read(b"hello"))
    assert message.startswith("k.ics: not an iCalendar file: Content line could not be parsed")


def test_a_moved_instance_may_not_mix_a_floating_start_with_an_end_in_utc() -> None:
    # RFC 5545 forbids it; read anyway, the series showed 10.30-12.00 for 10.00-10.30.
    series = event("a@x", "RRULE:FREQ=MONTHLY;COUNT=2")
    moved = ["UID:a@x", "RECURRENCE-ID:20261101T100000", "DTSTART:20261102T100000"]
    moved.append("DTEND:20261102T083000Z")
    assert messages(read(calendar(series, moved))) == [
        "k.ics, event 'a@x', 'DTEND': DTSTART and DTEND must both have a time zone or both "
        "have none"
    ]
    moved[-1] = "DTEND:20261102T103000"
    a = only(calendar(series, moved))
    assert a.occurrences[-1] == Occurrence(datetime(2026, 11, 2, 10), datetime(2026, 11, 2, 10, 30))


def test_a_rule_the_recurrence_library_cannot_expand() -> None:
    odd = event("a@x", "RRULE:FREQ=MONTHLY;BYSETPOS=400;COUNT=2", start="DTSTART:20261001T100000Z")
    (message,) = messages(read(calendar(odd)))
    assert message.startswith("k.ics: the recurrences cannot be read: bysetpos must be between")
