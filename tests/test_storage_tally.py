from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.shared.bands import band_of
from kiosk.store.db import Store
from kiosk.tally import Tally

HEL = ZoneInfo("Europe/Helsinki")


def test_file_database_uses_wal_and_full_sync(tmp_path: Path) -> None:
    store = Store(tmp_path / "k.db")
    db = store.db()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert "counters" in db.table_names()


def test_concurrent_counts_are_not_lost(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: many threads incrementing at once lose nothing."""
    store = Store(tmp_path / "k.db")
    tally = Tally(store)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                tally.count("activity_views", "demo-001")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert tally.day(tally.today())["activity_views"]["demo-001"] == 300


def test_count_uses_local_date_across_midnight() -> None:
    tally = Tally(Store(None))
    before = datetime(2026, 11, 23, 23, 59, tzinfo=HEL)
    after = datetime(2026, 11, 24, 0, 1, tzinfo=HEL)
    tally.count("sessions_started", now=before)
    tally.count("sessions_started", now=after)
    assert tally.day(before.date())["sessions_started"][""] == 1
    assert tally.day(after.date())["sessions_started"][""] == 1


def test_rows_are_per_day_not_per_visit() -> None:
    store = Store(None)
    tally = Tally(store)
    for _ in range(25):
        tally.count("sessions_started")
    assert store.db().execute("SELECT count(*) FROM counters").fetchone()[0] == 1


@pytest.mark.parametrize(
    "raw, band", [(10, 0), (19, 0), (20, 1), (29, 1), (30, 2), (39, 2), (40, 3), (50, 3)]
)
def test_bands_keep_the_official_cutoff(raw: int, band: int) -> None:
    assert band_of(raw) == band


def test_score_window_released_only_at_k() -> None:
    store = Store(None)
    tally = Tally(store, k=5)
    day = datetime(2026, 11, 23, 12, tzinfo=HEL)
    next_day = day + timedelta(days=1)
    for raw in (12, 25, 33, 45):
        tally.complete_test("esis-fi-2019", raw, now=day)
    assert tally.seal_due(next_day) == 0  # 4 < k: stays in memory
    with store.write():
        assert tally.roll_window("esis-fi-2019", day.date()) is None
    tally.complete_test("esis-fi-2019", 41, now=day)
    assert tally.seal_due(day) == 0  # whole, but today is still open
    assert tally.seal_due(next_day) == 1
    with store.write():
        window = tally.roll_window("esis-fi-2019", day.date())
    assert window is not None and window.n == 5 and window.bands == (1, 1, 1, 2)
    assert tally.day(day.date())["tests_completed"][""] == 5


def test_k_cannot_go_below_the_shared_minimum() -> None:
    with pytest.raises(ValueError):
        Tally(Store(None), k=2)
