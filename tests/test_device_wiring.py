"""GPIO devices inside the running app, on gpiozero's mock pins."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kiosk.app import create_app
from kiosk.devices.pump import PAGE_SIGNALS
from kiosk.settings import ConfigError, Settings
from tests.conftest import csrf_token
from tests.selftest_support import answer, lines_of, official_raw
from tests.serve_support import WaitressKiosk, free_port
from tests.staff_support import PIN, set_pin, try_pin

STAFF_BUTTON, CALL, SPEECH_BUTTON = 17, 23, 27
# The navigation buttons, wired as docs/accessibility.md suggests.
KEY_PINS = {"up": 5, "down": 6, "select": 13, "back": 12, "home": 16, "volume_up": 26}


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
            **{f"key_{key}_pin": pin for key, pin in KEY_PINS.items()},
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


def press(app: Flask, pin_number: int) -> None:
    pin = pins(app).pin(pin_number)
    pin.drive_low()
    pin.drive_high()
    time.sleep(0.06)  # past the bounce time: the next press is one of its own


class Stream:
    """The page's stream of signals, read as the browser reads it, line by line."""

    def __init__(self, app: Flask, seconds: float = 10.0) -> None:
        part = app.extensions["kiosk"].extra["devices"]
        part.heartbeat_seconds = 0.1  # a line at least this often: reading never hangs
        part.stream_seconds = seconds
        self.response = app.test_client().get("/signals/stream", buffered=False)
        self._chunks = self.response.iter_encoded()
        self.lines: list[str] = []

    def read_until(self, done: Any, seconds: float = 3.0) -> bool:
        deadline = time.monotonic() + seconds
        for chunk in self._chunks:
            self.lines.extend(chunk.decode().split("\n"))
            if done(self) or time.monotonic() > deadline:
                break
        return bool(done(self))

    def data(self, prefix: str = "") -> list[str]:
        return [
            line.removeprefix("data: ") for line in self.lines if line.startswith("data: " + prefix)
        ]

    def close(self) -> None:
        self.response.close()


def test_each_navigation_button_reaches_the_page_as_its_key_in_order(gpio_app: Flask) -> None:
    stream = Stream(gpio_app)
    try:
        assert stream.response.mimetype == "text/event-stream"
        assert stream.read_until(lambda s: s.lines)
        assert stream.lines[0].startswith("retry: ")  # where the page comes back after its end
        for pin in (*KEY_PINS.values(), KEY_PINS["down"]):
            press(gpio_app, pin)
        wanted = [f"key_{key}" for key in KEY_PINS] + ["key_down"]
        assert stream.read_until(lambda s: len(s.data("key_")) >= len(wanted))
        assert stream.data("key_") == wanted
    finally:
        stream.close()


def test_the_staff_and_speech_buttons_reach_the_stream(gpio_app: Flask) -> None:
    stream = Stream(gpio_app)
    try:
        press(gpio_app, STAFF_BUTTON)
        press(gpio_app, SPEECH_BUTTON)
        assert stream.read_until(lambda s: {"open_staff_pad", "listen"} <= set(s.data()))
    finally:
        stream.close()


def test_a_newer_page_takes_the_stream_over(gpio_app: Flask) -> None:
    old = Stream(gpio_app)
    assert old.read_until(lambda s: s.lines)
    new = Stream(gpio_app)
    try:
        # The old page's stream says so and ends: its thread is free again.
        assert old.read_until(lambda s: "event: superseded" in s.lines)
        press(gpio_app, KEY_PINS["select"])
        assert new.read_until(lambda s: s.data("key_"))
        assert new.data("key_") == ["key_select"]
        assert list(old._chunks) == []
    finally:
        old.close()
        new.close()


def test_the_stream_ends_by_itself_and_the_page_comes_back(gpio_app: Flask) -> None:
    part = gpio_app.extensions["kiosk"].extra["devices"]
    part.stream_seconds, part.heartbeat_seconds = 0.3, 0.1
    response = gpio_app.test_client().get("/signals/stream")  # read to its end
    body = response.get_data(as_text=True)
    assert body.startswith("retry: 1000\n")
    assert ": ping" in body  # the heartbeat


def test_a_kiosk_without_devices_has_pages_open_no_stream(tmp_path: Path) -> None:
    app = create_app(Settings().replace(kiosk={"data_dir": str(tmp_path)}))
    try:
        client = app.test_client()
        assert "signals.js" not in client.get("/").get_data(as_text=True)
        assert client.get("/signals/stream").status_code == 204  # EventSource stops
    finally:
        app.extensions["kiosk"].close()


def test_pages_open_the_stream_where_devices_send_signals(gpio_app: Flask) -> None:
    page = gpio_app.test_client().get("/").get_data(as_text=True)
    assert 'data-signals="/signals/stream"' in page
    assert "signals.js" in page


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


def test_the_stream_never_carries_anything_from_the_self_test(gpio_app: Flask) -> None:
    gpio_app.config["WTF_CSRF_ENABLED"] = False  # the answers are sent without the token
    stream = Stream(gpio_app)
    try:
        visitor = gpio_app.test_client()
        result = answer(visitor, [3] * len(official_raw()["statements"]))
        press(gpio_app, SPEECH_BUTTON)  # the result read aloud, as a visitor asks
        press(gpio_app, KEY_PINS["select"])
        assert stream.read_until(lambda s: "key_select" in s.data())
    finally:
        stream.close()
    # Nothing but the event stream's own lines and the names of signals.
    allowed = {"", "retry: 1000", ": signals", ": ping", "event: superseded", "data: "}
    allowed |= {f"data: {name}" for name in PAGE_SIGNALS}
    assert set(stream.lines) <= allowed
    said = "\n".join(stream.lines)
    for text in lines_of(official_raw()):
        assert text not in said
    assert "score" in result and "score" not in said


def open_stream(port: int) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/signals/stream")
    response = conn.getresponse()
    assert response.readline() == b"retry: 1000\n"  # it is open, holding its thread
    return response


def test_on_waitress_a_page_stream_never_starves_the_pages(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path)},
        web={"port": port, "threads": 1},  # the least: one thread for pages
        gpio={"enabled": True, "pin_factory": "mock", "key_down_pin": KEY_PINS["down"]},
    )
    app = create_app(settings)
    served = WaitressKiosk(app, settings)
    try:
        first = open_stream(port)
        second = open_stream(port)  # a new page: the first one's stream ends
        assert first.read().endswith(b"event: superseded\ndata: \n\n")
        for _ in range(3):  # pages are served beside the open stream
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            assert conn.getresponse().status == 200
            conn.close()
        press(app, KEY_PINS["down"])
        lines = []
        while (line := second.readline()) != b"data: key_down\n":
            lines.append(line)  # (a socket timeout fails the test: the press never came)
            assert len(lines) < 20, lines
        # The kiosk stops: the stream ends at once, without telling the page to stay away.
        app.extensions["kiosk"].extra["devices"].signals.close()
        assert b"superseded" not in second.read()
    finally:
        served.stop()
