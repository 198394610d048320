from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hardware.emulator import PrinterEmulator
from hardware.printer import FakePrinter
from kiosk.context import Services
from kiosk.printing.queue import PrintQueue
from kiosk.printing.views import bp
from kiosk.printing.wiring import create_print_queue
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally
from tests.printing_support import CATALOG, WALK, wait_finished


class Catalog:
    def get(self, activity_id: str):  # type: ignore[no-untyped-def]
        return CATALOG.get(activity_id)


def make_services(settings: Settings) -> Services:
    store = Store(None)
    return Services(settings, store, Tally(store), EventLog(None), Catalog())


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = Flask(__name__)
    app.secret_key = "test"
    svc = make_services(Settings().replace(printer={"kind": "fake"}))
    create_print_queue(svc, tmp_path).start()
    app.extensions["kiosk"] = svc
    app.register_blueprint(bp)
    yield app
    svc.extra["print_queue"].stop()


def test_print_and_poll(app: Flask) -> None:
    client: FlaskClient = app.test_client()
    with client.session_transaction() as session:
        session["lang"] = "sv"
    response = client.post(f"/activities/{WALK.id}/print")
    assert response.status_code == 202
    job_id = response.get_json()["job"]
    q: PrintQueue = app.extensions["kiosk"].extra["print_queue"]
    assert wait_finished(q, job_id).state == "done"
    assert client.get(f"/print/{job_id}").get_json() == {"state": "done", "reason": None}
    printer = q.printer
    assert isinstance(printer, FakePrinter) and b"Avgiftsfri" in printer.jobs[0]


def test_failure_reason_is_reported(app: Flask) -> None:
    q: PrintQueue = app.extensions["kiosk"].extra["print_queue"]
    from hardware.printer import PrinterState

    q.printer.state = PrinterState.PAPER_OUT  # type: ignore[attr-defined]
    client = app.test_client()
    job_id = client.post(f"/activities/{WALK.id}/print").get_json()["job"]
    wait_finished(q, job_id)
    assert client.get(f"/print/{job_id}").get_json() == {"state": "failed", "reason": "paper_out"}


def test_unknown_activity_and_job_are_404_json(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/activities/nope/print")
    assert response.status_code == 404 and response.get_json() == {"error": "unknown activity"}
    assert client.get("/print/p999").status_code == 404
    assert client.get(f"/activities/{WALK.id}/print").status_code == 405


def test_emulator_kind_writes_slips_to_the_data_dir(tmp_path: Path) -> None:
    svc = make_services(Settings().replace(printer={"kind": "emulator", "status_timeout": 0.2}))
    q = create_print_queue(svc, tmp_path)
    q.start()
    try:
        assert wait_finished(q, q.submit(WALK.id, "fi")).state == "done"
        emu: PrinterEmulator = svc.extra["printer_emulator"]
        assert emu.wait_for_slips(1)
    finally:
        q.stop()
    (slip,) = (tmp_path / "slips").glob("*.txt")
    assert WALK.url in slip.read_text(encoding="utf-8")


def test_without_a_print_queue_the_answer_is_503() -> None:
    app = Flask(__name__)
    app.extensions["kiosk"] = make_services(Settings())
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.post(f"/activities/{WALK.id}/print").status_code == 503
    assert client.get("/print/p1").status_code == 503


def test_a_kiosk_without_a_printer_offers_no_print(tmp_path: Path) -> None:
    from kiosk.app import create_app

    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")}, printer={"kind": "none"}
    )
    app = create_app(settings)
    try:
        client = app.test_client()
        html = client.get("/activities/demo-001").get_data(as_text=True)
        assert "data-print-url" not in html and "Ota lappu tulostimesta" not in html
        assert '<p class="no-printer">Täällä ei ole tulostinta.' in html
        assert "print_queue" not in app.extensions["kiosk"].extra
        # Nothing to print with: the print route is not there to be counted.
        assert client.post("/activities/demo-001/print").status_code in (400, 404)
    finally:
        app.extensions["kiosk"].close()
