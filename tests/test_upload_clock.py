"""Clocks that go wrong: behind by two days, three days ahead and back, unsynchronised
for a week. In every case no day closes before it has ended by a synchronised clock,
nothing counted is dropped or sent twice, and at the end the hub's totals are the kiosk's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub.db import Hub
from kiosk.upload import outbox
from tests.hub_support import FakeClock, FakeKiosk, LiveHub
from tests.upload_support import FIRST, at, hub_days, hub_total, kiosk_total, night


def day(d: int) -> datetime:
    return FIRST + timedelta(days=d)


def iso(d: int) -> str:
    return day(d).date().isoformat()


def live_day(
    kiosk: FakeKiosk,
    live: LiveHub,
    hub_clock: FakeClock,
    d: int,
    *,
    off: timedelta = timedelta(0),
    night_off: timedelta | None = None,
    synced: bool = True,
) -> tuple[int, str]:
    """Day ``d`` with the kiosk's clock ``off``: a few visits, then its nightly upload."""
    kiosk.count_day(at(day(d), 11, offset=off), visits=10 + d, prints=1)
    kiosk.count_day(at(day(d), 16, offset=off), visits=5)
    real = at(day(d + 1), 2, 30)
    hub_clock.now = real.astimezone(UTC)
    return night(kiosk, live.url, real + (off if night_off is None else night_off), synced=synced)


def assert_all_arrived(hub: Hub, kiosk: FakeKiosk, days: int) -> None:
    assert hub_days(hub, "k-000001") == [iso(d) for d in range(days)]
    for metric in ("sessions_started", "activity_prints"):
        assert hub_total(hub, "k-000001", metric) == kiosk_total(kiosk, metric), metric
    assert outbox.waiting(kiosk.store) == []


def test_a_clock_two_days_behind_sends_its_counts_as_corrections(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub
) -> None:
    kiosk, live, hub_clock = uploading
    for d in range(5):
        assert live_day(kiosk, live, hub_clock, d)[0] == 0
    behind = -timedelta(days=2)
    for d in (5, 6):  # counts go under days 3 and 4, already sent
        code, said = live_day(kiosk, live, hub_clock, d, off=behind)
        assert code == 0, said
        assert "2 days behind the hub's" in said
    for d in (7, 8):
        assert live_day(kiosk, live, hub_clock, d)[0] == 0
    assert_all_arrived(hub_db, kiosk, 9)
    corrected = hub_db.query("SELECT DISTINCT date FROM ops_correction ORDER BY date")
    assert corrected == [(iso(3),), (iso(4),)]
    # Days 5 and 6 saw visits filed under 3 and 4; they were sent as days of their own.
    assert hub_db.query("SELECT count(*) FROM upload_refusal") == [(0,)]


def test_a_clock_three_days_ahead_and_back_closes_no_day_early(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub
) -> None:
    kiosk, live, hub_clock = uploading
    for d in range(3):
        assert live_day(kiosk, live, hub_clock, d)[0] == 0
    ahead = timedelta(days=3)
    code, said = live_day(kiosk, live, hub_clock, 3, off=ahead)  # counted under day 6
    assert code == 0 and "3 days ahead of the hub's" in said
    # Closed by the hub's clock: day 3, not today nor the two days after.
    assert hub_days(hub_db, "k-000001")[-1] == iso(3)
    for d in range(4, 8):
        assert live_day(kiosk, live, hub_clock, d)[0] == 0
    assert_all_arrived(hub_db, kiosk, 8)
    assert hub_db.query("SELECT count(*) FROM upload_refusal") == [(0,)]


def test_days_closed_far_ahead_while_the_hub_was_away_are_taken_back(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub
) -> None:
    kiosk, live, hub_clock = uploading
    for d in range(3):
        assert live_day(kiosk, live, hub_clock, d)[0] == 0
    live.down = True  # nobody to ask: the kiosk's own (synchronised, but wrong) clock decides
    code, said = live_day(kiosk, live, hub_clock, 3, off=timedelta(days=5))
    assert code == 2 and "could not be reached" in said
    closed = outbox.closed_through(kiosk.store)
    assert closed is not None and closed.isoformat() == iso(8)  # today and four days to come
    live.down = False
    code, said = live_day(kiosk, live, hub_clock, 4)  # the clock is right again
    assert code == 0, said
    assert "took back" in said
    # The hub refused the days to come; they were reopened and closed again by its clock.
    assert hub_days(hub_db, "k-000001")[-1] == iso(4)
    assert hub_db.query("SELECT code FROM upload_refusal") == [("future",)]
    for d in range(5, 9):  # day 3's visits were filed under day 8: it closes after day 8
        assert live_day(kiosk, live, hub_clock, d)[0] == 0
    assert_all_arrived(hub_db, kiosk, 9)


def test_a_week_without_time_sync_keeps_days_open_and_loses_nothing(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub
) -> None:
    kiosk, live, hub_clock = uploading
    assert live_day(kiosk, live, hub_clock, 0)[0] == 0
    live.down = True  # no network: no time server, no hub
    for d in range(1, 8):
        code, said = live_day(kiosk, live, hub_clock, d, synced=False)
        assert code == 2
        assert "days stay open: the clock has not been synchronised" in said
        assert "could not be reached" in said
    assert outbox.closed_through(kiosk.store) == day(0).date()
    live.down = False
    code, said = live_day(kiosk, live, hub_clock, 8, synced=False)  # the hub vouches for it
    assert code == 0, said
    assert_all_arrived(hub_db, kiosk, 9)


def test_an_unsynchronised_clock_says_why_nothing_was_sent(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.upload.commands import upload

    kiosk, _live, _clock = uploading
    kiosk.count_day(at(day(0), 12), visits=3)
    code = upload(kiosk.settings, kiosk.store, kiosk.events, send=False,
                  now=at(day(1), 2, 30), synced=False)  # fmt: skip
    said = capsys.readouterr().out
    assert code == 4
    assert "days stay open: the clock has not been synchronised since boot" in said
    assert outbox.waiting(kiosk.store) == []
