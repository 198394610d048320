"""The pending score window lives in memory: what a stop keeps and a power loss loses."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.store.db import Store
from kiosk.tally import Tally
from tests.sqlite_forensics import band_states, images, trail

HEL = ZoneInfo("Europe/Helsinki")
DAY = datetime(2026, 11, 23, 12, tzinfo=HEL)


def _three_tests(tally: Tally) -> None:
    for raw in (12, 33, 45):
        tally.complete_test("esis-fi-2019", raw, now=DAY)


def test_a_power_loss_loses_the_bands_in_memory_and_keeps_the_counts(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.db")
    _three_tests(Tally(store))
    # No hold(): the process died. The next start finds the counts, not the bands.
    after = Tally(Store(tmp_path / "kiosk.db"))
    after.resume()
    assert after.day(DAY.date())["tests_completed"] == {"": 3}
    assert after.waiting() == []


def test_a_clean_stop_keeps_the_window_and_the_next_start_erases_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "kiosk.db")
    tally = Tally(store)
    _three_tests(tally)
    assert store.db().execute("SELECT count(*) FROM score_pending").fetchone() == (0,)
    tally.hold()
    assert store.db().execute("SELECT n, b0, b1, b2, b3 FROM score_held").fetchall() == [
        (3, 1, 0, 1, 1)
    ]
    store.close()
    assert (
        not (tmp_path / "kiosk.db-wal").exists() or (tmp_path / "kiosk.db-wal").stat().st_size == 0
    )

    again = Tally(Store(tmp_path / "kiosk.db"))
    again.resume()
    (window,) = again.waiting()
    assert (window.n, window.bands, window.period_start) == (3, (1, 0, 1, 1), "2026-11-23")
    assert again.store.db().execute("SELECT count(*) FROM score_held").fetchone() == (0,)
    # Two more tests make it whole; it reaches the disk only after its day.
    for raw in (20, 22):
        again.complete_test("esis-fi-2019", raw, now=DAY)
    assert again.seal_due(DAY) == 0
    assert again.seal_due(DAY + timedelta(days=1)) == 1
    row = again.store.db().execute("SELECT n, b0, b1, b2, b3 FROM score_pending").fetchall()
    assert row == [(5, 1, 2, 1, 1)]


def test_a_whole_window_is_sealed_before_a_new_days_test_joins(tmp_path: Path) -> None:
    tally = Tally(Store(tmp_path / "kiosk.db"))
    for _ in range(5):
        tally.complete_test("esis-fi-2019", 45, now=DAY)
    tally.complete_test("esis-fi-2019", 12, now=DAY + timedelta(days=1))
    on_disk = tally.store.db().execute("SELECT since, last, n, b3 FROM score_pending").fetchall()
    assert on_disk == [("2026-11-23", "2026-11-23", 5, 5)]
    assert [(w.n, w.bands) for w in tally.waiting()] == [(6, (1, 0, 0, 5))]


def test_an_older_database_keeps_no_old_window_versions(tmp_path: Path) -> None:
    """A file written by an earlier release (a band row at every test) is scrubbed."""
    path = tmp_path / "kiosk.db"
    store = Store(path)
    store.close()
    # Left as a killed kiosk of that release left it: the WAL never checkpointed.
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("PRAGMA secure_delete=OFF")
    db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_scrub_old_pages'")
    db.execute("INSERT INTO score_pending VALUES ('esis-fi-2019', '2026-11-23', 0, 0, 0, 0, 0, '')")
    for band in (2, 0, 3, 1):  # as the earlier release wrote it, test by test
        db.execute(f"UPDATE score_pending SET n = n + 1, b{band} = b{band} + 1")
        db.execute("INSERT INTO counters (date, metric, key, value) VALUES (?, 'x', '', 1)",
                   [f"2026-11-{band + 1:02}"])  # fmt: skip
    db.execute("DELETE FROM score_pending")
    before: set[tuple[int, int, int, int, int]] = set()
    for image in images(tmp_path):
        before |= band_states(image, "esis-fi-2019")
    assert trail(before, 5)  # the old versions are there to find

    Store(path).close()  # the first start of this release
    after: set[tuple[int, int, int, int, int]] = set()
    for image in images(tmp_path):
        after |= band_states(image, "esis-fi-2019")
    db.close()
    assert after == set()
