from datetime import date, datetime, time

from hypothesis import given
from hypothesis import strategies as st

from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.catalog.occurrences import next_occurrences

NOW = datetime(2026, 11, 23, 12, 0)  # a Monday


def act(**kw: object) -> Activity:
    return Activity(id="a1", title={"fi": "Kerho"}, **kw)  # type: ignore[arg-type]


def test_one_off_dates_in_order_and_past_ones_dropped() -> None:
    a = act(
        occurrences=(
            Occurrence(datetime(2026, 12, 1, 10)),
            Occurrence(datetime(2026, 11, 1, 10)),
            Occurrence(datetime(2026, 11, 25, 10)),
        )
    )
    assert [o.start for o in next_occurrences(a, NOW, 5)] == [
        datetime(2026, 11, 25, 10),
        datetime(2026, 12, 1, 10),
    ]


def test_ongoing_occurrence_still_counts() -> None:
    a = act(occurrences=(Occurrence(datetime(2026, 11, 23, 11), datetime(2026, 11, 23, 13)),))
    assert len(next_occurrences(a, NOW, 1)) == 1
    assert next_occurrences(a, datetime(2026, 11, 23, 13, 1), 1) == []


def test_weekly_rule_starts_today_when_not_over() -> None:
    a = act(weekly=(WeeklyRule(weekday=0, start=time(14), end=time(16)),))
    starts = [o.start for o in next_occurrences(a, NOW, 3)]
    assert starts == [
        datetime(2026, 11, 23, 14),
        datetime(2026, 11, 30, 14),
        datetime(2026, 12, 7, 14),
    ]
    later = next_occurrences(a, datetime(2026, 11, 23, 17), 1)
    assert later[0].start == datetime(2026, 11, 30, 14)


def test_interval_with_anchor_fixes_the_parity() -> None:
    rule = WeeklyRule(weekday=2, start=time(10), interval=2, anchor=date(2026, 12, 2))
    starts = [o.start.date() for o in next_occurrences(act(weekly=(rule,)), NOW, 3)]
    assert starts == [date(2026, 12, 2), date(2026, 12, 16), date(2026, 12, 30)]


def test_anchor_on_other_weekday_uses_its_week() -> None:
    # Anchor is a Sunday in the week of Mon 2026-11-30: Wednesdays of that week, +2 weeks.
    rule = WeeklyRule(weekday=2, start=time(10), interval=2, anchor=date(2026, 12, 6))
    starts = [o.start.date() for o in next_occurrences(act(weekly=(rule,)), NOW, 2)]
    assert starts == [date(2026, 12, 2), date(2026, 12, 16)]


def test_validity_and_exceptions() -> None:
    a = act(
        weekly=(WeeklyRule(weekday=3, start=time(18)),),
        valid_from=date(2026, 12, 1),
        valid_until=date(2026, 12, 24),
        exceptions=(date(2026, 12, 10),),
    )
    starts = [o.start.date() for o in next_occurrences(a, NOW, 10)]
    assert starts == [date(2026, 12, 3), date(2026, 12, 17), date(2026, 12, 24)]


def test_one_off_outside_validity_is_dropped_and_merge_is_sorted() -> None:
    a = act(
        occurrences=(Occurrence(datetime(2027, 3, 1, 9)), Occurrence(datetime(2026, 11, 24, 9))),
        weekly=(WeeklyRule(weekday=1, start=time(8)),),
        valid_until=date(2027, 1, 31),
    )
    got = next_occurrences(a, NOW, 2)
    assert [o.start for o in got] == [datetime(2026, 11, 24, 8), datetime(2026, 11, 24, 9)]
    assert all(o.start.date() <= date(2027, 1, 31) for o in next_occurrences(a, NOW, 50))


def test_zero_count_and_no_times() -> None:
    assert next_occurrences(act(weekly=(WeeklyRule(0, time(9)),)), NOW, 0) == []
    assert next_occurrences(act(), NOW, 3) == []


def test_end_past_midnight() -> None:
    a = act(weekly=(WeeklyRule(weekday=4, start=time(22), end=time(1)),))
    occ = next_occurrences(a, NOW, 1)[0]
    assert occ.end == datetime(2026, 11, 28, 1)


@given(
    weekday=st.integers(0, 6),
    interval=st.integers(1, 4),
    count=st.integers(1, 8),
    offset=st.integers(0, 500),
)
def test_weekly_properties(weekday: int, interval: int, count: int, offset: int) -> None:
    anchor = date(2026, 1, 5)
    rule = WeeklyRule(weekday=weekday, start=time(10), interval=interval, anchor=anchor)
    now = datetime(2026, 1, 1) + (datetime(2026, 1, 2) - datetime(2026, 1, 1)) * offset
    got = next_occurrences(act(weekly=(rule,)), now, count)
    assert len(got) == count
    assert all(o.start >= now and o.start.weekday() == weekday for o in got)
    assert all((o.start.date() - got[0].start.date()).days % (7 * interval) == 0 for o in got)
    assert got == sorted(got, key=lambda o: o.start)
