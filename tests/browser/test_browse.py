"""A passer-by's paths through the kiosk, with touch, at the official 7" screen size."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, LiveKiosk, axe_violations, make_live, new_page

pytestmark = pytest.mark.browser


def test_tap_start_category_activity_and_back(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(live.url + "/")
    page.get_by_role("link", name="Tekemistä", exact=True).tap()
    page.wait_for_url(re.compile(r"/activities$"))
    page.get_by_role("link", name="Digituki").tap()
    page.wait_for_url(re.compile(r"category=digital-help"))
    first = page.locator(".card a").first
    title = first.locator(".title").inner_text()
    first.tap()
    page.wait_for_url(re.compile(r"/activities/demo-\d+"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    page.get_by_role("link", name="Takaisin").tap()
    page.wait_for_url(re.compile(r"category=digital-help"))


def test_switch_language_keeps_the_place(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(live.url + "/activities?when=week")
    page.get_by_role("link", name="Svenska").tap()
    page.wait_for_url(re.compile(r"/activities\?when=week$"))
    page.wait_for_selector("html[lang=sv]")
    assert page.get_by_role("heading", level=1).inner_text() == "Den här veckan"
    page.get_by_role("link", name="English").tap()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", level=1).inner_text() == "This week"


def test_idle_warning_more_time_then_reset(browser: Any, tmp_path: Path) -> None:
    kiosk = make_live(tmp_path, web={"idle_seconds": 5, "idle_warning_seconds": 5})
    try:
        page = new_page(browser)
        page.goto(kiosk.url + "/")
        page.get_by_role("link", name="English").tap()
        page.wait_for_selector("html[lang=en]")
        page.get_by_role("button", name="Large text").tap()
        page.wait_for_selector("body.large-text")
        page.get_by_role("link", name="Things to do", exact=True).tap()
        page.wait_for_url(re.compile(r"/activities$"))
        page.locator(".card a").first.tap()
        page.wait_for_url(re.compile(r"/activities/demo-\d+"))
        dialog = page.get_by_role("dialog", name="Do you need more time?")
        dialog.wait_for(state="visible", timeout=8000)
        page.get_by_role("button", name="Yes, more time").tap()
        assert not dialog.is_visible()
        dialog.wait_for(state="visible", timeout=8000)
        page.wait_for_selector("html[lang=fi]", timeout=8000)
        # Back to the default language, toggles reset.
        assert page.locator("html").get_attribute("lang") == "fi"
        assert "large-text" not in (page.locator("body").get_attribute("class") or "")
        # Nothing the previous person saw comes back with Back.
        page.go_back()
        page.wait_for_timeout(300)
        assert page.url == kiosk.url + "/"
        assert page.get_by_role("heading", name="Tekemistä lähellä").is_visible()
    finally:
        kiosk.stop()


PUBLIC = [
    "/",
    "/activities",
    "/activities?when=today",
    "/activities/demo-001",
    "/selftest",
    "/talk",
]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_axe_finds_no_serious_problems(browser: Any, live: LiveKiosk, lang: str) -> None:
    page = new_page(browser)
    page.goto(f"{live.url}/lang/{lang}")
    for path in PUBLIC:
        page.goto(live.url + path)
        assert axe_violations(page) == [], path
    page.goto(live.url + "/activities")
    page.get_by_role("button", name=re.compile("contrast|kontrast", re.I)).tap()
    page.wait_for_selector("body.high-contrast")
    assert axe_violations(page) == [], "high contrast"


@pytest.mark.parametrize("size", [(800, 480), (1024, 600), (1080, 1920), (1920, 1080)])
def test_layouts_fit_and_targets_are_big(
    browser: Any, live: LiveKiosk, size: tuple[int, int]
) -> None:
    page = new_page(browser, *size)
    for path in ["/", "/activities", "/activities/demo-003"]:
        page.goto(live.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {size}"
        small = page.evaluate(
            """() => [...document.querySelectorAll('a, button')]
                .filter(e => e.offsetParent !== null && !e.closest('dialog'))
                .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
                .filter(([t, r]) => r.width < 60 || r.height < 60)
                .map(([t, r]) => t + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""
        )
        assert small == [], f"{path} at {size}: small targets {small}"
    if size in ((800, 480), (1080, 1920)):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.goto(live.url + "/")
        page.screenshot(path=str(SCREENSHOTS / f"start-{size[0]}x{size[1]}.png"))
        page.goto(live.url + "/activities/demo-003")
        page.screenshot(path=str(SCREENSHOTS / f"activity-{size[0]}x{size[1]}.png"))
