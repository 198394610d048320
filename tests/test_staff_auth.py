"""No staff page answers without the PIN; the way in, the lock-out and the way out."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.context import Services
from kiosk.settings import Settings
from kiosk.staff.pin import SCRYPT, hash_pin
from tests.conftest import csrf_token
from tests.staff_support import PIN, FakeClock, set_pin, sign_in, try_pin, use_clock

OPEN = {"staff.pad", "staff.login"}


def _sample_url(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", "x", rule)


def staff_rules(app: Flask) -> list[tuple[str, str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, _sample_url(rule.rule)))
    return out


def test_every_staff_rule_but_the_pad_refuses_without_a_staff_visit(
    app: Flask, client: FlaskClient
) -> None:
    set_pin(app)
    app.config["WTF_CSRF_ENABLED"] = False  # so a refusal is the guard's, not CSRF's
    rules = staff_rules(app)
    endpoints = {endpoint for endpoint, _, _ in rules}
    assert {"staff.health", "staff.restock", "staff.usage_data", "staff.import_apply"} <= endpoints
    checked = 0
    for endpoint, method, url in rules:
        if endpoint in OPEN:
            continue
        response = client.open(url, method=method)
        assert response.status_code in (302, 401, 403), (endpoint, method, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].endswith("/staff/pin"), endpoint
        checked += 1
    assert checked >= 12


def test_the_pad_answers_and_says_how_to_set_a_pin(client: FlaskClient) -> None:
    client.get("/lang/en")
    page = client.get("/staff/pin").get_data(as_text=True)
    assert "kiosk set-pin" in page
    assert 'name="pin"' not in page


def test_right_pin_signs_in_and_is_logged(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    set_pin(app)
    status, _ = try_pin(client, PIN)
    assert status == 302
    assert client.get("/staff/health").status_code == 200
    assert any(e.kind == "staff" and "signed in" in e.message for e in services.events.recent())


def test_wrong_pin_stays_out(app: Flask, client: FlaskClient) -> None:
    set_pin(app)
    client.get("/lang/en")
    status, page = try_pin(client, "0000")
    assert status == 200
    assert "Wrong PIN" in page
    assert client.get("/staff/health").status_code == 302


def test_five_wrong_pins_lock_the_pad_and_are_logged(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    clock = FakeClock()
    use_clock(app, clock)
    set_pin(app)
    client.get("/lang/en")
    for _ in range(4):
        assert try_pin(client, "0000")[0] == 200
    status, page = try_pin(client, "0000")
    assert status == 403
    assert "locked" in page
    assert any("locked" in e.message for e in services.events.recent(level="warning"))
    assert try_pin(client, PIN)[0] == 403
    assert client.get("/staff/health").status_code == 302
    clock.advance(300)
    assert try_pin(client, PIN)[0] == 302
    assert client.get("/staff/health").status_code == 200


def test_the_staff_visit_ends_after_idle_minutes(app: Flask, client: FlaskClient) -> None:
    clock = FakeClock()
    use_clock(app, clock)
    sign_in(app, client)
    clock.advance(110)
    assert client.get("/staff/log").status_code == 200  # a touch keeps the visit going
    clock.advance(110)
    assert client.get("/staff/log").status_code == 200
    clock.advance(121)
    assert client.get("/staff/log").status_code == 302


def test_done_ends_the_visit_and_returns_to_the_start_screen(
    app: Flask, client: FlaskClient
) -> None:
    token = sign_in(app, client)
    response = client.post("/staff/done", data={"csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/?fresh=1")
    assert client.get("/staff/health").status_code == 302


def test_the_visitor_idle_reset_ends_the_staff_visit(app: Flask, client: FlaskClient) -> None:
    token = sign_in(app, client)
    client.post("/reset", data={"csrf_token": token})
    assert client.get("/staff/health").status_code == 302


def test_staff_pages_are_not_counted_as_visits(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    sign_in(app, client)
    client.get("/staff/usage")
    client.get("/staff/lang/sv?next=/staff/log")
    counts = services.tally.day(services.tally.today())
    assert "sessions_started" not in counts
    assert "ui_language" not in counts


def test_a_tampered_cookie_does_not_sign_in(app: Flask, client: FlaskClient) -> None:
    set_pin(app)
    client.set_cookie("kiosk_visit", "eyJzdGFmZl9zZWVuIjo5OTk5OTk5OTk5OX0.fake.sig")
    assert client.get("/staff/health").status_code == 302


@pytest.fixture
def settings_short(settings: Settings) -> Settings:
    return settings.replace(staff={"max_attempts": 2, "lock_seconds": 5})


def test_lock_settings_are_used(settings_short: Settings) -> None:
    from kiosk.app import create_app

    app = create_app(settings_short)
    try:
        client = app.test_client()
        set_pin(app)
        assert try_pin(client, "1111")[0] == 200
        assert try_pin(client, "1111")[0] == 403
        assert "5 s" in try_pin(client, PIN)[1]
    finally:
        app.extensions["kiosk"].close()


def test_language_switch_stays_on_staff_screens(app: Flask, client: FlaskClient) -> None:
    sign_in(app, client)
    response = client.get("/staff/lang/fi?next=https://example.org/")
    assert response.headers["Location"] == "/staff/health"
    response = client.get("/staff/lang/sv?next=/staff/log")
    assert response.headers["Location"] == "/staff/log"
    assert 'lang="sv"' in client.get("/staff/log").get_data(as_text=True)


def test_csrf_is_required_on_staff_forms(app: Flask, client: FlaskClient) -> None:
    sign_in(app, client)
    assert client.post("/staff/paper-restocked").status_code == 400
    assert csrf_token(client, "/staff/health")


def test_the_way_in_from_the_start_screen_and_the_staff_button(settings: Settings) -> None:
    from kiosk.app import create_app

    app = create_app(settings.replace(staff={"long_press_seconds": 4}))
    try:
        html = app.test_client().get("/").get_data(as_text=True)
        assert re.search(r'class="staff-corner" href="/staff/pin" data-long-press="4"', html)
        assert 'data-staff-pad="/staff/pin"' in html  # kiosk.js follows the GPIO button here
        assert "/static/staff.js" in html
    finally:
        app.extensions["kiosk"].close()


def test_locks_grow_and_the_pad_says_how_staff_get_in(app: Flask, client: FlaskClient) -> None:
    clock = FakeClock()
    use_clock(app, clock)
    set_pin(app)
    client.get("/lang/en")
    lengths = []
    for _ in range(7):
        for _ in range(4):
            try_pin(client, "000000")
        status, page = try_pin(client, "000000")
        assert status == 403
        lengths.append(re.search(r"locked for (\d+ (?:s|min|h))", page).group(1))  # type: ignore[union-attr]
        assert "a new PIN set with sudo kiosk set-pin opens the PIN pad now" in page
        clock.advance(app.extensions["staff"]["pins"].locked_for())
    assert lengths == ["5 min", "15 min", "45 min", "2 h", "7 h", "20 h", "24 h"]


def test_a_four_digit_pin_still_opens_and_health_asks_to_change_it(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    pins = app.extensions["staff"]["pins"]
    salt = bytes(16)
    record = {"algorithm": "scrypt", **SCRYPT, "salt": salt.hex()}
    pins.path.write_text(json.dumps({**record, "hash": hash_pin("2468", salt, SCRYPT).hex()}))
    client.get("/lang/en")
    assert try_pin(client, "2468")[0] == 302
    page = client.get("/staff/health").get_data(as_text=True)
    assert "Set a new one of 6 to 8 digits with sudo kiosk set-pin." in page
    warnings = services.events.recent(level="warning")
    assert any("fewer than 6 digits" in e.message for e in warnings)
    pins.set_pin("24681357")
    client.post("/reset", data={"csrf_token": csrf_token(client)})
    assert try_pin(client, "24681357")[0] == 302
    assert "sudo kiosk set-pin" not in client.get("/staff/health").get_data(as_text=True)
