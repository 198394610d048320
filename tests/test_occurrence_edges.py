"""When an activity leaves the screens (its last date), every other week counted in
Monday-to-Sunday weeks from an anchor on any weekday, and how far ahead times are
looked for."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.catalog.occurrences import last_date, next_occurrences, occurrences_between
from kiosk.catalog.query import Filters, listing

NOW = datetime(2026, 11, 23, 12, 0)  # a Monday
WEEKLY = (WeeklyRule(weekday=1, start=time(10), end=time(12)),)
ONE_OFFS = (Occurrence(datetime(2026, 12, 5, 10)), Occurrence(datetime(2027, 1, 9, 10)))


def activity(**fields: object) -> Activity:
    return Activity(id="a1", title={"fi": "Kerho"}, **fields)  # type: ignore[arg-type]


def test_a_weekly_activity_without_an_end_date_never_leaves() -> None:
    assert last_date(activity(weekly=WEEKLY)) is None
    assert last_date(activity(weekly=WEEKLY, occurrences=ONE_OFFS)) is None


def test_a_weekly_activity_leaves_after_its_end_date_or_its_last_one_off() -> None:
    until = date(2026, 12, 31)
    assert last_date(activity(weekly=WEEKLY, valid_until=until)) == until
    assert last_date(activity(weekly=WEEKLY, valid_until=until, occurrences=ONE_OFFS)) == date(
        2027, 1, 9
    )


def test_one_off_dates_leave_after_the_last_whatever_the_end_date_says() -> None:
    assert last_date(activity(occurrences=ONE_OFFS)) == date(2027, 1, 9)
    assert last_date(activity(occurrences=ONE_OFFS, valid_until=date(2026, 12, 1))) == date(
        2027, 1, 9
    )
    assert last_date(activity()) is None


def test_every_other_sunday_from_a_monday_anchor_includes_that_weeks_sunday() -> None:
    # Weeks run Monday to Sunday: the Sunday six days after the anchor is in its week.
    rule = WeeklyRule(weekday=6, start=time(10), interval=2, anchor=date(2026, 11, 23))
    found = occurrences_between(activity(weekly=(rule,)), date(2026, 11, 23), date(2026, 12, 31))
    assert [o.start.date() for o in found] == [
        date(2026, 11, 29),
        date(2026, 12, 13),
        date(2026, 12, 27),
    ]


def test_times_are_looked_for_400_days_ahead() -> None:
    far = activity(
        occurrences=(
            Occurrence(datetime.combine(NOW.date() + timedelta(days=400), time(10))),
            Occurrence(datetime.combine(NOW.date() + timedelta(days=401), time(10))),
        )
    )
    assert [o.start.date() for o in next_occurrences(far, NOW, 5)] == [
        NOW.date() + timedelta(days=400)
    ]


def test_an_activity_every_day_is_found_on_every_day_ahead() -> None:
    daily = activity(weekly=tuple(WeeklyRule(weekday=d, start=time(9)) for d in range(7)))
    found = next_occurrences(daily, NOW, 200)  # more than one stretch of days looked at
    assert [o.start.date() for o in found] == [
        NOW.date() + timedelta(days=n + 1) for n in range(200)
    ]  # today's 9:00 is over at noon


def test_one_starting_this_minute_is_still_shown() -> None:
    now = activity(occurrences=(Occurrence(NOW), Occurrence(NOW - timedelta(minutes=1))))
    assert next_occurrences(now, NOW, 5) == [Occurrence(NOW)]


def test_one_that_began_yesterday_and_runs_past_midnight_is_on_now() -> None:
    night = activity(weekly=(WeeklyRule(weekday=4, start=time(22), end=time(1)),))
    saturday_night = datetime(2026, 11, 28, 0, 30)
    first = next_occurrences(night, saturday_night, 1)
    assert first == [Occurrence(datetime(2026, 11, 27, 22), datetime(2026, 11, 28, 1))]


def test_a_one_off_of_several_days_is_on_now_until_its_end() -> None:
    camp = Occurrence(datetime(2026, 11, 19, 9), datetime(2026, 11, 26, 16))  # began 4 days ago
    exhibition = activity(occurrences=(camp,))
    assert next_occurrences(exhibition, NOW, 3) == [camp]
    assert next_occurrences(exhibition, datetime(2026, 11, 26, 16, 1), 3) == []
    for when in ("now", "today", "week", ""):
        listed = listing([exhibition], Filters(when=when), NOW)
        assert [x.next for x in listed] == [camp], when
    assert listing([exhibition], Filters(), datetime(2026, 11, 27, 9)) == []
    last_day = datetime(2026, 11, 26, 12)  # its last day, before it ends
    assert next_occurrences(exhibition, last_day, 3) == [camp]
    assert [x.next for x in listing([exhibition], Filters(when="now"), last_day)] == [camp]


def test_an_evening_until_midnight_is_gone_the_next_day() -> None:
    # Feeds often end an evening at the next day's 00:00.
    evening = activity(
        occurrences=(Occurrence(datetime(2026, 11, 23, 18), datetime(2026, 11, 24)),)
    )
    next_day = datetime(2026, 11, 24, 15)
    assert listing([evening], Filters(), next_day) == []
    assert next_occurrences(evening, next_day, 3) == []
    assert [x.next for x in listing([evening], Filters(when="today"), NOW)] == [
        evening.occurrences[0]
    ]


def test_a_list_shows_last_nights_one_still_running_past_midnight() -> None:
    night = activity(weekly=(WeeklyRule(weekday=0, start=time(22), end=time(2)),))
    tuesday_night = datetime(2026, 11, 24, 1, 0)  # Monday's 22:00-02:00 is on
    listed = listing([night], Filters(when="now"), tuesday_night)
    assert [x.next for x in listed] == [
        Occurrence(datetime(2026, 11, 23, 22), datetime(2026, 11, 24, 2))
    ]


def test_a_range_of_one_day_holds_that_days_times() -> None:
    both = activity(
        occurrences=(Occurrence(datetime(2026, 11, 24, 18)),),
        weekly=(WeeklyRule(weekday=1, start=time(10)),),
    )
    day = date(2026, 11, 24)
    assert [o.start for o in occurrences_between(both, day, day)] == [
        datetime(2026, 11, 24, 10),
        datetime(2026, 11, 24, 18),
    ]


def test_every_other_week_without_an_anchor_counts_from_the_first_valid_day() -> None:
    rule = WeeklyRule(weekday=1, start=time(10), interval=2)
    from_first = activity(weekly=(rule,), valid_from=date(2026, 12, 1))  # a Tuesday
    found = occurrences_between(from_first, date(2026, 11, 23), date(2026, 12, 31))
    assert [o.start.date() for o in found] == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2026, 12, 29),
    ]


def test_one_off_dates_leave_after_the_last_even_when_the_end_date_is_later() -> None:
    assert last_date(activity(occurrences=ONE_OFFS, valid_until=date(2027, 6, 30))) == date(
        2027, 1, 9
    )
    assert last_date(activity(valid_until=date(2027, 6, 30))) is None


def test_times_are_looked_for_up_to_the_last_day_asked_and_no_further() -> None:
    for days in (90, 181):
        edge = activity(
            occurrences=(
                Occurrence(datetime.combine(NOW.date() + timedelta(days=days), time(10))),
                Occurrence(datetime.combine(NOW.date() + timedelta(days=days + 1), time(10))),
            )
        )
        found = next_occurrences(edge, NOW, 5, days=days)
        assert [o.start.date() for o in found] == [NOW.date() + timedelta(days=days)]


def test_every_other_week_with_no_date_to_count_from_is_still_shown() -> None:
    # Better each week than never: the place can tell which week it is.
    rule = WeeklyRule(weekday=1, start=time(10), interval=2)
    found = next_occurrences(activity(weekly=(rule,)), NOW, 3)
    assert [o.start.date() for o in found] == [
        date(2026, 11, 24),
        date(2026, 12, 1),
        date(2026, 12, 8),
    ]


def test_a_time_that_ends_as_it_starts_is_over_that_day() -> None:
    instant = activity(weekly=(WeeklyRule(weekday=0, start=time(10), end=time(10)),))
    (first,) = next_occurrences(instant, NOW.replace(hour=9), 1)
    assert first == Occurrence(datetime(2026, 11, 23, 10), datetime(2026, 11, 23, 10))
    assert next_occurrences(instant, NOW, 1)[0].start == datetime(2026, 11, 30, 10)
