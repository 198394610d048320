"""Written times at their edges: an end equal to the start refused, the last minute of
the day accepted and the next refused, day ranges, every other week and its first day,
and messages that quote what was written."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from kiosk.catalog.importers.times import (
    Schedule,
    TimesError,
    format_rule,
    parse_date,
    parse_schedule,
)
from kiosk.catalog.model import Occurrence, WeeklyRule

TUESDAY = date(2026, 9, 1)


def refusal(text: str, anchor: date | None = None) -> str:
    with pytest.raises(TimesError) as caught:
        parse_schedule(text, anchor)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.12.2026 klo 18-18", "'1.12.2026 klo 18-18': the end is not after the start"),
        ("1.12.2026 klo 18-17.59", "'1.12.2026 klo 18-17.59': the end is not after the start"),
        ("2026-12-01T18:00/18:00", "'2026-12-01T18:00/18:00': the end is not after the start"),
        (
            "2026-12-01T18:00/2026-11-30T19:00",
            "'2026-12-01T18:00/2026-11-30T19:00': the end is not after the start",
        ),
        ("ti 10-10", "'ti 10-10': the end 10.00 is not after 10.00"),
        ("ti 10.30-10", "'ti 10.30-10': the end 10.00 is not after 10.30"),
    ],
)
def test_an_end_that_is_not_after_the_start_is_refused(text: str, message: str) -> None:
    assert refusal(text) == message


def test_one_minute_is_long_enough() -> None:
    assert parse_schedule("1.12.2026 klo 18-18.01").occurrences == (
        Occurrence(datetime(2026, 12, 1, 18), datetime(2026, 12, 1, 18, 1)),
    )
    assert parse_schedule("ti 10-10.01").weekly == (WeeklyRule(1, time(10), time(10, 1)),)


def test_an_evening_may_end_after_midnight_when_the_end_date_is_written() -> None:
    (late,) = parse_schedule("2026-12-01T22:00/2026-12-02T01:00").occurrences
    assert late == Occurrence(datetime(2026, 12, 1, 22), datetime(2026, 12, 2, 1))


@pytest.mark.parametrize(
    ("text", "start"),
    [("la 0.00", time(0)), ("la 23.59", time(23, 59)), ("la 9", time(9)), ("la 7:05", time(7, 5))],
)
def test_every_minute_of_the_day_can_be_written(text: str, start: time) -> None:
    assert parse_schedule(text) == Schedule(weekly=(WeeklyRule(5, start),))


@pytest.mark.parametrize(("value"), ["24", "24.00", "10.60", "99"])
def test_a_time_past_the_day_is_refused(value: str) -> None:
    assert refusal(f"la {value}") == f"'la {value}': {value} is not a time of day"


def test_a_day_range_runs_forwards_and_counts_each_day_once() -> None:
    assert [r.weekday for r in parse_schedule("ma-ke, ti 10-12").weekly] == [0, 1, 2]
    assert [r.weekday for r in parse_schedule("ma ja ke & pe 10").weekly] == [0, 2, 4]
    assert [r.weekday for r in parse_schedule("su-su 10").weekly] == [6]
    assert refusal("pe-ma 10-12") == "'pe-ma 10-12': the day range pe-ma runs backwards"


def test_every_other_week_starts_on_the_first_such_day_from_the_anchor() -> None:
    (thursday,) = parse_schedule("joka toinen to klo 18", TUESDAY).weekly
    assert thursday == WeeklyRule(3, time(18), None, 2, date(2026, 9, 3))
    (tuesday,) = parse_schedule("varannan ti 17-19", TUESDAY).weekly
    assert tuesday.anchor == TUESDAY and tuesday.interval == 2
    (monday,) = parse_schedule("every second mo 9", TUESDAY).weekly
    assert monday.anchor == date(2026, 9, 7)


def test_every_week_has_no_anchor_even_when_one_is_given() -> None:
    (rule,) = parse_schedule("joka to 18", TUESDAY).weekly
    assert rule == WeeklyRule(3, time(18), None, 1, None)


def test_every_other_week_without_a_start_date_is_refused() -> None:
    assert refusal("joka toinen to klo 18") == (
        "'joka toinen to klo 18': every other week needs a start date (valid_from or dates)"
    )


def test_items_are_separated_and_anything_after_them_is_refused() -> None:
    both = parse_schedule("ti 10-12;\r\nto 14–16 , 5.12.2026 klo 10")
    assert [(r.weekday, r.start, r.end) for r in both.weekly] == [
        (1, time(10), time(12)),
        (3, time(14), time(16)),
    ]
    assert both.occurrences == (Occurrence(datetime(2026, 12, 5, 10)),)
    assert refusal("ti 10-12 kahvia") == "'ti 10-12 kahvia' is not a time this kiosk understands"
    assert refusal("kahvia") == "'kahvia' is not a time this kiosk understands"
    assert parse_schedule("  \n ") == Schedule()


def test_a_date_that_does_not_exist_is_named() -> None:
    assert refusal("31.2.2026 klo 10") == "'31.2.2026 klo 10': 31.2.2026 is not a date"
    with pytest.raises(TimesError, match=r"^'31\.2\.2026' is not a date$"):
        parse_date(" 31.2.2026 ")
    with pytest.raises(TimesError, match=r"^'2026/12/31' is not a date \(write 31\.12\.2026"):
        parse_date("2026/12/31")
    assert parse_date("2026-12-31") == parse_date("31.12.2026") == date(2026, 12, 31)


def test_a_rule_is_written_back_as_the_template_writes_it() -> None:
    assert format_rule(WeeklyRule(1, time(10), time(12))) == "ti 10.00-12.00"
    assert format_rule(WeeklyRule(3, time(18), None, 2, date(2026, 9, 3))) == "joka toinen to 18.00"


def test_dashes_spaces_and_line_ends_as_word_processors_write_them() -> None:
    monday_to_friday = parse_schedule("ma-pe 9-11").weekly
    for written in ("ma—pe 9−11", "ma–pe 9–11", "ma\u00a0-\u00a0pe\u00a09-11", "ma.-pe. 9-11"):
        assert parse_schedule(written).weekly == monday_to_friday, written
    both = parse_schedule("ti 10-12\rto 14-16")
    assert [r.weekday for r in both.weekly] == [1, 3]


def test_every_other_week_in_english() -> None:
    (rule,) = parse_schedule("every other mo 9", TUESDAY).weekly
    assert (rule.interval, rule.anchor) == (2, date(2026, 9, 7))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ti 10-25", "'ti 10-25': 25 is not a time of day"),
        ("1.12.2026 klo 25", "'1.12.2026 klo 25': 25 is not a time of day"),
        (
            "2026-12-01T18:00/2026-13-01T19:00",
            "'2026-12-01T18:00/2026-13-01T19:00': 2026-13-01 is not a date",
        ),
    ],
)
def test_a_wrong_part_is_named_within_what_was_written(text: str, message: str) -> None:
    assert refusal(text) == message


def test_every_weekday_is_written_back_by_its_finnish_abbreviation() -> None:
    written = [format_rule(WeeklyRule(day, time(9))) for day in range(7)]
    assert written == [f"{d} 09.00" for d in ("ma", "ti", "ke", "to", "pe", "la", "su")]
