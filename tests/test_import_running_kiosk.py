"""`kiosk import` next to a running kiosk: the screens pick the new catalogue up."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kiosk import cli
from kiosk.catalog.store import Catalog

DATA = Path(__file__).parent / "data"


def test_cli_import_replaces_demo_on_the_running_kiosk(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    client = app.test_client()
    assert "Kirjaston aulan" in client.get("/activities").get_data(as_text=True)
    data_dir = app.config["DATA_DIR"]
    monkeypatch.setenv("KIOSK_KIOSK_DATA_DIR", data_dir)
    assert cli.main(["import", str(DATA / "kohtaamispaikka-bom.csv")]) == 0
    assert "added" in capsys.readouterr().out.lower()
    catalog = app.extensions["kiosk"].catalog
    assert isinstance(catalog, Catalog)
    catalog._checked = 0.0  # as if the few seconds between checks had passed
    html = client.get("/activities").get_data(as_text=True)
    assert "Olohuone" in html and "Kirjaston aulan" not in html
    assert catalog.source != "demo"


def test_cli_import_with_errors_changes_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_KIOSK_DATA_DIR", app.config["DATA_DIR"])
    assert cli.main(["import", str(DATA / "toiminta-virhe.csv")]) == 1
    err = capsys.readouterr()
    assert "row" in (err.out + err.err)
    catalog = app.extensions["kiosk"].catalog
    assert isinstance(catalog, Catalog)
    catalog._checked = 0.0
    assert catalog.maybe_reload() is False
    assert catalog.source == "demo"
