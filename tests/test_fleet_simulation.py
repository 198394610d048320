"""A fleet through a month: three kiosks, 30 days, a broken card replaced on day 10, a new
version on a new card on day 20, the hub away for five days, and a clock that jumps back.

At the end the hub has every day of every kiosk exactly once, its totals equal what the
kiosks counted, and the dashboard marks no kiosk as needing attention. Time is passed in
(the kiosks' clocks and the hub's), never taken from the system.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub import report
from hub.app import HubConfig, create_app
from hub.db import Hub
from hub.enroll import enroll, retire
from kiosk.upload import outbox
from tests.hub_support import FakeClock, FakeKiosk, LiveHub, make_kiosk, sign_in
from tests.upload_support import at, hub_days, hub_total, night

FIRST = datetime(2026, 11, 1)  # day 0, local (Helsinki)
DAYS = 30
BROKEN_CARD = 10  # kiosk 2's card breaks in the night before this day; a new one goes in
NEW_VERSION = 20  # kiosk 1 gets a new version on a new card in the morning of this day
HUB_AWAY = range(13, 18)  # the nights after these days the hub is down
CLOCK_BACK = 24  # kiosk 3's clock is two days behind during this day and its night
REGIONS = {"k-000001": "Keskus", "k-000002": "Keskus", "k-000003": "Kylä"}
METRICS = ("sessions_started", "activity_prints", "tests_completed", "staff_calls")


@pytest.fixture
def fleet_hub(hub_db: Hub, tmp_path: Path) -> Iterator[tuple[LiveHub, FakeClock]]:
    clock = FakeClock(at(FIRST, 8).astimezone(UTC))
    live = LiveHub(create_app(HubConfig(tmp_path / "hub-data", clock=clock), db=hub_db))
    yield live, clock
    live.stop()


def card(tmp_path: Path, kiosk_id: str, name: str, url: str) -> FakeKiosk:
    return make_kiosk(tmp_path, kiosk_id, url, card=name, key_id=name)


def enrollment(kiosk: FakeKiosk) -> dict[str, str]:
    return kiosk.enrollment(REGIONS[kiosk.settings.kiosk.id])


def test_fleet_simulation(
    fleet_hub: tuple[LiveHub, FakeClock],
    hub_db: Hub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    live, hub_clock = fleet_hub
    kiosks = {kid: card(tmp_path, kid, "card-1", live.url) for kid in REGIONS}
    enroll(hub_db, [enrollment(k) for k in kiosks.values()])
    version = {kid: "1.0.0" for kid in REGIONS}
    counted: dict[str, Counter[str]] = {kid: Counter() for kid in REGIONS}
    retired_cards: list[FakeKiosk] = []

    for d in range(DAYS):
        day = FIRST + timedelta(days=d)
        if d == BROKEN_CARD:  # kiosk 2: a new card and key; the broken one is gone
            retired_cards.append(kiosks["k-000002"])
            kiosks["k-000002"] = card(tmp_path, "k-000002", "card-2", live.url)
            assert enroll(hub_db, [enrollment(kiosks["k-000002"])], replace=True)
        if d == NEW_VERSION:  # kiosk 1: the new version's image on a new card
            retired_cards.append(kiosks["k-000001"])
            kiosks["k-000001"] = card(tmp_path, "k-000001", "v2", live.url)
            version["k-000001"] = "2.0.0"
            lines = enroll(hub_db, [enrollment(kiosks["k-000001"])])
            assert "still accepted: card-1" in lines[0]
        for i, (kid, kiosk) in enumerate(sorted(kiosks.items())):
            behind = timedelta(days=2) if kid == "k-000003" and d == CLOCK_BACK else timedelta(0)
            noon = at(day, 12, offset=-behind)
            visits, prints, tests = 20 + (d * 7 + i * 3) % 17, 5 + d % 4, 1 + (d + i) % 3
            kiosk.count_day(noon, visits=visits, prints=prints, tests=tests)
            kiosk.tally.count("staff_calls", n=1 + i, now=noon)
            for metric, n in zip(METRICS, (visits, prints, tests, 1 + i), strict=True):
                counted[kid][metric] += n
        # The night: every kiosk uploads at 02:30 by its own clock, the hub at its own time.
        live.down = d in HUB_AWAY
        for kid, kiosk in sorted(kiosks.items()):
            behind = timedelta(days=2) if kid == "k-000003" and d == CLOCK_BACK else timedelta(0)
            real = at(day + timedelta(days=1), 2, 30)
            hub_clock.now = real.astimezone(UTC)
            monkeypatch.setattr(outbox, "__version__", version[kid])
            code, said = night(kiosk, live.url, real - behind)
            expected = 2 if live.down else 0
            assert code == expected, f"day {d}, {kid}: {said}"
        if d == NEW_VERSION:
            assert hub_db.query(
                "SELECT count(*) FROM batch WHERE kiosk_id = 'k-000001' AND key_id = 'v2'"
            ) == [(1,)]  # the new card numbered on after the old one, without a refusal
            # Its first batch is in: the coordinator retires the old card's key.
            with hub_db.transaction() as tx:
                assert retire(tx, "k-000001", key_id="card-1", now=hub_clock.now.isoformat())

    # Every day of every kiosk exactly once, and the hub's totals are the kiosks'.
    every_day = [(FIRST + timedelta(days=d)).date().isoformat() for d in range(DAYS)]
    for kid in REGIONS:
        assert hub_days(hub_db, kid) == every_day, kid
        for metric in METRICS:
            assert hub_total(hub_db, kid, metric) == counted[kid][metric], (kid, metric)
    # The day kiosk 3's clock was behind: its counts went to the day it showed, sent as a
    # correction; nothing was dropped or doubled.
    corrected = hub_db.query("SELECT DISTINCT date FROM ops_correction WHERE kiosk_id = 'k-000003'")
    assert corrected == [((FIRST + timedelta(days=CLOCK_BACK - 2)).date().isoformat(),)]
    assert hub_db.query("SELECT count(*) FROM upload_refusal") == [(0,)]

    # The dashboard a coordinator opens the next morning: nothing needs attention.
    hub_clock.now = at(FIRST + timedelta(days=DAYS), 9).astimezone(UTC)
    rows = report.fleet(hub_db, hub_clock.now)
    assert {r.kiosk_id: r.alerts for r in rows} == {kid: [] for kid in REGIONS}
    assert {r.kiosk_id: r.app_version for r in rows}["k-000001"] == "2.0.0"
    assert all(r.keys == 1 and r.missing == 0 for r in rows)
    client = sign_in(live.app, hub_db)
    page = client.get("/").get_data(as_text=True)
    assert 'class="alert"' not in page and "2.0.0" in page
    for kiosk in [*kiosks.values(), *retired_cards]:
        kiosk.close()
