"""A kiosk that answers only itself: the Host header, and ``next`` values that are not paths."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import Settings
from tests.conftest import csrf_token
from tests.printing_support import wait_finished
from tests.serve_support import LiveKiosk
from tests.staff_support import sign_in


class Live(LiveKiosk):
    """The kiosk on a random loopback port, asked with raw Host headers."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self.port = self.server.server_port

    def ask(
        self,
        host: str | None,
        path: str = "/",
        method: str = "GET",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str, dict[str, str]]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.putrequest(method, path, skip_host=True)
            if host is not None:
                conn.putheader("Host", host)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            conn.putheader("Content-Length", "0")
            conn.endheaders()
            response = conn.getresponse()
            return response.status, response.read().decode(), dict(response.getheaders())
        finally:
            conn.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("host") / "data"
    settings = Settings().replace(
        kiosk={"data_dir": str(data)}, web={"allowed_hosts": ["kiosk.lan"]}
    )
    kiosk = Live(create_app(settings))
    yield kiosk
    kiosk.stop()


def test_its_own_names_on_its_own_port_are_answered(live: Live) -> None:
    for host in (
        f"127.0.0.1:{live.port}",
        f"localhost:{live.port}",
        f"LOCALHOST:{live.port}",
        f"[::1]:{live.port}",
        f"kiosk.lan:{live.port}",
    ):
        status, _, _ = live.ask(host, "/activities")
        assert status == 200, host


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1",  # port 80 is not the kiosk's
        "127.0.0.1:{other}",
        "127.0.0.1.:{port}",
        "evil@127.0.0.1:{port}",
        "127.0.0.1:{port}/x",
        "127.0.0.1:{port}:1",
        "127.0.0.1:99999",
        "",
    ],
)
def test_any_other_host_is_refused_before_anything_happens(live: Live, host: str) -> None:
    tally = live.app.extensions["kiosk"].tally
    visits = tally.day(tally.today()).get("sessions_started")
    value = host.format(port=live.port, other=live.port + 1)
    status, page, headers = live.ask(value, "/activities")
    assert status == 400
    assert "Laite vastaa vain omaan osoitteeseensa tehtyihin pyyntöihin." in page
    assert "csrf" not in page.lower() and "Set-Cookie" not in headers
    assert tally.day(tally.today()).get("sessions_started") == visits  # not a visit
    status, _, _ = live.ask(value, "/static/kiosk.css")
    assert status == 400


def test_a_rebound_page_cannot_print(live: Live) -> None:
    """DNS rebinding: a page of evil.example, now resolving to 127.0.0.1, reads the
    kiosk's page and posts a print with its token. The Host header gives it away."""
    services: Services = live.app.extensions["kiosk"]
    activity = next(iter(services.catalog.activities))  # type: ignore[attr-defined]
    status, page, _ = live.ask(f"evil.example:{live.port}", f"/activities/{activity.id}")
    assert status == 400 and "csrf-token" not in page
    # Even holding a real visit's cookie and token, a request naming evil.example fails.
    own = f"127.0.0.1:{live.port}"
    status, page, headers = live.ask(own, f"/activities/{activity.id}")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert status == 200 and token
    visit = {"Cookie": headers["Set-Cookie"].split(";")[0], "X-CSRFToken": token.group(1)}
    print_path = f"/activities/{activity.id}/print"
    status, _, _ = live.ask(f"evil.example:{live.port}", print_path, "POST", visit)
    assert status == 400
    status, body, _ = live.ask(own, print_path, "POST", visit)
    assert status == 202
    queue = services.extra["print_queue"]
    assert wait_finished(queue, json.loads(body)["job"]).state == "done"
    assert len(queue.printer.jobs) == 1  # the kiosk's own print, nothing else
    # (this module's only print: the live kiosk is shared by its tests)


# --- next: a path on the kiosk, and never an error of the kiosk's -------------------


@pytest.mark.parametrize(
    "bad", ["/\n", "/activities\r\nSet-Cookie: x=1", "/\x00", "/\t/evil", "\x7f"]
)
def test_a_control_character_in_next_is_a_bad_request(
    app: Flask, client: FlaskClient, services: Services, bad: str
) -> None:
    assert client.get("/lang/sv", query_string={"next": bad}).status_code == 400
    assert "ui_language" not in services.tally.day(services.tally.today())  # nothing changed
    token = csrf_token(client)
    answer = client.post("/toggle/large_text", data={"csrf_token": token, "next": bad})
    assert answer.status_code == 400
    assert "Tätä pyyntöä ei voi käyttää" in answer.get_data(as_text=True)
    assert client.get("/activities/demo-002", query_string={"back": bad}).status_code == 400
    sign_in(app, client)
    assert client.get("/staff/lang/en", query_string={"next": "/staff" + bad}).status_code == 400


@pytest.mark.parametrize(
    "outside", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\\/evil", "x"]
)
def test_next_outside_the_kiosk_goes_back_to_its_own_pages(
    app: Flask, client: FlaskClient, outside: str
) -> None:
    answer = client.get("/lang/sv", query_string={"next": outside})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    sign_in(app, client)
    answer = client.get("/staff/lang/en", query_string={"next": "/staff" + outside})
    if "\\" in outside:
        assert answer.headers["Location"] == "/staff/health"
