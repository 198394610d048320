"""The demo catalogue is well-formed and always has something on, whatever today is."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest

from kiosk.catalog.demo import DEMO_FILE, demo_activities, moved_dates
from kiosk.catalog.importers import Limits, parse
from kiosk.catalog.model import CATEGORIES, LANGUAGES, Activity
from kiosk.settings import Settings

# Mondays, mid-week days, Sundays, a year end, a leap day and DST change weeks.
TODAYS = [date(2026, 11, 23) + timedelta(days=n) for n in range(14)] + [
    date(2026, 12, 31),
    date(2028, 2, 29),
    date(2027, 3, 28),
    date(2027, 10, 31),
]


def happens_on(activity: Activity, day: date) -> bool:
    """Does the activity take place on ``day``? (validity, one-offs, weekly rules, exceptions)"""
    if activity.valid_from and day < activity.valid_from:
        return False
    if activity.valid_until and day > activity.valid_until:
        return False
    if any(o.start.date() == day for o in activity.occurrences):
        return True
    if day in activity.exceptions:
        return False
    for rule in activity.weekly:
        if rule.weekday != day.weekday():
            continue
        if rule.interval == 1 or rule.anchor is None:
            return True
        if ((day - rule.anchor).days // 7) % rule.interval == 0:
            return True
    return False


@pytest.fixture
def today() -> date:
    return date(2026, 11, 23)


@pytest.fixture
def demo(today: date) -> list[Activity]:
    return demo_activities(today)


def test_ids_are_unique_numbered_and_from_the_demo_source(demo: list[Activity]) -> None:
    ids = [a.id for a in demo]
    assert len(set(ids)) == len(ids)
    assert ids == [f"demo-{n:03d}" for n in range(1, len(ids) + 1)]
    assert 35 <= len(demo) <= 45
    assert {a.source for a in demo} == {"demo"}


def test_every_category_is_used_at_least_three_times(demo: list[Activity]) -> None:
    used = Counter(c for a in demo for c in a.categories)
    assert set(used) <= set(CATEGORIES)
    assert {c: used[c] for c in CATEGORIES if used[c] < 3} == {}
    assert any(len(a.categories) > 1 for a in demo)
    assert all(a.categories for a in demo)


def test_texts_have_finnish_and_only_known_languages(demo: list[Activity]) -> None:
    for a in demo:
        assert a.title.get("fi", "").strip(), a.id
        assert a.description.get("fi", "").strip(), a.id
        for text in (a.title, a.description, a.accessibility, a.price):
            assert set(text) <= set(LANGUAGES), a.id
            assert all(value.strip() for value in text.values()), a.id


def test_most_are_trilingual_and_some_exercise_the_fallback(demo: list[Activity]) -> None:
    full = [a for a in demo if set(a.title) == set(LANGUAGES) == set(a.description)]
    partial = [a for a in demo if set(a.title) != set(LANGUAGES)]
    assert len(full) >= 25
    assert any(set(a.title) == {"fi"} for a in partial)
    assert any(set(a.title) == {"fi", "en"} for a in partial)


def test_links_contacts_and_prices(demo: list[Activity]) -> None:
    for a in demo:
        assert a.url.startswith("https://example.fi/"), a.id
        assert a.organiser and a.place and a.address, a.id
        assert re.fullmatch(r"0\d\d 000 \d{4}|[a-z.-]+@example\.fi", a.contact), a.id
        assert a.free == (not a.price), a.id
        assert a.languages and all(re.fullmatch(r"[a-z]{2}", lang) for lang in a.languages)
        assert "fi" in a.languages, a.id
    assert sum(a.free is True for a in demo) > len(demo) / 2
    assert any(a.free is False for a in demo)
    assert sum(bool(a.accessibility) for a in demo) > len(demo) / 2


def test_schedule_data_is_valid(demo: list[Activity], today: date) -> None:
    for a in demo:
        assert a.weekly or a.occurrences, a.id
        for rule in a.weekly:
            assert 0 <= rule.weekday <= 6
            assert rule.end is None or rule.end > rule.start, a.id
            assert rule.interval >= 1
            if rule.interval > 1:
                assert rule.anchor is not None and rule.anchor.weekday() == rule.weekday, a.id
        for occ in a.occurrences:
            assert occ.end is None or occ.end > occ.start, a.id
        if a.valid_from and a.valid_until:
            assert a.valid_from <= a.valid_until, a.id
        if a.valid_until:
            assert a.valid_until > today, a.id
        for skipped in a.exceptions:
            assert skipped.weekday() in {r.weekday for r in a.weekly}, a.id


@pytest.mark.parametrize("today", TODAYS)
def test_at_least_five_activities_on_each_day_of_the_coming_week(today: date) -> None:
    demo = demo_activities(today)
    for n in range(7):
        day = today + timedelta(days=n)
        on = [a.id for a in demo if happens_on(a, day)]
        assert len(on) >= 5, (day, on)


@pytest.mark.parametrize("today", TODAYS)
def test_one_off_events_are_upcoming_within_six_weeks(today: date) -> None:
    demo = demo_activities(today)
    one_off = [a for a in demo if a.occurrences]
    assert len(one_off) >= 5
    starts = [o.start.date() for a in one_off for o in a.occurrences]
    assert all(today < d <= today + timedelta(weeks=6) for d in starts)
    # Spread out, not bunched into one week.
    assert max(starts) - min(starts) >= timedelta(weeks=3)


def test_mix_of_rhythms(demo: list[Activity]) -> None:
    intervals = {r.interval for a in demo for r in a.weekly}
    assert 1 in intervals and 2 in intervals
    assert any(len({r.weekday for r in a.weekly}) > 1 for a in demo)
    assert any(a.valid_until for a in demo)
    assert any(a.valid_from for a in demo)
    assert sum(len({r.weekday for r in a.weekly}) == 7 for a in demo) >= 5


def test_exceptions_cancel_a_weekly_date(demo: list[Activity]) -> None:
    with_exceptions = [a for a in demo if a.exceptions]
    assert with_exceptions
    for a in with_exceptions:
        assert not any(happens_on(a, d) for d in a.exceptions)


def test_pure_and_round_trips_through_json(today: date) -> None:
    first, second = demo_activities(today), demo_activities(today)
    assert first == second
    assert [Activity.from_json(a.to_json()) for a in first] == first


def test_the_shipped_file_imports_as_it_is() -> None:
    """Coordinators may import the example themselves: as written, it has no problems."""
    result = parse(
        DEMO_FILE.read_bytes(),
        name=DEMO_FILE.name,
        source="demo.csv",
        limits=Limits.from_settings(Settings()),
        today=date(2026, 11, 23),
    )
    assert result.ok, result.problems[:3]
    assert [a.id for a in result.activities] == [a.id for a in demo_activities(date.today())]
    assert not result.skipped


def monday_parity(day: date) -> int:
    monday = day - timedelta(days=day.weekday())
    return ((monday - date(2025, 1, 6)).days // 7) % 2


def test_every_other_week_keeps_its_weeks_whatever_today_is() -> None:
    """A fortnightly group meets on the same dates whether the kiosk started on a
    Monday or a Thursday, this year or the next."""
    seen: dict[tuple[str, int], set[int]] = {}
    for today in TODAYS:
        for a in demo_activities(today):
            for rule in a.weekly:
                if rule.interval == 2:
                    assert rule.anchor is not None
                    seen.setdefault((a.id, rule.weekday), set()).add(monday_parity(rule.anchor))
    assert len(seen) >= 5
    assert {key: parities for key, parities in seen.items() if len(parities) > 1} == {}


def test_moving_the_dates_keeps_weekdays_and_leaves_the_anchors() -> None:
    original = DEMO_FILE.read_bytes()
    moved = moved_dates(original, date(2027, 6, 9))
    assert moved != original
    before = parse(original, name="demo.csv", source="demo", limits=Limits(), today=date.today())
    after = parse(moved, name="demo.csv", source="demo", limits=Limits(), today=date.today())
    for a, b in zip(before.activities, after.activities, strict=True):
        assert [o.start.weekday() for o in a.occurrences] == [
            o.start.weekday() for o in b.occurrences
        ]
        assert [d.weekday() for d in a.exceptions] == [d.weekday() for d in b.exceptions]
        if a.valid_from and a.valid_from.year == 2025:
            assert b.valid_from == a.valid_from, a.id
