"""Places a Linked Events feed names only by reference, looked up from a local https
server that plays the API (its event list and its place endpoint).

The import runs as on the kiosk: in the bounded import process, which verifies the
server's certificate and fetches each place once; what it could not look up is a
warning that says how to fix the feed address.
"""

from __future__ import annotations

import re
import ssl
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk.catalog.import_cli import import_source
from kiosk.catalog.importers import Limits
from kiosk.catalog.places import fetch_places
from kiosk.catalog.store import Catalog
from kiosk.context import Services
from kiosk.printing.slips import Line, layout_slip
from kiosk.settings import Settings
from tests.hostile_paths import self_signed

FEEDS = Path(__file__).parent / "data" / "feeds"
EVENTS = "/linkedevents/v1/event/"
PLACES = {
    "/linkedevents/v1/place/tprek:8310/": "place-tprek-8310.json",
    "/linkedevents/v1/place/tprek:7254/": "place-tprek-7254.json",
    "/linkedevents/v1/place/helsinki:internet/": "place-internet.json",
}


@dataclass
class Api:
    """What the server answers, and which paths were asked for how often."""

    base: str = ""
    place_status: int = 200
    asked: Counter[str] = field(default_factory=Counter)
    events_host: str = ""  # the host the events' place references name ("" = this one)

    def answer(self, path: str) -> tuple[int, bytes]:
        self.asked[path] += 1
        if path == EVENTS:
            text = (FEEDS / "helsinki-events.json").read_text(encoding="utf-8")
            return 200, text.replace("https://api.hel.fi", self.events_host or self.base).encode()
        if path in PLACES and self.place_status == 200:
            text = (FEEDS / PLACES[path]).read_text(encoding="utf-8")
            return 200, text.replace("https://api.hel.fi", self.base).encode()
        return (self.place_status if path in PLACES else 404), b'{"detail": "error"}'


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    cert, key = self_signed(tmp_path)
    # The import process verifies the server's certificate against this file only.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    state = Api()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = state.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.base = f"https://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")}, catalog={"allow_url_import": True}
    )


def imported(services: Services, api: Api, **catalog: object) -> tuple[list[str], Catalog]:
    """Import the feed through the import process; the warnings, and the catalogue."""
    settings = services.settings.replace(catalog={"allow_url_import": True, **catalog})
    p = import_source(api.base + EVENTS, settings, services.store, services.events)
    assert p.applied, [str(e) for e in p.errors]
    assert isinstance(services.catalog, Catalog)
    services.catalog.reload()
    services.clock = lambda: datetime(2026, 10, 1, 9)
    return [str(w) for w in p.warnings], services.catalog


def where(client: FlaskClient, activity_id: str) -> str:
    client.get("/lang/fi")
    html = client.get(f"/activities/{activity_id}").get_data(as_text=True)
    found = re.search(r"<span>Missä</span></dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert found is not None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def printed(catalog: Catalog, activity_id: str) -> str:
    activity = catalog.get(activity_id)
    assert activity is not None
    ops = layout_slip(
        activity, lang="fi", width_mm=80, meeting_point_name="Akseli", today=datetime(2026, 10, 1)
    )
    return " ".join(op.text for op in ops if isinstance(op, Line))


def test_references_are_looked_up_once_each(
    api: Api, services: Services, client: FlaskClient
) -> None:
    warnings, catalog = imported(services, api)
    assert warnings == []
    assert where(client, "helsinki:agq4x7bxmi") == (
        "Keskustakirjasto Oodi Töölönlahdenkatu 4, Helsinki"
    )
    assert "Paikka: Keskustakirjasto Oodi, Töölönlahdenkatu 4, Helsinki" in printed(
        catalog, "helsinki:agq4x7bxmi"
    )
    # The note beside a place that was looked up.
    assert where(client, "helsinki:agq4x7c2ga") == (
        "Kontulan palvelukeskus Kontulantie 8, Helsinki Kokoontuminen pääovella"
    )
    # Three events name tprek:8310 (one postponed, one cancelled): it is asked for once.
    assert api.asked["/linkedevents/v1/place/tprek:8310/"] == 1
    assert sum(api.asked[p] for p in PLACES) == 3


def test_a_place_endpoint_that_fails_is_a_warning_not_a_failed_import(
    api: Api, services: Services, client: FlaskClient
) -> None:
    api.place_status = 503
    warnings, catalog = imported(services, api)
    assert warnings[0].startswith(
        f"{api.base}{EVENTS}: 3 of 3 places named by reference could not be looked up (first: "
    )
    assert "HTTP Error 503" in warnings[0] and "include=location" in warnings[0]
    assert any("4 activities name their place only by reference" in w for w in warnings)
    assert len(catalog.activities) == 4
    assert where(client, "helsinki:agq4x7bxmi") == (
        "Paikkaa ei ole kerrottu tässä. Katso verkkosivu (QR-koodi) tai kysy henkilökunnalta."
    )
    assert "Paikka: katso verkkosivu tai kysy henkilökunnalta" in printed(
        catalog, "helsinki:agq4x7bxmi"
    )
    logged = [e.message for e in services.events.recent() if e.level == "warning"]
    assert any("could not be looked up" in m for m in logged)


def test_no_more_lookups_than_the_setting_allows(api: Api, services: Services) -> None:
    warnings, _ = imported(services, api, max_place_lookups=1)
    assert sum(api.asked[p] for p in PLACES) == 1
    assert (
        "places not looked up: 2, more than 1 places ([catalog] max_place_lookups)" in (warnings[0])
    )


def test_references_to_another_server_are_not_followed(api: Api, services: Services) -> None:
    api.events_host = "https://elsewhere.example"
    warnings, _ = imported(services, api)
    assert sum(api.asked[p] for p in PLACES) == 0
    assert warnings[0].startswith(
        f"{api.base}{EVENTS}: 3 places are on another server and were not looked up"
    )


def test_lookups_stop_when_their_time_is_up() -> None:
    """The lookups share one deadline; each fetch may wait only for what is left of it."""
    limits = Limits(place_lookup_seconds=30)
    moments = iter([0.0, 0.0, 25.0, 31.0])
    waits: list[float] = []

    def fetch(url: str, timeout: float, max_bytes: int) -> bytes:
        waits.append(timeout)
        return b'{"name": {"fi": "Paikka"}}'

    refs = [f"https://api.example/place/{n}/" for n in range(3)]
    places, warnings = fetch_places(
        refs,
        "https://api.example/event/",
        limits,
        20.0,
        fetch,
        clock=lambda: next(moments),
    )
    assert list(places) == refs[:2] and waits == [20.0, 5.0]
    assert "places not looked up: 1, 30 s ([catalog] place_lookup_seconds) ran out" in str(
        warnings[0]
    )
