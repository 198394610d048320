"""The hub: what it refuses and why, enrollment, the dashboard, the export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hub.app import HubConfig, create_app
from hub.cli import main as hub_main
from hub.db import Hub
from hub.enroll import EnrollError, read
from hub.export import export_csv
from hub.users import add_user
from kiosk.shared import batch
from kiosk.shared.signature import sign
from tests.hub_support import FakeClock, FakeKiosk, enroll_kiosks, make_kiosk

TODAY = datetime.now(UTC).date()


@pytest.fixture
def app(hub_db: Hub, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(HubConfig(tmp_path / "hub-data"), db=hub_db)
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def kiosk(tmp_path: Path, hub_db: Hub) -> Iterator[FakeKiosk]:
    made = make_kiosk(tmp_path)
    enroll_kiosks(hub_db, made)
    yield made
    made.close()


def a_batch(seq: int = 1, day: date | None = None, **changes: Any) -> dict[str, Any]:
    body = batch.build(
        kiosk_id="k-000001", seq=seq, created_at=datetime.now(UTC), timezone="Europe/Helsinki",
        app_version="0.1.0", clock_synced=True,
        days=[{"date": (day or TODAY - timedelta(days=seq)).isoformat(), "sessions_started": 4,
               "tests_completed": 0, "printer": {"ok": 2, "paper_out": 1}}],
        windows=[],
    )  # fmt: skip
    body.update(changes)
    return body


def post(client: FlaskClient, kiosk: FakeKiosk, body: Any, *, raw: bytes | None = None,
         to: str = "k-000001") -> tuple[int, str]:  # fmt: skip
    data = raw if raw is not None else json.dumps(body, sort_keys=True).encode()
    response = client.post(
        f"/v1/kiosks/{to}/batches", data=data,
        headers={"Kiosk-Signature": f"ed25519={sign(kiosk.key, data)}"},
    )  # fmt: skip
    return response.status_code, response.get_json()["reason"]


def test_a_batch_is_stored_once_and_a_different_body_is_a_conflict(
    app: Flask, kiosk: FakeKiosk, hub_db: Hub
) -> None:
    client = app.test_client()
    body = a_batch()  # once: a_batch() made a second later has another created_at
    assert post(client, kiosk, body)[0] == 201
    assert post(client, kiosk, body) == (200, "batch 1 already stored")
    status, reason = post(client, kiosk, a_batch(kiosk_id="k-000001", noise={"mechanism": "none"},
                                                 ops=[]))  # fmt: skip
    assert status == 409 and "another body" in reason
    assert hub_db.query("SELECT sum(value) FROM ops_daily WHERE metric = 'sessions_started'") == [
        (4,)
    ]


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"extra": 1}, 400, "Additional properties"),
        ({"kiosk_id": "k-000002"}, 400, "sent as k-000001"),
        (
            {
                "score_windows": [
                    {
                        "form": "esis-fi-2019",
                        "period_start": "2026-11-01",
                        "period_end": "2026-11-02",
                        "n": 6,
                        "band": [1, 1, 1, 1],
                    }
                ]
            },
            400,
            "do not sum",
        ),
        (
            {
                "score_windows": [
                    {
                        "form": "esis-fi-2019",
                        "period_start": "2026-11-01",
                        "period_end": "2026-11-02",
                        "n": 4,
                        "band": [1, 1, 1, 1],
                    }
                ]
            },
            400,
            "under k",
        ),
        (
            {
                "ops": [
                    {
                        "date": (TODAY + timedelta(days=5)).isoformat(),
                        "sessions_started": 1,
                        "tests_completed": 0,
                    }
                ]
            },
            400,
            "future",
        ),
    ],
)
def test_refusals_say_why_and_store_nothing(
    app: Flask, kiosk: FakeKiosk, hub_db: Hub, change: dict[str, Any], status: int, words: str
) -> None:
    got = post(app.test_client(), kiosk, a_batch(**change))
    assert got[0] == status and words in got[1]
    assert hub_db.query("SELECT count(*) FROM batch") == [(0,)]


def test_windows_never_overlap_and_days_are_never_reported_twice(
    app: Flask, kiosk: FakeKiosk
) -> None:
    client = app.test_client()
    window = {"form": "esis-fi-2019", "period_start": "2026-11-01", "period_end": "2026-11-05",
              "n": 5, "band": [1, 1, 2, 1]}  # fmt: skip
    assert post(client, kiosk, a_batch(1, score_windows=[window]))[0] == 201
    overlapping = {**window, "period_start": "2026-11-05", "period_end": "2026-11-06"}
    status, reason = post(client, kiosk, a_batch(2, score_windows=[overlapping]))
    assert status == 409 and "overlaps" in reason
    status, reason = post(client, kiosk, a_batch(3, day=TODAY - timedelta(days=1)))
    assert status == 409 and "already reported" in reason


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[]", b"null", b"\xff\xfe", json.dumps({"schema": 1}).encode()]
)
def test_malformed_bodies_get_a_4xx_never_a_500(app: Flask, kiosk: FakeKiosk, raw: bytes) -> None:
    status, reason = post(app.test_client(), kiosk, None, raw=raw)
    assert 400 <= status < 500 and reason


def test_bad_signatures_and_unknown_kiosks(app: Flask, kiosk: FakeKiosk) -> None:
    client = app.test_client()
    data = json.dumps(a_batch()).encode()
    for header in ("", "ed25519=", "ed25519=AAAA", "rsa=" + sign(kiosk.key, data)):
        response = client.post("/v1/kiosks/k-000001/batches", data=data,
                               headers={"Kiosk-Signature": header})  # fmt: skip
        assert response.status_code == 401
    assert post(client, kiosk, a_batch(), to="k-999999")[0] == 403


def test_enrollment_file_is_checked_whole(tmp_path: Path) -> None:
    path = tmp_path / "enrollment.json"
    path.write_text(json.dumps({"kiosks": [
        {"kiosk_id": "k-1", "name": "A", "public_key": "not base64!"},
        {"kiosk_id": "k-000002", "name": "", "public_key": "AAAA"},
    ]}))  # fmt: skip
    with pytest.raises(EnrollError) as caught:
        read(path)
    text = str(caught.value)
    assert "kiosk 1: kiosk_id 'k-1'" in text and "kiosk 1: public_key is not base64" in text
    assert "kiosk 2: missing name" in text and "32-byte" in text


def test_enroll_command_reads_what_provisioning_writes(tmp_path: Path) -> None:
    from provisioning.kiosks_csv import read as read_kiosks
    from provisioning.render import enrollment_entry, enrollment_json, new_key

    rows = read_kiosks(Path("provisioning/kiosks.example.csv"))
    path = tmp_path / "enrollment.json"
    path.write_text(enrollment_json([enrollment_entry(k, new_key()) for k in rows]))
    assert hub_main(["--data-dir", str(tmp_path / "hub"), "enroll", str(path)]) == 0
    hub = Hub(path=tmp_path / "hub" / "hub.db")
    assert hub.query("SELECT count(*) FROM kiosk_key WHERE active = 1") == [(len(rows),)]
    hub.close()


def test_dashboard_needs_a_login_and_pools_score_bands(hub_db: Hub, tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 10, 3, 9, 0, tzinfo=UTC))
    app = create_app(HubConfig(tmp_path / "hub-data", clock=clock), db=hub_db)
    kiosks = [make_kiosk(tmp_path, f"k-00000{i}") for i in range(1, 4)]
    enroll_kiosks(hub_db, *kiosks)
    add_user(hub_db, "koordinaattori", "pitkä salasana 1", "coordinator")
    client = app.test_client()
    assert client.get("/").status_code == 302
    assert client.get("/regions/Etelä-Savo").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = False
    wrong = client.post("/login", data={"name": "koordinaattori", "password": "väärä"})
    assert wrong.status_code == 401
    client.post("/login", data={"name": "koordinaattori", "password": "pitkä salasana 1"})
    window = {"form": "esis-fi-2019", "period_start": "2026-10-01", "period_end": "2026-10-02",
              "n": 5, "band": [1, 1, 2, 1]}  # fmt: skip
    for i, k in enumerate(kiosks[:2]):
        body = a_batch(1, date(2026, 10, 2), kiosk_id=k.settings.kiosk.id, score_windows=[window])
        assert post(client, k, body, to=k.settings.kiosk.id)[0] == 201, i
    fleet = client.get("/").get_data(as_text=True)
    assert "k-000003" in fleet and "never" in fleet and "printer" in fleet
    assert "No month published yet" in client.get("/regions/Etelä-Savo").get_data(as_text=True)
    clock.advance(days=33)  # November 5th: October has settled
    region = client.get("/regions/Etelä-Savo").get_data(as_text=True)
    assert "not published" in region  # two kiosks' windows: under the three-kiosk limit
    one = client.get("/kiosks/k-000001").get_data(as_text=True)
    assert "<td>1</td><td>1</td><td>2</td><td>1</td>" not in one
    assert "never for one kiosk" in one
    with client.get("/static/chart.umd.js") as chart:
        assert chart.status_code == 200 and b"Chart" in chart.data
    for k in kiosks:
        k.close()


def test_export_is_utf8_with_bom_by_kiosk_region_and_fleet(
    app: Flask, kiosk: FakeKiosk, hub_db: Hub
) -> None:
    post(app.test_client(), kiosk, a_batch())
    start, end = TODAY - timedelta(days=3), TODAY
    for by, who in (("kiosk", "k-000001"), ("region", "Etelä-Savo"), ("fleet", "fleet")):
        data = export_csv(hub_db, start, end, by, raw=True)
        assert data.startswith("\ufeff".encode())
        lines = data.decode("utf-8-sig").splitlines()
        assert lines[0].startswith(f"date;{by};kiosks_reporting;sessions_started")
        assert lines[0].endswith(";printer_faults")
        assert lines[1].split(";")[1:4] == [who, "1", "4"]
        assert lines[1].split(";")[-1] == "1"  # one paper-out: a printer fault
