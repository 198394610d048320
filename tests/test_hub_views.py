"""What each role sees on the hub's pages and exports, and what subtraction can find there."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from hub.app import HubConfig, create_app
from hub.db import Hub
from hub.enroll import enroll
from kiosk.shared import batch
from kiosk.shared.bands import ScoreWindow
from kiosk.shared.signature import sign
from tests.hub_support import FakeClock, FakeKiosk, feasible, make_kiosk, sign_in

DAY = date(2026, 11, 1)


class Fleet:
    """Kiosks in regions sending to one hub whose clock the test moves."""

    def __init__(self, hub: Hub, tmp_path: Path) -> None:
        self.hub, self.tmp_path = hub, tmp_path
        self.clock = FakeClock(datetime(2026, 11, 2, 3, 0, tzinfo=UTC))
        self.app = create_app(HubConfig(tmp_path / "hub-data", clock=self.clock), db=hub)
        self.kiosks: dict[str, FakeKiosk] = {}
        self.seq: dict[str, int] = {}

    def add(self, kiosk_id: str, region: str, name: str = "") -> None:
        k = make_kiosk(self.tmp_path, kiosk_id)
        entry = k.enrollment(region)
        entry["name"] = name or entry["name"]
        enroll(self.hub, [entry])
        self.kiosks[kiosk_id] = k

    def send(
        self,
        kiosk_id: str,
        day: date = DAY,
        visits: int = 0,
        prints: int = 0,
        tests: int = 0,
        windows: list[ScoreWindow] | None = None,
        correction: bool = False,
    ) -> None:
        self.seq[kiosk_id] = self.seq.get(kiosk_id, 0) + 1
        days = [{"date": day.isoformat(), "sessions_started": visits, "tests_completed": tests,
                 "activity_prints": {"demo-002": prints} if prints else {}}]  # fmt: skip
        body = batch.canonical(
            batch.build(
                kiosk_id=kiosk_id,
                seq=self.seq[kiosk_id],
                created_at=self.clock(),
                timezone="Europe/Helsinki",
                app_version="0.1.0",
                clock_synced=True,
                days=[] if correction else days,
                windows=windows or [],
                corrections=days if correction else [],
            )
        )
        answer = self.app.test_client().post(
            f"/v1/kiosks/{kiosk_id}/batches",
            data=body,
            headers={"Kiosk-Signature": f"ed25519={sign(self.kiosks[kiosk_id].key, body)}"},
        )
        assert answer.status_code == 201, answer.get_json()

    def close(self) -> None:
        for k in self.kiosks.values():
            k.close()


@pytest.fixture
def fleet(hub_db: Hub, tmp_path: Path) -> Iterator[Fleet]:
    made = Fleet(hub_db, tmp_path)
    yield made
    made.close()


def page_series(client: FlaskClient, path: str) -> dict[str, Any]:
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="series">(.*?)</script>', html, re.S)
    assert found, html
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def rows(client: FlaskClient, by: str, **extra: str) -> list[dict[str, str]]:
    answer = client.get("/export.csv", query_string={"from": "2026-10-25", "to": "2026-11-05",
                                                     "by": by, **extra})  # fmt: skip
    assert answer.status_code == 200, answer.get_data(as_text=True)
    text = answer.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def window(n: int, bands: tuple[int, int, int, int], day: date = DAY) -> ScoreWindow:
    return ScoreWindow("esis-fi-2019", day.isoformat(), day.isoformat(), n, bands)


def test_a_kiosk_page_shows_no_score_bands_even_five_tests_in_one_band(fleet: Fleet) -> None:
    fleet.add("k-000001", "Pikkukylä", "Kyläkauppa, Pikkukylä")
    fleet.send("k-000001", visits=7, tests=5, windows=[window(5, (0, 0, 5, 0))])
    fleet.clock.advance(days=40)  # November has settled
    for role in ("coordinator", "viewer"):
        client = sign_in(fleet.app, fleet.hub, f"user-{role}", role)
        one = client.get("/kiosks/k-000001").get_data(as_text=True)
        assert "Kyläkauppa, Pikkukylä" in one
        assert 'class="bands"' not in one and "Score under 25" not in one
        assert bands_of(client, "/regions/Pikkukylä") == [
            ["esis-fi-2019", "2026-11", "1", "–", "not published"]
        ]
        assert bands_of(client, "/all")[0][3:] == ["–", "not published"]


def test_small_counts_are_under_five_unless_a_coordinator_asks(fleet: Fleet) -> None:
    fleet.add("k-000001", "Pikkukylä", "Kyläkauppa, Pikkukylä")
    fleet.send("k-000001", visits=1, prints=1)
    fleet.clock.advance(days=5)
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    data = page_series(viewer, "/kiosks/k-000001?days=30")
    at = data["days"].index(DAY.isoformat())
    assert data["visits"][at] is None and data["text"]["visits"][at] == "< 5"
    assert data["prints"][at] is None and data["text"]["prints"][at] == "< 5"
    assert [r["sessions_started"] for r in rows(viewer, "kiosk")] == ["< 5"]
    assert viewer.get("/kiosks/k-000001?raw=1").status_code == 403
    assert viewer.get("/export.csv?from=2026-11-01&to=2026-11-01&raw=1").status_code == 403
    fleet_page = viewer.get("/").get_data(as_text=True)
    assert "Printer faults" not in fleet_page
    coordinator = sign_in(fleet.app, fleet.hub, "koordinaattori", "coordinator")
    assert page_series(coordinator, "/kiosks/k-000001?days=30")["visits"][at] is None
    raw = page_series(coordinator, "/kiosks/k-000001?days=30&raw=1")
    assert raw["visits"][at] == 1 and raw["prints"][at] == 1
    assert [r["sessions_started"] for r in rows(coordinator, "kiosk", raw="1")] == ["1"]
    assert "Printer faults" in coordinator.get("/").get_data(as_text=True)


REGIONS = {"Kylä": [2, 10, 20], "Kaupunki": [30, 40], "Saari": [3], "Järvi": [0, 6]}


def test_no_export_or_page_can_be_subtracted_into_a_small_count(fleet: Fleet) -> None:
    region_of: dict[str, str] = {}
    for area, visits in REGIONS.items():
        for value in visits:
            kid = f"k-{len(region_of) + 1:06d}"
            fleet.add(kid, area)
            fleet.send(kid, visits=value, prints=value // 2)
            region_of[kid] = area
    fleet.clock.advance(days=5)
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    for metric in ("sessions_started", "activity_prints"):
        figures: dict[Any, tuple[str, int]] = {}
        for by in ("kiosk", "region", "fleet"):
            for row in rows(viewer, by):
                assert row["date"] == DAY.isoformat()
                text = row[metric]
                mark = {"< 5": "small", "..": "hidden"}.get(text, "shown")
                figures[row[by]] = (mark, int(text) if mark == "shown" else -1)
        relations = [("fleet", tuple(REGIONS))] + [
            (area, tuple(k for k, a in region_of.items() if a == area)) for area in REGIONS
        ]
        assert len(figures) == len(region_of) + len(REGIONS) + 1
        told = feasible(figures, relations)
        alone = feasible(figures, relations, numbers=False, cap=12)
        small = [key for key, (mark, _) in figures.items() if mark == "small"]
        assert small, figures
        for key in small:
            assert told[key] == alone[key], (metric, key, figures)
    # The pages agree with the export, cell for cell.
    by_region = {r["region"]: r["sessions_started"] for r in rows(viewer, "region")}
    for area in REGIONS:
        data = page_series(viewer, f"/regions/{area}?days=30")
        at = data["days"].index(DAY.isoformat())
        assert data["text"]["visits"][at] == by_region[area]


def test_published_counts_never_change_when_a_late_batch_arrives(fleet: Fleet) -> None:
    for i in range(1, 4):
        fleet.add(f"k-00000{i}", "Kylä")
    fleet.send("k-000001", visits=12)
    fleet.send("k-000002", visits=20)
    fleet.clock.advance(days=5)
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    before = rows(viewer, "region")
    fleet.send("k-000003", visits=3)  # a week late: after the day was published
    assert (
        rows(viewer, "region")
        == before
        == [{**before[0], "kiosks_reporting": "2", "sessions_started": "32"}]
    )
    coordinator = sign_in(fleet.app, fleet.hub, "koordinaattori", "coordinator")
    assert rows(coordinator, "region", raw="1")[0]["sessions_started"] == "35"


def test_unsettled_days_are_not_published(fleet: Fleet) -> None:
    fleet.add("k-000001", "Kylä")
    fleet.send("k-000001", visits=40)
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    assert rows(viewer, "kiosk") == []
    data = page_series(viewer, "/kiosks/k-000001?days=30")
    assert data["visits"][data["days"].index(DAY.isoformat())] is None
    fleet.clock.advance(days=3)
    assert [r["sessions_started"] for r in rows(viewer, "kiosk")] == ["40"]


def bands_of(client: FlaskClient, path: str) -> list[list[str]]:
    html = client.get(path).get_data(as_text=True)
    table = html.split('<table class="bands">')[1].split("</table>")[0]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in table.split("<tr>")[2:]]


def test_score_bands_are_pooled_spread_and_not_given_away_by_the_fleet(fleet: Fleet) -> None:
    spread = [(1, 1, 2, 1), (1, 1, 1, 2), (0, 2, 2, 1)]
    for i, bands in enumerate(spread, start=1):
        fleet.add(f"k-00000{i}", "Keskus")
        fleet.send(f"k-00000{i}", tests=5, windows=[window(5, bands)])
    fleet.add("k-000009", "Pikkukylä", "Kyläkauppa, Pikkukylä")
    fleet.send("k-000009", tests=5, windows=[window(5, (0, 0, 5, 0))])
    fleet.clock.advance(days=33)  # December 5th: November is published
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    whole = bands_of(viewer, "/all")
    assert whole == [["esis-fi-2019", "2026-11", "4", "20", "2", "4", "10", "4"]]
    # The fleet is published, so Keskus alone would give Pikkukylä away by subtraction.
    assert bands_of(viewer, "/regions/Keskus")[0][3:] == ["–", "not published"]
    assert bands_of(viewer, "/regions/Pikkukylä")[0][3:] == ["–", "not published"]


def test_concentrated_rows_are_not_published(fleet: Fleet) -> None:
    for i in range(1, 4):
        fleet.add(f"k-00000{i}", "Keskus")
        fleet.send(f"k-00000{i}", tests=5, windows=[window(5, (0, 0, 3, 2))])
    fleet.clock.advance(days=33)
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    for path in ("/all", "/regions/Keskus"):
        assert bands_of(viewer, path)[0][3:] == ["–", "not published"]


def test_bands_come_only_in_whole_settled_months(fleet: Fleet) -> None:
    for i in range(1, 4):
        fleet.add(f"k-00000{i}", "Keskus")
        fleet.send(f"k-00000{i}", tests=6, windows=[window(6, (1, 1, 2, 2))])
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    fleet.clock.now = datetime(2026, 12, 3, 23, 59, tzinfo=UTC)
    assert bands_of(viewer, "/all") == [["No month published yet."]]
    fleet.clock.now = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
    assert bands_of(viewer, "/all")[0][:4] == ["esis-fi-2019", "2026-11", "3", "18"]
    assert viewer.get("/all?days=7").get_data(as_text=True).count("2026-11</td>") == 1


def test_removed_users_are_signed_out(fleet: Fleet) -> None:
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    assert viewer.get("/").status_code == 200
    with fleet.hub.transaction() as tx:
        tx.execute("DELETE FROM hub_user WHERE name = 'katsoja'")
    assert viewer.get("/").status_code == 302


def test_a_new_user_is_a_viewer_and_an_old_one_keeps_their_role(fleet: Fleet) -> None:
    from hub.users import add_user, role_of

    assert add_user(fleet.hub, "uusi", "pitkä salasana 1") == "viewer"
    assert add_user(fleet.hub, "pomo", "pitkä salasana 1", "coordinator") == "coordinator"
    assert add_user(fleet.hub, "pomo", "uusi salasana 22") == "coordinator"
    assert role_of(fleet.hub, "pomo") == "coordinator"
    with pytest.raises(ValueError, match="role must be"):
        add_user(fleet.hub, "x", "pitkä salasana 1", "admin")


def test_moving_a_kiosk_to_another_region_is_shown_at_once(fleet: Fleet) -> None:
    for i, visits in enumerate((12, 20, 30), start=1):
        fleet.add(f"k-00000{i}", "Kylä")
        fleet.send(f"k-00000{i}", visits=visits)
    fleet.clock.advance(days=5)
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    assert [r["sessions_started"] for r in rows(viewer, "region")] == ["62"]
    assert rows(viewer, "region") == rows(viewer, "region")  # worked out once, kept
    entry = fleet.kiosks["k-000003"].enrollment("Kaupunki")
    enroll(fleet.hub, [entry])
    assert {r["region"]: r["sessions_started"] for r in rows(viewer, "region")} == {
        "Kaupunki": "30",
        "Kylä": "32",
    }


def test_a_correction_counts_where_it_arrived_in_time_and_never_revises_a_published_day(
    fleet: Fleet,
) -> None:
    fleet.add("k-000001", "Kylä")
    fleet.send("k-000001", visits=12)
    fleet.send("k-000001", visits=2, correction=True)  # counted under the day after it was sent
    fleet.clock.advance(days=5)  # the day is published, with both
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    published = page_series(viewer, "/kiosks/k-000001?days=7")
    assert published["visits"][published["days"].index(DAY.isoformat())] == 14
    fleet.send("k-000001", visits=5, correction=True)  # after publication: raw counts only
    again = page_series(viewer, "/kiosks/k-000001?days=7")
    assert again["visits"] == published["visits"]
    coordinator = sign_in(fleet.app, fleet.hub, "koordinaattori", "coordinator")
    raw = page_series(coordinator, "/kiosks/k-000001?days=7&raw=1")
    assert raw["visits"][raw["days"].index(DAY.isoformat())] == 19
    assert [r["sessions_started"] for r in rows(coordinator, "kiosk", raw="1")] == ["19"]


def test_a_day_not_sent_yet_is_missing_in_the_chart_not_zero(fleet: Fleet) -> None:
    fleet.add("k-000001", "Kylä")
    fleet.send("k-000001", visits=9)  # yesterday's; today's is still on the kiosk
    coordinator = sign_in(fleet.app, fleet.hub, "koordinaattori", "coordinator")
    raw = page_series(coordinator, "/kiosks/k-000001?days=7&raw=1")
    assert raw["days"][-1] == fleet.clock().date().isoformat()
    assert raw["visits"][-2:] == [9, None] and raw["text"]["visits"][-1] == "not received"
    for path in ("/regions/Kylä?days=7&raw=1", "/all?days=7&raw=1"):
        assert page_series(coordinator, path)["visits"][-1] is None


def test_the_fleet_table_shows_each_kiosks_version_and_last_upload(fleet: Fleet) -> None:
    fleet.add("k-000001", "Kylä")
    fleet.send("k-000001", visits=3)
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    page = viewer.get("/").get_data(as_text=True)
    assert "App version" in page and "<td>0.1.0" in page
    assert "Last upload (UTC)" in page and fleet.clock().isoformat(timespec="seconds") in page
