"""Catalogue queries: 'now', 'today' and 'the next 7 days' across midnight and the DST changes."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kiosk.catalog.model import Activity, Occurrence, WeeklyRule, pick
from kiosk.catalog.occurrences import last_date, next_occurrences, occurrences_between
from kiosk.catalog.query import Filters, select


def weekly(aid: str, weekday: int, start: int, **kw: Any) -> Activity:
    return Activity(
        id=aid,
        title={"fi": aid},
        weekly=(WeeklyRule(weekday, time(start), time(min(start + 1, 23), 59)),),
        **kw,
    )


def test_pick_falls_back_to_finnish_then_any() -> None:
    assert pick({"fi": "Kahvila", "sv": "Kafé"}, "sv") == "Kafé"
    assert pick({"fi": "Kahvila", "sv": "Kafé"}, "en") == "Kahvila"
    assert pick({"en": "Café"}, "sv") == "Café"
    assert pick({"fi": "", "en": "Café"}, "fi") == "Café"
    assert pick({}, "fi") == ""


def test_today_across_midnight() -> None:
    late = weekly("late", 0, 22)  # Mondays 22-24
    monday_2359 = datetime(2026, 11, 23, 23, 59)
    tuesday_0001 = datetime(2026, 11, 24, 0, 1)
    today = Filters(when="today")
    assert [x.activity.id for x in select([late], today, monday_2359, 10).items] == ["late"]
    assert select([late], today, tuesday_0001, 10).items == []


def test_the_week_is_the_next_seven_days_even_on_a_friday() -> None:
    acts = [weekly("sun", 6, 10), weekly("mon", 0, 10), weekly("thu", 3, 10), weekly("fri", 4, 9)]
    friday = datetime(2026, 11, 27, 12, 0)
    ids = [x.activity.id for x in select(acts, Filters(when="week"), friday, 10).items]
    # Friday 9-10 is over; next Friday is the eighth day.
    assert ids == ["sun", "mon", "thu"]


def test_now_is_on_now_or_starting_within_the_hour() -> None:
    acts = [
        weekly("on", 4, 11),  # 11.00-12.59, running
        weekly("soon", 4, 13),  # starts in 50 min
        weekly("later", 4, 15),  # starts in 2 h 50 min
        weekly("over", 4, 9),  # 9.00-10.59, over
    ]
    friday = datetime(2026, 11, 27, 12, 10)
    now = Filters.from_args({"when": "now"})
    assert [x.activity.id for x in select(acts, now, friday, 10).items] == ["on", "soon"]


def test_dst_spring_forward_keeps_wall_clock() -> None:
    # 2026-03-29: clocks go from 03:00 to 04:00 in Europe/Helsinki (a 23-hour day).
    sunday = weekly("sun", 6, 10)
    got = occurrences_between(sunday, date(2026, 3, 22), date(2026, 4, 5))
    assert [o.start for o in got] == [
        datetime(2026, 3, 22, 10),
        datetime(2026, 3, 29, 10),
        datetime(2026, 4, 5, 10),
    ]
    on_dst_day = datetime(2026, 3, 29, 8, 0)
    assert [x.activity.id for x in select([sunday], Filters(when="today"), on_dst_day, 5).items]


def test_dst_fall_back_week() -> None:
    # 2026-10-25 has 25 hours; "this week" on the Saturday still ends on that Sunday.
    acts = [weekly("sun", 6, 10)]
    saturday = datetime(2026, 10, 24, 12, 0)
    assert len(select(acts, Filters(when="week"), saturday, 5).items) == 1


def test_every_other_week_and_exceptions() -> None:
    rule = WeeklyRule(3, time(18), None, interval=2, anchor=date(2026, 11, 26))
    act = Activity(id="x", title={"fi": "x"}, weekly=(rule,), exceptions=(date(2026, 12, 10),))
    got = [o.start.date() for o in occurrences_between(act, date(2026, 11, 20), date(2027, 1, 1))]
    assert got == [date(2026, 11, 26), date(2026, 12, 24)]


def test_past_activities_leave_the_screen() -> None:
    once = Activity(
        id="once", title={"fi": "x"}, occurrences=(Occurrence(datetime(2026, 11, 20, 10)),)
    )
    ended = weekly("ended", 0, 10, valid_until=date(2026, 11, 1))
    now = datetime(2026, 11, 23, 9)
    assert select([once, ended], Filters(), now, 10).items == []
    assert last_date(once) == date(2026, 11, 20)
    assert last_date(weekly("open", 0, 10)) is None


def test_filters_free_and_language_and_paging() -> None:
    acts = [
        weekly(
            f"a{i}", i % 7, 10, free=i % 2 == 0, languages=("fi", "en") if i % 3 == 0 else ("fi",)
        )
        for i in range(20)
    ]
    now = datetime(2026, 11, 23, 8)
    free = select(acts, Filters(free=True), now, 100).items
    assert {x.activity.id for x in free} == {f"a{i}" for i in range(0, 20, 2)}
    english = select(acts, Filters(language="en"), now, 100).items
    assert {x.activity.id for x in english} == {f"a{i}" for i in range(0, 20, 3)}
    page2 = select(acts, Filters(page=2), now, 8)
    assert (page2.page, page2.pages, len(page2.items), page2.total) == (2, 3, 8, 20)
    assert select(acts, Filters(page=99), now, 8).page == 3


def test_filters_ignore_garbage() -> None:
    f = Filters.from_args(
        {"category": "<script>", "when": "yesterday", "page": "x", "language": "1"}
    )
    assert f == Filters()


@given(
    weekday=st.integers(0, 6),
    start=st.integers(0, 21),
    first=st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    span=st.integers(0, 60),
)
def test_weekly_occurrences_fall_on_their_weekday(
    weekday: int, start: int, first: date, span: int
) -> None:
    act = weekly("w", weekday, start)
    last = date.fromordinal(first.toordinal() + span)
    got = occurrences_between(act, first, last)
    assert all(o.start.weekday() == weekday and first <= o.start.date() <= last for o in got)
    expected = sum(
        1
        for d in range(first.toordinal(), last.toordinal() + 1)
        if date.fromordinal(d).weekday() == weekday
    )
    assert len(got) == expected


def test_next_occurrences_skips_ended_ones() -> None:
    act = weekly("m", 0, 10)
    now = datetime(2026, 11, 23, 12, 30)  # Monday, after 10-12
    nxt = next_occurrences(act, now, 2)
    assert [o.start for o in nxt] == [datetime(2026, 11, 30, 10), datetime(2026, 12, 7, 10)]


def test_cached_listing_follows_the_clock_and_reloads() -> None:
    from kiosk.catalog.store import Catalog
    from kiosk.store.db import Store

    store = Store(None)
    catalog = Catalog(store)
    ends_soon = Activity(
        id="ends-soon",
        title={"fi": "Päättyy pian"},
        occurrences=(Occurrence(datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 10, 0)),),
    )
    with store.write() as db:
        db.table("activities").insert(
            {"id": ends_soon.id, "data": ends_soon.to_json(), "source": "t", "last_date": ""},
            pk="id",
        )
        db.table("meta").upsert({"key": "catalog_last_import", "value": "1"}, pk="key")
    catalog.reload()
    before = catalog.listing(Filters(when="today"), datetime(2026, 3, 2, 9, 59, 30))
    assert [x.activity.id for x in before] == ["ends-soon"]
    # Another page of the same filters is the same list; a minute later it is gone.
    assert catalog.listing(Filters(when="today", page=2), datetime(2026, 3, 2, 9, 59, 50)) == before
    assert catalog.listing(Filters(when="today"), datetime(2026, 3, 2, 10, 1)) == []
    with store.write() as db:
        db.execute("DELETE FROM activities")
    catalog.reload()
    assert catalog.listing(Filters(), datetime(2026, 3, 2, 9, 59, 30)) == []
