"""The self-test with touch at 800x480: complete, change an answer, stop, time out,
change language or display midway, come back after a result; axe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.context import Services
from tests.browser.conftest import SCREENSHOTS, LiveKiosk, axe_violations, make_live, new_page
from tests.selftest_support import official_raw

pytestmark = pytest.mark.browser
OPTIONS = [o["text"] for o in official_raw()["options"]]
TEST_URL = re.compile(r"/selftest/esis-fi-2019$")


def counts(kiosk: LiveKiosk) -> dict[str, dict[str, int]]:
    svc: Services = kiosk.app.extensions["kiosk"]
    return svc.tally.day(svc.tally.today())


def tap_answer(page: Any, step: int, points: int) -> None:
    """Tap an option of the statement on screen; its accessible name is the option text."""
    screen = page.locator(f"#step-{step}")
    screen.wait_for(state="visible")
    screen.get_by_role("radio", name=OPTIONS[points - 1], exact=True).tap()


def begin(page: Any, kiosk: LiveKiosk, tile: str = "Itsetesti", start: str = "Aloita testi") -> int:
    page.goto(kiosk.url + "/")
    page.get_by_role("link", name=tile).tap()
    page.wait_for_url(re.compile(r"/selftest$"))
    page.get_by_role("link", name=start).tap()
    page.wait_for_url(TEST_URL)
    return 2


def score(page: Any) -> str:
    value = page.locator(".result .score .value")
    value.wait_for()
    text: str = value.inner_text()
    return text


def test_complete_a_test_in_twelve_taps_with_nothing_stored(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(live.url + "/selftest")
    assert axe_violations(page) == []
    taps = begin(page, live)  # the tile, then "Start the test" in the action bar
    assert page.locator("#step-1 .progress").inner_text().startswith("1 / 10")
    assert axe_violations(page) == []
    history = page.evaluate("history.length")
    answers = [5, 4, 4, 3, 5, 4, 2, 4, 5, 3]
    for step, points in enumerate(answers, start=1):
        assert page.locator(f"#step-{step} .progress").inner_text().startswith(f"{step} / 10")
        tap_answer(page, step, points)
        taps += 1
    expected = (sum(answers) - 10) * 2.5
    assert score(page) == f"{expected:g}".replace(".", ",")
    assert taps == 12
    # The result is shown in place: the same address, no new history entry.
    assert TEST_URL.search(page.url) and page.evaluate("history.length") == history
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "selftest-result-800x480.png"))
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.forms.length") == 0 or page.locator("#main form").count() == 0
    assert counts(live)["tests_completed"] == {"": 1}
    page.get_by_role("link", name="Alkuun").tap()
    page.wait_for_url(re.compile(r"/$"))


def test_go_back_and_change_an_answer(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    begin(page, live)
    tap_answer(page, 1, 1)
    tap_answer(page, 2, 1)
    page.locator("#step-3").wait_for(state="visible")
    page.get_by_role("button", name="Takaisin").tap()
    assert page.locator("#step-2").is_visible()
    earlier = page.locator("#step-2").get_by_role("radio", name=OPTIONS[0], exact=True)
    assert earlier.get_attribute("aria-checked") == "true"  # the earlier choice is still there
    tap_answer(page, 2, 5)
    for step in range(3, 11):
        tap_answer(page, step, 1)
    # 1 + 5 + 8 x 1 = 14 points: (14 - 10) x 2.5 = 10
    assert score(page) == "10"


def test_nothing_looks_chosen_before_a_tap(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    begin(page, live)
    for step in (1, 2):
        page.locator(f"#step-{step}").wait_for(state="visible")
        options = page.locator(f"#step-{step} .option")
        assert [options.nth(i).get_attribute("aria-checked") for i in range(5)] == ["false"] * 5
        # No option has the focus (and so no focus ring): the statement itself has it.
        assert page.evaluate("document.activeElement.classList.contains('statement')")
        assert page.locator("#selftest .option:focus, #selftest .option:focus-visible").count() == 0
        outlines = page.evaluate(
            "[...document.querySelectorAll('#selftest .option')]"
            ".map(o => getComputedStyle(o).outlineStyle)"
        )
        assert set(outlines) == {"none"}
        tap_answer(page, step, 3)


def test_stop_returns_to_the_start_in_the_visitors_language(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(live.url + "/lang/sv?next=/")
    begin(page, live, tile="Självtest", start="Börja testet på finska")
    for step in range(1, 5):
        tap_answer(page, step, 3)
    page.locator("#step-5").wait_for(state="visible")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Avsluta").tap()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("html").get_attribute("lang") == "sv"
    assert counts(live)["abandoned"] == {"5:exit": 1}
    assert "tests_completed" not in counts(live)
    page.go_back()  # the test page was replaced: Back leads to the consent, not the answers
    assert not TEST_URL.search(page.url)


def test_let_it_time_out(browser: Any, tmp_path: Path) -> None:
    kiosk = make_live(tmp_path, web={"idle_seconds": 3, "idle_warning_seconds": 2})
    try:
        page = new_page(browser)
        begin(page, kiosk)
        tap_answer(page, 1, 2)
        tap_answer(page, 2, 2)
        page.locator("#step-3").wait_for(state="visible")
        page.get_by_role("dialog").wait_for(state="visible", timeout=8000)
        page.wait_for_url(re.compile(r"/\?fresh=1$"), timeout=8000)
        assert counts(kiosk)["abandoned"] == {"3:timeout": 1}
        page.go_back()
        assert "/selftest" not in page.url
    finally:
        kiosk.stop()


def test_a_language_change_midway_keeps_the_answers(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    begin(page, live)
    for step, points in zip(range(1, 4), (2, 5, 1), strict=True):
        tap_answer(page, step, points)
    page.locator("#step-4").wait_for(state="visible")
    page.get_by_role("link", name="English").tap()
    page.get_by_role("button", name="Stop").wait_for()  # the frame is now in English
    assert TEST_URL.search(page.url)
    assert page.locator("#step-4").is_visible()
    page.get_by_role("button", name="Back").tap()
    third = page.locator("#step-3").get_by_role("radio", name=OPTIONS[0], exact=True)
    assert third.get_attribute("aria-checked") == "true"
    for step in range(3, 11):
        tap_answer(page, step, 1 if step == 3 else 3)
    # 2 + 5 + 1 + 7 x 3 = 29 points: (29 - 10) x 2.5 = 47.5
    assert score(page) == "47.5"
    assert page.get_by_role("heading", name="Your result").is_visible()
    assert counts(live)["tests_completed"] == {"": 1}


def test_a_display_change_midway_keeps_the_answers(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    begin(page, live)
    tap_answer(page, 1, 4)
    tap_answer(page, 2, 4)
    page.locator("#step-3").wait_for(state="visible")
    page.get_by_role("button", name="Näyttö").tap()
    page.get_by_role("button", name="Iso teksti").tap()
    page.locator("body.large-text").wait_for()
    assert page.locator("#step-3").is_visible()
    for step in range(3, 11):
        tap_answer(page, step, 4)
    assert score(page) == "75"


def test_language_and_display_on_the_result_work_and_count_nothing(
    browser: Any, live: LiveKiosk
) -> None:
    page = new_page(browser)
    errors: list[int] = []
    page.on("response", lambda r: errors.append(r.status) if r.status >= 400 else None)
    begin(page, live)
    for step in range(1, 11):
        tap_answer(page, step, 5)
    assert score(page) == "100"
    page.get_by_role("link", name="Svenska").tap()
    page.get_by_role("heading", name="Ditt resultat").wait_for()
    assert score(page) == "100"
    page.get_by_role("button", name="Skärm").tap()
    page.get_by_role("button", name="Hög kontrast").tap()
    page.locator("body.high-contrast").wait_for()
    assert score(page) == "100"
    assert page.get_by_role("link", name="Till början").is_visible()
    assert errors == []
    assert counts(live)["tests_completed"] == {"": 1}


def test_reload_back_and_forward_after_a_result_show_no_score_and_count_nothing(
    browser: Any, live: LiveKiosk
) -> None:
    page = new_page(browser)
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    begin(page, live)
    for step in range(1, 11):
        tap_answer(page, step, 2)
    assert score(page) == "25"
    page.reload()  # nothing to resubmit: the test begins again
    page.locator("#step-1").wait_for(state="visible")
    assert page.locator(".result").count() == 0
    for step in range(1, 11):
        tap_answer(page, step, 2)
    score(page)
    page.locator(".card a").first.tap()  # an activity offered on the result page
    page.wait_for_url(re.compile(r"/activities/"))
    page.go_back()
    assert page.locator(".result .score").count() == 0
    assert "25 / 100" not in page.locator("main").inner_text()
    page.go_forward()
    page.go_back()
    assert page.locator(".result .score").count() == 0
    assert dialogs == []  # never "Confirm Form Resubmission"
    assert counts(live)["tests_completed"] == {"": 2}
