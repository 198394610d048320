"""The Finnish weekly-time parser: examples from real sheets, and properties."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog.importers.times import TimesError, parse_date, parse_schedule
from kiosk.catalog.model import Occurrence, WeeklyRule


def rules(text: str, anchor: date | None = None) -> list[tuple[int, time, time | None, int]]:
    return [(r.weekday, r.start, r.end, r.interval) for r in parse_schedule(text, anchor).weekly]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ti 10-12", [(1, time(10), time(12), 1)]),
        ("ma, ke 13.00-15.00", [(0, time(13), time(15), 1), (2, time(13), time(15), 1)]),
        ("ma-pe 9-11", [(d, time(9), time(11), 1) for d in range(5)]),
        ("MO 10:00-12:00", [(0, time(10), time(12), 1)]),
        ("la klo 9.30", [(5, time(9, 30), None, 1)]),
        ("tiistaisin 10–12", [(1, time(10), time(12), 1)]),
        ("må, on 9.30-11", [(0, time(9, 30), time(11), 1), (2, time(9, 30), time(11), 1)]),
        ("fr 17-19; lö 12-14", [(4, time(17), time(19), 1), (5, time(12), time(14), 1)]),
        ("sö kl. 15", [(6, time(15), None, 1)]),
        ("ma 10-12, to 14-16", [(0, time(10), time(12), 1), (3, time(14), time(16), 1)]),
        ("ti ja to 18-20", [(1, time(18), time(20), 1), (3, time(18), time(20), 1)]),
    ],
)
def test_weekly_forms(text: str, expected: list[tuple[int, time, time | None, int]]) -> None:
    assert rules(text) == expected


def test_every_other_week_is_anchored_on_the_first_matching_weekday() -> None:
    (rule,) = parse_schedule("joka toinen to klo 18", date(2026, 1, 5)).weekly  # a Monday
    assert rule == WeeklyRule(3, time(18), None, 2, date(2026, 1, 8))
    (sv,) = parse_schedule("varannan on 17-19", date(2026, 1, 7)).weekly
    assert sv.anchor == date(2026, 1, 7) and sv.interval == 2


def test_every_other_week_without_a_date_is_an_error_naming_the_text() -> None:
    with pytest.raises(TimesError, match="joka toinen to klo 18"):
        parse_schedule("joka toinen to klo 18")


def test_one_off_dates_and_iso_forms() -> None:
    s = parse_schedule("1.12.2026 klo 18-20; 2026-12-08T18:00/20:00")
    assert s.occurrences == (
        Occurrence(datetime(2026, 12, 1, 18), datetime(2026, 12, 1, 20)),
        Occurrence(datetime(2026, 12, 8, 18), datetime(2026, 12, 8, 20)),
    )
    assert not s.weekly


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ti", "not a time"),
        ("tiistaina aamupäivällä", "not a time"),
        ("ti 25-26", "not a time of day"),
        ("ti 12-10", "not after"),
        ("pe-ma 10-12", "runs backwards"),
        ("31.2.2026 klo 10", "is not a date"),
        ("ti 10-12 ja keskiviikkona", "not a time"),
        ("10-12", "not a time"),
    ],
)
def test_what_is_not_understood_is_an_error_quoting_the_text(text: str, why: str) -> None:
    with pytest.raises(TimesError, match=why) as info:
        parse_schedule(text)
    assert text.split()[0] in str(info.value)


def test_parse_date_forms() -> None:
    assert parse_date("1.9.2026") == parse_date("2026-09-01") == date(2026, 9, 1)
    with pytest.raises(TimesError, match=r"'31\.2\.2026' is not a date"):
        parse_date("31.2.2026")


FI_DAYS = ("ma", "ti", "ke", "to", "pe", "la", "su")
SV_DAYS = ("må", "ti", "on", "to", "fr", "lö", "sö")
ISO_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@st.composite
def written_rules(draw: st.DrawFn) -> tuple[str, list[WeeklyRule]]:
    days = draw(st.lists(st.integers(0, 6), min_size=1, max_size=3, unique=True))
    start_h = draw(st.integers(0, 22))
    start_m = draw(st.sampled_from((0, 15, 30, 45)))
    end_h = draw(st.integers(start_h + 1, 23))
    names = draw(st.sampled_from((FI_DAYS, SV_DAYS, ISO_DAYS)))
    sep = draw(st.sampled_from((".", ":")))
    dash = draw(st.sampled_from(("-", "–", " - ")))
    klo = draw(st.sampled_from(("", "klo ")))
    every_other = draw(st.booleans())
    text = (
        ("joka toinen " if every_other else "")
        + ", ".join(names[d] for d in days)
        + f" {klo}{start_h}{sep}{start_m:02d}{dash}{end_h}"
    )
    expected = [
        WeeklyRule(
            d,
            time(start_h, start_m),
            time(end_h),
            2 if every_other else 1,
            date(2026, 3, 2 + d) if every_other else None,
        )
        for d in days
    ]
    return text, expected


@settings(max_examples=60, deadline=None)
@given(written_rules())
def test_written_rules_read_back(case: tuple[str, list[WeeklyRule]]) -> None:
    text, expected = case
    assert list(parse_schedule(text, date(2026, 3, 2)).weekly) == expected


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_either_understood_or_a_clear_error(text: str) -> None:
    try:
        s = parse_schedule(text, date(2026, 3, 2))
    except TimesError as e:
        assert str(e)
    else:
        for r in s.weekly:
            assert 0 <= r.weekday <= 6 and (r.end is None or r.end > r.start)
