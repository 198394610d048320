"""A passer-by's paths through the kiosk, with touch, at the official 7" screen size."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.catalog import wording
from tests.browser.conftest import LiveKiosk, axe_violations, make_live, new_page
from tests.browser.screens import (
    FIXED_NOW,
    LANGUAGES,
    SCREENS,
    TIMEZONE,
    new_context,
    set_language,
    set_mode,
    show,
)

pytestmark = pytest.mark.browser


def test_tap_start_theme_activity_and_back(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(live.url + "/")
    page.get_by_role("link", name="Tekemistä", exact=True).tap()
    page.wait_for_url(re.compile(r"/activities$"))
    page.get_by_role("button", name="Kaikki aiheet").tap()
    page.get_by_role("link", name="Digituki").tap()
    page.wait_for_url(re.compile(r"category=digital-help"))
    first = page.locator(".card a").first
    title = first.locator(".card-title").inner_text()
    first.tap()
    page.wait_for_url(re.compile(r"/activities/demo-\d+"))
    assert page.get_by_role("heading", level=1).inner_text() == title
    page.get_by_role("link", name="Takaisin").tap()
    page.wait_for_url(re.compile(r"category=digital-help"))
    page.get_by_role("link", name="Alkuun").tap()
    page.wait_for_url(re.compile(r"/$"))


def test_switch_language_keeps_the_place(browser: Any, live: LiveKiosk) -> None:
    page = new_page(browser)
    page.goto(live.url + "/activities?when=week")
    page.get_by_role("link", name="Svenska").tap()
    page.wait_for_url(re.compile(r"/activities\?when=week$"))
    page.wait_for_selector("html[lang=sv]")
    assert page.get_by_role("heading", level=1).inner_text() == "Kommande 7 dagar"
    page.get_by_role("link", name="English").tap()
    page.wait_for_selector("html[lang=en]")
    assert page.get_by_role("heading", level=1).inner_text() == "Next 7 days"


def test_idle_warning_more_time_then_reset(browser: Any, tmp_path: Path) -> None:
    kiosk = make_live(tmp_path, web={"idle_seconds": 5, "idle_warning_seconds": 5})
    try:
        page = new_page(browser)
        page.goto(kiosk.url + "/")
        page.get_by_role("link", name="English").tap()
        page.wait_for_selector("html[lang=en]")
        page.get_by_role("button", name="Display").tap()
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


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_serious_problems(browser: Any, kiosk: LiveKiosk, lang: str) -> None:
    context = new_context(browser, (800, 480), lang)
    page = context.new_page()
    try:
        set_language(page, kiosk.url, lang)
        # Every screen in Finnish; in Swedish and English the screens whose words differ most.
        names = {"start", "all", "empty", "activity", "talk", "consent"}
        for screen in SCREENS:
            if lang == "fi" or screen.name in names:
                show(page, kiosk.url, screen)
                assert axe_violations(page) == [], screen.name
        for mode in ("large_text", "high_contrast"):
            set_mode(page, kiosk.url, mode)
            for path in ("/", "/activities", "/activities/demo-001"):
                page.goto(kiosk.url + path)
                assert axe_violations(page) == [], f"{path} in {mode}"
    finally:
        context.close()


def test_zoom_is_allowed(browser: Any, kiosk: LiveKiosk) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = new_page(browser)
    page.goto(kiosk.url + "/activities/demo-001")
    found = Axe().run(page).response["violations"]
    assert [v["id"] for v in found if v["id"] == "meta-viewport"] == []


def test_the_highlight_stops_at_a_touch_and_with_its_pause_button(
    browser: Any, tmp_path: Path
) -> None:
    kiosk = make_live(tmp_path, fixed_clock=True, web={"attract_seconds": 2})
    context = browser.new_context(viewport={"width": 800, "height": 480}, has_touch=True)
    # The page's timers run on Playwright's clock: seconds pass when the test says so.
    context.clock.install(time=FIXED_NOW.replace(tzinfo=ZoneInfo(TIMEZONE)))
    try:
        page = context.new_page()
        page.goto(kiosk.url + "/?fresh=1")
        shown = page.locator(".highlight.shown .h-title")
        first = shown.inner_text()
        page.clock.run_for(2100)
        assert shown.inner_text() != first  # it moves on by itself
        pause = page.get_by_role("button", name="Pysäytä")
        assert pause.get_attribute("aria-pressed") == "false"
        pause.tap()
        assert pause.get_attribute("aria-pressed") == "true"
        held = shown.inner_text()
        page.clock.run_for(10_000)  # five turns of the loop
        assert shown.inner_text() == held
        pause.tap()  # and on again
        assert pause.get_attribute("aria-pressed") == "false"
        page.clock.run_for(2100)
        assert shown.inner_text() != held

        # A touch anywhere stops it as well.
        page.goto(kiosk.url + "/?fresh=1")
        page.locator(".welcome h1").tap()
        held = shown.inner_text()
        page.clock.run_for(10_000)
        assert shown.inner_text() == held
        assert page.get_by_role("button", name="Pysäytä").get_attribute("aria-pressed") == "true"
    finally:
        context.close()
        kiosk.stop()


def test_the_staff_corner_takes_no_tap_meant_for_the_highlight(
    browser: Any, kiosk: LiveKiosk
) -> None:
    for size in ((800, 480), (1080, 1920)):
        context = new_context(browser, size)
        page = context.new_page()
        page.goto(kiosk.url + "/")
        card = page.locator(".highlight.shown a").bounding_box()
        assert card is not None
        # The card's bottom right corner, where the invisible staff corner used to be.
        page.touchscreen.tap(card["x"] + card["width"] - 8, card["y"] + card["height"] - 8)
        page.wait_for_url(re.compile(r"/activities/demo-\d+"))
        context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_clock_keeps_the_screens_time_format(browser: Any, kiosk: LiveKiosk, lang: str) -> None:
    context = new_context(browser, (800, 480), lang, fixed=False)
    context.clock.install(time=FIXED_NOW.replace(tzinfo=ZoneInfo(TIMEZONE)))
    page = context.new_page()
    try:
        set_language(page, kiosk.url, lang)
        page.goto(kiosk.url + "/")
        clock = page.locator(".clock-time")
        assert clock.inner_text() == wording.clock(FIXED_NOW, lang)
        # The page's own clock ticks on in the kiosk's time zone, written as the lists write it.
        page.clock.run_for(75_000)  # within the idle time
        later = datetime.combine(FIXED_NOW.date(), time(11, 51))
        assert clock.inner_text() == wording.clock(later, lang)
    finally:
        context.close()
