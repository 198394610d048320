"""The tally at its edges: a misspelt metric or a shrinking count refused and nothing
counted; the hub's minimum (5) the smallest window; a counter that stops at the
batch's maximum; keys no batch can carry, or one key too many, left out with a note
for the staff."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.shared.bands import MIN_K
from kiosk.shared.batch import max_count, max_keys
from kiosk.store.db import Store
from kiosk.tally import FULL, REFUSED, Tally, note

HEL = ZoneInfo("Europe/Helsinki")
NOON = datetime(2026, 11, 23, 12, tzinfo=HEL)
FORM = "esis-fi-2019"


def rows(store: Store) -> int:
    return int(store.db().execute("SELECT count(*) FROM counters").fetchone()[0])


def test_a_misspelt_metric_is_refused_and_counts_nothing() -> None:
    store = Store(None)
    with pytest.raises(ValueError, match=r"^unknown metric 'session_started'$"):
        Tally(store).count("session_started", now=NOON)
    assert rows(store) == 0


def test_a_count_never_shrinks() -> None:
    store = Store(None)
    with pytest.raises(ValueError, match=r"^a count only grows \(n = -1\)$"):
        Tally(store).count("sessions_started", n=-1, now=NOON)
    assert rows(store) == 0


def test_the_hubs_minimum_is_the_smallest_window() -> None:
    assert MIN_K == 5
    with pytest.raises(ValueError, match=r"^k must be at least 5$"):
        Tally(Store(None), k=MIN_K - 1)
    store = Store(None)
    tally = Tally(store, k=MIN_K)
    tomorrow = NOON + timedelta(days=1)
    for raw in (12, 45, 20, 40):
        tally.complete_test(FORM, raw, now=NOON)
    assert tally.seal_due(tomorrow) == 0  # four tests are not a window
    with store.write():
        assert tally.roll_window(FORM, NOON.date()) is None
    tally.complete_test(FORM, 30, now=NOON)
    assert tally.seal_due(tomorrow) == 1
    with store.write():
        window = tally.roll_window(FORM, NOON.date())
    assert window is not None
    assert (window.n, window.bands) == (5, (1, 1, 1, 2))
    assert (window.period_start, window.period_end) == ("2026-11-23", "2026-11-23")
    assert tally.pending_packs() == []
    assert tally.released_windows(FORM) == [window]


def test_a_test_after_midnight_joins_a_window_of_its_own_day() -> None:
    store = Store(None)
    tally = Tally(store, k=MIN_K)
    for hour in (8, 9, 10, 11, 12):
        tally.complete_test(FORM, 20, now=NOON.replace(hour=hour))
    # The first test of the next day seals the whole window of earlier days first.
    tally.complete_test(FORM, 20, now=datetime(2026, 11, 24, 0, 30, tzinfo=HEL))
    with store.write():
        window = tally.roll_window(FORM, date(2026, 11, 23))
    assert window is not None and window.n == 5 and window.bands == (0, 5, 0, 0)
    waiting = tally.waiting()
    assert [(w.period_start, w.n) for w in waiting] == [("2026-11-24", 1)]


def test_released_windows_are_by_form_and_in_date_order() -> None:
    store = Store(None)
    tally = Tally(store, k=MIN_K)
    for day, form in ((24, "b-form"), (23, "b-form"), (23, "a-form")):
        when = NOON.replace(day=day)
        for _ in range(MIN_K):
            tally.complete_test(form, 50, now=when)
        tally.seal_due(when + timedelta(days=1))
        with store.write():
            tally.roll_window(form, when.date())
    assert [w.period_start for w in tally.released_windows("b-form")] == [
        "2026-11-23",
        "2026-11-24",
    ]
    assert [w.pack for w in tally.released_windows()] == ["b-form", "a-form", "b-form"]
    assert all(w.bands == (0, 0, 0, MIN_K) for w in tally.released_windows())


def test_a_counter_stops_at_the_batch_maximum_and_says_so() -> None:
    store = Store(None)
    tally = Tally(store)
    assert note(store) is None
    tally.count("activity_views", "kahvila", n=max_count() - 1, now=NOON)
    assert note(store) is None  # one short of the maximum is not full
    tally.count("activity_views", "kahvila", n=5, now=NOON)
    assert tally.day(NOON.date())["activity_views"]["kahvila"] == max_count()
    assert note(store) == (NOON.date(), FULL, "activity_views kahvila")
    tally.count("staff_calls", n=max_count() + 7, now=NOON)
    assert tally.day(NOON.date())["staff_calls"][""] == max_count()
    assert note(store) == (NOON.date(), FULL, "staff_calls")


def test_a_key_no_batch_can_carry_is_left_out_with_a_note() -> None:
    store = Store(None)
    tally = Tally(store)
    tally.count("ui_language", "FI", now=NOON)
    assert rows(store) == 0
    found = note(store)
    assert found is not None
    assert found[:2] == (NOON.date(), REFUSED)
    assert found[2].startswith("ui_language key 'FI' does not match")


def test_one_key_too_many_in_a_day_is_left_out_but_known_keys_still_count() -> None:
    store = Store(None)
    tally = Tally(store)
    limit = max_keys("ui_language")
    for n in range(limit):
        tally.count("ui_language", f"l{n}", now=NOON)
    assert note(store) is None
    tally.count("ui_language", "one-more", now=NOON)
    assert note(store) == (
        NOON.date(),
        REFUSED,
        f"ui_language: more than {limit} different keys in a day",
    )
    tally.count("ui_language", "l0", now=NOON)
    counted = tally.day(NOON.date())["ui_language"]
    assert len(counted) == limit and counted["l0"] == 2 and "one-more" not in counted
    # The next day starts with room again.
    tally.count("ui_language", "one-more", now=NOON.replace(day=24))
    assert tally.day(date(2026, 11, 24))["ui_language"] == {"one-more": 1}


def test_abandoned_statements_are_counted_by_statement_and_reason() -> None:
    store = Store(None)
    tally = Tally(store)
    for item in range(1, 100):
        tally.count("abandoned", f"{item}:timeout", now=NOON)
    tally.count("abandoned", "7:exit", n=2, now=NOON)
    counted = tally.day(NOON.date())["abandoned"]
    assert len(counted) == 100 and counted["7:exit"] == 2 and counted["99:timeout"] == 1
    assert note(store) is None


def test_the_day_is_the_kiosks_local_date() -> None:
    tally = Tally(Store(None), timezone="Europe/Helsinki")
    assert tally.today(datetime(2026, 11, 23, 22, 30, tzinfo=UTC)) == date(2026, 11, 24)
    assert tally.today(datetime(2026, 11, 23, 21, 59, tzinfo=UTC)) == date(2026, 11, 23)


def test_a_refused_key_with_a_bar_in_it_is_noted_whole() -> None:
    store = Store(None)
    Tally(store).count("ui_language", "fi|sv|en", now=NOON)
    assert rows(store) == 0
    found = note(store)
    assert found is not None
    assert found[:2] == (NOON.date(), REFUSED)
    assert found[2].startswith("ui_language key 'fi|sv|en' does not match")


def test_a_count_of_nothing_is_no_error_and_changes_no_value() -> None:
    store = Store(None)
    tally = Tally(store)
    tally.count("activity_prints", "kahvila", n=2, now=NOON)
    tally.count("activity_prints", "kahvila", n=0, now=NOON)
    assert tally.day(NOON.date())["activity_prints"] == {"kahvila": 2}
    assert note(store) is None
