"""The Health screen: printer and paper, restock, test print, clock, upload, self-test packs."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.context import Services
from kiosk.staff import health
from tests.staff_support import sign_in


@dataclass
class FakeUploadState:
    last_upload: str | None
    waiting: int
    alarm: str | None
    enabled: bool


class FakeUpload:
    def __init__(self, state: FakeUploadState) -> None:
        self._state = state

    def state(self) -> FakeUploadState:
        return self._state


@dataclass
class FakePack:
    id: str
    language: str
    version: str
    status: str
    detail: str


class FakeSelftest:
    def __init__(self, packs: list[FakePack]) -> None:
        self.packs = packs

    def pack_report(self) -> list[FakePack]:
        return self.packs


class BrokenPart:
    def state(self) -> None:
        raise RuntimeError("upload database is busy")

    def pack_report(self) -> None:
        raise RuntimeError("pack folder missing")


@pytest.fixture
def staff(app: Flask, client: FlaskClient) -> tuple[FlaskClient, str]:
    client.get("/lang/en")
    return client, sign_in(app, client)


def page(client: FlaskClient, path: str = "/staff/health") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_health_shows_printer_paper_version_and_catalogue(
    staff: tuple[FlaskClient, str], services: Services
) -> None:
    client, _ = staff
    html = page(client)
    assert "Printer" in html and "<meter" in html
    assert 'value="100"' in html  # a fresh roll
    assert "Demo catalogue" in html
    assert "Free disk space" in html and " GB" in html
    assert "Upload is switched off." in html  # no hub address in the settings
    assert "esis-fi-2019" in html and "Official form" in html


def test_paper_restocked_resets_the_gauge_and_is_logged(
    staff: tuple[FlaskClient, str], services: Services
) -> None:
    client, token = staff
    half = services.settings.printer.roll_length_m * 1000 / 2
    with services.store.write() as db:
        db.execute("INSERT INTO meta (key, value) VALUES ('paper_used_mm', ?)", [str(half)])
    assert 'value="50"' in page(client)
    response = client.post("/staff/paper-restocked", data={"csrf_token": token})
    assert response.status_code == 302
    html = page(client, response.headers["Location"])
    assert 'value="100"' in html
    assert "Paper restocked:" in html
    assert any(e.message == "paper restocked" for e in services.events.recent())


def test_test_print_is_queued_and_followed(
    staff: tuple[FlaskClient, str], services: Services
) -> None:
    client, token = staff
    response = client.post("/staff/test-print", data={"csrf_token": token})
    assert response.status_code == 302
    job_id = response.headers["Location"].split("job=")[1]
    html = page(client, response.headers["Location"])
    assert f"/staff/print/{job_id}.json" in html
    state = None
    for _ in range(100):
        state = client.get(f"/staff/print/{job_id}.json").get_json()["state"]
        if state in ("done", "failed"):
            break
        time.sleep(0.05)
    assert state == "done"
    assert any("test slip requested" in e.message for e in services.events.recent())
    assert client.get("/staff/print/nope.json").status_code == 404
    assert "Last good print" in page(client)


def test_upload_state_from_the_upload_part(
    staff: tuple[FlaskClient, str], services: Services
) -> None:
    client, _ = staff
    services.extra["upload"] = FakeUpload(
        FakeUploadState("2026-11-20T02:00:00+00:00", 3, "No upload for 3 days", True)
    )
    html = page(client)
    assert "2026-11-20 04:00:00" in html  # shown in the kiosk's time zone
    assert "Waiting to be sent" in html and ">3<" in html
    assert "No upload for 3 days" in html
    services.extra["upload"] = FakeUpload(FakeUploadState(None, 0, None, False))
    assert "Upload is switched off." in page(client)
    services.extra["upload"] = BrokenPart()
    assert "The upload state cannot be read." in page(client)


def test_selftest_packs_say_clearly_which_are_not_official(
    staff: tuple[FlaskClient, str], services: Services
) -> None:
    client, _ = staff
    services.extra["selftest"] = FakeSelftest(
        [
            FakePack("esis", "fi", "1.0", "official", ""),
            FakePack("esis", "sv", "0.9", "not-official", "translation not approved"),
            FakePack("esis", "en", "1.0", "refused", "signature does not match"),
        ]
    )
    html = page(client)
    assert "Official form" in html
    assert "Not an official form" in html and "translation not approved" in html
    assert "Refused: not shown to visitors" in html and "signature does not match" in html
    services.extra["selftest"] = BrokenPart()
    assert "The self-test forms cannot be checked." in page(client)


def test_clock_synchronisation(tmp_path: Path) -> None:
    flag, systemd = tmp_path / "synchronized", tmp_path / "system"
    assert health.clock_synced(flag, systemd) is None
    systemd.mkdir()
    assert health.clock_synced(flag, systemd) is False
    flag.touch()
    assert health.clock_synced(flag, systemd) is True


def test_no_printer_is_explained(staff: tuple[FlaskClient, str], services: Services) -> None:
    client, token = staff
    queue = services.extra.pop("print_queue")
    try:
        assert "Printing is not set up on this kiosk." in page(client)
        assert client.post("/staff/test-print", data={"csrf_token": token}).status_code == 503
    finally:
        services.extra["print_queue"] = queue
