"""Times and weekly patterns in words, per language: condensed, Babel-formatted."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from kiosk.catalog import wording
from kiosk.catalog.model import Occurrence, WeeklyRule
from kiosk.printing.labels import format_occurrence


def rules(days: list[int], start: time, end: time | None, interval: int = 1) -> list[WeeklyRule]:
    return [WeeklyRule(d, start, end, interval) for d in days]


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fi", ["ma–pe 9.00–15.00", "la 11.00–14.00"]),
        ("sv", ["mån–fre 9.00–15.00", "lör 11.00–14.00"]),
        ("en", ["Mon–Fri 9.00–15.00", "Sat 11.00–14.00"]),
    ],
)
def test_a_weekday_pattern_reads_as_on_a_notice_board(lang: str, expected: list[str]) -> None:
    weekly = rules([0, 1, 2, 3, 4], time(9), time(15)) + rules([5], time(11), time(14))
    got = wording.condensed(wording.rules_as_weekly(weekly), lang)
    assert [text for _, text in got] == expected


def test_every_day_is_one_range_and_pairs_stay_a_list() -> None:
    every_day = wording.rules_as_weekly(rules(list(range(7)), time(12), time(13, 30)))
    assert wording.condensed(every_day, "fi") == [(1, "ma–su 12.00–13.30")]
    weekend = wording.rules_as_weekly(rules([5, 6], time(12), None))
    assert wording.condensed(weekend, "fi") == [(1, "la, su 12.00")]
    # Sunday and Monday do not wrap into "su–ma".
    assert wording.day_ranges([6, 0, 2], "en") == "Mon, Wed, Sun"


def test_every_other_week_is_its_own_group() -> None:
    weekly = wording.rules_as_weekly(
        rules([1], time(10), time(12)) + rules([3], time(10), time(12), interval=2)
    )
    assert wording.condensed(weekly, "fi") == [(1, "ti 10.00–12.00"), (2, "to 10.00–12.00")]


def test_english_weekdays_keep_their_capital() -> None:
    assert wording.weekday_wide(0, "en") == "Monday"
    assert wording.weekday_wide(0, "fi") == "maanantai"
    assert wording.day(datetime(2026, 11, 27), "en") == "Fri 27.11."


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_slip_and_the_screen_write_a_time_alike(lang: str) -> None:
    occ = Occurrence(datetime(2026, 11, 24, 11, 0), datetime(2026, 11, 24, 12, 30))
    screen = wording.clock_range(occ.start, occ.end, lang)
    assert screen == "11.00–12.30"
    assert "11.00-12.30" in format_occurrence(occ, lang)


def test_status_on_now_and_starting_soon() -> None:
    occ = Occurrence(datetime(2026, 11, 27, 9, 0), datetime(2026, 11, 27, 15, 0))
    assert wording.status(occ, datetime(2026, 11, 27, 13, 0)) == ("on", 0)
    assert wording.status(occ, datetime(2026, 11, 27, 8, 40)) == ("soon", 20)
    assert wording.status(occ, datetime(2026, 11, 27, 7, 0)) is None
    assert wording.status(occ, datetime(2026, 11, 27, 15, 0)) is None
    assert wording.in_minutes(20, "fi") == "20 minuutin päästä"
    assert wording.in_minutes(20, "sv") == "om 20 minuter"
    assert wording.in_minutes(20, "en") == "in 20 minutes"
