"""The public screens with a keypad only (no taps), speech mode on: each step is heard.

The journeys press keys as a visitor who cannot see the screen would: move until
the item they want is spoken, then choose it. The fake speech device records
what the kiosk said; the assertions are on what was said and where the visitor
ended up (the slip on paper, the self-test's first screen).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import request

from tests.browser.conftest import LiveKiosk, focused_name, heard, make_live, new_page, speaker
from tests.selftest_support import official_raw

pytestmark = pytest.mark.browser
MOST_PRESSES = 40  # more than any screen has controls


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[LiveKiosk]:
    live = make_live(
        tmp_path,
        printer={"kind": "emulator", "status_timeout": 0.2},
        speech={"kind": "fake"},
        staff={"present_hours": "ma-su 0-24"},
        gpio={"enabled": True, "pin_factory": "mock", "call_staff_pin": 23},
    )
    yield live
    live.stop()


def move_to(page: Any, kiosk: LiveKiosk, name: str) -> None:
    """Press Down until the focused item is ``name`` and the kiosk has said so."""
    for _ in range(MOST_PRESSES):
        before = len(speaker(kiosk).said)
        page.keyboard.press("ArrowDown")
        if focused_name(page).startswith(name):
            assert heard(kiosk, name, since=before), f"{name} had the focus but was not spoken"
            return
    pytest.fail(f"{name} never got the focus; said: {speaker(kiosk).texts[-5:]}")


def begin(browser: Any, kiosk: LiveKiosk) -> Any:
    page = new_page(browser, locale="en-GB")
    page.goto(kiosk.url + "/lang/en?next=/")
    page.keyboard.press("*")  # the Listen key: speech mode for this visit
    assert heard(kiosk, "Things to do nearby")
    return page


def test_start_to_an_activity_to_a_printed_slip(browser: Any, kiosk: LiveKiosk) -> None:
    page = begin(browser, kiosk)
    move_to(page, kiosk, "Things to do")
    page.keyboard.press("Enter")
    page.wait_for_url("**/activities")
    first_title = page.locator(".card a").first.inner_text().split("\n")[0]
    move_to(page, kiosk, first_title)  # the first activity's card is reached and heard
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/activities/demo-" in url)
    assert heard(kiosk, page.locator("h1").inner_text())  # the screen is read on arrival
    move_to(page, kiosk, "Print slip")
    page.keyboard.press("Enter")
    assert heard(kiosk, "Take your slip from the printer.", seconds=10)
    slips = list((Path(kiosk.app.config["DATA_DIR"]) / "slips").glob("*.txt"))
    assert len(slips) == 1
    assert first_title.split()[0] in slips[0].read_text()  # the title, wrapped to the paper


def test_start_to_the_self_test_consent(browser: Any, kiosk: LiveKiosk) -> None:
    page = begin(browser, kiosk)
    move_to(page, kiosk, "Self-test")
    page.keyboard.press("Enter")
    page.wait_for_url("**/selftest")
    heading = page.locator("main h1").first.inner_text()
    assert heard(kiosk, heading)
    # Its content holds no control: the first Down reaches its main action, visibly.
    page.keyboard.press("ArrowDown")
    assert focused_name(page) == "Start the test in Finnish"  # the form is in Finnish only
    assert focus_ring(page) >= 3


def test_call_staff_with_the_numeric_keypad(browser: Any, kiosk: LiveKiosk) -> None:
    page = begin(browser, kiosk)
    for _ in range(MOST_PRESSES):
        page.keyboard.press("Numpad2")  # Down on a numeric keypad
        if focused_name(page).startswith("I'd like to talk"):
            break
    page.keyboard.press("Numpad5")  # Select
    page.wait_for_url("**/talk")
    move_to(page, kiosk, "Call the staff")
    page.keyboard.press("Enter")
    page.wait_for_url("**/talk/call")
    assert heard(kiosk, page.locator("main h1").first.inner_text())


def test_an_untranslated_title_is_read_in_its_own_voice(browser: Any, kiosk: LiveKiosk) -> None:
    """On a Swedish page a card whose title exists only in Finnish: the title in the
    Finnish voice, the rest of the card (its time and place) in the Swedish one."""
    page = new_page(browser, locale="sv-FI")
    page.goto(kiosk.url + "/lang/sv?next=/activities%3Fcategory%3Dvolunteering")
    page.keyboard.press("*")
    assert heard(kiosk, page.locator("main h1").first.inner_text())
    move_to(page, kiosk, "Puistotalkoot")  # demo-020: a Finnish title only
    deadline = time.monotonic() + 5
    while "Kaislarannan puisto" not in speaker(kiosk).said[-1].text:  # the card's place
        assert time.monotonic() < deadline, speaker(kiosk).said[-3:]
        time.sleep(0.02)
    title, rest = speaker(kiosk).said[-2:]
    assert (title.text, title.lang) == ("Puistotalkoot", "fi")
    assert rest.lang == "sv" and not rest.text.startswith("Puistotalkoot")


def test_a_quick_key_after_arrival_is_heard_last(browser: Any, tmp_path: Path) -> None:
    """A screen's reading and the item a quick key press focuses go to the kiosk as two
    requests; the reading's is slow here. The visitor must hear what they moved to
    last, not the reading arriving after it and speaking over it."""
    live = make_live(tmp_path, speech={"kind": "fake"})
    held = {"reading": False}

    @live.app.before_request
    def _slow_reading() -> None:
        if request.path.endswith("/speech/say") and held["reading"]:
            held["reading"] = False
            time.sleep(0.6)

    try:
        page = begin(browser, live)
        held["reading"] = True
        page.goto(live.url + "/activities")  # read on arrival: the slow request
        page.keyboard.press("ArrowDown")
        name = focused_name(page)
        assert name and heard(live, name)
        time.sleep(1.0)  # the reading, had it been sent second, would be heard by now
        assert speaker(live).texts[-1].startswith(name), speaker(live).texts[-3:]
    finally:
        live.stop()


def test_back_and_home_keys(browser: Any, kiosk: LiveKiosk) -> None:
    page = new_page(browser, locale="en-GB")
    page.goto(kiosk.url + "/lang/en?next=/activities/demo-001?back=/activities?when%3Dtoday")
    page.keyboard.press("Escape")
    page.wait_for_url("**/activities?when=today")
    # The list settles before the next address is typed in: a navigation still under
    # way would interrupt it (seen once in a full run).
    page.wait_for_load_state("networkidle")
    page.goto(kiosk.url + "/activities/demo-001")
    page.keyboard.press("Home")
    page.wait_for_url(kiosk.url + "/")


def test_the_more_time_question_keeps_the_focus(browser: Any, tmp_path: Path) -> None:
    live = make_live(tmp_path, web={"idle_seconds": 5, "idle_warning_seconds": 30})
    try:
        page = new_page(browser, locale="en-GB")
        page.goto(live.url + "/lang/en?next=/activities")
        page.locator("#idle-dialog").wait_for(state="visible", timeout=10000)
        names = set()
        for _ in range(4):
            page.keyboard.press("ArrowDown")
            names.add(focused_name(page))
        assert names == {"Yes, more time", "Start over"}
        page.keyboard.press("Escape")  # does not leave the question, nor go back
        assert page.locator("#idle-dialog").is_visible()
        assert page.url.endswith("/activities")
    finally:
        live.stop()


def focus_ring(page: Any) -> float:
    """Width in px of the focused element's outline (0 when it shows none)."""
    return float(
        page.evaluate(
            """(() => { const s = getComputedStyle(document.activeElement);
                return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth); })()"""
        )
    )


@pytest.mark.parametrize("path", ["/", "/activities", "/activities/demo-001", "/talk"])
@pytest.mark.parametrize("mode", ["normal", "high_contrast"])
def test_every_control_reached_by_keys_shows_its_focus(
    browser: Any, kiosk: LiveKiosk, path: str, mode: str
) -> None:
    page = new_page(browser)
    if mode == "high_contrast":
        page.goto(kiosk.url + "/")
        page.locator(".display-button").click()
        page.locator("form[action$='/toggle/high_contrast'] button").click()
    page.goto(kiosk.url + path)
    seen: list[str] = []
    for _ in range(MOST_PRESSES):
        page.keyboard.press("ArrowDown")
        key = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        if seen and key == seen[0]:
            break  # round the whole screen
        seen.append(key)
        assert focus_ring(page) >= 3, f"no visible focus on {key}"
    assert len(seen) >= 4


def take_the_test_by_keys(page: Any, kiosk: LiveKiosk, answers: list[int]) -> None:
    """From the start screen in Finnish to the result, keys only, hearing each step."""
    pack = official_raw()
    options = [o["text"] for o in pack["options"]]
    page.goto(kiosk.url + "/lang/fi?next=/")
    page.keyboard.press("*")
    assert heard(kiosk, "Tekemistä lähellä")
    move_to(page, kiosk, "Itsetesti")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/selftest"))
    move_to(page, kiosk, "Aloita testi")
    before = len(speaker(kiosk).said)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/selftest/" in url)
    # The test screen is read as it opens: question, guide, the first statement, the options.
    assert heard(kiosk, "", since=before)
    first = speaker(kiosk).texts[before]
    for text in [pack["question"], pack["guiding"], pack["statements"][0], *options]:
        assert text in first, text
    assert first.index(pack["question"]) < first.index(pack["statements"][0])
    for step, points in enumerate(answers):
        for _ in range(points):  # from the statement, Down reaches option 1, 2, ...
            page.keyboard.press("ArrowDown")
        assert focused_name(page) == options[points - 1]
        before = len(speaker(kiosk).said)
        page.keyboard.press("Enter")
        if step + 1 < len(answers):
            # The next statement, then its five options, verbatim.
            wanted = ". ".join([pack["statements"][step + 1], *options])
            assert heard(kiosk, wanted, since=before), speaker(kiosk).texts[before:]
    page.locator(".result .score .value").wait_for()
    assert heard(kiosk, "Tuloksesi", since=before)


def score_spoken(kiosk: LiveKiosk, value: str) -> bool:
    return any(f"{value} / 100" in text for text in speaker(kiosk).texts)


@pytest.mark.parametrize("private", [False, True])
def test_the_self_test_by_keys_with_its_score_spoken_only_in_private(
    browser: Any, tmp_path: Path, private: bool
) -> None:
    live = make_live(tmp_path, speech={"kind": "fake", "private": private})
    try:
        page = new_page(browser)
        answers = [5, 4, 4, 3, 5, 4, 2, 4, 5, 3]
        take_the_test_by_keys(page, live, answers)
        value = page.locator(".result .score .value").inner_text()
        assert not score_spoken(live, value)  # not on arrival, even in private
        before = len(speaker(live).said)
        page.keyboard.press("*")  # the visitor asks
        assert heard(live, "Tuloksesi", since=before)
        assert score_spoken(live, value) is private
    finally:
        live.stop()
