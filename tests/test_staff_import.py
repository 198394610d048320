"""Import from a USB stick on the staff screen: list, dry-run preview, apply on confirm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.catalog.store import Catalog
from kiosk.context import Services
from kiosk.settings import Settings
from tests.staff_support import sign_in

DATA = Path(__file__).parent / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Sticks are looked for under [catalog] media_roots: here, a folder of the test."""
    return Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")},
        catalog={"media_roots": [str(tmp_path / "media"), str(tmp_path / "run-media")]},
    )


@pytest.fixture
def stick(app: Flask, tmp_path: Path) -> Path:
    stick = tmp_path / "media" / "kiosk" / "USB"
    stick.mkdir(parents=True)
    shutil.copy(DATA / "kohtaamispaikka-bom.csv", stick / "toiminta.csv")
    shutil.copy(DATA / "toiminta-virhe.csv", stick / "virhe.csv")
    (stick / "kuva.jpg").write_bytes(b"\xff\xd8")
    return stick


@pytest.fixture
def staff(app: Flask, client: FlaskClient) -> tuple[FlaskClient, str]:
    token = sign_in(app, client)
    client.get("/staff/lang/en")
    return client, token


def test_lists_importable_files_on_the_stick(staff: tuple[FlaskClient, str], stick: Path) -> None:
    client, _ = staff
    html = client.get("/staff/import").get_data(as_text=True)
    assert "toiminta.csv" in html and "virhe.csv" in html
    assert "kuva.jpg" not in html


def test_no_stick(app: Flask, staff: tuple[FlaskClient, str], tmp_path: Path) -> None:
    client, _ = staff
    html = client.get("/staff/import").get_data(as_text=True)
    assert "No catalogue files were found on USB sticks." in html


def test_sticks_are_found_where_the_settings_say(
    staff: tuple[FlaskClient, str], tmp_path: Path
) -> None:
    client, _ = staff
    elsewhere = tmp_path / "run-media" / "kiosk" / "TIKKU"
    elsewhere.mkdir(parents=True)
    shutil.copy(DATA / "kohtaamispaikka-bom.csv", elsewhere / "syksy.csv")
    (tmp_path / "not-a-root").mkdir()
    shutil.copy(DATA / "kohtaamispaikka-bom.csv", tmp_path / "not-a-root" / "muu.csv")
    html = client.get("/staff/import").get_data(as_text=True)
    assert "syksy.csv" in html and "muu.csv" not in html


def test_preview_changes_nothing_then_apply_imports_and_logs(
    staff: tuple[FlaskClient, str], stick: Path, services: Services
) -> None:
    client, token = staff
    catalog = services.catalog
    assert isinstance(catalog, Catalog)
    before = [a.id for a in catalog.activities]
    path = str(stick / "toiminta.csv")
    response = client.post("/staff/import/preview", data={"csrf_token": token, "path": path})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing has been changed yet." in html
    assert "Import now" in html
    assert [a.id for a in catalog.activities] == before
    response = client.post("/staff/import/apply", data={"csrf_token": token, "path": path})
    assert "The catalogue was imported." in response.get_data(as_text=True)
    assert catalog.source != "demo"
    assert [a.id for a in catalog.activities] != before
    assert any(e.kind == "import" and "toiminta.csv" in e.message for e in services.events.recent())


def test_a_file_with_errors_shows_them_and_cannot_be_applied(
    staff: tuple[FlaskClient, str], stick: Path, services: Services
) -> None:
    client, token = staff
    path = str(stick / "virhe.csv")
    html = client.post("/staff/import/preview", data={"csrf_token": token, "path": path}).get_data(
        as_text=True
    )
    assert "The file has errors. Nothing was changed." in html
    assert "row 3" in html
    assert "Import now" not in html
    client.post("/staff/import/apply", data={"csrf_token": token, "path": path})
    assert services.catalog.get("demo-001") is not None


def test_only_listed_files_can_be_read(
    staff: tuple[FlaskClient, str], stick: Path, tmp_path: Path
) -> None:
    client, token = staff
    outside = tmp_path / "secret.csv"
    shutil.copy(DATA / "kohtaamispaikka-bom.csv", outside)
    for path in (str(outside), "/etc/passwd", str(stick / ".." / "USB" / "toiminta.csv")):
        response = client.post("/staff/import/apply", data={"csrf_token": token, "path": path})
        assert response.status_code == 404
        assert "no longer on a USB stick" in response.get_data(as_text=True)
