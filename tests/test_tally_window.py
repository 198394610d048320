"""The pending score window as staff see it: per form, over several days, across a
clean stop and a start, on disk and in memory at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.shared.bands import MIN_K, ScoreWindow
from kiosk.store.db import Store
from kiosk.tally import Tally

HEL = ZoneInfo("Europe/Helsinki")
MON = datetime(2026, 11, 23, 12, tzinfo=HEL)
TUE, WED = MON + timedelta(days=1), MON + timedelta(days=2)
FORM, OTHER = "esis-fi-2019", "esis-sv-2019"


def _held(store: Store) -> list[tuple[object, ...]]:
    sql = "SELECT pack, since, last, n, b0, b1, b2, b3 FROM score_held ORDER BY pack"
    return [tuple(r) for r in store.db().execute(sql).fetchall()]


def _on_disk(store: Store) -> list[tuple[object, ...]]:
    sql = "SELECT pack, since, last, n, b0, b1, b2, b3 FROM score_pending ORDER BY pack"
    return [tuple(r) for r in store.db().execute(sql).fetchall()]


def test_a_window_over_several_days_runs_from_its_first_to_its_newest_test() -> None:
    tally = Tally(Store(None))
    tally.complete_test(FORM, 45, now=TUE)
    tally.complete_test(FORM, 12, now=MON)  # the clock was put back: still the same window
    tally.complete_test(FORM, 33, now=WED)
    assert tally.pending(FORM) == ScoreWindow(FORM, "2026-11-23", "2026-11-25", 3, (1, 0, 1, 1))
    assert tally.pending(OTHER) is None
    # Asking twice changes nothing: the view is a copy.
    assert tally.pending(FORM) == tally.pending(FORM)


def test_only_a_whole_window_of_earlier_days_is_sealed_and_the_rest_waits_in_memory() -> None:
    store = Store(None)
    tally = Tally(store)
    for _ in range(MIN_K):
        tally.complete_test(OTHER, 20, now=MON)
    for _ in range(MIN_K - 1):
        tally.complete_test(FORM, 45, now=MON)
    assert tally.seal_due(TUE) == 1
    assert _on_disk(store) == [(OTHER, "2026-11-23", "2026-11-23", MIN_K, 0, MIN_K, 0, 0)]
    assert tally.seal_due(TUE) == 0  # nothing left that is whole
    assert [(w.pack, w.n, w.bands) for w in tally.waiting()] == [
        (FORM, MIN_K - 1, (0, 0, 0, MIN_K - 1)),
        (OTHER, MIN_K, (0, MIN_K, 0, 0)),
    ]


def test_a_sealed_window_still_waiting_for_its_day_grows_on_disk() -> None:
    store = Store(None)
    tally = Tally(store)
    for raw in (12, 20, 20, 33, 33):  # bands 0, 1, 1, 2, 2
        tally.complete_test(FORM, raw, now=MON)
    tally.seal_due(TUE)
    for raw in (33, 45, 45, 45, 45):  # bands 2, 3, 3, 3, 3
        tally.complete_test(FORM, raw, now=TUE)
    assert tally.seal_due(WED) == 1
    assert _on_disk(store) == [(FORM, "2026-11-23", "2026-11-24", 10, 1, 2, 3, 4)]
    tally.complete_test(FORM, 12, now=WED)  # in memory, joined to the one on disk for staff
    assert tally.pending(FORM) == ScoreWindow(FORM, "2026-11-23", "2026-11-25", 11, (2, 2, 3, 4))
    # Released only when its newest day has closed; what is in memory stays out of it.
    with store.write():
        assert tally.roll_window(FORM, MON.date()) is None
    with store.write():
        window = tally.roll_window(FORM, TUE.date())
    assert window == ScoreWindow(FORM, "2026-11-23", "2026-11-24", 10, (1, 2, 3, 4))
    assert tally.released_windows() == [window]
    assert tally.released_windows(FORM) == [window]
    assert tally.released_windows(OTHER) == []
    assert tally.pending(FORM) == ScoreWindow(FORM, "2026-11-25", "2026-11-25", 1, (1, 0, 0, 0))


def test_disk_and_memory_make_one_window_for_staff() -> None:
    store = Store(None)
    tally = Tally(store)
    for _ in range(MIN_K):
        tally.complete_test(FORM, 20, now=MON)
    tally.complete_test(FORM, 45, now=TUE)  # seals Monday first, then waits in memory
    tally.complete_test(OTHER, 33, now=TUE)  # in memory only
    assert tally.waiting() == [
        ScoreWindow(FORM, "2026-11-23", "2026-11-24", MIN_K + 1, (0, MIN_K, 0, 1)),
        ScoreWindow(OTHER, "2026-11-24", "2026-11-24", 1, (0, 0, 1, 0)),
    ]
    assert tally.waiting() == tally.waiting()
    assert tally.pending_packs() == [FORM]


def test_a_clean_stop_seals_what_is_whole_and_holds_the_rest(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.db")
    tally = Tally(store)
    for _ in range(MIN_K):  # days ago: whole, so it is sealed, not held
        tally.complete_test(OTHER, 20, now=MON)
    tally.complete_test(FORM, 45, now=MON)
    tally.complete_test(FORM, 12, now=TUE)
    tally.hold()
    assert _on_disk(store) == [(OTHER, "2026-11-23", "2026-11-23", MIN_K, 0, MIN_K, 0, 0)]
    assert _held(store) == [(FORM, "2026-11-23", "2026-11-24", 2, 1, 0, 0, 1)]
    assert [w.pack for w in tally.waiting()] == [OTHER]  # memory is empty after the stop
    tally.hold()  # a second stop adds nothing
    assert _held(store) == [(FORM, "2026-11-23", "2026-11-24", 2, 1, 0, 0, 1)]


def test_a_stop_with_nothing_in_memory_writes_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.db")
    Tally(store).hold()
    assert _held(store) == []
    assert _on_disk(store) == []


def test_a_start_joins_the_held_window_to_tests_already_taken(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.db")
    before = Tally(store)
    before.complete_test(FORM, 45, now=TUE)
    before.complete_test(FORM, 45, now=WED)
    before.complete_test(OTHER, 12, now=TUE)
    before.hold()
    store.close()

    again = Tally(Store(tmp_path / "kiosk.db"))
    again.complete_test(FORM, 12, now=MON)  # a test before the window was taken back
    again.resume()
    assert again.waiting() == [
        ScoreWindow(FORM, "2026-11-23", "2026-11-25", 3, (1, 0, 0, 2)),
        ScoreWindow(OTHER, "2026-11-24", "2026-11-24", 1, (1, 0, 0, 0)),
    ]
    assert _held(again.store) == []
    again.resume()  # a second start finds nothing more
    assert again.pending(FORM) == ScoreWindow(FORM, "2026-11-23", "2026-11-25", 3, (1, 0, 0, 2))


def test_the_time_a_test_is_taken_decides_what_is_sealed_before_it() -> None:
    # Years ahead of any machine's clock: only the test's own time can make Monday past.
    monday = MON.replace(year=2099, month=3, day=2)
    store = Store(None)
    tally = Tally(store)
    for _ in range(MIN_K):
        tally.complete_test(FORM, 20, now=monday)
    tally.complete_test(FORM, 45, now=monday + timedelta(days=1))
    assert _on_disk(store) == [(FORM, "2099-03-02", "2099-03-02", MIN_K, 0, MIN_K, 0, 0)]
