"""The dashboard per kiosk: version, last upload, alarms in words, and the downloads
each role may take (published figures for a viewer, raw counts for a coordinator)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub import report
from hub.db import Hub
from kiosk.shared import batch
from kiosk.shared.signature import sign
from tests.hub_support import sign_in
from tests.test_hub_views import DAY, Fleet


class PrintingFleet(Fleet):
    def send_day(self, kiosk_id: str, day: date, *, synced: bool = True, version: str = "0.1.0",
                 **counts: Any) -> None:  # fmt: skip
        self.seq[kiosk_id] = self.seq.get(kiosk_id, 0) + 1
        body = batch.canonical(
            batch.build(
                kiosk_id=kiosk_id,
                seq=self.seq[kiosk_id],
                created_at=self.clock(),
                timezone="Europe/Helsinki",
                app_version=version,
                clock_synced=synced,
                days=[
                    {"date": day.isoformat(), "sessions_started": 0, "tests_completed": 0, **counts}
                ],
                windows=[],
            )
        )
        answer = self.app.test_client().post(
            f"/v1/kiosks/{kiosk_id}/batches",
            data=body,
            headers={"Kiosk-Signature": f"ed25519={sign(self.kiosks[kiosk_id].key, body)}"},
        )
        assert answer.status_code == 201, answer.get_json()


@pytest.fixture
def fleet(hub_db: Hub, tmp_path: Path) -> Iterator[PrintingFleet]:
    made = PrintingFleet(hub_db, tmp_path)
    yield made
    made.close()


def alarms(fleet: Fleet) -> dict[str, list[str]]:
    return {r.kiosk_id: r.alerts for r in report.fleet(fleet.hub, fleet.clock())}


def test_paper_low_and_out_of_paper_are_alarms_until_a_day_prints_on_a_full_roll(
    fleet: PrintingFleet,
) -> None:
    for kid in ("k-000001", "k-000002", "k-000003"):
        fleet.add(kid, "Kylä")
    yesterday = DAY - timedelta(days=1)
    for kid in ("k-000001", "k-000002", "k-000003"):
        fleet.send_day(kid, yesterday, printer={"ok": 4})
    fleet.send_day("k-000001", DAY, printer={"ok": 5, "paper_low": 2})
    fleet.send_day("k-000002", DAY, printer={"paper_out": 3})
    fleet.send_day("k-000003", DAY, printer={"ok": 1})
    found = alarms(fleet)
    assert found["k-000001"] == ["paper low"]  # a low roll is not a printer fault
    assert found["k-000002"] == ["printer", "out of paper"]
    assert found["k-000003"] == []
    fleet.send_day("k-000001", DAY + timedelta(days=1), printer={"ok": 2})  # a new roll
    assert alarms(fleet)["k-000001"] == []

    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    page = viewer.get("/").get_data(as_text=True)
    assert "<li>out of paper</li>" in page and "<li>printer faults</li>" in page
    coordinator = sign_in(fleet.app, fleet.hub, "koordinaattori", "coordinator")
    page = coordinator.get("/").get_data(as_text=True)
    assert "<li>printer faults: 3 in 14 days</li>" in page  # the number for coordinators


def test_each_alarm_is_said_in_words_on_the_fleet_and_the_kiosk_page(
    fleet: PrintingFleet,
) -> None:
    fleet.add("k-000001", "Kylä")
    fleet.add("k-000002", "Kylä")
    fleet.send_day("k-000001", DAY - timedelta(days=3), synced=False, version="1.4.2")
    fleet.seq["k-000001"] += 2  # batches 2 and 3 never arrived
    fleet.send_day("k-000001", DAY, synced=False, version="1.4.2")
    fleet.clock.advance(days=3)
    client = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    page = client.get("/kiosks/k-000001").get_data(as_text=True)
    for words in ("1.4.2", "silent for 3 days", "2 batches missing", "clock not synchronised"):
        assert words in page, words
    assert "silent: nothing received yet" in client.get("/").get_data(as_text=True)
    quiet = client.get("/kiosks/k-000002").get_data(as_text=True)
    assert "silent: nothing received yet" in quiet and ">never<" in quiet


def read(answer: Any) -> list[dict[str, Any]]:
    assert answer.status_code == 200, answer.get_data(as_text=True)
    if answer.mimetype == "application/json":
        rows: list[dict[str, Any]] = answer.get_json()["rows"]
        return rows
    text = answer.data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_kiosk_page_downloads_its_own_days_as_each_role_may_see_them(
    fleet: PrintingFleet,
) -> None:
    for kid in ("k-000001", "k-000002", "k-000003"):
        fleet.add(kid, "Kylä")
    for kid, visits in (("k-000001", 3), ("k-000002", 40), ("k-000003", 12)):
        fleet.send_day(kid, DAY, sessions_started=visits)
    fleet.clock.advance(days=5)  # the day is published
    viewer = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    page = viewer.get("/kiosks/k-000001?days=30").get_data(as_text=True)
    start = (fleet.clock().date() - timedelta(days=29)).isoformat()
    csv_link = (
        f"/export.csv?by=kiosk&amp;from={start}&amp;to={fleet.clock().date()}&amp;unit=k-000001"
    )
    assert csv_link in page and csv_link.replace(".csv", ".json") in page
    for kind in ("csv", "json"):
        link = csv_link.replace("&amp;", "&").replace(".csv", f".{kind}")
        (row,) = read(viewer.get(link))
        assert row["kiosk"] == "k-000001" and row["sessions_started"] == "< 5"
        assert viewer.get(link + "&raw=1").status_code == 403
    coordinator = sign_in(fleet.app, fleet.hub, "koordinaattori", "coordinator")
    raw_page = coordinator.get("/kiosks/k-000001?days=30&raw=1").get_data(as_text=True)
    assert csv_link + "&amp;raw=1" in raw_page
    (row,) = read(coordinator.get(csv_link.replace("&amp;", "&").replace(".csv", ".json")
                                  + "&raw=1"))  # fmt: skip
    assert row["sessions_started"] == 3
    whole = json.loads(coordinator.get(f"/export.json?by=region&from={DAY}&to={DAY}").data)
    assert whole["counts"] == "published" and whole["rows"][0]["region"] == "Kylä"
    assert whole["rows"][0]["sessions_started"] == 55
    missing = coordinator.get(f"/export.json?by=kiosk&unit=k-999999&from={DAY}&to={DAY}")
    assert missing.status_code == 404


def test_a_refusal_is_said_in_words_with_the_hubs_answer_beside_it(fleet: PrintingFleet) -> None:
    from hub import refusals

    fleet.add("k-000001", "Kylä")
    refusals.record(fleet.hub, "k-000001", 401, "key-retired", "key a was retired at the hub",
                    4, fleet.clock())  # fmt: skip
    client = sign_in(fleet.app, fleet.hub, "katsoja", "viewer")
    for path in ("/", "/kiosks/k-000001"):
        page = client.get(path).get_data(as_text=True)
        assert "signed with a retired key: an old card is still in use" in page
        assert "HTTP 401: key a was retired at the hub" in page
