"""Schedule wording at its edges: the first and last minute of "on now" and "starts
in", runs of two and three weekdays, the order of groups, an unknown language."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from kiosk.catalog import wording
from kiosk.catalog.model import Occurrence, WeeklyRule

START = datetime(2026, 12, 4, 9, 0)
MEETING = Occurrence(START, datetime(2026, 12, 4, 10, 30))


@pytest.mark.parametrize(
    ("before_start", "expected"),
    [
        (timedelta(hours=1, seconds=1), None),
        (timedelta(hours=1), ("soon", 60)),
        (timedelta(minutes=20), ("soon", 20)),
        (timedelta(seconds=61), ("soon", 2)),  # a part of a minute counts as a minute
        (timedelta(seconds=60), ("soon", 1)),
        (timedelta(seconds=1), ("soon", 1)),
        (timedelta(0), ("on", 0)),
        (-timedelta(hours=1, minutes=29, seconds=59), ("on", 0)),
        (-timedelta(hours=1, minutes=30), None),  # the end minute is no longer on
    ],
)
def test_on_now_and_starts_in_begin_and_end_on_the_minute(
    before_start: timedelta, expected: tuple[str, int] | None
) -> None:
    assert wording.status(MEETING, START - before_start) == expected


def test_no_occurrence_has_no_status() -> None:
    assert wording.status(None, START) is None


@pytest.mark.parametrize(
    ("after_start", "expected"),
    [
        (-timedelta(seconds=1), ("soon", 1)),
        (timedelta(0), ("on", 0)),
        (timedelta(seconds=59), ("on", 0)),
        (timedelta(seconds=60), None),
    ],
)
def test_without_an_end_time_it_is_on_only_in_its_first_minute(
    after_start: timedelta, expected: tuple[str, int] | None
) -> None:
    assert wording.status(Occurrence(START), START + after_start) == expected


def test_two_days_in_a_row_stay_a_list_and_three_make_a_range() -> None:
    assert wording.day_ranges([0, 1], "fi") == "ma, ti"
    assert wording.day_ranges([0, 1, 2], "fi") == "ma–ke"
    assert wording.day_ranges([2, 1, 0, 1, 4, 5], "sv") == "mån–ons, fre, lör"
    assert wording.day_ranges([3], "en") == "Thu"
    assert wording.day_ranges([], "fi") == ""


def test_groups_read_from_monday_and_weekly_before_every_other_week() -> None:
    entries = [
        wording.Weekly(0, time(8), time(9), interval=2),
        wording.Weekly(4, time(10), time(11)),
        wording.Weekly(2, time(12)),
        wording.Weekly(2, time(10), time(11)),
        wording.Weekly(3, time(10), time(11)),
    ]
    assert wording.condensed(entries, "fi") == [
        (1, "ke–pe 10.00–11.00"),
        (1, "ke 12.00"),
        (2, "ma 8.00–9.00"),
    ]


def test_groups_read_by_their_first_weekday_before_their_time() -> None:
    entries = [wording.Weekly(5, time(9)), wording.Weekly(1, time(17))]
    assert [text for _, text in wording.condensed(entries, "fi")] == ["ti 17.00", "la 9.00"]


def test_groups_on_the_same_first_day_come_in_time_order() -> None:
    entries = [wording.Weekly(1, time(17), time(18)), wording.Weekly(1, time(9), time(10))]
    assert [text for _, text in wording.condensed(entries, "en")] == [
        "Tue 9.00–10.00",
        "Tue 17.00–18.00",
    ]


def test_a_rule_without_an_interval_is_every_week() -> None:
    (weekly,) = wording.rules_as_weekly([WeeklyRule(2, time(10), time(11), 0)])
    assert weekly == wording.Weekly(2, time(10), time(11), 1)
    (fortnightly,) = wording.rules_as_weekly([WeeklyRule(2, time(10), None, 2)])
    assert fortnightly.interval == 2 and fortnightly.end is None


def test_an_unknown_language_is_written_in_finnish() -> None:
    assert wording.weekday_short(0, "de") == "ma"
    assert wording.weekday_wide(6, "de") == "sunnuntai"
    assert wording.day(START, "de") == "pe 4.12."
    assert wording.clock_range(START, None, "de") == "9.00"


def test_a_span_is_the_day_and_the_times() -> None:
    assert wording.span(MEETING, "fi") == "pe 4.12. 9.00–10.30"
    assert wording.span(Occurrence(START), "sv") == "fre 4.12. 9.00"
    assert wording.day(datetime(2027, 1, 31), "en") == "Sun 31.1."


def test_one_minute_is_a_minute_and_an_hour_is_sixty_minutes() -> None:
    assert wording.in_minutes(1, "en") == "in 1 minute"
    assert wording.in_minutes(1, "fi") == "1 minuutin päästä"
    assert wording.in_minutes(1, "sv") == "om 1 minut"
    assert wording.in_minutes(60, "en") == "in 60 minutes"
