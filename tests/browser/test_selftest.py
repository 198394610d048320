"""The self-test with touch at 800x480: complete, change an answer, stop, time out; axe."""

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


def counts(kiosk: LiveKiosk) -> dict[str, dict[str, int]]:
    svc: Services = kiosk.app.extensions["kiosk"]
    return svc.tally.day(svc.tally.today())


def tap_answer(page: Any, step: int, points: int) -> None:
    """Tap an option of the statement on screen; its radio's accessible name is the option text."""
    screen = page.locator(f"#step-{step}")
    screen.wait_for(state="visible")
    radio = screen.get_by_role("radio", name=OPTIONS[points - 1], exact=True)
    assert radio.count() == 1
    screen.locator(f'label[for="s{step}-{points}"]').tap()


def begin(page: Any, kiosk: LiveKiosk) -> int:
    page.goto(kiosk.url + "/")
    page.get_by_role("link", name="Itsetesti").tap()
    page.wait_for_url(re.compile(r"/selftest$"))
    page.get_by_role("link", name="Aloita testi").tap()
    page.wait_for_url(re.compile(r"/selftest/esis-fi-2019$"))
    return 2


def test_complete_a_test_in_twelve_taps_with_nothing_stored(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(live.url + "/selftest")
    assert axe_violations(page) == []
    taps = begin(page, live)  # the tile, then "Start the test" after the consent
    assert page.locator("#step-1 .progress").inner_text() == "1 / 10"
    assert axe_violations(page) == []
    answers = [5, 4, 4, 3, 5, 4, 2, 4, 5, 3]
    for step, points in enumerate(answers, start=1):
        assert page.locator(f"#step-{step} .progress").inner_text() == f"{step} / 10"
        tap_answer(page, step, points)
        taps += 1
    page.wait_for_url(re.compile(r"/selftest/esis-fi-2019/result$"))
    assert taps == 12
    expected = (sum(answers) - 10) * 2.5
    assert page.locator(".score .value").inner_text() == f"{expected:g}".replace(".", ",")
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "selftest-result-800x480.png"), full_page=True)
    # Nothing in web storage, the address or the cookie's readable parts.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert "".join(map(str, answers)) not in page.url
    assert counts(live)["tests_completed"] == {"": 1}
    page.get_by_role("button", name="Valmis").tap()
    page.wait_for_url(re.compile(r"/(\?fresh=1)?$"))


def test_go_back_and_change_an_answer(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    begin(page, live)
    tap_answer(page, 1, 1)
    tap_answer(page, 2, 1)
    page.locator("#step-3").wait_for(state="visible")
    page.get_by_role("button", name="Takaisin").tap()
    assert page.locator("#step-2").is_visible()
    assert page.locator("#s2-1").is_checked()  # the earlier choice is still there
    tap_answer(page, 2, 5)
    for step in range(3, 11):
        tap_answer(page, step, 1)
    page.wait_for_url(re.compile(r"/result$"))
    # 1 + 5 + 8 x 1 = 14 points: (14 - 10) x 2.5 = 10
    assert page.locator(".score .value").inner_text() == "10"


def test_stop_midway_counts_the_statement_reached(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    begin(page, live)
    for step in range(1, 5):
        tap_answer(page, step, 3)
    page.locator("#step-5").wait_for(state="visible")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Lopeta").tap()
    page.wait_for_url(re.compile(r"/\?fresh=1$"))
    assert counts(live)["abandoned"] == {"5:exit": 1}
    assert "tests_completed" not in counts(live)


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
        # Back cannot bring the statements (or the answers) back.
        page.go_back()
        assert "/selftest" not in page.url
    finally:
        kiosk.stop()
