"""200 visits, then a forensic replay of every file in the data directory.

Visits view activities, print slips and take the self-test over four days, with a
stop and a start in the middle. Then every page of the database, every frame of
its WAL, a journal and every other file are carved for the score window records
(tests/sqlite_forensics.py) and for written times. Two recovered versions of a
window that differ by fewer than k tests would give the order of the bands; a
time finer than a day written while visitors were there would date them.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import Settings
from kiosk.shared.bands import MIN_K
from kiosk.store.db import Store
from kiosk.tally import Tally
from tests.selftest_support import answer
from tests.serve_support import free_port, get, run_kiosk, wait_up
from tests.sqlite_forensics import (
    band_states,
    fine_times,
    images,
    overlaps,
    trail,
    wal_frames,
)

PACK = "esis-fi-2019"
VISITS, DAYS = 200, 4
HEL = ZoneInfo("Europe/Helsinki")


class Calendar:
    """The kiosk's day, moved on by the test (the visits' own clock stays real)."""

    def __init__(self) -> None:
        self.day = date(2026, 11, 23)


@pytest.fixture
def calendar(monkeypatch: pytest.MonkeyPatch) -> Calendar:
    cal = Calendar()
    monkeypatch.setattr(Tally, "today", lambda _self, _now=None: cal.day)
    return cal


def start(data_dir: Path) -> Flask:
    settings = Settings().replace(kiosk={"data_dir": str(data_dir)})
    app = create_app(settings)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return app


def visit(client: FlaskClient, rng: random.Random, activity: str, number: int) -> None:
    client.get("/")
    client.get("/activities")
    client.get(f"/activities/{activity}")
    if number % 3 == 0:
        job = client.post(f"/activities/{activity}/print").get_json()["job"]
        for _ in range(200):
            if client.get(f"/print/{job}").get_json().get("state") in ("done", "failed"):
                break
            time.sleep(0.02)
    if number % 10 == 9:  # some leave the test midway
        client.get(f"/selftest/{PACK}")
        client.post("/reset", data={"reason": "timeout", "selftest_item": "3"})
        return
    answer(client, [rng.randint(1, 5) for _ in range(10)])
    client.post("/reset", data={"reason": "done"})


def run_visits(data_dir: Path, calendar: Calendar, pulled: Path) -> list[tuple[datetime, datetime]]:
    """Four days of visits with a stop and start after the second; their time spans.

    At the end of each day the data directory is copied to ``pulled`` as it is at
    that moment, as if the power was cut or the card pulled from the running kiosk.
    """
    rng = random.Random(4)
    spans: list[tuple[datetime, datetime]] = []
    app = start(data_dir)
    for day in range(DAYS):
        if day == 2:  # a clean stop and a new start: the window is held, then taken back
            app.extensions["kiosk"].close()
            app = start(data_dir)
        svc: Services = app.extensions["kiosk"]
        activity = svc.store.db().execute("SELECT id FROM activities LIMIT 1").fetchone()[0]
        client = app.test_client()
        time.sleep(1.1)  # keeps the start's own times out of the visits' span
        began = datetime.now(UTC)
        for number in range(VISITS // DAYS):
            visit(client, rng, activity, number)
        spans.append((began, datetime.now(UTC)))
        shutil.copytree(data_dir, pulled / f"day-{day + 1}")
        time.sleep(1.1)
        calendar.day += timedelta(days=1)
        svc.tally.seal_due()  # what the app's sealer does within a minute of midnight
    app.extensions["kiosk"].close()
    return spans


def test_the_carver_finds_a_trail_the_old_way_left(tmp_path: Path) -> None:
    """The detector works: a window written at every test is replayed from the WAL."""
    db = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE score_pending (pack TEXT PRIMARY KEY, since TEXT, n INT, "
               "b0 INT, b1 INT, b2 INT, b3 INT, last TEXT)")  # fmt: skip
    db.execute("INSERT INTO score_pending VALUES (?, '2026-11-23', 0, 0, 0, 0, 0, '')", [PACK])
    for band in (2, 0, 3, 3, 1, 2):
        db.execute(f"UPDATE score_pending SET n = n + 1, b{band} = b{band} + 1")
    states: set[tuple[int, int, int, int, int]] = set()
    for image in wal_frames("old.db-wal", (tmp_path / "old.db-wal").read_bytes()):
        states |= band_states(image, PACK)
    assert (1, 0, 0, 1, 0) in states and (2, 1, 0, 1, 0) in states
    assert trail(states, MIN_K)
    stamp = b'{"last_good_print": "2026-11-23T14:03:22+00:00"}'
    (moment, _precision), *_ = fine_times(stamp, HEL)
    assert moment == datetime(2026, 11, 23, 14, 3, 22, tzinfo=UTC)
    db.close()


def test_two_hundred_visits_leave_no_order_of_bands_and_no_time_of_a_visit(
    tmp_path: Path, calendar: Calendar
) -> None:
    data_dir, pulled = tmp_path / "data", tmp_path / "pulled"
    spans = run_visits(data_dir, calendar, pulled)

    everything = [*images(data_dir), *images(pulled)]
    assert any("-wal frame" in i.where for i in everything)
    assert any("frame" in i.where or "page" in i.where for i in everything)
    states: set[tuple[int, int, int, int, int]] = set()
    for image in everything:
        states |= band_states(image, PACK)
    steps = trail(states, MIN_K)
    assert not steps, f"versions of a score window differing by < k tests: {steps[:5]}"

    dated: list[str] = []
    for image in everything:
        for written in fine_times(image.data, HEL):
            if any(overlaps(written, a, b) for a, b in spans):
                dated.append(f"{image.where}: {written[0].isoformat()}")
    assert not dated, dated[:10]

    # What is kept: the counts, a whole window per finished day sealed on disk, and
    # the last day's window held for the next start; nothing of it was lost.
    store = Store(data_dir / "kiosk.db")
    tally = Tally(store)
    tally.resume()
    completed = sum(tally.day(calendar.day - timedelta(days=d)).get("tests_completed", {})
                    .get("", 0) for d in range(1, DAYS + 1))  # fmt: skip
    assert completed == VISITS - VISITS // 10
    (window,) = tally.waiting()
    assert window.n == completed and sum(window.bands) == completed
    last_print = store.db().execute("SELECT value FROM meta WHERE key = 'last_good_print'")
    assert date.fromisoformat(last_print.fetchone()[0])  # a day, nothing finer
    store.close()


def _wal(data_dir: Path) -> Path:
    return data_dir / "kiosk.db-wal"


def test_a_clean_close_leaves_no_wal_with_content(tmp_path: Path, calendar: Calendar) -> None:
    data_dir = tmp_path / "data"
    app = start(data_dir)
    client = app.test_client()
    answer(client, [3] * 10)
    client.get("/activities")
    assert _wal(data_dir).stat().st_size > 0  # the counts went through the WAL
    app.extensions["kiosk"].close()
    assert not _wal(data_dir).exists() or _wal(data_dir).stat().st_size == 0


def test_sigterm_stops_the_kiosk_and_empties_the_wal(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    data_dir = tmp_path / "data"
    env["KIOSK_KIOSK_DATA_DIR"] = str(data_dir)
    proc = run_kiosk(["serve", "--port", str(port)], env)
    try:
        wait_up(port, proc)
        for path in ("/", "/activities", "/selftest"):
            assert get(port, path)[0] == 200
        assert _wal(data_dir).stat().st_size > 0
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not _wal(data_dir).exists() or _wal(data_dir).stat().st_size == 0
    log = (data_dir / "log" / "events.jsonl").read_text(encoding="utf-8")
    assert '"kind": "stop"' in log
