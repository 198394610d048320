"""GPIO devices inside the running app, on gpiozero's mock pins."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kiosk.app import create_app
from kiosk.settings import ConfigError, Settings
from tests.conftest import csrf_token
from tests.staff_support import PIN, set_pin, try_pin

STAFF_BUTTON, CALL, SPEECH_BUTTON = 17, 23, 27


@pytest.fixture
def gpio_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path)},
        gpio={
            "enabled": True,
            "pin_factory": "mock",
            "staff_button_pin": STAFF_BUTTON,
            "call_staff_pin": CALL,
            "call_staff_seconds": 1,
            "speech_button_pin": SPEECH_BUTTON,
        },
        display={"kind": "fake"},
        staff={"present_hours": "ma-su 0-24"},
    )
    app = create_app(settings)
    yield app
    app.extensions["kiosk"].close()


def pins(app: Flask) -> Any:
    return app.extensions["kiosk"].extra["devices"].pin_factory


def wait_for(check: Any, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_the_start_speech_button_has_the_page_read_aloud(gpio_app: Flask) -> None:
    client = gpio_app.test_client()
    pin = pins(gpio_app).pin(SPEECH_BUTTON)
    pin.drive_low()
    pin.drive_high()
    got: list[str] = []

    def listen_signalled() -> bool:
        got.extend(client.get("/signals").get_json()["signals"])
        return "listen" in got

    assert wait_for(listen_signalled)
    assert "open_staff_pad" not in got


def test_staff_button_reaches_the_page_as_a_signal(gpio_app: Flask) -> None:
    client = gpio_app.test_client()
    assert client.get("/signals").get_json() == {"signals": []}
    pin = pins(gpio_app).pin(STAFF_BUTTON)
    pin.drive_low()
    pin.drive_high()
    got: list[str] = []

    def staff_pad_signalled() -> bool:
        got.extend(client.get("/signals").get_json()["signals"])
        return "open_staff_pad" in got

    assert wait_for(staff_pad_signalled)


def test_the_staff_button_opens_a_pad_that_passers_by_locked(gpio_app: Flask) -> None:
    set_pin(gpio_app)
    client = gpio_app.test_client()
    client.get("/lang/en")
    for _ in range(5):
        status, page = try_pin(client, "000000")
    assert status == 403 and "press the staff button to open the PIN pad now" in page
    pin = pins(gpio_app).pin(STAFF_BUTTON)
    pin.drive_low()
    pin.drive_high()
    events = gpio_app.extensions["kiosk"].events

    def unlocked() -> bool:
        return any(e.message == "PIN pad unlocked with the staff button" for e in events.recent())

    assert wait_for(unlocked)
    assert "locked" not in client.get("/staff/pin").get_data(as_text=True)
    assert try_pin(client, PIN)[0] == 302


def test_call_staff_signals_the_desk_and_is_counted(gpio_app: Flask) -> None:
    client = gpio_app.test_client()
    assert "Call the staff" in client.get("/lang/en?next=/talk", follow_redirects=True).get_data(
        as_text=True
    )
    token = csrf_token(client, "/talk")
    page = client.post("/talk/call", data={"csrf_token": token}).get_data(as_text=True)
    assert "Someone is coming" in page
    out = pins(gpio_app).pin(CALL)
    assert out.state
    assert wait_for(lambda: not out.state)
    tally = gpio_app.extensions["kiosk"].tally
    assert tally.day(tally.today())["staff_calls"][""] == 1


def test_outside_hours_tells_when_staff_are_back(tmp_path: Path) -> None:
    now = datetime.now()
    closed_day = ["ma", "ti", "ke", "to", "pe", "la", "su"][(now.weekday() + 1) % 7]
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path)},
        gpio={"enabled": True, "pin_factory": "mock", "call_staff_pin": CALL},
        display={"kind": "fake"},
        staff={"present_hours": f"{closed_day} 10-12"},
    )
    app = create_app(settings)
    try:
        client = app.test_client()
        client.get("/lang/en")
        page = client.post("/talk/call", data={"csrf_token": csrf_token(client, "/talk")})
        html = page.get_data(as_text=True)
        assert "not here right now" in html and "They are back" in html
        tally = app.extensions["kiosk"].tally
        assert "staff_calls" not in tally.day(tally.today())
    finally:
        app.extensions["kiosk"].close()


def test_bad_staff_hours_stop_the_start(tmp_path: Path) -> None:
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path)}, staff={"present_hours": "sometimes"}
    )
    with pytest.raises(ConfigError, match=r"staff\.present_hours"):
        create_app(settings)
