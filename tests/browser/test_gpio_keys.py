"""The kiosk's own buttons on GPIO, pressed on the kiosk's side (gpiozero's mock pins):
the page gets each press over its stream of signals and handles it as the keypad key.

The kiosk runs on waitress as ``kiosk serve`` runs it (kiosk.cli.web_server), so the
stream holds one of its threads as on a kiosk. The journey presses buttons only: no
key, no tap, no address typed after the start screen.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.app import create_app
from kiosk.settings import Settings
from tests.browser.conftest import focused_name, heard, new_page, speaker
from tests.browser.screens import FIXED_NOW
from tests.serve_support import WaitressKiosk, free_port
from tests.staff_support import set_pin

pytestmark = pytest.mark.browser
MOST_PRESSES = 40  # more than any screen has controls
# As docs/accessibility.md suggests wiring them.
KEYS = {
    "up": 5,
    "down": 6,
    "select": 13,
    "back": 12,
    "home": 16,
    "volume_up": 26,
    "volume_down": 25,
}
STAFF_BUTTON, SPEECH_BUTTON = 17, 24


class ServedKiosk(WaitressKiosk):
    """The kiosk with its buttons on mock pins, on waitress."""

    def __init__(self, tmp_path: Path, **sections: dict[str, Any]) -> None:
        settings = Settings().replace(
            kiosk={"data_dir": str(tmp_path / "data")},
            web={"port": free_port(), "threads": 2},
            gpio={
                "enabled": True,
                "pin_factory": "mock",
                "staff_button_pin": STAFF_BUTTON,
                "speech_button_pin": SPEECH_BUTTON,
                **{f"key_{key}_pin": pin for key, pin in KEYS.items()},
            },
            **sections,
        )
        app = create_app(settings)
        app.extensions["kiosk"].clock = lambda: FIXED_NOW  # today's list is not empty
        super().__init__(app, settings)

    @property
    def factory(self) -> Any:
        return self.app.extensions["kiosk"].extra["devices"].pin_factory

    def press(self, pin_number: int) -> None:
        """A press of the button on that pin, as a finger makes it."""
        pin = self.factory.pin(pin_number)
        pin.drive_low()
        pin.drive_high()
        time.sleep(0.06)  # past the bounce time: the next press is one of its own


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[ServedKiosk]:
    served = ServedKiosk(
        tmp_path,
        printer={"kind": "emulator", "status_timeout": 0.2},
        speech={"kind": "fake"},
        staff={"present_hours": "ma-su 0-24"},
    )
    yield served
    served.stop()


def press_and_see_the_focus_move(page: Any, kiosk: ServedKiosk, key: str) -> None:
    page.evaluate("window.focusBefore = document.activeElement")
    kiosk.press(KEYS[key])
    # Asked from here: a polling wait_for_function would need eval, which the CSP refuses.
    deadline = time.monotonic() + 5
    while page.evaluate("document.activeElement === window.focusBefore"):
        assert time.monotonic() < deadline, f"the {key} button did not move the focus"
        time.sleep(0.01)


def move_to(page: Any, kiosk: ServedKiosk, name: str) -> None:
    """Press Down until the focused item is ``name`` and the kiosk has said so."""
    for _ in range(MOST_PRESSES):
        before = len(speaker(kiosk).said)
        press_and_see_the_focus_move(page, kiosk, "down")
        if focused_name(page).startswith(name):
            assert heard(kiosk, name, since=before), f"{name} had the focus but was not spoken"
            return
    pytest.fail(f"{name} never got the focus; said: {speaker(kiosk).texts[-5:]}")


def test_todays_activities_to_a_printed_slip_and_home_with_the_buttons_alone(
    browser: Any, kiosk: ServedKiosk
) -> None:
    page = new_page(browser, locale="en-GB")
    page.goto(kiosk.url + "/lang/en?next=/")
    kiosk.press(SPEECH_BUTTON)  # speech mode for this visit, from the tactile button
    assert heard(kiosk, "Things to do nearby")
    move_to(page, kiosk, "Today")
    kiosk.press(KEYS["select"])
    page.wait_for_url("**/activities?when=today")
    first_title = page.locator(".card a").first.inner_text().split("\n")[0]
    move_to(page, kiosk, first_title)
    kiosk.press(KEYS["select"])
    page.wait_for_url(lambda url: "/activities/demo-" in url)
    assert heard(kiosk, page.locator("h1").inner_text())  # the screen is read on arrival
    move_to(page, kiosk, "Print slip")
    kiosk.press(KEYS["select"])
    assert heard(kiosk, "Take your slip from the printer.", seconds=10)
    slips = list((Path(kiosk.app.config["DATA_DIR"]) / "slips").glob("*.txt"))
    assert len(slips) == 1
    assert first_title.split()[0] in slips[0].read_text()
    # Up goes back a control; Back returns to the list; Home to the start screen.
    named = focused_name(page)
    press_and_see_the_focus_move(page, kiosk, "up")
    assert focused_name(page) != named
    kiosk.press(KEYS["back"])
    page.wait_for_url("**/activities?when=today")
    kiosk.press(KEYS["home"])
    page.wait_for_url(kiosk.url + "/")
    page.close()


def test_the_volume_buttons_change_the_volume_for_this_visit(
    browser: Any, kiosk: ServedKiosk
) -> None:
    page = new_page(browser, locale="en-GB")
    page.goto(kiosk.url + "/lang/en?next=/")
    kiosk.press(SPEECH_BUTTON)
    assert heard(kiosk, "Things to do nearby")
    kiosk.press(KEYS["volume_up"])
    assert heard(kiosk, "Volume 70 %")  # from 60 %, in steps of 10
    kiosk.press(KEYS["volume_down"])
    kiosk.press(KEYS["volume_down"])
    assert heard(kiosk, "Volume 50 %")
    page.close()


def test_the_staff_button_opens_the_pin_pad_at_once(browser: Any, kiosk: ServedKiosk) -> None:
    page = new_page(browser, locale="en-GB")
    page.goto(kiosk.url + "/lang/en?next=/activities")
    kiosk.press(STAFF_BUTTON)
    page.wait_for_url("**/staff/pin")
    page.close()


def test_the_staff_button_opens_a_locked_pin_pad_in_place(browser: Any, kiosk: ServedKiosk) -> None:
    set_pin(kiosk.app)
    page = new_page(browser, locale="en-GB")
    page.goto(kiosk.url + "/lang/en?next=/staff/pin")
    for _ in range(5):  # a passer-by's wrong PINs lock the pad (for minutes)
        for digit in "0000":
            page.get_by_role("button", name=digit, exact=True).tap()
        with page.expect_navigation():
            page.get_by_role("button", name="OK").tap()
    assert "locked" in page.get_by_role("alert").inner_text()
    kiosk.press(STAFF_BUTTON)  # staff at the kiosk: the locked page shows the open pad
    page.get_by_role("alert").wait_for(state="detached")
    assert page.get_by_role("button", name="OK").is_enabled()
    page.close()
