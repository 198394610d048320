"""Staff present hours: the text coordinators write, and when staff are there."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.hours import DAY_MINUTES, Span, next_opening, parse_hours, staff_open

HKI = ZoneInfo("Europe/Helsinki")
WEEK = 7 * DAY_MINUTES

# 2026-11-23 is a Monday.
MON = datetime(2026, 11, 23, tzinfo=HKI)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Monday 23 Nov 2026 + day days, at hour:minute in Helsinki."""
    return (MON + timedelta(days=day)).replace(hour=hour, minute=minute)


WEEKDAYS_AND_SATURDAY = "ma-pe 10-16; la 10-14"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(0, 9, 59), False),
        (at(0, 10, 0), True),
        (at(2, 15, 59), True),
        (at(4, 16, 0), False),
        (at(5, 12, 0), True),
        (at(5, 14, 0), False),
        (at(6, 12, 0), False),
    ],
)
def test_weekdays_and_saturday(moment: datetime, expected: bool) -> None:
    assert staff_open(WEEKDAYS_AND_SATURDAY, moment) is expected


def test_next_opening_over_the_weekend() -> None:
    assert next_opening(WEEKDAYS_AND_SATURDAY, at(5, 15, 0)) == at(7, 10, 0)
    assert next_opening(WEEKDAYS_AND_SATURDAY, at(0, 8, 30)) == at(0, 10, 0)
    assert next_opening(WEEKDAYS_AND_SATURDAY, at(4, 17, 0)) == at(5, 10, 0)


def test_next_opening_is_now_when_open() -> None:
    now = at(1, 11, 17).replace(second=42)
    assert next_opening(WEEKDAYS_AND_SATURDAY, now) == now


def test_past_midnight_belongs_to_the_evening_before() -> None:
    text = "pe 20-02"
    assert staff_open(text, at(4, 23, 30))
    assert staff_open(text, at(5, 1, 59))
    assert not staff_open(text, at(5, 2, 0))
    assert not staff_open(text, at(4, 19, 59))
    # Sunday night into Monday morning wraps over the week's end.
    assert staff_open("su 22-1", at(7, 0, 30))
    assert next_opening(text, at(5, 3, 0)) == at(11, 20, 0)


def test_minutes_days_lists_and_languages() -> None:
    assert staff_open("ma, ke 9.30-11.30, 12-15", at(2, 9, 30))
    assert not staff_open("ma, ke 9.30-11.30, 12-15", at(2, 11, 45))
    assert staff_open("ma, ke 9.30-11.30, 12-15", at(0, 14, 59))
    assert not staff_open("ma, ke 9.30-11.30, 12-15", at(1, 10, 0))
    assert staff_open("to 17:00-20:00", at(3, 19, 0))
    assert parse_hours("må–fr 10 – 16") == parse_hours("mo-fr 10-16") == parse_hours("MA-PE 10-16")
    assert parse_hours("la-ma 10-12") == tuple(Span(d, 600, 720) for d in (0, 5, 6))
    assert parse_hours("su 22-24") == (Span(6, 22 * 60, DAY_MINUTES),)


def test_empty_text_is_never_open() -> None:
    assert parse_hours("  ") == ()
    assert not staff_open("", at(0, 12))
    assert next_opening("", at(0, 12)) is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ma-pe", "no times"),
        ("10-16", "no days"),
        ("xx 10-16", "unknown day 'xx'"),
        ("ma 25-26", "no such time"),
        ("ma 10.75-12", "no such time"),
        ("ma 10", "cannot read the time range '10'"),
        ("ma-pe 10-16 la 10-14", "cannot read the time range"),
        ("ma 24-2", "cannot start at 24"),
    ],
)
def test_bad_text_is_named_in_the_error(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_hours(text)
    assert repr(text) in str(err.value)
    assert fragment in str(err.value)


# --- properties against a model in minutes of the week -------------------------------

NAMES = {
    "fi": ["ma", "ti", "ke", "to", "pe", "la", "su"],
    "sv": ["må", "ti", "on", "to", "fr", "lö", "sö"],
    "en": ["mo", "tu", "we", "th", "fr", "sa", "su"],
}


@st.composite
def clock(draw: st.DrawFn, minute_of_day: int) -> str:
    h, m = divmod(minute_of_day, 60)
    hour = draw(st.sampled_from([str(h), f"{h:02d}"]))
    if m == 0 and draw(st.booleans()):
        return hour
    return hour + draw(st.sampled_from([".", ":"])) + f"{m:02d}"


@st.composite
def entries(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, int]]]:
    """One entry's text and its spans as (first weekday, start, end) in the model."""
    lang = draw(st.sampled_from(sorted(NAMES)))
    first, last = draw(st.integers(0, 6)), draw(st.integers(0, 6))
    days_text = NAMES[lang][first] + ("" if first == last else "-" + NAMES[lang][last])
    days = [(first + i) % 7 for i in range((last - first) % 7 + 1)]
    ranges_text, spans = [], []
    for _ in range(draw(st.integers(1, 2))):
        start = draw(st.integers(0, DAY_MINUTES - 1))
        end = draw(st.integers(1, DAY_MINUTES).filter(lambda e, s=start: e != s))  # type: ignore[arg-type]
        end_text = "24" if end == DAY_MINUTES else draw(clock(end))
        ranges_text.append(f"{draw(clock(start))}-{end_text}")
        length = end - start if end > start else end + DAY_MINUTES - start
        spans += [(d, start, length) for d in days]
    return f"{days_text} {', '.join(ranges_text)}", spans


hours_texts = st.lists(entries(), min_size=1, max_size=3).map(
    lambda es: ("; ".join(t for t, _ in es), [s for _, ss in es for s in ss])
)
moments = st.integers(0, 13 * DAY_MINUTES).map(lambda m: MON + timedelta(minutes=m))


def model_open(spans: list[tuple[int, int, int]], moment: datetime) -> bool:
    week_minute = moment.weekday() * DAY_MINUTES + moment.hour * 60 + moment.minute
    return any(
        (week_minute - (d * DAY_MINUTES + start)) % WEEK < length for d, start, length in spans
    )


@settings(max_examples=100, deadline=None)
@given(hours_texts, moments)
def test_open_matches_the_model(
    case: tuple[str, list[tuple[int, int, int]]], now: datetime
) -> None:
    text, spans = case
    assert staff_open(text, now) is model_open(spans, now)


@settings(max_examples=100, deadline=None)
@given(hours_texts, moments)
def test_next_opening_is_the_first_open_minute(
    case: tuple[str, list[tuple[int, int, int]]], now: datetime
) -> None:
    text, spans = case
    found = next_opening(text, now)
    assert found is not None
    assert found >= now
    assert staff_open(text, found)
    if found != now:
        # Closed from now until then, and then a span starts.
        assert not model_open(spans, found - timedelta(minutes=1))
        assert all(
            not model_open(spans, now + timedelta(minutes=k))
            for k in range(0, int((found - now).total_seconds() // 60), 37)
        )


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("mapetikelsuå0123456789-.:;, –"), max_size=30))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    try:
        spans = parse_hours(text)
    except ValueError as exc:
        assert repr(text) in str(exc)
    else:
        assert all(0 <= s.start < s.end <= 2 * DAY_MINUTES for s in spans)
