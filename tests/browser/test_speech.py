"""Speech from the page: the Listen control, the star key, speech mode, spoken status."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.speech import Utterance
from tests.browser.conftest import LiveKiosk, axe_violations, make_live, new_page, speaker

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[LiveKiosk]:
    live = make_live(
        tmp_path,
        # The fault a second after "Printing…", as in test_speech_sequences.py: sooner, on
        # a loaded machine, the newest utterance replaces "Printing…" while it waits.
        printer={"kind": "emulator", "emulator_fault": "paper_out", "status_timeout": 1.0},
        speech={"kind": "fake"},
    )
    yield live
    live.stop()


def wait_said(kiosk: LiveKiosk, count: int, seconds: float = 5.0) -> list[Utterance]:
    """The utterances once there are at least ``count`` of them."""
    deadline = time.monotonic() + seconds
    while len(speaker(kiosk).said) < count:
        assert time.monotonic() < deadline, f"said so far: {speaker(kiosk).texts}"
        time.sleep(0.02)
    return speaker(kiosk).said


@pytest.mark.parametrize(
    "lang, listen, title, action",
    [
        ("fi", "Kuuntele", "Kirjaston aulan kohtaamispiste", "Tulosta lappu"),
        ("sv", "Lyssna", "Mötesplatsen i bibliotekets lobby", "Skriv ut lapp"),
        ("en", "Listen", "Meeting point in the library lobby", "Print slip"),
    ],
)
def test_listen_reads_the_activity_in_the_page_language(
    browser: Any, kiosk: LiveKiosk, lang: str, listen: str, title: str, action: str
) -> None:
    page = new_page(browser, width=1280, height=720)
    page.goto(f"{kiosk.url}/lang/{lang}?next=/activities/demo-001")
    page.get_by_role("button", name=listen).click()
    (said,) = wait_said(kiosk, 1)
    assert said.lang == lang
    # Heading first, then the facts, then what the main action does.
    assert said.text.index(title) < said.text.index(action)
    assert page.get_by_role("button", name=listen).get_attribute("aria-pressed") == "true"


def test_speech_mode_reads_each_new_screen_and_the_focused_item(
    browser: Any, kiosk: LiveKiosk
) -> None:
    page = new_page(browser, locale="en-GB")
    page.goto(f"{kiosk.url}/lang/en?next=/")
    page.keyboard.press("*")
    wait_said(kiosk, 1)
    page.goto(kiosk.url + "/activities/demo-001")
    said = wait_said(kiosk, 2)
    assert said[1].text.startswith("Meeting point in the library lobby")
    page.get_by_role("button", name="Print slip").focus()
    said = wait_said(kiosk, 3)
    assert said[2] == Utterance("Print slip", "en", 60)
    # The printer fails: its message is spoken too.
    page.keyboard.press("Enter")
    said = wait_said(kiosk, 5)
    assert any(u.text.startswith("Sorry, the printer is not working") for u in said[3:])


def test_without_listening_nothing_is_spoken(browser: Any, kiosk: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(kiosk.url + "/activities/demo-001")
    page.get_by_role("button", name="Tulosta lappu").focus()
    page.goto(kiosk.url + "/")
    page.wait_for_load_state("load")
    assert speaker(kiosk).said == []


SCORE = """() => {
  const block = document.createElement('div');
  block.setAttribute('data-speech-private', '');
  block.innerHTML = '<p class="score">Your score 37 out of 100</p>';
  document.querySelector('main h1').after(block);
}"""


@pytest.mark.parametrize("private", [False, True])
def test_a_private_part_is_read_only_on_a_private_output(
    browser: Any, tmp_path: Path, private: bool
) -> None:
    live = make_live(tmp_path, speech={"kind": "fake", "private": private})
    try:
        page = new_page(browser, locale="en-GB")
        page.goto(live.url + "/lang/en?next=/activities/demo-001")
        page.evaluate(SCORE)
        page.keyboard.press("*")
        (said,) = wait_said(live, 1)
        assert said.text.startswith("Meeting point in the library lobby")
        assert ("Your score 37 out of 100" in said.text) is private
    finally:
        live.stop()


@pytest.mark.parametrize("path", ["/", "/activities/demo-001"])
def test_axe_finds_nothing_serious_with_the_listen_control_on(
    browser: Any, kiosk: LiveKiosk, path: str
) -> None:
    page = new_page(browser)
    page.goto(kiosk.url + path)
    page.keyboard.press("*")
    wait_said(kiosk, 1)
    assert axe_violations(page) == []
